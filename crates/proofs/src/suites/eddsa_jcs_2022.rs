//! eddsa-jcs-2022 — <https://www.w3.org/TR/vc-di-eddsa/#eddsa-jcs-2022>

use credbridge_keys::KeyType;

use crate::suite::{Cryptosuite, HashRule, ProofValueFormat, Transform, eddsa_algorithm};

/// `DataIntegrityProof` / `eddsa-jcs-2022`: Ed25519 over SHA-256(JCS(proof config)) ‖
/// SHA-256(JCS(document)).
pub static EDDSA_JCS_2022: &Cryptosuite = &Cryptosuite {
    proof_type: "DataIntegrityProof",
    cryptosuite: Some("eddsa-jcs-2022"),
    key_types: &[KeyType::Ed25519],
    transform: Transform::Jcs,
    hash: HashRule::Sha256,
    proof_value: ProofValueFormat::MultibaseBase58Btc,
    algorithm: eddsa_algorithm,
};
