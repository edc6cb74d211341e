//! The one status-list bitstring codec: `encodedList` → [`Bitstring`] and reading one entry
//! from it ([`decode_bitstring`], used by verification), and entries → `encodedList`
//! ([`encode_bitstring`], used by issuing and by the benchmarks). Pure functions, no I/O.
//!
//! The three list formats share one algorithm (base64 of a compressed bitstring, one entry of
//! `statusSize` bits per credential) and differ in the details this module is tolerant of:
//!
//! | format | multibase prefix | compression | bit 0 is |
//! |---|---|---|---|
//! | Bitstring Status List v1.0 | `u` (base64url), required by the spec | GZIP | the most significant bit of byte 0 |
//! | StatusList2021 (CCG draft) | none (base64 or base64url) | GZIP | the most significant bit of byte 0 |
//! | RevocationList2020 (CCG draft) | none | GZIP (zlib accepted) | the **least** significant bit of byte 0 |
//!
//! Any of these is accepted for any format (an issuer's signed list is not rejected for using
//! std base64 instead of base64url); the bit order follows the format, because it cannot be
//! told from the data.

use std::io::Read;

use base64::Engine;
use base64::alphabet;
use base64::engine::{DecodePaddingMode, GeneralPurpose, GeneralPurposeConfig};

/// Longest `encodedList` accepted, in bytes (before base64 decoding). The fetch layer's body
/// limit is lower; this bounds the pure decoder on its own.
pub const MAX_ENCODED_LIST_BYTES: usize = 8 * 1024 * 1024;

/// Largest decompressed bitstring accepted, in bytes: 16 MiB is 134 million one-bit entries,
/// a thousand times the spec's minimum list (16 KiB = 131,072 entries), so real lists fit
/// while a GZIP bomb (which reaches ~1000:1) stops early.
pub const MAX_DECOMPRESSED_LIST_BYTES: usize = 16 * 1024 * 1024;

/// Largest `statusSize` accepted, in bits (entries are read into a `u64`).
pub const MAX_STATUS_SIZE: u32 = 32;

/// The spec's minimum number of entries for herd privacy (Bitstring Status List v1.0 §4,
/// "131,072 … 16KB"). Shorter lists are read anyway (the DCC test lists have 100,000 entries);
/// the evidence notes it.
pub const SPEC_MINIMUM_ENTRIES: u64 = 131_072;

/// Which status-list format a list belongs to: it decides the bit order and the type names.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum ListKind {
    /// W3C Bitstring Status List v1.0 (`BitstringStatusListEntry`).
    BitstringStatusList,
    /// The CCG StatusList2021 draft (`StatusList2021Entry`), the predecessor of the above.
    StatusList2021,
    /// The CCG RevocationList2020 draft (`RevocationList2020Status`).
    RevocationList2020,
}

impl ListKind {
    /// The `credentialStatus.type` of an entry pointing into a list of this kind.
    pub fn entry_type(self) -> &'static str {
        match self {
            ListKind::BitstringStatusList => "BitstringStatusListEntry",
            ListKind::StatusList2021 => "StatusList2021Entry",
            ListKind::RevocationList2020 => "RevocationList2020Status",
        }
    }

    /// The `type` the list credential must have.
    pub fn credential_type(self) -> &'static str {
        match self {
            ListKind::BitstringStatusList => "BitstringStatusListCredential",
            ListKind::StatusList2021 => "StatusList2021Credential",
            ListKind::RevocationList2020 => "RevocationList2020Credential",
        }
    }

    /// The bit order of lists of this kind.
    pub fn bit_order(self) -> BitOrder {
        match self {
            // Bitstring Status List v1.0 §3.3 (Bitstring Generation Algorithm): "the first index,
            // with a value of zero (0), is located at the left-most bit in the bitstring"; the
            // same sentence is in StatusList2021. Confirmed on the DCC fixture list (bits 2, 6
            // and 8 set = bytes 0x22 0x80) and the 1EdTech validator's `testlist` (bit 23).
            ListKind::BitstringStatusList | ListKind::StatusList2021 => BitOrder::MsbFirst,
            // RevocationList2020 had no normative bit order; the reference implementation,
            // digitalbazaar/vc-revocation-list before 6.0.0 (2020-2022, `Bitstring.js`:
            // `const bit = 1 << (position % 8)`), read position 0 as the least significant bit
            // of byte 0, and every RevocationList2020 list in the wild was written by it or its
            // ports (spruceid/ssi reads RevocationList2020 with `bitvec::Lsb0`). Its 6.0.0
            // (2023-01-08) switched to MSB-first and its changelog says legacy lists become
            // incompatible; the legacy order is the one deployed lists use.
            ListKind::RevocationList2020 => BitOrder::LsbFirst,
        }
    }
}

/// Where entry 0 sits in byte 0.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum BitOrder {
    /// Entry 0 is the most significant (left-most) bit of byte 0.
    MsbFirst,
    /// Entry 0 is the least significant bit of byte 0.
    LsbFirst,
}

/// How the `encodedList` was compressed.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Compression {
    /// GZIP (RFC 1952), as every spec requires.
    Gzip,
    /// zlib (RFC 1950), seen in some RevocationList2020 implementations.
    Zlib,
}

/// A decoded status list: the bytes and how to index them.
#[derive(Clone, PartialEq, Eq)]
pub struct Bitstring {
    bytes: Vec<u8>,
    order: BitOrder,
    multibase: Option<char>,
    compression: Compression,
}

impl std::fmt::Debug for Bitstring {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Bitstring")
            .field("bytes", &self.bytes.len())
            .field("order", &self.order)
            .field("multibase", &self.multibase)
            .field("compression", &self.compression)
            .finish()
    }
}

/// Why an `encodedList` could not be decoded, or an entry not read.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum StatusError {
    /// `encodedList` is empty (or only a multibase prefix).
    #[error("encodedList is empty")]
    EmptyEncodedList,
    /// `encodedList` is longer than [`MAX_ENCODED_LIST_BYTES`].
    #[error("encodedList is {len} bytes long, more than the limit of {limit}")]
    EncodedListTooLong {
        /// Its length.
        len: usize,
        /// The limit.
        limit: usize,
    },
    /// `encodedList` is not base64 / base64url.
    #[error("encodedList is not base64 or base64url: {reason}")]
    NotBase64 {
        /// The decoder's message.
        reason: String,
    },
    /// The decoded bytes are neither GZIP nor zlib.
    #[error(
        "encodedList is not GZIP-compressed (it starts with bytes {found}; expected 1f 8b, the GZIP magic)"
    )]
    NotCompressed {
        /// The first bytes, in hex.
        found: String,
    },
    /// Decompression failed (truncated or corrupt stream).
    #[error("encodedList does not decompress: {reason}")]
    Decompress {
        /// The decompressor's message.
        reason: String,
    },
    /// The decompressed list is larger than [`MAX_DECOMPRESSED_LIST_BYTES`].
    #[error("the decompressed status list is larger than the limit of {limit} bytes")]
    DecompressedTooLarge {
        /// The limit.
        limit: usize,
    },
    /// The list decompresses to nothing.
    #[error("the decompressed status list is empty")]
    EmptyList,
    /// `statusSize` is zero or larger than [`MAX_STATUS_SIZE`].
    #[error("statusSize {size} is not supported (it must be 1 to {max})")]
    StatusSize {
        /// The size asked for.
        size: u64,
        /// The limit.
        max: u32,
    },
    /// The entry lies beyond the end of the list.
    #[error(
        "statusListIndex {index} is outside the list, which has {entries} entries of {size} bit(s)"
    )]
    IndexOutOfRange {
        /// The index asked for.
        index: u64,
        /// The entry size in bits.
        size: u32,
        /// The number of whole entries in the list.
        entries: u64,
    },
}

/// Base64 with either alphabet, with or without padding, tolerant of trailing bits.
const LENIENT_BASE64URL: GeneralPurpose = GeneralPurpose::new(
    &alphabet::URL_SAFE,
    GeneralPurposeConfig::new()
        .with_decode_padding_mode(DecodePaddingMode::RequireNone)
        .with_decode_allow_trailing_bits(true),
);

/// Decodes an `encodedList` of a list of `kind`: an optional multibase base64 prefix (`u`, `U`,
/// `m`, `M`), base64 or base64url with or without padding, then GZIP (or zlib).
pub fn decode_bitstring(encoded: &str, kind: ListKind) -> Result<Bitstring, StatusError> {
    let encoded = encoded.trim();
    if encoded.len() > MAX_ENCODED_LIST_BYTES {
        return Err(StatusError::EncodedListTooLong {
            len: encoded.len(),
            limit: MAX_ENCODED_LIST_BYTES,
        });
    }
    // A raw GZIP stream in base64 starts with `H4sI` and a zlib one with `e`, so a leading
    // multibase base64 code (u/U/m/M, multibase table) is unambiguous.
    let (multibase, body) = match encoded.chars().next() {
        Some(prefix @ ('u' | 'U' | 'm' | 'M')) => (Some(prefix), encoded.get(1..).unwrap_or("")),
        _ => (None, encoded),
    };
    let body = body.trim_end_matches('=');
    if body.is_empty() {
        return Err(StatusError::EmptyEncodedList);
    }
    let normalized: String = body
        .chars()
        .map(|c| match c {
            '+' => '-',
            '/' => '_',
            other => other,
        })
        .collect();
    let compressed = LENIENT_BASE64URL
        .decode(normalized.as_bytes())
        .map_err(|e| StatusError::NotBase64 {
            reason: e.to_string(),
        })?;
    let (compression, bytes) = decompress(&compressed)?;
    if bytes.is_empty() {
        return Err(StatusError::EmptyList);
    }
    Ok(Bitstring {
        bytes,
        order: kind.bit_order(),
        multibase,
        compression,
    })
}

fn decompress(compressed: &[u8]) -> Result<(Compression, Vec<u8>), StatusError> {
    let limit = MAX_DECOMPRESSED_LIST_BYTES;
    let (compression, reader): (Compression, Box<dyn Read + '_>) = match compressed {
        [0x1f, 0x8b, ..] => (
            Compression::Gzip,
            Box::new(flate2::read::GzDecoder::new(compressed)),
        ),
        // zlib: CMF 0x78 (deflate, 32 KiB window) and a header checksum (RFC 1950 §2.2).
        [0x78, flg, ..] if (0x7800u16 | u16::from(*flg)).is_multiple_of(31) => (
            Compression::Zlib,
            Box::new(flate2::read::ZlibDecoder::new(compressed)),
        ),
        _ => {
            let found: Vec<String> = compressed
                .iter()
                .take(4)
                .map(|b| format!("{b:02x}"))
                .collect();
            return Err(StatusError::NotCompressed {
                found: if found.is_empty() {
                    "(none)".to_owned()
                } else {
                    found.join(" ")
                },
            });
        }
    };
    let mut out = Vec::new();
    let cap = u64::try_from(limit).unwrap_or(u64::MAX).saturating_add(1);
    reader
        .take(cap)
        .read_to_end(&mut out)
        .map_err(|e| StatusError::Decompress {
            reason: e.to_string(),
        })?;
    if out.len() > limit {
        return Err(StatusError::DecompressedTooLarge { limit });
    }
    Ok((compression, out))
}

/// Most entries [`encode_bitstring`] writes: the decoder's decompressed-size limit, in bits.
pub const MAX_ENCODED_ENTRIES: u64 = (MAX_DECOMPRESSED_LIST_BYTES as u64) * 8;

/// Encodes a status list of `kind`: `entries` values of `size` bits each (index `i` at bit
/// `i × size`, its first bit the most significant of the value; the bit order of the list's
/// kind), GZIP-compressed and written as the kind's `encodedList`: multibase base64url (`u`)
/// for Bitstring Status List v1.0 (§3.1 "Bitstring Encoding"), base64url without prefix for the
/// CCG drafts. The list is padded with zero entries to at least `min_entries` (use
/// [`SPEC_MINIMUM_ENTRIES`] for herd privacy) and to a whole number of bytes.
///
/// `set` gives the non-zero entries as (index, value); values wider than `size` bits and
/// indexes beyond the list are refused, so a list never silently loses a revocation.
pub fn encode_bitstring(
    kind: ListKind,
    size: u32,
    min_entries: u64,
    set: &[(u64, u64)],
) -> Result<String, StatusError> {
    use base64::engine::general_purpose::URL_SAFE_NO_PAD;
    use std::io::Write as _;

    if size == 0 || size > MAX_STATUS_SIZE {
        return Err(StatusError::StatusSize {
            size: u64::from(size),
            max: MAX_STATUS_SIZE,
        });
    }
    let highest = set
        .iter()
        .map(|(index, _)| index.saturating_add(1))
        .max()
        .unwrap_or(0);
    let entries = highest.max(min_entries).max(1);
    let bits = entries.saturating_mul(u64::from(size));
    if bits > MAX_ENCODED_ENTRIES {
        return Err(StatusError::IndexOutOfRange {
            index: highest.saturating_sub(1),
            size,
            entries: MAX_ENCODED_ENTRIES / u64::from(size),
        });
    }
    let len = usize::try_from(bits.div_ceil(8)).map_err(|_| StatusError::DecompressedTooLarge {
        limit: MAX_DECOMPRESSED_LIST_BYTES,
    })?;
    let mut list = Bitstring {
        bytes: vec![0; len],
        order: kind.bit_order(),
        multibase: None,
        compression: Compression::Gzip,
    };
    for &(index, value) in set {
        if size < 64 && value >> size != 0 {
            return Err(StatusError::StatusSize {
                size: u64::from(size),
                max: MAX_STATUS_SIZE,
            });
        }
        list.put(index, size, value)?;
    }
    let mut gzip = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::best());
    gzip.write_all(&list.bytes)
        .and_then(|()| gzip.try_finish())
        .map_err(|e| StatusError::Decompress {
            reason: e.to_string(),
        })?;
    let compressed = gzip.finish().map_err(|e| StatusError::Decompress {
        reason: e.to_string(),
    })?;
    let body = URL_SAFE_NO_PAD.encode(compressed);
    Ok(match kind {
        ListKind::BitstringStatusList => format!("u{body}"),
        ListKind::StatusList2021 | ListKind::RevocationList2020 => body,
    })
}

impl Bitstring {
    /// Writes entry `index` of `size` bits (the inverse of [`Bitstring::get`]).
    fn put(&mut self, index: u64, size: u32, value: u64) -> Result<(), StatusError> {
        let entries = self.entries(size);
        let out_of_range = || StatusError::IndexOutOfRange {
            index,
            size,
            entries,
        };
        let start = index
            .checked_mul(u64::from(size))
            .ok_or_else(out_of_range)?;
        for offset in 0..u64::from(size) {
            let bit = (value >> (u64::from(size) - 1 - offset)) & 1;
            let position = start.checked_add(offset).ok_or_else(out_of_range)?;
            let byte_index = usize::try_from(position / 8).map_err(|_| out_of_range())?;
            let shift = match self.order {
                BitOrder::MsbFirst => 7 - (position % 8),
                BitOrder::LsbFirst => position % 8,
            };
            let byte = self.bytes.get_mut(byte_index).ok_or_else(out_of_range)?;
            if bit == 1 {
                *byte |= 1 << shift;
            }
        }
        Ok(())
    }

    /// The number of bits in the list.
    pub fn bit_len(&self) -> u64 {
        u64::try_from(self.bytes.len())
            .unwrap_or(u64::MAX)
            .saturating_mul(8)
    }

    /// The number of whole entries of `size` bits.
    pub fn entries(&self, size: u32) -> u64 {
        self.bit_len() / u64::from(size.max(1))
    }

    /// How the list was encoded, for evidence: e.g. `multibase base64url (u) + GZIP`.
    pub fn encoding(&self) -> String {
        let base = match self.multibase {
            Some(prefix) => format!("multibase base64 ({prefix})"),
            None => "base64 without multibase prefix".to_owned(),
        };
        let compression = match self.compression {
            Compression::Gzip => "GZIP",
            Compression::Zlib => "zlib",
        };
        format!("{base} + {compression}")
    }

    /// The value of entry `index` of `size` bits (Bitstring Status List v1.0 §3.2: the entry
    /// starts at bit `index × size`; its first bit is the most significant bit of the value).
    pub fn get(&self, index: u64, size: u32) -> Result<u64, StatusError> {
        if size == 0 || size > MAX_STATUS_SIZE {
            return Err(StatusError::StatusSize {
                size: u64::from(size),
                max: MAX_STATUS_SIZE,
            });
        }
        let out_of_range = || StatusError::IndexOutOfRange {
            index,
            size,
            entries: self.entries(size),
        };
        let start = index
            .checked_mul(u64::from(size))
            .ok_or_else(out_of_range)?;
        let end = start
            .checked_add(u64::from(size))
            .ok_or_else(out_of_range)?;
        if end > self.bit_len() {
            return Err(out_of_range());
        }
        let mut value = 0u64;
        for position in start..end {
            value = (value << 1) | u64::from(self.bit(position).ok_or_else(out_of_range)?);
        }
        Ok(value)
    }

    fn bit(&self, position: u64) -> Option<u8> {
        let byte = *self.bytes.get(usize::try_from(position / 8).ok()?)?;
        // position % 8 < 8, so the shift is in range.
        let offset = u32::try_from(position % 8).ok()?;
        let shift = match self.order {
            BitOrder::MsbFirst => 7 - offset,
            BitOrder::LsbFirst => offset,
        };
        Some((byte >> shift) & 1)
    }
}

#[cfg(test)]
mod tests {
    use std::io::Write;

    #[test]
    fn encode_then_decode_gives_back_every_entry() {
        for kind in [
            ListKind::BitstringStatusList,
            ListKind::StatusList2021,
            ListKind::RevocationList2020,
        ] {
            for size in [1u32, 2, 8] {
                let set = [(0u64, 1u64), (7, 1), (8, (1 << size) - 1), (100_003, 1)];
                let encoded = encode_bitstring(kind, size, SPEC_MINIMUM_ENTRIES, &set).unwrap();
                assert_eq!(
                    encoded.starts_with('u'),
                    kind == ListKind::BitstringStatusList,
                    "{kind:?}"
                );
                let list = decode_bitstring(&encoded, kind).unwrap();
                assert!(list.entries(size) >= SPEC_MINIMUM_ENTRIES);
                for (index, value) in set {
                    assert_eq!(
                        list.get(index, size).unwrap(),
                        value,
                        "{kind:?} {size} {index}"
                    );
                }
                assert_eq!(list.get(1, size).unwrap(), 0);
                assert_eq!(list.get(99, size).unwrap(), 0);
            }
        }
        assert!(encode_bitstring(ListKind::BitstringStatusList, 1, 8, &[(0, 2)]).is_err());
        assert!(encode_bitstring(ListKind::BitstringStatusList, 0, 8, &[]).is_err());
        assert!(
            encode_bitstring(
                ListKind::BitstringStatusList,
                1,
                8,
                &[(MAX_ENCODED_ENTRIES, 1)]
            )
            .is_err()
        );
    }

    use base64::engine::general_purpose::{STANDARD, URL_SAFE_NO_PAD};
    use proptest::prelude::*;
    use serde_json::Value;

    use super::*;

    fn gzip(bytes: &[u8]) -> Vec<u8> {
        let mut encoder = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::default());
        encoder.write_all(bytes).unwrap();
        encoder.finish().unwrap()
    }

    fn zlib(bytes: &[u8]) -> Vec<u8> {
        let mut encoder =
            flate2::write::ZlibEncoder::new(Vec::new(), flate2::Compression::default());
        encoder.write_all(bytes).unwrap();
        encoder.finish().unwrap()
    }

    fn vectors() -> Vec<Value> {
        let path = concat!(
            env!("CARGO_MANIFEST_DIR"),
            "/../../testdata/vectors/bitstring-status-list/vectors.json"
        );
        let doc: Value = serde_json::from_slice(&std::fs::read(path).unwrap()).unwrap();
        doc["vectors"].as_array().unwrap().clone()
    }

    #[test]
    fn every_vector_decodes_to_the_listed_statuses() {
        let vectors = vectors();
        assert!(
            vectors.len() >= 3,
            "expected the 3 vectors, got {}",
            vectors.len()
        );
        let mut checked = 0;
        for vector in &vectors {
            let name = vector["name"].as_str().unwrap();
            let size = u32::try_from(vector["statusSize"].as_u64().unwrap()).unwrap();
            let list = decode_bitstring(
                vector["encodedList"].as_str().unwrap(),
                ListKind::BitstringStatusList,
            )
            .unwrap_or_else(|e| panic!("{name}: {e}"));
            assert_eq!(
                list.bit_len(),
                vector["lengthBits"].as_u64().unwrap(),
                "{name}"
            );
            for check in vector["checks"].as_array().unwrap() {
                let index: u64 = check["statusListIndex"].as_str().unwrap().parse().unwrap();
                let expected = check["status"].as_u64().unwrap();
                assert_eq!(
                    list.get(index, size).unwrap(),
                    expected,
                    "{name}: index {index}"
                );
                checked += 1;
            }
            // Every set index / value listed is found, and nothing else in the first bytes.
            if let Some(set) = vector["setIndexes"].as_array() {
                let set: Vec<u64> = set.iter().map(|v| v.as_u64().unwrap()).collect();
                for index in 0..64 {
                    assert_eq!(
                        list.get(index, size).unwrap() == 1,
                        set.contains(&index),
                        "{name}: index {index}"
                    );
                }
            }
            if let Some(values) = vector["setValues"].as_array() {
                for v in values {
                    let index: u64 = v["statusListIndex"].as_str().unwrap().parse().unwrap();
                    assert_eq!(
                        list.get(index, size).unwrap(),
                        v["value"].as_u64().unwrap(),
                        "{name}: value at {index}"
                    );
                }
            }
            let last = list.entries(size) - 1;
            assert!(list.get(last, size).is_ok(), "{name}: last entry");
            assert!(
                matches!(
                    list.get(last + 1, size),
                    Err(StatusError::IndexOutOfRange { .. })
                ),
                "{name}: one past the end"
            );
        }
        assert!(checked >= 20, "only {checked} vector checks ran");
    }

    #[test]
    fn status_list_2021_accepts_std_base64_without_prefix() {
        let vector = &vectors()[1];
        let multibase = vector["encodedList"].as_str().unwrap();
        let bytes = URL_SAFE_NO_PAD.decode(&multibase[1..]).unwrap();
        let std_padded = STANDARD.encode(&bytes);
        let url_unprefixed = URL_SAFE_NO_PAD.encode(&bytes);
        for encoded in [std_padded.as_str(), url_unprefixed.as_str()] {
            let list = decode_bitstring(encoded, ListKind::StatusList2021).unwrap();
            assert_eq!(list.get(94_567, 1).unwrap(), 1);
            assert_eq!(list.get(94_568, 1).unwrap(), 0);
            assert_eq!(list.encoding(), "base64 without multibase prefix + GZIP");
        }
    }

    #[test]
    fn revocation_list_2020_reads_least_significant_bit_first() {
        // digitalbazaar/vc-revocation-list `tests/20-RevocationList.spec.js` before 6.0.0
        // (commit 124a082 replaced it): a 100,000-entry list with position 50000 revoked,
        // produced by that library's LSB-first `Bitstring.js`.
        let legacy = "H4sIAAAAAAAAA-3OMQ0AAAgDsOHfNB72EJJWQRMAAAAAAIDWXAcAAAAAAIDHFrc4zDzUMAAA";
        let list = decode_bitstring(legacy, ListKind::RevocationList2020).unwrap();
        assert_eq!(list.bit_len(), 100_000);
        assert_eq!(list.get(50_000, 1).unwrap(), 1);
        assert_eq!(list.get(50_007, 1).unwrap(), 0);
        assert_eq!(list.get(49_999, 1).unwrap(), 0);
        // Read MSB-first, the same bytes would say 50007 — the reason the order is per kind.
        let msb = decode_bitstring(legacy, ListKind::BitstringStatusList).unwrap();
        assert_eq!(msb.get(50_000, 1).unwrap(), 0);
        assert_eq!(msb.get(50_007, 1).unwrap(), 1);
    }

    #[test]
    fn zlib_is_accepted() {
        let mut bytes = vec![0u8; 16];
        bytes[1] = 0b0100_0000;
        let encoded = STANDARD.encode(zlib(&bytes));
        let list = decode_bitstring(&encoded, ListKind::RevocationList2020).unwrap();
        assert_eq!(list.get(14, 1).unwrap(), 1);
        assert_eq!(list.get(9, 1).unwrap(), 0);
        let list = decode_bitstring(&encoded, ListKind::StatusList2021).unwrap();
        assert_eq!(list.get(9, 1).unwrap(), 1);
        assert!(list.encoding().ends_with("zlib"));
    }

    #[test]
    fn defects_are_named() {
        let kind = ListKind::BitstringStatusList;
        assert_eq!(
            decode_bitstring("", kind),
            Err(StatusError::EmptyEncodedList)
        );
        assert_eq!(
            decode_bitstring("u", kind),
            Err(StatusError::EmptyEncodedList)
        );
        assert!(matches!(
            decode_bitstring("u!!!!", kind),
            Err(StatusError::NotBase64 { .. })
        ));
        // Valid base64, but plain bytes rather than GZIP.
        assert!(matches!(
            decode_bitstring(&format!("u{}", URL_SAFE_NO_PAD.encode(b"hello")), kind),
            Err(StatusError::NotCompressed { found }) if found == "68 65 6c 6c"
        ));
        // A truncated GZIP stream.
        let gz = gzip(&[0u8; 4096]);
        let truncated = format!("u{}", URL_SAFE_NO_PAD.encode(&gz[..gz.len() / 2]));
        assert!(matches!(
            decode_bitstring(&truncated, kind),
            Err(StatusError::Decompress { .. })
        ));
        let empty = format!("u{}", URL_SAFE_NO_PAD.encode(gzip(&[])));
        assert_eq!(decode_bitstring(&empty, kind), Err(StatusError::EmptyList));
        let too_long = "A".repeat(MAX_ENCODED_LIST_BYTES + 1);
        assert!(matches!(
            decode_bitstring(&too_long, kind),
            Err(StatusError::EncodedListTooLong { limit, .. }) if limit == MAX_ENCODED_LIST_BYTES
        ));
    }

    #[test]
    fn a_gzip_bomb_stops_at_the_limit() {
        let bomb = gzip(&vec![0u8; MAX_DECOMPRESSED_LIST_BYTES + 1]);
        let encoded = format!("u{}", URL_SAFE_NO_PAD.encode(&bomb));
        assert!(encoded.len() < 64 * 1024, "bomb is {} bytes", encoded.len());
        assert_eq!(
            decode_bitstring(&encoded, ListKind::BitstringStatusList),
            Err(StatusError::DecompressedTooLarge {
                limit: MAX_DECOMPRESSED_LIST_BYTES
            })
        );
    }

    #[test]
    fn get_checks_size_and_range() {
        let list = decode_bitstring(
            &format!("u{}", URL_SAFE_NO_PAD.encode(gzip(&[0xA5, 0xFF]))),
            ListKind::BitstringStatusList,
        )
        .unwrap();
        assert_eq!(list.get(0, 4).unwrap(), 0xA);
        assert_eq!(list.get(1, 4).unwrap(), 0x5);
        assert_eq!(list.get(0, 16).unwrap(), 0xA5FF);
        assert_eq!(list.get(2, 3).unwrap(), 0b011);
        assert!(matches!(
            list.get(0, 0),
            Err(StatusError::StatusSize { size: 0, .. })
        ));
        assert!(matches!(
            list.get(0, MAX_STATUS_SIZE + 1),
            Err(StatusError::StatusSize { .. })
        ));
        assert!(matches!(
            list.get(u64::MAX, 2),
            Err(StatusError::IndexOutOfRange { entries: 8, .. })
        ));
        assert!(matches!(
            list.get(16, 1),
            Err(StatusError::IndexOutOfRange { entries: 16, .. })
        ));
    }

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(300))]

        #[test]
        fn decoding_random_text_never_panics(text in ".{0,200}", index in any::<u64>(), size in 0u32..40) {
            if let Ok(list) = decode_bitstring(&text, ListKind::BitstringStatusList) {
                let _ = list.get(index, size);
            }
        }

        #[test]
        fn decoding_random_gzip_and_mutations_never_panics(
            bytes in proptest::collection::vec(any::<u8>(), 0..64),
            flip in any::<usize>(),
            index in any::<u64>(),
            size in 0u32..40,
        ) {
            let mut compressed = gzip(&bytes);
            if !compressed.is_empty() {
                let at = flip % compressed.len();
                compressed[at] ^= 0x5a;
            }
            for kind in [ListKind::BitstringStatusList, ListKind::StatusList2021, ListKind::RevocationList2020] {
                for encoded in [format!("u{}", URL_SAFE_NO_PAD.encode(&compressed)), STANDARD.encode(&compressed)] {
                    if let Ok(list) = decode_bitstring(&encoded, kind) {
                        let _ = list.get(index, size);
                        let _ = list.get(index % 1024, size);
                    }
                }
            }
        }

        #[test]
        fn a_bit_set_is_read_back(len in 1usize..512, position in any::<usize>()) {
            let bit = position % (len * 8);
            let mut bytes = vec![0u8; len];
            bytes[bit / 8] = 0x80 >> (bit % 8);
            let encoded = format!("u{}", URL_SAFE_NO_PAD.encode(gzip(&bytes)));
            let list = decode_bitstring(&encoded, ListKind::BitstringStatusList).unwrap();
            for i in 0..(len as u64 * 8) {
                prop_assert_eq!(list.get(i, 1).unwrap(), u64::from(i == bit as u64));
            }
        }
    }
}
