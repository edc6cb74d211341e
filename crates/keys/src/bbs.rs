//! BBS proof verification (draft-irtf-cfrg-bbs-signatures, ciphersuite BLS12-381-SHA-256) for
//! [`PublicKey::Bls12381G2`] keys, so that the [`SignatureVerified`] token of a bbs-2023 proof
//! is minted here, after a real check, like every other one. The pairing and BBS arithmetic
//! are `zkryptium`'s; every length and index is checked here first, because its decoders
//! slice their input without checking.

use zkryptium::bbsplus::ciphersuites::Bls12381Sha256;
use zkryptium::bbsplus::keys::BBSplusPublicKey;
use zkryptium::schemes::algorithms::BBSplus;
use zkryptium::schemes::generics::PoKSignature;

use crate::{Algorithm, KeyError, PublicKey, SignatureVerified};

/// Bytes of a BBS proof before the undisclosed-message responses: Abar, Bbar, D (G1, 48 each)
/// and e^, r1^, r3^ (scalars, 32 each); the 32-byte challenge closes it.
const PROOF_FIXED_BYTES: usize = 3 * 48 + 3 * 32;
const SCALAR_BYTES: usize = 32;
/// Most signed messages a BBS proof may cover here (disclosed + undisclosed).
pub const MAX_BBS_MESSAGES: usize = 8192;

impl PublicKey {
    /// Verifies a BBS proof of knowledge (`ProofVerify`) made from a signature by this key:
    /// `header` and `presentation_header` as bound by the prover, `disclosed` the disclosed
    /// messages in the order of `indexes` (strictly ascending positions among all signed
    /// messages).
    pub fn verify_bbs_proof(
        &self,
        proof: &[u8],
        header: &[u8],
        presentation_header: &[u8],
        disclosed: &[Vec<u8>],
        indexes: &[usize],
    ) -> Result<SignatureVerified, KeyError> {
        let alg = Algorithm::Bbs;
        let malformed = |reason: String| KeyError::MalformedSignature {
            alg: alg.jose_name(),
            reason,
        };
        let PublicKey::Bls12381G2(point) = self else {
            return Err(KeyError::AlgorithmKeyMismatch {
                alg: alg.jose_name(),
                key_type: self.key_type().name(),
            });
        };
        let responses = proof
            .len()
            .checked_sub(PROOF_FIXED_BYTES + SCALAR_BYTES)
            .filter(|r| r % SCALAR_BYTES == 0)
            .ok_or_else(|| {
                malformed(format!(
                    "a BBS proof of {} bytes is not {PROOF_FIXED_BYTES} + 32 × (undisclosed + 1)",
                    proof.len()
                ))
            })?;
        let total = responses / SCALAR_BYTES + disclosed.len();
        if total > MAX_BBS_MESSAGES {
            return Err(malformed(format!(
                "{total} signed messages, more than the limit of {MAX_BBS_MESSAGES}"
            )));
        }
        if indexes.len() != disclosed.len() {
            return Err(malformed(format!(
                "{} disclosed messages but {} indexes",
                disclosed.len(),
                indexes.len()
            )));
        }
        if indexes.windows(2).any(|w| matches!(w, [a, b] if a >= b))
            || indexes.iter().any(|i| *i >= total)
        {
            return Err(malformed(format!(
                "disclosed indexes must be strictly ascending and below {total}"
            )));
        }
        let pk = BBSplusPublicKey::from_bytes(point.as_slice()).map_err(|e| {
            KeyError::InvalidKeyBytes {
                key_type: "Bls12381G2",
                reason: e.to_string(),
            }
        })?;
        let pok = PoKSignature::<BBSplus<Bls12381Sha256>>::from_bytes(proof)
            .map_err(|e| malformed(e.to_string()))?;
        pok.proof_verify(
            &pk,
            Some(disclosed),
            Some(indexes),
            Some(header),
            Some(presentation_header),
        )
        .map_err(|_| KeyError::SignatureMismatch {
            alg: alg.jose_name(),
        })?;
        Ok(SignatureVerified { alg })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Hostile lengths and indexes are refused before zkryptium sees them (its decoders slice
    /// without checking); nothing panics.
    #[test]
    fn malformed_proofs_and_indexes_are_errors() {
        let key = PublicKey::Bls12381G2(Box::new([0x11; 96]));
        let msgs = vec![b"a".to_vec(), b"b".to_vec()];
        for len in [0, 1, 47, 271, 273, 300, 304] {
            let proof = vec![0u8; len];
            assert!(
                key.verify_bbs_proof(&proof, b"h", b"", &msgs, &[0, 1])
                    .is_err(),
                "{len}"
            );
        }
        let proof = vec![0u8; 272 + 32];
        for indexes in [&[1usize, 0][..], &[0, 0], &[0, 7], &[0]] {
            assert!(
                key.verify_bbs_proof(&proof, b"h", b"", &msgs, indexes)
                    .is_err()
            );
        }
        // Not a point on the curve.
        assert!(matches!(
            key.verify_bbs_proof(&proof, b"h", b"", &msgs, &[0, 1]),
            Err(KeyError::InvalidKeyBytes { .. } | KeyError::MalformedSignature { .. })
        ));
        // Not a BLS key.
        let ed = crate::SecretKey::generate(crate::KeyType::Ed25519)
            .map(|k| k.public_key())
            .ok();
        if let Some(ed) = ed {
            assert!(matches!(
                ed.verify_bbs_proof(&proof, b"h", b"", &msgs, &[0, 1]),
                Err(KeyError::AlgorithmKeyMismatch { .. })
            ));
        }
        // verify() refuses the BBS pseudo-algorithm.
        assert!(key.verify(Algorithm::Bbs, b"m", b"s").is_err());
    }
}
