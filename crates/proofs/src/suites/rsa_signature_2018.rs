//! RsaSignature2018 — <https://w3c-ccg.github.io/lds-rsa2018/> (as `jsonld-signatures`
//! implements it).

use credbridge_keys::{Algorithm, KeyType};

use crate::suite::{Cryptosuite, HashRule, ProofValueFormat, Transform};

/// Legacy `RsaSignature2018`: URDNA2015, SHA-256, detached JWS with `alg` PS256 (RSASSA-PSS,
/// SHA-256) in `jws`; the key is an `RsaVerificationKey2018` (usually `publicKeyPem`).
pub static RSA_SIGNATURE_2018: &Cryptosuite = &Cryptosuite {
    proof_type: "RsaSignature2018",
    cryptosuite: None,
    key_types: &[KeyType::Rsa],
    transform: Transform::Rdfc,
    hash: HashRule::Sha256,
    proof_value: ProofValueFormat::DetachedJws,
    algorithm: ps256,
};

fn ps256(key_type: KeyType) -> Option<Algorithm> {
    (key_type == KeyType::Rsa).then_some(Algorithm::Ps256)
}
