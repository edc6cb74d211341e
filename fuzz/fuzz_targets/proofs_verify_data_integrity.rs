//! Data Integrity proof verification (JCS suites, offline) and JCS canonicalization.
#![no_main]

libfuzzer_sys::fuzz_target!(|data: &[u8]| credbridge_proofs::fuzzing::verify_data_integrity(data));
