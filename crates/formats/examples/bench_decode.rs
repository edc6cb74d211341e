//! Decoding and baking throughput over testdata/examples.
//!
//! `cargo run --release -p credbridge-formats --example bench_decode [ROUNDS]`
//!
//! Prints `name per_second=N` lines: a JSON Lines file of 100 000 credentials (about 150 MB,
//! written to the temporary directory and removed after) streamed from disk (lines, and the
//! process's peak resident memory afterwards, to show the file is not held), the examples
//! directory walked from disk (items), the same blobs decoded from memory (MB), and PNG/SVG
//! bake + unbake round trips.

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

    // First, while the process is still small, so that the peak memory figure is this part's.
    json_lines_file(&examples, &limits);

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

fn json_lines_file(examples: &Path, limits: &Limits) {
    use std::io::Write as _;
    const LINES: usize = 100_000;
    let template: serde_json::Value = serde_json::from_slice(
        &std::fs::read(examples.join("1edtech-validator/ob30/simple.json")).unwrap_or_default(),
    )
    .unwrap_or_default();
    let path = std::env::temp_dir().join(format!("bench-decode-{}.jsonl", std::process::id()));
    let Ok(file) = std::fs::File::create(&path) else {
        return;
    };
    let mut writer = std::io::BufWriter::new(file);
    for i in 0..LINES {
        let mut credential = template.clone();
        if let Some(object) = credential.as_object_mut() {
            object.insert("id".into(), format!("urn:example:{i}").into());
        }
        let _ = serde_json::to_writer(&mut writer, &credential);
        let _ = writer.write_all(b"\n");
    }
    drop(writer);
    let bytes = std::fs::metadata(&path)
        .map(|m| m.len())
        .unwrap_or_default();
    let start = Instant::now();
    let items = decode_path(&path, limits).filter(Result::is_ok).count();
    let seconds = start.elapsed().as_secs_f64();
    let _ = std::fs::remove_file(&path);
    assert_eq!(items, LINES);
    println!(
        "json_lines_file_lines per_second={:.0} ({items} lines, {:.0} MB in {seconds:.2}s, {:.0} MB/s)",
        items as f64 / seconds,
        bytes as f64 / 1e6,
        bytes as f64 / seconds / 1e6
    );
    // Linux only: the high-water mark of resident memory, far below the file size.
    if let Ok(status) = std::fs::read_to_string("/proc/self/status")
        && let Some(line) = status.lines().find(|l| l.starts_with("VmHWM:"))
    {
        println!(
            "json_lines_file_peak_rss {}",
            line.trim_start_matches("VmHWM:").trim()
        );
    }
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
