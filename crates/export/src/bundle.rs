//! The ATS bundle: one zip a hiring system can take as it is.

use std::io::Write;

use serde_json::json;
use zip::write::SimpleFileOptions;

use crate::{Dossier, ExportError};

/// How many skills become tags.
pub const BUNDLE_TAGS: usize = 10;

/// A zip with `report.pdf`, `report.html`, `ler-rs.json`, `resume.json`, `credentials/…` (the
/// original bytes), and `manifest.json` (files with their SHA-free sizes, the top skills as
/// tags, the versions).
pub fn ats_bundle(d: &Dossier<'_>) -> Result<Vec<u8>, ExportError> {
    let mut zip = zip::ZipWriter::new(std::io::Cursor::new(Vec::new()));
    let options = SimpleFileOptions::default().compression_method(zip::CompressionMethod::Deflated);
    let put = |zip: &mut zip::ZipWriter<std::io::Cursor<Vec<u8>>>,
               name: &str,
               bytes: &[u8]|
     -> Result<(), ExportError> {
        zip.start_file(name, options)
            .map_err(|source| ExportError::Zip {
                entry: name.to_string(),
                source,
            })?;
        zip.write_all(bytes).map_err(|source| ExportError::Io {
            entry: name.to_string(),
            source,
        })
    };
    let json_bytes = |what: &'static str, v: &serde_json::Value| {
        serde_json::to_vec_pretty(v).map_err(|source| ExportError::Json { what, source })
    };
    put(&mut zip, "report.pdf", &crate::report_pdf(d))?;
    put(&mut zip, "report.html", crate::report_html(d).as_bytes())?;
    put(
        &mut zip,
        "ler-rs.json",
        &json_bytes("LER-RS", &crate::ler_rs(d))?,
    )?;
    put(
        &mut zip,
        "resume.json",
        &json_bytes("JSON Resume", &crate::json_resume(d))?,
    )?;
    let mut files = Vec::new();
    for (i, original) in d.originals.iter().enumerate() {
        // Distinct names even when two files had the same name in different folders.
        let safe: String = original
            .file_name
            .chars()
            .map(|c| {
                if c.is_ascii_alphanumeric() || matches!(c, '.' | '-' | '_') {
                    c
                } else {
                    '_'
                }
            })
            .collect();
        let name = format!("credentials/{:03}-{safe}", i + 1);
        put(&mut zip, &name, &original.bytes)?;
        files.push(json!({"file": name, "credential_id": original.credential_id, "bytes": original.bytes.len()}));
    }
    let tags: Vec<&str> = d
        .skills()
        .take(BUNDLE_TAGS)
        .map(|s| s.label.as_str())
        .collect();
    let manifest = json!({
        "generated_at": d.generated_at,
        "candidate": d.profile.person.id,
        "tags": tags,
        "credentials": files,
        "match": d.match_report.map(|m| json!({"job": m.job, "coverage": m.coverage})),
        "versions": d.profile.versions,
    });
    put(
        &mut zip,
        "manifest.json",
        &json_bytes("manifest", &manifest)?,
    )?;
    let cursor = zip.finish().map_err(|source| ExportError::Zip {
        entry: "(central directory)".into(),
        source,
    })?;
    Ok(cursor.into_inner())
}
