//! From a parsed JSON value or a compact JWS to items: JWT wrappers, enveloped credentials,
//! and the documents that carry other credentials (presentations, CLR 2.0, OB 3.0
//! `endorsementJwt`), each inner credential becoming an item of its own.

use std::sync::Arc;

use base64::Engine as _;
use serde_json::value::RawValue;
use serde_json::{Map, Value};

use crate::decode::{At, Cx, decode_text_value};
use crate::error::Error;
use crate::item::{ContainerKind, PathSegment, Payload};
use crate::json::{Step, pointer_token, raw_at};
use crate::jws::{self, type_names};

/// Keys whose presence makes a JSON object credential-shaped: `@context` or `type` (VCDM,
/// OB 2.0/3.0, CLR), or the OB 0.5/1.0 assertion members, which had neither.
const CREDENTIAL_MARKERS: [&str; 5] = ["@context", "type", "recipient", "badge", "verify"];

/// Decodes a parsed JSON value whose exact text is `raw`.
pub(crate) fn decode_value(raw: &[u8], value: Value, at: &At, cx: &mut Cx<'_>, standalone: bool) {
    match value {
        Value::Object(map) => decode_object(raw, map, at, cx, standalone),
        Value::String(text) => decode_jws_str(&text, at, cx),
        other => cx.fail(at.not_a_container(format!("a JSON {}", json_type(&other)))),
    }
}

fn json_type(value: &Value) -> &'static str {
    match value {
        Value::Null => "null",
        Value::Bool(_) => "boolean",
        Value::Number(_) => "number",
        Value::String(_) => "string",
        Value::Array(_) => "array",
        Value::Object(_) => "object",
    }
}

fn decode_object(raw: &[u8], map: Map<String, Value>, at: &At, cx: &mut Cx<'_>, standalone: bool) {
    // {"jwt": "ey…"}, {"credential": "ey…"}: a transport wrapper around one compact JWS.
    if map.len() == 1
        && let Some((_, Value::String(text))) = map.iter().next()
        && jws::looks_like_jws(text.trim().as_bytes())
    {
        return match at.nest(ContainerKind::JwtInJsonObject, cx.limits) {
            Ok(at_inner) => decode_jws_str(text, &at_inner, cx),
            Err(e) => cx.fail(e),
        };
    }
    let value = Value::Object(map);
    let types = type_names(&value);
    // VCDM 2.0 §4.13: an enveloped credential/presentation is only a `data:` URL around the
    // real one; the envelope adds nothing, so the enveloped document is the item.
    if types.iter().any(|t| {
        matches!(
            *t,
            "EnvelopedVerifiableCredential" | "EnvelopedVerifiablePresentation"
        )
    }) {
        let id = value.get("id").and_then(Value::as_str).unwrap_or_default();
        return decode_data_url(id, at, cx);
    }
    let Some(object) = value.as_object() else {
        return;
    };
    if !CREDENTIAL_MARKERS
        .iter()
        .any(|key| object.contains_key(*key))
    {
        let api = Expansions::of_api_response(&value);
        if api.slots.is_empty() {
            return cx.fail(at.not_a_container(
                "JSON object without @context or type (nor the recipient/badge/verify of an OB 1.x assertion)",
            ));
        }
        return api.run(raw, at, "", cx);
    }
    let at_doc = if standalone {
        at.with(ContainerKind::Json)
    } else {
        at.clone()
    };
    let expansions = Expansions::of(&value);
    cx.emit(
        &at_doc,
        Payload::Json {
            value,
            raw: Arc::from(raw),
        },
    );
    expansions.run(raw, &at_doc, "", cx);
}

/// The credentials a document carries, found before the document is moved into its item.
struct Expansions {
    /// (JSON pointer steps, value, container kind) of each carried credential.
    slots: Vec<(Vec<OwnedStep>, Value, ContainerKind)>,
    /// (JSON pointer steps, compact JWS) of each `endorsementJwt` entry.
    endorsements: Vec<(Vec<OwnedStep>, Value)>,
}

#[derive(Debug, Clone)]
enum OwnedStep {
    Key(String),
    Index(usize),
}

fn pointer(prefix: &str, steps: &[OwnedStep]) -> String {
    let mut out = prefix.to_owned();
    for step in steps {
        out.push('/');
        match step {
            OwnedStep::Key(key) => out.push_str(&pointer_token(key)),
            OwnedStep::Index(index) => out.push_str(&index.to_string()),
        }
    }
    out
}

fn borrowed(steps: &[OwnedStep]) -> Vec<Step<'_>> {
    steps
        .iter()
        .map(|s| match s {
            OwnedStep::Key(key) => Step::Key(key),
            OwnedStep::Index(index) => Step::Index(*index),
        })
        .collect()
}

impl Expansions {
    fn of(document: &Value) -> Expansions {
        let mut found = Expansions {
            slots: Vec::new(),
            endorsements: Vec::new(),
        };
        let types = type_names(document);
        // VCDM 1.1 §4.10 / 2.0 §4.12: a presentation's `verifiableCredential` (one or many).
        if types.contains(&"VerifiablePresentation") {
            found.add_slots(
                document.get("verifiableCredential"),
                vec![OwnedStep::Key("verifiableCredential".to_owned())],
                &ContainerKind::PresentationInner,
            );
        }
        // CLR 2.0 ClrSubject.verifiableCredential: each entry is a credential of its own.
        if types.contains(&"ClrCredential") {
            let subject_key = || OwnedStep::Key("credentialSubject".to_owned());
            let vc_key = || OwnedStep::Key("verifiableCredential".to_owned());
            match document.get("credentialSubject") {
                Some(Value::Array(subjects)) => {
                    for (index, subject) in subjects.iter().enumerate() {
                        found.add_slots(
                            subject.get("verifiableCredential"),
                            vec![subject_key(), OwnedStep::Index(index), vc_key()],
                            &ContainerKind::ClrInner,
                        );
                    }
                }
                Some(subject) => found.add_slots(
                    subject.get("verifiableCredential"),
                    vec![subject_key(), vc_key()],
                    &ContainerKind::ClrInner,
                ),
                None => {}
            }
        }
        found.find_endorsement_jwts(document, &mut Vec::new());
        found
    }

    /// API responses that carry credentials without being one: OB 3.0 / CLR 2.0
    /// `GetOpenBadgeCredentialsResponse` / `GetClrCredentialsResponse` (`credential[]`,
    /// `compactJwsString[]`) and VC-API bodies (`verifiableCredential`, `verifiablePresentation`).
    fn of_api_response(document: &Value) -> Expansions {
        let mut found = Expansions {
            slots: Vec::new(),
            endorsements: Vec::new(),
        };
        for key in [
            "credential",
            "compactJwsString",
            "verifiableCredential",
            "verifiablePresentation",
        ] {
            found.add_slots(
                document.get(key),
                vec![OwnedStep::Key(key.to_owned())],
                &ContainerKind::ApiResponse,
            );
        }
        found
    }

    fn add_slots(&mut self, value: Option<&Value>, steps: Vec<OwnedStep>, kind: &ContainerKind) {
        match value {
            Some(Value::Array(entries)) => {
                for (index, entry) in entries.iter().enumerate() {
                    let mut entry_steps = steps.clone();
                    entry_steps.push(OwnedStep::Index(index));
                    self.slots.push((entry_steps, entry.clone(), kind.clone()));
                }
            }
            Some(entry) => self.slots.push((steps, entry.clone(), kind.clone())),
            None => {}
        }
    }

    /// OB 3.0 `endorsementJwt` sits on AchievementCredential, Achievement and Profile (and CLR
    /// 2.0 ClrCredential); rather than list every place, the document is searched. Carried
    /// credentials (`verifiableCredential`) are skipped: they become items and are searched then.
    fn find_endorsement_jwts(&mut self, value: &Value, steps: &mut Vec<OwnedStep>) {
        match value {
            Value::Object(map) => {
                for (key, member) in map {
                    if key == "verifiableCredential" {
                        continue;
                    }
                    steps.push(OwnedStep::Key(key.clone()));
                    if key == "endorsementJwt" {
                        match member {
                            Value::Array(entries) => {
                                for (index, entry) in entries.iter().enumerate() {
                                    let mut entry_steps = steps.clone();
                                    entry_steps.push(OwnedStep::Index(index));
                                    self.endorsements.push((entry_steps, entry.clone()));
                                }
                            }
                            single => self.endorsements.push((steps.clone(), single.clone())),
                        }
                    } else {
                        self.find_endorsement_jwts(member, steps);
                    }
                    steps.pop();
                }
            }
            Value::Array(entries) => {
                for (index, entry) in entries.iter().enumerate() {
                    steps.push(OwnedStep::Index(index));
                    self.find_endorsement_jwts(entry, steps);
                    steps.pop();
                }
            }
            _ => {}
        }
    }

    /// Decodes every carried credential. `raw` is the exact text of the document the steps are
    /// relative to; `prefix` is the pointer of that document inside the item (`/vc` for the
    /// `vc` claim of a JWT).
    fn run(self, raw: &[u8], at: &At, prefix: &str, cx: &mut Cx<'_>) {
        let mut arrays = ArrayCache::default();
        for (steps, value, kind) in self.slots {
            if cx.is_full() {
                return;
            }
            let at_slot = match at
                .at(PathSegment::Pointer(pointer(prefix, &steps)))
                .nest(kind, cx.limits)
            {
                Ok(at_slot) => at_slot,
                Err(e) => {
                    cx.fail(e);
                    continue;
                }
            };
            match value {
                Value::Object(map) => {
                    let exact = arrays.raw_member(raw, &steps).map(<[u8]>::to_vec);
                    // `raw` is the text `value` was parsed from, so the member is found;
                    // re-serializing is only a fallback, and it still keeps every field.
                    let bytes = exact.unwrap_or_else(|| {
                        serde_json::to_vec(&Value::Object(map.clone())).unwrap_or_default()
                    });
                    decode_object(&bytes, map, &at_slot, cx, false);
                }
                Value::String(text) => decode_jws_str(&text, &at_slot, cx),
                other => cx.fail(at_slot.not_a_container(format!(
                    "a JSON {} where a credential (object or compact JWS) was expected",
                    json_type(&other)
                ))),
            }
        }
        for (steps, value) in self.endorsements {
            if cx.is_full() {
                return;
            }
            let at_endorsement = match at
                .at(PathSegment::Pointer(pointer(prefix, &steps)))
                .nest(ContainerKind::EndorsementJwt, cx.limits)
            {
                Ok(at_endorsement) => at_endorsement,
                Err(e) => {
                    cx.fail(e);
                    continue;
                }
            };
            match value {
                Value::String(text) => decode_jws_str(&text, &at_endorsement, cx),
                other => cx.fail(at_endorsement.not_a_container(format!(
                    "a JSON {} in endorsementJwt, where a compact JWS was expected",
                    json_type(&other)
                ))),
            }
        }
    }
}

/// The exact bytes of carried credentials. Entries of one array are found with a single parse
/// of that array, so a CLR with many inner credentials costs linear, not quadratic, time.
#[derive(Default)]
struct ArrayCache<'a> {
    /// (pointer steps of an array, the raw bytes of its elements)
    arrays: Vec<(Vec<String>, Vec<&'a [u8]>)>,
}

impl<'a> ArrayCache<'a> {
    fn raw_member(&mut self, raw: &'a [u8], steps: &[OwnedStep]) -> Option<&'a [u8]> {
        let Some((OwnedStep::Index(index), parent)) = steps.split_last() else {
            return raw_at(raw, &borrowed(steps));
        };
        let key: Vec<String> = parent
            .iter()
            .map(|s| match s {
                OwnedStep::Key(key) => format!("k{key}"),
                OwnedStep::Index(index) => format!("i{index}"),
            })
            .collect();
        if !self.arrays.iter().any(|(k, _)| *k == key) {
            let elements: Vec<&'a [u8]> = raw_at(raw, &borrowed(parent))
                .and_then(|array| serde_json::from_slice::<Vec<&RawValue>>(array).ok())
                .unwrap_or_default()
                .into_iter()
                .map(|element| element.get().as_bytes())
                .collect();
            self.arrays.push((key.clone(), elements));
        }
        self.arrays
            .iter()
            .find(|(k, _)| *k == key)
            .and_then(|(_, elements)| elements.get(*index).copied())
    }
}

/// Decodes a compact JWS held in a JSON string.
fn decode_jws_str(text: &str, at: &At, cx: &mut Cx<'_>) {
    let at_jwt = at.with(ContainerKind::Jwt);
    if text.contains('~')
        && let Some(detail) = crate::unsupported::sd_jwt(text)
    {
        let format = crate::UnsupportedFormat::SdJwt;
        return cx.emit(&at_jwt, Payload::Unsupported { format, detail });
    }
    let parsed = match jws::parse(text, &at_jwt, cx.limits) {
        Ok(parsed) => parsed,
        Err(e) => return cx.fail(e),
    };
    let credential = jws::credential_of(parsed.kind, &parsed.claims);
    let (expansions, prefix, steps): (Option<Expansions>, &str, Vec<Step<'_>>) = match parsed.kind {
        crate::item::JwsKind::VcJwt11 => (
            credential.as_ref().map(Expansions::of),
            "/vc",
            vec![Step::Key("vc")],
        ),
        crate::item::JwsKind::VpJwt11 => (
            credential.as_ref().map(Expansions::of),
            "/vp",
            vec![Step::Key("vp")],
        ),
        _ => (Some(Expansions::of(&parsed.claims)), "", Vec::new()),
    };
    let claims_raw = parsed.claims_raw;
    cx.emit(
        &at_jwt,
        Payload::Jws {
            compact: parsed.compact,
            header: parsed.header,
            claims: parsed.claims,
            kind: parsed.kind,
            credential,
        },
    );
    if let (Some(expansions), Some(document_raw)) = (expansions, raw_at(&claims_raw, &steps)) {
        expansions.run(document_raw, &at_jwt, prefix, cx);
    }
}

/// Decodes a compact JWS given as text (a file, a baked value).
pub(crate) fn decode_jws_text(text: &[u8], at: &At, cx: &mut Cx<'_>) {
    match std::str::from_utf8(text) {
        Ok(text) => decode_jws_str(text, at, cx),
        Err(_) => cx.fail(at.not_a_container("text that is not UTF-8")),
    }
}

/// Decodes the `data:` URL (RFC 2397) of an enveloped credential or presentation: its body is
/// a compact JWS (`application/vc+jwt`, `vp+jwt` …) or JSON (`application/vc+ld+json`, `vc` …),
/// percent-encoded or base64.
fn decode_data_url(url: &str, at: &At, cx: &mut Cx<'_>) {
    let fail = |reason: String| Error::DataUrlMalformed {
        path: at.path.clone(),
        reason,
    };
    let Some(rest) = url
        .get(..5)
        .filter(|scheme| scheme.eq_ignore_ascii_case("data:"))
        .and_then(|_| url.get(5..))
    else {
        return cx.fail(fail(
            "the id of an enveloped credential must be a data: URL, found another value".to_owned(),
        ));
    };
    let Some((meta, data)) = rest.split_once(',') else {
        return cx.fail(fail("no ',' between media type and data".to_owned()));
    };
    let mut params = meta.split(';');
    let media_type = params
        .next()
        .unwrap_or_default()
        .trim()
        .to_ascii_lowercase();
    let is_base64 = params.any(|p| p.trim().eq_ignore_ascii_case("base64"));
    let bytes = if is_base64 {
        let cleaned: String = data.chars().filter(|c| !c.is_ascii_whitespace()).collect();
        let decoded = base64::engine::general_purpose::STANDARD
            .decode(&cleaned)
            .or_else(|_| base64::engine::general_purpose::STANDARD_NO_PAD.decode(&cleaned))
            .or_else(|_| {
                base64::engine::general_purpose::URL_SAFE_NO_PAD
                    .decode(cleaned.trim_end_matches('='))
            });
        match decoded {
            Ok(bytes) => bytes,
            Err(e) => return cx.fail(fail(format!("invalid base64 data: {e}"))),
        }
    } else {
        match percent_decode(data) {
            Ok(bytes) => bytes,
            Err(reason) => return cx.fail(fail(reason)),
        }
    };
    match at.nest(ContainerKind::EnvelopedDataUrl { media_type }, cx.limits) {
        Ok(at_inner) => decode_text_value(&bytes, &at_inner, cx, false),
        Err(e) => cx.fail(e),
    }
}

fn percent_decode(text: &str) -> Result<Vec<u8>, String> {
    let bytes = text.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut rest = bytes;
    while let Some((&b, tail)) = rest.split_first() {
        if b == b'%' {
            let hex = tail
                .get(..2)
                .and_then(|h| std::str::from_utf8(h).ok())
                .and_then(|h| u8::from_str_radix(h, 16).ok())
                .ok_or_else(|| "a '%' not followed by two hex digits".to_owned())?;
            out.push(hex);
            rest = tail.get(2..).unwrap_or_default();
        } else {
            out.push(b);
            rest = tail;
        }
    }
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn percent_decoding() {
        assert_eq!(percent_decode("%7B%22a%22:1%7d").unwrap(), br#"{"a":1}"#);
        assert!(percent_decode("%7").is_err());
        assert!(percent_decode("%zz").is_err());
    }

    #[test]
    fn pointers_escape_keys() {
        let steps = [OwnedStep::Key("a/b".to_owned()), OwnedStep::Index(2)];
        assert_eq!(pointer("/vc", &steps), "/vc/a~1b/2");
    }
}
