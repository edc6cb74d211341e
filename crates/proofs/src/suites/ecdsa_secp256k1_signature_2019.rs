//! EcdsaSecp256k1Signature2019 — <https://w3c-ccg.github.io/lds-ecdsa-secp256k1-2019/>.

use credbridge_keys::{Algorithm, KeyType};

use crate::suite::{Cryptosuite, HashRule, ProofValueFormat, Transform};

/// Legacy `EcdsaSecp256k1Signature2019`: URDNA2015, SHA-256, detached JWS with `alg` ES256K in
/// `jws`; the key is an `EcdsaSecp256k1VerificationKey2019` (JWK, base58 or hex).
pub static ECDSA_SECP256K1_SIGNATURE_2019: &Cryptosuite = &Cryptosuite {
    proof_type: "EcdsaSecp256k1Signature2019",
    cryptosuite: None,
    key_types: &[KeyType::Secp256k1],
    transform: Transform::Rdfc,
    hash: HashRule::Sha256,
    proof_value: ProofValueFormat::DetachedJws,
    algorithm: es256k,
};

fn es256k(key_type: KeyType) -> Option<Algorithm> {
    (key_type == KeyType::Secp256k1).then_some(Algorithm::Es256K)
}
