//! JSON texts: the depth guard, parsing with located errors, JSON Lines, top-level arrays, and
//! finding the exact bytes of a member inside a parent document.

use std::collections::BTreeMap;

use serde_json::Value;
use serde_json::value::RawValue;

use crate::decode::{At, Cx};
use crate::document;
use crate::error::Error;
use crate::item::{ContainerKind, Item, PathSegment};
use crate::limits::Limits;

/// serde_json's own recursion ceiling (it refuses a 128th level with a generic "recursion
/// limit exceeded"), so [`Limits::max_json_depth`] is clamped to it.
const SERDE_JSON_MAX_DEPTH: usize = 127;

/// Whether arrays/objects in `bytes` nest deeper than `limit`. A byte scan that only tracks
/// strings, so it runs before (and protects) the parser; malformed JSON is left to the parser.
pub(crate) fn exceeds_depth(bytes: &[u8], limit: usize) -> bool {
    let limit = limit.min(SERDE_JSON_MAX_DEPTH);
    let mut depth = 0usize;
    let mut in_string = false;
    let mut escaped = false;
    for &b in bytes {
        if in_string {
            if escaped {
                escaped = false;
            } else if b == b'\\' {
                escaped = true;
            } else if b == b'"' {
                in_string = false;
            }
            continue;
        }
        match b {
            b'"' => in_string = true,
            b'{' | b'[' => {
                depth = depth.saturating_add(1);
                if depth > limit {
                    return true;
                }
            }
            b'}' | b']' => depth = depth.saturating_sub(1),
            _ => {}
        }
    }
    false
}

pub(crate) fn invalid_json(at: &At, error: &serde_json::Error) -> Error {
    // serde_json appends " at line L column C" to its Display; the fields carry those already.
    let message = error.to_string();
    let message = match message.rfind(" at line ") {
        Some(cut) if error.line() > 0 => message.get(..cut).unwrap_or(&message).to_owned(),
        _ => message,
    };
    Error::InvalidJson {
        path: at.path.clone(),
        line: error.line(),
        column: error.column(),
        message,
    }
}

/// Parses one JSON value after the depth guard.
pub(crate) fn parse_value(bytes: &[u8], at: &At, limits: &Limits) -> Result<Value, Error> {
    if exceeds_depth(bytes, limits.max_json_depth) {
        return Err(Error::JsonTooDeep {
            path: at.path.clone(),
            limit: limits.max_json_depth.min(SERDE_JSON_MAX_DEPTH),
        });
    }
    parse_within_checked_text(bytes, at)
}

/// Parses one JSON value that lies inside a text whose depth was checked already (the
/// document, or the streamed line): scanning it again would only cost.
fn parse_within_checked_text(bytes: &[u8], at: &At) -> Result<Value, Error> {
    serde_json::from_slice(bytes).map_err(|e| invalid_json(at, &e))
}

/// One step of a JSON pointer.
#[derive(Debug, Clone, Copy)]
pub(crate) enum Step<'a> {
    Key(&'a str),
    Index(usize),
}

/// The exact bytes of the member `step` of the JSON object/array whose text is `raw`.
pub(crate) fn raw_child<'a>(raw: &'a [u8], step: Step<'_>) -> Option<&'a [u8]> {
    match step {
        Step::Key(key) => {
            // A map keeps the last of duplicate keys, as serde_json::Value does.
            let members: BTreeMap<String, &'a RawValue> = serde_json::from_slice(raw).ok()?;
            members.get(key).map(|v| v.get().as_bytes())
        }
        Step::Index(index) => {
            let elements: Vec<&'a RawValue> = serde_json::from_slice(raw).ok()?;
            elements.get(index).map(|v| v.get().as_bytes())
        }
    }
}

/// Exact bytes at a path of steps, `None` if any step is missing.
pub(crate) fn raw_at<'a>(raw: &'a [u8], steps: &[Step<'_>]) -> Option<&'a [u8]> {
    steps
        .iter()
        .try_fold(raw, |current, step| raw_child(current, *step))
}

/// Escapes one reference token of a JSON pointer (RFC 6901 §3).
pub(crate) fn pointer_token(token: &str) -> String {
    token.replace('~', "~0").replace('/', "~1")
}

/// Decodes a JSON text: one document, a top-level array, or JSON Lines. `first_line` is the
/// 1-based line of the enclosing file where `text` starts (blank lines trimmed off before it),
/// so that JSON Lines paths name the file's own line numbers.
pub(crate) fn decode_json_text(text: &[u8], first_line: u64, at: &At, cx: &mut Cx<'_>) {
    if exceeds_depth(text, cx.limits.max_json_depth) {
        return cx.fail(Error::JsonTooDeep {
            path: at.path.clone(),
            limit: cx.limits.max_json_depth.min(SERDE_JSON_MAX_DEPTH),
        });
    }
    let mut stream = serde_json::Deserializer::from_slice(text).into_iter::<&RawValue>();
    let first = match stream.next() {
        Some(Ok(first)) => first,
        Some(Err(e)) => return cx.fail(invalid_json(at, &e)),
        None => return cx.fail(at.not_a_container("empty input")),
    };
    let rest = text.get(stream.byte_offset()..).unwrap_or_default();
    if rest.trim_ascii().is_empty() {
        return decode_root(first.get().as_bytes(), at, cx, true);
    }
    // JSON Lines (https://jsonlines.org/): the first value sits on one line and the next value
    // starts on a later line. Anything else after a value is an error, reported by serde_json.
    // `crate::walk` makes the same decision from the head of a file (`is_one_value_line`).
    let next_starts_on_new_line = rest
        .iter()
        .take_while(|b| b.is_ascii_whitespace())
        .any(|&b| b == b'\n');
    if !first.get().contains('\n') && next_starts_on_new_line {
        return decode_json_lines(text, first_line, at, cx);
    }
    if let Err(e) = serde_json::from_slice::<&RawValue>(text) {
        cx.fail(invalid_json(at, &e));
    }
}

/// Whether one line of text (without its line break) holds exactly one JSON value that can
/// start a JSON Lines file: the first half of the JSON Lines decision in [`decode_json_text`],
/// used by the file walker on the first non-blank line of a file to decide whether to stream
/// it line by line. The second half, "another value starts on a later line", is the walker's.
pub(crate) fn is_one_value_line(line: &[u8]) -> bool {
    let line = line.trim_ascii();
    if !matches!(line.first(), Some(b'{' | b'[' | b'"')) {
        return false;
    }
    let mut stream = serde_json::Deserializer::from_slice(line).into_iter::<&RawValue>();
    matches!(stream.next(), Some(Ok(_)))
        && line
            .get(stream.byte_offset()..)
            .is_some_and(|rest| rest.trim_ascii().is_empty())
}

fn decode_json_lines(text: &[u8], first_line: u64, at: &At, cx: &mut Cx<'_>) {
    let mut number = first_line;
    for line in text.split(|&b| b == b'\n') {
        if cx.is_full() {
            return;
        }
        decode_json_line(line, number, at, cx);
        number = number.saturating_add(1);
    }
}

/// Decodes line `number` of a JSON Lines text whose container is `at`; a blank line is
/// skipped. The depth of the whole text has been checked already.
fn decode_json_line(line: &[u8], number: u64, at: &At, cx: &mut Cx<'_>) {
    let line = line.trim_ascii();
    if line.is_empty() {
        return;
    }
    let at_line = at
        .at(PathSegment::Line(number))
        .with(ContainerKind::JsonLines);
    decode_root(line, &at_line, cx, false);
}

/// Decodes line `number` of a JSON Lines file that the walker streams (so no depth check of
/// the whole text ran): its own depth guard, then the same path as an in-memory line. The
/// line is its own "file" for [`Limits::max_items_per_file`]: the stream hands out each
/// line's results before reading the next, so only one line's results are ever buffered.
pub(crate) fn decode_streamed_line(
    line: &[u8],
    number: u64,
    at: &At,
    limits: &Limits,
) -> Vec<Result<Item, Error>> {
    let mut out = Vec::new();
    let at_line = at
        .at(PathSegment::Line(number))
        .with(ContainerKind::JsonLines);
    let mut cx = Cx::new(limits, &at_line, &mut out);
    if exceeds_depth(line, limits.max_json_depth) {
        cx.fail(Error::JsonTooDeep {
            path: at_line.path.clone(),
            limit: limits.max_json_depth.min(SERDE_JSON_MAX_DEPTH),
        });
    } else {
        decode_json_line(line, number, at, &mut cx);
    }
    out
}

/// Decodes one root value, inside a text whose depth has been checked (every caller does
/// that first): `standalone` means it is a JSON text of its own (so the item gets
/// the [`ContainerKind::Json`] marker), not a line of a JSON Lines file.
fn decode_root(raw: &[u8], at: &At, cx: &mut Cx<'_>, standalone: bool) {
    if raw.first() == Some(&b'[') {
        return decode_array(raw, at, cx);
    }
    let value = match parse_within_checked_text(raw, at) {
        Ok(value) => value,
        Err(e) => return cx.fail(e),
    };
    document::decode_value(raw, value, at, cx, standalone);
}

fn decode_array(raw: &[u8], at: &At, cx: &mut Cx<'_>) {
    let elements: Vec<&RawValue> = match serde_json::from_slice(raw) {
        Ok(elements) => elements,
        Err(e) => return cx.fail(invalid_json(at, &e)),
    };
    for (index, element) in elements.iter().enumerate() {
        if cx.is_full() {
            return;
        }
        let at_element = at
            .at(PathSegment::Index(index))
            .with(ContainerKind::JsonArray);
        let element_raw = element.get().as_bytes();
        if element_raw.first() == Some(&b'[') {
            cx.fail(at_element.not_a_container("a JSON array inside a JSON array"));
            continue;
        }
        match parse_within_checked_text(element_raw, &at_element) {
            Ok(value) => document::decode_value(element_raw, value, &at_element, cx, false),
            Err(e) => cx.fail(e),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn depth_scan_ignores_brackets_in_strings() {
        assert!(!exceeds_depth(br#"{"a": "[[[[[[[[[[", "b": [1]}"#, 2));
        assert!(exceeds_depth(br#"{"a": [[1]]}"#, 2));
        assert!(!exceeds_depth(br#"{"a": "\"[[[", "b": [[]]}"#, 3));
    }

    #[test]
    fn serde_json_accepts_exactly_its_ceiling() {
        // The clamp above relies on serde_json parsing 127 levels and refusing 128.
        let ok = format!("{}{}", "[".repeat(127), "]".repeat(127));
        assert!(serde_json::from_str::<Value>(&ok).is_ok());
        let deep = format!("{}{}", "[".repeat(128), "]".repeat(128));
        assert!(serde_json::from_str::<Value>(&deep).is_err());
    }

    #[test]
    fn raw_child_returns_exact_member_bytes() {
        let doc = br#"{"a": {"x" : 1.50, "y":[ 1,2 ]}, "b": [ {"k":  "v"} ]}"#;
        assert_eq!(
            raw_at(doc, &[Step::Key("a")]).unwrap(),
            br#"{"x" : 1.50, "y":[ 1,2 ]}"#
        );
        assert_eq!(
            raw_at(doc, &[Step::Key("b"), Step::Index(0)]).unwrap(),
            br#"{"k":  "v"}"#
        );
        assert!(raw_at(doc, &[Step::Key("c")]).is_none());
    }

    #[test]
    fn pointer_tokens_are_escaped() {
        assert_eq!(pointer_token("a/b~c"), "a~1b~0c");
    }
}
