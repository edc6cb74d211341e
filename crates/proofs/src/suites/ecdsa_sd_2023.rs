//! ecdsa-sd-2023 — <https://www.w3.org/TR/vc-di-ecdsa/#ecdsa-sd-2023> (verify side: derived
//! proofs).

use credbridge_keys::KeyType;

use crate::suite::{Cryptosuite, HashRule, ProofValueFormat, Transform, ecdsa_algorithm};

/// `DataIntegrityProof` / `ecdsa-sd-2023`: RDFC with HMAC-relabelled blank nodes; the issuer's
/// ECDSA signature covers SHA-256(proof config) ‖ ephemeral key ‖ SHA-256(mandatory
/// statements), and an ephemeral P-256 key signs each optional statement (see
/// `crate::ecdsa_sd`). Only derived proofs are verified; signing is not offered.
pub static ECDSA_SD_2023: &Cryptosuite = &Cryptosuite {
    proof_type: "DataIntegrityProof",
    cryptosuite: Some("ecdsa-sd-2023"),
    key_types: &[KeyType::P256, KeyType::P384],
    transform: Transform::Rdfc,
    hash: HashRule::Sha256,
    proof_value: ProofValueFormat::EcdsaSdDerived,
    algorithm: ecdsa_algorithm,
};
