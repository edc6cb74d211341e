//! Writes the hostile inputs of issue 9 item 7 and decodes any of them, for measuring CPU time
//! and peak memory per input from outside the process:
//!
//! ```text
//! cargo build --release -p credbridge-formats --example hostile
//! target/release/examples/hostile write /tmp/hostile
//! for f in /tmp/hostile/*; do /usr/bin/time -f "$f %M KB %U s" target/release/examples/hostile decode "$f"; done
//! ```
//!
//! `decode` prints one line per result (the item path, or the error) and a count.

#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::indexing_slicing,
    clippy::panic,
    missing_docs
)]
use std::io::Write as _;
use std::path::{Path, PathBuf};

use credbridge_formats::{Limits, decode_path};

fn main() {
    let args: Vec<String> = std::env::args().collect();
    match args.get(1..).unwrap_or_default() {
        [command, dir] if command == "write" => write_all(Path::new(dir)),
        [command, path] if command == "decode" => decode(Path::new(path)),
        _ => eprintln!("usage: hostile write DIR | hostile decode PATH"),
    }
}

fn decode(path: &Path) {
    let (mut items, mut errors) = (0u64, 0u64);
    let mut last = None;
    for result in decode_path(path, &Limits::default()) {
        match result {
            Ok(item) => {
                items += 1;
                if items <= 5 {
                    println!("item {}", item.path);
                }
            }
            Err(e) => {
                errors += 1;
                if errors <= 5 {
                    println!("error {e}");
                } else {
                    last = Some(e.to_string());
                }
            }
        }
    }
    if let Some(last) = last {
        println!("last error {last}");
    }
    println!("{items} items, {errors} errors");
}

fn zip_of(entries: &[(&str, &[u8], bool)]) -> Vec<u8> {
    let mut writer = zip::ZipWriter::new(std::io::Cursor::new(Vec::new()));
    for (name, bytes, deflate) in entries {
        let method = if *deflate {
            zip::CompressionMethod::Deflated
        } else {
            zip::CompressionMethod::Stored
        };
        let options = zip::write::SimpleFileOptions::default()
            .compression_method(method)
            .large_file(false);
        writer.start_file(*name, options).unwrap();
        writer.write_all(bytes).unwrap();
    }
    writer.finish().unwrap().into_inner()
}

fn credential() -> serde_json::Value {
    let examples = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../testdata/examples");
    let bytes = std::fs::read(examples.join("1edtech-validator/ob30/simple.json")).unwrap();
    serde_json::from_slice(&bytes).unwrap()
}

fn write(dir: &Path, name: &str, bytes: &[u8]) -> PathBuf {
    let path = dir.join(name);
    std::fs::write(&path, bytes).unwrap();
    println!("{} ({} bytes)", path.display(), bytes.len());
    path
}

fn write_all(dir: &Path) {
    std::fs::create_dir_all(dir).unwrap();

    // Nested zips, 42.zip style: 16 copies per level, 5 levels, 60 KiB of blanks at the bottom
    // (under the per-entry ratio check): 16^5 × 60 KiB = 60 GiB asked for.
    let mut nested = zip_of(&[("0.json", &vec![b' '; 60 * 1024], true)]);
    for level in 0..5 {
        let names: Vec<String> = (0..16).map(|i| format!("{level}-{i}.zip")).collect();
        let entries: Vec<(&str, &[u8], bool)> = names
            .iter()
            .map(|n| (n.as_str(), nested.as_slice(), true))
            .collect();
        nested = zip_of(&entries);
    }
    write(dir, "nested-bomb.zip", &nested);

    // Overlapping entries (Fifield): 10 000 central records sharing one local header whose
    // kernel inflates to 8 MiB.
    let kernel = zip_of(&[("kernel.json", &vec![0u8; 8 << 20], true)]);
    write(dir, "overlap-bomb.zip", &repeat_record(&kernel, 10_000));

    // Declared sizes that lie: the compressed size of a 16 MiB zero entry stated as large as
    // it can be without running into the central directory.
    let mut lying = zip_of(&[("bomb.json", &vec![0u8; 16 << 20], true)]);
    let (cd, _) = directory(&lying);
    let room = (cd - 30 - "bomb.json".len()) as u32;
    lying[cd + 20..cd + 24].copy_from_slice(&room.to_le_bytes());
    lying[18..22].copy_from_slice(&room.to_le_bytes());
    write(dir, "lying-sizes.zip", &lying);

    // Attribute storm: one start tag of ~16 MiB.
    let mut storm = String::from("<svg xmlns=\"http://www.w3.org/2000/svg\"");
    let mut i = 0u64;
    while storm.len() < 16 * 1024 * 1024 - 4096 {
        storm.push_str(&format!(" a{i}=\"\""));
        i += 1;
    }
    storm.push_str("/>");
    write(dir, "attribute-storm.svg", storm.as_bytes());

    // Namespace storm: nested groups, one binding each.
    let mut ns = String::from("<svg xmlns=\"http://www.w3.org/2000/svg\">");
    for i in 0..100_000 {
        ns.push_str(&format!("<g xmlns:p{i}=\"urn:p:{i}\">"));
    }
    for _ in 0..100_000 {
        ns.push_str("</g>");
    }
    ns.push_str("</svg>");
    write(dir, "namespace-storm.svg", ns.as_bytes());

    // 700 000 keys in one credential (13 MB).
    let mut many = credential();
    let subject = many["credentialSubject"].as_object_mut().unwrap();
    for i in 0..700_000 {
        subject.insert(format!("k{i:06}"), i.into());
    }
    write(dir, "many-keys.json", &serde_json::to_vec(&many).unwrap());

    // A 15 MiB IRI.
    let mut iri = credential();
    iri["id"] = format!("https://example.com/{}", "a".repeat(15 << 20)).into();
    write(dir, "huge-iri.json", &serde_json::to_vec(&iri).unwrap());

    // A 1 MiB id repeated in 400 statements.
    let mut repeated = credential();
    let subject = repeated["credentialSubject"].as_object_mut().unwrap();
    subject.insert("id".into(), format!("urn:x:{}", "a".repeat(1 << 20)).into());
    for i in 0..400 {
        subject.insert(format!("k{i}"), i.into());
    }
    write(
        dir,
        "repeated-id.json",
        &serde_json::to_vec(&repeated).unwrap(),
    );

    // A folder with a FIFO nobody writes to, and a symlink out of it.
    let folder = dir.join("folder-with-fifo");
    std::fs::create_dir_all(&folder).unwrap();
    std::fs::write(
        folder.join("a.json"),
        serde_json::to_vec(&credential()).unwrap(),
    )
    .unwrap();
    let _ = std::process::Command::new("mkfifo")
        .arg(folder.join("pipe"))
        .status();
    #[cfg(unix)]
    let _ = std::os::unix::fs::symlink("/etc/passwd", folder.join("passwd"));

    // Many entries: memory must stay flat (issue 18). 10 000 and 100 000 small entries.
    let json = serde_json::to_vec(&credential()).unwrap();
    for n in [10_000, 100_000] {
        let names: Vec<String> = (0..n).map(|i| format!("c/{i:06}.json")).collect();
        let entries: Vec<(&str, &[u8], bool)> = names
            .iter()
            .map(|name| (name.as_str(), json.as_slice(), true))
            .collect();
        write(dir, &format!("entries-{n}.zip"), &zip_of(&entries));
    }
}

/// The offset of the central directory and of the end record.
fn directory(archive: &[u8]) -> (usize, usize) {
    let end = archive.len() - 22;
    let cd = u32::from_le_bytes(archive[end + 16..end + 20].try_into().unwrap()) as usize;
    (cd, end)
}

/// The archive with its single central record repeated `times` times.
fn repeat_record(archive: &[u8], times: u16) -> Vec<u8> {
    let (cd, end) = directory(archive);
    let record = &archive[cd..end];
    let mut out = archive[..cd].to_vec();
    for _ in 0..times {
        out.extend_from_slice(record);
    }
    let size = (record.len() * usize::from(times)) as u32;
    let mut tail = archive[end..].to_vec();
    tail[8..10].copy_from_slice(&times.to_le_bytes());
    tail[10..12].copy_from_slice(&times.to_le_bytes());
    tail[12..16].copy_from_slice(&size.to_le_bytes());
    out.extend_from_slice(&tail);
    out
}
