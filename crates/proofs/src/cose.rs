//! COSE_Sign1 (RFC 9052 §4.2) for VC-JOSE-COSE §3.3: `application/vc+cose` and
//! `application/vp+cose`. The payload is the credential or presentation as JSON bytes; the
//! protected header carries `alg`, `typ` (label 16, RFC 9596), the content type
//! (`application/vc` / `application/vp`) and `kid`.
//!
//! The CBOR structures and the `Sig_structure` come from `coset`; the signature is made and
//! checked by `credbridge-keys`, with the same fixed-size `r‖s` ECDSA form JOSE uses
//! (RFC 9053 §2.1).

use coset::{
    CborSerializable as _, CoseSign1, CoseSign1Builder, HeaderBuilder, RegisteredLabelWithPrivate,
    TaggedCborSerializable as _, iana,
};
use credbridge_keys::{Algorithm, PublicKey, SecretKey};

use crate::ProofError;

/// Largest COSE_Sign1 accepted, in bytes.
pub const MAX_COSE_BYTES: usize = 1024 * 1024;
/// The `typ` header parameter (RFC 9596).
pub const TYP_LABEL: i64 = 16;

fn iana_alg(alg: Algorithm) -> Result<iana::Algorithm, ProofError> {
    Ok(match alg {
        Algorithm::EdDsa => iana::Algorithm::EdDSA,
        Algorithm::Es256 => iana::Algorithm::ES256,
        Algorithm::Es384 => iana::Algorithm::ES384,
        Algorithm::Es512 => iana::Algorithm::ES512,
        Algorithm::Es256K => iana::Algorithm::ES256K,
        Algorithm::Ps256 => iana::Algorithm::PS256,
        Algorithm::Rs256 => iana::Algorithm::RS256,
        other => {
            return Err(ProofError::InvalidSignInput {
                what: "COSE algorithm",
                reason: format!("{other} has no COSE algorithm identifier"),
            });
        }
    })
}

fn from_iana(alg: iana::Algorithm) -> Option<Algorithm> {
    Some(match alg {
        iana::Algorithm::EdDSA => Algorithm::EdDsa,
        iana::Algorithm::ES256 => Algorithm::Es256,
        iana::Algorithm::ES384 => Algorithm::Es384,
        iana::Algorithm::ES512 => Algorithm::Es512,
        iana::Algorithm::ES256K => Algorithm::Es256K,
        iana::Algorithm::PS256 => Algorithm::Ps256,
        iana::Algorithm::RS256 => Algorithm::Rs256,
        _ => return None,
    })
}

/// Signs `payload` as a tagged COSE_Sign1 with `typ` and `content_type` in the protected
/// header.
pub fn sign1(
    payload: &[u8],
    key: &SecretKey,
    alg: Algorithm,
    typ: &str,
    content_type: &str,
    kid: Option<&str>,
) -> Result<Vec<u8>, ProofError> {
    let mut header = HeaderBuilder::new()
        .algorithm(iana_alg(alg)?)
        .content_type(content_type.to_owned())
        .value(TYP_LABEL, coset::cbor::Value::Text(typ.to_owned()));
    if let Some(kid) = kid {
        header = header.key_id(kid.as_bytes().to_vec());
    }
    let sign1 = CoseSign1Builder::new()
        .protected(header.build())
        .payload(payload.to_vec())
        .try_create_signature(b"", |data| key.sign(alg, data))?
        .build();
    sign1
        .to_tagged_vec()
        .map_err(|e| ProofError::InvalidSignInput {
            what: "COSE_Sign1",
            reason: format!("CBOR encoding: {e}"),
        })
}

/// A COSE_Sign1 whose signature checked out.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct VerifiedSign1 {
    /// The algorithm.
    pub alg: Algorithm,
    /// The protected `typ` (label 16), when it is text.
    pub typ: Option<String>,
    /// The protected content type, when it is text.
    pub content_type: Option<String>,
    /// The protected `kid`, as UTF-8 when it is, else empty.
    pub kid: Option<String>,
    /// The payload bytes.
    pub payload: Vec<u8>,
}

/// Why a COSE_Sign1 is refused.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum CoseError {
    /// Not CBOR, or not a COSE_Sign1.
    #[error("not a COSE_Sign1: {0}")]
    Malformed(String),
    /// Larger than [`MAX_COSE_BYTES`].
    #[error("COSE_Sign1 of {0} bytes is over the limit of {MAX_COSE_BYTES}")]
    TooLarge(usize),
    /// No payload (detached content is not a credential).
    #[error("the COSE_Sign1 has no payload (detached content is not supported)")]
    Detached,
    /// No `alg` in the protected header, or one not implemented.
    #[error("protected header algorithm: {0}")]
    Algorithm(String),
    /// `crit` lists parameters; none is understood here.
    #[error("critical header parameters are not understood (RFC 9052 §3.1)")]
    Critical,
    /// The key does not fit the algorithm, or the signature does not verify.
    #[error("signature: {0}")]
    Signature(String),
}

/// Decodes a (tagged or untagged) COSE_Sign1 without checking anything else.
pub(crate) fn decode1(bytes: &[u8]) -> Result<CoseSign1, CoseError> {
    if bytes.len() > MAX_COSE_BYTES {
        return Err(CoseError::TooLarge(bytes.len()));
    }
    CoseSign1::from_tagged_slice(bytes)
        .or_else(|_| CoseSign1::from_slice(bytes))
        .map_err(|e| CoseError::Malformed(e.to_string()))
}

/// The protected `typ` (label 16), when it is text.
pub(crate) fn typ_of(sign1: &CoseSign1) -> Option<&str> {
    sign1
        .protected
        .header
        .rest
        .iter()
        .find(|(label, _)| *label == coset::Label::Int(TYP_LABEL))
        .and_then(|(_, v)| v.as_text())
}

/// Decodes a (tagged or untagged) COSE_Sign1 and checks its signature with `key`.
pub fn verify1(bytes: &[u8], key: &PublicKey) -> Result<VerifiedSign1, CoseError> {
    let sign1 = decode1(bytes)?;
    let protected = &sign1.protected.header;
    if !protected.crit.is_empty() {
        return Err(CoseError::Critical);
    }
    let alg = match &protected.alg {
        Some(RegisteredLabelWithPrivate::Assigned(a)) => {
            from_iana(*a).ok_or_else(|| CoseError::Algorithm(format!("{a:?} is not supported")))?
        }
        Some(other) => return Err(CoseError::Algorithm(format!("{other:?} is not supported"))),
        None => return Err(CoseError::Algorithm("missing".into())),
    };
    if sign1.payload.is_none() {
        return Err(CoseError::Detached);
    }
    sign1.verify_signature(b"", |signature, data| {
        key.verify(alg, data, signature)
            .map(|_| ())
            .map_err(|e| CoseError::Signature(e.to_string()))
    })?;
    Ok(VerifiedSign1 {
        alg,
        typ: typ_of(&sign1).map(str::to_owned),
        content_type: match &protected.content_type {
            Some(coset::ContentType::Text(t)) => Some(t.clone()),
            _ => None,
        },
        kid: String::from_utf8(protected.key_id.clone())
            .ok()
            .filter(|k| !k.is_empty()),
        payload: sign1.payload.unwrap_or_default(),
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use credbridge_keys::KeyType;

    #[test]
    fn sign_then_verify_every_curve_and_refuse_tamper() {
        for (kt, alg) in [
            (KeyType::Ed25519, Algorithm::EdDsa),
            (KeyType::P256, Algorithm::Es256),
            (KeyType::P384, Algorithm::Es384),
            (KeyType::P521, Algorithm::Es512),
        ] {
            let key = SecretKey::generate(kt).unwrap();
            let bytes = sign1(
                br#"{"a":1}"#,
                &key,
                alg,
                "application/vc+cose",
                "application/vc",
                Some("k1"),
            )
            .unwrap();
            assert_eq!(bytes.first(), Some(&0xd2), "tag 18");
            let v = verify1(&bytes, &key.public_key()).unwrap();
            assert_eq!(v.alg, alg);
            assert_eq!(v.typ.as_deref(), Some("application/vc+cose"));
            assert_eq!(v.content_type.as_deref(), Some("application/vc"));
            assert_eq!(v.kid.as_deref(), Some("k1"));
            assert_eq!(v.payload, br#"{"a":1}"#);
            // Another key of the same type fails; so does a flipped payload byte.
            let other = SecretKey::generate(kt).unwrap().public_key();
            assert!(matches!(
                verify1(&bytes, &other),
                Err(CoseError::Signature(_))
            ));
            let mut tampered = bytes.clone();
            let at = tampered.len() - alg_signature_len(alg) - 3;
            tampered[at] ^= 1;
            assert!(verify1(&tampered, &key.public_key()).is_err());
        }
    }

    fn alg_signature_len(alg: Algorithm) -> usize {
        match alg {
            Algorithm::Es384 => 96,
            Algorithm::Es512 => 132,
            _ => 64,
        }
    }

    #[test]
    fn garbage_is_malformed_not_a_panic() {
        let key = SecretKey::generate(KeyType::P256).unwrap().public_key();
        for bytes in [
            &b""[..],
            b"\xd2",
            b"not cbor at all",
            b"\xd2\x84\x40\xa0\xf6\x40",
        ] {
            assert!(verify1(bytes, &key).is_err());
        }
    }
}
