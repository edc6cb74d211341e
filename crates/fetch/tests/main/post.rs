//! `GuardedClient::post` (webhook deliveries): the body and headers arrive as sent, any status
//! is returned, redirects are not followed, the answer is bounded, and the guard holds (scheme,
//! loopback, private addresses, offline).

use std::io::{BufRead, BufReader, Read, Write};
use std::net::TcpListener;
use std::sync::Mutex;

use credbridge_fetch::{MAX_POST_RESPONSE_BYTES, SystemClock};

use crate::common::*;

/// What a one-shot receiver got: the request line, the headers (lower-case names), the body.
#[derive(Debug, Default, Clone)]
struct Got {
    request_line: String,
    headers: Vec<(String, String)>,
    body: Vec<u8>,
}

/// A loopback receiver that answers every request with `reply` (raw HTTP) and records it.
fn receiver(reply: Vec<u8>) -> (u16, Arc<Mutex<Vec<Got>>>) {
    let listener = TcpListener::bind("127.0.0.1:0").unwrap();
    let port = listener.local_addr().unwrap().port();
    let got: Arc<Mutex<Vec<Got>>> = Arc::default();
    let log = got.clone();
    std::thread::spawn(move || {
        for stream in listener.incoming() {
            let Ok(mut stream) = stream else { continue };
            let mut reader = BufReader::new(stream.try_clone().unwrap());
            let mut request = Got::default();
            reader.read_line(&mut request.request_line).unwrap();
            let mut length = 0;
            loop {
                let mut line = String::new();
                reader.read_line(&mut line).unwrap();
                let line = line.trim_end();
                if line.is_empty() {
                    break;
                }
                let (name, value) = line.split_once(':').unwrap();
                let name = name.to_ascii_lowercase();
                if name == "content-length" {
                    length = value.trim().parse().unwrap();
                }
                request.headers.push((name, value.trim().to_owned()));
            }
            request.body = vec![0; length];
            reader.read_exact(&mut request.body).unwrap();
            log.lock().unwrap().push(request);
            stream.write_all(&reply).unwrap();
        }
    });
    (port, got)
}

fn loopback_client() -> GuardedClient {
    GuardedClient::new(
        FetchPolicy {
            allow_http: true,
            dangerous_allow_loopback: true,
            ..FetchPolicy::default()
        },
        Arc::new(SystemClock),
    )
}

#[test]
fn body_headers_and_status_arrive_as_sent() {
    let (port, got) = receiver(
        b"HTTP/1.1 202 Accepted\r\nContent-Length: 8\r\nConnection: close\r\n\r\naccepted".to_vec(),
    );
    let body = br#"{"id":"e1","type":"credential.received"}"#;
    let posted = loopback_client()
        .post(
            &format!("http://127.0.0.1:{port}/hook?x=1"),
            "application/json",
            &[
                ("Credbridge-Event-Id", "e1"),
                ("Credbridge-Signature", "t=1,v1=ab"),
            ],
            body,
        )
        .unwrap();
    assert_eq!(posted.status, 202);
    assert_eq!(posted.body, b"accepted");
    let got = got.lock().unwrap().clone();
    assert_eq!(got.len(), 1);
    assert!(
        got[0].request_line.starts_with("POST /hook?x=1 HTTP/1.1"),
        "{got:?}"
    );
    let header = |name: &str| {
        got[0]
            .headers
            .iter()
            .find(|(n, _)| n == name)
            .map(|(_, v)| v.clone())
    };
    assert_eq!(header("credbridge-event-id").as_deref(), Some("e1"));
    assert_eq!(header("credbridge-signature").as_deref(), Some("t=1,v1=ab"));
    assert_eq!(header("content-type").as_deref(), Some("application/json"));
    assert_eq!(got[0].body, body);
}

#[test]
fn errors_and_redirects_are_answers_not_followed() {
    let (port, got) = receiver(
        b"HTTP/1.1 307 Temporary Redirect\r\nLocation: /elsewhere\r\nContent-Length: 0\r\nConnection: close\r\n\r\n"
            .to_vec(),
    );
    let posted = loopback_client()
        .post(
            &format!("http://127.0.0.1:{port}/hook"),
            "application/json",
            &[],
            b"{}",
        )
        .unwrap();
    assert_eq!(posted.status, 307);
    assert_eq!(got.lock().unwrap().len(), 1, "the redirect is not followed");

    let (port, _) = receiver(
        b"HTTP/1.1 500 Internal Server Error\r\nContent-Length: 4\r\nConnection: close\r\n\r\ndown"
            .to_vec(),
    );
    let posted = loopback_client()
        .post(
            &format!("http://127.0.0.1:{port}/hook"),
            "application/json",
            &[],
            b"{}",
        )
        .unwrap();
    assert_eq!((posted.status, posted.body.as_slice()), (500, &b"down"[..]));
}

#[test]
fn a_long_answer_is_cut() {
    let size = usize::try_from(MAX_POST_RESPONSE_BYTES).unwrap() * 2;
    let mut reply =
        format!("HTTP/1.1 200 OK\r\nContent-Length: {size}\r\nConnection: close\r\n\r\n")
            .into_bytes();
    reply.extend(std::iter::repeat_n(b'a', size));
    let (port, _) = receiver(reply);
    let posted = loopback_client()
        .post(
            &format!("http://127.0.0.1:{port}/hook"),
            "application/json",
            &[],
            b"{}",
        )
        .unwrap();
    assert_eq!(posted.status, 200);
    assert_eq!(posted.body.len(), size / 2);
}

#[test]
fn the_guard_holds_for_posts() {
    let (port, got) = receiver(b"HTTP/1.1 200 OK\r\nContent-Length: 0\r\n\r\n".to_vec());
    let url = format!("http://127.0.0.1:{port}/hook");
    let strict = GuardedClient::new(FetchPolicy::default(), Arc::new(SystemClock));
    assert!(matches!(
        strict.post(&url, "application/json", &[], b"{}"),
        Err(FetchError::SchemeRefused { .. })
    ));
    let http_only = GuardedClient::new(
        FetchPolicy {
            allow_http: true,
            ..FetchPolicy::default()
        },
        Arc::new(SystemClock),
    );
    for url in [
        url.clone(),
        "http://10.1.2.3/hook".to_owned(),
        "http://169.254.169.254/".to_owned(),
    ] {
        match http_only.post(&url, "application/json", &[], b"{}") {
            Err(FetchError::AddressRefused { .. }) => {}
            other => panic!("{url}: expected AddressRefused, got {other:?}"),
        }
    }
    // Loopback allowed does not allow private ranges.
    assert!(matches!(
        loopback_client().post("http://10.1.2.3/hook", "application/json", &[], b"{}"),
        Err(FetchError::AddressRefused { .. })
    ));
    let offline = GuardedClient::new(FetchPolicy::offline(), Arc::new(SystemClock));
    assert!(matches!(
        offline.post(&url, "application/json", &[], b"{}"),
        Err(FetchError::OfflinePost { .. })
    ));
    assert!(
        got.lock().unwrap().is_empty(),
        "nothing reached the receiver"
    );
}

/// `GuardedClient::send` (the Open Badges API consumer's transport): any method, the headers
/// both ways, any status, no redirect followed (a bearer token stays with its origin).
#[test]
fn send_carries_method_headers_and_body_and_returns_headers() {
    let (port, got) = receiver(
        b"HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nX-Total-Count: 1000\r\nLink: <http://x/?offset=100>; rel=\"next\"\r\nContent-Length: 2\r\nConnection: close\r\n\r\n{}".to_vec(),
    );
    let sent = loopback_client()
        .send(
            "PUT",
            &format!("http://127.0.0.1:{port}/ims/ob/v3p0/profile"),
            &[
                ("Authorization".to_owned(), "Bearer t0k3n".to_owned()),
                ("Content-Type".to_owned(), "application/json".to_owned()),
            ],
            br#"{"name":"Alice"}"#,
        )
        .unwrap();
    assert_eq!(sent.status, 200);
    assert_eq!(sent.body, b"{}");
    let header = |name: &str| {
        sent.headers
            .iter()
            .find(|(n, _)| n.eq_ignore_ascii_case(name))
            .map(|(_, v)| v.as_str())
    };
    assert_eq!(header("x-total-count"), Some("1000"));
    assert_eq!(header("link"), Some("<http://x/?offset=100>; rel=\"next\""));
    let got = got.lock().unwrap();
    assert_eq!(
        got[0].request_line.trim_end(),
        "PUT /ims/ob/v3p0/profile HTTP/1.1"
    );
    assert!(
        got[0]
            .headers
            .contains(&("authorization".to_owned(), "Bearer t0k3n".to_owned()))
    );
    assert_eq!(got[0].body, br#"{"name":"Alice"}"#);
}

#[test]
fn send_returns_a_redirect_instead_of_taking_the_token_along() {
    let (port, got) = receiver(
        b"HTTP/1.1 302 Found\r\nLocation: http://127.0.0.1:1/steal\r\nContent-Length: 0\r\nConnection: close\r\n\r\n".to_vec(),
    );
    let sent = loopback_client()
        .send(
            "GET",
            &format!("http://127.0.0.1:{port}/ims/ob/v3p0/credentials"),
            &[("Authorization".to_owned(), "Bearer secret".to_owned())],
            b"",
        )
        .unwrap();
    assert_eq!(sent.status, 302);
    assert_eq!(got.lock().unwrap().len(), 1);
}

#[test]
fn send_is_guarded_like_every_fetch() {
    // Loopback without the dangerous option: refused before connecting.
    let client = GuardedClient::new(
        FetchPolicy {
            allow_http: true,
            ..FetchPolicy::default()
        },
        Arc::new(SystemClock),
    );
    let err = client
        .send("GET", "http://127.0.0.1:9/ims/ob/v3p0/discovery", &[], b"")
        .unwrap_err();
    assert!(matches!(err, FetchError::AddressRefused { .. }), "{err}");
    // http refused when the policy wants https.
    let err = GuardedClient::new(FetchPolicy::default(), Arc::new(SystemClock))
        .send(
            "GET",
            "http://badges.example/ims/ob/v3p0/discovery",
            &[],
            b"",
        )
        .unwrap_err();
    assert!(matches!(err, FetchError::SchemeRefused { .. }), "{err}");
    // And through the obapi trait, a refusal is a TransportError naming the URL.
    let request = credbridge_obapi::OutgoingRequest {
        method: "GET".into(),
        url: "http://127.0.0.1:9/x".into(),
        headers: vec![],
        body: vec![],
    };
    let err = credbridge_obapi::HttpClient::send(&client, &request).unwrap_err();
    assert_eq!(err.url, "http://127.0.0.1:9/x");
}
