//! Entry points for fuzz targets and property tests. Each must never panic on any input.

use crate::walk::{Blobs, Items};
use crate::{
    BakePayload, Error, Item, Limits, bake_png, bake_svg, decode_bytes, unbake_png, unbake_svg,
};

/// Decodes arbitrary bytes with the default limits and drains every item.
pub fn decode(data: &[u8]) {
    for item in decode_bytes(data, "fuzz", &Limits::default()) {
        let _ = item.map(|i| i.path.to_string());
    }
}

/// Decodes `data` as the content of a file on disk (a JSON Lines file is streamed line by
/// line): first with small limits, so that the per-line cap and the head budget of the JSON
/// Lines sniffing are reached, draining every item; then with the default limits, where the
/// results must equal those of [`decode_bytes`] on the same bytes (errors compared by message),
/// unless a limit that counts differently when streaming was hit (JSON depth: per text in
/// memory, per line streamed; results: per file in memory, per line streamed). Zip archives
/// are opened by the walker before this path, so they are left out of the comparison.
pub fn decode_stream(data: &[u8]) {
    let small = Limits {
        max_file_bytes: 512,
        max_items_per_file: 8,
        ..Limits::default()
    };
    for item in Items::new(Blobs::from_reader(
        Box::new(std::io::Cursor::new(data.to_vec())),
        "fuzz",
        &small,
    )) {
        let _ = item.map(|i| i.path.to_string());
    }
    if crate::decode::is_zip(data) {
        // The walker opens archives before this path is reached; decode_bytes opens them too.
        return;
    }
    let limits = Limits::default();
    let comparable = |results: Vec<Result<Item, Error>>| {
        let scope_differs = results.iter().any(|r| {
            matches!(
                r,
                Err(Error::JsonTooDeep { .. } | Error::TooManyItems { .. })
            )
        });
        let results: Vec<Result<Item, String>> = results
            .into_iter()
            .map(|r| r.map_err(|e| e.to_string()))
            .collect();
        (!scope_differs).then_some(results)
    };
    let streamed = Items::new(Blobs::from_reader(
        Box::new(std::io::Cursor::new(data.to_vec())),
        "fuzz",
        &limits,
    ))
    .collect();
    let in_memory = decode_bytes(data, "fuzz", &limits).collect();
    if let (Some(streamed), Some(in_memory)) = (comparable(streamed), comparable(in_memory)) {
        assert!(
            streamed == in_memory,
            "streamed and in-memory decoding differ:\n{streamed:#?}\n{in_memory:#?}"
        );
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
