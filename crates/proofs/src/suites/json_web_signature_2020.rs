//! JsonWebSignature2020 — <https://w3c-ccg.github.io/lds-jws2020/>

use credbridge_keys::{Algorithm, KeyType};

use crate::suite::{Cryptosuite, HashRule, ProofValueFormat, Transform};

/// Legacy `JsonWebSignature2020`: URDNA2015, SHA-256, detached JWS whose `alg` follows the key
/// (EdDSA, ES256, ES384, ES256K, PS256).
pub static JSON_WEB_SIGNATURE_2020: &Cryptosuite = &Cryptosuite {
    proof_type: "JsonWebSignature2020",
    cryptosuite: None,
    key_types: &[
        KeyType::Ed25519,
        KeyType::P256,
        KeyType::P384,
        KeyType::Secp256k1,
        KeyType::Rsa,
    ],
    transform: Transform::Rdfc,
    hash: HashRule::Sha256,
    proof_value: ProofValueFormat::DetachedJws,
    algorithm: jws2020_algorithm,
};

fn jws2020_algorithm(key_type: KeyType) -> Option<Algorithm> {
    Some(match key_type {
        KeyType::Ed25519 => Algorithm::EdDsa,
        KeyType::P256 => Algorithm::Es256,
        KeyType::P384 => Algorithm::Es384,
        KeyType::Secp256k1 => Algorithm::Es256K,
        KeyType::Rsa => Algorithm::Ps256,
        _ => return None,
    })
}
