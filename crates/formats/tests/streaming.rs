//! decode_path streams: files are read when the iterator gets to them, not up front, and a
//! JSON Lines file is read line by line, each line bounded, the file not.

use std::io::{Seek as _, SeekFrom, Write as _};

use credbridge_formats::{ContainerKind, Error, Limits, Payload, decode_bytes, decode_path};
use serde_json::Value;

use crate::{example, scratch_dir, summary};

#[test]
fn directory_items_are_yielded_one_by_one_as_files_are_read() {
    let dir = scratch_dir("streaming");
    let template: serde_json::Value =
        serde_json::from_slice(&example("1edtech-validator/ob30/simple.json")).unwrap();
    let count = 300;
    for i in 0..count {
        let sub = dir.join(format!("batch{}", i / 100));
        std::fs::create_dir_all(&sub).unwrap();
        let mut credential = template.clone();
        credential["id"] = format!("urn:example:{i:03}").into();
        std::fs::write(
            sub.join(format!("{i:03}.json")),
            serde_json::to_vec(&credential).unwrap(),
        )
        .unwrap();
    }
    let mut items = decode_path(&dir, &Limits::default());
    let first = items.next().unwrap().unwrap();
    assert_eq!(first.credential_json().unwrap()["id"], "urn:example:000");

    // Rewrite the last file after the walk has started: a walk that had read every file up
    // front would still yield the old content.
    let last = dir.join("batch2").join(format!("{:03}.json", count - 1));
    let mut changed = template.clone();
    changed["id"] = "urn:example:changed".into();
    std::fs::write(&last, serde_json::to_vec(&changed).unwrap()).unwrap();
    // And remove a file of the directory being walked (listed, not yet read): it becomes one
    // I/O error and the walk goes on.
    std::fs::remove_file(dir.join("batch0").join("050.json")).unwrap();

    let rest: Vec<_> = items.collect();
    assert_eq!(rest.len(), count - 1);
    let ids: Vec<String> = rest
        .iter()
        .map(|r| match r {
            Ok(item) => match &item.payload {
                Payload::Json { value, .. } => value["id"].as_str().unwrap().to_owned(),
                other => panic!("{other:?}"),
            },
            Err(e) => format!("error: {}", crate::variant(e)),
        })
        .collect();
    assert_eq!(ids[0], "urn:example:001", "sorted order");
    assert_eq!(ids[49], "error: Io");
    assert_eq!(ids[count - 2], "urn:example:changed");
}

/// Every JSON example under these folders of `testdata/examples`, minified to one line, in
/// sorted order, plus the VC-JWT example as a JSON string line.
fn example_lines() -> Vec<String> {
    let mut files = Vec::new();
    for folder in [
        "1edtech-validator/ob30",
        "1edtech-validator/clr20",
        "1edtech-spec-examples",
        "dcc-vc-test-fixtures/verifiableCredentials/v2",
    ] {
        for entry in std::fs::read_dir(crate::examples_dir().join(folder)).unwrap() {
            let path = entry.unwrap().path();
            if path.extension().is_some_and(|e| e == "json") {
                files.push(path);
            }
        }
    }
    files.sort();
    let mut lines: Vec<String> = files
        .iter()
        .filter_map(|path| serde_json::from_slice::<Value>(&std::fs::read(path).unwrap()).ok())
        .map(|value| serde_json::to_string(&value).unwrap())
        .collect();
    lines.push(format!(
        "\"{}\"",
        crate::example_str("1edtech-validator-derived/ob30-vcjwt-vcdm2-from-simple-jwt.png.jwt")
    ));
    assert!(lines.len() > 40, "{}", lines.len());
    lines
}

/// A JSON Lines text of at least `min_bytes`, cycling through the example lines, with blank
/// lines, a CRLF line and leading blank lines mixed in.
fn big_json_lines(min_bytes: usize) -> String {
    let lines = example_lines();
    let mut text = String::from("\n \n");
    for (i, line) in lines.iter().cycle().enumerate() {
        if text.len() >= min_bytes {
            break;
        }
        text.push_str(line);
        text.push_str(match i % 7 {
            0 => "\r\n",
            3 => "\n\n  \n",
            _ => "\n",
        });
    }
    text
}

const SMALL_FILE_LIMIT: u64 = 64 * 1024;

#[test]
fn json_lines_file_larger_than_the_file_limit_streams_line_by_line() {
    let text = big_json_lines(1024 * 1024);
    let path = scratch_dir("jsonl-big").join("creds.jsonl");
    std::fs::write(&path, &text).unwrap();
    let small = Limits {
        max_file_bytes: SMALL_FILE_LIMIT,
        ..Limits::default()
    };
    assert!(text.len() as u64 > 16 * small.max_file_bytes);
    let streamed: Vec<_> = decode_path(&path, &small).collect();

    // The in-memory decoder (the whole file fits the default limit) is the reference: same
    // items, same paths (`creds.jsonl:N`, file line numbers), same errors, same order.
    let name = path.to_str().unwrap();
    let in_memory: Vec<_> = decode_bytes(text.as_bytes(), name, &Limits::default()).collect();
    assert_eq!(summary(&streamed), summary(&in_memory));

    // And the reference numbers lines as the file does: the first credential is on line 3
    // (after two blank lines), the last non-blank line of the file yields an item.
    let file_lines: Vec<&str> = text.split('\n').collect();
    let last = file_lines
        .iter()
        .rposition(|line| !line.trim().is_empty())
        .unwrap()
        + 1;
    let lines_seen: Vec<String> = streamed
        .iter()
        .filter_map(|r| r.as_ref().ok())
        .map(|item| item.path.to_string())
        .filter(|p| !p.contains('#'))
        .collect();
    assert_eq!(lines_seen.first().unwrap(), &format!("{name}:3"));
    assert_eq!(lines_seen.last().unwrap(), &format!("{name}:{last}"));
    let non_blank = file_lines.iter().filter(|l| !l.trim().is_empty()).count();
    let errors = streamed.iter().filter(|r| r.is_err()).count();
    assert!(errors < non_blank / 10, "{errors} errors");
    assert!(
        streamed
            .iter()
            .filter_map(|r| r.as_ref().ok())
            .all(|item| item.containers.first() == Some(&ContainerKind::JsonLines))
    );
    // Every item's bytes are exactly its line (or a part of it).
    for item in streamed.iter().filter_map(|r| r.as_ref().ok()) {
        let segment = item.path.to_string();
        let number: usize = segment[name.len() + 1..]
            .split('#')
            .next()
            .unwrap()
            .parse()
            .unwrap();
        if let Payload::Json { raw, .. } = &item.payload {
            let line = file_lines[number - 1].trim().as_bytes();
            assert!(line.windows(raw.len()).any(|w| w == &raw[..]), "{segment}");
        }
    }

    // The same text read whole with the small limit is refused, as any other large file is.
    let pretty = scratch_dir("jsonl-big-pretty").join("creds.json");
    let array: Vec<Value> = example_lines()
        .iter()
        .map(|l| serde_json::from_str(l).unwrap())
        .collect();
    std::fs::write(&pretty, serde_json::to_vec_pretty(&array).unwrap()).unwrap();
    match &decode_path(&pretty, &small).collect::<Vec<_>>()[..] {
        [Err(Error::FileTooLarge { size, limit, .. })] => assert_eq!(
            (*size, *limit),
            (std::fs::metadata(&pretty).unwrap().len(), SMALL_FILE_LIMIT),
            "the real size"
        ),
        other => panic!("{:#?}", summary(other)),
    }
}

#[test]
fn results_per_file_do_not_cap_a_streamed_json_lines_file() {
    let line = serde_json::to_string(&template()).unwrap();
    let text = format!("{line}\n").repeat(50);
    let path = scratch_dir("jsonl-many").join("many.jsonl");
    std::fs::write(&path, &text).unwrap();
    let few = Limits {
        max_items_per_file: 10,
        ..Limits::default()
    };
    // In memory the whole text is one blob and is cut at the limit …
    let in_memory: Vec<_> = decode_bytes(text.as_bytes(), "many.jsonl", &few).collect();
    assert_eq!(in_memory.len(), 11);
    assert!(matches!(in_memory[10], Err(Error::TooManyItems { .. })));
    // … streamed, each line is its own blob and every line comes out.
    let streamed: Vec<_> = decode_path(&path, &few).collect();
    assert_eq!(streamed.len(), 50, "{:#?}", summary(&streamed));
    assert!(streamed.iter().all(Result::is_ok));
    // The limit still bounds one line: a line holding an array of 50 credentials.
    let array_line = format!("[{}]", vec![line.as_str(); 50].join(","));
    std::fs::write(&path, format!("{line}\n{array_line}\n{line}\n")).unwrap();
    let lines = summary(&decode_path(&path, &few).collect::<Vec<_>>());
    let too_many = format!("ERR TooManyItems @ {}:2", path.display());
    assert_eq!(lines.len(), 1 + 10 + 1 + 1, "{lines:#?}");
    assert_eq!(lines[11], too_many);
    assert!(lines[12].starts_with(&format!("{}:3 |", path.display())));
}

fn template() -> Value {
    serde_json::from_slice(&example("1edtech-validator/ob30/simple.json")).unwrap()
}

#[test]
fn a_json_lines_line_longer_than_the_limit_is_refused_alone() {
    let credential = |id: &str| {
        let mut credential = template();
        credential["id"] = id.into();
        serde_json::to_string(&credential).unwrap()
    };
    let mut long = template();
    long["id"] = "urn:example:long".into();
    long["description"] = "x".repeat(100 * 1024).into();
    let long = serde_json::to_string(&long).unwrap();
    assert!(long.len() as u64 > SMALL_FILE_LIMIT);
    let text = format!(
        "{}\n{long}\n{}\n\n{}\n{long}",
        credential("urn:example:1"),
        credential("urn:example:3"),
        credential("urn:example:5"),
    );
    let path = scratch_dir("jsonl-long-line").join("creds.jsonl");
    std::fs::write(&path, &text).unwrap();
    let small = Limits {
        max_file_bytes: SMALL_FILE_LIMIT,
        ..Limits::default()
    };
    let results: Vec<_> = decode_path(&path, &small).collect();
    let outcome: Vec<String> = results
        .iter()
        .map(|r| match r {
            Ok(item) => format!("{} {}", item.path, item.credential_json().unwrap()["id"]),
            Err(Error::FileTooLarge { path, size, limit }) => {
                assert_eq!(*limit, SMALL_FILE_LIMIT);
                assert_eq!(*size, long.len() as u64, "the whole line is counted");
                format!("{path} too large")
            }
            Err(e) => panic!("{e}"),
        })
        .collect();
    let p = path.display();
    assert_eq!(
        outcome,
        [
            format!("{p}:1 \"urn:example:1\""),
            format!("{p}:2 too large"),
            format!("{p}:3 \"urn:example:3\""),
            format!("{p}:5 \"urn:example:5\""),
            format!("{p}:6 too large"),
        ]
    );
    let message = results[1].as_ref().unwrap_err().to_string();
    assert!(message.starts_with(&format!("{p}:2: ")), "{message}");

    // A line of exactly the limit is accepted; one byte more is not.
    let exact = Limits {
        max_file_bytes: long.len() as u64,
        ..Limits::default()
    };
    assert!(decode_path(&path, &exact).all(|r| r.is_ok()));
    let one_less = Limits {
        max_file_bytes: long.len() as u64 - 1,
        ..Limits::default()
    };
    assert_eq!(
        decode_path(&path, &one_less)
            .filter(|r| matches!(r, Err(Error::FileTooLarge { .. })))
            .count(),
        2
    );

    // A first line over the limit: the file cannot be recognised as JSON Lines within the
    // limit, so it is refused whole, like any other large file.
    std::fs::write(&path, format!("{long}\n{}\n", credential("urn:example:2"))).unwrap();
    match &decode_path(&path, &small).collect::<Vec<_>>()[..] {
        [Err(Error::FileTooLarge { path: at, size, .. })] => {
            assert_eq!(at.to_string(), p.to_string());
            assert_eq!(
                *size,
                std::fs::metadata(&path).unwrap().len(),
                "the real size"
            );
        }
        other => panic!("{:#?}", summary(other)),
    }
}

#[test]
fn json_lines_items_are_yielded_before_the_file_is_read_to_its_end() {
    // Fixed-width ids, so that a line can be rewritten in place with the same length.
    let line = |i: usize| {
        let mut credential = template();
        credential["id"] = format!("urn:example:{i:05}").into();
        serde_json::to_string(&credential).unwrap() + "\n"
    };
    let count = 1000; // a few MB, far more than any read buffer
    let text: String = (0..count).map(line).collect();
    let path = scratch_dir("jsonl-streaming").join("creds.jsonl");
    std::fs::write(&path, &text).unwrap();
    let small = Limits {
        max_file_bytes: SMALL_FILE_LIMIT,
        ..Limits::default()
    };
    let mut items = decode_path(&path, &small);
    let first = items.next().unwrap().unwrap();
    assert_eq!(first.credential_json().unwrap()["id"], "urn:example:00000");
    assert_eq!(first.path.to_string(), format!("{}:1", path.display()));

    // Rewrite the last line in place and append a line after the first item: a reader that
    // had taken in the whole file up front would yield neither change.
    let last = line(count - 1);
    let changed = last.replace(&format!("{:05}", count - 1), "chang");
    assert_eq!(changed.len(), last.len());
    let mut file = std::fs::OpenOptions::new().write(true).open(&path).unwrap();
    file.seek(SeekFrom::Start((text.len() - last.len()) as u64))
        .unwrap();
    file.write_all(changed.as_bytes()).unwrap();
    file.write_all(line(count).as_bytes()).unwrap();
    drop(file);

    let rest: Vec<String> = items
        .map(|r| {
            r.unwrap().credential_json().unwrap()["id"]
                .as_str()
                .unwrap()
                .to_owned()
        })
        .collect();
    assert_eq!(rest.len(), count);
    assert_eq!(rest[0], "urn:example:00001");
    assert_eq!(rest[count - 2], "urn:example:chang");
    assert_eq!(rest[count - 1], format!("urn:example:{count:05}"));
}

/// `read_path` + `Blob::decode` is `decode_path` with the decoding moved: over every example
/// file, a JSON Lines file, a zip of examples and a missing file, decoding the blobs in
/// reverse order on other threads and putting them back in reading order gives exactly the
/// items and errors `decode_path` gives.
#[test]
fn blobs_decoded_on_other_threads_give_exactly_the_decoded_walk() {
    let dir = scratch_dir("blobs");
    std::fs::write(dir.join("lines.jsonl"), example_lines().join("\n")).unwrap();
    let simple = example("1edtech-validator/ob30/simple.json");
    let zip = crate::zip_of(&[
        ("a/simple.json", &simple, true),
        ("b/not-json.txt", b"plain text", false),
    ]);
    std::fs::write(dir.join("bundle.zip"), zip).unwrap();
    let limits = Limits::default();
    let roots = [
        crate::examples_dir(),
        dir.clone(),
        dir.join("does-not-exist.json"),
    ];
    for root in roots {
        let expected: Vec<Result<String, String>> = decode_path(&root, &limits)
            .map(|r| r.map(|i| format!("{i:?}")).map_err(|e| e.to_string()))
            .collect();
        let blobs: Vec<credbridge_formats::Blob> =
            credbridge_formats::read_path(&root, &limits).collect();
        assert!(blobs.len() > 1 || root.ends_with("does-not-exist.json"));
        let mut decoded: Vec<(usize, Vec<Result<String, String>>)> = std::thread::scope(|s| {
            let handles: Vec<_> = blobs
                .into_iter()
                .enumerate()
                .rev()
                .map(|(n, blob)| {
                    s.spawn(move || {
                        let items = blob
                            .decode()
                            .into_iter()
                            .map(|r| r.map(|i| format!("{i:?}")).map_err(|e| e.to_string()))
                            .collect();
                        (n, items)
                    })
                })
                .collect();
            handles.into_iter().map(|h| h.join().unwrap()).collect()
        });
        decoded.sort_by_key(|(n, _)| *n);
        let got: Vec<_> = decoded.into_iter().flat_map(|(_, items)| items).collect();
        assert!(!expected.is_empty());
        assert_eq!(got, expected, "{}", root.display());
    }
}

/// `read_stream` (standard input) gives what `decode_bytes` gives for the same bytes: a JSON
/// Lines text (streamed line by line), a single document, a zip archive, and nothing.
#[test]
fn a_stream_decodes_like_the_same_bytes_in_memory() {
    let limits = Limits::default();
    let simple = example("1edtech-validator/ob30/simple.json");
    let inputs: Vec<Vec<u8>> = vec![
        example_lines().join("\n").into_bytes(),
        simple.clone(),
        crate::zip_of(&[("a.json", &simple, true), ("b.txt", b"text", false)]),
        Vec::new(),
    ];
    for bytes in inputs {
        let streamed: Vec<Result<String, String>> = credbridge_formats::read_stream(
            Box::new(std::io::Cursor::new(bytes.clone())),
            "<stdin>",
            &limits,
        )
        .flat_map(credbridge_formats::Blob::decode)
        .map(|r| r.map(|i| format!("{i:?}")).map_err(|e| e.to_string()))
        .collect();
        let in_memory: Vec<Result<String, String>> = decode_bytes(&bytes, "<stdin>", &limits)
            .map(|r| r.map(|i| format!("{i:?}")).map_err(|e| e.to_string()))
            .collect();
        assert!(!in_memory.is_empty());
        assert_eq!(streamed, in_memory);
    }
}

/// Each blob of a stream carries the exact bytes of its unit and the path every item decoded
/// from it starts with: the entries of a zip archive (one inside a nested archive too), the
/// lines of a JSON Lines text (blank space around a line is not part of it), a whole file.
#[test]
fn blobs_carry_their_units_bytes_and_path() {
    let limits = Limits::default();
    let simple = example("1edtech-validator/ob30/simple.json");
    let other = br#"{"@context": ["https://www.w3.org/ns/credentials/v2"], "type": ["VerifiableCredential"], "id": "urn:example:b"}"#;
    let inner = crate::zip_of(&[("c.json", other.as_slice(), true)]);
    let archive = crate::zip_of(&[
        ("a.json", &simple, true),
        ("dir/", b"", false),
        ("b.json", other.as_slice(), false),
        ("inner.zip", &inner, false),
    ]);
    let lines = [
        r#"{"@context": ["https://www.w3.org/ns/credentials/v2"], "type": ["VerifiableCredential"], "id": "urn:example:1"}"#,
        r#"{"@context": ["https://www.w3.org/ns/credentials/v2"], "type": ["VerifiableCredential"], "id": "urn:example:2"}"#,
    ];
    let jsonl = format!("\n{}  \r\n\n\t{}\n", lines[0], lines[1]).into_bytes();
    /// An input and each of its units' path and bytes.
    type Case<'a> = (Vec<u8>, Vec<(&'a str, &'a [u8])>);
    let cases: Vec<Case<'_>> = vec![
        (
            archive,
            vec![
                ("up!a.json", &simple),
                ("up!b.json", other.as_slice()),
                ("up!inner.zip!c.json", other.as_slice()),
            ],
        ),
        (
            jsonl,
            vec![("up:2", lines[0].as_bytes()), ("up:4", lines[1].as_bytes())],
        ),
        (simple.clone(), vec![("up", &simple)]),
    ];
    for (input, expected) in cases {
        let blobs: Vec<_> =
            credbridge_formats::read_stream(Box::new(std::io::Cursor::new(input)), "up", &limits)
                .collect();
        let got: Vec<(String, Vec<u8>)> = blobs
            .iter()
            .map(|b| {
                (
                    b.unit_path().unwrap().to_string(),
                    b.bytes().unwrap().to_vec(),
                )
            })
            .collect();
        let want: Vec<(String, Vec<u8>)> = expected
            .iter()
            .map(|(path, bytes)| ((*path).to_owned(), bytes.to_vec()))
            .collect();
        assert_eq!(got, want);
        for blob in blobs {
            let unit = blob.unit_path().unwrap();
            for item in blob.decode() {
                let item = item.unwrap();
                assert!(
                    item.path.segments.starts_with(&unit.segments),
                    "{} is not under {unit}",
                    item.path
                );
            }
        }
    }
}
