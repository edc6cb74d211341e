//! The small readers every consumer of credential JSON needs, in one place: the JSON type name
//! for messages, one-or-many and string-or-array reads, the `id` of an IRI-or-object
//! (issuer, holder), RFC 6901 JSON pointers, and the duplicate-member scan that RFC 8785 (JCS)
//! needs because a parsed `serde_json::Value` silently keeps the last of two equal keys.

use std::fmt::Write as _;

use serde::de::{self, Deserializer as _, IgnoredAny, MapAccess, SeqAccess, Visitor};
use serde_json::Value;

/// The JSON type name used in messages (`null`, `boolean`, `number`, `string`, `array`,
/// `object`).
#[must_use]
pub fn kind(value: &Value) -> &'static str {
    match value {
        Value::Null => "null",
        Value::Bool(_) => "boolean",
        Value::Number(_) => "number",
        Value::String(_) => "string",
        Value::Array(_) => "array",
        Value::Object(_) => "object",
    }
}

/// The JSON type name with its article, for sentences ("the list is an object").
#[must_use]
pub fn kind_with_article(value: &Value) -> &'static str {
    match value {
        Value::Null => "null",
        Value::Bool(_) => "a boolean",
        Value::Number(_) => "a number",
        Value::String(_) => "a string",
        Value::Array(_) => "an array",
        Value::Object(_) => "an object",
    }
}

/// A value that may be one item or an array of items, as items (JSON-LD compaction writes a
/// single value without the array).
pub fn one_or_many(value: &Value) -> impl Iterator<Item = &Value> {
    let items: &[Value] = match value {
        Value::Array(items) => items,
        single => std::slice::from_ref(single),
    };
    items.iter()
}

/// The strings of a string-or-array value; other items are skipped.
pub fn strings(value: &Value) -> impl Iterator<Item = &str> {
    one_or_many(value).filter_map(Value::as_str)
}

/// The id of an IRI-or-object value: the string itself, or the object's `id` (`issuer`,
/// `holder`, `achievement`, …).
#[must_use]
pub fn id_of(value: &Value) -> Option<&str> {
    match value {
        Value::String(s) => Some(s),
        Value::Object(o) => o.get("id").and_then(Value::as_str),
        _ => None,
    }
}

/// The issuer id of a credential: `issuer` as a string or `issuer.id`.
#[must_use]
pub fn issuer_id(document: &Value) -> Option<&str> {
    id_of(document.get("issuer")?)
}

/// The holder id of a presentation: `holder` as a string or `holder.id`.
#[must_use]
pub fn holder_id(document: &Value) -> Option<&str> {
    id_of(document.get("holder")?)
}

/// Appends `key` to `out` as one RFC 6901 reference token (`~` → `~0`, `/` → `~1`).
pub fn push_escaped(out: &mut String, key: &str) {
    for c in key.chars() {
        match c {
            '~' => out.push_str("~0"),
            '/' => out.push_str("~1"),
            c => out.push(c),
        }
    }
}

/// A JSON pointer (RFC 6901) kept as a chain of borrowed frames on the stack; rendered to text
/// only when it is needed (a finding is recorded), so walking a document allocates nothing.
#[derive(Clone, Copy, Debug)]
pub struct Pointer<'a> {
    parent: Option<&'a Pointer<'a>>,
    segment: Segment<'a>,
}

#[derive(Clone, Copy, Debug)]
enum Segment<'a> {
    Root,
    Key(&'a str),
    Index(usize),
}

impl<'a> Pointer<'a> {
    /// The whole document.
    pub const ROOT: Pointer<'static> = Pointer {
        parent: None,
        segment: Segment::Root,
    };

    /// The member `key` of the object at `self`.
    #[must_use]
    pub fn key(&'a self, key: &'a str) -> Pointer<'a> {
        Pointer {
            parent: Some(self),
            segment: Segment::Key(key),
        }
    }

    /// The item `index` of the array at `self`.
    #[must_use]
    pub fn index(&'a self, index: usize) -> Pointer<'a> {
        Pointer {
            parent: Some(self),
            segment: Segment::Index(index),
        }
    }

    /// Appends the pointer's text to `out`.
    pub fn write_to(&self, out: &mut String) {
        if let Some(parent) = self.parent {
            parent.write_to(out);
        }
        match self.segment {
            Segment::Root => {}
            Segment::Key(key) => {
                out.push('/');
                push_escaped(out, key);
            }
            Segment::Index(i) => {
                let _ = write!(out, "/{i}");
            }
        }
    }

    /// The pointer as text (`""` for the root, as RFC 6901 has it).
    #[must_use]
    pub fn render(&self) -> String {
        let mut out = String::new();
        self.write_to(&mut out);
        out
    }
}

/// Why [`first_duplicate_member`] could not answer.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("the bytes are not one JSON value: {reason}")]
pub struct DuplicateScanError {
    /// The parser's message.
    pub reason: String,
}

/// The first object member name that occurs twice in the same object of `json`, with the
/// pointer of that object; `None` when every object's names are unique.
///
/// RFC 8785 §3.1 (JCS) works on I-JSON (RFC 7493 §2.3: member names MUST be unique). A parsed
/// `Value` keeps only the last of two equal names, so a signature over the canonical form could
/// be made over one value while a reader shows the other: the JCS suites must refuse such
/// documents, and only the original bytes can tell. Nesting is bounded by `serde_json`'s own
/// recursion limit (128), like every parse in the project.
pub fn first_duplicate_member(json: &[u8]) -> Result<Option<(String, String)>, DuplicateScanError> {
    let mut de = serde_json::Deserializer::from_slice(json);
    let found = de.deserialize_any(Scan).map_err(|e| DuplicateScanError {
        reason: e.to_string(),
    })?;
    Ok(found.map(Duplicate::into_pointer_and_name))
}

/// [`first_duplicate_member`] for bytes already parsed into `parsed`: an object whose bytes
/// hold more members than its parsed map has a duplicate. Only member counts are compared on
/// the way (names are borrowed from the bytes), so a document without duplicates costs a
/// parse and no allocation; the name is looked for only when a count differs.
pub fn first_duplicate_member_of(
    json: &[u8],
    parsed: &Value,
) -> Result<Option<(String, String)>, DuplicateScanError> {
    let mut de = serde_json::Deserializer::from_slice(json);
    let differs = de
        .deserialize_any(CountScan {
            parsed: Some(parsed),
        })
        .map_err(|e| DuplicateScanError {
            reason: e.to_string(),
        })?;
    if differs {
        first_duplicate_member(json)
    } else {
        Ok(None)
    }
}

/// Walks the bytes beside their parsed value: `true` when some object has more members in the
/// bytes than in the value.
struct CountScan<'v> {
    parsed: Option<&'v Value>,
}

impl<'de> Visitor<'de> for CountScan<'_> {
    type Value = bool;

    fn expecting(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("any JSON value")
    }

    fn visit_bool<E: de::Error>(self, _: bool) -> Result<bool, E> {
        Ok(false)
    }
    fn visit_i64<E: de::Error>(self, _: i64) -> Result<bool, E> {
        Ok(false)
    }
    fn visit_u64<E: de::Error>(self, _: u64) -> Result<bool, E> {
        Ok(false)
    }
    fn visit_f64<E: de::Error>(self, _: f64) -> Result<bool, E> {
        Ok(false)
    }
    fn visit_str<E: de::Error>(self, _: &str) -> Result<bool, E> {
        Ok(false)
    }
    fn visit_unit<E: de::Error>(self) -> Result<bool, E> {
        Ok(false)
    }

    fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<bool, A::Error> {
        let items = self.parsed.and_then(Value::as_array);
        let mut index = 0usize;
        let mut differs = false;
        while let Some(inner) = seq.next_element_seed(CountScan {
            parsed: items.and_then(|items| items.get(index)),
        })? {
            differs |= inner;
            index = index.saturating_add(1);
        }
        Ok(differs)
    }

    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<bool, A::Error> {
        let object = self.parsed.and_then(Value::as_object);
        let mut count = 0usize;
        let mut differs = false;
        while let Some(name) = map.next_key::<std::borrow::Cow<'de, str>>()? {
            count = count.saturating_add(1);
            let child = object.and_then(|o| o.get(name.as_ref()));
            differs |= map.next_value_seed(CountScan { parsed: child })?;
        }
        Ok(differs || object.is_none_or(|o| o.len() != count))
    }
}

impl<'de> de::DeserializeSeed<'de> for CountScan<'_> {
    type Value = bool;

    fn deserialize<D: de::Deserializer<'de>>(self, deserializer: D) -> Result<bool, D::Error> {
        deserializer.deserialize_any(self)
    }
}

/// A duplicate found, with the path to its object (innermost segment first).
struct Duplicate {
    path: Vec<String>,
    name: String,
}

impl Duplicate {
    fn into_pointer_and_name(self) -> (String, String) {
        let mut pointer = String::new();
        for segment in self.path.iter().rev() {
            pointer.push('/');
            push_escaped(&mut pointer, segment);
        }
        (pointer, self.name)
    }
}

/// Walks a value without building it; answers the first duplicate member found.
struct Scan;

impl<'de> Visitor<'de> for Scan {
    type Value = Option<Duplicate>;

    fn expecting(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("any JSON value")
    }

    fn visit_bool<E: de::Error>(self, _: bool) -> Result<Self::Value, E> {
        Ok(None)
    }
    fn visit_i64<E: de::Error>(self, _: i64) -> Result<Self::Value, E> {
        Ok(None)
    }
    fn visit_u64<E: de::Error>(self, _: u64) -> Result<Self::Value, E> {
        Ok(None)
    }
    fn visit_f64<E: de::Error>(self, _: f64) -> Result<Self::Value, E> {
        Ok(None)
    }
    fn visit_str<E: de::Error>(self, _: &str) -> Result<Self::Value, E> {
        Ok(None)
    }
    fn visit_unit<E: de::Error>(self) -> Result<Self::Value, E> {
        Ok(None)
    }

    fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<Self::Value, A::Error> {
        let mut index = 0usize;
        let mut found = None;
        while let Some(inner) = seq.next_element_seed(ScanSeed)? {
            if found.is_none()
                && let Some(mut duplicate) = inner
            {
                duplicate.path.push(index.to_string());
                found = Some(duplicate);
            }
            index = index.saturating_add(1);
        }
        Ok(found)
    }

    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Self::Value, A::Error> {
        let mut names: Vec<std::borrow::Cow<'de, str>> = Vec::new();
        let mut found = None;
        while let Some(name) = map.next_key::<std::borrow::Cow<'de, str>>()? {
            if found.is_some() {
                map.next_value::<IgnoredAny>()?;
                continue;
            }
            if names.contains(&name) {
                found = Some(Duplicate {
                    path: Vec::new(),
                    name: name.into_owned(),
                });
                map.next_value::<IgnoredAny>()?;
                continue;
            }
            if let Some(mut duplicate) = map.next_value_seed(ScanSeed)? {
                duplicate.path.push(name.to_string());
                found = Some(duplicate);
            }
            names.push(name);
        }
        Ok(found)
    }
}

struct ScanSeed;

impl<'de> de::DeserializeSeed<'de> for ScanSeed {
    type Value = Option<Duplicate>;

    fn deserialize<D: de::Deserializer<'de>>(
        self,
        deserializer: D,
    ) -> Result<Self::Value, D::Error> {
        deserializer.deserialize_any(Scan)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn finds_the_first_duplicate_member_with_its_object() {
        assert_eq!(
            first_duplicate_member(br#"{"a":1,"b":[{"c":2}]}"#).unwrap(),
            None
        );
        assert_eq!(
            first_duplicate_member(br#"{"a":1,"b":[{"c":2},{"x/y":{"d":1,"d":2}}]}"#).unwrap(),
            Some(("/b/1/x~1y".to_owned(), "d".to_owned()))
        );
        // An escaped spelling of the same name is the same name.
        assert_eq!(
            first_duplicate_member(br#"{"issuer":"a","iss\u0075er":"b"}"#).unwrap(),
            Some((String::new(), "issuer".to_owned()))
        );
        assert!(first_duplicate_member(b"{").is_err());
        // Beside the parsed value: the same answers, found by counting members.
        for text in [
            r#"{"a":1,"b":[{"c":2}]}"#,
            r#"{"a":1,"b":[{"c":2},{"x/y":{"d":1,"d":2}}]}"#,
            r#"{"issuer":"a","iss\u0075er":"b"}"#,
        ] {
            let parsed: Value = serde_json::from_str(text).unwrap();
            assert_eq!(
                first_duplicate_member_of(text.as_bytes(), &parsed).unwrap(),
                first_duplicate_member(text.as_bytes()).unwrap(),
                "{text}"
            );
        }
    }

    #[test]
    fn pointers_escape_and_render() {
        let root = Pointer::ROOT;
        let a = root.key("a~b/c");
        let i = a.index(3);
        assert_eq!(i.render(), "/a~0b~1c/3");
        assert_eq!(Pointer::ROOT.render(), "");
    }

    #[test]
    fn readers() {
        let v = serde_json::json!({"issuer": {"id": "did:ex:1"}, "holder": "did:ex:2", "t": ["a", 1, "b"]});
        assert_eq!(issuer_id(&v), Some("did:ex:1"));
        assert_eq!(holder_id(&v), Some("did:ex:2"));
        assert_eq!(strings(&v["t"]).collect::<Vec<_>>(), ["a", "b"]);
        assert_eq!(strings(&v["holder"]).collect::<Vec<_>>(), ["did:ex:2"]);
        assert_eq!(kind(&v), "object");
    }
}
