//! The lexical forms the data model prescribes for values: URLs, `xsd:dateTimeStamp` /
//! `xsd:dateTime`, and language tags. Hand-written byte scanners, no regex: these run on every
//! credential in a bulk verification and allocate nothing.

/// Whether `s` is an absolute URL in the sense of VCDM 2.0 §4.4 / 1.1 §4.2 ("a URL" / "a URI"):
/// an RFC 3986 scheme (`ALPHA *( ALPHA / DIGIT / "+" / "-" / "." )`), a colon, something after
/// it, no whitespace or control characters, none of the characters RFC 3987 excludes from IRIs
/// (`<>"{}|\^` and backtick), and at most one `#`. Non-ASCII characters are allowed (IRIs).
///
/// `did:example:123`, `urn:uuid:…` and `https://…` pass; `fake-issuer`, `z6Mk…` (no scheme) and
/// `https ://not-a-url` (a space in the scheme) do not.
pub(super) fn is_url(s: &str) -> bool {
    let bytes = s.as_bytes();
    let Some(colon) = bytes.iter().position(|&b| b == b':') else {
        return false;
    };
    let Some((first, rest_of_scheme)) = bytes.get(..colon).and_then(<[u8]>::split_first) else {
        return false;
    };
    if !first.is_ascii_alphabetic()
        || !rest_of_scheme
            .iter()
            .all(|b| b.is_ascii_alphanumeric() || matches!(b, b'+' | b'-' | b'.'))
    {
        return false;
    }
    let after = bytes.get(colon + 1..).unwrap_or_default();
    if after.is_empty() {
        return false;
    }
    let mut fragments = 0u8;
    for &b in after {
        match b {
            0..=0x20 | 0x7f | b'<' | b'>' | b'"' | b'{' | b'}' | b'|' | b'\\' | b'^' | b'`' => {
                return false;
            }
            b'#' => {
                fragments += 1;
                if fragments > 1 {
                    return false;
                }
            }
            _ => {}
        }
    }
    true
}

pub(super) use credbridge_model::DateTimeDefect;
pub(super) use credbridge_model::Zone;

/// Checks the XML Schema 1.1 Part 2 lexical form of a `dateTime` / `dateTimeStamp` and returns
/// its instant in Unix seconds when it has one we can compute: the one grammar,
/// [`credbridge_model::parse_xsd`], which the validity check reads dates with too.
pub(super) fn date_time(s: &str, zone: Zone) -> Result<Option<i64>, DateTimeDefect> {
    credbridge_model::parse_xsd(s, zone).map(|t| t.map(|t| t.unix_seconds))
}

/// Whether `s` has the shape of a BCP 47 language tag (RFC 5646 §2.1, simplified to what a
/// structural check can say): subtags of 1–8 ASCII letters or digits joined by `-`, the first
/// all letters. `en`, `fr-CA`, `zh-Hant-TW`, `x-private` pass; `""`, `en_US`, `english!` do not.
pub(super) fn is_language_tag(s: &str) -> bool {
    let mut subtags = s.split('-');
    let first_ok = subtags
        .next()
        .is_some_and(|t| (1..=8).contains(&t.len()) && t.bytes().all(|b| b.is_ascii_alphabetic()));
    first_ok
        && subtags
            .all(|t| (1..=8).contains(&t.len()) && t.bytes().all(|b| b.is_ascii_alphanumeric()))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn urls() {
        for ok in [
            "did:example:subject",
            "urn:uuid:9c9a36f8-518f-4976-a934-6649502d0008",
            "https://example.org/#ExampleCredential",
            "data:application/vc+jwt,eyJ",
            "https://例え.jp/ü",
        ] {
            assert!(is_url(ok), "{ok}");
        }
        for bad in [
            "",
            "fake-issuer",
            "z6MkpJySvETLnxhQG9DzEdmKJtysBDjuuTeDfUj1uNNCUqcj",
            "https ://not-a-url/vcs/1",
            "did:",
            ":no-scheme",
            "1http://x",
            "https://a b",
            "https://x/#a#b",
            "https://x/<y>",
        ] {
            assert!(!is_url(bad), "{bad}");
        }
    }

    #[test]
    fn date_time_stamps() {
        use DateTimeDefect::*;
        let stamp = |s| date_time(s, Zone::Required);
        assert_eq!(stamp("1970-01-01T00:00:00Z"), Ok(Some(0)));
        assert_eq!(stamp("2023-02-26T01:02:58.447Z"), Ok(Some(1_677_373_378)));
        assert_eq!(stamp("2023-02-25T19:10:39-06:00"), Ok(Some(1_677_373_839)));
        assert_eq!(
            stamp("4023-02-26T01:02:58.447Z").map(|t| t.is_some()),
            Ok(true)
        );
        assert_eq!(stamp("12023-02-26T01:02:58Z"), Ok(None));
        assert_eq!(stamp("-0044-03-15T12:00:00Z"), Ok(None));
        // End of day: the one grammar gives the next midnight (validity reads it the same way).
        assert_eq!(stamp("2023-02-26T24:00:00Z"), Ok(Some(1_677_456_000)));
        assert_eq!(
            stamp("2023-02-26T01:02:58+14:00").map(|t| t.is_some()),
            Ok(true)
        );
        assert_eq!(stamp("2023-02-26T01:02:58"), Err(MissingZone));
        assert_eq!(stamp("2023-02-30T01:02:58Z"), Err(NoSuchDay));
        assert_eq!(stamp("2024-02-29T01:02:58Z").map(|t| t.is_some()), Ok(true));
        for bad in [
            "Sat 25 Feb 2023 07:16:31 PM CST",
            "Sun, 26 Feb 2023 01:22:14 +0000",
            "2023-02-26",
            "2023-02-26 01:02:58Z",
            "2023-02-26t01:02:58Z",
            "2023-02-26T01:02:58z",
            "2023-02-26T01:02:58.Z",
            "2023-02-26T01:02:60Z",
            "2023-02-26T24:00:01Z",
            "2023-13-26T01:02:58Z",
            "2023-02-26T01:02:58+15:00",
            "2023-02-26T01:02:58+14:30",
            "2023-02-26T01:02:58+0100",
            "02023-02-26T01:02:58Z",
            "023-02-26T01:02:58Z",
            "2023-02-26T01:02:58ZZ",
        ] {
            assert_eq!(stamp(bad), Err(NotDateTime), "{bad}");
        }
        assert_eq!(
            date_time("2010-01-01T19:23:24", Zone::Optional),
            Ok(Some(1_262_373_804))
        );
    }

    #[test]
    fn language_tags() {
        for ok in ["en", "fr-CA", "zh-Hant-TW", "x-private", "ar"] {
            assert!(is_language_tag(ok), "{ok}");
        }
        for bad in ["", "en_US", "english!", "en-", "-en", "toolongtag"] {
            assert!(!is_language_tag(bad), "{bad}");
        }
    }
}
