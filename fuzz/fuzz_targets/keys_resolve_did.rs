//! did:key / did:jwk resolution, did:web URL mapping and controller-document parsing.
#![no_main]

libfuzzer_sys::fuzz_target!(|data: &[u8]| credbridge_keys::fuzzing::resolve_did(data));
