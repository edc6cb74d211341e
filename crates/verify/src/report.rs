//! The verification report: one verdict that people and programs can act on.
//!
//! A report is a list of [`Check`]s, each with a tri-state-plus-one [`Outcome`] and a
//! [`Severity`]. The overall [`Verdict`] is derived from the checks and never stored separately,
//! so it cannot disagree with them. The serialized form is versioned ([`REPORT_VERSION`]) and
//! described by `docs/verification-report.schema.json`.

use credbridge_model::Format;
use serde::Serialize;

use crate::VerifyOptions;
use crate::identity::IssuerIdentity;

/// The version tag written into every serialized report; bump on incompatible changes.
pub const REPORT_VERSION: &str = "credbridge/verification-report/v1";

/// How much a check matters to the verdict.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum Severity {
    /// A failure makes the credential invalid; could-not-check makes it indeterminate.
    Fatal,
    /// A failure or could-not-check is a warning: the verdict becomes valid-with-warnings.
    Advisory,
}

/// What happened when a check ran.
///
/// `CouldNotCheck` is deliberately distinct from `Passed`: a status list that could not be
/// fetched is not a credential that is "not revoked".
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(tag = "outcome", content = "reason", rename_all = "kebab-case")]
pub enum Outcome {
    /// The check ran and the credential satisfied it.
    Passed,
    /// The check ran and the credential does not satisfy it; the reason says why.
    Failed(String),
    /// The check could not run to a conclusion (unsupported suite, unreachable host, missing key).
    CouldNotCheck(String),
    /// The check does not apply to this credential (e.g. no `credentialStatus`).
    NotApplicable,
}

/// One check and its outcome.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Check {
    /// A stable machine name, dotted by area: `decode`, `schema`, `proof`, `validity.not-before`,
    /// `validity.expiration`, `status.revocation`, `issuer.trust`.
    pub id: String,
    /// How much the check matters.
    pub severity: Severity,
    /// What happened.
    #[serde(flatten)]
    pub outcome: Outcome,
    /// A plain sentence for a person (a recruiter, not a cryptographer).
    pub message: String,
    /// Facts behind the outcome: which key and where it came from, which list, which field.
    #[serde(skip_serializing_if = "serde_json::Map::is_empty")]
    pub evidence: serde_json::Map<String, serde_json::Value>,
}

impl Check {
    /// A check with no evidence yet.
    pub fn new(
        id: impl Into<String>,
        severity: Severity,
        outcome: Outcome,
        message: impl Into<String>,
    ) -> Check {
        Check {
            id: id.into(),
            severity,
            outcome,
            message: message.into(),
            evidence: serde_json::Map::new(),
        }
    }

    /// Adds one evidence entry.
    pub fn with_evidence(mut self, key: &str, value: impl Into<serde_json::Value>) -> Check {
        self.evidence.insert(key.to_owned(), value.into());
        self
    }
}

/// The overall verdict.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum Verdict {
    /// Every fatal check passed and no advisory check raised a warning.
    Valid,
    /// Every fatal check passed; some advisory check failed or could not run.
    ValidWithWarnings,
    /// No fatal check failed, but at least one fatal check could not run.
    Indeterminate,
    /// At least one fatal check failed.
    Invalid,
}

impl Verdict {
    /// Derives the verdict from checks. Failures outrank could-not-check, which outranks warnings.
    pub fn from_checks(checks: &[Check]) -> Verdict {
        let mut verdict = Verdict::Valid;
        for check in checks {
            let this = match (&check.outcome, check.severity) {
                (Outcome::Passed | Outcome::NotApplicable, _) => Verdict::Valid,
                (Outcome::Failed(_), Severity::Fatal) => Verdict::Invalid,
                (Outcome::CouldNotCheck(_), Severity::Fatal) => Verdict::Indeterminate,
                (Outcome::Failed(_) | Outcome::CouldNotCheck(_), Severity::Advisory) => {
                    Verdict::ValidWithWarnings
                }
            };
            verdict = verdict.max(this);
        }
        verdict
    }
}

/// What happened to an item.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum Disposition {
    /// It was read and its checks ran.
    Verified,
    /// It could not be read.
    Unreadable,
    /// It is not a credential (skipped, counted, not a failure).
    Skipped,
}

impl Disposition {
    fn is_verified(&self) -> bool {
        *self == Disposition::Verified
    }
}

/// The report for one credential or presentation, with reports for what it contains.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct VerificationReport {
    /// Always [`REPORT_VERSION`].
    pub report_version: &'static str,
    /// Where the item came from (file → zip entry → inner credential).
    pub item: String,
    /// The detected format's machine name (e.g. `OpenBadges3`, `Clr2`,
    /// `VerifiableCredential`, `Unknown`), as `credbridge_model::Format` serializes it.
    pub format: &'static str,
    /// The format's name for people (e.g. `Open Badges 3.0 credential`).
    pub format_name: &'static str,
    /// The credential's `id`, when it has one.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub credential_id: Option<String>,
    /// The issuer's id, when it has one.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub issuer: Option<String>,
    /// The time the checks were made against (RFC 3339).
    pub checked_at: String,
    /// Who the issuer is as far as anything outside the credential confirms: the name as
    /// claimed, and how it was confirmed or that it was not (credentials, not presentations).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub issuer_identity: Option<IssuerIdentity>,
    /// What happened to the item: verified (the usual case, not serialized), unreadable, or
    /// skipped because it is not a credential.
    #[serde(skip_serializing_if = "Disposition::is_verified")]
    pub disposition: Disposition,
    /// Derived from `checks`; serialized for readers that want one word. An unreadable or
    /// skipped item is `indeterminate`: nothing was verified, and `disposition` says why.
    pub verdict: Verdict,
    /// Every check. When the verdict is not `valid`, the checks that decide it come first, the
    /// most decisive first (a failed fatal check, then one that could not run, then warnings;
    /// among failures: a bad signature, then the key binding, then status, then the rest); the
    /// others follow in the order they ran.
    pub checks: Vec<Check>,
}

impl VerificationReport {
    /// Builds a report and derives its verdict from the checks.
    pub fn new(
        item: String,
        format: (Format, &'static str),
        credential_id: Option<String>,
        issuer: Option<String>,
        checked_at: String,
        mut checks: Vec<Check>,
    ) -> VerificationReport {
        let verdict = Verdict::from_checks(&checks);
        if verdict != Verdict::Valid {
            // Stable, and for the dozen or so checks of a report an insertion sort in place.
            checks.sort_by_key(decisiveness);
        }
        VerificationReport {
            report_version: REPORT_VERSION,
            item,
            format: format.0.machine_name(),
            format_name: format.1,
            credential_id,
            issuer,
            checked_at,
            issuer_identity: None,
            disposition: Disposition::Verified,
            verdict,
            checks,
        }
    }

    /// The report for an item that could not be read (a damaged file, a limit exceeded):
    /// its `decode` check could not run to a conclusion, and `reason` says why (the decoder's
    /// error, which names the limit).
    pub fn unreadable(item: String, reason: String, checked_at: i64) -> VerificationReport {
        let decode = Check::new(
            "decode",
            Severity::Fatal,
            Outcome::CouldNotCheck(reason),
            "the file could not be read, so nothing in it was checked",
        );
        let mut report = VerificationReport::new(
            item,
            (Format::Unknown, "unreadable file"),
            None,
            None,
            credbridge_model::format_unix(checked_at),
            vec![decode],
        );
        report.disposition = Disposition::Unreadable;
        report.verdict = Verdict::Indeterminate;
        report
    }

    /// The report for a file that is not a credential (a DID document, a key, stray text):
    /// counted and listed, neither invalid nor fatal.
    pub fn skipped(item: String, what: &str, checked_at: i64) -> VerificationReport {
        let decode = Check::new(
            "decode",
            Severity::Fatal,
            Outcome::NotApplicable,
            format!("skipped: not a credential ({what})"),
        );
        let mut report = VerificationReport::new(
            item,
            (Format::Unknown, "not a credential"),
            None,
            None,
            credbridge_model::format_unix(checked_at),
            vec![decode],
        );
        report.disposition = Disposition::Skipped;
        report.verdict = Verdict::Indeterminate;
        report
    }

    /// Adds the issuer-identity summary.
    #[must_use]
    pub fn with_issuer_identity(mut self, identity: Option<IssuerIdentity>) -> VerificationReport {
        self.issuer_identity = identity;
        self
    }
}

/// How much a check decides the verdict: lower comes first in a report.
fn decisiveness(check: &Check) -> u8 {
    let within = || match check.id.as_str() {
        "decode" => 0,
        "proof" => 1,
        "issuer.key-binding" | "holder.key-binding" => 2,
        id if id.starts_with("status") => 3,
        "proof.jwt-claims" => 4,
        id if id.starts_with("validity") => 5,
        _ => 6,
    };
    match (&check.outcome, check.severity) {
        (Outcome::Failed(_), Severity::Fatal) => within(),
        (Outcome::CouldNotCheck(_), Severity::Fatal) => 10 + within(),
        (Outcome::Failed(_) | Outcome::CouldNotCheck(_), Severity::Advisory) => 20 + within(),
        (Outcome::Passed | Outcome::NotApplicable, _) => 30,
    }
}

/// A report for `path` made at the verification time of `options`.
pub(crate) fn report(
    path: String,
    format: (Format, &'static str),
    credential_id: Option<String>,
    issuer: Option<String>,
    options: &VerifyOptions,
    checks: Vec<Check>,
) -> VerificationReport {
    VerificationReport::new(
        path,
        format,
        credential_id,
        issuer,
        credbridge_model::format_unix(options.now),
        checks,
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    fn check(severity: Severity, outcome: Outcome) -> Check {
        Check::new("x", severity, outcome, "m")
    }

    #[test]
    fn verdict_ranks_failure_over_could_not_check_over_warning() {
        use Outcome::*;
        use Severity::*;
        let passed = check(Fatal, Passed);
        let warn = check(Advisory, Failed("w".into()));
        let unknown = check(Fatal, CouldNotCheck("offline".into()));
        let failed = check(Fatal, Failed("tampered".into()));
        assert_eq!(Verdict::from_checks(&[]), Verdict::Valid);
        assert_eq!(
            Verdict::from_checks(std::slice::from_ref(&passed)),
            Verdict::Valid
        );
        assert_eq!(
            Verdict::from_checks(&[passed.clone(), warn.clone()]),
            Verdict::ValidWithWarnings
        );
        assert_eq!(
            Verdict::from_checks(&[warn.clone(), unknown.clone()]),
            Verdict::Indeterminate
        );
        assert_eq!(
            Verdict::from_checks(&[failed, unknown, warn, passed]),
            Verdict::Invalid
        );
    }

    #[test]
    fn unreadable_and_skipped_items_are_reports() {
        let unreadable = VerificationReport::unreadable("a.zip".into(), "too big".into(), 0);
        let json = serde_json::to_value(&unreadable).unwrap();
        assert_eq!(json["disposition"], "unreadable");
        assert_eq!(json["verdict"], "indeterminate");
        assert_eq!(json["checks"][0]["reason"], "too big");
        let skipped = VerificationReport::skipped("did.json".into(), "a DID document", 0);
        let json = serde_json::to_value(&skipped).unwrap();
        assert_eq!(json["disposition"], "skipped");
        assert_ne!(json["verdict"], "valid");
        let verified = VerificationReport::new(
            "x".into(),
            (Format::VerifiableCredential, "verifiable credential"),
            None,
            None,
            String::new(),
            Vec::new(),
        );
        assert!(
            serde_json::to_value(&verified)
                .unwrap()
                .get("disposition")
                .is_none()
        );
    }

    #[test]
    fn could_not_check_never_serializes_as_passed() {
        let c = check(Severity::Fatal, Outcome::CouldNotCheck("host down".into()));
        let json = serde_json::to_value(&c).unwrap();
        assert_eq!(json["outcome"], "could-not-check");
        assert_eq!(json["reason"], "host down");
    }
}
