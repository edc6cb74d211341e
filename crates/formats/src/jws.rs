//! Compact JWS (RFC 7515 §7.1) taken apart, and what its payload carries. No signature check:
//! that belongs to `credbridge-proofs`.

use base64::Engine as _;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use serde_json::Value;

use crate::decode::At;
use crate::error::{Error, JwsPart};
use crate::item::JwsKind;
use crate::json;
use crate::limits::Limits;

/// A compact JWS split and decoded.
#[derive(Debug)]
pub(crate) struct ParsedJws {
    pub compact: String,
    pub header: Value,
    pub claims: Value,
    /// The decoded payload bytes, so inner credentials keep their exact text.
    pub claims_raw: Vec<u8>,
    pub kind: JwsKind,
}

fn is_base64url(b: u8) -> bool {
    b.is_ascii_alphanumeric() || b == b'-' || b == b'_'
}

/// Whether `text` has the shape of a compact JWS (or a JWE, SD-JWT or truncated JWS, which
/// [`parse`] rejects with a precise reason): it starts with `eyJ` (base64url of `{"`) and holds
/// only base64url characters, dots and the `~` of SD-JWT.
pub(crate) fn looks_like_jws(text: &[u8]) -> bool {
    text.starts_with(b"eyJ")
        && text
            .iter()
            .all(|&b| is_base64url(b) || b == b'.' || b == b'~' || b == b'=')
}

fn malformed(at: &At, part: JwsPart, reason: impl Into<String>) -> Error {
    Error::JwsMalformed {
        path: at.path.clone(),
        part,
        reason: reason.into(),
    }
}

fn decode_part(at: &At, part: JwsPart, text: &str) -> Result<Vec<u8>, Error> {
    // Padding is not allowed in JWS (RFC 7515 §2) but some producers emit it; it carries no
    // information, so it is dropped rather than refused.
    let text = text.trim_end_matches('=');
    if let Some(bad) = text.bytes().position(|b| !is_base64url(b)) {
        return Err(malformed(
            at,
            part,
            format!(
                "the character at position {bad} is not base64url (standard base64 '+' or '/' is not allowed)"
            ),
        ));
    }
    URL_SAFE_NO_PAD
        .decode(text)
        .map_err(|e| malformed(at, part, format!("invalid base64url: {e}")))
}

fn decode_json_part(
    at: &At,
    part: JwsPart,
    text: &str,
    limits: &Limits,
) -> Result<(Value, Vec<u8>), Error> {
    let bytes = decode_part(at, part, text)?;
    let value = json::parse_value(&bytes, at, limits).map_err(|e| match e {
        Error::InvalidJson {
            line,
            column,
            message,
            ..
        } => malformed(
            at,
            part,
            format!("not JSON ({message} at line {line} column {column})"),
        ),
        other => other,
    })?;
    if !value.is_object() {
        return Err(malformed(at, part, "not a JSON object"));
    }
    Ok((value, bytes))
}

/// Splits and decodes a compact JWS.
pub(crate) fn parse(text: &str, at: &At, limits: &Limits) -> Result<ParsedJws, Error> {
    let compact = text.trim();
    if compact.contains('~') {
        return Err(malformed(
            at,
            JwsPart::Structure,
            "'~'-separated like an SD-JWT, but not a well-formed one (an issuer-signed JWT, then disclosures)",
        ));
    }
    let parts: Vec<&str> = compact.split('.').collect();
    let [header_b64, payload_b64, signature_b64] = parts.as_slice() else {
        let reason = if parts.len() == 5 {
            "5 dot-separated parts: this is a JWE (encrypted), which cannot be read here".to_owned()
        } else {
            format!(
                "expected 3 dot-separated parts (header.payload.signature), found {}",
                parts.len()
            )
        };
        return Err(malformed(at, JwsPart::Structure, reason));
    };
    let (header, _) = decode_json_part(at, JwsPart::Header, header_b64, limits)?;
    if !header.get("alg").is_some_and(Value::is_string) {
        return Err(malformed(
            at,
            JwsPart::Header,
            "no \"alg\" string (RFC 7515 §4.1.1 requires it)",
        ));
    }
    if header.get("b64") == Some(&Value::Bool(false)) {
        return Err(malformed(
            at,
            JwsPart::Header,
            "unencoded payload (\"b64\": false, RFC 7797) is not supported",
        ));
    }
    if payload_b64.is_empty() {
        return Err(malformed(
            at,
            JwsPart::Payload,
            "empty payload (detached JWS) is not supported",
        ));
    }
    let (claims, claims_raw) = decode_json_part(at, JwsPart::Payload, payload_b64, limits)?;
    decode_part(at, JwsPart::Signature, signature_b64)?;
    let kind = classify(&header, &claims);
    Ok(ParsedJws {
        compact: compact.to_owned(),
        header,
        claims,
        claims_raw,
        kind,
    })
}

/// The `type` values of a JSON object (`type` may be a string or an array of strings).
pub(crate) fn type_names(value: &Value) -> Vec<&str> {
    match value.get("type") {
        Some(Value::String(name)) => vec![name.as_str()],
        Some(Value::Array(names)) => names.iter().filter_map(Value::as_str).collect(),
        _ => Vec::new(),
    }
}

/// Whether `@context` names the Open Badges 2.0 context (alone or in an array).
pub(crate) fn has_ob2_context(value: &Value) -> bool {
    const OB2: [&str; 3] = [
        "https://w3id.org/openbadges/v2",
        "https://openbadgespec.org/v2/context.json",
        "http://openbadgespec.org/v2/context.json",
    ];
    let is_ob2 = |v: &Value| v.as_str().is_some_and(|s| OB2.contains(&s));
    match value.get("@context") {
        Some(Value::Array(items)) => items.iter().any(is_ob2),
        Some(other) => is_ob2(other),
        None => false,
    }
}

/// What a JWS payload carries.
///
/// - a `vc` / `vp` object claim: VC-JWT / VP-JWT of VCDM 1.1 (§6.3.1 of VCDM 1.1);
/// - `typ`/`cty` `vc+jwt`, `vp+jwt` (VC-JOSE-COSE §3.1) or their earlier `+ld+json` spellings,
///   or a payload typed `VerifiableCredential`/`VerifiablePresentation`: VCDM 2.0, payload = the
///   credential (this is also the OB 3.0 VC-JWT for VCDM 2.0);
/// - an OB 2.0 context or `"type": "Assertion"`: an OB 2.0 signed assertion.
pub(crate) fn classify(header: &Value, claims: &Value) -> JwsKind {
    if claims.get("vc").is_some_and(Value::is_object) {
        return JwsKind::VcJwt11;
    }
    if claims.get("vp").is_some_and(Value::is_object) {
        return JwsKind::VpJwt11;
    }
    let media = |name: &str| {
        header
            .get(name)
            .and_then(Value::as_str)
            .map(|t| t.to_ascii_lowercase())
            .map(|t| {
                t.strip_prefix("application/")
                    .map(str::to_owned)
                    .unwrap_or(t)
            })
    };
    let media_types = [media("typ"), media("cty")];
    let declared = |names: &[&str]| {
        media_types
            .iter()
            .flatten()
            .any(|t| names.contains(&t.as_str()))
    };
    let types = type_names(claims);
    if declared(&["vp+jwt", "vp+ld+json+jwt", "vp+ld+json", "vp"])
        || types.contains(&"VerifiablePresentation")
    {
        return JwsKind::VpJose;
    }
    if declared(&["vc+jwt", "vc+ld+json+jwt", "vc+ld+json", "vc"])
        || types.contains(&"VerifiableCredential")
    {
        return JwsKind::VcJose;
    }
    if has_ob2_context(claims) || types.contains(&"Assertion") {
        return JwsKind::Ob2Signed;
    }
    JwsKind::Other
}

/// The credential (or presentation, or assertion) a JWS of `kind` carries.
pub(crate) fn credential_of(kind: JwsKind, claims: &Value) -> Option<Value> {
    match kind {
        JwsKind::VcJwt11 => claims.get("vc").cloned(),
        JwsKind::VpJwt11 => claims.get("vp").cloned(),
        JwsKind::VcJose | JwsKind::VpJose | JwsKind::Ob2Signed => Some(claims.clone()),
        JwsKind::Other => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::item::ItemPath;
    use serde_json::json;

    fn b64(value: &Value) -> String {
        URL_SAFE_NO_PAD.encode(serde_json::to_vec(value).unwrap())
    }

    fn jws(header: &Value, claims: &Value) -> String {
        format!("{}.{}.c2ln", b64(header), b64(claims))
    }

    fn at() -> At {
        At::root(ItemPath::file("t"))
    }

    #[test]
    fn classifies_by_claims_and_header() {
        let h = json!({"alg": "ES256"});
        let cases = [
            (
                json!({"vc": {"type": ["VerifiableCredential"]}}),
                JwsKind::VcJwt11,
            ),
            (
                json!({"vp": {"type": "VerifiablePresentation"}}),
                JwsKind::VpJwt11,
            ),
            (
                json!({"@context": ["https://www.w3.org/ns/credentials/v2"], "type": ["VerifiableCredential"]}),
                JwsKind::VcJose,
            ),
            (json!({"type": ["VerifiablePresentation"]}), JwsKind::VpJose),
            (
                json!({"@context": "https://w3id.org/openbadges/v2", "type": "Assertion"}),
                JwsKind::Ob2Signed,
            ),
            (json!({"sub": "x"}), JwsKind::Other),
        ];
        for (claims, kind) in cases {
            assert_eq!(classify(&h, &claims), kind, "{claims}");
        }
        let typ = json!({"alg": "ES256", "typ": "application/vc+jwt"});
        assert_eq!(classify(&typ, &json!({"iss": "x"})), JwsKind::VcJose);
    }

    #[test]
    fn rejects_each_broken_part_precisely() {
        let limits = Limits::default();
        let good = jws(&json!({"alg": "RS256"}), &json!({"vc": {}}));
        assert_eq!(parse(&good, &at(), &limits).unwrap().kind, JwsKind::VcJwt11);
        let part_of = |text: &str| match parse(text, &at(), &limits) {
            Err(Error::JwsMalformed { part, .. }) => part,
            other => panic!("{other:?}"),
        };
        assert_eq!(part_of("eyJ.a"), JwsPart::Structure);
        assert_eq!(part_of("eyJ.a.b.c.d"), JwsPart::Structure);
        assert_eq!(part_of("eyJhbGc.e30.AA"), JwsPart::Header);
        let no_alg = jws(&json!({"typ": "JWT"}), &json!({}));
        assert_eq!(part_of(&no_alg), JwsPart::Header);
        let bad_payload = format!("{}.e30x.AA", b64(&json!({"alg": "none"})));
        assert_eq!(part_of(&bad_payload), JwsPart::Payload);
        let bad_sig = format!("{}.e30.a+b", b64(&json!({"alg": "none"})));
        assert_eq!(part_of(&bad_sig), JwsPart::Signature);
    }
}
