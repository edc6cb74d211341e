//! Decoding and baking throughput over testdata/examples.
//!
//! `cargo run --release -p credbridge-formats --example bench_decode [ROUNDS]`
//!
//! Prints `name per_second=N` lines: the examples directory walked from disk (items), the same
//! blobs decoded from memory (MB), and PNG/SVG bake + unbake round trips.

use std::path::Path;
use std::time::Instant;

use credbridge_formats::{
    BakePayload, Limits, bake_png, bake_svg, decode_bytes, decode_path, unbake_png, unbake_svg,
};

fn main() {
    let rounds: u32 = std::env::args()
        .nth(1)
        .and_then(|r| r.parse().ok())
        .unwrap_or(20);
    let examples = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../testdata/examples");
    let limits = Limits::default();

    let start = Instant::now();
    let mut items = 0u64;
    for _ in 0..rounds {
        items += decode_path(&examples, &limits)
            .filter(Result::is_ok)
            .count() as u64;
    }
    let seconds = start.elapsed().as_secs_f64();
    println!(
        "walk_examples_items per_second={:.0} ({items} items in {seconds:.2}s)",
        items as f64 / seconds
    );

    let mut blobs = Vec::new();
    collect(&examples, &mut blobs);
    let bytes: usize = blobs.iter().map(|(_, b)| b.len()).sum();
    let start = Instant::now();
    for _ in 0..rounds {
        for (name, blob) in &blobs {
            decode_bytes(blob, name, &limits).for_each(drop);
        }
    }
    let seconds = start.elapsed().as_secs_f64();
    println!(
        "decode_bytes_mb per_second={:.1} ({} files, {bytes} bytes per round)",
        (bytes as f64 * f64::from(rounds)) / seconds / 1e6,
        blobs.len()
    );

    let png =
        std::fs::read(examples.join("1edtech-validator/ob30/simple-json.png")).unwrap_or_default();
    let svg =
        std::fs::read(examples.join("1edtech-validator/ob30/simple-json.svg")).unwrap_or_default();
    let json =
        std::fs::read(examples.join("1edtech-validator/clr20/complex.json")).unwrap_or_default();
    let payload = BakePayload::Json(&json);
    let n = rounds * 50;
    let start = Instant::now();
    for _ in 0..n {
        let baked = bake_png(&png, &payload).unwrap_or_default();
        assert_eq!(unbake_png(&baked).ok().as_deref(), Some(&json[..]));
    }
    println!(
        "bake_unbake_png per_second={:.0}",
        f64::from(n) / start.elapsed().as_secs_f64()
    );
    let start = Instant::now();
    for _ in 0..n {
        let baked = bake_svg(&svg, &payload).unwrap_or_default();
        assert_eq!(unbake_svg(&baked).ok().as_deref(), Some(&json[..]));
    }
    println!(
        "bake_unbake_svg per_second={:.0}",
        f64::from(n) / start.elapsed().as_secs_f64()
    );
}

fn collect(dir: &Path, out: &mut Vec<(String, Vec<u8>)>) {
    let Ok(entries) = std::fs::read_dir(dir) else {
        return;
    };
    for entry in entries.flatten() {
        let path = entry.path();
        if path.is_dir() {
            collect(&path, out);
        } else if let Ok(bytes) = std::fs::read(&path) {
            out.push((path.display().to_string(), bytes));
        }
    }
}
