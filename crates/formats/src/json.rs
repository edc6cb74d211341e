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

/// What one byte scan of a JSON text found: enough to refuse a document before it is parsed
/// (depth) and before it is handed on (size of what it could expand to). The scan only tracks
/// strings; malformed JSON is left to the parser.
#[derive(Debug, Default, Clone, Copy)]
pub(crate) struct Shape {
    /// Arrays/objects nest deeper than the depth limit (the scan stopped there).
    pub too_deep: bool,
    /// Keys and values: each `,`, `:`, `{` and `[` outside strings counts one (exact for
    /// containers that are not empty).
    pub values: u64,
    /// Bytes of the longest string (key or value), as written (escapes not decoded).
    pub longest_string: u64,
    /// Bytes of all strings together, as written.
    pub string_bytes: u64,
}

/// Scans `bytes` once (see [`Shape`]), stopping early when the nesting passes `depth_limit`.
pub(crate) fn shape(bytes: &[u8], depth_limit: usize) -> Shape {
    let limit = depth_limit.min(SERDE_JSON_MAX_DEPTH);
    let mut shape = Shape::default();
    let mut depth = 0usize;
    let mut i = 0usize;
    while let Some(&b) = bytes.get(i) {
        i += 1;
        match b {
            b'"' => {
                // Inside a string only `"` and `\` matter: jump between them with memchr
                // (SIMD) rather than looking at every byte; strings are most of a credential.
                let start = i;
                let mut end = bytes.len();
                while let Some(offset) =
                    memchr::memchr2(b'"', b'\\', bytes.get(i..).unwrap_or_default())
                {
                    let at = i + offset;
                    if bytes.get(at) == Some(&b'\\') {
                        i = at + 2; // the escaped byte, whatever it is
                        continue;
                    }
                    end = at;
                    break;
                }
                let len = u64::try_from(end.saturating_sub(start)).unwrap_or(u64::MAX);
                shape.longest_string = shape.longest_string.max(len);
                shape.string_bytes = shape.string_bytes.saturating_add(len);
                // An unterminated string counts to the end; the parser will refuse it.
                i = end.saturating_add(1);
            }
            b'{' | b'[' => {
                shape.values = shape.values.saturating_add(1);
                depth = depth.saturating_add(1);
                if depth > limit {
                    shape.too_deep = true;
                    return shape;
                }
            }
            b'}' | b']' => depth = depth.saturating_sub(1),
            b',' | b':' => shape.values = shape.values.saturating_add(1),
            _ => {}
        }
    }
    shape
}

/// Whether arrays/objects in `bytes` nest deeper than `limit`.
#[cfg(test)]
pub(crate) fn exceeds_depth(bytes: &[u8], limit: usize) -> bool {
    shape(bytes, limit).too_deep
}

fn too_deep(at: &At, limits: &Limits) -> Error {
    Error::JsonTooDeep {
        path: at.path.clone(),
        limit: limits.max_json_depth.min(SERDE_JSON_MAX_DEPTH),
    }
}

/// The limits one document is held to before it is parsed: what it costs later (JSON-LD
/// expansion, canonicalization) grows with its number of values and the length of its strings.
fn check_size(shape: &Shape, at: &At, limits: &Limits) -> Result<(), Error> {
    if shape.values > limits.max_json_values {
        return Err(Error::JsonTooManyValues {
            path: at.path.clone(),
            values: shape.values,
            limit: limits.max_json_values,
        });
    }
    if shape.longest_string > limits.max_json_string_bytes {
        return Err(Error::JsonStringTooLong {
            path: at.path.clone(),
            size: shape.longest_string,
            limit: limits.max_json_string_bytes,
        });
    }
    Ok(())
}

/// The estimate checked against [`Limits::max_json_expanded_bytes`]: every string once, plus,
/// for each value of each object member (each element of an array value), the bytes that
/// expansion repeats in the statement it becomes: its object's `id`/`@id`, its key, and the
/// longest string of any inline `@context` (a term or `@vocab` can map a one-letter key to a
/// long IRI). Only computed when the cheap bound from the scan
/// (`longest string × values + string bytes`) exceeds the limit, so ordinary documents never
/// pay for the walk.
fn check_expansion(value: &Value, shape: &Shape, at: &At, limits: &Limits) -> Result<(), Error> {
    let bound = shape
        .longest_string
        .saturating_mul(shape.values)
        .saturating_add(shape.string_bytes);
    if bound <= limits.max_json_expanded_bytes {
        return Ok(());
    }
    let context = longest_context_string(value);
    let estimate = expansion_estimate(value, context).saturating_add(shape.string_bytes);
    if estimate > limits.max_json_expanded_bytes {
        return Err(Error::JsonExpansionTooLarge {
            path: at.path.clone(),
            estimate,
            limit: limits.max_json_expanded_bytes,
        });
    }
    Ok(())
}

fn len_u64(text: &str) -> u64 {
    u64::try_from(text.len()).unwrap_or(u64::MAX)
}

/// The longest string inside any `@context` member.
fn longest_context_string(value: &Value) -> u64 {
    fn longest_string(value: &Value) -> u64 {
        match value {
            Value::String(text) => len_u64(text),
            Value::Array(items) => items.iter().map(longest_string).max().unwrap_or(0),
            Value::Object(map) => map
                .iter()
                .map(|(k, v)| len_u64(k).max(longest_string(v)))
                .max()
                .unwrap_or(0),
            _ => 0,
        }
    }
    match value {
        Value::Array(items) => items.iter().map(longest_context_string).max().unwrap_or(0),
        Value::Object(map) => map
            .iter()
            .map(|(k, v)| {
                if k == "@context" {
                    longest_string(v)
                } else {
                    longest_context_string(v)
                }
            })
            .max()
            .unwrap_or(0),
        _ => 0,
    }
}

fn expansion_estimate(value: &Value, context: u64) -> u64 {
    match value {
        Value::Array(items) => items
            .iter()
            .map(|item| expansion_estimate(item, context))
            .fold(0, u64::saturating_add),
        Value::Object(map) => {
            let subject = ["id", "@id"]
                .iter()
                .filter_map(|k| map.get(*k).and_then(Value::as_str))
                .map(len_u64)
                .max()
                .unwrap_or(0);
            map.iter().fold(0u64, |sum, (key, member)| {
                let statements = match member {
                    Value::Array(items) => u64::try_from(items.len()).unwrap_or(u64::MAX).max(1),
                    _ => 1,
                };
                let repeated = subject.saturating_add(len_u64(key)).saturating_add(context);
                sum.saturating_add(repeated.saturating_mul(statements))
                    .saturating_add(expansion_estimate(member, context))
            })
        }
        _ => 0,
    }
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

/// Parses one JSON document after the depth guard and the size limits.
pub(crate) fn parse_value(bytes: &[u8], at: &At, limits: &Limits) -> Result<Value, Error> {
    let shape = shape(bytes, limits.max_json_depth);
    if shape.too_deep {
        return Err(too_deep(at, limits));
    }
    parse_document(bytes, &shape, at, limits)
}

/// Parses one document whose text was scanned (`shape`, depth already checked): the size
/// limits before parsing, the expansion estimate after.
fn parse_document(bytes: &[u8], shape: &Shape, at: &At, limits: &Limits) -> Result<Value, Error> {
    check_size(shape, at, limits)?;
    let value = parse_within_checked_text(bytes, at)?;
    check_expansion(&value, shape, at, limits)?;
    Ok(value)
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
    let text_shape = shape(text, cx.limits.max_json_depth);
    if text_shape.too_deep {
        return cx.fail(too_deep(at, cx.limits));
    }
    let mut stream = serde_json::Deserializer::from_slice(text).into_iter::<&RawValue>();
    let first = match stream.next() {
        Some(Ok(first)) => first,
        Some(Err(e)) => return cx.fail(invalid_json(at, &e)),
        None => return cx.fail(at.not_a_container("empty input")),
    };
    let rest = text.get(stream.byte_offset()..).unwrap_or_default();
    if rest.trim_ascii().is_empty() {
        // One document: the scan of the text is its scan (blank space has no keys or strings).
        return decode_root(first.get().as_bytes(), Some(&text_shape), at, cx, true);
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
    decode_root(line, None, &at_line, cx, false);
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
    let line = line.trim_ascii();
    let line_shape = shape(line, limits.max_json_depth);
    if line_shape.too_deep {
        cx.fail(too_deep(&at_line, limits));
    } else if !line.is_empty() {
        decode_root(line, Some(&line_shape), &at_line, &mut cx, false);
    }
    out
}

/// Decodes one root value, inside a text whose depth has been checked (every caller does
/// that first): `standalone` means it is a JSON text of its own (so the item gets
/// the [`ContainerKind::Json`] marker), not a line of a JSON Lines file. `scanned` is the
/// scan of exactly `raw`, if the caller has it; else `raw` is scanned here (an array's
/// elements are each scanned on their own: each is a document).
fn decode_root(raw: &[u8], scanned: Option<&Shape>, at: &At, cx: &mut Cx<'_>, standalone: bool) {
    if raw.first() == Some(&b'[') {
        return decode_array(raw, at, cx);
    }
    let owned;
    let scanned = match scanned {
        Some(scanned) => scanned,
        None => {
            owned = shape(raw, cx.limits.max_json_depth);
            &owned
        }
    };
    match parse_document(raw, scanned, at, cx.limits) {
        Ok(value) => document::decode_value(raw, value, at, cx, standalone),
        Err(e) => cx.fail(e),
    }
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
        let element_shape = shape(element_raw, cx.limits.max_json_depth);
        match parse_document(element_raw, &element_shape, &at_element, cx.limits) {
            Ok(value) => document::decode_value(element_raw, value, &at_element, cx, false),
            Err(e) => cx.fail(e),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The scan as first written, one byte at a time: the reference the memchr scan must match.
    fn shape_bytewise(bytes: &[u8], depth_limit: usize) -> (bool, u64, u64, u64) {
        let limit = depth_limit.min(SERDE_JSON_MAX_DEPTH);
        let (mut too_deep, mut values, mut longest, mut total) = (false, 0u64, 0u64, 0u64);
        let mut depth = 0usize;
        let mut string_start: Option<usize> = None;
        let mut escaped = false;
        for (i, &b) in bytes.iter().enumerate() {
            if let Some(start) = string_start {
                if escaped {
                    escaped = false;
                } else if b == b'\\' {
                    escaped = true;
                } else if b == b'"' {
                    let len = (i - start) as u64;
                    longest = longest.max(len);
                    total += len;
                    string_start = None;
                }
                continue;
            }
            match b {
                b'"' => string_start = Some(i + 1),
                b'{' | b'[' => {
                    values += 1;
                    depth += 1;
                    if depth > limit {
                        too_deep = true;
                        return (too_deep, values, longest, total);
                    }
                }
                b'}' | b']' => depth = depth.saturating_sub(1),
                b',' | b':' => values += 1,
                _ => {}
            }
        }
        if let Some(start) = string_start {
            let len = (bytes.len() - start) as u64;
            longest = longest.max(len);
            total += len;
        }
        (too_deep, values, longest, total)
    }

    #[test]
    fn memchr_scan_agrees_with_the_bytewise_scan() {
        let mut cases: Vec<Vec<u8>> = [
            &br#"{"a": "b", "c": [1, 2, {"d": "e\"f"}]}"#[..],
            br#"{"a": "ends with a backslash \"#,
            br#"{"a": "unterminated"#,
            br#""\\\\""#,
            br#"{"k\"ey": "v\\", "x": "[{,:"}"#,
            b"\"\\",
            b"\"",
            b"",
            b"[[[[[[",
            br#"{"a":"\u0022[[[[", "b": [[[[]]]]}"#,
        ]
        .iter()
        .map(|c| c.to_vec())
        .collect();
        let testdata = concat!(env!("CARGO_MANIFEST_DIR"), "/../../testdata");
        let mut stack = vec![std::path::PathBuf::from(testdata)];
        while let Some(dir) = stack.pop() {
            let Ok(entries) = std::fs::read_dir(&dir) else {
                continue;
            };
            for entry in entries.flatten() {
                let path = entry.path();
                if path.is_dir() {
                    stack.push(path);
                } else if path
                    .extension()
                    .is_some_and(|e| e == "json" || e == "jsonl")
                {
                    cases.push(std::fs::read(&path).expect("a testdata file reads"));
                }
            }
        }
        assert!(cases.len() > 20, "testdata was found");
        for case in &cases {
            for limit in [2, 5, 64] {
                let fast = shape(case, limit);
                assert_eq!(
                    (
                        fast.too_deep,
                        fast.values,
                        fast.longest_string,
                        fast.string_bytes
                    ),
                    shape_bytewise(case, limit),
                    "{}",
                    String::from_utf8_lossy(&case[..case.len().min(80)])
                );
            }
        }
    }

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
