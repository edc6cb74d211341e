//! The server and the commands that share its store: `serve --dev` on a loopback port chosen by
//! the system, `/healthz`, `POST /credentials/verify`, then `inbox`, `clients` and `users` on the
//! same data folder.

use std::io::Write;
use std::process::Stdio;

use super::common::*;

const EXAMPLE: &str = "examples/ob3-eddsa-rdfc-2022.json";

fn ok(output: &Output) {
    assert_eq!(
        output.status.code(),
        Some(0),
        "stdout: {}\nstderr: {}",
        stdout(output),
        String::from_utf8_lossy(&output.stderr)
    );
}

/// The binary with text on standard input.
fn with_stdin(args: &[&str], input: &str) -> Output {
    let mut child = Command::new(env!("CARGO_BIN_EXE_credbridge"))
        .args(args)
        .current_dir(repo())
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    child
        .stdin
        .take()
        .unwrap()
        .write_all(input.as_bytes())
        .unwrap();
    child.wait_with_output().unwrap()
}

#[test]
fn serve_verifies_over_http_and_shares_its_store_with_inbox_clients_and_users() {
    let dir = tempdir("serve");
    let data = dir.join("data");
    let d = data.to_str().unwrap();
    let server = Serve::start(&data, &[]);

    let example: Value =
        serde_json::from_slice(&std::fs::read(repo().join(EXAMPLE)).unwrap()).unwrap();
    let (status, body) = server
        .request(
            "POST",
            "/credentials/verify",
            Some(&serde_json::json!({"verifiableCredential": example, "options": {}})),
        )
        .unwrap();
    assert_eq!(status, 200, "{body}");
    let result: Value = serde_json::from_str(&body).unwrap();
    assert_eq!(result["verified"], true, "{result:#}");
    assert!(
        result["checks"]
            .as_array()
            .unwrap()
            .iter()
            .any(|c| c == "proof"),
        "{result:#}"
    );
    assert_eq!(result["errors"], serde_json::json!([]));

    // The tampered example: verified false, the proof named among the problems.
    let tampered: Value =
        serde_json::from_slice(&std::fs::read(repo().join("examples/ob3-tampered.json")).unwrap())
            .unwrap();
    let (_, body) = server
        .request(
            "POST",
            "/credentials/verify",
            Some(&serde_json::json!({"verifiableCredential": tampered})),
        )
        .unwrap();
    let result: Value = serde_json::from_str(&body).unwrap_or_else(|e| panic!("{e}: {body}"));
    assert_eq!(result["verified"], false, "{result:#}");

    // The inbox: added from the command line while the server runs on the same store.
    let added = credbridge(&["inbox", "add", "--offline", "--data-dir", d, EXAMPLE]);
    ok(&added);
    let line = stdout(&added);
    assert!(line.starts_with("stored"), "{line}");
    assert!(line.contains("valid"), "{line}");
    let again = credbridge(&["inbox", "add", "--offline", "--data-dir", d, EXAMPLE]);
    ok(&again);
    assert!(
        stdout(&again).starts_with("already stored"),
        "{}",
        stdout(&again)
    );
    let listed = credbridge(&["inbox", "list", "--json", "--data-dir", d]);
    ok(&listed);
    let page = &json_lines(&listed)[0];
    assert_eq!(page["total"], 1, "{page:#}");
    let item = &page["items"][0];
    assert_eq!(item["verdict"], "valid-with-warnings");
    assert_eq!(
        item["issuer"],
        "did:key:z6MkgD4uqHMGqGqKm2oU7E2Uf2dRbY5RjeEkJ1mu5s5wVjro"
    );
    assert_eq!(
        item["achievements"],
        serde_json::json!(["Data Analysis with Python"])
    );
    let text = credbridge(&["inbox", "list", "--data-dir", d]);
    ok(&text);
    assert!(stdout(&text).starts_with("1 credential(s)"));
    let unreadable = credbridge(&[
        "inbox",
        "add",
        "--offline",
        "--data-dir",
        d,
        "examples/README.md",
    ]);
    assert_eq!(unreadable.status.code(), Some(2), "{}", stdout(&unreadable));

    // OAuth clients: an id and a secret shown once, and the list knows the id.
    let client = credbridge(&["clients", "add", "--json", "--data-dir", d, "ats"]);
    ok(&client);
    let client = &json_lines(&client)[0];
    let id = client["client_id"].as_str().unwrap();
    let secret = client["client_secret"].as_str().unwrap();
    assert!(!id.is_empty());
    assert!(secret.len() >= 32, "{secret}");
    let text = credbridge(&["clients", "add", "--data-dir", d, "hr"]);
    ok(&text);
    let text = stdout(&text);
    assert!(text.contains("client_id:"), "{text}");
    assert!(text.contains("client_secret:"), "{text}");
    let list = credbridge(&["clients", "list", "--json", "--data-dir", d]);
    ok(&list);
    let list = stdout(&list);
    assert!(list.contains(id), "{list}");
    assert!(
        !list.contains(secret),
        "the secret is stored only as a hash"
    );

    // Users: a 16-character password is accepted, a short one is refused.
    let added = with_stdin(
        &[
            "users",
            "add",
            "--data-dir",
            d,
            "--password-stdin",
            "a@example.com",
        ],
        "correct-horse-16\n",
    );
    ok(&added);
    assert!(stdout(&added).contains("added a@example.com"));
    let short = with_stdin(
        &[
            "users",
            "add",
            "--data-dir",
            d,
            "--password-stdin",
            "b@example.com",
        ],
        "short\n",
    );
    assert_eq!(short.status.code(), Some(2));
    assert!(
        String::from_utf8_lossy(&short.stderr).contains("at least 12 characters"),
        "{}",
        String::from_utf8_lossy(&short.stderr)
    );

    // Still serving after the store was used from outside.
    server.wait_healthy();
    drop(server);
}

#[test]
fn serve_dev_refuses_a_non_loopback_address() {
    let dir = tempdir("serve-public");
    let out = Command::new(env!("CARGO_BIN_EXE_credbridge"))
        .args([
            "serve",
            "--dev",
            "--listen",
            "0.0.0.0:0",
            "--data-dir",
            dir.to_str().unwrap(),
        ])
        .current_dir(repo())
        .stdin(Stdio::null())
        .output()
        .unwrap();
    assert_ne!(out.status.code(), Some(0));
    assert!(
        String::from_utf8_lossy(&out.stderr).contains("loopback"),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
}

#[test]
fn clients_revoke_and_inbox_filters_on_the_store() {
    let dir = tempdir("store-admin");
    let d = dir.to_str().unwrap();
    let client = credbridge(&["clients", "add", "--json", "--data-dir", d, "ats"]);
    ok(&client);
    let id = json_lines(&client)[0]["client_id"]
        .as_str()
        .unwrap()
        .to_owned();
    let revoked = credbridge(&["clients", "revoke", "--data-dir", d, &id]);
    ok(&revoked);
    assert_eq!(stdout(&revoked).trim(), format!("revoked {id}"));
    let list = credbridge(&["clients", "list", "--json", "--data-dir", d]);
    ok(&list);
    let list = &json_lines(&list)[0];
    assert_eq!(list[0]["client_id"], id.as_str());
    assert!(list[0]["revoked_at"].is_number(), "{list:#}");
    let again = credbridge(&["clients", "revoke", "--data-dir", d, &id]);
    assert_eq!(again.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&again.stderr).contains("no active client"));

    ok(&credbridge(&[
        "inbox",
        "add",
        "--offline",
        "--data-dir",
        d,
        EXAMPLE,
        "examples/ob3-tampered.json",
    ]));
    let count = |verdict: &str| {
        let out = credbridge(&[
            "inbox",
            "list",
            "--json",
            "--verdict",
            verdict,
            "--data-dir",
            d,
        ]);
        ok(&out);
        json_lines(&out)[0]["total"].as_u64().unwrap()
    };
    assert_eq!(count("valid-with-warnings"), 1);
    assert_eq!(count("valid"), 0);
    assert_eq!(count("invalid"), 1);
    assert_eq!(count("indeterminate"), 0);
}

#[test]
fn inbox_list_refuses_an_unknown_verdict() {
    let dir = tempdir("store-verdict");
    ok(&credbridge(&[
        "inbox",
        "add",
        "--offline",
        "--data-dir",
        dir.to_str().unwrap(),
        EXAMPLE,
    ]));
    let out = credbridge(&[
        "inbox",
        "list",
        "--verdict",
        "bogus",
        "--data-dir",
        dir.to_str().unwrap(),
    ]);
    assert_eq!(out.status.code(), Some(2), "{}", stdout(&out));
    assert!(String::from_utf8_lossy(&out.stderr).contains("valid-with-warnings"));
}
