//! Issuer registries in the DCC format.
#![no_main]

libfuzzer_sys::fuzz_target!(|data: &[u8]| credbridge_verify::fuzzing::registry(data));
