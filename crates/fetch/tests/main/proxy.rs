//! `HTTPS_PROXY` / `HTTP_PROXY` / `NO_PROXY`: fetches go through a CONNECT proxy (a small one
//! on loopback here), and the address guard still applies to the target: the target's name is
//! resolved and checked by the client, the proxy is asked for the checked address, and a
//! refused target never reaches the proxy.

use std::io::{BufRead, BufReader, Write};
use std::net::{TcpListener, TcpStream};
use std::sync::Mutex;
use std::thread;

use credbridge_fetch::ProxyConfig;

use crate::common::*;

/// A CONNECT proxy on 127.0.0.1 that records each request line and tunnels the bytes.
struct ConnectProxy {
    url: String,
    seen: Arc<Mutex<Vec<String>>>,
}

impl ConnectProxy {
    fn start() -> ConnectProxy {
        let listener = TcpListener::bind("127.0.0.1:0").unwrap();
        let url = format!("http://{}", listener.local_addr().unwrap());
        let seen = Arc::new(Mutex::new(Vec::new()));
        let log = seen.clone();
        thread::spawn(move || {
            for client in listener.incoming() {
                let Ok(client) = client else { return };
                let log = log.clone();
                thread::spawn(move || tunnel(client, &log));
            }
        });
        ConnectProxy { url, seen }
    }

    fn seen(&self) -> Vec<String> {
        self.seen.lock().unwrap().clone()
    }
}

fn tunnel(client: TcpStream, log: &Mutex<Vec<String>>) {
    let mut reader = BufReader::new(client.try_clone().unwrap());
    let mut request_line = String::new();
    if reader.read_line(&mut request_line).is_err() {
        return;
    }
    loop {
        let mut header = String::new();
        if reader.read_line(&mut header).is_err() || header.trim().is_empty() {
            break;
        }
    }
    let request_line = request_line.trim().to_owned();
    log.lock().unwrap().push(request_line.clone());
    let mut client = client;
    let Some(target) = request_line
        .strip_prefix("CONNECT ")
        .and_then(|rest| rest.split(' ').next())
    else {
        let _ = client.write_all(b"HTTP/1.1 405 Method Not Allowed\r\n\r\n");
        return;
    };
    let Ok(upstream) = TcpStream::connect(target) else {
        let _ = client.write_all(b"HTTP/1.1 502 Bad Gateway\r\n\r\n");
        return;
    };
    client
        .write_all(b"HTTP/1.1 200 Connection established\r\n\r\n")
        .unwrap();
    let (mut up_read, mut up_write) = (upstream.try_clone().unwrap(), upstream);
    let mut client_write = client.try_clone().unwrap();
    let to_upstream = thread::spawn(move || {
        let _ = std::io::copy(&mut reader, &mut up_write);
        let _ = up_write.shutdown(std::net::Shutdown::Write);
    });
    let _ = std::io::copy(&mut up_read, &mut client_write);
    let _ = client_write.shutdown(std::net::Shutdown::Write);
    let _ = to_upstream.join();
}

fn proxied(policy: FetchPolicy, proxy: &ConnectProxy, no_proxy: &[&str]) -> GuardedClient {
    client(FetchPolicy {
        proxy: Some(ProxyConfig {
            https: Some(proxy.url.clone()),
            http: Some(proxy.url.clone()),
            no_proxy: no_proxy.iter().map(|s| (*s).to_owned()).collect(),
        }),
        ..policy
    })
}

#[test]
fn fetches_go_through_the_proxy_to_the_checked_address() {
    let server = routes_server();
    let port = server.addr.port();
    let proxy = ConnectProxy::start();
    let client = proxied(FetchPolicy::dangerous_loopback_for_tests(), &proxy, &[]);
    // By name: the client resolves `localhost` and checks it; the proxy is given the address.
    let fetched = client
        .get(
            &format!("http://localhost:{port}{STATUS_PATH}"),
            Purpose::StatusList,
        )
        .unwrap();
    assert_eq!(fetched.body.as_ref(), status_list_json().as_slice());
    let seen = proxy.seen();
    assert_eq!(seen.len(), 1, "{seen:?}");
    assert!(
        seen[0] == format!("CONNECT 127.0.0.1:{port} HTTP/1.1")
            || seen[0] == format!("CONNECT [::1]:{port} HTTP/1.1")
            || seen[0] == format!("CONNECT ::1:{port} HTTP/1.1"),
        "the proxy is told the checked address, not the name: {seen:?}"
    );
    assert_eq!(server.requests(STATUS_PATH), 1);
}

#[test]
fn a_proxy_is_no_way_around_the_address_guard() {
    let server = routes_server();
    let port = server.addr.port();
    let proxy = ConnectProxy::start();
    // Strict guard (http allowed for the loopback server, loopback refused), a proxy on
    // loopback: the proxy's own address is the operator's choice, the target is still checked.
    let strict = FetchPolicy {
        allow_http: true,
        ..FetchPolicy::default()
    };
    let client = proxied(strict, &proxy, &[]);
    for host in ["127.0.0.1", "localhost"] {
        let err = client
            .get(
                &format!("http://{host}:{port}{STATUS_PATH}"),
                Purpose::StatusList,
            )
            .unwrap_err();
        assert!(
            matches!(&err, FetchError::AddressRefused { why, .. } if why.class == AddressClass::Loopback),
            "{host}: {err:?}"
        );
    }
    // The proxy's own address as a target is a target like any other: refused.
    let proxy_as_target = format!("{}/admin", proxy.url);
    let err = client
        .get(&proxy_as_target, Purpose::StatusList)
        .unwrap_err();
    assert!(matches!(err, FetchError::AddressRefused { .. }), "{err:?}");
    assert_eq!(
        proxy.seen(),
        Vec::<String>::new(),
        "nothing reached the proxy"
    );
    assert_eq!(server.requests(STATUS_PATH), 0);
}

#[test]
fn no_proxy_hosts_are_reached_directly() {
    let server = routes_server();
    let port = server.addr.port();
    let proxy = ConnectProxy::start();
    let client = proxied(
        FetchPolicy::dangerous_loopback_for_tests(),
        &proxy,
        &["127.0.0.1"],
    );
    client
        .get(
            &format!("http://127.0.0.1:{port}{STATUS_PATH}"),
            Purpose::StatusList,
        )
        .unwrap();
    assert_eq!(proxy.seen(), Vec::<String>::new());
    assert_eq!(server.requests(STATUS_PATH), 1);
}

#[test]
fn an_unusable_proxy_setting_is_reported_on_every_fetch() {
    let server = routes_server();
    let port = server.addr.port();
    let client = client(FetchPolicy {
        proxy: Some(ProxyConfig {
            http: Some("socks5://127.0.0.1:1080".into()),
            ..ProxyConfig::default()
        }),
        ..FetchPolicy::dangerous_loopback_for_tests()
    });
    let err = client
        .get(
            &format!("http://127.0.0.1:{port}{STATUS_PATH}"),
            Purpose::StatusList,
        )
        .unwrap_err();
    assert!(
        err.to_string().contains("proxies are not supported"),
        "{err}"
    );
    assert_eq!(server.requests(STATUS_PATH), 0);
}
