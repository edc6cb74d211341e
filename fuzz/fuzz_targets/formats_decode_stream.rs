//! JSON Lines streaming from a reader; streamed results must equal the in-memory decode.
#![no_main]

libfuzzer_sys::fuzz_target!(|data: &[u8]| credbridge_formats::fuzzing::decode_stream(data));
