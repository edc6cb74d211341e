//! `credbridge obapi connect|pull|list` against a real `credbridge serve` acting as the
//! platform: the person approves on the platform's consent page (played here over HTTP: log
//! in, read the CSRF field, press Approve), the platform redirects to the CLI's loopback
//! listener, the CLI exchanges the code and keeps the connection sealed in another data
//! folder; `pull` then brings every credential into that folder's inbox, and the next pull
//! only the new ones.

use std::io::{BufRead as _, BufReader, Read as _, Write as _};
use std::net::TcpStream;
use std::process::Stdio;
use std::sync::Arc;

use credbridge_fetch::{FetchPolicy, GuardedClient, SystemClock};
use credbridge_obapi::{
    ApiFlavor, ClientRegistration, Permission, begin_authorization, discover, exchange_code,
    register,
};

use crate::common::*;

const KEY: &str = "8f4e1c2d3b5a69788796a5b4c3d2e1f00f1e2d3c4b5a69788796a5b4c3d2e1f0";
const EMAIL: &str = "learner@example.org";
const PASSWORD: &str = "correct-horse-battery-1";

fn loopback() -> GuardedClient {
    GuardedClient::new(
        FetchPolicy {
            allow_http: true,
            dangerous_allow_loopback: true,
            ..FetchPolicy::default()
        },
        Arc::new(SystemClock),
    )
}

fn header<'a>(headers: &'a [(String, String)], name: &str) -> Option<&'a str> {
    headers
        .iter()
        .find(|(n, _)| n.eq_ignore_ascii_case(name))
        .map(|(_, v)| v.as_str())
}

fn form(pairs: &[(&str, &str)]) -> Vec<u8> {
    url::form_urlencoded::Serializer::new(String::new())
        .extend_pairs(pairs)
        .finish()
        .into_bytes()
}

/// Logs the learner in on the platform; the session cookie.
fn log_in(http: &GuardedClient, base: &str) -> String {
    let answer = http
        .send(
            "POST",
            &format!("{base}/login"),
            &[(
                "Content-Type".into(),
                "application/x-www-form-urlencoded".into(),
            )],
            &form(&[("email", EMAIL), ("password", PASSWORD), ("next", "/")]),
        )
        .unwrap();
    assert_eq!(
        answer.status,
        303,
        "{}",
        String::from_utf8_lossy(&answer.body)
    );
    header(&answer.headers, "set-cookie")
        .unwrap()
        .split(';')
        .next()
        .unwrap()
        .to_owned()
}

/// The person on the consent page: reads it, presses Approve; the platform's `Location`.
fn approve(http: &GuardedClient, authorize_url: &str, cookie: &str) -> String {
    let page = http
        .send(
            "GET",
            authorize_url,
            &[("Cookie".into(), cookie.into())],
            b"",
        )
        .unwrap();
    let html = String::from_utf8_lossy(&page.body).into_owned();
    assert_eq!(page.status, 200, "{html}");
    assert!(
        html.contains("credbridge") || html.contains("Allow"),
        "{html}"
    );
    let marker = "name=\"csrf_token\" value=\"";
    let start = html.find(marker).expect("a CSRF field") + marker.len();
    let csrf = html[start..].split('"').next().unwrap().to_owned();
    let answer = http
        .send(
            "POST",
            authorize_url,
            &[
                ("Cookie".into(), cookie.into()),
                (
                    "Content-Type".into(),
                    "application/x-www-form-urlencoded".into(),
                ),
            ],
            &form(&[("decision", "approve"), ("csrf_token", &csrf)]),
        )
        .unwrap();
    assert_eq!(
        answer.status,
        302,
        "{}",
        String::from_utf8_lossy(&answer.body)
    );
    header(&answer.headers, "location").unwrap().to_owned()
}

/// A signed OB 3.0 credential from the platform's development issuer.
fn issue_badge(host: &Serve, n: usize) -> Value {
    let (status, issuer) = host.json("GET", "/issuers/default", None);
    assert_eq!(status, 200, "{issuer}");
    let did = issuer["did"].as_str().unwrap();
    let credential = serde_json::json!({
        "@context": [
            "https://www.w3.org/ns/credentials/v2",
            "https://purl.imsglobal.org/spec/ob/v3p0/context-3.0.3.json"
        ],
        "type": ["VerifiableCredential", "OpenBadgeCredential"],
        "name": format!("Welding level {n}"),
        "issuer": {"id": did, "type": ["Profile"], "name": "Riverside College"},
        "validFrom": "2025-06-01T00:00:00Z",
        "credentialSubject": {
            "type": ["AchievementSubject"],
            "id": "did:example:learner",
            "achievement": {
                "id": format!("https://riverside.example.edu/achievements/weld-{n}"),
                "type": ["Achievement"],
                "name": format!("Welding level {n}"),
                "description": "Safe MIG welding of mild steel joints.",
                "criteria": {"narrative": "Three assessed joints."}
            }
        }
    });
    let (status, issued) = host.json(
        "POST",
        "/credentials/issue",
        Some(&serde_json::json!({"credential": credential})),
    );
    assert_eq!(status, 201, "{issued}");
    issued["verifiableCredential"].clone()
}

#[test]
fn connect_then_pull_brings_the_learners_badges_into_the_inbox_then_only_new_ones() {
    let dir = tempdir("obapi");
    let platform = dir.join("platform");
    let employer = dir.join("employer");
    let e = employer.to_str().unwrap();
    let host = Serve::start(&platform, &[("CREDBRIDGE_MASTER_KEY", KEY)]);
    let base = format!("http://{}", host.addr);
    // The learner has an account on the platform.
    let mut child = Command::new(env!("CARGO_BIN_EXE_credbridge"))
        .args([
            "users",
            "add",
            "--data-dir",
            platform.to_str().unwrap(),
            "--password-stdin",
            EMAIL,
        ])
        .stdin(Stdio::piped())
        .stdout(Stdio::null())
        .spawn()
        .unwrap();
    child
        .stdin
        .take()
        .unwrap()
        .write_all(format!("{PASSWORD}\n").as_bytes())
        .unwrap();
    assert!(child.wait().unwrap().success());

    // The learner's badge wallet on the platform: an uploading app they approved puts 120
    // signed badges there through the API (POST /credentials).
    let http = loopback();
    let cookie = log_in(&http, &base);
    let root = format!("{base}/ims/ob/v3p0");
    let sd = discover(&http, &root).unwrap();
    let upsert = ApiFlavor::OpenBadges.scope(Permission::CredentialUpsert);
    let uploader = register(
        &http,
        &sd,
        &ClientRegistration {
            client_name: "Riverside uploader".into(),
            client_uri: "https://uploader.example/".into(),
            logo_uri: "https://uploader.example/logo.png".into(),
            tos_uri: "https://uploader.example/terms".into(),
            policy_uri: "https://uploader.example/privacy".into(),
            software_id: "uploader".into(),
            software_version: "1".into(),
            redirect_uris: vec!["https://uploader.example/cb".into()],
            scopes: vec![upsert.clone()],
        },
    )
    .unwrap();
    let pending =
        begin_authorization(&sd, &uploader, "https://uploader.example/cb", &[upsert]).unwrap();
    let location = approve(&http, &pending.url, &cookie);
    let code = pending.code_from_redirect(&location).unwrap();
    let tokens = exchange_code(
        &http,
        &credbridge_obapi::SystemClock,
        &sd,
        &uploader,
        &pending,
        &code,
    )
    .unwrap();
    let post = |badge: &Value| {
        let answer = http
            .send(
                "POST",
                &format!("{root}/credentials"),
                &[
                    (
                        "Authorization".into(),
                        format!("Bearer {}", tokens.access_token),
                    ),
                    ("Content-Type".into(), "application/json".into()),
                ],
                &serde_json::to_vec(badge).unwrap(),
            )
            .unwrap();
        assert_eq!(
            answer.status,
            201,
            "{}",
            String::from_utf8_lossy(&answer.body)
        );
    };
    for n in 0..120 {
        post(&issue_badge(&host, n));
    }

    // The employer connects: the CLI prints the address, the learner approves, the platform
    // redirects to the CLI's loopback listener (the browser's GET is played here).
    let mut connect = Command::new(env!("CARGO_BIN_EXE_credbridge"))
        .args([
            "obapi",
            "connect",
            &base,
            "--no-browser",
            "--timeout",
            "60",
            "--json",
            "--name",
            "riverside",
            "--data-dir",
            e,
        ])
        .env("CREDBRIDGE_MASTER_KEY", KEY)
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let mut stderr = BufReader::new(connect.stderr.take().unwrap());
    let mut authorize = String::new();
    let mut printed = Vec::new();
    while authorize.is_empty() {
        let mut line = String::new();
        assert!(
            stderr.read_line(&mut line).unwrap() > 0,
            "no address among {printed:?}"
        );
        if let Some(url) = line.trim().strip_prefix(&format!("{base}/oauth/authorize")) {
            authorize = format!("{base}/oauth/authorize{url}");
        }
        printed.push(line);
    }
    let redirect = approve(&http, &authorize, &cookie);
    assert!(redirect.starts_with("http://127.0.0.1:"), "{redirect}");
    let target = redirect.strip_prefix("http://").unwrap();
    let (addr, path) = target.split_at(target.find('/').unwrap());
    let mut browser = TcpStream::connect(addr).unwrap();
    write!(
        browser,
        "GET {path} HTTP/1.1\r\nHost: {addr}\r\nConnection: close\r\n\r\n"
    )
    .unwrap();
    let mut page = String::new();
    browser.read_to_string(&mut page).unwrap();
    assert!(page.starts_with("HTTP/1.1 200"), "{page}");
    let output = connect.wait_with_output().unwrap();
    assert!(output.status.success(), "{}", stdout(&output));
    let connected = &json_lines(&output)[0];
    assert_eq!(connected["name"], "riverside");
    assert_eq!(connected["apiRoot"], root);

    // The first pull: all 120, verified and stored with their bytes. A pull's next `since` is
    // one second before the host's `Date` (so that no clock skew loses a credential; the
    // inbox absorbs a repeat from that second), so each pull here starts two seconds after
    // the last upload and must then bring exactly the new ones.
    let pull = |expected: usize| {
        std::thread::sleep(std::time::Duration::from_millis(2_100));
        let output = Command::new(env!("CARGO_BIN_EXE_credbridge"))
            .args(["obapi", "pull", "--json", "--offline", "--data-dir", e])
            .env("CREDBRIDGE_MASTER_KEY", KEY)
            .output()
            .unwrap();
        assert!(
            output.status.success(),
            "{}{}",
            stdout(&output),
            String::from_utf8_lossy(&output.stderr)
        );
        let summary = json_lines(&output).remove(0);
        assert_eq!(summary["pulled"], expected, "{summary:#}");
        assert_eq!(summary["stored"], expected, "{summary:#}");
        assert_eq!(summary["alreadyStored"], 0, "{summary:#}");
        assert_eq!(summary["unreadable"], 0, "{summary:#}");
        summary
    };
    let first = pull(120);
    assert_eq!(first["pages"], 2, "{first:#}");
    let listed = credbridge(&["inbox", "list", "--json", "--limit", "500", "--data-dir", e]);
    let page = &json_lines(&listed)[0];
    assert_eq!(page["total"], 120, "{page:#}");
    let names: std::collections::BTreeSet<&str> = page["items"]
        .as_array()
        .unwrap()
        .iter()
        .flat_map(|i| i["achievements"].as_array().unwrap())
        .map(|a| a.as_str().unwrap())
        .collect();
    assert_eq!(names.len(), 120);
    assert!(names.contains("Welding level 119"));

    // Nothing new: nothing pulled. Five new badges: exactly those.
    pull(0);
    for n in 120..125 {
        post(&issue_badge(&host, n));
    }
    pull(5);
    let listed = credbridge(&["inbox", "list", "--json", "--data-dir", e]);
    assert_eq!(json_lines(&listed)[0]["total"], 125);

    // Another master key cannot open the connection: a named error, nothing pulled.
    let wrong = Command::new(env!("CARGO_BIN_EXE_credbridge"))
        .args(["obapi", "pull", "riverside", "--offline", "--data-dir", e])
        .env("CREDBRIDGE_MASTER_KEY", "00".repeat(32))
        .output()
        .unwrap();
    assert_eq!(wrong.status.code(), Some(3));
    assert!(
        String::from_utf8_lossy(&wrong.stderr).contains("does not unseal"),
        "{}",
        String::from_utf8_lossy(&wrong.stderr)
    );
    let listed = credbridge(&["obapi", "list", "--json", "--data-dir", e]);
    let connections = json_lines(&listed);
    assert_eq!(connections.len(), 1);
    assert!(connections[0]["lastSync"].is_string());
}
