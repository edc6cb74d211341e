//! Reading a stored fetch snapshot file (metadata, base64 body, hash check).
#![no_main]

libfuzzer_sys::fuzz_target!(|data: &[u8]| credbridge_fetch::fuzzing::parse_snapshot(data));
