//! PEM and raw SPKI DER public-key decoding.
#![no_main]

libfuzzer_sys::fuzz_target!(|data: &[u8]| credbridge_keys::fuzzing::decode_pem(data));
