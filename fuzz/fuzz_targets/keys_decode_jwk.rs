//! JWK (public and secret) decoding; decode → encode → decode must round-trip.
#![no_main]

libfuzzer_sys::fuzz_target!(|data: &[u8]| credbridge_keys::fuzzing::decode_jwk(data));
