//! JSON → typed credential view, summary and schema findings; the typed view must write back its input.
#![no_main]

libfuzzer_sys::fuzz_target!(|data: &[u8]| credbridge_model::fuzzing::parse(data));
