//! Structured hostile shapes (attribute and namespace storms, many keys, long ids, nested and
//! overlapping zips, JSON Lines, arrays) built from a small input, then decoded. Run with
//! `-timeout=10 -rss_limit_mb=1024`: a quadratic or unbounded decoder is a crash.
#![no_main]

libfuzzer_sys::fuzz_target!(|data: &[u8]| credbridge_formats::fuzzing::decode_amplified(data));
