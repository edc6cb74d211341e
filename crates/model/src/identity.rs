//! Salted identity hashes, in one place: how Open Badges hides a recipient's email, URL or
//! phone (`IdentityObject`, OB 2.0 §IdentityHash, OB 3.0 §B.1.x IdentityObject) and how a
//! verifier or an issuer computes the same value.
//!
//! A hashed identity is `<alg>$<hex>` with `alg` `sha256` or `md5`, over the UTF-8 bytes of
//! identifier + salt.

use md5::Md5;
use sha2::{Digest, Sha256};

fn hex_lower(bytes: &[u8]) -> String {
    use std::fmt::Write as _;
    let mut out = String::with_capacity(bytes.len().saturating_mul(2));
    for b in bytes {
        let _ = write!(out, "{b:02x}");
    }
    out
}

/// The lower-case hex digest (without the `<alg>$` prefix) of `identifier + salt` for `alg` in
/// {`sha256`, `md5`} (case-insensitive); `None` for any other algorithm.
#[must_use]
pub fn identity_hash(alg: &str, identifier: &str, salt: &str) -> Option<String> {
    let mut input = String::with_capacity(identifier.len().saturating_add(salt.len()));
    input.push_str(identifier);
    input.push_str(salt);
    match alg.to_ascii_lowercase().as_str() {
        "sha256" => Some(hex_lower(&Sha256::digest(input.as_bytes()))),
        "md5" => Some(hex_lower(&Md5::digest(input.as_bytes()))),
        _ => None,
    }
}

/// The full `sha256$<hex>` form an issuer writes for `identifier` with `salt`.
#[must_use]
pub fn sha256_identity(identifier: &str, salt: &str) -> String {
    let mut out = String::from("sha256$");
    out.push_str(&hex_lower(&Sha256::digest(
        [identifier.as_bytes(), salt.as_bytes()].concat(),
    )));
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn known_hashes() {
        // OB 3.0 schema $comment: SHA-256("a@example.com" + "Kosher").
        assert_eq!(
            identity_hash("sha256", "a@example.com", "Kosher").as_deref(),
            Some("b5809d8a92f8858436d7e6b87c12ebc0ae1eac4baecc2c0b913aee2c922ef399")
        );
        // OB 2.0 §IdentityHash: SHA-256("mayze"), unsalted; the algorithm name is case-blind.
        assert_eq!(
            identity_hash("SHA256", "mayze", "").as_deref(),
            Some("7a1a1b3f7d40552e4299180e346e3add12bf9a751a43d9c4ca4518febc2c60c6")
        );
        // RFC 1321 test suite: MD5("abc").
        assert_eq!(
            identity_hash("md5", "abc", "").as_deref(),
            Some("900150983cd24fb0d6963f7d28e17f72")
        );
        assert_eq!(identity_hash("sha1", "abc", ""), None);
        assert_eq!(
            sha256_identity("a@example.com", "Kosher"),
            "sha256$b5809d8a92f8858436d7e6b87c12ebc0ae1eac4baecc2c0b913aee2c922ef399"
        );
    }
}
