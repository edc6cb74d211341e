//! The server and the commands that share its store: `serve --dev` on a loopback port chosen by
//! the system, `/healthz`, `POST /credentials/verify`, then `inbox`, `clients` and `users` on the
//! same data folder.

use std::io::{BufRead, BufReader, Read, Write};
use std::net::TcpStream;
use std::process::{Child, Stdio};
use std::time::{Duration, Instant};

use super::common::*;

const EXAMPLE: &str = "examples/ob3-eddsa-rdfc-2022.json";

/// The running server; killed when dropped, also when a test fails.
struct Server {
    child: Child,
    addr: String,
}

impl Drop for Server {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

impl Server {
    /// Starts `serve --dev` on port 0 and reads the port from its `listening on` line.
    fn start(data: &Path) -> Server {
        let mut child = Command::new(env!("CARGO_BIN_EXE_credbridge"))
            .args([
                "serve",
                "--dev",
                "--offline",
                "--log-format",
                "json",
                "--listen",
                "127.0.0.1:0",
                "--data-dir",
                data.to_str().unwrap(),
            ])
            .current_dir(repo())
            .env_remove("CREDBRIDGE_LISTEN")
            .env_remove("CREDBRIDGE_DATABASE_URL")
            .stdout(Stdio::piped())
            .stderr(Stdio::null())
            .spawn()
            .expect("start credbridge serve");
        let stdout = child.stdout.take().unwrap();
        let mut server = Server {
            child,
            addr: String::new(),
        };
        let mut line = String::new();
        BufReader::new(stdout).read_line(&mut line).unwrap();
        let url = line
            .trim()
            .strip_prefix("listening on http://")
            .unwrap_or_else(|| panic!("first line: {line:?}"));
        assert!(url.starts_with("127.0.0.1:"), "{url}");
        assert_ne!(url, "127.0.0.1:0", "the real port is printed");
        server.addr = url.to_owned();
        server.wait_healthy();
        server
    }

    fn wait_healthy(&self) {
        let start = Instant::now();
        loop {
            if let Ok((200, body)) = self.request("GET", "/healthz", None) {
                let body: Value = serde_json::from_str(&body).unwrap();
                assert_eq!(body["status"], "ok");
                return;
            }
            assert!(
                start.elapsed() < Duration::from_secs(60),
                "the server never became healthy"
            );
            std::thread::sleep(Duration::from_millis(100));
        }
    }

    /// One HTTP/1.1 request over a fresh connection; returns the status and the body.
    fn request(
        &self,
        method: &str,
        path: &str,
        json: Option<&Value>,
    ) -> std::io::Result<(u16, String)> {
        let mut stream = TcpStream::connect(&self.addr)?;
        stream.set_read_timeout(Some(Duration::from_secs(60)))?;
        let body = json.map(Value::to_string).unwrap_or_default();
        write!(
            stream,
            "{method} {path} HTTP/1.1\r\nHost: {}\r\nContent-Type: application/json\r\n\
             Accept: application/json\r\nContent-Length: {}\r\nConnection: close\r\n\r\n{body}",
            self.addr,
            body.len()
        )?;
        let mut response = Vec::new();
        stream.read_to_end(&mut response)?;
        let response = String::from_utf8_lossy(&response).into_owned();
        let (head, body) = response.split_once("\r\n\r\n").unwrap_or((&response, ""));
        let status = head
            .split(' ')
            .nth(1)
            .and_then(|s| s.parse().ok())
            .unwrap_or(0);
        let chunked = head
            .to_ascii_lowercase()
            .contains("transfer-encoding: chunked");
        Ok((status, if chunked { dechunk(body) } else { body.into() }))
    }
}

fn dechunk(mut body: &str) -> String {
    let mut out = String::new();
    while let Some((size, rest)) = body.split_once("\r\n") {
        let size = usize::from_str_radix(size.trim(), 16).unwrap_or(0);
        if size == 0 {
            break;
        }
        out.push_str(&rest[..size]);
        body = rest[size..].trim_start_matches("\r\n");
    }
    out
}

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
    let server = Server::start(&data);

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
