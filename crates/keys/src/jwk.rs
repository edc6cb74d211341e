//! JSON Web Keys (RFC 7517, RFC 7518 §6, RFC 8037 OKP, RFC 8812 secp256k1) and the RFC 7638
//! thumbprint.

use base64::Engine as _;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use p256::elliptic_curve::sec1::ToEncodedPoint as _;
use serde_json::{Map, Value, json};
use sha2::Digest as _;

use crate::{KeyError, KeyType, MAX_KEY_INPUT_BYTES, PublicKey, SecretKey};

fn member<'a>(jwk: &'a Map<String, Value>, name: &'static str) -> Result<&'a str, KeyError> {
    jwk.get(name)
        .and_then(Value::as_str)
        .ok_or(KeyError::JwkMissingMember { member: name })
}

fn b64(jwk: &Map<String, Value>, name: &'static str) -> Result<Vec<u8>, KeyError> {
    let text = member(jwk, name)?;
    if text.len() > MAX_KEY_INPUT_BYTES {
        return Err(KeyError::KeyInputTooLong {
            found: text.len(),
            limit: MAX_KEY_INPUT_BYTES,
        });
    }
    URL_SAFE_NO_PAD
        .decode(text.trim_end_matches('='))
        .map_err(|e| KeyError::Base64 {
            field: name,
            reason: e.to_string(),
        })
}

fn as_object(jwk: &Value) -> Result<&Map<String, Value>, KeyError> {
    jwk.as_object().ok_or_else(|| KeyError::JwkShape {
        reason: "a JWK must be a JSON object".into(),
    })
}

fn ec_key_type(crv: &str) -> Result<(KeyType, usize), KeyError> {
    match crv {
        "P-256" => Ok((KeyType::P256, 32)),
        "P-384" => Ok((KeyType::P384, 48)),
        "P-521" => Ok((KeyType::P521, 66)),
        "secp256k1" => Ok((KeyType::Secp256k1, 32)),
        other => Err(KeyError::JwkUnsupported {
            member: "crv",
            found: other.to_owned(),
            supported: "P-256, P-384, P-521, secp256k1",
        }),
    }
}

fn rsa_uint(jwk: &Map<String, Value>, name: &'static str) -> Result<rsa::BigUint, KeyError> {
    Ok(rsa::BigUint::from_bytes_be(&b64(jwk, name)?))
}

impl PublicKey {
    /// Reads a public JWK (`kty` OKP/Ed25519, EC P-256/P-384/P-521/secp256k1, or RSA). Private members
    /// are ignored.
    pub fn from_jwk(jwk: &Value) -> Result<PublicKey, KeyError> {
        let jwk = as_object(jwk)?;
        match member(jwk, "kty")? {
            "OKP" => match member(jwk, "crv")? {
                "Ed25519" => PublicKey::ed25519_from_bytes(&b64(jwk, "x")?),
                other => Err(KeyError::JwkUnsupported {
                    member: "crv",
                    found: other.to_owned(),
                    supported: "Ed25519",
                }),
            },
            "EC" => {
                let (key_type, size) = ec_key_type(member(jwk, "crv")?)?;
                let x = b64(jwk, "x")?;
                let y = b64(jwk, "y")?;
                if x.len() != size || y.len() != size {
                    return Err(KeyError::KeyLength {
                        key_type: key_type.name(),
                        expected: "x and y of the curve's field size",
                        found: x.len().max(y.len()),
                    });
                }
                let mut sec1 = Vec::with_capacity(1 + 2 * size);
                sec1.push(0x04);
                sec1.extend_from_slice(&x);
                sec1.extend_from_slice(&y);
                PublicKey::ec_from_sec1(key_type, &sec1)
            }
            "RSA" => {
                let key = rsa::RsaPublicKey::new_with_max_size(
                    rsa_uint(jwk, "n")?,
                    rsa_uint(jwk, "e")?,
                    crate::MAX_RSA_BITS,
                )
                .map_err(|e| KeyError::InvalidKeyBytes {
                    key_type: "RSA",
                    reason: e.to_string(),
                })?;
                PublicKey::rsa(key)
            }
            other => Err(KeyError::JwkUnsupported {
                member: "kty",
                found: other.to_owned(),
                supported: "OKP, EC, RSA",
            }),
        }
    }

    /// Writes the key as a public JWK with only the required members, in the RFC 7638 order.
    #[must_use]
    pub fn to_jwk(&self) -> Value {
        let enc = |b: &[u8]| URL_SAFE_NO_PAD.encode(b);
        let ec = |crv: &str, point: &[u8], size: usize| {
            // Uncompressed SEC1: 0x04 ‖ x ‖ y.
            let x = point.get(1..1 + size).unwrap_or_default();
            let y = point.get(1 + size..).unwrap_or_default();
            json!({ "crv": crv, "kty": "EC", "x": enc(x), "y": enc(y) })
        };
        match self {
            PublicKey::Ed25519(k) => {
                json!({ "crv": "Ed25519", "kty": "OKP", "x": enc(k.as_bytes()) })
            }
            PublicKey::P256(k) => ec("P-256", k.to_encoded_point(false).as_bytes(), 32),
            PublicKey::P384(k) => ec("P-384", k.to_encoded_point(false).as_bytes(), 48),
            PublicKey::P521(k) => ec("P-521", k.to_encoded_point(false).as_bytes(), 66),
            PublicKey::Secp256k1(k) => ec("secp256k1", k.to_encoded_point(false).as_bytes(), 32),
            PublicKey::Rsa(k) => {
                use rsa::traits::PublicKeyParts as _;
                json!({ "e": enc(&k.e().to_bytes_be()), "kty": "RSA", "n": enc(&k.n().to_bytes_be()) })
            }
            // draft-ietf-cose-bls-key-representations: OKP with crv "BLS12381G2" and the
            // compressed point (read back nowhere: BBS keys come as Multikey).
            PublicKey::Bls12381G2(k) => {
                json!({ "crv": "BLS12381G2", "kty": "OKP", "x": enc(k.as_slice()) })
            }
        }
    }

    /// The RFC 7638 JWK thumbprint (SHA-256, base64url), as used for `kid` values.
    #[must_use]
    pub fn jwk_thumbprint(&self) -> String {
        // `to_jwk` already emits only the required members, sorted, with no whitespace.
        let canonical = self.to_jwk().to_string();
        URL_SAFE_NO_PAD.encode(sha2::Sha256::digest(canonical.as_bytes()))
    }
}

impl SecretKey {
    /// Reads a private JWK (with `d`; for RSA also `p` and `q`). When public members are present
    /// they must match the secret.
    pub fn from_jwk(jwk: &Value) -> Result<SecretKey, KeyError> {
        let obj = as_object(jwk)?;
        let secret = match member(obj, "kty")? {
            "OKP" => {
                if member(obj, "crv")? != "Ed25519" {
                    return Err(KeyError::JwkUnsupported {
                        member: "crv",
                        found: member(obj, "crv")?.to_owned(),
                        supported: "Ed25519",
                    });
                }
                let d = b64(obj, "d")?;
                if d.len() != 32 {
                    return Err(KeyError::KeyLength {
                        key_type: "Ed25519",
                        expected: "32",
                        found: d.len(),
                    });
                }
                SecretKey::from_raw_bytes(KeyType::Ed25519, &d)?
            }
            "EC" => {
                let (key_type, _) = ec_key_type(member(obj, "crv")?)?;
                SecretKey::from_raw_bytes(key_type, &b64(obj, "d")?)?
            }
            "RSA" => {
                let primes = vec![rsa_uint(obj, "p")?, rsa_uint(obj, "q")?];
                let key = rsa::RsaPrivateKey::from_components(
                    rsa_uint(obj, "n")?,
                    rsa_uint(obj, "e")?,
                    rsa_uint(obj, "d")?,
                    primes,
                )
                .map_err(|e| KeyError::InvalidKeyBytes {
                    key_type: "RSA",
                    reason: e.to_string(),
                })?;
                key.validate().map_err(|e| KeyError::InvalidKeyBytes {
                    key_type: "RSA",
                    reason: e.to_string(),
                })?;
                // Apply the size limits once, through the public half.
                PublicKey::rsa(key.to_public_key())?;
                SecretKey::Rsa(Box::new(key))
            }
            other => {
                return Err(KeyError::JwkUnsupported {
                    member: "kty",
                    found: other.to_owned(),
                    supported: "OKP, EC, RSA",
                });
            }
        };
        let has_public = obj.contains_key("x") || obj.contains_key("n");
        if has_public && PublicKey::from_jwk(jwk)? != secret.public_key() {
            return Err(KeyError::KeyPairMismatch {
                key_type: secret.key_type().name(),
            });
        }
        Ok(secret)
    }

    /// Writes the key as a private JWK: the public members plus `d` (and the CRT members for
    /// RSA).
    #[must_use]
    pub fn to_jwk(&self) -> Value {
        let mut jwk = self.public_key().to_jwk();
        let enc = |b: &[u8]| Value::String(URL_SAFE_NO_PAD.encode(b));
        if let Some(obj) = jwk.as_object_mut() {
            match self {
                SecretKey::Rsa(k) => {
                    use rsa::traits::PrivateKeyParts as _;
                    obj.insert("d".into(), enc(&k.d().to_bytes_be()));
                    let primes = k.primes();
                    for (name, prime) in ["p", "q"].into_iter().zip(primes) {
                        obj.insert(name.into(), enc(&prime.to_bytes_be()));
                    }
                }
                other => {
                    if let Some(raw) = other.to_raw_bytes() {
                        obj.insert("d".into(), enc(&raw));
                    }
                }
            }
        }
        jwk
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// RFC 8037 appendix A.1 / A.3: the Ed25519 key and its thumbprint.
    #[test]
    fn rfc8037_ed25519_jwk_and_thumbprint() {
        let jwk = json!({"kty":"OKP","crv":"Ed25519",
            "d":"nWGxne_9WmC6hEr0kuwsxERJxWl7MmkZcDusAxyuf2A",
            "x":"11qYAYKxCrfVS_7TyWQHOg7hcvPapiMlrwIaaPcHURo"});
        let sk = SecretKey::from_jwk(&jwk).unwrap();
        let pk = PublicKey::from_jwk(&jwk).unwrap();
        assert_eq!(sk.public_key(), pk);
        assert_eq!(
            pk.jwk_thumbprint(),
            "kPrK_qmxVWaYVA9wwBF6Iuo3vVzz7TxHCTwXBygrS4k"
        );
        assert_eq!(sk.to_jwk(), jwk_sorted(&jwk));
    }

    fn jwk_sorted(v: &Value) -> Value {
        let mut entries: Vec<_> = v.as_object().unwrap().clone().into_iter().collect();
        entries.sort_by(|a, b| a.0.cmp(&b.0));
        Value::Object(entries.into_iter().collect())
    }

    #[test]
    fn mismatched_public_member_is_rejected() {
        let jwk = json!({"kty":"OKP","crv":"Ed25519",
            "d":"nWGxne_9WmC6hEr0kuwsxERJxWl7MmkZcDusAxyuf2A",
            "x":"NvUhsjZe7Mdv8Esoc60o3ma1U5j2tFUTDsOQd39xMnI"});
        assert!(matches!(
            SecretKey::from_jwk(&jwk),
            Err(KeyError::KeyPairMismatch { .. })
        ));
    }
}
