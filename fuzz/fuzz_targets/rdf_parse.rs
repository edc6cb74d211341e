//! N-Quads parsing; parse → serialize → parse must give the same quads.
#![no_main]

libfuzzer_sys::fuzz_target!(|data: &[u8]| credbridge_rdf::fuzzing::parse(data));
