//! The data-quality lint shown beside a verification report (issue side's rules, run on what
//! was received): the same [`credbridge_issue::lint_document`] as `credbridge lint`, with the
//! alignment check answered by the frameworks the server already loaded. The lint never changes
//! a verdict; it says what an employer will find missing and how the issuer can fix it.

use credbridge_config::FrameworkAlignmentChecker;
use credbridge_formats::Item;
use credbridge_issue::lint::{LintedKind, Severity};
use credbridge_issue::{LintReport, lint_document};
use credbridge_pages::{LintFindingView, LintSeverity, LintView};

/// Lints the item's credential when it is one the rules are written for (OB 3.0, CLR 2.0,
/// OB 2.0); `None` for anything else (a generic VC, an unreadable item).
pub fn lint_item(item: &Item, checker: &FrameworkAlignmentChecker) -> Option<LintReport> {
    let report = lint_document(item.credential_json()?, checker);
    (!matches!(report.kind, LintedKind::Other | LintedKind::Template)).then_some(report)
}

/// The page's view of a lint report.
pub fn lint_view(report: &LintReport) -> LintView {
    LintView::new(
        report.score,
        report.rules_version,
        report.findings.iter().map(|f| LintFindingView {
            rule: f.rule.to_owned(),
            severity: match f.severity {
                Severity::Error => LintSeverity::Error,
                Severity::Warning => LintSeverity::Warning,
                Severity::Info => LintSeverity::Info,
            },
            pointer: f.pointer.clone(),
            message: f.message.clone(),
            hint: f.hint.to_owned(),
        }),
        report.truncated,
    )
}
