//! Multikey `publicKeyMultibase` / `secretKeyMultibase` and the legacy `publicKeyBase58`.
//!
//! A multikey is `z` + base58btc(varint(multicodec) ‖ key bytes)
//! (<https://www.w3.org/TR/cid-1.0/#Multikey>). Codes are from the multicodec table:
//! <https://github.com/multiformats/multicodec/blob/master/table.csv>.

use crate::{KeyError, KeyType, MAX_KEY_INPUT_BYTES, PublicKey, SecretKey};

/// multicodec `ed25519-pub`.
pub const ED25519_PUB: u64 = 0xed;
/// multicodec `p256-pub` (compressed point).
pub const P256_PUB: u64 = 0x1200;
/// multicodec `p384-pub` (compressed point).
pub const P384_PUB: u64 = 0x1201;
/// multicodec `p521-pub` (compressed point).
pub const P521_PUB: u64 = 0x1202;
/// multicodec `secp256k1-pub` (compressed point).
pub const SECP256K1_PUB: u64 = 0xe7;
/// multicodec `rsa-pub` (PKCS#1 DER).
pub const RSA_PUB: u64 = 0x1205;
/// Multicodec `bls12_381-g2-pub` (BBS public keys, bbs-2023).
pub const BLS12_381_G2_PUB: u64 = 0xeb;
/// multicodec `ed25519-priv`.
pub const ED25519_PRIV: u64 = 0x1300;
/// multicodec `secp256k1-priv`.
pub const SECP256K1_PRIV: u64 = 0x1301;
/// multicodec `p256-priv`.
pub const P256_PRIV: u64 = 0x1306;
/// multicodec `p384-priv`.
pub const P384_PRIV: u64 = 0x1307;
/// multicodec `p521-priv`.
pub const P521_PRIV: u64 = 0x1308;

/// Decodes a `z…` base58btc multibase string to bytes.
pub fn decode_multibase_base58btc(value: &str) -> Result<Vec<u8>, KeyError> {
    if value.len() > MAX_KEY_INPUT_BYTES {
        return Err(KeyError::KeyInputTooLong {
            found: value.len(),
            limit: MAX_KEY_INPUT_BYTES,
        });
    }
    let rest = value.strip_prefix('z').ok_or(KeyError::MultibasePrefix {
        found: value.chars().next(),
    })?;
    decode_base58(rest)
}

/// Decodes plain base58btc (Bitcoin alphabet).
pub fn decode_base58(value: &str) -> Result<Vec<u8>, KeyError> {
    if value.len() > MAX_KEY_INPUT_BYTES {
        return Err(KeyError::KeyInputTooLong {
            found: value.len(),
            limit: MAX_KEY_INPUT_BYTES,
        });
    }
    bs58::decode(value)
        .into_vec()
        .map_err(|e| KeyError::Base58 {
            reason: e.to_string(),
        })
}

/// Encodes bytes as `z` + base58btc.
#[must_use]
pub fn encode_multibase_base58btc(bytes: &[u8]) -> String {
    let mut out = String::with_capacity(bytes.len() * 138 / 100 + 2);
    out.push('z');
    out.push_str(&bs58::encode(bytes).into_string());
    out
}

/// Splits an unsigned-varint multicodec header off `bytes` (at most 9 bytes, per the
/// unsigned-varint spec).
pub fn split_multicodec(bytes: &[u8]) -> Result<(u64, &[u8]), KeyError> {
    let mut code: u64 = 0;
    for (i, b) in bytes.iter().enumerate().take(9) {
        let shift = u32::try_from(i * 7).map_err(|_| KeyError::MulticodecVarint)?;
        code |= u64::from(b & 0x7f)
            .checked_shl(shift)
            .ok_or(KeyError::MulticodecVarint)?;
        if b & 0x80 == 0 {
            let rest = bytes.get(i + 1..).ok_or(KeyError::MulticodecVarint)?;
            return Ok((code, rest));
        }
    }
    Err(KeyError::MulticodecVarint)
}

pub(crate) fn varint(mut code: u64) -> Vec<u8> {
    let mut out = Vec::with_capacity(3);
    loop {
        let byte = (code & 0x7f) as u8;
        code >>= 7;
        if code == 0 {
            out.push(byte);
            return out;
        }
        out.push(byte | 0x80);
    }
}

/// The multicodec code of a public key's type.
#[must_use]
pub fn public_codec(key_type: KeyType) -> u64 {
    match key_type {
        KeyType::Ed25519 => ED25519_PUB,
        KeyType::P256 => P256_PUB,
        KeyType::P384 => P384_PUB,
        KeyType::P521 => P521_PUB,
        KeyType::Secp256k1 => SECP256K1_PUB,
        KeyType::Rsa => RSA_PUB,
        KeyType::Bls12381G2 => BLS12_381_G2_PUB,
    }
}

/// Reads a public key from its multicodec code and raw bytes.
///
/// EC keys must be compressed points, as the Multikey and did:key specs require.
pub fn public_key_from_multicodec(code: u64, raw: &[u8]) -> Result<PublicKey, KeyError> {
    let compressed = |key_type: KeyType, len: usize, expected: &'static str| {
        if raw.len() == len {
            PublicKey::ec_from_sec1(key_type, raw)
        } else {
            Err(KeyError::KeyLength {
                key_type: key_type.name(),
                expected,
                found: raw.len(),
            })
        }
    };
    match code {
        ED25519_PUB => PublicKey::ed25519_from_bytes(raw),
        P256_PUB => compressed(KeyType::P256, 33, "33 (compressed point)"),
        P384_PUB => compressed(KeyType::P384, 49, "49 (compressed point)"),
        P521_PUB => compressed(KeyType::P521, 67, "67 (compressed point)"),
        SECP256K1_PUB => compressed(KeyType::Secp256k1, 33, "33 (compressed point)"),
        RSA_PUB => {
            use rsa::pkcs1::DecodeRsaPublicKey as _;
            let key =
                rsa::RsaPublicKey::from_pkcs1_der(raw).map_err(|e| KeyError::InvalidKeyBytes {
                    key_type: "RSA",
                    reason: e.to_string(),
                })?;
            PublicKey::rsa(key)
        }
        BLS12_381_G2_PUB => {
            let point: [u8; 96] = raw.try_into().map_err(|_| KeyError::KeyLength {
                key_type: "Bls12381G2",
                expected: "96 (compressed G2 point)",
                found: raw.len(),
            })?;
            Ok(PublicKey::Bls12381G2(Box::new(point)))
        }
        other => Err(KeyError::UnsupportedMulticodec { code: other }),
    }
}

impl PublicKey {
    /// Reads a Multikey `publicKeyMultibase` value.
    pub fn from_multikey(value: &str) -> Result<PublicKey, KeyError> {
        let bytes = decode_multibase_base58btc(value)?;
        let (code, raw) = split_multicodec(&bytes)?;
        public_key_from_multicodec(code, raw)
    }

    /// Writes the key as a Multikey `publicKeyMultibase` value.
    #[must_use]
    pub fn to_multikey(&self) -> String {
        let mut bytes = varint(public_codec(self.key_type()));
        bytes.extend_from_slice(&self.to_raw_bytes());
        encode_multibase_base58btc(&bytes)
    }

    /// Reads a legacy `publicKeyBase58` value (Ed25519VerificationKey2018: the raw 32 bytes).
    pub fn from_ed25519_base58(value: &str) -> Result<PublicKey, KeyError> {
        PublicKey::ed25519_from_bytes(&decode_base58(value)?)
    }
}

impl SecretKey {
    /// Reads a Multikey `secretKeyMultibase` value (ed25519-priv, p256-priv, p384-priv, p521-priv,
    /// secp256k1-priv).
    pub fn from_multikey(value: &str) -> Result<SecretKey, KeyError> {
        let bytes = decode_multibase_base58btc(value)?;
        let (code, raw) = split_multicodec(&bytes)?;
        let key_type = match code {
            ED25519_PRIV => KeyType::Ed25519,
            P256_PRIV => KeyType::P256,
            P384_PRIV => KeyType::P384,
            P521_PRIV => KeyType::P521,
            SECP256K1_PRIV => KeyType::Secp256k1,
            other => return Err(KeyError::UnsupportedMulticodec { code: other }),
        };
        SecretKey::from_raw_bytes(key_type, raw)
    }

    /// Writes the key as a `secretKeyMultibase` value; `None` for RSA (no multicodec in use).
    #[must_use]
    pub fn to_multikey(&self) -> Option<String> {
        let code = match self.key_type() {
            KeyType::Ed25519 => ED25519_PRIV,
            KeyType::P256 => P256_PRIV,
            KeyType::P384 => P384_PRIV,
            KeyType::P521 => P521_PRIV,
            KeyType::Secp256k1 => SECP256K1_PRIV,
            KeyType::Rsa | KeyType::Bls12381G2 => return None,
        };
        let mut bytes = varint(code);
        bytes.extend_from_slice(&self.to_raw_bytes()?);
        Some(encode_multibase_base58btc(&bytes))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn varint_round_trips_known_codes() {
        for (code, bytes) in [
            (ED25519_PUB, vec![0xed, 0x01]),
            (P256_PUB, vec![0x80, 0x24]),
            (P384_PUB, vec![0x81, 0x24]),
            (SECP256K1_PUB, vec![0xe7, 0x01]),
            (ED25519_PRIV, vec![0x80, 0x26]),
        ] {
            assert_eq!(varint(code), bytes, "code 0x{code:x}");
            assert_eq!(split_multicodec(&bytes).unwrap(), (code, &[][..]));
        }
    }

    #[test]
    fn overlong_varint_is_an_error() {
        assert_eq!(
            split_multicodec(&[0xff; 12]),
            Err(KeyError::MulticodecVarint)
        );
        assert_eq!(split_multicodec(&[]), Err(KeyError::MulticodecVarint));
    }
}
