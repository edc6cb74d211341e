//! Hostile inputs (issue 9 item 7): each fixture is built here, from the shape of the attack,
//! and each must end in its own error naming the limit, without exhausting the decoder.

use credbridge_formats::{
    Error, Item, Limits, MAX_JSON_EXPANDED_BYTES, MAX_JSON_STRING_BYTES, MAX_JSON_VALUES,
    MAX_SVG_ATTRIBUTES, MAX_SVG_NAMESPACE_BINDINGS, MAX_ZIP_RATIO, decode_bytes, decode_path,
};
use serde_json::{Value, json};

use crate::{example, scratch_dir, summary, zip_of};

const VC2_JSON: &str = "1edtech-validator/ob30/simple.json";

fn decode_with(bytes: &[u8], limits: &Limits) -> Vec<Result<Item, Error>> {
    decode_bytes(bytes, "in", limits).collect()
}

fn decode(bytes: &[u8]) -> Vec<Result<Item, Error>> {
    decode_with(bytes, &Limits::default())
}

// ---- zip ----------------------------------------------------------------------------------

/// Offsets of the central directory records and of the end record of an archive made by
/// `zip_of` (no comment, no ZIP64).
fn central_records(archive: &[u8]) -> (Vec<usize>, usize) {
    let end = archive.len() - 22;
    assert_eq!(&archive[end..end + 4], b"PK\x05\x06");
    let start = u32::from_le_bytes(archive[end + 16..end + 20].try_into().unwrap()) as usize;
    let mut records = Vec::new();
    let mut at = start;
    while at < end {
        assert_eq!(&archive[at..at + 4], b"PK\x01\x02");
        records.push(at);
        let n = u16::from_le_bytes(archive[at + 28..at + 30].try_into().unwrap()) as usize;
        let m = u16::from_le_bytes(archive[at + 30..at + 32].try_into().unwrap()) as usize;
        let k = u16::from_le_bytes(archive[at + 32..at + 34].try_into().unwrap()) as usize;
        at += 46 + n + m + k;
    }
    (records, end)
}

fn put_u32(bytes: &mut [u8], at: usize, value: u32) {
    bytes[at..at + 4].copy_from_slice(&value.to_le_bytes());
}

fn put_u16(bytes: &mut [u8], at: usize, value: u16) {
    bytes[at..at + 2].copy_from_slice(&value.to_le_bytes());
}

/// Rebuilds an archive's central directory from `records` (slices of central records), in
/// that order, with a fresh end record.
fn with_directory(archive: &[u8], records: &[Vec<u8>]) -> Vec<u8> {
    let (old, _) = central_records(archive);
    let mut out = archive[..old[0]].to_vec();
    let start = out.len();
    for record in records {
        out.extend_from_slice(record);
    }
    let size = out.len() - start;
    let mut end = vec![0u8; 22];
    end[..4].copy_from_slice(b"PK\x05\x06");
    put_u16(&mut end, 8, records.len() as u16);
    put_u16(&mut end, 10, records.len() as u16);
    put_u32(&mut end, 12, size as u32);
    put_u32(&mut end, 16, start as u32);
    out.extend_from_slice(&end);
    out
}

fn record_bytes(archive: &[u8], index: usize) -> Vec<u8> {
    let (records, end) = central_records(archive);
    let to = records.get(index + 1).copied().unwrap_or(end);
    archive[records[index]..to].to_vec()
}

#[test]
fn entries_sharing_one_local_header_are_refused_before_anything_is_inflated() {
    // Fifield's construction in its simplest form: many central records, one kernel. Here the
    // kernel is 8 MiB of zeros, 8 times over.
    let zeros = vec![0u8; 8 * 1024 * 1024];
    let archive = zip_of(&[("kernel.json", &zeros, true)]);
    let record = record_bytes(&archive, 0);
    let bomb = with_directory(&archive, &vec![record; 8]);
    match &decode(&bomb)[..] {
        [Err(Error::ZipOverlappingEntries { path, offset: 0 })] => {
            assert_eq!(path.to_string(), "in")
        }
        other => panic!("{:#?}", summary(other)),
    }
}

#[test]
fn an_entry_whose_data_covers_the_next_local_header_is_refused() {
    // The "full overlap" shape: the first entry's declared data runs over the second entry.
    let json = example(VC2_JSON);
    let archive = zip_of(&[("a.json", &json, false), ("b.json", &json, false)]);
    let (records, _) = central_records(&archive);
    let mut first = record_bytes(&archive, 0);
    let second = record_bytes(&archive, 1);
    let covering = records[0] as u32 - 40; // up to the central directory, minus a header
    put_u32(&mut first, 20, covering);
    put_u32(&mut first, 24, covering);
    let bomb = with_directory(&archive, &[first, second]);
    let results = decode(&bomb);
    assert!(
        matches!(&results[..], [Err(Error::ZipOverlappingEntries { .. })]),
        "{:#?}",
        summary(&results)
    );
}

#[test]
fn a_directory_out_of_file_order_is_read_and_still_checked() {
    let json = example(VC2_JSON);
    let archive = zip_of(&[("a.json", &json, true), ("b.json", &json, true)]);
    let reversed = with_directory(
        &archive,
        &[record_bytes(&archive, 1), record_bytes(&archive, 0)],
    );
    assert_eq!(
        summary(&decode(&reversed)),
        [
            "in!b.json | zip > json | json",
            "in!a.json | zip > json | json"
        ]
    );
    // Out of order and overlapping: b listed first, then a twice.
    let overlapping = with_directory(
        &archive,
        &[
            record_bytes(&archive, 1),
            record_bytes(&archive, 0),
            record_bytes(&archive, 0),
        ],
    );
    assert!(matches!(
        &decode(&overlapping)[..],
        [Err(Error::ZipOverlappingEntries { .. })]
    ));
}

#[test]
fn declared_sizes_that_lie_are_not_trusted() {
    let zeros = vec![0u8; 8 * 1024 * 1024];
    let archive = zip_of(&[("bomb.json", &zeros, true)]);
    let (records, _) = central_records(&archive);
    let compressed = u32::from_le_bytes(
        archive[records[0] + 20..records[0] + 24]
            .try_into()
            .unwrap(),
    );

    // A compressed size declared 100 times larger than the stream: the ratio is computed on
    // the bytes the inflater consumed, so the bomb is still stopped. (The data would also run
    // into the central directory; the declared range is cut to fit so that only the ratio
    // can catch it.)
    let mut lying = record_bytes(&archive, 0);
    let room = records[0] as u32 - 30 - "bomb.json".len() as u32;
    assert!(room >= compressed);
    put_u32(&mut lying, 20, room);
    let results = decode(&with_directory(&archive, &[lying]));
    match &results[..] {
        [Err(Error::ZipCompressionRatio { ratio, limit, .. })] => {
            assert!(*ratio > *limit, "{ratio}");
            assert_eq!(*limit, MAX_ZIP_RATIO);
        }
        other => panic!("{:#?}", summary(other)),
    }

    // An uncompressed size declared tiny: the entry is read by what it holds, and the
    // mismatch is an error, not a truncated credential.
    let json = example(VC2_JSON);
    let archive = zip_of(&[("a.json", &json, true)]);
    let mut lying = record_bytes(&archive, 0);
    put_u32(&mut lying, 24, 10);
    match &decode(&with_directory(&archive, &[lying]))[..] {
        [Err(Error::ZipMalformed { message, .. })] => {
            assert!(message.contains("declares 10 bytes"), "{message}")
        }
        other => panic!("{:#?}", summary(other)),
    }

    // Data declared past the end of the entries.
    let mut lying = record_bytes(&archive, 0);
    put_u32(&mut lying, 20, u32::MAX - 1);
    assert!(matches!(
        &decode(&with_directory(&archive, &[lying]))[..],
        [Err(Error::ZipMalformed { .. })]
    ));
}

#[test]
fn nested_archives_share_one_inflation_budget() {
    let json = example(VC2_JSON);
    let inner = zip_of(&[("a.json", &json, true), ("b.json", &json, true)]);
    let outer = zip_of(&[
        ("1.zip", &inner, true),
        ("2.zip", &inner, true),
        ("3.zip", &inner, true),
    ]);
    assert_eq!(decode(&outer).len(), 6, "all six credentials by default");
    // Each archive alone inflates less than four credentials' worth; together they inflate
    // more: nested archives no longer start from zero.
    let limits = Limits {
        max_zip_total_bytes: 4 * json.len() as u64,
        ..Limits::default()
    };
    let inner_alone = decode_with(&inner, &limits);
    assert!(inner_alone.iter().all(Result::is_ok));
    let results = decode_with(&outer, &limits);
    assert!(
        results
            .iter()
            .any(|r| matches!(r, Err(Error::ZipTotalTooLarge { .. }))),
        "{:#?}",
        summary(&results)
    );
    assert!(results.iter().filter(|r| r.is_ok()).count() < 6);
}

/// A nested bomb of the 42.zip family: each level holds copies of the level below, and
/// deflate output of zeros is itself repetitive, so each level compresses again.
fn nested_bomb(levels: usize, copies: usize) -> Vec<u8> {
    // Below the per-entry ratio check, but maximally compressible.
    let mut current = zip_of(&[("0.json", &vec![b' '; 60 * 1024], true)]);
    for level in 0..levels {
        let names: Vec<String> = (0..copies).map(|i| format!("{level}-{i}.zip")).collect();
        let entries: Vec<(&str, &[u8], bool)> = names
            .iter()
            .map(|n| (n.as_str(), current.as_slice(), true))
            .collect();
        current = zip_of(&entries);
    }
    current
}

#[test]
fn a_nested_bomb_is_stopped_by_the_ratio_of_the_whole_tree() {
    let bomb = nested_bomb(4, 16);
    // 16^4 = 65 536 leaves of 60 KiB: 3.75 GiB from a file of a few hundred KiB.
    assert!(bomb.len() < 2 * 1024 * 1024, "{}", bomb.len());
    let results = decode(&bomb);
    let stopped = results.iter().find_map(|r| match r {
        Err(Error::ZipArchiveRatio {
            archive_bytes,
            limit,
            ..
        }) => Some((*archive_bytes, *limit)),
        _ => None,
    });
    assert_eq!(stopped, Some((bomb.len() as u64, MAX_ZIP_RATIO)));
    // Nothing after the budget ran out: the walk of the archive stopped.
    assert!(results.len() < 200, "{}", results.len());
}

#[test]
fn file_too_large_gives_the_real_size_of_a_zip_entry() {
    let json = example(VC2_JSON);
    let archive = zip_of(&[("a.json", &json, true)]);
    let limits = Limits {
        max_file_bytes: 100,
        ..Limits::default()
    };
    match &decode_with(&archive, &limits)[..] {
        [
            Err(Error::FileTooLarge {
                size, limit: 100, ..
            }),
        ] => {
            assert_eq!(*size, json.len() as u64)
        }
        other => panic!("{:#?}", summary(other)),
    }
}

// ---- SVG ----------------------------------------------------------------------------------

fn baked_svg(root_attributes: &str, inside: &str) -> Vec<u8> {
    format!(
        r#"<svg xmlns="http://www.w3.org/2000/svg" xmlns:ob="https://purl.imsglobal.org/ob/v3p0"{root_attributes}>{inside}<ob:credential><![CDATA[{}]]></ob:credential></svg>"#,
        String::from_utf8(example(VC2_JSON)).unwrap()
    )
    .into_bytes()
}

#[test]
fn an_attribute_storm_is_refused_by_its_limit() {
    // 100 000 attributes on one element: 12 s of CPU with the duplicate check.
    let storm: String = (0..100_000).map(|i| format!(" a{i}=\"\"")).collect();
    match &decode(&baked_svg(&storm, ""))[..] {
        [
            Err(Error::SvgTooManyAttributes {
                limit, position, ..
            }),
        ] => {
            assert_eq!(*limit, MAX_SVG_ATTRIBUTES);
            assert_eq!(*position, 0);
        }
        other => panic!("{:#?}", summary(other)),
    }
    // The same storm on an element further in.
    let inner = format!("<g{storm}/>");
    assert!(matches!(
        &decode(&baked_svg("", &inner))[..],
        [Err(Error::SvgTooManyAttributes { .. })]
    ));
    // At the limit it decodes (the root has its two xmlns attributes already).
    let at_limit: String = (0..MAX_SVG_ATTRIBUTES - 2)
        .map(|i| format!(" a{i}=\"\""))
        .collect();
    assert!(decode(&baked_svg(&at_limit, "")).iter().all(Result::is_ok));
    // Duplicate attributes are not this reader's concern (the check was quadratic).
    assert!(
        decode(&baked_svg(" a=\"1\" a=\"2\"", ""))
            .iter()
            .all(Result::is_ok)
    );
}

#[test]
fn namespace_binding_storms_are_refused_by_their_limit() {
    // Many bindings on the root (fewer than the attribute limit) ...
    let storm: String = (0..200)
        .map(|i| format!(" xmlns:p{i}=\"urn:x:{i}\""))
        .collect();
    match &decode(&baked_svg(&storm, ""))[..] {
        [Err(Error::SvgTooManyNamespaceBindings { limit, .. })] => {
            assert_eq!(*limit, MAX_SVG_NAMESPACE_BINDINGS)
        }
        other => panic!("{:#?}", summary(other)),
    }
    // ... or one per level of nested groups, so that each element sees them all.
    let depth = 1_000;
    let nested: String = (0..depth)
        .map(|i| format!("<g xmlns:q{i}=\"urn:q:{i}\">"))
        .chain((0..depth).map(|_| "</g>".to_owned()))
        .collect();
    assert!(matches!(
        &decode(&baked_svg("", &nested))[..],
        [Err(Error::SvgTooManyNamespaceBindings { .. })]
    ));
    // Bindings that go out of scope do not add up.
    let siblings: String = (0..1_000)
        .map(|i| format!("<g xmlns:s=\"urn:s:{i}\"/>"))
        .collect();
    assert!(decode(&baked_svg("", &siblings)).iter().all(Result::is_ok));
}

// ---- JSON ---------------------------------------------------------------------------------

fn credential_with(extra: impl FnOnce(&mut serde_json::Map<String, Value>)) -> Vec<u8> {
    let mut value: Value = serde_json::from_slice(&example(VC2_JSON)).unwrap();
    extra(value.as_object_mut().unwrap());
    serde_json::to_vec(&value).unwrap()
}

#[test]
fn a_document_with_too_many_keys_is_refused_before_parsing() {
    // The shape of the 13 MB, 700 000-key credential, smaller.
    let many = credential_with(|doc| {
        let subject = doc["credentialSubject"].as_object_mut().unwrap();
        for i in 0..MAX_JSON_VALUES / 2 + 10 {
            subject.insert(format!("k{i}"), json!(i));
        }
    });
    match &decode(&many)[..] {
        [Err(Error::JsonTooManyValues { values, limit, .. })] => {
            assert_eq!(*limit, MAX_JSON_VALUES);
            assert!(*values > MAX_JSON_VALUES);
        }
        other => panic!("{:#?}", summary(other)),
    }
    // The limit is per document: a JSON array of many small credentials is not one document.
    let one = example(VC2_JSON);
    let per_document = Limits {
        max_json_values: 200,
        ..Limits::default()
    };
    let array = format!("[{}]", vec![String::from_utf8(one).unwrap(); 20].join(","));
    let results = decode_with(array.as_bytes(), &per_document);
    assert_eq!(results.len(), 20);
    assert!(
        results.iter().all(Result::is_ok),
        "{:#?}",
        summary(&results)
    );
    // In a JSON Lines line, in a JWS payload: the same limit, per line, per payload.
    let tiny = Limits {
        max_json_values: 10,
        ..Limits::default()
    };
    let vc = credential_with(|_| {});
    let line = String::from_utf8(vc.clone()).unwrap();
    let jsonl = format!("{line}\n{line}\n");
    assert_eq!(
        summary(&decode_with(jsonl.as_bytes(), &tiny)),
        [
            "ERR JsonTooManyValues @ in:1",
            "ERR JsonTooManyValues @ in:2"
        ]
    );
    let jws = crate::unsigned_jws(&json!({"alg": "none"}), &vc);
    assert!(matches!(
        &decode_with(jws.as_bytes(), &tiny)[..],
        [Err(Error::JsonTooManyValues { .. })]
    ));
}

#[test]
fn a_huge_string_is_refused_by_the_string_limit() {
    let huge_iri = credential_with(|doc| {
        let iri = format!("https://example.com/{}", "a".repeat(5 * 1024 * 1024));
        doc.insert("id".into(), json!(iri));
    });
    match &decode(&huge_iri)[..] {
        [Err(Error::JsonStringTooLong { size, limit, .. })] => {
            assert_eq!(*limit, MAX_JSON_STRING_BYTES);
            assert!(*size > MAX_JSON_STRING_BYTES);
        }
        other => panic!("{:#?}", summary(other)),
    }
}

#[test]
fn long_ids_repeated_in_every_statement_are_refused_by_the_expansion_limit() {
    // A 1 MiB id on an object with 400 members: a 1.4 MB file that cost 1.3 GB downstream.
    let repeated_id = credential_with(|doc| {
        let subject = doc["credentialSubject"].as_object_mut().unwrap();
        subject.insert("id".into(), json!(format!("urn:x:{}", "a".repeat(1 << 20))));
        for i in 0..400 {
            subject.insert(format!("k{i}"), json!(i));
        }
    });
    match &decode(&repeated_id)[..] {
        [
            Err(Error::JsonExpansionTooLarge {
                estimate, limit, ..
            }),
        ] => {
            assert_eq!(*limit, MAX_JSON_EXPANDED_BYTES);
            assert!(*estimate > 400 << 20, "{estimate}");
        }
        other => panic!("{:#?}", summary(other)),
    }
    // A long @vocab makes every short key long.
    let long_vocab = credential_with(|doc| {
        let vocab = format!("https://example.com/{}#", "v".repeat(1 << 20));
        doc["@context"]
            .as_array_mut()
            .unwrap()
            .push(json!({"@vocab": vocab}));
        let subject = doc["credentialSubject"].as_object_mut().unwrap();
        for i in 0..100 {
            subject.insert(format!("k{i}"), json!(i));
        }
    });
    assert!(matches!(
        &decode(&long_vocab)[..],
        [Err(Error::JsonExpansionTooLarge { .. })]
    ));
    // A genuine shape: a 1 MiB data-URL image stands in one small object.
    let image = credential_with(|doc| {
        let data = format!("data:image/png;base64,{}", "A".repeat(1 << 20));
        doc.insert("image".into(), json!({"id": data, "type": "Image"}));
    });
    assert!(decode(&image).iter().all(Result::is_ok));
}

// ---- folders ------------------------------------------------------------------------------

#[cfg(unix)]
#[test]
fn a_fifo_in_a_folder_is_skipped_without_opening_it() {
    let dir = scratch_dir("hostile-fifo");
    std::fs::write(dir.join("a.json"), example(VC2_JSON)).unwrap();
    let fifo = dir.join("b.pipe");
    let made = std::process::Command::new("mkfifo")
        .arg(&fifo)
        .status()
        .unwrap();
    assert!(made.success());
    // Nobody writes to the pipe: opening it would block forever.
    let results: Vec<_> = decode_path(&dir, &Limits::default()).collect();
    match &results[..] {
        [Ok(_), Err(Error::NotARegularFile { path, kind })] => {
            assert!(path.to_string().ends_with("b.pipe"));
            assert_eq!(*kind, "a named pipe (FIFO)");
        }
        other => panic!("{:#?}", summary(other)),
    }
}

#[cfg(unix)]
#[test]
fn symlinks_are_not_followed_out_of_the_input_tree_and_errors_do_not_quote_files() {
    let outside = scratch_dir("hostile-outside");
    let secret = "SECRET-TOKEN-9f8e7d";
    std::fs::write(outside.join("secret.txt"), format!("{secret}\n")).unwrap();
    std::fs::write(outside.join("vc.json"), example(VC2_JSON)).unwrap();
    let dir = scratch_dir("hostile-symlinks");
    std::fs::write(dir.join("a.json"), example(VC2_JSON)).unwrap();
    std::os::unix::fs::symlink(outside.join("secret.txt"), dir.join("b-secret")).unwrap();
    std::os::unix::fs::symlink(outside.join("vc.json"), dir.join("c-outside.json")).unwrap();
    std::os::unix::fs::symlink(dir.join("a.json"), dir.join("d-inside.json")).unwrap();
    std::fs::write(dir.join("e-notes.txt"), format!("{secret}\n")).unwrap();
    let results: Vec<_> = decode_path(&dir, &Limits::default()).collect();
    let lines = summary(&results);
    let names: Vec<&str> = lines
        .iter()
        .map(|l| l.rsplit('/').next().unwrap())
        .collect();
    assert_eq!(
        names,
        [
            "a.json | dir > json | json",
            "b-secret",
            "c-outside.json",
            "d-inside.json | dir > json | json",
            "e-notes.txt",
        ],
        "{lines:#?}"
    );
    assert!(matches!(results[1], Err(Error::SymlinkOutsideInput { .. })));
    assert!(matches!(results[2], Err(Error::SymlinkOutsideInput { .. })));
    for result in &results {
        if let Err(e) = result {
            assert!(!e.to_string().contains("SECRET"), "{e}");
        }
    }
}

// ---- the fuzzing amplifier ----------------------------------------------------------------

fn amplified(shape: u8, count: u16, unit: &[u8]) -> Vec<Result<Item, Error>> {
    let mut data = vec![shape];
    data.extend_from_slice(&count.to_le_bytes());
    data.extend_from_slice(unit);
    let input = credbridge_formats::fuzzing::amplify(&data);
    decode(&input)
}

/// The structured fuzz target (`formats_decode_amplified`) reaches every limit above from a
/// few bytes of input, so a regression of any of them is within a fuzzer's reach.
#[test]
fn the_fuzzing_amplifier_reaches_each_limit() {
    let errors = |results: Vec<Result<Item, Error>>| {
        results
            .into_iter()
            .filter_map(Result::err)
            .map(|e| crate::variant(&e))
            .collect::<Vec<_>>()
    };
    let cases: [(u8, u16, &[u8], &str); 6] = [
        (0, 100, b"v", "SvgTooManyAttributes"),
        (1, 100, b"n", "SvgTooManyNamespaceBindings"),
        (2, 4_000, b"x", "JsonTooManyValues"),
        (3, 20_000, b"https://example.com/", "JsonStringTooLong"),
        (4, 5 + 6 * 15, &[b'{'; 100], "ZipArchiveRatio"),
        (5, 1_000, b"{}", "ZipOverlappingEntries"),
    ];
    for (shape, count, unit, expected) in cases {
        let found = errors(amplified(shape, count, unit));
        assert!(found.contains(&expected), "shape {shape}: {found:?}");
    }
}

#[test]
fn zip64_archives_are_read() {
    use std::io::Write as _;
    // More than 65 535 entries: the count lives in the ZIP64 end record.
    let mut writer = zip::ZipWriter::new(std::io::Cursor::new(Vec::new()));
    let options = zip::write::SimpleFileOptions::default();
    for i in 0..70_000 {
        writer.add_directory(format!("d{i}/"), options).unwrap();
    }
    // And an entry with ZIP64 extra fields although it is small.
    let large = options
        .compression_method(zip::CompressionMethod::Deflated)
        .large_file(true);
    writer.start_file("last.json", large).unwrap();
    writer.write_all(&example(VC2_JSON)).unwrap();
    let archive = writer.finish().unwrap().into_inner();
    let results = decode(&archive);
    assert_eq!(summary(&results), ["in!last.json | zip > json | json"]);
}
