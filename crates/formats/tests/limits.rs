//! Every limit has its own error, carrying the limit.

use credbridge_formats::{Error, Limits, MAX_JSON_DEPTH, decode_bytes, decode_path};

use crate::{example, summary, zip_of};

fn decode_with(bytes: &[u8], limits: &Limits) -> Vec<Result<credbridge_formats::Item, Error>> {
    decode_bytes(bytes, "in", limits).collect()
}

#[test]
fn zip_bomb_entry_is_stopped_by_the_ratio() {
    // 8 MiB of zeros deflate to ~8 KiB: a ratio around 1000.
    let zeros = vec![0u8; 8 * 1024 * 1024];
    let archive = zip_of(&[
        ("bomb.json", &zeros, true),
        (
            "ok.json",
            &example("1edtech-validator/ob30/simple.json"),
            true,
        ),
    ]);
    let results = decode_with(&archive, &Limits::default());
    match &results[..] {
        [
            Err(Error::ZipCompressionRatio { ratio, limit, path }),
            Ok(_),
        ] => {
            assert_eq!(*limit, credbridge_formats::MAX_ZIP_RATIO);
            assert!(*ratio > 100, "{ratio}");
            assert_eq!(path.to_string(), "in!bomb.json");
        }
        other => panic!("{:#?}", summary(other)),
    }
}

#[test]
fn zip_entry_count_and_total_size_are_bounded() {
    let json = example("1edtech-validator/ob30/simple.json");
    let names: Vec<String> = (0..12).map(|i| format!("{i:02}.json")).collect();
    let entries: Vec<(&str, &[u8], bool)> = names
        .iter()
        .map(|n| (n.as_str(), json.as_slice(), true))
        .collect();
    let archive = zip_of(&entries);
    let few = Limits {
        max_zip_entries: 10,
        ..Limits::default()
    };
    match &decode_with(&archive, &few)[..] {
        [
            Err(Error::ZipTooManyEntries {
                entries: 12,
                limit: 10,
                ..
            }),
        ] => {}
        other => panic!("{:#?}", summary(other)),
    }
    // Total inflated bytes: the third entry crosses 2.5 files' worth, and the walk of this
    // archive stops there.
    let small_total = Limits {
        max_zip_total_bytes: (json.len() * 5 / 2) as u64,
        ..Limits::default()
    };
    let results = decode_with(&archive, &small_total);
    assert_eq!(results.len(), 3, "{:#?}", summary(&results));
    assert!(
        matches!(&results[2], Err(Error::ZipTotalTooLarge { path, .. }) if path.to_string() == "in!02.json")
    );
}

#[test]
fn deeply_nested_json_is_refused_before_parsing() {
    let depth = 5000; // far past serde_json's recursion limit and the stack budget of naive parsers
    let deep = format!(
        r#"{{"@context": [], "type": "VerifiableCredential", "x": {}1{}}}"#,
        "[".repeat(depth),
        "]".repeat(depth)
    );
    match &decode_with(deep.as_bytes(), &Limits::default())[..] {
        [Err(Error::JsonTooDeep { limit, .. })] => assert_eq!(*limit, MAX_JSON_DEPTH),
        other => panic!("{:#?}", summary(other)),
    }
    // Right at the limit it parses; one more level fails. The credential object is level 1.
    let at_limit = |levels: usize| {
        format!(
            r#"{{"type": "VerifiableCredential", "x": {}1{}}}"#,
            "[".repeat(levels),
            "]".repeat(levels)
        )
    };
    let limits = Limits {
        max_json_depth: 10,
        ..Limits::default()
    };
    assert!(decode_with(at_limit(9).as_bytes(), &limits)[0].is_ok());
    assert!(matches!(
        &decode_with(at_limit(10).as_bytes(), &limits)[0],
        Err(Error::JsonTooDeep { limit: 10, .. })
    ));
    // Inside a JWS payload too.
    let claims = format!(
        r#"{{"vc": {{"type": "VerifiableCredential", "x": {}{}}}}}"#,
        "[".repeat(300),
        "]".repeat(300)
    );
    let jws = crate::unsigned_jws(&serde_json::json!({"alg": "none"}), claims.as_bytes());
    assert!(matches!(
        &decode_with(jws.as_bytes(), &Limits::default())[0],
        Err(Error::JsonTooDeep { .. })
    ));
}

#[test]
fn container_nesting_is_bounded() {
    // A zip inside a zip inside a zip … 10 deep, around one credential.
    let mut blob = example("1edtech-validator/ob30/simple.json");
    for level in 0..10 {
        blob = zip_of(&[(&format!("level{level}.zip"), &blob, false)]);
    }
    let results = decode_with(&blob, &Limits::default());
    match &results[..] {
        [Err(Error::NestingTooDeep { limit, path })] => {
            assert_eq!(*limit, credbridge_formats::MAX_NESTING_DEPTH);
            assert_eq!(path.to_string().matches(".zip").count(), 8, "{path}");
        }
        other => panic!("{:#?}", summary(other)),
    }
    // A CLR (one nesting level for its inner credential) with a limit of 0.
    let clr = example("1edtech-validator/clr20/simple.json");
    let flat = Limits {
        max_nesting_depth: 0,
        ..Limits::default()
    };
    let lines = summary(&decode_with(&clr, &flat));
    assert_eq!(
        lines,
        [
            "in | json | json",
            "ERR NestingTooDeep @ in#/credentialSubject/verifiableCredential/0"
        ]
    );
}

#[test]
fn file_and_png_text_sizes_are_bounded() {
    let json = example("1edtech-validator/ob30/simple.json");
    let tiny = Limits {
        max_file_bytes: 100,
        ..Limits::default()
    };
    match &decode_with(&json, &tiny)[..] {
        [
            Err(Error::FileTooLarge {
                size, limit: 100, ..
            }),
        ] => assert_eq!(*size, json.len() as u64),
        other => panic!("{:#?}", summary(other)),
    }
    // From disk: the file is not read past the limit, and the error gives its real size.
    let path = crate::examples_dir().join("1edtech-validator/ob30/simple.json");
    match &decode_path(&path, &tiny).collect::<Vec<_>>()[..] {
        [
            Err(Error::FileTooLarge {
                size, limit: 100, ..
            }),
        ] => assert_eq!(*size, json.len() as u64),
        other => panic!("{:#?}", summary(other)),
    }
    let png = example("1edtech-validator/ob30/simple-json.png");
    let small_text = Limits {
        max_png_text_bytes: 100,
        ..Limits::default()
    };
    match &decode_with(&png, &small_text)[..] {
        [
            Err(Error::PngChunkTooLarge {
                keyword,
                limit: 100,
                ..
            }),
        ] => assert_eq!(keyword, "openbadgecredential"),
        other => panic!("{:#?}", summary(other)),
    }
}

#[test]
fn directory_depth_is_bounded() {
    let root = crate::scratch_dir("deep-dirs");
    let mut dir = root.clone();
    for level in 0..5 {
        dir = dir.join(format!("d{level}"));
    }
    std::fs::create_dir_all(&dir).unwrap();
    std::fs::write(
        dir.join("a.json"),
        example("1edtech-validator/ob30/simple.json"),
    )
    .unwrap();
    let shallow = Limits {
        max_directory_depth: 3,
        ..Limits::default()
    };
    match &decode_path(&root, &shallow).collect::<Vec<_>>()[..] {
        [Err(Error::DirectoryTooDeep { limit: 3, path })] => {
            assert!(path.to_string().ends_with("d3"), "{path}")
        }
        other => panic!("{:#?}", summary(other)),
    }
    assert_eq!(
        decode_path(&root, &Limits::default())
            .filter(Result::is_ok)
            .count(),
        1
    );
}

#[test]
fn results_per_file_are_bounded() {
    // 50 000 empty objects: each would be one NotACredentialContainer error.
    let many = format!("[{}{{}}]", "{},".repeat(49_999));
    let limits = Limits {
        max_items_per_file: 1000,
        ..Limits::default()
    };
    let results = decode_with(many.as_bytes(), &limits);
    assert_eq!(results.len(), 1001);
    assert!(matches!(
        results.last(),
        Some(Err(Error::TooManyItems { limit: 1000, .. }))
    ));
    // The default is far above what real files hold.
    assert_eq!(
        decode_with(many.as_bytes(), &Limits::default()).len(),
        50_000
    );
}
