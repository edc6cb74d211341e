//! One file per cryptosuite. Adding a suite means one new file here and one line in
//! [`ALL_SUITES`].

mod bbs_2023;
mod ecdsa_jcs_2019;
mod ecdsa_rdfc_2019;
mod ecdsa_sd_2023;
mod ecdsa_secp256k1_signature_2019;
mod ed25519_signature_2018;
mod ed25519_signature_2020;
mod eddsa_2022;
mod eddsa_jcs_2022;
mod eddsa_rdfc_2022;
mod json_web_signature_2020;
mod rsa_signature_2018;

pub use bbs_2023::BBS_2023;
pub use ecdsa_jcs_2019::ECDSA_JCS_2019;
pub use ecdsa_rdfc_2019::ECDSA_RDFC_2019;
pub use ecdsa_sd_2023::ECDSA_SD_2023;
pub use ecdsa_secp256k1_signature_2019::ECDSA_SECP256K1_SIGNATURE_2019;
pub use ed25519_signature_2018::ED25519_SIGNATURE_2018;
pub use ed25519_signature_2020::ED25519_SIGNATURE_2020;
pub use eddsa_2022::EDDSA_2022;
pub use eddsa_jcs_2022::EDDSA_JCS_2022;
pub use eddsa_rdfc_2022::EDDSA_RDFC_2022;
pub use json_web_signature_2020::JSON_WEB_SIGNATURE_2020;
pub use rsa_signature_2018::RSA_SIGNATURE_2018;

use crate::Cryptosuite;

/// Every implemented suite. Callers pass the subset they allow.
pub static ALL_SUITES: &[&Cryptosuite] = &[
    EDDSA_RDFC_2022,
    EDDSA_JCS_2022,
    ECDSA_RDFC_2019,
    ECDSA_JCS_2019,
    ED25519_SIGNATURE_2020,
    ED25519_SIGNATURE_2018,
    JSON_WEB_SIGNATURE_2020,
    EDDSA_2022,
    RSA_SIGNATURE_2018,
    ECDSA_SECP256K1_SIGNATURE_2019,
    ECDSA_SD_2023,
    BBS_2023,
];

/// Suites that need no JSON-LD processing.
pub static JCS_SUITES: &[&Cryptosuite] = &[EDDSA_JCS_2022, ECDSA_JCS_2019];
