//! Key types, signature algorithms, and the two operations on them: `verify` and `sign`.

use ed25519_dalek::Signer as _;
use rsa::signature::{RandomizedSigner as _, SignatureEncoding as _, Verifier as _};
use sha2::Sha256;

use crate::KeyError;

/// Smallest RSA modulus accepted, in bits (NIST SP 800-131A: 2048).
pub const MIN_RSA_BITS: usize = 2048;
/// Largest RSA modulus accepted, in bits; bounds the cost of one verification.
pub const MAX_RSA_BITS: usize = 8192;

/// The kinds of key this crate handles.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum KeyType {
    /// Ed25519 (RFC 8032).
    Ed25519,
    /// ECDSA over NIST P-256.
    P256,
    /// ECDSA over NIST P-384.
    P384,
    /// ECDSA over NIST P-521.
    P521,
    /// ECDSA over secp256k1.
    Secp256k1,
    /// RSA (PKCS#1 v1.5 and PSS signatures).
    Rsa,
    /// BLS12-381 G2 public keys, for BBS signatures (bbs-2023); verified in
    /// `credbridge-proofs`, which carries the pairing crate.
    Bls12381G2,
}

impl KeyType {
    /// The name used in messages and in JWK `crv` (`Ed25519`, `P-256`, `P-384`, `P-521`,
    /// `secp256k1`, `RSA`).
    #[must_use]
    pub const fn name(self) -> &'static str {
        match self {
            KeyType::Ed25519 => "Ed25519",
            KeyType::P256 => "P-256",
            KeyType::P384 => "P-384",
            KeyType::P521 => "P-521",
            KeyType::Secp256k1 => "secp256k1",
            KeyType::Rsa => "RSA",
            KeyType::Bls12381G2 => "Bls12381G2",
        }
    }
}

impl std::fmt::Display for KeyType {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.name())
    }
}

/// A signature algorithm, named as in the JOSE registry (RFC 7518, RFC 8037, RFC 8812).
///
/// Data Integrity suites use the same primitives: eddsa-* is [`Algorithm::EdDsa`] over the
/// concatenated hashes, ecdsa-* is [`Algorithm::Es256`] / [`Algorithm::Es384`] (the message is
/// hashed once more with SHA-256 / SHA-384 inside ECDSA, as the suites specify).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum Algorithm {
    /// Ed25519 (`EdDSA`).
    EdDsa,
    /// ECDSA P-256 with SHA-256, IEEE P1363 `r‖s` signature (`ES256`).
    Es256,
    /// ECDSA P-384 with SHA-384 (`ES384`).
    Es384,
    /// ECDSA P-521 with SHA-512 (`ES512`).
    Es512,
    /// ECDSA secp256k1 with SHA-256 (`ES256K`).
    Es256K,
    /// RSASSA-PKCS1-v1_5 with SHA-256 (`RS256`).
    Rs256,
    /// RSASSA-PSS with SHA-256, MGF1-SHA-256, salt 32 (`PS256`).
    Ps256,
    /// A BBS proof of knowledge (BLS12-381-SHA-256), for bbs-2023; not a JOSE algorithm, so
    /// [`Algorithm::from_jose_name`] never returns it and [`PublicKey::verify`] refuses it
    /// (see [`PublicKey::verify_bbs_proof`]).
    Bbs,
}

impl Algorithm {
    /// Every JOSE algorithm ([`Algorithm::Bbs`] is not one), for iteration in tests and docs.
    pub const ALL: [Algorithm; 7] = [
        Algorithm::EdDsa,
        Algorithm::Es256,
        Algorithm::Es384,
        Algorithm::Es512,
        Algorithm::Es256K,
        Algorithm::Rs256,
        Algorithm::Ps256,
    ];

    /// The JOSE `alg` value.
    #[must_use]
    pub const fn jose_name(self) -> &'static str {
        match self {
            Algorithm::EdDsa => "EdDSA",
            Algorithm::Es256 => "ES256",
            Algorithm::Es384 => "ES384",
            Algorithm::Es512 => "ES512",
            Algorithm::Es256K => "ES256K",
            Algorithm::Rs256 => "RS256",
            Algorithm::Ps256 => "PS256",
            Algorithm::Bbs => "BBS",
        }
    }

    /// Parses a JOSE `alg` value; `None` for any other (including `none`).
    #[must_use]
    pub fn from_jose_name(name: &str) -> Option<Algorithm> {
        Algorithm::ALL.into_iter().find(|a| a.jose_name() == name)
    }

    /// The key type this algorithm needs.
    #[must_use]
    pub const fn key_type(self) -> KeyType {
        match self {
            Algorithm::EdDsa => KeyType::Ed25519,
            Algorithm::Es256 => KeyType::P256,
            Algorithm::Es384 => KeyType::P384,
            Algorithm::Es512 => KeyType::P521,
            Algorithm::Es256K => KeyType::Secp256k1,
            Algorithm::Rs256 | Algorithm::Ps256 => KeyType::Rsa,
            Algorithm::Bbs => KeyType::Bls12381G2,
        }
    }
}

impl std::fmt::Display for Algorithm {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.jose_name())
    }
}

/// Proof that a signature check ran and passed.
///
/// Only [`PublicKey::verify`] and [`PublicKey::verify_bbs_proof`] can make one (the field is
/// private to this crate), so a report that holds one cannot claim a check that never ran
/// (STYLE §5; rustls `HandshakeSignatureValid`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[must_use]
pub struct SignatureVerified {
    pub(crate) alg: Algorithm,
}

impl SignatureVerified {
    /// The algorithm whose check passed.
    #[must_use]
    pub fn algorithm(&self) -> Algorithm {
        self.alg
    }
}

/// A public key of one of the supported types.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub enum PublicKey {
    /// Ed25519.
    Ed25519(ed25519_dalek::VerifyingKey),
    /// P-256.
    P256(p256::PublicKey),
    /// P-384.
    P384(p384::PublicKey),
    /// P-521.
    P521(p521::PublicKey),
    /// secp256k1.
    Secp256k1(k256::PublicKey),
    /// RSA (boxed: the modulus is large).
    Rsa(Box<rsa::RsaPublicKey>),
    /// BLS12-381 G2 (BBS): the 96-byte compressed point, as Multikey carries it. Only its
    /// length is checked here; the BBS suite decodes the point and checks it is on the curve
    /// and in the subgroup.
    Bls12381G2(Box<[u8; 96]>),
}

impl PublicKey {
    /// The key's type.
    #[must_use]
    pub fn key_type(&self) -> KeyType {
        match self {
            PublicKey::Ed25519(_) => KeyType::Ed25519,
            PublicKey::P256(_) => KeyType::P256,
            PublicKey::P384(_) => KeyType::P384,
            PublicKey::P521(_) => KeyType::P521,
            PublicKey::Secp256k1(_) => KeyType::Secp256k1,
            PublicKey::Rsa(_) => KeyType::Rsa,
            PublicKey::Bls12381G2(_) => KeyType::Bls12381G2,
        }
    }

    /// Reads a raw Ed25519 public key (32 bytes).
    pub fn ed25519_from_bytes(bytes: &[u8]) -> Result<PublicKey, KeyError> {
        let arr: [u8; 32] = bytes.try_into().map_err(|_| KeyError::KeyLength {
            key_type: "Ed25519",
            expected: "32",
            found: bytes.len(),
        })?;
        decoded_ed25519(&arr)
            .map(PublicKey::Ed25519)
            .map_err(|e| KeyError::InvalidKeyBytes {
                key_type: "Ed25519",
                reason: e.to_string(),
            })
    }

    /// Reads a SEC1-encoded EC point (compressed or uncompressed) for `key_type`.
    pub fn ec_from_sec1(key_type: KeyType, bytes: &[u8]) -> Result<PublicKey, KeyError> {
        let invalid = |reason: String| KeyError::InvalidKeyBytes {
            key_type: key_type.name(),
            reason,
        };
        let (compressed, uncompressed, expected) = match key_type {
            KeyType::P256 | KeyType::Secp256k1 => (33, 65, "33 (compressed) or 65"),
            KeyType::P384 => (49, 97, "49 (compressed) or 97"),
            KeyType::P521 => (67, 133, "67 (compressed) or 133"),
            KeyType::Ed25519 | KeyType::Rsa | KeyType::Bls12381G2 => {
                return Err(KeyError::InvalidKeyBytes {
                    key_type: key_type.name(),
                    reason: "not an elliptic-curve key type".into(),
                });
            }
        };
        if bytes.len() != compressed && bytes.len() != uncompressed {
            return Err(KeyError::KeyLength {
                key_type: key_type.name(),
                expected,
                found: bytes.len(),
            });
        }
        match key_type {
            KeyType::P256 => p256::PublicKey::from_sec1_bytes(bytes)
                .map(PublicKey::P256)
                .map_err(|e| invalid(e.to_string())),
            KeyType::P384 => p384::PublicKey::from_sec1_bytes(bytes)
                .map(PublicKey::P384)
                .map_err(|e| invalid(e.to_string())),
            KeyType::P521 => p521::PublicKey::from_sec1_bytes(bytes)
                .map(PublicKey::P521)
                .map_err(|e| invalid(e.to_string())),
            _ => k256::PublicKey::from_sec1_bytes(bytes)
                .map(PublicKey::Secp256k1)
                .map_err(|e| invalid(e.to_string())),
        }
    }

    /// Wraps an RSA key after checking its size against [`MIN_RSA_BITS`]..=[`MAX_RSA_BITS`].
    pub fn rsa(key: rsa::RsaPublicKey) -> Result<PublicKey, KeyError> {
        use rsa::traits::PublicKeyParts as _;
        let bits = key.n().bits();
        if !(MIN_RSA_BITS..=MAX_RSA_BITS).contains(&bits) {
            return Err(KeyError::RsaKeySize {
                bits,
                min: MIN_RSA_BITS,
                max: MAX_RSA_BITS,
            });
        }
        Ok(PublicKey::Rsa(Box::new(key)))
    }

    /// The raw key bytes used by Multikey / did:key: 32 bytes for Ed25519, the compressed SEC1
    /// point for EC keys, PKCS#1 DER for RSA.
    #[must_use]
    pub fn to_raw_bytes(&self) -> Vec<u8> {
        match self {
            PublicKey::Ed25519(k) => k.to_bytes().to_vec(),
            PublicKey::P256(k) => p256::EncodedPoint::from(k).compress().as_bytes().to_vec(),
            PublicKey::P384(k) => p384::EncodedPoint::from(k).compress().as_bytes().to_vec(),
            PublicKey::P521(k) => p521::EncodedPoint::from(k).compress().as_bytes().to_vec(),
            PublicKey::Secp256k1(k) => {
                use k256::elliptic_curve::sec1::ToEncodedPoint as _;
                k.to_encoded_point(true).as_bytes().to_vec()
            }
            PublicKey::Rsa(k) => {
                use rsa::pkcs1::EncodeRsaPublicKey as _;
                k.to_pkcs1_der()
                    .map(|d| d.as_bytes().to_vec())
                    .unwrap_or_default()
            }
            PublicKey::Bls12381G2(k) => k.to_vec(),
        }
    }

    /// Checks `signature` over `message` with algorithm `alg`.
    ///
    /// Ed25519 uses `verify_strict` (rejects small-order keys and non-canonical encodings, which
    /// matters for untrusted input). ECDSA signatures are the fixed-size `r‖s` form that JOSE
    /// and Data Integrity use; a high-S secp256k1 signature is normalised first because JOSE,
    /// unlike Bitcoin, does not require low-S.
    pub fn verify(
        &self,
        alg: Algorithm,
        message: &[u8],
        signature: &[u8],
    ) -> Result<SignatureVerified, KeyError> {
        let name = alg.jose_name();
        let malformed = |reason: String| KeyError::MalformedSignature { alg: name, reason };
        let mismatch = KeyError::SignatureMismatch { alg: name };
        match (alg, self) {
            (Algorithm::EdDsa, PublicKey::Ed25519(k)) => {
                let sig = ed25519_dalek::Signature::from_slice(signature)
                    .map_err(|e| malformed(e.to_string()))?;
                k.verify_strict(message, &sig).map_err(|_| mismatch)?;
            }
            (Algorithm::Es256, PublicKey::P256(k)) => {
                let sig = p256::ecdsa::Signature::from_slice(signature)
                    .map_err(|e| malformed(format!("expected 64-byte r||s: {e}")))?;
                let vk = p256::ecdsa::VerifyingKey::from(k);
                p256::ecdsa::signature::Verifier::verify(&vk, message, &sig)
                    .map_err(|_| mismatch)?;
            }
            (Algorithm::Es384, PublicKey::P384(k)) => {
                let sig = p384::ecdsa::Signature::from_slice(signature)
                    .map_err(|e| malformed(format!("expected 96-byte r||s: {e}")))?;
                let vk = p384::ecdsa::VerifyingKey::from(k);
                p384::ecdsa::signature::Verifier::verify(&vk, message, &sig)
                    .map_err(|_| mismatch)?;
            }
            (Algorithm::Es512, PublicKey::P521(k)) => {
                let sig = p521::ecdsa::Signature::from_slice(signature)
                    .map_err(|e| malformed(format!("expected 132-byte r||s: {e}")))?;
                let vk = p521::ecdsa::VerifyingKey::from_affine(*k.as_affine())
                    .map_err(|e| malformed(format!("P-521 key: {e}")))?;
                p521::ecdsa::signature::Verifier::verify(&vk, message, &sig)
                    .map_err(|_| mismatch)?;
            }
            (Algorithm::Es256K, PublicKey::Secp256k1(k)) => {
                let sig = k256::ecdsa::Signature::from_slice(signature)
                    .map_err(|e| malformed(format!("expected 64-byte r||s: {e}")))?;
                let sig = sig.normalize_s().unwrap_or(sig);
                let vk = k256::ecdsa::VerifyingKey::from(k);
                k256::ecdsa::signature::Verifier::verify(&vk, message, &sig)
                    .map_err(|_| mismatch)?;
            }
            (Algorithm::Rs256, PublicKey::Rsa(k)) => {
                let sig = rsa::pkcs1v15::Signature::try_from(signature)
                    .map_err(|e| malformed(e.to_string()))?;
                let vk = rsa::pkcs1v15::VerifyingKey::<Sha256>::new(k.as_ref().clone());
                vk.verify(message, &sig).map_err(|_| mismatch)?;
            }
            (Algorithm::Ps256, PublicKey::Rsa(k)) => {
                let sig = rsa::pss::Signature::try_from(signature)
                    .map_err(|e| malformed(e.to_string()))?;
                let vk = rsa::pss::VerifyingKey::<Sha256>::new(k.as_ref().clone());
                vk.verify(message, &sig).map_err(|_| mismatch)?;
            }
            (alg, key) => {
                return Err(KeyError::AlgorithmKeyMismatch {
                    alg: alg.jose_name(),
                    key_type: key.key_type().name(),
                });
            }
        }
        Ok(SignatureVerified { alg })
    }
}

/// A secret (signing) key of one of the supported types.
///
/// `Debug` prints only the key type, never the secret.
#[derive(Clone)]
#[non_exhaustive]
pub enum SecretKey {
    /// Ed25519.
    Ed25519(ed25519_dalek::SigningKey),
    /// P-256.
    P256(p256::ecdsa::SigningKey),
    /// P-384.
    P384(p384::ecdsa::SigningKey),
    /// P-521.
    P521(p521::ecdsa::SigningKey),
    /// secp256k1.
    Secp256k1(k256::ecdsa::SigningKey),
    /// RSA (boxed: large).
    Rsa(Box<rsa::RsaPrivateKey>),
}

impl std::fmt::Debug for SecretKey {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "SecretKey({})", self.key_type())
    }
}

impl SecretKey {
    /// Makes a new random key from the operating system's RNG. RSA keys are 2048 bits.
    pub fn generate(key_type: KeyType) -> Result<SecretKey, KeyError> {
        let mut rng = rand_core::OsRng;
        Ok(match key_type {
            KeyType::Ed25519 => SecretKey::Ed25519(ed25519_dalek::SigningKey::generate(&mut rng)),
            KeyType::P256 => SecretKey::P256(p256::ecdsa::SigningKey::random(&mut rng)),
            KeyType::P384 => SecretKey::P384(p384::ecdsa::SigningKey::random(&mut rng)),
            KeyType::P521 => SecretKey::P521(p521::ecdsa::SigningKey::random(&mut rng)),
            KeyType::Secp256k1 => SecretKey::Secp256k1(k256::ecdsa::SigningKey::random(&mut rng)),
            KeyType::Rsa => SecretKey::Rsa(Box::new(
                rsa::RsaPrivateKey::new(&mut rng, MIN_RSA_BITS).map_err(|e| {
                    KeyError::SigningFailed {
                        alg: "RSA",
                        reason: format!("key generation: {e}"),
                    }
                })?,
            )),
            KeyType::Bls12381G2 => {
                return Err(KeyError::SigningFailed {
                    alg: "BBS",
                    reason: "BLS12-381 keys are verify-only here".into(),
                });
            }
        })
    }

    /// Reads a raw secret scalar / seed for an Ed25519 or EC key type.
    pub fn from_raw_bytes(key_type: KeyType, bytes: &[u8]) -> Result<SecretKey, KeyError> {
        let invalid = |reason: String| KeyError::InvalidKeyBytes {
            key_type: key_type.name(),
            reason,
        };
        let expect_len = |n: usize, expected: &'static str| {
            if bytes.len() == n {
                Ok(())
            } else {
                Err(KeyError::KeyLength {
                    key_type: key_type.name(),
                    expected,
                    found: bytes.len(),
                })
            }
        };
        match key_type {
            KeyType::Ed25519 => {
                // 64 bytes = seed ‖ public key (the libsodium / Digital Bazaar layout).
                let seed = bytes.get(..32).unwrap_or_default();
                if bytes.len() != 32 && bytes.len() != 64 {
                    return Err(KeyError::KeyLength {
                        key_type: "Ed25519",
                        expected: "32 or 64",
                        found: bytes.len(),
                    });
                }
                let arr: [u8; 32] = seed.try_into().map_err(|_| invalid("short seed".into()))?;
                let sk = ed25519_dalek::SigningKey::from_bytes(&arr);
                if let Some(public) = bytes.get(32..)
                    && !public.is_empty()
                    && public != sk.verifying_key().as_bytes()
                {
                    return Err(KeyError::KeyPairMismatch {
                        key_type: "Ed25519",
                    });
                }
                Ok(SecretKey::Ed25519(sk))
            }
            KeyType::P256 => {
                expect_len(32, "32")?;
                p256::ecdsa::SigningKey::from_slice(bytes)
                    .map(SecretKey::P256)
                    .map_err(|e| invalid(e.to_string()))
            }
            KeyType::P384 => {
                expect_len(48, "48")?;
                p384::ecdsa::SigningKey::from_slice(bytes)
                    .map(SecretKey::P384)
                    .map_err(|e| invalid(e.to_string()))
            }
            KeyType::P521 => {
                expect_len(66, "66")?;
                p521::ecdsa::SigningKey::from_slice(bytes)
                    .map(SecretKey::P521)
                    .map_err(|e| invalid(e.to_string()))
            }
            KeyType::Secp256k1 => {
                expect_len(32, "32")?;
                k256::ecdsa::SigningKey::from_slice(bytes)
                    .map(SecretKey::Secp256k1)
                    .map_err(|e| invalid(e.to_string()))
            }
            KeyType::Rsa => Err(invalid(
                "RSA secret keys are read from JWK or PKCS#8, not raw bytes".into(),
            )),
            KeyType::Bls12381G2 => Err(invalid("BLS12-381 keys are verify-only here".into())),
        }
    }

    /// The raw secret bytes (Ed25519 seed, EC scalar); `None` for RSA.
    #[must_use]
    pub fn to_raw_bytes(&self) -> Option<Vec<u8>> {
        match self {
            SecretKey::Ed25519(k) => Some(k.to_bytes().to_vec()),
            SecretKey::P256(k) => Some(k.to_bytes().to_vec()),
            SecretKey::P384(k) => Some(k.to_bytes().to_vec()),
            SecretKey::P521(k) => Some(k.to_bytes().to_vec()),
            SecretKey::Secp256k1(k) => Some(k.to_bytes().to_vec()),
            SecretKey::Rsa(_) => None,
        }
    }

    /// The key's type.
    #[must_use]
    pub fn key_type(&self) -> KeyType {
        match self {
            SecretKey::Ed25519(_) => KeyType::Ed25519,
            SecretKey::P256(_) => KeyType::P256,
            SecretKey::P384(_) => KeyType::P384,
            SecretKey::P521(_) => KeyType::P521,
            SecretKey::Secp256k1(_) => KeyType::Secp256k1,
            SecretKey::Rsa(_) => KeyType::Rsa,
        }
    }

    /// The matching public key.
    #[must_use]
    pub fn public_key(&self) -> PublicKey {
        match self {
            SecretKey::Ed25519(k) => PublicKey::Ed25519(k.verifying_key()),
            SecretKey::P256(k) => PublicKey::P256(k.verifying_key().into()),
            SecretKey::P384(k) => PublicKey::P384(k.verifying_key().into()),
            SecretKey::P521(k) => {
                PublicKey::P521(p521::PublicKey::from_secret_scalar(k.as_nonzero_scalar()))
            }
            SecretKey::Secp256k1(k) => PublicKey::Secp256k1(k.verifying_key().into()),
            SecretKey::Rsa(k) => PublicKey::Rsa(Box::new(k.to_public_key())),
        }
    }

    /// The default algorithm for this key (RSA → `RS256`).
    #[must_use]
    pub fn default_algorithm(&self) -> Algorithm {
        match self {
            SecretKey::Ed25519(_) => Algorithm::EdDsa,
            SecretKey::P256(_) => Algorithm::Es256,
            SecretKey::P384(_) => Algorithm::Es384,
            SecretKey::P521(_) => Algorithm::Es512,
            SecretKey::Secp256k1(_) => Algorithm::Es256K,
            SecretKey::Rsa(_) => Algorithm::Rs256,
        }
    }

    /// Signs `message` with `alg`. Ed25519 and ECDSA (RFC 6979) are deterministic, except
    /// P-521, whose crate draws the nonce from the OS RNG; PSS is randomised too.
    pub fn sign(&self, alg: Algorithm, message: &[u8]) -> Result<Vec<u8>, KeyError> {
        let failed = |e: rsa::signature::Error| KeyError::SigningFailed {
            alg: alg.jose_name(),
            reason: e.to_string(),
        };
        match (alg, self) {
            (Algorithm::EdDsa, SecretKey::Ed25519(k)) => Ok(k.sign(message).to_bytes().to_vec()),
            (Algorithm::Es256, SecretKey::P256(k)) => {
                let sig: p256::ecdsa::Signature =
                    p256::ecdsa::signature::Signer::try_sign(k, message).map_err(failed)?;
                Ok(sig.to_bytes().to_vec())
            }
            (Algorithm::Es384, SecretKey::P384(k)) => {
                let sig: p384::ecdsa::Signature =
                    p384::ecdsa::signature::Signer::try_sign(k, message).map_err(failed)?;
                Ok(sig.to_bytes().to_vec())
            }
            (Algorithm::Es512, SecretKey::P521(k)) => {
                let sig: p521::ecdsa::Signature =
                    p521::ecdsa::signature::Signer::try_sign(k, message).map_err(failed)?;
                Ok(sig.to_bytes().to_vec())
            }
            (Algorithm::Es256K, SecretKey::Secp256k1(k)) => {
                let sig: k256::ecdsa::Signature =
                    k256::ecdsa::signature::Signer::try_sign(k, message).map_err(failed)?;
                Ok(sig.to_bytes().to_vec())
            }
            (Algorithm::Rs256, SecretKey::Rsa(k)) => {
                let sk = rsa::pkcs1v15::SigningKey::<Sha256>::new(k.as_ref().clone());
                let sig = rsa::signature::Signer::try_sign(&sk, message).map_err(failed)?;
                Ok(sig.to_vec())
            }
            (Algorithm::Ps256, SecretKey::Rsa(k)) => {
                let sk = rsa::pss::SigningKey::<Sha256>::new(k.as_ref().clone());
                let sig = sk
                    .try_sign_with_rng(&mut rand_core::OsRng, message)
                    .map_err(failed)?;
                Ok(sig.to_vec())
            }
            (alg, key) => Err(KeyError::AlgorithmKeyMismatch {
                alg: alg.jose_name(),
                key_type: key.key_type().name(),
            }),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sign_verify_every_algorithm_and_reject_tamper() {
        // RSA key generation is slow in debug builds; RSA is covered in tests/main.rs with a
        // fixed key.
        for alg in Algorithm::ALL
            .into_iter()
            .filter(|a| a.key_type() != KeyType::Rsa)
        {
            let sk = SecretKey::generate(alg.key_type()).unwrap();
            let sig = sk.sign(alg, b"hello").unwrap();
            let pk = sk.public_key();
            assert_eq!(pk.verify(alg, b"hello", &sig).unwrap().algorithm(), alg);
            assert!(matches!(
                pk.verify(alg, b"hellp", &sig),
                Err(KeyError::SignatureMismatch { .. })
            ));
        }
    }

    #[test]
    fn wrong_algorithm_for_key_is_misuse() {
        let sk = SecretKey::generate(KeyType::P256).unwrap();
        assert!(matches!(
            sk.sign(Algorithm::EdDsa, b"x"),
            Err(KeyError::AlgorithmKeyMismatch { .. })
        ));
        assert!(matches!(
            sk.public_key().verify(Algorithm::Es384, b"x", &[0; 96]),
            Err(KeyError::AlgorithmKeyMismatch { .. })
        ));
    }
}

/// Most decoded Ed25519 keys a thread remembers; past it the memory starts over.
const ED25519_CACHE_ENTRIES: usize = 256;

thread_local! {
    /// Decoded (decompressed) Ed25519 public keys by their 32 bytes. Decoding is a field
    /// square root, about a tenth of a signature check, and bulk verification sees the same
    /// few issuer keys again and again (measured in `credbridge-bench`; see the crate doc).
    /// Per thread, so the verify workers never contend; only successful decodes are kept, so
    /// an invalid key is refused every time.
    static ED25519_KEYS: std::cell::RefCell<std::collections::HashMap<[u8; 32], ed25519_dalek::VerifyingKey>> =
        std::cell::RefCell::new(std::collections::HashMap::new());
}

/// `VerifyingKey::from_bytes`, remembered per thread.
fn decoded_ed25519(
    bytes: &[u8; 32],
) -> Result<ed25519_dalek::VerifyingKey, ed25519_dalek::SignatureError> {
    if let Some(key) = ED25519_KEYS.with(|keys| keys.borrow().get(bytes).copied()) {
        return Ok(key);
    }
    let key = ed25519_dalek::VerifyingKey::from_bytes(bytes)?;
    ED25519_KEYS.with(|keys| {
        let mut keys = keys.borrow_mut();
        if keys.len() >= ED25519_CACHE_ENTRIES {
            keys.clear();
        }
        keys.insert(*bytes, key);
    });
    Ok(key)
}
