//! eddsa-2022 — the draft name of eddsa-rdfc-2022 ("EdDSA Cryptosuite v2022",
//! <https://www.w3.org/TR/2023/WD-vc-di-eddsa-20230418/>), which OB 3.0 and CLR 2.0 list among
//! the "prior (deprecated) cryptosuites" a verifier should still accept (1EdTech recommended
//! practices §Cryptosuites).

use credbridge_keys::KeyType;

use crate::suite::{Cryptosuite, HashRule, ProofValueFormat, Transform, eddsa_algorithm};

/// Legacy `DataIntegrityProof` / `eddsa-2022`: the eddsa-rdfc-2022 recipe under its draft
/// `cryptosuite` name (RDFC, SHA-256, Ed25519, multibase `proofValue`).
pub static EDDSA_2022: &Cryptosuite = &Cryptosuite {
    proof_type: "DataIntegrityProof",
    cryptosuite: Some("eddsa-2022"),
    key_types: &[KeyType::Ed25519],
    transform: Transform::Rdfc,
    hash: HashRule::Sha256,
    proof_value: ProofValueFormat::MultibaseBase58Btc,
    algorithm: eddsa_algorithm,
};
