//! Reading the example files: plain JSON, and the JSON inside JWTs, baked PNGs and baked SVGs,
//! decoded here with tiny helpers so these tests do not depend on the `formats` crate.

use std::path::{Path, PathBuf};

use base64::Engine;
use serde_json::Value;

use credbridge_model::{Document, ModelError};

/// `testdata/examples`.
pub fn examples_dir() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../../testdata/examples")
}

/// The JSON of `testdata/examples/expectations.json`.
pub fn expectations() -> Value {
    let text = std::fs::read_to_string(examples_dir().join("expectations.json")).unwrap();
    serde_json::from_str(&text).unwrap()
}

/// What a file carries.
#[derive(Debug, Clone)]
pub enum Extracted {
    /// A JSON document.
    Json(Value),
    /// A JWT: the credential JSON (`vc` claim or whole payload) and the claims.
    Jwt { credential: Value, claims: Value },
}

impl Extracted {
    /// Runs [`credbridge_model::parse`] or [`credbridge_model::parse_jwt`].
    pub fn parse(&self) -> Result<Document, ModelError> {
        match self {
            Extracted::Json(value) => credbridge_model::parse(value),
            Extracted::Jwt { credential, claims } => {
                credbridge_model::parse_jwt(credential, claims)
            }
        }
    }
}

/// Every file under `testdata/examples`, as paths relative to it, sorted.
pub fn all_example_files() -> Vec<String> {
    fn walk(dir: &Path, base: &Path, out: &mut Vec<String>) {
        for entry in std::fs::read_dir(dir).unwrap() {
            let path = entry.unwrap().path();
            if path.is_dir() {
                walk(&path, base, out);
            } else {
                let relative = path.strip_prefix(base).unwrap();
                out.push(relative.to_string_lossy().replace('\\', "/"));
            }
        }
    }
    let base = examples_dir();
    let mut out = Vec::new();
    walk(&base, &base, &mut out);
    out.sort();
    out
}

/// Extracts the credential JSON of an example file, or `None` if it carries none we can read.
pub fn extract(relative: &str) -> Option<Extracted> {
    let path = examples_dir().join(relative);
    let bytes = std::fs::read(&path).unwrap();
    let extension = path.extension().and_then(|e| e.to_str()).unwrap_or("");
    match extension {
        "jwt" => jwt(std::str::from_utf8(&bytes).ok()?),
        "png" => text_or_jwt(&png_itxt(&bytes)?),
        "svg" => svg(std::str::from_utf8(&bytes).ok()?),
        "txt" | "md" | "html" => None,
        _ => serde_json::from_slice(&bytes).ok().map(Extracted::Json),
    }
}

fn text_or_jwt(text: &str) -> Option<Extracted> {
    let text = text.trim();
    if text.starts_with('{') {
        serde_json::from_str(text).ok().map(Extracted::Json)
    } else {
        jwt(text)
    }
}

/// The payload of a compact JWS; the credential is the `vc` claim (VC-JWT of VCDM 1.1) or the
/// whole payload.
pub fn jwt(text: &str) -> Option<Extracted> {
    let payload = text.trim().split('.').nth(1)?;
    let bytes = base64::engine::general_purpose::URL_SAFE_NO_PAD
        .decode(payload.trim_end_matches('='))
        .ok()?;
    let claims: Value = serde_json::from_slice(&bytes).ok()?;
    let credential = match claims.get("vc").or_else(|| claims.get("vp")) {
        Some(inner @ Value::Object(_)) => inner.clone(),
        _ => claims.clone(),
    };
    Some(Extracted::Jwt { credential, claims })
}

/// The text of the first uncompressed `iTXt` chunk with a badge keyword.
fn png_itxt(bytes: &[u8]) -> Option<String> {
    let mut pos = 8;
    while pos + 8 <= bytes.len() {
        let length = u32::from_be_bytes(bytes[pos..pos + 4].try_into().unwrap()) as usize;
        let kind = &bytes[pos + 4..pos + 8];
        let data = bytes.get(pos + 8..pos + 8 + length)?;
        if kind == b"iTXt" {
            let mut parts = data.splitn(2, |b| *b == 0);
            let keyword = parts.next()?;
            let rest = parts.next()?;
            let compressed = rest.first() == Some(&1);
            let keywords: [&[u8]; 3] = [b"openbadgecredential", b"openbadges", b"clrcredential"];
            if keywords.contains(&keyword) && !compressed {
                // compression flag, method, language\0, translated keyword\0, text
                let after_flags = rest.get(2..)?;
                let mut fields = after_flags.splitn(3, |b| *b == 0);
                let _language = fields.next()?;
                let _translated = fields.next()?;
                return String::from_utf8(fields.next()?.to_vec()).ok();
            }
        }
        pos += 12 + length;
    }
    None
}

/// The CDATA JSON of an `openbadges:credential`/`openbadges:assertion` element, else a JWT in
/// its `verify` attribute.
fn svg(text: &str) -> Option<Extracted> {
    let start = text
        .find("<openbadges:credential")
        .or_else(|| text.find("<openbadges:assertion"))?;
    let element = &text[start..];
    if let Some(cdata) = element.find("<![CDATA[") {
        let body = &element[cdata + 9..];
        let end = body.find("]]>")?;
        let json = body[..end].trim();
        if !json.is_empty() {
            return serde_json::from_str(json).ok().map(Extracted::Json);
        }
    }
    let verify = element.find("verify=\"")?;
    let value = &element[verify + 8..];
    let value = &value[..value.find('"')?];
    if value.starts_with("ey") && value.matches('.').count() == 2 {
        jwt(value)
    } else {
        None
    }
}
