//! ecdsa-rdfc-2019 — <https://www.w3.org/TR/vc-di-ecdsa/#ecdsa-rdfc-2019>

use credbridge_keys::KeyType;

use crate::suite::{Cryptosuite, HashRule, ProofValueFormat, Transform, ecdsa_algorithm};

/// `DataIntegrityProof` / `ecdsa-rdfc-2019`: ES256 (P-256, SHA-256) or ES384 (P-384, SHA-384)
/// over hash(RDFC(proof config)) ‖ hash(RDFC(document)).
pub static ECDSA_RDFC_2019: &Cryptosuite = &Cryptosuite {
    proof_type: "DataIntegrityProof",
    cryptosuite: Some("ecdsa-rdfc-2019"),
    key_types: &[KeyType::P256, KeyType::P384],
    transform: Transform::Rdfc,
    hash: HashRule::Sha384ForP384,
    proof_value: ProofValueFormat::MultibaseBase58Btc,
    algorithm: ecdsa_algorithm,
};
