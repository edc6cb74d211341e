//! Every file under testdata/examples, decoded on its own, against a table written from the
//! specs and the files' contents (see testdata/examples/expectations.json for what each is).

use std::collections::BTreeSet;
use std::path::Path;

use credbridge_formats::{ContainerKind, Error, Limits, Payload, decode_path};

use crate::{codes, examples_dir, payload_code, summary, variant};

/// What one file decodes to.
enum Expect {
    /// The items, in order: (path after the file name, containers, payload).
    Items(&'static [(&'static str, &'static str, &'static str)]),
    /// A single error of this variant.
    Fails(&'static str),
}
use Expect::{Fails, Items};

const JSON: Expect = Items(&[("", "json", "json")]);

/// Files named one by one. Matched before the directory rules below.
const FILES: &[(&str, Expect)] = &[
    // CLR 2.0 spec test vector: the CLR and its one embedded AchievementCredential.
    (
        "1edtech-spec-test-vectors/clrv2p0/document-before-signing.json",
        CLR_ONE_INNER,
    ),
    (
        "1edtech-spec-test-vectors/clrv2p0/input-credential.json",
        CLR_ONE_INNER,
    ),
    (
        "1edtech-spec-test-vectors/clrv2p0/signed-credential.json",
        CLR_ONE_INNER,
    ),
    // Key material and hashes scraped from the spec pages: not credentials.
    (
        "1edtech-spec-test-vectors/clrv2p0/key-and-intermediates.json",
        Fails("NotACredentialContainer"),
    ),
    (
        "1edtech-spec-test-vectors/obv3p0/key-and-intermediates.json",
        Fails("NotACredentialContainer"),
    ),
    (
        "1edtech-spec-test-vectors/clrv2p0/document-canon.txt",
        Fails("NotACredentialContainer"),
    ),
    (
        "1edtech-spec-test-vectors/clrv2p0/proof-canon.txt",
        Fails("NotACredentialContainer"),
    ),
    (
        "1edtech-spec-test-vectors/obv3p0/document-canon.txt",
        Fails("NotACredentialContainer"),
    ),
    (
        "1edtech-spec-test-vectors/obv3p0/proof-canon.txt",
        Fails("NotACredentialContainer"),
    ),
    // A bare proof object has a `type`: it passes the shape gate (the model classifies it).
    ("1edtech-spec-test-vectors/clrv2p0/proof.json", JSON),
    ("1edtech-spec-test-vectors/obv3p0/proof.json", JSON),
    // VC-JWTs extracted from the validator's baked PNGs: `vc` claim (VCDM 1.1) / whole payload (2.0).
    (
        "1edtech-validator-derived/ob30-vcjwt-vcdm11-from-simple-jwt_v1.png.jwt",
        Items(&[("", "jwt", "jws:VcJwt11")]),
    ),
    (
        "1edtech-validator-derived/ob30-vcjwt-vcdm2-from-simple-jwt.png.jwt",
        Items(&[("", "jwt", "jws:VcJose")]),
    ),
    // CLR 2.0 validator fixtures: complex and simple_v1 carry six inner credentials, the others one.
    ("1edtech-validator/clr20/complex.json", CLR_SIX_INNER),
    ("1edtech-validator/clr20/simple_v1.json", CLR_SIX_INNER),
    ("1edtech-validator/clr20/simple.json", CLR_ONE_INNER),
    ("1edtech-validator/clr20/simple-noproof.json", CLR_ONE_INNER),
    (
        "1edtech-validator/clr20/simple_old_safesigned.json",
        CLR_ONE_INNER,
    ),
    // A VC-JWT (vc claim) whose CLR holds its inner credential as another VC-JWT string.
    (
        "1edtech-validator/clr20/simple.jwt",
        Items(&[
            ("", "jwt", "jws:VcJwt11"),
            (
                "#/vc/credentialSubject/verifiableCredential/0",
                "jwt > clr > jwt",
                "jws:VcJwt11",
            ),
        ]),
    ),
    // OB 2.0: baked PNG (iTXt openbadges, JSON assertion) and signed assertions (JWS).
    (
        "1edtech-validator/ob20/simple-badge.png",
        Items(&[("", "png:iTXt:openbadges > json", "json")]),
    ),
    (
        "1edtech-validator/ob20/simple.jwt",
        Items(&[("", "jwt", "jws:Ob2Signed")]),
    ),
    (
        "1edtech-validator/ob20/simple-revoked.jwt",
        Items(&[("", "jwt", "jws:Ob2Signed")]),
    ),
    (
        "1edtech-validator/ob20/simple-not-revoked.jwt",
        Items(&[("", "jwt", "jws:Ob2Signed")]),
    ),
    // Test-harness files of the validator that are not credentials.
    (
        "1edtech-validator/ob20/redirected-validation-subject.json",
        Fails("InvalidJson"),
    ), // `//` comments
    (
        "1edtech-validator/ob20/assets/openbadges_context.json",
        Fails("NotACredentialContainer"),
    ), // URL line + body
    (
        "1edtech-validator/ob20/assets/badgecriteria.json",
        Fails("NotACredentialContainer"),
    ), // only `narrative`
    (
        "1edtech-validator/ob20/assets/beths-robot-work.html",
        Fails("NotACredentialContainer"),
    ), // empty file
    (
        "1edtech-validator/ob20/assets/beths-robot-badge.png",
        Fails("PngNotBaked"),
    ), // badge image, not baked
    (
        "1edtech-validator/ob20/assets/robotics-badge.png",
        Fails("PngNotBaked"),
    ),
    // OB 3.0 baked badges: iTXt openbadgecredential; SVG CDATA JSON or `verify` JWS.
    (
        "1edtech-validator/ob30/simple-json.png",
        Items(&[("", "png:iTXt:openbadgecredential > json", "json")]),
    ),
    (
        "1edtech-validator/ob30/simple-jwt.png",
        Items(&[("", "png:iTXt:openbadgecredential > jwt", "jws:VcJose")]),
    ),
    (
        "1edtech-validator/ob30/simple-jwt_v1.png",
        Items(&[("", "png:iTXt:openbadgecredential > jwt", "jws:VcJwt11")]),
    ),
    (
        "1edtech-validator/ob30/simple-json.svg",
        Items(&[("", "svg:cdata:ob3 > json", "json")]),
    ),
    (
        "1edtech-validator/ob30/simple-jwt.svg",
        Items(&[("", "svg:verify:ob3 > jwt", "jws:VcJose")]),
    ),
    (
        "1edtech-validator/ob30/simple-jwt_v1.svg",
        Items(&[("", "svg:verify:ob3 > jwt", "jws:VcJwt11")]),
    ),
    (
        "1edtech-validator/ob30/simple.jwt",
        Items(&[("", "jwt", "jws:VcJwt11")]),
    ),
    (
        "1edtech-validator/ob30/velocity.jwt",
        Items(&[("", "jwt", "jws:VcJwt11")]),
    ),
    // No extension rule: `.1ob` and an extension-less status list are JSON by content.
    ("1edtech-validator/ob30/simple.1ob", JSON),
    ("1edtech-validator/ob30/bit-string-list/testlist", JSON),
    // This repository's own notes.
    ("SOURCES-standards.md", Fails("NotACredentialContainer")),
    ("expectations.json", Fails("NotACredentialContainer")),
    // An empty file in the DCC fixture copy.
    (
        "dcc-vc-test-fixtures/verifiableCredentials/v1/ed25519/didKey/legacy-noStatus-noExpiry.json",
        Fails("NotACredentialContainer"),
    ),
    // Mozilla bakery: JSON body (OB 1.0 `verify` shape), broken JSON body, empty body with a
    // `verify` URL, and unbaked images.
    (
        "ob20-baking-mozilla-bakery/baked.svg",
        Items(&[("", "svg:cdata:ob2 > json", "json")]),
    ),
    (
        "ob20-baking-mozilla-bakery/bad-json.svg",
        Fails("InvalidJson"),
    ),
    (
        "ob20-baking-mozilla-bakery/no-json.svg",
        Items(&[("", "svg:verify:ob2", "url")]),
    ),
    (
        "ob20-baking-mozilla-bakery/unbaked.png",
        Fails("PngNotBaked"),
    ),
    (
        "ob20-baking-mozilla-bakery/unbaked.svg",
        Fails("SvgNotBaked"),
    ),
    (
        "w3c-vc-di-eddsa/keyPair.json",
        Fails("NotACredentialContainer"),
    ),
];

const CLR_ONE_INNER: Expect = Items(&[
    ("", "json", "json"),
    (
        "#/credentialSubject/verifiableCredential/0",
        "json > clr",
        "json",
    ),
]);

const CLR_SIX_INNER: Expect = Items(&[
    ("", "json", "json"),
    (
        "#/credentialSubject/verifiableCredential/0",
        "json > clr",
        "json",
    ),
    (
        "#/credentialSubject/verifiableCredential/1",
        "json > clr",
        "json",
    ),
    (
        "#/credentialSubject/verifiableCredential/2",
        "json > clr",
        "json",
    ),
    (
        "#/credentialSubject/verifiableCredential/3",
        "json > clr",
        "json",
    ),
    (
        "#/credentialSubject/verifiableCredential/4",
        "json > clr",
        "json",
    ),
    (
        "#/credentialSubject/verifiableCredential/5",
        "json > clr",
        "json",
    ),
]);

/// Everything else, by directory prefix and extension: (prefix, extension, expectation).
const RULES: &[(&str, &str, Expect)] = &[
    // Spec examples, validator fixtures, DCC fixtures, DID documents, status lists, W3C
    // vectors: one JSON credential-shaped document each.
    ("", ".json", JSON),
    // Canonical N-Quads, hashes and signatures of the W3C vc-di-eddsa vectors.
    ("w3c-vc-di-eddsa/", ".txt", Fails("NotACredentialContainer")),
];

fn expectation(relative: &str) -> (&'static Expect, String) {
    if let Some((file, expect)) = FILES.iter().find(|(file, _)| *file == relative) {
        return (expect, (*file).to_owned());
    }
    let (prefix, ext, expect) = RULES
        .iter()
        .find(|(prefix, ext, _)| relative.starts_with(prefix) && relative.ends_with(ext))
        .unwrap_or_else(|| panic!("no expectation for {relative}"));
    (expect, format!("{prefix}*{ext}"))
}

fn files_under(dir: &Path, out: &mut Vec<String>) {
    let mut entries: Vec<_> = std::fs::read_dir(dir)
        .unwrap()
        .map(|e| e.unwrap().path())
        .collect();
    entries.sort();
    for path in entries {
        if path.is_dir() {
            files_under(&path, out);
        } else {
            let relative = path.strip_prefix(examples_dir()).unwrap();
            out.push(relative.to_string_lossy().replace('\\', "/"));
        }
    }
}

#[test]
fn every_example_decodes_as_its_table_entry_says() {
    let mut files = Vec::new();
    files_under(&examples_dir(), &mut files);
    assert!(
        files.len() > 250,
        "testdata/examples looks incomplete: {}",
        files.len()
    );
    let mut used = BTreeSet::new();
    let mut failures = Vec::new();
    let (mut items_seen, mut errors_seen) = (0, 0);
    for relative in &files {
        let path = examples_dir().join(relative);
        let (expect, rule) = expectation(relative);
        used.insert(rule);
        let results: Vec<_> = decode_path(&path, &Limits::default()).collect();
        let got = summary(&results);
        let want: Vec<String> = match expect {
            Items(items) => items
                .iter()
                .map(|(suffix, containers, payload)| {
                    format!("{}{suffix} | {containers} | {payload}", path.display())
                })
                .collect(),
            Fails(name) => vec![format!("ERR {name} @ {}", path.display())],
        };
        if got != want {
            failures.push(format!("{relative}:\n  want {want:#?}\n  got  {got:#?}"));
        }
        for result in &results {
            match result {
                Ok(_) => items_seen += 1,
                Err(_) => errors_seen += 1,
            }
        }
        check_exact_bytes(&results, &std::fs::read(&path).unwrap());
    }
    println!(
        "{} files: {items_seen} items, {errors_seen} errors",
        files.len()
    );
    assert!(
        failures.is_empty(),
        "{} mismatches:\n{}",
        failures.len(),
        failures.join("\n")
    );
    let unused: Vec<_> = FILES
        .iter()
        .map(|(f, _)| (*f).to_owned())
        .filter(|f| !used.contains(f))
        .collect();
    assert!(
        unused.is_empty(),
        "table entries for files that do not exist: {unused:?}"
    );
}

/// Items carry the original bytes: a stand-alone JSON file's raw bytes are the file (trimmed),
/// an inner credential's raw bytes parse to the value at its pointer in the parent, and a JWS
/// keeps its compact form.
fn check_exact_bytes(results: &[Result<credbridge_formats::Item, Error>], file: &[u8]) {
    let Some(Ok(first)) = results.first() else {
        return;
    };
    for item in results.iter().flatten() {
        match &item.payload {
            Payload::Json { value, raw } => {
                let reparsed: serde_json::Value = serde_json::from_slice(raw).unwrap();
                assert_eq!(
                    &reparsed, value,
                    "{}: raw bytes differ from the value",
                    item.path
                );
                if item.containers == [ContainerKind::Json] {
                    assert_eq!(
                        &raw[..],
                        file.trim_ascii(),
                        "{}: raw is not the file",
                        item.path
                    );
                }
                if item.containers.contains(&ContainerKind::ClrInner) {
                    let pointer = item.path.to_string();
                    let pointer = &pointer[pointer.rfind('#').unwrap() + 1..];
                    let parent = first.credential_json().unwrap();
                    let in_parent = match &first.payload {
                        Payload::Jws { claims, .. } => claims.pointer(pointer),
                        _ => parent.pointer(pointer),
                    };
                    assert_eq!(in_parent, Some(value), "{}", item.path);
                }
            }
            Payload::Jws {
                compact,
                claims,
                credential,
                kind,
                ..
            } => {
                if item.containers == [ContainerKind::Jwt] {
                    assert_eq!(compact.as_bytes(), file.trim_ascii());
                }
                if *kind == credbridge_formats::JwsKind::VcJwt11 {
                    assert_eq!(credential.as_ref(), claims.get("vc"));
                    assert!(claims.get("iss").is_some(), "registered claims are kept");
                }
            }
            _ => {}
        }
    }
}

#[test]
fn whole_directory_walk_matches_the_per_file_results() {
    let results: Vec<_> = decode_path(&examples_dir(), &Limits::default()).collect();
    let mut per_file = Vec::new();
    let mut files = Vec::new();
    files_under(&examples_dir(), &mut files);
    for relative in &files {
        per_file.extend(decode_path(
            &examples_dir().join(relative),
            &Limits::default(),
        ));
    }
    assert_eq!(results.len(), per_file.len());
    for (walked, single) in results.iter().zip(&per_file) {
        match (walked, single) {
            (Ok(walked), Ok(single)) => {
                assert_eq!(walked.path, single.path);
                assert_eq!(walked.containers.first(), Some(&ContainerKind::Directory));
                assert_eq!(&walked.containers[1..], &single.containers[..]);
                assert_eq!(walked.payload, single.payload);
            }
            (Err(walked), Err(single)) => assert_eq!(variant(walked), variant(single)),
            (walked, single) => panic!("{walked:?} vs {single:?}"),
        }
    }
}

#[test]
fn errors_name_the_defect_precisely() {
    let decode = |relative: &str| {
        let results: Vec<_> =
            decode_path(&examples_dir().join(relative), &Limits::default()).collect();
        assert_eq!(results.len(), 1);
        results.into_iter().next().unwrap().unwrap_err()
    };
    match decode("1edtech-validator/ob20/redirected-validation-subject.json") {
        Error::InvalidJson {
            line,
            column,
            message,
            ..
        } => {
            assert_eq!(
                (line, column),
                (1, 3),
                "the `//` right after the opening brace"
            );
            assert_eq!(message, "key must be a string");
        }
        other => panic!("{other}"),
    }
    match decode("ob20-baking-mozilla-bakery/bad-json.svg") {
        // `{verify:…}`: an unquoted key inside the CDATA body.
        Error::InvalidJson {
            line: 1,
            column: 2,
            path,
            ..
        } => {
            assert!(path.to_string().ends_with("bad-json.svg"));
        }
        other => panic!("{other}"),
    }
    let found = |relative: &str| match decode(relative) {
        Error::NotACredentialContainer { found, .. } => found,
        other => panic!("{other}"),
    };
    assert_eq!(
        found("1edtech-validator/ob20/assets/beths-robot-work.html"),
        "empty input"
    );
    assert_eq!(
        found("w3c-vc-di-eddsa/eddsa-rdfc-2022/canonDocDataInt.txt"),
        "RDF N-Quads/N-Triples text"
    );
    assert!(
        found("w3c-vc-di-eddsa/keyPair.json").starts_with("JSON object without @context or type")
    );
    // Named by its kind and size, never quoted.
    let text = found("1edtech-validator/ob20/assets/openbadges_context.json");
    assert!(
        text.starts_with("text of ")
            && text.ends_with("that is neither JSON, SVG nor a compact JWS"),
        "{text}"
    );
}

#[test]
fn baked_values_are_the_credentials_of_the_matching_plain_files() {
    // The validator derived these .jwt files from its baked PNGs: decoding the PNGs must give
    // exactly those compact JWS strings.
    for (png, jwt) in [
        (
            "1edtech-validator/ob30/simple-jwt.png",
            "1edtech-validator-derived/ob30-vcjwt-vcdm2-from-simple-jwt.png.jwt",
        ),
        (
            "1edtech-validator/ob30/simple-jwt_v1.png",
            "1edtech-validator-derived/ob30-vcjwt-vcdm11-from-simple-jwt_v1.png.jwt",
        ),
    ] {
        let items = crate::decode_ok(&crate::example(png), png);
        let Payload::Jws { compact, .. } = &items[0].payload else {
            panic!()
        };
        assert_eq!(compact, &crate::example_str(jwt));
    }
    // no-json.svg: an empty CDATA body and verify="http://example.org".
    let items = crate::decode_ok(
        &crate::example("ob20-baking-mozilla-bakery/no-json.svg"),
        "no-json.svg",
    );
    assert_eq!(
        items[0].payload,
        Payload::Url {
            url: "http://example.org".into()
        }
    );
    assert_eq!(codes(&items[0]), "svg:verify:ob2");
    assert_eq!(payload_code(&items[0]), "url");
}
