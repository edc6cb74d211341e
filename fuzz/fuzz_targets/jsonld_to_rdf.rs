//! JSON-LD expansion and toRdf (normal and safe mode) over the bundled contexts.
#![no_main]

libfuzzer_sys::fuzz_target!(|data: &[u8]| credbridge_jsonld::fuzzing::to_rdf(data));
