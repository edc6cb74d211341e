//! Issue 14, webhooks: `credbridge serve` killed with SIGKILL after an upload committed and
//! before its events were delivered (the receiver is down) delivers them after a restart, each
//! event id exactly once.

use std::collections::BTreeMap;
use std::io::{BufRead, BufReader, Read, Write};
use std::net::TcpListener;
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use super::common::*;

const EXAMPLE: &str = "examples/ob3-eddsa-rdfc-2022.json";

/// `serve` delivering webhooks to loopback over http, with short retry delays.
fn start(data: &Path) -> Serve {
    Serve::start(
        data,
        &[
            ("CREDBRIDGE_WEBHOOK_ALLOW_HTTP", "true"),
            ("CREDBRIDGE_WEBHOOK_DANGEROUS_ALLOW_LOOPBACK", "true"),
            ("CREDBRIDGE_WEBHOOK_TIMEOUT_MS", "2000"),
            ("CREDBRIDGE_WEBHOOK_POLL_MS", "50"),
            ("CREDBRIDGE_WEBHOOK_RETRY_BASE_MS", "100"),
            ("CREDBRIDGE_WEBHOOK_RETRY_MAX_MS", "300"),
            ("CREDBRIDGE_WEBHOOK_MAX_ATTEMPTS", "10000"),
        ],
    )
}

/// A minimal HTTP receiver on `listener`: counts requests by `Credbridge-Event-Id`, answers 200.
fn receive(listener: TcpListener, counts: Arc<Mutex<BTreeMap<String, usize>>>) {
    std::thread::spawn(move || {
        for stream in listener.incoming() {
            let Ok(mut stream) = stream else { continue };
            let mut reader = BufReader::new(stream.try_clone().unwrap());
            let mut event_id = String::new();
            let mut length = 0usize;
            loop {
                let mut line = String::new();
                if reader.read_line(&mut line).unwrap_or(0) == 0 {
                    break;
                }
                let line = line.trim_end();
                if line.is_empty() {
                    break;
                }
                if let Some((name, value)) = line.split_once(':') {
                    match name.to_ascii_lowercase().as_str() {
                        "credbridge-event-id" => event_id = value.trim().to_owned(),
                        "content-length" => length = value.trim().parse().unwrap_or(0),
                        _ => {}
                    }
                }
            }
            let mut body = vec![0; length];
            if reader.read_exact(&mut body).is_err() {
                continue;
            }
            *counts.lock().unwrap().entry(event_id).or_default() += 1;
            let _ = stream
                .write_all(b"HTTP/1.1 200 OK\r\nContent-Length: 2\r\nConnection: close\r\n\r\nok");
        }
    });
}

#[test]
fn sigkill_before_delivery_then_restart_delivers_each_event_once() {
    let data = tempdir("webhooks-sigkill");
    // A port with nobody listening yet: the receiver is down while the server runs first.
    let port = TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port();

    let server = start(&data);
    let subscription = serde_json::json!({
        "url": format!("http://127.0.0.1:{port}/hook"),
        "events": ["credential.received", "credential.verified"],
    });
    let (status, created) = server.json("POST", "/webhooks", Some(&subscription));
    assert_eq!(status, 201, "{created}");
    let id = created["id"].as_str().unwrap().to_owned();
    let credential: Value =
        serde_json::from_slice(&std::fs::read(repo().join(EXAMPLE)).unwrap()).unwrap();
    let (status, upload) = server.json("POST", "/inbox", Some(&credential));
    assert_eq!(status, 201, "{upload}");
    // Committed (the answer came), not delivered (nobody listens): kill -9.
    server.kill_9();

    let counts: Arc<Mutex<BTreeMap<String, usize>>> = Arc::default();
    let listener = TcpListener::bind(("127.0.0.1", port)).expect("the receiver's port is free");
    receive(listener, counts.clone());

    let server = start(&data);
    let start = Instant::now();
    loop {
        let (status, log) = server.json("GET", &format!("/webhooks/{id}/deliveries"), None);
        assert_eq!(status, 200, "{log}");
        let items = log["items"].as_array().unwrap();
        assert_eq!(items.len(), 2, "{log}");
        if items.iter().all(|d| d["state"] == "delivered") {
            break;
        }
        assert!(
            start.elapsed() < Duration::from_secs(60),
            "not delivered after the restart: {log}"
        );
        std::thread::sleep(Duration::from_millis(100));
    }
    // A few more worker rounds (poll 50 ms) must not deliver anything again.
    std::thread::sleep(Duration::from_millis(500));
    let counts = counts.lock().unwrap().clone();
    assert_eq!(counts.len(), 2, "two events: {counts:?}");
    assert!(
        counts.values().all(|n| *n == 1),
        "once per event id: {counts:?}"
    );
    assert!(counts.keys().all(|id| !id.is_empty()), "{counts:?}");
    drop(server);
    let _ = std::fs::remove_dir_all(&data);
}
