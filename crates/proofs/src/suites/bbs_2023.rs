//! bbs-2023 — <https://www.w3.org/TR/vc-di-bbs/> (verify side: baseline derived proofs).

use credbridge_keys::KeyType;

use crate::suite::{Cryptosuite, HashRule, ProofValueFormat, Transform, bbs_algorithm};

/// `DataIntegrityProof` / `bbs-2023`: RDFC with HMAC-shuffled blank-node labels; a BBS proof
/// (BLS12-381-SHA-256) over the disclosed non-mandatory statements, with header SHA-256(proof
/// config) ‖ SHA-256(mandatory statements) (see `crate::bbs`). Only baseline derived proofs
/// are verified; signing is not offered.
pub static BBS_2023: &Cryptosuite = &Cryptosuite {
    proof_type: "DataIntegrityProof",
    cryptosuite: Some("bbs-2023"),
    key_types: &[KeyType::Bls12381G2],
    transform: Transform::Rdfc,
    hash: HashRule::Sha256,
    proof_value: ProofValueFormat::BbsDerived,
    algorithm: bbs_algorithm,
};
