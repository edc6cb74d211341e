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

/// Builds a large, structured input from a small one and decodes it: the shapes that exhaust
/// decoders (issue 9 item 7) are out of reach of byte mutations alone. `data[0]` picks the
/// shape, `data[1..3]` (little endian) how many times the unit repeats, the rest is the unit.
/// Run it with a time and memory limit (`-timeout=10 -rss_limit_mb=1024`): a shape that makes
/// the decoder quadratic, or that inflates or expands past the limits, is a crash.
///
/// Shapes: 0 an attribute storm on the SVG root, 1 nested groups each binding a namespace,
/// 2 a credential with many keys, 3 a credential whose `id` is the unit repeated, 4 nested zip
/// archives (levels and copies from the count) around the unit, 5 a zip whose one central
/// record is repeated (overlapping entries), 6 JSON Lines of the unit, 7 an array of the unit.
pub fn decode_amplified(data: &[u8]) {
    decode(&amplify(data));
}

/// The input [`decode_amplified`] decodes (see there).
pub fn amplify(data: &[u8]) -> Vec<u8> {
    let (shape, count, unit) = match data {
        [shape, a, b, unit @ ..] => (*shape, usize::from(u16::from_le_bytes([*a, *b])), unit),
        _ => return data.to_vec(),
    };
    let text = String::from_utf8_lossy(unit);
    let attribute = text.replace(['"', '<', '&'], "");
    match shape % 8 {
        0 => {
            let mut svg = String::from(r#"<svg xmlns="http://www.w3.org/2000/svg""#);
            for i in 0..count.saturating_mul(16) {
                svg.push_str(&format!(" a{i}=\"{attribute}\""));
            }
            svg.push_str(r#" xmlns:ob="https://purl.imsglobal.org/ob/v3p0"><ob:credential verify="x"/></svg>"#);
            svg.into_bytes()
        }
        1 => {
            let depth = count.saturating_mul(4);
            let mut svg = String::from(r#"<svg xmlns="http://www.w3.org/2000/svg">"#);
            for i in 0..depth {
                svg.push_str(&format!("<g xmlns:p{i}=\"urn:{attribute}\"><p{i}:x/>"));
            }
            for _ in 0..depth {
                svg.push_str("</g>");
            }
            svg.push_str("</svg>");
            svg.into_bytes()
        }
        2 => {
            let mut json = String::from(
                r#"{"@context":["https://www.w3.org/ns/credentials/v2"],"type":["VerifiableCredential"],"credentialSubject":{"#,
            );
            for i in 0..count.saturating_mul(32) {
                if i > 0 {
                    json.push(',');
                }
                json.push_str(&format!(
                    "\"k{i}\":{}",
                    serde_json::Value::from(text.as_ref())
                ));
            }
            json.push_str("}}");
            json.into_bytes()
        }
        3 => serde_json::to_vec(&serde_json::json!({
            "@context": ["https://www.w3.org/ns/credentials/v2"],
            "type": ["VerifiableCredential"],
            "id": text.repeat(count.saturating_mul(256).min(1 << 24) / unit.len().max(1)),
            "credentialSubject": {"a": 1, "b": 2, "c": 3},
        }))
        .unwrap_or_default(),
        4 => {
            let levels = count % 6;
            let copies = (count / 6) % 16 + 1;
            let mut current = unit.to_vec();
            for level in 0..levels {
                let names: Vec<String> = (0..copies).map(|i| format!("{level}-{i}")).collect();
                let entries: Vec<(&str, &[u8])> = names
                    .iter()
                    .map(|n| (n.as_str(), current.as_slice()))
                    .collect();
                current = zip_of(&entries);
            }
            current
        }
        5 => {
            let archive = zip_of(&[("a", unit)]);
            repeat_central_record(&archive, count)
        }
        6 => {
            let line = text.replace('\n', " ");
            format!("{line}\n").repeat(count.max(1)).into_bytes()
        }
        _ => format!("[{}]", vec![text.as_ref(); count.max(1)].join(",")).into_bytes(),
    }
}

/// A minimal zip writer (deflated entries, no ZIP64) for [`amplify`]: the `zip` crate is only
/// a dev-dependency.
fn zip_of(entries: &[(&str, &[u8])]) -> Vec<u8> {
    use std::io::Write as _;
    let mut out = Vec::new();
    let mut central = Vec::new();
    let u16_of = |n: usize| u16::try_from(n).unwrap_or(u16::MAX).to_le_bytes();
    let u32_of = |n: usize| u32::try_from(n).unwrap_or(u32::MAX).to_le_bytes();
    for (name, bytes) in entries {
        let mut encoder =
            flate2::write::DeflateEncoder::new(Vec::new(), flate2::Compression::best());
        let _ = encoder.write_all(bytes);
        let compressed = encoder.finish().unwrap_or_default();
        let crc = crc32fast::hash(bytes).to_le_bytes();
        let offset = out.len();
        let mut common = Vec::new();
        common.extend_from_slice(&[20, 0, 0, 0, 8, 0, 0, 0, 0, 0]);
        common.extend_from_slice(&crc);
        common.extend_from_slice(&u32_of(compressed.len()));
        common.extend_from_slice(&u32_of(bytes.len()));
        common.extend_from_slice(&u16_of(name.len()));
        common.extend_from_slice(&[0, 0]);
        out.extend_from_slice(b"PK\x03\x04");
        out.extend_from_slice(&common);
        out.extend_from_slice(name.as_bytes());
        out.extend_from_slice(&compressed);
        central.extend_from_slice(b"PK\x01\x02\x14\x00");
        central.extend_from_slice(&common);
        central.extend_from_slice(&[0; 10]);
        central.extend_from_slice(&u32_of(offset));
        central.extend_from_slice(name.as_bytes());
    }
    let start = out.len();
    out.extend_from_slice(&central);
    out.extend_from_slice(b"PK\x05\x06\0\0\0\0");
    out.extend_from_slice(&u16_of(entries.len()));
    out.extend_from_slice(&u16_of(entries.len()));
    out.extend_from_slice(&u32_of(central.len()));
    out.extend_from_slice(&u32_of(start));
    out.extend_from_slice(&[0, 0]);
    out
}

/// An archive of one entry made by [`zip_of`] with its central record repeated `times` times.
fn repeat_central_record(archive: &[u8], times: usize) -> Vec<u8> {
    let times = times.clamp(1, usize::from(u16::MAX));
    let Some(end) = archive.len().checked_sub(22) else {
        return archive.to_vec();
    };
    let Some(start) = archive
        .get(end + 16..end + 20)
        .and_then(|b| <[u8; 4]>::try_from(b).ok())
        .map(|b| usize::try_from(u32::from_le_bytes(b)).unwrap_or(usize::MAX))
    else {
        return archive.to_vec();
    };
    let (Some(head), Some(record)) = (archive.get(..start), archive.get(start..end)) else {
        return archive.to_vec();
    };
    let mut out = head.to_vec();
    for _ in 0..times {
        out.extend_from_slice(record);
    }
    let count = u16::try_from(times).unwrap_or(u16::MAX).to_le_bytes();
    let size = u32::try_from(record.len().saturating_mul(times))
        .unwrap_or(u32::MAX)
        .to_le_bytes();
    out.extend_from_slice(b"PK\x05\x06\0\0\0\0");
    out.extend_from_slice(&count);
    out.extend_from_slice(&count);
    out.extend_from_slice(&size);
    out.extend_from_slice(&u32::try_from(start).unwrap_or(u32::MAX).to_le_bytes());
    out.extend_from_slice(&[0, 0]);
    out
}
