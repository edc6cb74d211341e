//! `did:key` (<https://w3c-ccg.github.io/did-key-spec/>): the DID is the key, so resolution is
//! pure decoding. Supports Ed25519, P-256, P-384 and secp256k1 (and RSA from its multicodec).
//!
//! The document uses the `Multikey` representation. The Ed25519 → X25519 `keyAgreement` method is
//! not generated: credbridge only verifies signatures.

use serde_json::{Value, json};

use crate::multikey::{decode_base58, split_multicodec};
use crate::{
    ControllerDocument, KeyError, MAX_KEY_INPUT_BYTES, PublicKey, ResolveError, Resolver,
    VerificationMethod, VerificationRelationship,
};

/// The method prefix.
pub const DID_KEY_PREFIX: &str = "did:key:";

/// Resolves `did:key` DIDs and DID URLs offline.
#[derive(Debug, Clone, Copy, Default)]
pub struct DidKeyResolver;

/// A decoded did:key: the DID, its multibase value and the key.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DidKey {
    /// The DID (without fragment).
    pub did: String,
    /// The multibase value (`z…`), which is also the fragment of its verification method.
    pub multibase: String,
    /// The key.
    pub public_key: PublicKey,
}

impl DidKey {
    /// Makes the did:key for a public key.
    #[must_use]
    pub fn from_public_key(public_key: &PublicKey) -> DidKey {
        let multibase = public_key.to_multikey();
        DidKey {
            did: format!("{DID_KEY_PREFIX}{multibase}"),
            multibase,
            public_key: public_key.clone(),
        }
    }

    /// The id of the DID's one signing verification method (`did:key:z…#z…`).
    #[must_use]
    pub fn verification_method_id(&self) -> String {
        format!("{}#{}", self.did, self.multibase)
    }

    /// Decodes a did:key DID (no fragment), applying the did:key spec's error rules.
    pub fn parse(did: &str) -> Result<DidKey, ResolveError> {
        let invalid_did = |reason: &str| ResolveError::InvalidDid {
            did: did.to_owned(),
            reason: reason.to_owned(),
        };
        if did.len() > MAX_KEY_INPUT_BYTES {
            return Err(ResolveError::LimitExceeded {
                what: "did:key length in bytes",
                limit: MAX_KEY_INPUT_BYTES,
            });
        }
        let rest = did
            .strip_prefix(DID_KEY_PREFIX)
            .ok_or_else(|| ResolveError::NotHandled { id: did.to_owned() })?;
        // `did:key:<version>:<mb>` is allowed; the version must be a positive integer (spec §3.1.1).
        let multibase = match rest.split_once(':') {
            Some((version, mb)) => {
                if !version.parse::<u64>().is_ok_and(|v| v > 0) {
                    return Err(invalid_did("version must be a positive integer"));
                }
                mb
            }
            None => rest,
        };
        let encoded = multibase
            .strip_prefix('z')
            .ok_or_else(|| invalid_did("the multibase value must begin with 'z'"))?;
        let bytes = decode_base58(encoded).map_err(|e| invalid_did(&e.to_string()))?;
        let (code, raw) = split_multicodec(&bytes).map_err(|e| invalid_did(&e.to_string()))?;
        let public_key =
            crate::multikey::public_key_from_multicodec(code, raw).map_err(|e| match e {
                KeyError::UnsupportedMulticodec { .. } => ResolveError::UnsupportedPublicKeyType {
                    did: did.to_owned(),
                    reason: e.to_string(),
                },
                KeyError::KeyLength { .. } => ResolveError::InvalidPublicKeyLength {
                    did: did.to_owned(),
                    reason: e.to_string(),
                },
                other => ResolveError::InvalidPublicKey {
                    did: did.to_owned(),
                    reason: other.to_string(),
                },
            })?;
        Ok(DidKey {
            did: did.to_owned(),
            multibase: multibase.to_owned(),
            public_key,
        })
    }

    /// The DID document (Multikey form).
    #[must_use]
    pub fn document(&self) -> Value {
        let vm_id = self.verification_method_id();
        json!({
            "@context": ["https://www.w3.org/ns/did/v1", "https://w3id.org/security/multikey/v1"],
            "id": self.did,
            "verificationMethod": [{
                "id": vm_id,
                "type": "Multikey",
                "controller": self.did,
                "publicKeyMultibase": self.multibase,
            }],
            "authentication": [vm_id],
            "assertionMethod": [vm_id],
            "capabilityInvocation": [vm_id],
            "capabilityDelegation": [vm_id],
        })
    }
}

impl Resolver for DidKeyResolver {
    fn resolve_verification_method(&self, id: &str) -> Result<VerificationMethod, ResolveError> {
        if !id.starts_with(DID_KEY_PREFIX) {
            return Err(ResolveError::NotHandled { id: id.to_owned() });
        }
        let (did, fragment) = match id.split_once('#') {
            Some((did, fragment)) => (did, Some(fragment)),
            None => (id, None),
        };
        let key = DidKey::parse(did)?;
        if let Some(fragment) = fragment
            && fragment != key.multibase
        {
            return Err(ResolveError::InvalidDidUrl {
                id: id.to_owned(),
                reason: format!(
                    "fragment must be the key's multibase value {}",
                    key.multibase
                ),
            });
        }
        Ok(VerificationMethod {
            id: key.verification_method_id(),
            method_type: "Multikey".into(),
            controller: key.did.clone(),
            public_key: key.public_key,
            relationships: Some(vec![
                VerificationRelationship::Authentication,
                VerificationRelationship::AssertionMethod,
                VerificationRelationship::CapabilityInvocation,
                VerificationRelationship::CapabilityDelegation,
            ]),
        })
    }

    fn resolve_document(&self, id: &str) -> Result<ControllerDocument, ResolveError> {
        let did = crate::controller_document::document_id_of(id);
        ControllerDocument::parse(&DidKey::parse(did)?.document())
    }
}
