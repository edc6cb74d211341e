//! Suites by name, for callers that take a name from a person or a file (`credbridge sign
//! --suite`, issuer profiles): [`suite_by_name`] over [`crate::suites::ALL_SUITES`], and
//! [`signing_suite`], which adds the two JWT forms.

use crate::{Cryptosuite, JwtKind, suites};

/// The implemented Data Integrity suite called `name` (`eddsa-rdfc-2022`,
/// `Ed25519Signature2020`, …), as [`Cryptosuite::name`] spells it.
#[must_use]
pub fn suite_by_name(name: &str) -> Option<&'static Cryptosuite> {
    suites::ALL_SUITES
        .iter()
        .copied()
        .find(|s| s.name() == name)
}

/// How a credential is to be secured, chosen by name.
#[derive(Debug, Clone, Copy)]
#[non_exhaustive]
pub enum SigningSuite {
    /// An embedded Data Integrity (or legacy Linked Data) proof.
    DataIntegrity(&'static Cryptosuite),
    /// An enveloping JWT: `vc-jwt` (VCDM 1.1, `vc` claim) or `vc-jose` (VC-JOSE-COSE).
    Jwt(JwtKind),
}

/// A suite name that names nothing we can sign with.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("unknown suite {name:?}; choose one of {}", known.join(", "))]
pub struct UnknownSuite {
    /// The name given.
    pub name: String,
    /// The names accepted.
    pub known: Vec<&'static str>,
}

/// The suite or JWT form called `name`: every name in [`crate::suites::ALL_SUITES`], plus
/// `vc-jwt` and `vc-jose`.
///
/// # Errors
/// [`UnknownSuite`] listing the names accepted.
pub fn signing_suite(name: &str) -> Result<SigningSuite, UnknownSuite> {
    match name {
        "vc-jwt" => Ok(SigningSuite::Jwt(JwtKind::VcJwt)),
        "vc-jose" => Ok(SigningSuite::Jwt(JwtKind::VcJose)),
        other => suite_by_name(other)
            .map(SigningSuite::DataIntegrity)
            .ok_or_else(|| UnknownSuite {
                name: other.to_owned(),
                known: suites::ALL_SUITES
                    .iter()
                    .map(|s| s.name())
                    .chain(["vc-jwt", "vc-jose"])
                    .collect(),
            }),
    }
}

#[cfg(test)]
mod tests {
    use super::{SigningSuite, signing_suite, suite_by_name};
    use crate::{JwtKind, suites};

    #[test]
    fn every_suite_is_found_by_its_own_name_and_jwt_forms_by_theirs() {
        for suite in suites::ALL_SUITES {
            assert!(std::ptr::eq(suite_by_name(suite.name()).unwrap(), *suite));
        }
        assert!(matches!(
            signing_suite("vc-jose"),
            Ok(SigningSuite::Jwt(JwtKind::VcJose))
        ));
        let err = signing_suite("eddsa-2019").unwrap_err();
        assert!(err.to_string().contains("eddsa-rdfc-2022"), "{err}");
        assert!(err.to_string().ends_with("vc-jwt, vc-jose"), "{err}");
    }
}
