//! Bake → unbake round trip (PNG and SVG). Input layout: a 2-byte little-endian payload length,
//! the payload (JSON or a compact JWS), then the image; `seeds.sh` writes seeds in this layout.
#![no_main]

libfuzzer_sys::fuzz_target!(|data: &[u8]| {
    let Some((len, rest)) = data.split_first_chunk::<2>() else {
        return;
    };
    let (payload, image) = rest.split_at(usize::from(u16::from_le_bytes(*len)).min(rest.len()));
    credbridge_formats::fuzzing::bake_roundtrip(image, payload);
});
