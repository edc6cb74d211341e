//! Proof `created` / `expires` and the VC-JWT `nbf` / `exp` bindings as Unix seconds, read and
//! written with the one date grammar of the workspace (`credbridge_model::parse_xsd`, the
//! XML Schema `dateTime` lexical form that VCDM 2.0 §5.8 reproduces). Time is always passed
//! in; nothing here reads a clock.

use credbridge_model::{Zone, format_unix, parse_xsd};

/// Parses an `xsd:dateTime` to Unix seconds (the fraction dropped). A missing offset reads
/// as UTC, as VCDM 1.1 credentials often omit it; a text that is not an `xsd:dateTime` (a
/// date alone, a space separator, a leap second) or an instant outside four-digit years is
/// `None`.
#[must_use]
pub fn parse_datetime(text: &str) -> Option<i64> {
    parse_xsd(text, Zone::Optional)
        .ok()
        .flatten()
        .map(|t| t.unix_seconds)
}

/// Formats Unix seconds as `YYYY-MM-DDTHH:MM:SSZ`.
#[must_use]
pub fn format_datetime(unix: i64) -> String {
    format_unix(unix)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_and_formats() {
        assert_eq!(parse_datetime("1970-01-01T00:00:00Z"), Some(0));
        assert_eq!(parse_datetime("2010-01-01T19:23:24Z"), Some(1_262_373_804));
        assert_eq!(
            parse_datetime("2010-01-01T19:23:24.123Z"),
            Some(1_262_373_804)
        );
        assert_eq!(
            parse_datetime("2010-01-01T20:23:24+01:00"),
            Some(1_262_373_804)
        );
        assert_eq!(parse_datetime("2010-01-01T19:23:24"), Some(1_262_373_804));
        assert_eq!(format_datetime(1_262_373_804), "2010-01-01T19:23:24Z");
        assert_eq!(parse_datetime("2023-02-30T00:00:00Z"), None);
        assert_eq!(
            parse_datetime("2024-02-29T00:00:00Z")
                .map(format_datetime)
                .as_deref(),
            Some("2024-02-29T00:00:00Z")
        );
    }

    /// The forms on which the three grammars of old disagreed are answered once, as the
    /// data-model check and the validity window answer them.
    #[test]
    fn agrees_with_the_model_grammar() {
        for text in [
            "2023-02-24 23:36:38Z",
            "2023-02-24",
            "2023-02-24t23:36:38z",
            "2016-12-31T23:59:60Z",
        ] {
            assert_eq!(parse_datetime(text), None, "{text}");
            assert!(parse_xsd(text, Zone::Optional).is_err(), "{text}");
        }
        // xsd:dateTime's end of day is the next midnight, here as there.
        assert_eq!(
            parse_datetime("2023-02-24T24:00:00Z"),
            parse_datetime("2023-02-25T00:00:00Z")
        );
    }
}
