//! Ed25519Signature2020 — <https://www.w3.org/community/reports/credentials/CG-FINAL-di-eddsa-2020-20220724/>

use credbridge_keys::KeyType;

use crate::suite::{Cryptosuite, HashRule, ProofValueFormat, Transform, eddsa_algorithm};

/// Legacy `Ed25519Signature2020`: the eddsa-rdfc-2022 recipe under its own proof `type`
/// (URDNA2015, SHA-256, multibase `proofValue`).
pub static ED25519_SIGNATURE_2020: &Cryptosuite = &Cryptosuite {
    proof_type: "Ed25519Signature2020",
    cryptosuite: None,
    key_types: &[KeyType::Ed25519],
    transform: Transform::Rdfc,
    hash: HashRule::Sha256,
    proof_value: ProofValueFormat::MultibaseBase58Btc,
    algorithm: eddsa_algorithm,
};
