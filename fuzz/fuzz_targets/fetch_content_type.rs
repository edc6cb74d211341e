//! Content-Type header acceptance for every fetch purpose.
#![no_main]

libfuzzer_sys::fuzz_target!(|data: &[u8]| credbridge_fetch::fuzzing::content_type(data));
