//! Tolerant readers over raw credential JSON, with JSON pointers.
//!
//! Real credentials compact single values (`"type": "Achievement"` or an array, an issuer as an
//! IRI or an object, a name as a string or a language map), so every read here accepts each shape
//! the specifications allow and never fails: a missing or odd value reads as absent.

use serde_json::Value;

/// The most values read from one list (alignments, results, evidence, identifiers): a crafted
/// credential can't make a record grow without bound.
pub const MAX_LIST_VALUES: usize = 256;

/// A string field of an object, or the `id` of an object in that field, or the best text of a
/// language map (`{"en": "…"}` / `[{"@value": "…", "@language": "en"}]`).
pub(crate) fn str_at<'a>(value: &'a Value, key: &str) -> Option<&'a str> {
    text(value.get(key)?)
}

/// A value as text: a string; an object's `@value` or `id`; a language map's English (else first)
/// entry; the first element of an array.
pub(crate) fn text(value: &Value) -> Option<&str> {
    match value {
        Value::String(s) => Some(s.as_str()).filter(|s| !s.trim().is_empty()),
        Value::Array(items) => items.iter().find_map(text),
        Value::Object(map) => {
            if let Some(v) = map.get("@value").or_else(|| map.get("id")) {
                return text(v);
            }
            // A language map (ELM `{"en": "…"}`): English first, else the first entry.
            map.get("en").and_then(text).or_else(|| {
                map.values()
                    .find_map(|v| v.as_str().filter(|s| !s.trim().is_empty()))
            })
        }
        _ => None,
    }
}

/// A number field, written as a number or as a numeric string.
pub(crate) fn number_at(value: &Value, key: &str) -> Option<f64> {
    match value.get(key)? {
        Value::Number(n) => n.as_f64(),
        Value::String(s) => s.trim().parse().ok(),
        _ => None,
    }
}

/// A field that may be one value or an array, as a slice of at most [`MAX_LIST_VALUES`].
pub(crate) fn array<'a>(value: &'a Value, key: &str) -> &'a [Value] {
    match value.get(key) {
        Some(Value::Array(items)) => items
            .get(..items.len().min(MAX_LIST_VALUES))
            .unwrap_or_default(),
        Some(one @ (Value::Object(_) | Value::String(_))) => std::slice::from_ref(one),
        _ => &[],
    }
}

/// `base` + one escaped reference token (RFC 6901: `~` → `~0`, `/` → `~1`).
pub(crate) fn child(base: &str, token: &str) -> String {
    let mut out = String::with_capacity(base.len() + token.len() + 1);
    out.push_str(base);
    out.push('/');
    credbridge_model::json::push_escaped(&mut out, token);
    out
}

/// The pointer of element `index` of the list at `base`/`key`: a single (compacted) value has no
/// index of its own.
pub(crate) fn element(base: &str, key: &str, value: &Value, index: usize) -> String {
    let list = child(base, key);
    if value.get(key).is_some_and(Value::is_array) {
        format!("{list}/{index}")
    } else {
        list
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn reads_each_shape() {
        let v = json!({"a": "x", "b": {"id": "urn:b"}, "c": {"en": "hello", "fr": "bonjour"},
                       "d": [{"@value": "v", "@language": "en"}], "e": "  ", "n": "4.5"});
        assert_eq!(str_at(&v, "a"), Some("x"));
        assert_eq!(str_at(&v, "b"), Some("urn:b"));
        assert_eq!(str_at(&v, "c"), Some("hello"));
        assert_eq!(str_at(&v, "d"), Some("v"));
        assert_eq!(str_at(&v, "e"), None);
        assert_eq!(number_at(&v, "n"), Some(4.5));
        assert_eq!(array(&v, "a").len(), 1);
        assert_eq!(child("/x", "a/b~c"), "/x/a~1b~0c");
        assert_eq!(element("", "a", &v, 3), "/a");
        assert_eq!(element("", "d", &v, 0), "/d/0");
    }
}
