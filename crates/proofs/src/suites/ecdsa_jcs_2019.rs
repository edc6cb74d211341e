//! ecdsa-jcs-2019 — <https://www.w3.org/TR/vc-di-ecdsa/#ecdsa-jcs-2019>

use credbridge_keys::KeyType;

use crate::suite::{Cryptosuite, HashRule, ProofValueFormat, Transform, ecdsa_algorithm};

/// `DataIntegrityProof` / `ecdsa-jcs-2019`: ES256 / ES384 over hash(JCS(proof config)) ‖
/// hash(JCS(document)).
pub static ECDSA_JCS_2019: &Cryptosuite = &Cryptosuite {
    proof_type: "DataIntegrityProof",
    cryptosuite: Some("ecdsa-jcs-2019"),
    key_types: &[KeyType::P256, KeyType::P384],
    transform: Transform::Jcs,
    hash: HashRule::Sha384ForP384,
    proof_value: ProofValueFormat::MultibaseBase58Btc,
    algorithm: ecdsa_algorithm,
};
