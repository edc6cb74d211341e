//! DIF Well-Known DID Configuration fixtures: a `did:jwk` signer, Domain Linkage Credentials in
//! both proof formats (JSON-LD with an embedded proof through [`crate::Signer`], and the JWT
//! format signed here), and the `did-configuration.json` resource that lists them.
//! See <https://identity.foundation/.well-known/resources/did-configuration/>.

use credbridge_keys::{KeyType, SecretKey, did_jwk_from_public_key};
use credbridge_proofs::jose::sign_compact_jws;
use credbridge_proofs::parse_datetime;
use serde_json::{Map, Value, json};

use crate::TestkitError;

/// The JSON-LD context of the DID Configuration resource and its credentials.
pub const DID_CONFIGURATION_CONTEXT: &str =
    "https://identity.foundation/.well-known/did-configuration/v1";

/// A P-256 `did:jwk` issuer made from a fixed seed (a self-certifying DID of another method
/// and key type than [`crate::Signer`]'s `did:key`).
pub struct JwkSigner {
    /// The secret key.
    pub key: SecretKey,
    /// Its `did:jwk`.
    pub did: String,
}

impl JwkSigner {
    /// The issuer whose P-256 secret scalar is `seed`.
    ///
    /// # Errors
    /// [`TestkitError::Key`] when `seed` is not a valid P-256 scalar (zero, or not below the
    /// group order).
    pub fn p256(seed: [u8; 32]) -> Result<JwkSigner, TestkitError> {
        let key = SecretKey::from_raw_bytes(KeyType::P256, &seed)?;
        let did = did_jwk_from_public_key(&key.public_key());
        Ok(JwkSigner { key, did })
    }

    /// The one verification method of the `did:jwk` (`#0`).
    #[must_use]
    pub fn verification_method_id(&self) -> String {
        format!("{}#0", self.did)
    }
}

/// An unsigned Domain Linkage Credential (VCDM 1.1) by which `did` links `origin`, valid from
/// `issued` to `expires` (XSD dateTime strings). The ed25519-2020 context is included so that
/// the credential can carry an `Ed25519Signature2020` proof.
#[must_use]
pub fn domain_linkage_credential(did: &str, origin: &str, issued: &str, expires: &str) -> Value {
    json!({
        "@context": [
            "https://www.w3.org/2018/credentials/v1",
            DID_CONFIGURATION_CONTEXT,
            "https://w3id.org/security/suites/ed25519-2020/v1"
        ],
        "issuer": did,
        "issuanceDate": issued,
        "expirationDate": expires,
        "type": ["VerifiableCredential", "DomainLinkageCredential"],
        "credentialSubject": {"id": did, "origin": origin}
    })
}

/// `credential` in the JSON Web Token Proof Format: header `alg` and `kid` only; payload
/// `exp`, `iss`, `nbf`, `sub` and `vc` (the credential without `proof`), with `iss` and `sub`
/// the credential's subject and `nbf` / `exp` its `issuanceDate` / `expirationDate`.
///
/// # Errors
/// [`TestkitError::Sign`] when the dates are not dateTimes or signing fails.
pub fn sign_domain_linkage_jwt(
    key: &SecretKey,
    kid: &str,
    credential: &Value,
) -> Result<String, TestkitError> {
    let bad = |what: &str| {
        TestkitError::Sign(credbridge_proofs::ProofError::InvalidSignInput {
            what: "domain linkage credential",
            reason: format!("{what} is missing or not a dateTime"),
        })
    };
    let time = |field: &str| {
        credential
            .get(field)
            .and_then(Value::as_str)
            .and_then(parse_datetime)
            .ok_or_else(|| bad(field))
    };
    let subject = credential
        .get("credentialSubject")
        .and_then(|s| s.get("id"))
        .cloned()
        .ok_or_else(|| bad("credentialSubject.id"))?;
    let mut vc = credential.clone();
    if let Some(map) = vc.as_object_mut() {
        map.remove("proof");
    }
    let payload = json!({
        "exp": time("expirationDate")?,
        "iss": subject,
        "nbf": time("issuanceDate")?,
        "sub": subject,
        "vc": vc,
    });
    let mut header = Map::new();
    header.insert("kid".into(), kid.into());
    Ok(sign_compact_jws(
        &header,
        payload.to_string().as_bytes(),
        key,
        key.default_algorithm(),
    )?)
}

/// The `did-configuration.json` resource listing `linked_dids` (credential objects or JWT
/// strings).
#[must_use]
pub fn did_configuration(linked_dids: Vec<Value>) -> Value {
    json!({
        "@context": DID_CONFIGURATION_CONTEXT,
        "linked_dids": linked_dids,
    })
}
