//! The words people read, shared by the HTML and PDF reports.

use credbridge_profile::{ProfileSkill, SkillStatus, VerificationStatus};

/// "verified", "not verified", "inferred from text".
pub(crate) fn skill_status(status: SkillStatus) -> &'static str {
    match status {
        SkillStatus::Verified => "verified",
        SkillStatus::Unverified => "stated, not verified",
        SkillStatus::Inferred => "inferred, not stated by the issuer",
    }
}

/// The level as "proficient (issuer: Advanced)".
pub(crate) fn level(skill: &ProfileSkill) -> Option<String> {
    skill
        .best_level
        .as_ref()
        .map(|l| format!("{} (issuer: {})", l.ordinal.word(), l.raw))
}

/// A date as its first ten characters (`2025-05-01`), or as written when shorter.
pub(crate) fn date(value: Option<&str>) -> String {
    value
        .map(|d| d.get(..10).unwrap_or(d).to_string())
        .unwrap_or_default()
}

/// The credential's verification in words.
pub(crate) fn verification(status: VerificationStatus) -> &'static str {
    status.word()
}

/// One line of evidence: "Python for data work — Example College, 2025-05-01 (valid)".
pub(crate) fn evidence_line(e: &credbridge_profile::profile::SkillEvidence) -> String {
    let achievement = e.achievement.as_deref().unwrap_or("(unnamed achievement)");
    let issuer = e.issuer.as_deref().unwrap_or("unknown issuer");
    let when = date(e.demonstrated.as_deref());
    let when = if when.is_empty() {
        String::new()
    } else {
        format!(", {when}")
    };
    format!(
        "{achievement} \u{2014} {issuer}{when} ({})",
        verification(e.verification)
    )
}
