//! Compact JWS / VC-JWT decoding and verification with the offline resolvers.
#![no_main]

libfuzzer_sys::fuzz_target!(|data: &[u8]| credbridge_proofs::fuzzing::verify_jws(data));
