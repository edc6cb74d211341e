//! JSON Resume (`skills` and `certificates`).

use serde_json::{Value, json};

use crate::Dossier;
use crate::words;

/// The JSON Resume schema the output follows.
pub const JSON_RESUME_SCHEMA: &str =
    "https://raw.githubusercontent.com/jsonresume/resume-schema/v1.0.0/schema.json";

/// A JSON Resume document with the profile's skills and the credentials as certificates.
pub fn json_resume(d: &Dossier<'_>) -> Value {
    let skills: Vec<Value> = d
        .skills()
        .map(|s| {
            let mut keywords = vec![
                s.framework.clone(),
                words::skill_status(s.status).to_string(),
            ];
            if let Some(group) = &s.group {
                keywords.push(group.clone());
            }
            let mut skill = json!({"name": s.label, "keywords": keywords});
            if let Some(level) = &s.best_level {
                crate::set(&mut skill, "level", json!(level.ordinal.word()));
            }
            skill
        })
        .collect();
    let certificates: Vec<Value> = d
        .profile
        .credentials
        .iter()
        .filter(|c| c.excluded.is_none())
        .map(|c| {
            let r = &c.record;
            let mut cert = json!({
                "name": r.achievement.name.clone().unwrap_or_else(|| "(unnamed achievement)".into()),
                "issuer": r.issuer.name.clone().or_else(|| r.issuer.id.clone()).unwrap_or_default(),
            });
            let date = words::date(r.dates.demonstrated());
            if is_iso8601_date(&date) {
                crate::set(&mut cert, "date", json!(date));
            }
            if let Some(url) = r.source.credential_id.as_deref().filter(|u| u.starts_with("https://") || u.starts_with("http://")) {
                crate::set(&mut cert, "url", json!(url));
            }
            cert
        })
        .collect();
    json!({
        "$schema": JSON_RESUME_SCHEMA,
        "skills": skills,
        "certificates": certificates,
        "meta": {
            "version": "v1.0.0",
            "lastModified": d.generated_at.get(..19).unwrap_or(d.generated_at),
            "credbridge": {
                "person": d.profile.person.id,
                "profile_rules": d.profile.versions.profile_rules,
                "frameworks": d.profile.versions.frameworks,
            }
        }
    })
}

/// `YYYY-MM-DD` (the JSON Resume `iso8601` definition also allows `YYYY-MM` and `YYYY`).
fn is_iso8601_date(s: &str) -> bool {
    let b = s.as_bytes();
    b.len() == 10
        && b.iter().enumerate().all(|(i, c)| {
            if i == 4 || i == 7 {
                *c == b'-'
            } else {
                c.is_ascii_digit()
            }
        })
}
