//! A wallet for tests (feature `testing`): holds an Ed25519 did:key and answers a
//! Verifiable Presentation Request with a presentation signed with an `eddsa-rdfc-2022`
//! authentication proof carrying the request's challenge and domain. It signs through
//! `credbridge-proofs` like any holder would; nothing is faked.

use credbridge_keys::{DidKey, KeyError, KeyType, SecretKey};
use credbridge_proofs::{
    Canonicalizer, JsonLdCanonicalizer, ProofError, SignOptions, sign_data_integrity, suites,
};
use serde_json::{Value, json};

/// A holder with a did:key.
pub struct TestWallet {
    key: SecretKey,
    did: DidKey,
    canonicalizer: JsonLdCanonicalizer,
}

impl std::fmt::Debug for TestWallet {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("TestWallet")
            .field("did", &self.did.did)
            .finish_non_exhaustive()
    }
}

impl TestWallet {
    /// A wallet whose Ed25519 key is `seed` (deterministic, for tests).
    ///
    /// # Errors
    /// [`KeyError`] from the key constructor.
    pub fn from_seed(seed: [u8; 32]) -> Result<TestWallet, KeyError> {
        let key = SecretKey::from_raw_bytes(KeyType::Ed25519, &seed)?;
        Ok(TestWallet::with_key(key))
    }

    /// A wallet with a fresh random Ed25519 key.
    ///
    /// # Errors
    /// [`KeyError`] when no key can be generated.
    pub fn generate() -> Result<TestWallet, KeyError> {
        Ok(TestWallet::with_key(SecretKey::generate(KeyType::Ed25519)?))
    }

    fn with_key(key: SecretKey) -> TestWallet {
        let did = DidKey::from_public_key(&key.public_key());
        TestWallet {
            key,
            did,
            canonicalizer: JsonLdCanonicalizer::with_bundled_contexts(),
        }
    }

    /// The wallet's DID.
    pub fn did(&self) -> &str {
        &self.did.did
    }

    /// An unsigned presentation by this holder of `credentials`.
    pub fn presentation(&self, credentials: Vec<Value>) -> Value {
        let mut vp = json!({
            "@context": ["https://www.w3.org/ns/credentials/v2"],
            "type": ["VerifiablePresentation"],
            "holder": self.did.did,
        });
        if !credentials.is_empty()
            && let Value::Object(object) = &mut vp
        {
            object.insert("verifiableCredential".into(), Value::Array(credentials));
        }
        vp
    }

    /// Signs `presentation` with an `eddsa-rdfc-2022` authentication proof carrying
    /// `challenge` and `domain`, created at `created` (Unix seconds).
    ///
    /// # Errors
    /// [`ProofError`] when the presentation cannot be canonicalized or signed.
    pub fn sign(
        &self,
        presentation: &Value,
        challenge: Option<&str>,
        domain: Option<&str>,
        created: i64,
    ) -> Result<Value, ProofError> {
        sign_data_integrity(
            presentation,
            suites::EDDSA_RDFC_2022,
            &self.key,
            &SignOptions {
                verification_method: self.did.verification_method_id(),
                proof_purpose: "authentication".into(),
                created: Some(created),
                challenge: challenge.map(str::to_owned),
                domain: domain.map(str::to_owned),
                canonicalizer: Some(&self.canonicalizer as &dyn Canonicalizer),
                ..SignOptions::default()
            },
        )
    }

    /// Answers a server message holding a `verifiablePresentationRequest` (or the request
    /// itself) with the participation message `{"verifiablePresentation": …}`: the
    /// `credentials`, signed with the request's challenge and domain.
    ///
    /// # Errors
    /// [`ProofError`] when signing fails.
    pub fn answer(
        &self,
        message: &Value,
        credentials: Vec<Value>,
        now: i64,
    ) -> Result<Value, ProofError> {
        let request = message
            .get("verifiablePresentationRequest")
            .unwrap_or(message);
        let challenge = request.get("challenge").and_then(Value::as_str);
        let domain = request.get("domain").and_then(Value::as_str);
        let vp = self.sign(&self.presentation(credentials), challenge, domain, now)?;
        Ok(json!({ "verifiablePresentation": vp }))
    }
}
