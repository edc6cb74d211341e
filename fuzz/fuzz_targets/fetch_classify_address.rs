//! SSRF guard: classifying IPv4/IPv6 addresses from raw bytes and from text.
#![no_main]

libfuzzer_sys::fuzz_target!(|data: &[u8]| credbridge_fetch::fuzzing::classify_address(data));
