//! HR Open LER-RS 4.4.

use serde_json::{Value, json};

use crate::Dossier;
use crate::words;

/// The LER-RS `type` value (the schema's only allowed value).
pub const LER_RS_TYPE: &str =
    "http://schema.hropenstandards.org/4.4/recruiting/json/ler-rs/LER-RSType.json";

/// An LER-RS resume: `skills` (each with its framework reference, its evidence in `comments`, and
/// the original credentials in `verifications`), and `certifications` (each credential as a
/// verifiable certification whose verification is the original credential, as
/// `otherW3CVerifiableCredential`).
pub fn ler_rs(d: &Dossier<'_>) -> Value {
    let skills: Vec<Value> = d
        .skills()
        .map(|s| {
            let mut verifications: Vec<Value> = Vec::new();
            let mut comments = vec![format!(
                "{} ({} verified credential(s))",
                words::skill_status(s.status),
                s.verified_sources
            )];
            if let Some(level) = words::level(s) {
                comments.push(format!("level: {level}"));
            }
            for e in &s.evidence {
                comments.push(words::evidence_line(e));
                let record = d.profile.credentials.get(e.record).map(|c| &c.record);
                let original = record
                    .and_then(|r| d.original_of(r.source.credential_id.as_deref(), &r.source.item));
                if let Some(vc) = original.and_then(|o| o.json.clone())
                    && !verifications.iter().any(|v| {
                        v.pointer("/Verification/otherW3CVerifiableCredential") == Some(&vc)
                    })
                {
                    verifications
                        .push(json!({"Verification": {"otherW3CVerifiableCredential": vc}}));
                }
            }
            let mut skill = json!({
                "name": s.label,
                "description": format!("{} {} skill", s.framework, words::skill_status(s.status)),
                "comments": comments,
            });
            if s.concept.starts_with("http://") || s.concept.starts_with("https://") {
                crate::set(
                    &mut skill,
                    "definitionReference",
                    json!({"reference": s.concept}),
                );
            }
            if !verifications.is_empty() {
                crate::set(&mut skill, "verifications", json!(verifications));
            }
            skill
        })
        .collect();
    let certifications: Vec<Value> = d
        .profile
        .credentials
        .iter()
        .filter(|c| c.excluded.is_none())
        .filter_map(|c| {
            let r = &c.record;
            let vc = d
                .original_of(r.source.credential_id.as_deref(), &r.source.item)?
                .json
                .clone()?;
            // LER-RS 4.4's `1edtob3` is 1EdTech's draft-04 copy of the *candidate* OB 3.0 schema (VCDM
            // 1.1: `issuanceDate`, a required `name`), which a VCDM 2.0 credential does not satisfy;
            // `otherW3CVerifiableCredential` carries any VC unchanged.
            Some(json!({"verifications": [{"otherW3CVerifiableCredential": vc}]}))
        })
        .collect();
    let mut out = json!({"type": LER_RS_TYPE});
    if !skills.is_empty() {
        crate::set(&mut out, "skills", json!(skills));
    }
    if !certifications.is_empty() {
        crate::set(&mut out, "certifications", json!(certifications));
    }
    out
}
