//! Credential formats that are recognised but not read: SD-JWT and COSE.
//!
//! A credential in one of these forms is a credential, not junk: it is reported as
//! [`crate::Payload::Unsupported`] (so a verifier can say "an SD-JWT credential; not supported
//! yet") instead of as an unreadable file. Recognition follows the specifications' shapes:
//!
//! - **SD-JWT** (RFC 9901 / draft-ietf-oauth-selective-disclosure-jwt §4, SD-JWT VC): the compact
//!   form `<issuer-signed JWT>~<disclosure>~…~[<key-binding JWT>]`. The first part must be a
//!   compact JWS whose header decodes to a JSON object with `alg`; it is an SD-JWT when there is
//!   a `~`, and either the header's `typ` ends in `+sd-jwt` (`vc+sd-jwt`, `dc+sd-jwt`) or the
//!   payload carries `_sd` / `_sd_alg`, or every disclosure decodes to the JSON array a
//!   disclosure is (`[salt, name, value]` or `[salt, value]`).
//! - **COSE** (RFC 9052 §4.2, VC-JOSE-COSE §3.3, `application/vc+cose`): a `COSE_Sign1` message,
//!   a CBOR array of four (protected header as a byte string, unprotected header map, payload,
//!   signature), tagged 18 or untagged, optionally after the self-described CBOR tag 55799. The
//!   protected header must decode to a CBOR map.

use std::fmt;

use base64::Engine as _;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use serde_json::Value;

/// A credential format credbridge recognises but cannot verify yet.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum UnsupportedFormat {
    /// Selective Disclosure JWT (`vc+sd-jwt`, `dc+sd-jwt`): a JWT followed by `~`-separated
    /// disclosures.
    SdJwt,
    /// A COSE_Sign1 message (`application/vc+cose`), CBOR.
    Cose,
}

impl UnsupportedFormat {
    /// A short machine name: `sd-jwt`, `cose`.
    #[must_use]
    pub fn machine_name(self) -> &'static str {
        match self {
            UnsupportedFormat::SdJwt => "sd-jwt",
            UnsupportedFormat::Cose => "cose",
        }
    }

    /// The format's name for people.
    #[must_use]
    pub fn display_name(self) -> &'static str {
        match self {
            UnsupportedFormat::SdJwt => "SD-JWT credential (selective disclosure JWT)",
            UnsupportedFormat::Cose => "COSE-secured credential (COSE_Sign1, CBOR)",
        }
    }

    /// The media type the VC-JOSE-COSE specification registers for it.
    #[must_use]
    pub fn media_type(self) -> &'static str {
        match self {
            UnsupportedFormat::SdJwt => "application/vc+sd-jwt",
            UnsupportedFormat::Cose => "application/vc+cose",
        }
    }
}

impl fmt::Display for UnsupportedFormat {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.display_name())
    }
}

/// Most disclosures looked at when recognising an SD-JWT (recognition only; nothing is kept).
const MAX_DISCLOSURES_EXAMINED: usize = 64;

fn decode_json(part: &str) -> Option<Value> {
    let bytes = URL_SAFE_NO_PAD.decode(part.trim_end_matches('=')).ok()?;
    serde_json::from_slice(&bytes).ok()
}

/// What an SD-JWT in compact form shows without verifying it: the `typ` of its issuer-signed
/// JWT, how many disclosures it has and whether a key-binding JWT ends it. `None` when `text`
/// is not an SD-JWT.
pub(crate) fn sd_jwt(text: &str) -> Option<String> {
    let text = text.trim();
    let mut parts = text.split('~');
    let jwt = parts.next()?;
    let rest: Vec<&str> = parts.collect();
    if rest.is_empty() {
        return None;
    }
    let [header, payload, _signature] = jwt.split('.').collect::<Vec<_>>()[..] else {
        return None;
    };
    let header = decode_json(header)?;
    header.get("alg").and_then(Value::as_str)?;
    let typ = header.get("typ").and_then(Value::as_str);
    let payload = decode_json(payload);
    // The last part is empty (`…~`) or a key-binding JWT (`…~<KB-JWT>`); the others are
    // disclosures.
    let (disclosures, key_binding) = match rest.split_last() {
        Some((last, disclosures)) => (disclosures, !last.is_empty()),
        None => (&[][..], false),
    };
    let typ_says = typ.is_some_and(|t| t.to_ascii_lowercase().ends_with("+sd-jwt"));
    let payload_says = payload
        .as_ref()
        .and_then(Value::as_object)
        .is_some_and(|p| p.contains_key("_sd") || p.contains_key("_sd_alg"));
    let disclosures_say = !disclosures.is_empty()
        && disclosures.iter().take(MAX_DISCLOSURES_EXAMINED).all(|d| {
            decode_json(d).is_some_and(|v| v.as_array().is_some_and(|a| matches!(a.len(), 2 | 3)))
        });
    if !(typ_says || payload_says || disclosures_say) {
        return None;
    }
    let mut detail = match typ {
        Some(typ) => format!("typ {typ}, "),
        None => String::new(),
    };
    detail.push_str(&format!(
        "{} disclosure{}",
        disclosures.len(),
        if disclosures.len() == 1 { "" } else { "s" }
    ));
    if key_binding {
        detail.push_str(", with a key-binding JWT");
    }
    Some(detail)
}

/// A CBOR data item's head: major type and argument, and where the item's content starts.
struct Head {
    major: u8,
    argument: u64,
    next: usize,
}

fn head(bytes: &[u8], at: usize) -> Option<Head> {
    let first = *bytes.get(at)?;
    let major = first >> 5;
    let info = first & 0x1f;
    let (argument, next) = match info {
        0..=23 => (u64::from(info), at + 1),
        24..=27 => {
            let len = 1usize << (info - 24);
            let slice = bytes.get(at + 1..at + 1 + len)?;
            let argument = slice.iter().fold(0u64, |acc, b| (acc << 8) | u64::from(*b));
            (argument, at + 1 + len)
        }
        _ => return None,
    };
    Some(Head {
        major,
        argument,
        next,
    })
}

/// A text string value in a CBOR map `bytes` (one level, definite lengths) under integer
/// key `key`, e.g. 16 (`typ`) or 3 (`content type`) of a COSE header.
fn header_text(map: &[u8], key: u64) -> Option<String> {
    let top = head(map, 0)?;
    if top.major != 5 {
        return None;
    }
    let mut at = top.next;
    for _ in 0..top.argument.min(32) {
        let k = head(map, at)?;
        let value = head(map, k.next)?;
        let value_end = match value.major {
            0 | 1 | 7 => value.next,
            2 | 3 => value
                .next
                .checked_add(usize::try_from(value.argument).ok()?)?,
            // Nested arrays, maps and tags in a header: stop looking rather than walk them.
            _ => return None,
        };
        if k.major == 0 && k.argument == key && value.major == 3 {
            let text = map.get(value.next..value_end)?;
            return std::str::from_utf8(text).ok().map(str::to_owned);
        }
        at = value_end;
    }
    None
}

/// What a COSE_Sign1 message shows without verifying it: its `typ` (16) and content type (3)
/// when the protected header gives them. `None` when `bytes` is not a COSE_Sign1 message.
pub(crate) fn cose(bytes: &[u8]) -> Option<String> {
    let mut at = 0;
    // Self-described CBOR (tag 55799, RFC 8949 §3.4.6) may come first.
    if bytes.starts_with(&[0xd9, 0xd9, 0xf7]) {
        at = 3;
    }
    let tagged = bytes.get(at) == Some(&0xd2);
    if tagged {
        at += 1;
    }
    let array = head(bytes, at)?;
    if array.major != 4 || array.argument != 4 {
        return None;
    }
    let protected = head(bytes, array.next)?;
    if protected.major != 2 {
        return None;
    }
    let end = protected
        .next
        .checked_add(usize::try_from(protected.argument).ok()?)?;
    let protected_map = bytes.get(protected.next..end)?;
    // An empty protected header is a zero-length byte string (RFC 9052 §3); otherwise a map.
    if !protected_map.is_empty() && head(protected_map, 0)?.major != 5 {
        return None;
    }
    let unprotected = head(bytes, end)?;
    if unprotected.major != 5 {
        return None;
    }
    if !tagged && protected_map.is_empty() {
        // Untagged, no protected header: too little to call it COSE.
        return None;
    }
    let mut detail = if tagged {
        "COSE_Sign1 (CBOR tag 18)".to_owned()
    } else {
        "COSE_Sign1 (untagged)".to_owned()
    };
    if let Some(typ) = header_text(protected_map, 16) {
        detail.push_str(&format!(", typ {typ}"));
    }
    if let Some(cty) = header_text(protected_map, 3) {
        detail.push_str(&format!(", content type {cty}"));
    }
    Some(detail)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn b64(value: &str) -> String {
        URL_SAFE_NO_PAD.encode(value)
    }

    #[test]
    fn a_jwt_without_a_tilde_is_not_an_sd_jwt() {
        let jwt = format!("{}.{}.sig", b64(r#"{"alg":"ES256"}"#), b64("{}"));
        assert_eq!(sd_jwt(&jwt), None);
        // A tilde alone, with nothing that says SD-JWT, is not enough either.
        let odd = format!(
            "{}.{}.sig~bm90LWpzb24~",
            b64(r#"{"alg":"ES256"}"#),
            b64("{}")
        );
        assert_eq!(sd_jwt(&odd), None);
    }

    #[test]
    fn cbor_that_is_not_cose_sign1() {
        assert_eq!(cose(&[0xd2, 0x83, 0x40, 0xa0, 0xf6]), None);
        assert_eq!(cose(&[0x84, 0x40, 0xa0, 0xf6, 0x40]), None);
        assert_eq!(cose(b"\xd2"), None);
        assert_eq!(cose(b""), None);
    }
}
