//! Inputs people have: a URL (fetched through the guarded client, on loopback here), a date
//! alone for `--at`, SD-JWT and COSE credentials (recognised, not supported yet: exit 3), and
//! the one wording for what was not fetched because verification is offline.

use base64::Engine as _;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use credbridge_testkit::http::{FixtureServer, Reply};
use serde_json::json;

use crate::common::*;

const EXAMPLE: &str = "examples/ob3-eddsa-rdfc-2022.json";

fn stderr(output: &Output) -> String {
    String::from_utf8_lossy(&output.stderr).into_owned()
}

fn example_server() -> FixtureServer {
    let badge = std::fs::read(repo().join(EXAMPLE)).unwrap();
    let big = vec![b' '; 3 * 1024 * 1024];
    FixtureServer::routes([
        ("/badge.json", Reply::ok("application/vc+ld+json", badge)),
        ("/big.json", Reply::ok("application/json", big)),
    ])
    .unwrap()
}

#[test]
fn a_url_is_fetched_through_the_guarded_client_and_named_in_the_report() {
    let server = example_server();
    let url = server.url("/badge.json");
    // Loopback is allowed only with the (hidden, test-only) flag.
    let out = credbridge(&["verify", "--json", "--dangerous-allow-loopback", &url]);
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    let reports = json_lines(&out);
    assert_eq!(reports.len(), 1);
    assert_eq!(reports[0]["item"], url.as_str());
    assert_eq!(reports[0]["verdict"], "valid-with-warnings");
    assert_eq!(server.requests("/badge.json"), 1);

    // The same address without the flag: the address guard refuses it, nothing is sent.
    let https = url.replacen("http://", "https://", 1);
    let refused = credbridge(&["verify", "--json", &https]);
    assert_eq!(refused.status.code(), Some(2));
    assert!(
        stderr(&refused).contains("refused to connect to 127.0.0.1"),
        "{}",
        stderr(&refused)
    );
    assert_eq!(server.requests("/badge.json"), 1);

    // The body-size limit holds.
    let big = credbridge(&[
        "verify",
        "--dangerous-allow-loopback",
        &server.url("/big.json"),
    ]);
    assert_eq!(big.status.code(), Some(2));
    assert!(
        stderr(&big).contains("exceeds the limit"),
        "{}",
        stderr(&big)
    );

    // Offline: not fetched, in the one offline wording.
    let offline = credbridge(&["verify", "--offline", &url]);
    assert_eq!(offline.status.code(), Some(2));
    assert!(
        stderr(&offline).contains(&format!(
            "{url}: not fetched because verification is offline (--offline); supply a local copy with a file path in place of the URL"
        )),
        "{}",
        stderr(&offline)
    );
    assert_eq!(server.requests("/badge.json"), 1);
}

#[test]
fn a_date_alone_is_the_start_of_that_day_in_utc() {
    // The example was issued 2026-06-12T00:00:00Z.
    let on_the_day = credbridge(&[
        "verify",
        "--json",
        "--offline",
        "--at",
        "2026-06-12",
        EXAMPLE,
    ]);
    assert_eq!(on_the_day.status.code(), Some(0), "{}", stderr(&on_the_day));
    assert_eq!(
        json_lines(&on_the_day)[0]["checked_at"],
        "2026-06-12T00:00:00Z"
    );

    let day_before = credbridge(&[
        "verify",
        "--json",
        "--offline",
        "--at",
        "2026-06-11",
        EXAMPLE,
    ]);
    assert_eq!(day_before.status.code(), Some(1));
    assert_eq!(
        json_lines(&day_before)[0]["checked_at"],
        "2026-06-11T00:00:00Z"
    );

    let bad = credbridge(&["verify", "--offline", "--at", "2026-6-11", EXAMPLE]);
    assert_eq!(bad.status.code(), Some(2));
    assert!(
        stderr(&bad).contains("nor a date (2025-06-01"),
        "{}",
        stderr(&bad)
    );
}

fn b64(bytes: &[u8]) -> String {
    URL_SAFE_NO_PAD.encode(bytes)
}

#[test]
fn sd_jwt_and_cose_are_recognised_but_not_supported_exit_3() {
    let dir = tempdir("unsupported");
    // An SD-JWT VC (issuer-signed JWT, one disclosure, no key binding). Recognising it reads
    // the header and payload only; the signature bytes are not checked.
    let disclosure = b64(br#"["2GLC42sKQveCfGfryNRN9w","given_name","Jordan"]"#);
    let header = b64(br#"{"alg":"ES256","typ":"vc+sd-jwt"}"#);
    let payload = b64(&serde_json::to_vec(&json!({
        "iss": "https://issuer.example.edu",
        "vct": "https://credentials.example.edu/course-completion",
        "_sd": ["X9yH0Ajrdm1Oij4tWso9UzzKJvPoDxwmuEcO3XAdRC0"],
        "_sd_alg": "sha-256"
    }))
    .unwrap());
    let sd_jwt = format!("{header}.{payload}.{}~{disclosure}~", b64(&[7; 64]));
    std::fs::write(dir.join("credential.sd-jwt"), &sd_jwt).unwrap();
    // A COSE_Sign1 (tag 18): protected {1: -7}, unprotected {}, payload, signature.
    let mut cose = vec![0xd2, 0x84, 0x43, 0xa1, 0x01, 0x26, 0xa0, 0x44];
    cose.extend(b"{}{}");
    cose.extend([0x58, 0x40]);
    cose.extend([9; 64]);
    std::fs::write(dir.join("credential.cose"), &cose).unwrap();

    for (file, format) in [("credential.sd-jwt", "sd-jwt"), ("credential.cose", "cose")] {
        let path = dir.join(file);
        let out = credbridge(&["verify", "--json", "--offline", path.to_str().unwrap()]);
        assert_eq!(out.status.code(), Some(3), "{file}: {}", stdout(&out));
        let report = &json_lines(&out)[0];
        assert_eq!(report["verdict"], "indeterminate");
        assert!(report.get("disposition").is_none(), "{report}");
        let check = report["checks"]
            .as_array()
            .unwrap()
            .iter()
            .find(|c| c["id"] == "format.supported")
            .unwrap();
        assert_eq!(check["outcome"], "could-not-check");
        assert_eq!(check["evidence"]["format"], format);
        assert!(
            check["reason"]
                .as_str()
                .unwrap()
                .contains("not yet supported"),
            "{check}"
        );

        let human = credbridge(&["verify", "--offline", path.to_str().unwrap()]);
        assert_eq!(human.status.code(), Some(3));
        assert!(
            stdout(&human).contains("format.supported"),
            "{}",
            stdout(&human)
        );

        let inspect = credbridge(&["inspect", "--json", path.to_str().unwrap()]);
        let line = &json_lines(&inspect)[0];
        assert_eq!(line["payload"], "unsupported", "{line}");
        assert_eq!(line["unsupported"]["format"], format);
    }
}

#[test]
fn offline_wording_names_the_option_that_supplies_the_document() {
    // A did:web key and a status list, each in the one wording with its own option.
    let did_web = "testdata/examples/dcc-vc-test-fixtures/verifiableCredentials/v2/ed25519/didWeb/oidf-noStatus-notExpired.json";
    let out = credbridge(&["verify", "--offline", did_web]);
    assert!(
        stdout(&out).contains(
            "https://digitalcredentials.github.io/vc-test-fixtures/dids/oidf/did.json: not fetched because verification is offline (--offline); supply a local copy with --did-dir"
        ),
        "{}",
        stdout(&out)
    );
    let status = "testdata/examples/dcc-vc-test-fixtures/verifiableCredentials/v1/dataIntegrityProof/didKey/mixedRegistry-validStatus-noExpiry.json";
    let out = credbridge(&["verify", "--offline", status]);
    assert!(
        stdout(&out).contains(
            ": not fetched because verification is offline (--offline); supply a local copy with --documents"
        ),
        "{}",
        stdout(&out)
    );
    // The example map supplies it. (The DID configuration of the issuer's website, which the
    // map does not hold, is still named as not fetched: only the status list is at stake here.)
    let supplied = credbridge(&[
        "verify",
        "--offline",
        "--documents",
        "examples/documents-map.json",
        status,
    ]);
    let text = stdout(&supplied);
    assert!(
        !text.contains("e5WK8CbZ1GjycuPombrj: not fetched"),
        "{text}"
    );
    assert!(!text.contains("? status"), "{text}");
}

#[test]
fn every_inspect_json_line_follows_the_published_schema() {
    let schema: Value = serde_json::from_slice(
        &std::fs::read(repo().join("docs/inspect-report.schema.json")).unwrap(),
    )
    .unwrap();
    let mut compiler = boon::Compiler::new();
    compiler.add_resource("urn:inspect", schema).unwrap();
    let mut schemas = boon::Schemas::new();
    let index = compiler.compile("urn:inspect", &mut schemas).unwrap();
    let out = credbridge(&["inspect", "--json", "testdata", "examples"]);
    let lines = json_lines(&out);
    assert!(lines.len() > 2000, "{}", lines.len());
    for line in &lines {
        if let Err(err) = schemas.validate(line, index) {
            panic!("{err:#}\n{line:#}");
        }
    }
}

#[test]
fn help_lists_the_exit_codes_and_only_commands_that_exist() {
    let help = credbridge(&["--help"]);
    assert_eq!(help.status.code(), Some(0));
    let text = stdout(&help);
    assert!(
        text.contains("Exit codes: 0 valid") && text.contains("3 indeterminate"),
        "{text}"
    );
    let commands: Vec<&str> = text
        .lines()
        .skip_while(|l| !l.starts_with("Commands:"))
        .skip(1)
        .take_while(|l| l.starts_with("  "))
        .filter_map(|l| l.split_whitespace().next())
        .filter(|c| *c != "help")
        .collect();
    assert!(
        commands.len() > 10 && commands.contains(&"registries"),
        "{commands:?}"
    );
    for command in commands {
        let out = credbridge(&[command, "--help"]);
        assert_eq!(out.status.code(), Some(0), "{command} --help");
    }
}
