//! PEM armour (RFC 7468) and SubjectPublicKeyInfo / PKCS#1 DER public keys, as found in OB 2.0
//! `CryptographicKey.publicKeyPem`.

use base64::Engine as _;
use base64::engine::general_purpose::STANDARD;
use spki::{DecodePublicKey as _, EncodePublicKey as _};

use crate::{KeyError, MAX_KEY_INPUT_BYTES, PublicKey};

/// Decodes one PEM block; returns its label (`PUBLIC KEY`, `RSA PUBLIC KEY`, …) and DER bytes.
pub fn decode_pem(text: &str) -> Result<(String, Vec<u8>), KeyError> {
    if text.len() > MAX_KEY_INPUT_BYTES {
        return Err(KeyError::KeyInputTooLong {
            found: text.len(),
            limit: MAX_KEY_INPUT_BYTES,
        });
    }
    let pem_err = |reason: &str| KeyError::Pem {
        reason: reason.to_owned(),
    };
    let text = text.trim();
    let begin = text
        .strip_prefix("-----BEGIN ")
        .ok_or_else(|| pem_err("missing '-----BEGIN <label>-----' line"))?;
    let (label, rest) = begin
        .split_once("-----")
        .ok_or_else(|| pem_err("unterminated BEGIN line"))?;
    let end_marker = format!("-----END {label}-----");
    let body = rest
        .trim_end()
        .strip_suffix(end_marker.as_str())
        .ok_or_else(|| pem_err("missing or mismatched END line"))?;
    // Base64 body; line breaks and optional whitespace are allowed (RFC 7468 §3, lax parsing).
    let b64: String = body.chars().filter(|c| !c.is_whitespace()).collect();
    let der = STANDARD.decode(b64).map_err(|e| KeyError::Base64 {
        field: "pem body",
        reason: e.to_string(),
    })?;
    Ok((label.to_owned(), der))
}

/// Encodes DER as a PEM block with 64-character lines.
#[must_use]
pub fn encode_pem(label: &str, der: &[u8]) -> String {
    let b64 = STANDARD.encode(der);
    let mut out = format!("-----BEGIN {label}-----\n");
    for chunk in b64.as_bytes().chunks(64) {
        out.push_str(&String::from_utf8_lossy(chunk));
        out.push('\n');
    }
    out.push_str(&format!("-----END {label}-----\n"));
    out
}

impl PublicKey {
    /// Reads a DER SubjectPublicKeyInfo of any supported key type.
    pub fn from_spki_der(der: &[u8]) -> Result<PublicKey, KeyError> {
        if der.len() > MAX_KEY_INPUT_BYTES {
            return Err(KeyError::KeyInputTooLong {
                found: der.len(),
                limit: MAX_KEY_INPUT_BYTES,
            });
        }
        let info = spki::SubjectPublicKeyInfoRef::try_from(der).map_err(|e| KeyError::Spki {
            reason: e.to_string(),
        })?;
        let spki_err = |e: spki::Error| KeyError::Spki {
            reason: e.to_string(),
        };
        let oid = info.algorithm.oid.to_string();
        match oid.as_str() {
            "1.3.101.112" => ed25519_dalek::VerifyingKey::from_public_key_der(der)
                .map(PublicKey::Ed25519)
                .map_err(spki_err),
            "1.2.840.113549.1.1.1" => {
                let key = rsa::RsaPublicKey::from_public_key_der(der).map_err(spki_err)?;
                PublicKey::rsa(key)
            }
            "1.2.840.10045.2.1" => {
                let curve = info
                    .algorithm
                    .parameters_oid()
                    .map(|o| o.to_string())
                    .map_err(spki_err)?;
                match curve.as_str() {
                    "1.2.840.10045.3.1.7" => p256::PublicKey::from_public_key_der(der)
                        .map(PublicKey::P256)
                        .map_err(spki_err),
                    "1.3.132.0.34" => p384::PublicKey::from_public_key_der(der)
                        .map(PublicKey::P384)
                        .map_err(spki_err),
                    "1.3.132.0.35" => p521::PublicKey::from_public_key_der(der)
                        .map(PublicKey::P521)
                        .map_err(spki_err),
                    "1.3.132.0.10" => k256::PublicKey::from_public_key_der(der)
                        .map(PublicKey::Secp256k1)
                        .map_err(spki_err),
                    other => Err(KeyError::Spki {
                        reason: format!("unsupported named curve {other}"),
                    }),
                }
            }
            other => Err(KeyError::Spki {
                reason: format!("unsupported algorithm {other}"),
            }),
        }
    }

    /// Reads a PEM `PUBLIC KEY` (SPKI) or `RSA PUBLIC KEY` (PKCS#1) block.
    pub fn from_pem(text: &str) -> Result<PublicKey, KeyError> {
        let (label, der) = decode_pem(text)?;
        match label.as_str() {
            "PUBLIC KEY" => PublicKey::from_spki_der(&der),
            "RSA PUBLIC KEY" => {
                use rsa::pkcs1::DecodeRsaPublicKey as _;
                let key = rsa::RsaPublicKey::from_pkcs1_der(&der).map_err(|e| KeyError::Spki {
                    reason: e.to_string(),
                })?;
                PublicKey::rsa(key)
            }
            other => Err(KeyError::Pem {
                reason: format!(
                    "label {other:?} is not a public key (expected PUBLIC KEY or RSA PUBLIC KEY)"
                ),
            }),
        }
    }

    /// Writes the key as DER SubjectPublicKeyInfo.
    pub fn to_spki_der(&self) -> Result<Vec<u8>, KeyError> {
        let doc = match self {
            PublicKey::Ed25519(k) => k.to_public_key_der(),
            PublicKey::P256(k) => k.to_public_key_der(),
            PublicKey::P384(k) => k.to_public_key_der(),
            PublicKey::P521(k) => k.to_public_key_der(),
            PublicKey::Secp256k1(k) => k.to_public_key_der(),
            PublicKey::Rsa(k) => k.to_public_key_der(),
            PublicKey::Bls12381G2(_) => {
                return Err(KeyError::Spki {
                    reason: "BLS12-381 G2 keys have no SPKI encoding in use".into(),
                });
            }
        }
        .map_err(|e| KeyError::Spki {
            reason: e.to_string(),
        })?;
        Ok(doc.as_bytes().to_vec())
    }

    /// Writes the key as a PEM `PUBLIC KEY` block.
    pub fn to_pem(&self) -> Result<String, KeyError> {
        Ok(encode_pem("PUBLIC KEY", &self.to_spki_der()?))
    }
}
