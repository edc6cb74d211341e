//! `did:jwk` (<https://github.com/quartzjer/did-jwk/blob/main/spec.md>): the DID is
//! `did:jwk:` + base64url(JWK JSON); its one verification method is `#0`.

use base64::Engine as _;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use serde_json::{Value, json};

use crate::{
    ControllerDocument, MAX_KEY_INPUT_BYTES, PublicKey, ResolveError, Resolver, VerificationMethod,
};

/// The method prefix.
pub const DID_JWK_PREFIX: &str = "did:jwk:";

/// Resolves `did:jwk` DIDs and DID URLs offline.
#[derive(Debug, Clone, Copy, Default)]
pub struct DidJwkResolver;

/// Makes the did:jwk for a public key (its minimal JWK, members sorted).
#[must_use]
pub fn did_jwk_from_public_key(public_key: &PublicKey) -> String {
    format!(
        "{DID_JWK_PREFIX}{}",
        URL_SAFE_NO_PAD.encode(public_key.to_jwk().to_string())
    )
}

fn decode(did: &str) -> Result<(Value, PublicKey), ResolveError> {
    let invalid = |reason: String| ResolveError::InvalidDid {
        did: did.to_owned(),
        reason,
    };
    if did.len() > MAX_KEY_INPUT_BYTES {
        return Err(ResolveError::LimitExceeded {
            what: "did:jwk length in bytes",
            limit: MAX_KEY_INPUT_BYTES,
        });
    }
    let encoded = did
        .strip_prefix(DID_JWK_PREFIX)
        .ok_or_else(|| ResolveError::NotHandled { id: did.to_owned() })?;
    let bytes = URL_SAFE_NO_PAD
        .decode(encoded)
        .map_err(|e| invalid(format!("not base64url: {e}")))?;
    let jwk: Value =
        serde_json::from_slice(&bytes).map_err(|e| invalid(format!("not a JSON JWK: {e}")))?;
    // The spec forbids private members in the DID.
    if jwk.get("d").is_some() {
        return Err(invalid("the JWK contains the private member d".into()));
    }
    let key = PublicKey::from_jwk(&jwk).map_err(|e| ResolveError::InvalidPublicKey {
        did: did.to_owned(),
        reason: e.to_string(),
    })?;
    Ok((jwk, key))
}

/// The did:jwk document.
pub fn did_jwk_document(did: &str) -> Result<Value, ResolveError> {
    let (jwk, _) = decode(did)?;
    let vm = format!("{did}#0");
    let encryption_only = jwk.get("use").and_then(Value::as_str) == Some("enc");
    let signing_only = jwk.get("use").and_then(Value::as_str) == Some("sig");
    let mut doc = json!({
        "@context": ["https://www.w3.org/ns/did/v1", "https://w3id.org/security/suites/jws-2020/v1"],
        "id": did,
        "verificationMethod": [{ "id": vm, "type": "JsonWebKey2020", "controller": did, "publicKeyJwk": jwk }],
    });
    if let Some(obj) = doc.as_object_mut() {
        if !encryption_only {
            for rel in [
                "assertionMethod",
                "authentication",
                "capabilityInvocation",
                "capabilityDelegation",
            ] {
                obj.insert(rel.into(), json!([vm]));
            }
        }
        if !signing_only {
            obj.insert("keyAgreement".into(), json!([vm]));
        }
    }
    Ok(doc)
}

impl Resolver for DidJwkResolver {
    fn resolve_verification_method(&self, id: &str) -> Result<VerificationMethod, ResolveError> {
        if !id.starts_with(DID_JWK_PREFIX) {
            return Err(ResolveError::NotHandled { id: id.to_owned() });
        }
        let did = crate::controller_document::document_id_of(id);
        if id.len() > did.len() && id != format!("{did}#0") {
            return Err(ResolveError::InvalidDidUrl {
                id: id.to_owned(),
                reason: "a did:jwk has one verification method, #0".into(),
            });
        }
        ControllerDocument::parse(&did_jwk_document(did)?)?.verification_method(&format!("{did}#0"))
    }

    fn resolve_document(&self, id: &str) -> Result<ControllerDocument, ResolveError> {
        let did = crate::controller_document::document_id_of(id);
        ControllerDocument::parse(&did_jwk_document(did)?)
    }
}
