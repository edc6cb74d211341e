//! Entry points for fuzz targets and property tests. Each must never panic on any input.

use crate::{BakePayload, Limits, bake_png, bake_svg, decode_bytes, unbake_png, unbake_svg};

/// Decodes arbitrary bytes with the default limits and drains every item.
pub fn decode(data: &[u8]) {
    for item in decode_bytes(data, "fuzz", &Limits::default()) {
        let _ = item.map(|i| i.path.to_string());
    }
}

/// Bakes `payload` (JSON if it starts with `{`, else a compact JWS) into `image` as a PNG and as
/// an SVG; whenever baking succeeds, unbaking must give back exactly `payload`, and decoding
/// the baked image must not panic.
pub fn bake_roundtrip(image: &[u8], payload: &[u8]) {
    let bake_payload = if payload.first() == Some(&b'{') {
        BakePayload::Json(payload)
    } else {
        match std::str::from_utf8(payload) {
            Ok(text) => BakePayload::CompactJws(text),
            Err(_) => return,
        }
    };
    if let Ok(baked) = bake_png(image, &bake_payload) {
        assert_eq!(
            unbake_png(&baked).ok().as_deref(),
            Some(payload),
            "PNG round trip"
        );
        decode(&baked);
    }
    if let Ok(baked) = bake_svg(image, &bake_payload) {
        assert_eq!(
            unbake_svg(&baked).ok().as_deref(),
            Some(payload),
            "SVG round trip"
        );
        decode(&baked);
    }
}
