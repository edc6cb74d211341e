//! Dates as written, plus their instant when the text is a valid date-time.
//!
//! Hand-written instead of `time`/`chrono`: we need one grammar (xsd:dateTime as profiled by
//! RFC 3339, plus the date-only and Unix-seconds forms of OB 0.5/1.0) and nothing else; about a
//! hundred lines here against a crate with its own feature set to manage.
//! See VCDM 2.0 §4.9 (`validFrom`/`validUntil` are `xsd:dateTimeStamp`), OB 3.0 `DateTimeZ`,
//! OB 2.0 `DateTime` ("ISO 8601 … or Unix timestamp" in 1.0).

use std::fmt;

use serde::de::{self, Deserializer, Visitor};
use serde::{Deserialize, Serialize, Serializer};
use serde_json::Value;

/// An instant on the UTC time line.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Timestamp {
    /// Seconds since 1970-01-01T00:00:00Z. A text without a time zone is read as UTC (see
    /// [`Timestamp::offset_minutes`]).
    pub unix_seconds: i64,
    /// Fraction of the second, in nanoseconds (digits past the ninth are dropped).
    pub nanosecond: u32,
    /// The offset written in the text (`Z` is `Some(0)`), `None` when none was written, as
    /// xsd:dateTime allows but `xsd:dateTimeStamp`/DateTimeZ do not.
    pub offset_minutes: Option<i16>,
}

impl Timestamp {
    /// The tolerant reading (Open Badges 0.5–2.0, display): `YYYY-MM-DD`, or
    /// `YYYY-MM-DDThh:mm[:ss[.f+]][Z|±hh:mm]` (a lower-case `t`/`z` and a space separator are
    /// accepted, as RFC 3339 §5.6 allows; seconds are optional as in OB 2.0 §DateTime).
    /// Leap second 60 is read as 59; `24:00:00` is the end of the day.
    ///
    /// VCDM dates are read with [`parse_xsd`] instead: the same instants, the stricter lexical
    /// form; the two agree on every text both accept.
    pub fn parse(text: &str) -> Option<Timestamp> {
        let bytes = text.as_bytes();
        let year = digits(bytes, 0, 4)?;
        if bytes.get(4) != Some(&b'-') || bytes.get(7) != Some(&b'-') {
            return None;
        }
        let month = digits(bytes, 5, 2)?;
        let day = digits(bytes, 8, 2)?;
        if !(1..=12).contains(&month) || day < 1 || day > days_in_month(year, month) {
            return None;
        }
        let days = days_from_civil(year, month, day);
        if bytes.len() == 10 {
            return Some(Timestamp {
                unix_seconds: days.checked_mul(86_400)?,
                nanosecond: 0,
                offset_minutes: None,
            });
        }
        if !matches!(bytes.get(10), Some(b'T' | b't' | b' ')) {
            return None;
        }
        let hour = digits(bytes, 11, 2)?;
        let minute = digits(bytes, 14, 2)?;
        if bytes.get(13) != Some(&b':') {
            return None;
        }
        // Seconds are optional in OB 2.0 §DateTime (`2016-12-31T23:59Z`).
        let (second, mut pos) = if bytes.get(16) == Some(&b':') {
            (digits(bytes, 17, 2)?, 19)
        } else {
            (0, 16)
        };
        // 24:00:00 is xsd's end-of-day; accept it only exactly.
        let end_of_day = hour == 24 && minute == 0 && second == 0;
        if (hour > 23 && !end_of_day) || minute > 59 || second > 60 {
            return None;
        }
        let mut nanosecond = 0u32;
        if pos == 19 && bytes.get(pos) == Some(&b'.') {
            pos += 1;
            let start = pos;
            let mut scale = 100_000_000u32;
            while let Some(d) = bytes.get(pos).filter(|b| b.is_ascii_digit()) {
                nanosecond += u32::from(d - b'0') * scale;
                scale /= 10;
                pos += 1;
            }
            if pos == start {
                return None;
            }
        }
        let offset_minutes = match bytes.get(pos) {
            None => None,
            Some(b'Z' | b'z') if pos + 1 == bytes.len() => Some(0),
            Some(sign @ (b'+' | b'-')) if pos + 6 == bytes.len() => {
                let oh = digits(bytes, pos + 1, 2)?;
                let om = digits(bytes, pos + 4, 2)?;
                if bytes.get(pos + 3) != Some(&b':') || oh > 14 || om > 59 {
                    return None;
                }
                let minutes = i16::try_from(oh * 60 + om).ok()?;
                Some(if *sign == b'-' { -minutes } else { minutes })
            }
            Some(_) => return None,
        };
        let seconds_of_day = hour * 3600 + minute * 60 + second.min(59);
        let unix_seconds = days
            .checked_mul(86_400)?
            .checked_add(seconds_of_day)?
            .checked_sub(i64::from(offset_minutes.unwrap_or(0)) * 60)?;
        Some(Timestamp {
            unix_seconds,
            nanosecond,
            offset_minutes,
        })
    }

    /// The instant from Unix seconds (OB 1.0 numeric `issuedOn`/`expires`), in UTC.
    pub fn from_unix_seconds(unix_seconds: i64) -> Timestamp {
        Timestamp {
            unix_seconds,
            nanosecond: 0,
            offset_minutes: Some(0),
        }
    }

    /// The instant as RFC 3339 in UTC, e.g. `2010-01-01T00:00:00Z` (fraction only when non-zero).
    pub fn to_rfc3339(&self) -> String {
        let days = self.unix_seconds.div_euclid(86_400);
        let secs = self.unix_seconds.rem_euclid(86_400);
        let (year, month, day) = civil_from_days(days);
        let mut out = format!(
            "{year:04}-{month:02}-{day:02}T{:02}:{:02}:{:02}",
            secs / 3600,
            secs / 60 % 60,
            secs % 60
        );
        if self.nanosecond != 0 {
            let fraction = format!("{:09}", self.nanosecond);
            out.push('.');
            out.push_str(fraction.trim_end_matches('0'));
        }
        out.push('Z');
        out
    }
}

/// Whether an `xsd:dateTime` must carry a time-zone offset.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Zone {
    /// `xsd:dateTimeStamp` (VCDM 2.0 `validFrom`/`validUntil`, OB 3.0 `DateTimeZ`).
    Required,
    /// `xsd:dateTime` (VCDM 1.1 `issuanceDate`; a missing offset reads as UTC).
    Optional,
}

/// Why a text is not an `xsd:dateTime` / `xsd:dateTimeStamp`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
pub enum DateTimeDefect {
    /// Not `YYYY-MM-DDThh:mm:ss[.s+][Z|±hh:mm]` at all (a date alone, a space separator, a
    /// leap second `:60`, an offset beyond ±14:00 are all this).
    #[error("not an xsd:dateTime (YYYY-MM-DDThh:mm:ss with an optional fraction and offset)")]
    NotDateTime,
    /// The right shape without the time-zone offset that `xsd:dateTimeStamp` requires.
    #[error("the time zone offset (Z or ±hh:mm) is missing")]
    MissingZone,
    /// The right shape, but a day the month does not have (e.g. `2023-02-30`).
    #[error("the month has no such day")]
    NoSuchDay,
}

/// The strict reading: the XML Schema 1.1 Part 2 lexical form of `dateTime` /
/// `dateTimeStamp` (VCDM 2.0 §5.8 reproduces the grammar), used by every VCDM date check (the
/// data-model rules, the validity window, proof `created`/`expires`).
///
/// `Ok(Some(_))` is the instant (a missing offset reads as UTC, VCDM 2.0 §5.8; `24:00:00` is
/// the next midnight); `Ok(None)` is a valid form whose instant is outside what we compute
/// (years beyond four digits, negative years).
pub fn parse_xsd(text: &str, zone: Zone) -> Result<Option<Timestamp>, DateTimeDefect> {
    use DateTimeDefect::{MissingZone, NoSuchDay, NotDateTime};
    let b = text.as_bytes();
    let mut pos = usize::from(b.first() == Some(&b'-'));
    let year_start = pos;
    while b.get(pos).is_some_and(u8::is_ascii_digit) {
        pos += 1;
    }
    let year_digits = pos - year_start;
    // `-?([1-9][0-9]{3,}|0[0-9]{3})`: at least four digits, no leading zero beyond four.
    if year_digits < 4 || (year_digits > 4 && b.get(year_start) == Some(&b'0')) {
        return Err(NotDateTime);
    }
    let field = |at: usize, sep: u8| -> Option<i64> {
        if b.get(at) != Some(&sep) {
            return None;
        }
        digits(b, at + 1, 2)
    };
    let month = field(pos, b'-').ok_or(NotDateTime)?;
    let day = field(pos + 3, b'-').ok_or(NotDateTime)?;
    let hour = field(pos + 6, b'T').ok_or(NotDateTime)?;
    let minute = field(pos + 9, b':').ok_or(NotDateTime)?;
    let second = field(pos + 12, b':').ok_or(NotDateTime)?;
    pos += 15;
    let mut fraction_is_zero = true;
    if b.get(pos) == Some(&b'.') {
        pos += 1;
        let start = pos;
        while let Some(d) = b.get(pos).filter(|d| d.is_ascii_digit()) {
            fraction_is_zero &= *d == b'0';
            pos += 1;
        }
        if pos == start {
            return Err(NotDateTime);
        }
    }
    let end_of_day = hour == 24 && minute == 0 && second == 0 && fraction_is_zero;
    if !(1..=12).contains(&month)
        || !(1..=31).contains(&day)
        || (hour > 23 && !end_of_day)
        || minute > 59
        || second > 59
    {
        return Err(NotDateTime);
    }
    match b.get(pos) {
        None if zone == Zone::Required => return Err(MissingZone),
        None => {}
        Some(b'Z') if pos + 1 == b.len() => {}
        Some(b'+' | b'-') if pos + 6 == b.len() => {
            let (h, m) = (digits(b, pos + 1, 2), digits(b, pos + 4, 2));
            let valid = b.get(pos + 3) == Some(&b':')
                && matches!((h, m), (Some(0..=13), Some(0..=59)) | (Some(14), Some(0)));
            if !valid {
                return Err(NotDateTime);
            }
        }
        Some(_) => return Err(NotDateTime),
    }
    let year = text
        .get(year_start..year_start + year_digits)
        .and_then(|y| y.parse::<i64>().ok())
        .unwrap_or(i64::MAX);
    if day > days_in_month(year, month) {
        return Err(NoSuchDay);
    }
    if year_start != 0 || year_digits != 4 {
        return Ok(None);
    }
    // Same instant as the tolerant reading, which accepts every strict form.
    Ok(Timestamp::parse(text))
}

/// Unix seconds as RFC 3339 in UTC (`2010-01-01T00:00:00Z`): how reports print instants.
#[must_use]
pub fn format_unix(unix_seconds: i64) -> String {
    Timestamp::from_unix_seconds(unix_seconds).to_rfc3339()
}

impl fmt::Display for Timestamp {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.to_rfc3339())
    }
}

fn digits(bytes: &[u8], start: usize, len: usize) -> Option<i64> {
    let slice = bytes.get(start..start.checked_add(len)?)?;
    slice.iter().try_fold(0i64, |acc, b| {
        b.is_ascii_digit().then(|| acc * 10 + i64::from(b - b'0'))
    })
}

fn is_leap(year: i64) -> bool {
    (year % 4 == 0 && year % 100 != 0) || year % 400 == 0
}

fn days_in_month(year: i64, month: i64) -> i64 {
    match month {
        2 if is_leap(year) => 29,
        2 => 28,
        4 | 6 | 9 | 11 => 30,
        _ => 31,
    }
}

/// Days since 1970-01-01 of a proleptic Gregorian date (H. Hinnant's `days_from_civil`).
fn days_from_civil(year: i64, month: i64, day: i64) -> i64 {
    let y = if month <= 2 { year - 1 } else { year };
    let era = y.div_euclid(400);
    let yoe = y.rem_euclid(400);
    let mp = (month + 9) % 12;
    let doy = (153 * mp + 2) / 5 + day - 1;
    let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    era * 146_097 + doe - 719_468
}

fn civil_from_days(days: i64) -> (i64, i64, i64) {
    let z = days + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z.rem_euclid(146_097);
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let day = doy - (153 * mp + 2) / 5 + 1;
    let month = if mp < 10 { mp + 3 } else { mp - 9 };
    let year = yoe + era * 400 + i64::from(month <= 2);
    (year, month, day)
}

/// A date property as written (a string, or a number of Unix seconds in OB 1.0) and the instant
/// it denotes when it is valid. Writing it back gives the original value.
#[derive(Debug, Clone, PartialEq)]
pub struct DateTime {
    original: Value,
    parsed: Option<Timestamp>,
}

impl DateTime {
    /// Reads a date text.
    pub fn from_text(text: &str) -> DateTime {
        DateTime {
            original: Value::String(text.to_owned()),
            parsed: Timestamp::parse(text),
        }
    }

    /// The value as written: a JSON string, or a JSON number for Unix seconds.
    pub fn original(&self) -> &Value {
        &self.original
    }

    /// The text as written (numbers in decimal).
    pub fn text(&self) -> String {
        match &self.original {
            Value::String(text) => text.clone(),
            other => other.to_string(),
        }
    }

    /// The instant, when the text is a valid date or date-time.
    pub fn parsed(&self) -> Option<Timestamp> {
        self.parsed
    }
}

impl fmt::Display for DateTime {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match &self.original {
            Value::String(text) => f.write_str(text),
            other => write!(f, "{other}"),
        }
    }
}

impl Serialize for DateTime {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        self.original.serialize(serializer)
    }
}

impl<'de> Deserialize<'de> for DateTime {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        struct DateTimeVisitor;

        impl Visitor<'_> for DateTimeVisitor {
            type Value = DateTime;

            fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str("a date-time string (or Unix seconds)")
            }

            fn visit_str<E: de::Error>(self, v: &str) -> Result<Self::Value, E> {
                Ok(DateTime::from_text(v))
            }

            fn visit_i64<E: de::Error>(self, v: i64) -> Result<Self::Value, E> {
                Ok(DateTime {
                    original: Value::from(v),
                    parsed: Some(Timestamp::from_unix_seconds(v)),
                })
            }

            fn visit_u64<E: de::Error>(self, v: u64) -> Result<Self::Value, E> {
                Ok(DateTime {
                    original: Value::from(v),
                    parsed: i64::try_from(v).ok().map(Timestamp::from_unix_seconds),
                })
            }

            fn visit_f64<E: de::Error>(self, v: f64) -> Result<Self::Value, E> {
                Ok(DateTime {
                    original: Value::from(v),
                    parsed: None,
                })
            }
        }

        deserializer.deserialize_any(DateTimeVisitor)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The four texts on which the project's old grammars disagreed (a date alone, a space
    /// separator, `T24:00:00Z`, a leap second): one grammar now answers each, strictly for VCDM
    /// and tolerantly for Open Badges, and where both accept they give the same instant.
    #[test]
    fn one_grammar_answers_the_old_disagreements() {
        let day = 1_748_736_000; // 2025-06-01T00:00:00Z
        type Strict = Result<Option<i64>, DateTimeDefect>;
        let cases: [(&str, Strict, Option<i64>); 5] = [
            ("2025-06-01", Err(DateTimeDefect::NotDateTime), Some(day)),
            (
                "2025-06-01 00:00:00Z",
                Err(DateTimeDefect::NotDateTime),
                Some(day),
            ),
            (
                "2025-06-01T24:00:00Z",
                Ok(Some(day + 86_400)),
                Some(day + 86_400),
            ),
            (
                "2025-06-01T23:59:60Z",
                Err(DateTimeDefect::NotDateTime),
                Some(day + 86_399),
            ),
            ("2025-06-01T00:00:00Z", Ok(Some(day)), Some(day)),
        ];
        for (text, strict, tolerant) in cases {
            assert_eq!(
                parse_xsd(text, Zone::Required).map(|t| t.map(|t| t.unix_seconds)),
                strict,
                "{text}"
            );
            assert_eq!(
                Timestamp::parse(text).map(|t| t.unix_seconds),
                tolerant,
                "{text}"
            );
        }
        assert_eq!(
            parse_xsd("2025-06-01T00:00:00", Zone::Required),
            Err(DateTimeDefect::MissingZone)
        );
        assert_eq!(
            parse_xsd("2025-06-01T00:00:00", Zone::Optional).map(|t| t.map(|t| t.unix_seconds)),
            Ok(Some(day))
        );
        assert_eq!(
            parse_xsd("2023-02-30T00:00:00Z", Zone::Required),
            Err(DateTimeDefect::NoSuchDay)
        );
        assert_eq!(parse_xsd("12025-06-01T00:00:00Z", Zone::Required), Ok(None));
        // OB 2.0: seconds are optional.
        assert_eq!(
            Timestamp::parse("2025-06-01T00:00Z").map(|t| t.unix_seconds),
            Some(day)
        );
        assert_eq!(format_unix(day), "2025-06-01T00:00:00Z");
    }

    #[test]
    fn parses_rfc3339_forms() {
        let t = Timestamp::parse("2010-01-01T00:00:00Z").unwrap();
        assert_eq!(t.unix_seconds, 1_262_304_000);
        assert_eq!(t.offset_minutes, Some(0));
        let t = Timestamp::parse("2022-05-26T18:17:08.123+02:00").unwrap();
        assert_eq!(t.to_rfc3339(), "2022-05-26T16:17:08.123Z");
        assert_eq!(
            Timestamp::parse("2016-12-31T23:59:59")
                .unwrap()
                .offset_minutes,
            None
        );
        assert_eq!(
            Timestamp::parse("2013-06-01").unwrap().to_rfc3339(),
            "2013-06-01T00:00:00Z"
        );
        assert_eq!(
            Timestamp::parse("1969-12-31T23:59:59Z")
                .unwrap()
                .unix_seconds,
            -1
        );
    }

    #[test]
    fn rejects_invalid_dates() {
        for bad in [
            "",
            "2010-13-01T00:00:00Z",
            "2010-02-29T00:00:00Z",
            "2010-01-01T25:00:00Z",
            "2010-01-01T00:00:00+2:00",
            "2010-01-01T00:00:00.Z",
            "2010-01-01T00:00:00Zjunk",
            "2010-1-01",
            "１２３４-01-01",
        ] {
            assert_eq!(Timestamp::parse(bad), None, "{bad}");
        }
        assert!(Timestamp::parse("2012-02-29T00:00:00Z").is_some());
    }

    #[test]
    fn numbers_are_unix_seconds_and_round_trip() {
        let d: DateTime = serde_json::from_value(serde_json::json!(1359217910)).unwrap();
        assert_eq!(d.parsed().unwrap().to_rfc3339(), "2013-01-26T16:31:50Z");
        assert_eq!(
            serde_json::to_value(&d).unwrap(),
            serde_json::json!(1359217910)
        );
    }
}
