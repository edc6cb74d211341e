//! Any bytes through the container/envelope decoder (JSON, JWS, baked PNG/SVG, zip, JSONL).
#![no_main]

libfuzzer_sys::fuzz_target!(|data: &[u8]| credbridge_formats::fuzzing::decode(data));
