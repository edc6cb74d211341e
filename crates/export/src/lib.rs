//! credbridge-export: a person's skills profile into the places hiring happens.
//!
//! It owns four outputs built from one [`Dossier`] (a [`SkillsProfile`], the original credentials
//! and, optionally, a match report against a job):
//! - HR Open **LER-RS** 4.4 JSON ([`ler_rs()`]): skills with their framework references and the
//!   original verifiable credentials embedded where the schema allows (`verifications`);
//! - **JSON Resume** ([`json_resume()`]): `skills` and `certificates`;
//! - a **one-page report** in HTML ([`report_html`]) and PDF ([`report_pdf`]) that a recruiter reads
//!   in a minute: each skill, its evidence, verification status, issuer and dates, and a link and QR
//!   code back to the verifier page;
//! - an **ATS bundle** ([`ats_bundle`]): one zip with the PDF, the LER-RS file, the original
//!   credentials byte for byte, and a manifest whose tags are the top skills;
//! - **webhooks** ([`webhook`]): event types, the signed payload, the signature recipe and the
//!   retry schedule for pushing inbox, profile and match events to a hiring system (the rules
//!   only; the server's outbox and worker deliver them).
//!
//! **Not here:** building profiles (`profile`), matching (`matching`), storage and HTTP. Nothing
//! here reads the network or the clock: the caller passes the generation time.
//!
//! # Design decisions
//! - **No personal data is invented or added.** The exports carry what the credentials show: skills,
//!   achievements, issuers, dates. The person's name and contact details are not copied into
//!   LER-RS `person` or JSON Resume `basics`; the candidate's own system adds them.
//! - **Originals travel unchanged.** LER-RS embeds each credential's JSON as it was received, and
//!   the bundle stores the original bytes, so a receiving system can verify them itself.
//! - **The PDF is written, not printed.** `pdf-writer` writes objects; we lay out lines with the
//!   standard Helvetica font (no font embedding, so the file is a few kilobytes and renders
//!   everywhere). Text outside Windows-1252 is replaced by `?` in the PDF only; the HTML keeps it.
#![forbid(unsafe_code)]

mod bundle;
mod error;
mod html;
mod json_resume;
mod ler_rs;
mod pdf;
pub mod webhook;
mod words;

use credbridge_matching::MatchReport;
use credbridge_profile::SkillsProfile;
use serde_json::Value;

pub use bundle::ats_bundle;
pub use error::ExportError;
pub use html::report_html;
pub use json_resume::{JSON_RESUME_SCHEMA, json_resume};
pub use ler_rs::{LER_RS_TYPE, ler_rs};
pub use pdf::report_pdf;

/// The most skills a report lists (the rest are counted).
pub const MAX_REPORT_SKILLS: usize = 40;

/// Sets `key` on a JSON object (a no-op on anything else: every caller builds an object).
pub(crate) fn set(value: &mut Value, key: &str, field: Value) {
    if let Some(map) = value.as_object_mut() {
        map.insert(key.to_string(), field);
    }
}

/// A credential as it was received (the `profile` crate's, which collects them).
pub use credbridge_profile::Original;

/// Everything an export is built from.
#[derive(Debug, Clone, Copy)]
pub struct Dossier<'a> {
    /// The profile.
    pub profile: &'a SkillsProfile,
    /// The original credentials.
    pub originals: &'a [Original],
    /// A match against a job, shown in the report when given.
    pub match_report: Option<&'a MatchReport>,
    /// The verifier page the report links to (its QR code), e.g. `https://verify.example.org/`.
    pub verifier_url: Option<&'a str>,
    /// When the export was made (RFC 3339), written into the outputs.
    pub generated_at: &'a str,
}

impl Dossier<'_> {
    /// The original of a profile credential (by id, else by item path).
    pub(crate) fn original_of(&self, credential_id: Option<&str>, item: &str) -> Option<&Original> {
        self.originals
            .iter()
            .find(|o| credential_id.is_some() && o.credential_id.as_deref() == credential_id)
            .or_else(|| self.originals.iter().find(|o| o.item == item))
    }

    /// The skills worth exporting: shown by at least one credential that is not rejected, verified
    /// first.
    pub(crate) fn skills(&self) -> impl Iterator<Item = &credbridge_profile::ProfileSkill> {
        let mut skills: Vec<&credbridge_profile::ProfileSkill> =
            self.profile.skills.iter().collect();
        skills.sort_by(|a, b| {
            b.status
                .cmp(&a.status)
                .then(b.verified_sources.cmp(&a.verified_sources))
                .then(a.label.to_lowercase().cmp(&b.label.to_lowercase()))
        });
        skills.into_iter()
    }
}
