//! The one-page report as self-contained HTML (inline CSS and an inline SVG QR code; nothing
//! fetched).

use std::fmt::Write as _;

use qrcode::{Color, QrCode};

use crate::words;
use crate::{Dossier, MAX_REPORT_SKILLS};

/// Escapes text for HTML element content and attribute values.
pub(crate) fn escape(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            // Bidirectional overrides and other controls could reorder or hide what a reader sees.
            c if c.is_control()
                || ('\u{202a}'..='\u{202e}').contains(&c)
                || ('\u{2066}'..='\u{2069}').contains(&c) =>
            {
                let _ = write!(out, "&#x{:x};", c as u32);
            }
            c => out.push(c),
        }
    }
    out
}

/// The QR code of `url` as an inline SVG (dark modules as one path), or nothing if the URL is too
/// long for a QR code.
pub(crate) fn qr_svg(url: &str) -> String {
    let Ok(code) = QrCode::new(url.as_bytes()) else {
        return String::new();
    };
    let width = code.width();
    let colors = code.to_colors();
    let mut path = String::new();
    for (i, color) in colors.iter().enumerate() {
        if *color == Color::Dark {
            let (x, y) = (i % width + 4, i / width + 4);
            let _ = write!(path, "M{x} {y}h1v1h-1z");
        }
    }
    let size = width + 8;
    format!(
        "<svg class=\"qr\" role=\"img\" aria-label=\"QR code linking to the verifier page\" viewBox=\"0 0 {size} {size}\" width=\"120\" height=\"120\" xmlns=\"http://www.w3.org/2000/svg\"><rect width=\"{size}\" height=\"{size}\" fill=\"#fff\"/><path d=\"{path}\" fill=\"#000\"/></svg>"
    )
}

const STYLE: &str = "body{font:15px/1.45 system-ui,-apple-system,'Segoe UI',Roboto,Arial,sans-serif;color:#1a1a1a;margin:2rem auto;max-width:52rem;padding:0 1rem}\
h1{font-size:1.5rem;margin:0 0 .25rem}h2{font-size:1.1rem;margin:1.5rem 0 .5rem}\
.meta{color:#444}table{border-collapse:collapse;width:100%}th,td{text-align:left;vertical-align:top;padding:.4rem .5rem;border-bottom:1px solid #ccc}\
th{background:#f2f2f2}.verified{color:#0a5c2a;font-weight:600}.stated{color:#6b4a00}.inferred{color:#555}\
.ev{margin:.1rem 0;color:#333;font-size:.9rem}.top{display:flex;justify-content:space-between;gap:1rem;align-items:flex-start}\
.note{font-size:.85rem;color:#444}a{color:#0645ad}@media print{body{margin:0}}";

/// The one-page report as HTML.
pub fn report_html(d: &Dossier<'_>) -> String {
    let p = d.profile;
    let mut h = String::new();
    let _ = write!(
        h,
        "<!doctype html><html lang=\"en\"><head><meta charset=\"utf-8\"><meta name=\"viewport\" content=\"width=device-width, initial-scale=1\"><title>Skills report {}</title><style>{STYLE}</style></head><body><main>",
        escape(&p.person.id)
    );
    let verified = p
        .skills
        .iter()
        .filter(|s| s.status == credbridge_profile::SkillStatus::Verified)
        .count();
    let _ = write!(
        h,
        "<div class=\"top\"><div><h1>Skills shown by credentials</h1><p class=\"meta\">Candidate {} &middot; {} credential(s) &middot; {} skill(s), {verified} verified &middot; generated {}</p>",
        escape(&p.person.id),
        p.credentials.len(),
        p.skills.len(),
        escape(&words::date(Some(d.generated_at)))
    );
    if let Some(url) = d.verifier_url {
        let _ = write!(
            h,
            "<p class=\"note\">Check any credential yourself at <a href=\"{0}\">{0}</a>.</p>",
            escape(url)
        );
    }
    h.push_str("</div>");
    if let Some(url) = d.verifier_url {
        h.push_str(&qr_svg(url));
    }
    h.push_str("</div>");
    if let Some(m) = d.match_report {
        let _ = write!(
            h,
            "<h2>Against job {}</h2><p>Required requirements covered: <strong>{:.0}%</strong>; preferred: {:.0}%; met by verified credentials: {}. &ldquo;Not shown&rdquo; means these credentials do not show it, not that the person lacks it.</p><table><thead><tr><th scope=\"col\">Requirement</th><th scope=\"col\">Importance</th><th scope=\"col\">Status</th></tr></thead><tbody>",
            escape(&m.job),
            m.coverage.required * 100.0,
            m.coverage.preferred * 100.0,
            m.coverage.met_verified
        );
        for line in &m.requirements {
            let importance = match line.importance {
                credbridge_matching::Importance::Required => "required",
                credbridge_matching::Importance::Preferred => "preferred",
            };
            let _ = write!(
                h,
                "<tr><td>{}</td><td>{importance}</td><td>{}</td></tr>",
                escape(&line.label),
                escape(line.words)
            );
        }
        h.push_str("</tbody></table>");
    }
    h.push_str("<h2>Skills</h2><table><thead><tr><th scope=\"col\">Skill</th><th scope=\"col\">Status</th><th scope=\"col\">Level</th><th scope=\"col\">Evidence</th></tr></thead><tbody>");
    let mut shown = 0;
    for s in d.skills().take(MAX_REPORT_SKILLS) {
        shown += 1;
        let class = match s.status {
            credbridge_profile::SkillStatus::Verified => "verified",
            credbridge_profile::SkillStatus::Unverified => "stated",
            credbridge_profile::SkillStatus::Inferred => "inferred",
        };
        let _ = write!(
            h,
            "<tr><td>{}<br><span class=\"note\">{}</span></td><td class=\"{class}\">{}</td><td>{}</td><td>",
            escape(&s.label),
            escape(&s.framework),
            words::skill_status(s.status),
            escape(&words::level(s).unwrap_or_else(|| "not stated".into()))
        );
        for e in &s.evidence {
            let _ = write!(
                h,
                "<p class=\"ev\">{}</p>",
                escape(&words::evidence_line(e))
            );
        }
        h.push_str("</td></tr>");
    }
    h.push_str("</tbody></table>");
    if p.skills.len() > shown {
        let _ = write!(
            h,
            "<p class=\"note\">{} more skill(s) in the full profile.</p>",
            p.skills.len() - shown
        );
    }
    let excluded: Vec<_> = p
        .credentials
        .iter()
        .filter(|c| c.excluded.is_some())
        .collect();
    if !excluded.is_empty() {
        h.push_str("<h2>Credentials that show nothing</h2><ul>");
        for c in excluded {
            let _ = write!(
                h,
                "<li>{}: {}</li>",
                escape(
                    c.record
                        .achievement
                        .name
                        .as_deref()
                        .unwrap_or("(unnamed achievement)")
                ),
                escape(c.excluded.as_deref().unwrap_or_default())
            );
        }
        h.push_str("</ul>");
    }
    let _ = write!(
        h,
        "<p class=\"note\">Skills are mapped to {}. Verified means an issuer declared the skill on a credential whose signature, issuer binding, dates and status were checked. Issuer names are as the issuers state them unless the verification report confirms them.</p><p class=\"note\">This service uses the ESCO classification of the European Commission. It includes information from the O*NET 29.2 Database by the U.S. Department of Labor, Employment and Training Administration (USDOL/ETA), used under the CC BY 4.0 license; credbridge has modified all or some of this information; USDOL/ETA has not approved, endorsed, or tested these modifications.</p></main></body></html>",
        escape(
            &p.versions
                .frameworks
                .iter()
                .map(|(f, v)| format!("{f} {v}"))
                .collect::<Vec<_>>()
                .join(", ")
        )
    );
    h
}
