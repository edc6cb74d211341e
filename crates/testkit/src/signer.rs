//! Our own signers with fixed seeds, a credential template and a status-list encoder: what the
//! tests and the bulk benchmark sign and serve.

use std::io::Write;

use base64::Engine;
use credbridge_keys::{DidKey, KeyError, KeyType, SecretKey};
use credbridge_proofs::{
    Canonicalizer, Cryptosuite, JsonLdCanonicalizer, JwtKind, JwtSignOptions, ProofError,
    SignOptions, sign_data_integrity, sign_jwt,
};
use serde_json::{Value, json};

/// Why a fixture could not be made.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum TestkitError {
    /// The key could not be made.
    #[error("key: {0}")]
    Key(#[from] KeyError),
    /// Signing failed.
    #[error("signing: {0}")]
    Sign(#[from] ProofError),
    /// Compressing a status list failed.
    #[error("status list: {0}")]
    Io(#[from] std::io::Error),
}

/// An Ed25519 did:key issuer made from a fixed seed, signing with the production signers.
pub struct Signer {
    /// The secret key.
    pub key: SecretKey,
    /// Its did:key.
    pub did: DidKey,
    canonicalizer: JsonLdCanonicalizer,
}

impl Signer {
    /// The issuer whose key is the Ed25519 key with `seed`.
    ///
    /// # Errors
    /// [`TestkitError::Key`] (never for a 32-byte seed).
    pub fn ed25519(seed: [u8; 32]) -> Result<Signer, TestkitError> {
        let key = SecretKey::from_raw_bytes(KeyType::Ed25519, &seed)?;
        let did = DidKey::from_public_key(&key.public_key());
        Ok(Signer {
            key,
            did,
            canonicalizer: JsonLdCanonicalizer::with_bundled_contexts(),
        })
    }

    /// The canonicalizer the signer uses (bundled contexts only).
    #[must_use]
    pub fn canonicalizer(&self) -> &JsonLdCanonicalizer {
        &self.canonicalizer
    }

    /// `credential` with a Data Integrity proof of `suite` (proof purpose `assertionMethod`,
    /// verification method the did:key's), created at `created` (Unix seconds).
    ///
    /// # Errors
    /// [`TestkitError::Sign`].
    pub fn sign_data_integrity(
        &self,
        credential: &Value,
        suite: &'static Cryptosuite,
        created: i64,
    ) -> Result<Value, TestkitError> {
        Ok(sign_data_integrity(
            credential,
            suite,
            &self.key,
            &SignOptions {
                verification_method: self.did.verification_method_id(),
                proof_purpose: "assertionMethod".into(),
                created: Some(created),
                canonicalizer: Some(&self.canonicalizer as &dyn Canonicalizer),
                ..SignOptions::default()
            },
        )?)
    }

    /// `credential` as a VC-JOSE compact JWS with `kid` the did:key's verification method.
    ///
    /// # Errors
    /// [`TestkitError::Sign`].
    pub fn sign_vc_jose(&self, credential: &Value) -> Result<String, TestkitError> {
        Ok(sign_jwt(
            credential,
            &self.key,
            &JwtSignOptions {
                kind: JwtKind::VcJose,
                alg: None,
                kid: Some(self.did.verification_method_id()),
                embed_jwk: false,
                audience: None,
                nonce: None,
                issued_at: None,
            },
        )?)
    }
}

/// An unsigned Open Badges 3.0 credential from `issuer`, valid from 2026-06-12.
#[must_use]
pub fn ob3_credential(issuer: &str) -> Value {
    json!({
        "@context": [
            "https://www.w3.org/ns/credentials/v2",
            "https://purl.imsglobal.org/spec/ob/v3p0/context-3.0.3.json"
        ],
        "type": ["VerifiableCredential", "OpenBadgeCredential"],
        "name": "Data Analysis with Python",
        "issuer": {"id": issuer, "type": ["Profile"], "name": "Riverside Community College"},
        "validFrom": "2026-06-12T00:00:00Z",
        "credentialSubject": {
            "id": "did:example:learner",
            "type": ["AchievementSubject"],
            "achievement": {
                "id": "https://riverside.example.edu/achievements/data-analysis-python",
                "type": ["Achievement"],
                "name": "Data Analysis with Python",
                "description": "A 12-week course in cleaning, analysing and visualising data.",
                "criteria": {"narrative": "Four graded projects and a capstone analysis."}
            }
        }
    })
}

/// A Bitstring Status List `encodedList` of `bits` entries with the `set` indexes set:
/// `u` + base64url(GZIP(bits)), index 0 the most significant bit of the first byte (Bitstring
/// Status List §3.2). Indexes past the end are ignored.
///
/// # Errors
/// [`TestkitError::Io`] if compression fails.
pub fn encoded_status_list(
    bits: usize,
    set: impl IntoIterator<Item = usize>,
) -> Result<String, TestkitError> {
    let mut bytes = vec![0u8; bits.div_ceil(8)];
    for index in set {
        if let Some(byte) = bytes.get_mut(index / 8) {
            *byte |= 0x80 >> (index % 8);
        }
    }
    let mut gzip = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::default());
    gzip.write_all(&bytes)?;
    let compressed = gzip.finish()?;
    Ok(format!(
        "u{}",
        base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(compressed)
    ))
}
