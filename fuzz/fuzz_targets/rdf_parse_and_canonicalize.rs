//! N-Quads → RDFC-1.0 under tight work limits; the canonical form must re-parse to its quads.
#![no_main]

libfuzzer_sys::fuzz_target!(|data: &[u8]| credbridge_rdf::fuzzing::parse_and_canonicalize(data));
