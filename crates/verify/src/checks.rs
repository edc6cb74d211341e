//! The table of checks: every check id a report can hold, with its severity and the question
//! it answers in plain words. The report schema's list of ids is tested against this table, and
//! the tests hold every check a report emits against it, so an id or a severity cannot drift.

use crate::report::Severity;

/// One kind of check.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct CheckKind {
    /// The stable machine name, dotted by area.
    pub id: &'static str,
    /// How much a failure matters.
    pub severity: Severity,
    /// When the severity differs from [`CheckKind::severity`], why (documented exceptions).
    pub severity_varies: Option<&'static str>,
    /// What the check asks, for a person.
    pub question: &'static str,
}

const fn kind(id: &'static str, severity: Severity, question: &'static str) -> CheckKind {
    CheckKind {
        id,
        severity,
        severity_varies: None,
        question,
    }
}

const fn varies(
    id: &'static str,
    severity: Severity,
    why: &'static str,
    question: &'static str,
) -> CheckKind {
    CheckKind {
        id,
        severity,
        severity_varies: Some(why),
        question,
    }
}

use Severity::{Advisory, Fatal};

/// Every check, in the order a verifier reasons (the order the pipeline runs them).
pub static CHECKS: &[CheckKind] = &[
    kind(
        "decode",
        Fatal,
        "Could the file be read and a credential found in it?",
    ),
    kind(
        "format.supported",
        Fatal,
        "Is the credential in a format credbridge can verify (not SD-JWT or COSE, which are recognised but not supported yet)?",
    ),
    kind(
        "data-model",
        Fatal,
        "Is the credential well-formed for its data model?",
    ),
    kind(
        "ob3.subject-identifier",
        Advisory,
        "Does the credential identify its learner in a way a verifier can compare?",
    ),
    kind(
        "holder.self-asserted",
        Fatal,
        "Are the credentials secured only by the presentation the holder's own statements?",
    ),
    kind(
        "holder.is-subject",
        Advisory,
        "Is the person presenting the credentials the person they are about?",
    ),
    kind(
        "schema",
        Advisory,
        "Does the credential follow the 1EdTech JSON Schema for its type?",
    ),
    kind("proof", Fatal, "Is the digital signature valid?"),
    kind(
        "proof.jwt-claims",
        Fatal,
        "Do the token's claims agree with the credential inside it?",
    ),
    kind(
        "json-ld",
        Fatal,
        "Is every property defined by the credential's vocabulary (JSON-LD contexts)?",
    ),
    varies(
        "related-resource",
        Fatal,
        "advisory when a pinned resource is not held here (could-not-check)",
        "Are the resources the credential pins by their digest (relatedResource) the ones it names?",
    ),
    varies(
        "issuer.key-binding",
        Fatal,
        "advisory when the issuer's identifier cannot be resolved (could-not-check)",
        "Does the signing key belong to the issuer?",
    ),
    varies(
        "holder.key-binding",
        Fatal,
        "advisory when the holder's identifier cannot be resolved (could-not-check)",
        "Does the signing key belong to the holder?",
    ),
    kind(
        "validity.not-before",
        Fatal,
        "Is the credential already in force?",
    ),
    kind(
        "validity.expiration",
        Fatal,
        "Is the credential still in force?",
    ),
    kind(
        "status",
        Fatal,
        "Has the issuer revoked or suspended the credential?",
    ),
    kind(
        "status.revocation",
        Fatal,
        "Has the issuer revoked the badge (Open Badges 2.0 revocation list)?",
    ),
    varies(
        "issuer.trust",
        Advisory,
        "fatal when the issuer is on the deny list",
        "Is the issuer in a registry or list you trust?",
    ),
    kind(
        "issuer.identity",
        Advisory,
        "Does anything outside the credential confirm who the issuer is?",
    ),
    kind(
        "issuer.hosted-scope",
        Fatal,
        "Is the badge published where its issuer says its badges live?",
    ),
    kind(
        "ob2.documents",
        Fatal,
        "Could the badge's linked documents (badge class, issuer) be read?",
    ),
    kind(
        "ob2.document-ids",
        Fatal,
        "Do the linked documents say they are what the badge links to?",
    ),
    kind(
        "recipient",
        Fatal,
        "Was the credential issued to the person you know?",
    ),
    kind(
        "endorsements",
        Advisory,
        "Do the credential's endorsements verify?",
    ),
    kind(
        "clr.associations",
        Advisory,
        "Do the CLR's associations point at achievements it contains?",
    ),
    kind(
        "refresh-service",
        Advisory,
        "Does the issuer offer a refreshed version of the credential?",
    ),
];

/// The table entry for `id`.
pub fn check_kind(id: &str) -> Option<&'static CheckKind> {
    CHECKS.iter().find(|kind| kind.id == id)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ids_are_unique() {
        for (i, kind) in CHECKS.iter().enumerate() {
            assert!(
                CHECKS.iter().skip(i + 1).all(|other| other.id != kind.id),
                "{}",
                kind.id
            );
        }
        assert_eq!(check_kind("proof").map(|k| k.severity), Some(Fatal));
    }
}
