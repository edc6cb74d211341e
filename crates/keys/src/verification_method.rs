//! Verification methods and verification relationships
//! (<https://www.w3.org/TR/cid-1.0/#verification-methods>, DID Core §5.2–5.3).

use serde_json::Value;

use crate::{PublicKey, ResolveError};

/// A verification relationship of a controller document (DID Core §5.3).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum VerificationRelationship {
    /// `authentication`.
    Authentication,
    /// `assertionMethod`.
    AssertionMethod,
    /// `capabilityInvocation`.
    CapabilityInvocation,
    /// `capabilityDelegation`.
    CapabilityDelegation,
    /// `keyAgreement`.
    KeyAgreement,
}

impl VerificationRelationship {
    /// Every relationship.
    pub const ALL: [VerificationRelationship; 5] = [
        VerificationRelationship::Authentication,
        VerificationRelationship::AssertionMethod,
        VerificationRelationship::CapabilityInvocation,
        VerificationRelationship::CapabilityDelegation,
        VerificationRelationship::KeyAgreement,
    ];

    /// The property name, which is also the `proofPurpose` value.
    #[must_use]
    pub const fn name(self) -> &'static str {
        match self {
            VerificationRelationship::Authentication => "authentication",
            VerificationRelationship::AssertionMethod => "assertionMethod",
            VerificationRelationship::CapabilityInvocation => "capabilityInvocation",
            VerificationRelationship::CapabilityDelegation => "capabilityDelegation",
            VerificationRelationship::KeyAgreement => "keyAgreement",
        }
    }

    /// Parses a property name / `proofPurpose` value.
    #[must_use]
    pub fn from_name(name: &str) -> Option<VerificationRelationship> {
        VerificationRelationship::ALL
            .into_iter()
            .find(|r| r.name() == name)
    }
}

/// A resolved verification method: its key plus what its controller document says about it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct VerificationMethod {
    /// The method's id (absolute, e.g. `did:key:z6Mk…#z6Mk…`).
    pub id: String,
    /// The method's `type` (`Multikey`, `JsonWebKey`, `Ed25519VerificationKey2020`, …).
    pub method_type: String,
    /// The method's `controller` (`owner` for OB 2.0 `CryptographicKey`).
    pub controller: String,
    /// The public key.
    pub public_key: PublicKey,
    /// The controller document's verification relationships that list this method. `None` when
    /// no controller document was consulted (a bare key document), so a proof purpose cannot be
    /// confirmed and must be reported as not checked.
    pub relationships: Option<Vec<VerificationRelationship>>,
}

impl VerificationMethod {
    /// Whether the controller document authorises this method for `relationship`: `Some(true)`
    /// or `Some(false)` when a controller document was consulted, `None` when none was.
    #[must_use]
    pub fn allows(&self, relationship: VerificationRelationship) -> Option<bool> {
        self.relationships
            .as_ref()
            .map(|r| r.contains(&relationship))
    }
}

/// Verification-method types this crate reads.
pub const SUPPORTED_METHOD_TYPES: [&str; 8] = [
    "Multikey",
    "JsonWebKey",
    "JsonWebKey2020",
    "Ed25519VerificationKey2018",
    "Ed25519VerificationKey2020",
    "EcdsaSecp256k1VerificationKey2019",
    "RsaVerificationKey2018",
    "CryptographicKey",
];

fn type_names(value: Option<&Value>) -> Vec<&str> {
    match value {
        Some(Value::String(s)) => vec![s.as_str()],
        Some(Value::Array(a)) => a.iter().filter_map(Value::as_str).collect(),
        _ => Vec::new(),
    }
}

/// Decodes a hex key (`publicKeyHex`), bounded by [`crate::MAX_KEY_INPUT_BYTES`].
fn decode_hex(text: &str) -> Result<Vec<u8>, crate::KeyError> {
    if text.len() > crate::MAX_KEY_INPUT_BYTES {
        return Err(crate::KeyError::KeyInputTooLong {
            found: text.len(),
            limit: crate::MAX_KEY_INPUT_BYTES,
        });
    }
    let digit = |c: u8| (c as char).to_digit(16);
    let bytes = text.as_bytes();
    if !bytes.len().is_multiple_of(2) {
        return Err(crate::KeyError::Hex {
            field: "publicKeyHex",
        });
    }
    bytes
        .chunks_exact(2)
        .map(|pair| match pair {
            [hi, lo] => match (digit(*hi), digit(*lo)) {
                (Some(h), Some(l)) => u8::try_from(h * 16 + l).ok(),
                _ => None,
            },
            _ => None,
        })
        .collect::<Option<Vec<u8>>>()
        .ok_or(crate::KeyError::Hex {
            field: "publicKeyHex",
        })
}

/// Reads the key material of one verification-method object, choosing by `type` and the key
/// property present. `id` is used in errors. Relationships are left `None`; the controller
/// document fills them in.
pub fn parse_verification_method(
    id: &str,
    method: &Value,
) -> Result<VerificationMethod, ResolveError> {
    let key_err = |source| ResolveError::KeyMaterial {
        id: id.to_owned(),
        source,
    };
    let types = type_names(method.get("type"));
    let method_type = types
        .iter()
        .find(|t| SUPPORTED_METHOD_TYPES.contains(t))
        .copied()
        .ok_or_else(|| ResolveError::UnsupportedVerificationMethodType {
            id: id.to_owned(),
            method_type: types.join(","),
        })?;
    let str_prop = |name: &str| method.get(name).and_then(Value::as_str);
    let missing = |what: &str| ResolveError::Document {
        id: id.to_owned(),
        reason: format!("{method_type} verification method has no {what}"),
    };
    let public_key = if let Some(mb) = str_prop("publicKeyMultibase") {
        PublicKey::from_multikey(mb).map_err(key_err)?
    } else if let Some(jwk) = method.get("publicKeyJwk") {
        PublicKey::from_jwk(jwk).map_err(key_err)?
    } else if let Some(b58) = str_prop("publicKeyBase58") {
        if method_type == "EcdsaSecp256k1VerificationKey2019" {
            let bytes = crate::multikey::decode_base58(b58).map_err(key_err)?;
            PublicKey::ec_from_sec1(crate::KeyType::Secp256k1, &bytes).map_err(key_err)?
        } else {
            PublicKey::from_ed25519_base58(b58).map_err(key_err)?
        }
    } else if let Some(pem) = str_prop("publicKeyPem") {
        PublicKey::from_pem(pem).map_err(key_err)?
    } else if let Some(hex) = str_prop("publicKeyHex")
        && method_type == "EcdsaSecp256k1VerificationKey2019"
    {
        // The 2019 secp256k1 suite's documents (and did:ethr, did:ion of that time) give the
        // SEC1 point in hex.
        let bytes = decode_hex(hex).map_err(key_err)?;
        PublicKey::ec_from_sec1(crate::KeyType::Secp256k1, &bytes).map_err(key_err)?
    } else {
        return Err(missing(
            "publicKeyMultibase, publicKeyJwk, publicKeyBase58, publicKeyPem or publicKeyHex",
        ));
    };
    // Ed25519VerificationKey2020 / 2018 name their key type; a mismatch is a defect, not a
    // key to use.
    if method_type.starts_with("Ed25519VerificationKey")
        && public_key.key_type() != crate::KeyType::Ed25519
    {
        return Err(ResolveError::Document {
            id: id.to_owned(),
            reason: format!(
                "{method_type} holds a {} key, not Ed25519",
                public_key.key_type()
            ),
        });
    }
    let controller = str_prop("controller")
        .or_else(|| str_prop("owner"))
        .unwrap_or_default()
        .to_owned();
    Ok(VerificationMethod {
        id: id.to_owned(),
        method_type: method_type.to_owned(),
        controller,
        public_key,
        relationships: None,
    })
}
