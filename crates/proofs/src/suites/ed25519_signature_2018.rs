//! Ed25519Signature2018 — <https://w3c-ccg.github.io/lds-ed25519-2018/>

use credbridge_keys::KeyType;

use crate::suite::{Cryptosuite, HashRule, ProofValueFormat, Transform, eddsa_algorithm};

/// Legacy `Ed25519Signature2018`: URDNA2015, SHA-256, signature as a detached JWS
/// (`{"alg":"EdDSA","b64":false,"crit":["b64"]}`) in `jws`.
pub static ED25519_SIGNATURE_2018: &Cryptosuite = &Cryptosuite {
    proof_type: "Ed25519Signature2018",
    cryptosuite: None,
    key_types: &[KeyType::Ed25519],
    transform: Transform::Rdfc,
    hash: HashRule::Sha256,
    proof_value: ProofValueFormat::DetachedJws,
    algorithm: eddsa_algorithm,
};
