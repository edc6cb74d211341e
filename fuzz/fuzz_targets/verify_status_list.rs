//! Status-list decoding (Bitstring, StatusList2021, RevocationList2020) with bounded decompression.
#![no_main]

libfuzzer_sys::fuzz_target!(|data: &[u8]| credbridge_verify::fuzzing::decode_status_list(data));
