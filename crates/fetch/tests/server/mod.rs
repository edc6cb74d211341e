//! A tiny HTTP/1.1 server on 127.0.0.1 for the tests: one thread accepting, one short-lived
//! thread per connection, `Connection: close` on every answer. It is bounded — at most
//! [`MAX_CONNECTIONS`] connections and [`LIFETIME`] of life — and stops when dropped.

use std::io::{Read, Write};
use std::net::{SocketAddr, TcpListener, TcpStream};
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
use std::thread::JoinHandle;
use std::time::{Duration, Instant};

/// Most connections one server accepts before it stops by itself.
pub const MAX_CONNECTIONS: usize = 64;
/// Longest a server lives.
pub const LIFETIME: Duration = Duration::from_secs(60);
/// Longest a handler sleeps (the slow endpoint).
pub const MAX_DELAY: Duration = Duration::from_secs(3);

/// What to send back.
pub enum Reply {
    /// A normal response.
    Http {
        status: u16,
        headers: Vec<(&'static str, String)>,
        body: Vec<u8>,
        /// Sent with `Transfer-Encoding: chunked` (no `Content-Length`).
        chunked: bool,
        /// Wait this long before answering.
        delay: Duration,
    },
    /// Raw bytes instead of HTTP.
    Raw(Vec<u8>),
}

impl Reply {
    pub fn ok(content_type: &str, body: impl Into<Vec<u8>>) -> Reply {
        Reply::Http {
            status: 200,
            headers: vec![("Content-Type", content_type.to_owned())],
            body: body.into(),
            chunked: false,
            delay: Duration::ZERO,
        }
    }

    pub fn status(status: u16) -> Reply {
        Reply::Http {
            status,
            headers: vec![("Content-Type", "text/plain".to_owned())],
            body: b"no".to_vec(),
            chunked: false,
            delay: Duration::ZERO,
        }
    }

    pub fn redirect(location: &str) -> Reply {
        Reply::Http {
            status: 302,
            headers: vec![("Location", location.to_owned())],
            body: Vec::new(),
            chunked: false,
            delay: Duration::ZERO,
        }
    }
}

type Handler = dyn Fn(&str, u16) -> Reply + Send + Sync;

pub struct TestServer {
    pub addr: SocketAddr,
    connections: Arc<AtomicUsize>,
    stop: Arc<AtomicBool>,
    accept: Option<JoinHandle<()>>,
}

impl TestServer {
    /// Starts a server; `handler(path, port)` answers each request.
    pub fn start(handler: impl Fn(&str, u16) -> Reply + Send + Sync + 'static) -> TestServer {
        let listener = TcpListener::bind("127.0.0.1:0").unwrap();
        listener.set_nonblocking(true).unwrap();
        let addr = listener.local_addr().unwrap();
        let connections = Arc::new(AtomicUsize::new(0));
        let stop = Arc::new(AtomicBool::new(false));
        let handler: Arc<Handler> = Arc::new(handler);
        let accept = {
            let connections = connections.clone();
            let stop = stop.clone();
            std::thread::spawn(move || {
                let started = Instant::now();
                while !stop.load(Ordering::SeqCst)
                    && started.elapsed() < LIFETIME
                    && connections.load(Ordering::SeqCst) < MAX_CONNECTIONS
                {
                    match listener.accept() {
                        Ok((stream, _)) => {
                            connections.fetch_add(1, Ordering::SeqCst);
                            let handler = handler.clone();
                            let port = addr.port();
                            std::thread::spawn(move || serve(stream, &*handler, port));
                        }
                        Err(_) => std::thread::sleep(Duration::from_millis(5)),
                    }
                }
                // The listener drops here: the port is closed.
            })
        };
        TestServer {
            addr,
            connections,
            stop,
            accept: Some(accept),
        }
    }

    pub fn base(&self) -> String {
        format!("http://{}", self.addr)
    }

    pub fn url(&self, path: &str) -> String {
        format!("http://{}{path}", self.addr)
    }

    /// Connections accepted so far.
    pub fn connections(&self) -> usize {
        self.connections.load(Ordering::SeqCst)
    }
}

impl Drop for TestServer {
    fn drop(&mut self) {
        self.stop.store(true, Ordering::SeqCst);
        if let Some(accept) = self.accept.take() {
            let _ = accept.join();
        }
    }
}

fn serve(mut stream: TcpStream, handler: &Handler, port: u16) {
    let _ = stream.set_nonblocking(false);
    let _ = stream.set_read_timeout(Some(Duration::from_secs(5)));
    let mut head = Vec::new();
    let mut buf = [0u8; 1024];
    while !head.windows(4).any(|w| w == b"\r\n\r\n") && head.len() < 16 * 1024 {
        match stream.read(&mut buf) {
            Ok(0) | Err(_) => break,
            Ok(n) => {
                head.extend_from_slice(&buf[..n]);
                if !head.starts_with(b"G") {
                    break; // not HTTP (a TLS ClientHello): answer at once
                }
            }
        }
    }
    let text = String::from_utf8_lossy(&head);
    let path = text
        .strip_prefix("GET ")
        .and_then(|rest| rest.split(' ').next())
        .map(str::to_owned);
    let reply = match path {
        Some(path) => handler(&path, port),
        None => Reply::Raw(
            b"HTTP/1.1 400 Bad Request\r\nConnection: close\r\nContent-Length: 0\r\n\r\n".to_vec(),
        ),
    };
    let _ = write_reply(&mut stream, reply);
    let _ = stream.flush();
}

fn write_reply(stream: &mut TcpStream, reply: Reply) -> std::io::Result<()> {
    match reply {
        Reply::Raw(bytes) => stream.write_all(&bytes),
        Reply::Http {
            status,
            headers,
            body,
            chunked,
            delay,
        } => {
            std::thread::sleep(delay.min(MAX_DELAY));
            let mut out = format!("HTTP/1.1 {status} X\r\nConnection: close\r\n");
            for (name, value) in headers {
                out.push_str(&format!("{name}: {value}\r\n"));
            }
            if chunked {
                out.push_str("Transfer-Encoding: chunked\r\n\r\n");
                stream.write_all(out.as_bytes())?;
                for chunk in body.chunks(256) {
                    stream.write_all(format!("{:x}\r\n", chunk.len()).as_bytes())?;
                    stream.write_all(chunk)?;
                    stream.write_all(b"\r\n")?;
                }
                stream.write_all(b"0\r\n\r\n")
            } else {
                out.push_str(&format!("Content-Length: {}\r\n\r\n", body.len()));
                stream.write_all(out.as_bytes())?;
                stream.write_all(&body)
            }
        }
    }
}
