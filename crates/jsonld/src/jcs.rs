//! JSON Canonicalization Scheme (RFC 8785): the one implementation of the workspace, used for
//! the lexical form of `@json` literals here (JSON-LD 1.1 API, object to RDF conversion step 10)
//! and by eddsa-jcs-2022 / ecdsa-jcs-2019 in `credbridge-proofs`.
//!
//! Written here rather than taken from `serde_jcs` because it is ~60 lines over `serde_json`
//! values we already hold (no re-serialisation through `Serialize`), and the one hard part,
//! ES6 number formatting, comes from `ryu-js`, the same crate `serde_jcs` uses. Tested against
//! the RFC 8785 examples and the W3C vectors' canonical documents.

use serde_json::{Map, Number, Value};

/// Why a value cannot be canonicalised.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum JcsError {
    /// A number is not a finite IEEE-754 double (RFC 8785 §3.2.2.3 forbids NaN and infinities).
    #[error("number {number} cannot be represented as a finite IEEE-754 double")]
    NonFiniteNumber {
        /// The number as written.
        number: String,
    },
    /// The value nests deeper than [`MAX_JCS_DEPTH`].
    #[error("json nests deeper than the limit of {limit}")]
    TooDeep {
        /// The limit.
        limit: usize,
    },
}

/// Deepest nesting canonicalised (recursion bound).
pub const MAX_JCS_DEPTH: usize = 128;

/// Canonicalises `value` (RFC 8785): object members sorted by UTF-16 code units, no whitespace,
/// ES6 number formatting, minimal string escaping.
pub fn canonicalize(value: &Value) -> Result<String, JcsError> {
    let mut out = String::with_capacity(256);
    write_value(&mut out, value, 0)?;
    Ok(out)
}

/// Canonicalises a JSON object given as a map (no copy into a [`Value`] needed).
pub fn canonicalize_object(map: &Map<String, Value>) -> Result<String, JcsError> {
    let mut out = String::with_capacity(256);
    write_object(&mut out, map, 0)?;
    Ok(out)
}

fn write_value(out: &mut String, value: &Value, depth: usize) -> Result<(), JcsError> {
    if depth > MAX_JCS_DEPTH {
        return Err(JcsError::TooDeep {
            limit: MAX_JCS_DEPTH,
        });
    }
    match value {
        Value::Null => out.push_str("null"),
        Value::Bool(b) => out.push_str(if *b { "true" } else { "false" }),
        Value::Number(n) => write_number(out, n)?,
        Value::String(s) => write_string(out, s),
        Value::Array(items) => {
            out.push('[');
            for (i, item) in items.iter().enumerate() {
                if i > 0 {
                    out.push(',');
                }
                write_value(out, item, depth + 1)?;
            }
            out.push(']');
        }
        Value::Object(map) => write_object(out, map, depth)?,
    }
    Ok(())
}

fn write_object(out: &mut String, map: &Map<String, Value>, depth: usize) -> Result<(), JcsError> {
    let mut entries: Vec<(&String, &Value)> = map.iter().collect();
    // RFC 8785 §3.2.3: sort by the UTF-16 code units of the names.
    entries.sort_by(|a, b| a.0.encode_utf16().cmp(b.0.encode_utf16()));
    out.push('{');
    for (i, (key, value)) in entries.into_iter().enumerate() {
        if i > 0 {
            out.push(',');
        }
        write_string(out, key);
        out.push(':');
        write_value(out, value, depth + 1)?;
    }
    out.push('}');
    Ok(())
}

fn write_number(out: &mut String, n: &Number) -> Result<(), JcsError> {
    // Every JSON number is an IEEE double in JCS; integers beyond 2^53 lose precision exactly
    // as they would in JavaScript.
    let f = n.as_f64().ok_or_else(|| JcsError::NonFiniteNumber {
        number: n.to_string(),
    })?;
    if !f.is_finite() {
        return Err(JcsError::NonFiniteNumber {
            number: n.to_string(),
        });
    }
    if f == 0.0 {
        // -0 serialises as 0.
        out.push('0');
        return Ok(());
    }
    let mut buffer = ryu_js::Buffer::new();
    out.push_str(buffer.format_finite(f));
    Ok(())
}

fn write_string(out: &mut String, s: &str) {
    out.push('"');
    for c in s.chars() {
        match c {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            '\u{08}' => out.push_str("\\b"),
            '\u{09}' => out.push_str("\\t"),
            '\u{0a}' => out.push_str("\\n"),
            '\u{0c}' => out.push_str("\\f"),
            '\u{0d}' => out.push_str("\\r"),
            c if (c as u32) < 0x20 => out.push_str(&format!("\\u{:04x}", c as u32)),
            c => out.push(c),
        }
    }
    out.push('"');
}

#[cfg(test)]
mod tests {
    use super::*;

    fn canon(text: &str) -> String {
        canonicalize(&serde_json::from_str(text).unwrap()).unwrap()
    }

    /// RFC 8785 §3.2.2 example ("Sample Input" / "Output of Canonicalization").
    #[test]
    fn rfc8785_section_3_2_2_example() {
        let input = r#"{
          "numbers": [333333333.33333329, 1E30, 4.50, 2e-3, 0.000000000000000000000000001],
          "string": "\u20ac$\u000F\u000aA'\u0042\u0022\u005c\\\"\/",
          "literals": [null, true, false]
        }"#;
        assert_eq!(
            canon(input),
            r#"{"literals":[null,true,false],"numbers":[333333333.3333333,1e+30,4.5,0.002,1e-27],"string":"€$\u000f\nA'B\"\\\\\"/"}"#
        );
    }

    /// RFC 8785 §3.2.3: sorting by UTF-16 code units, not code points.
    #[test]
    fn rfc8785_sorting_example() {
        let input = r#"{
          "\u20ac": "Euro Sign",
          "\r": "Carriage Return",
          "\ufb33": "Hebrew Letter Dalet With Dagesh",
          "1": "One",
          "\ud83d\ude00": "Emoji: Grinning Face",
          "\u0080": "Control",
          "\u00f6": "Latin Small Letter O With Diaeresis"
        }"#;
        let out = canon(input);
        let keys: Vec<&str> = [
            "\\r",
            "1",
            "\u{80}",
            "\u{f6}",
            "\u{20ac}",
            "\u{1f600}",
            "\u{fb33}",
        ]
        .to_vec();
        let mut pos = 0;
        for k in keys {
            let found = out[pos..].find(&format!("\"{k}\"")).unwrap();
            pos += found;
        }
    }

    /// RFC 8785 Appendix B number samples (IEEE hex → expected text).
    #[test]
    fn rfc8785_appendix_b_numbers() {
        let cases: [(u64, &str); 14] = [
            (0x0000000000000000, "0"),
            (0x8000000000000000, "0"),
            (0x0000000000000001, "5e-324"),
            (0x8000000000000001, "-5e-324"),
            (0x7fefffffffffffff, "1.7976931348623157e+308"),
            (0xffefffffffffffff, "-1.7976931348623157e+308"),
            (0x4340000000000000, "9007199254740992"),
            (0xc340000000000000, "-9007199254740992"),
            (0x4430000000000000, "295147905179352830000"),
            (0x44b52d02c7e14af5, "9.999999999999997e+22"),
            (0x44b52d02c7e14af6, "1e+23"),
            (0x3eb0c6f7a0b5ed8d, "0.000001"),
            (0x3eb0c6f7a0b5ed8c, "9.999999999999997e-7"),
            (0x41b3de4355555555, "333333333.3333333"),
        ];
        for (bits, expected) in cases {
            let n = Number::from_f64(f64::from_bits(bits)).unwrap();
            let mut out = String::new();
            write_number(&mut out, &n).unwrap();
            assert_eq!(out, expected, "bits {bits:#x}");
        }
    }

    #[test]
    fn deep_nesting_is_an_error_not_a_stack_overflow() {
        let mut v = Value::Null;
        for _ in 0..(MAX_JCS_DEPTH + 5) {
            v = Value::Array(vec![v]);
        }
        assert!(matches!(canonicalize(&v), Err(JcsError::TooDeep { .. })));
    }

    #[test]
    fn numbers_like_ecmascript() {
        for (f, s) in [
            (1.0, "1"),
            (-1.5, "-1.5"),
            (1e21, "1e+21"),
            (1e20, "100000000000000000000"),
            (0.000001, "0.000001"),
            (1e-7, "1e-7"),
            (123.456, "123.456"),
            (5e-324, "5e-324"),
            (1.7976931348623157e308, "1.7976931348623157e+308"),
        ] {
            let n = Number::from_f64(f).unwrap();
            let mut out = String::new();
            write_number(&mut out, &n).unwrap();
            assert_eq!(out, s, "{f}");
        }
    }

    #[test]
    fn sorts_keys_by_utf16() {
        let v: Value =
            serde_json::from_str(r#"{"b":[1,{"d":true,"c":null}],"a":"\u0001x"}"#).unwrap();
        assert_eq!(
            canonicalize(&v).unwrap(),
            r#"{"a":"\u0001x","b":[1,{"c":null,"d":true}]}"#
        );
    }
}
