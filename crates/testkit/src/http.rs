//! [`FixtureServer`]: a small HTTP/1.1 server on `127.0.0.1:0` for tests and the bulk
//! benchmark. One thread accepts; each connection gets a short-lived thread; every answer is
//! `Connection: close`. It stops when dropped.

use std::collections::BTreeMap;
use std::io::{Read, Write};
use std::net::{SocketAddr, TcpListener, TcpStream};
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
use std::sync::{Arc, Mutex, PoisonError};
use std::thread::JoinHandle;
use std::time::{Duration, Instant};

/// Longest a reply's delay is honoured (the slow endpoint of a timeout test).
pub const MAX_DELAY: Duration = Duration::from_secs(3);

/// Largest request head read.
pub const MAX_REQUEST_HEAD_BYTES: usize = 16 * 1024;

/// How long a server lives and how many connections it accepts before it stops by itself.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Limits {
    /// Most connections accepted.
    pub max_connections: usize,
    /// Longest life.
    pub lifetime: Duration,
}

impl Default for Limits {
    /// 64 connections, 60 seconds: plenty for a test.
    fn default() -> Limits {
        Limits {
            max_connections: 64,
            lifetime: Duration::from_secs(60),
        }
    }
}

/// What to send back for a request.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Reply {
    /// A normal response.
    Http {
        /// The status code.
        status: u16,
        /// Header lines (besides `Connection`, `Content-Length`, `Transfer-Encoding`).
        headers: Vec<(String, String)>,
        /// The body.
        body: Vec<u8>,
        /// Sent with `Transfer-Encoding: chunked` (no `Content-Length`).
        chunked: bool,
        /// Wait this long before answering (at most [`MAX_DELAY`]).
        delay: Duration,
    },
    /// Raw bytes instead of HTTP.
    Raw(Vec<u8>),
}

impl Reply {
    /// `200 OK` with `content_type` and `body`.
    pub fn ok(content_type: &str, body: impl Into<Vec<u8>>) -> Reply {
        Reply::Http {
            status: 200,
            headers: vec![("Content-Type".into(), content_type.to_owned())],
            body: body.into(),
            chunked: false,
            delay: Duration::ZERO,
        }
    }

    /// A bare status with a short text body.
    pub fn status(status: u16) -> Reply {
        Reply::Http {
            status,
            headers: vec![("Content-Type".into(), "text/plain".into())],
            body: b"no".to_vec(),
            chunked: false,
            delay: Duration::ZERO,
        }
    }

    /// `302 Found` to `location`.
    pub fn redirect(location: &str) -> Reply {
        Reply::Http {
            status: 302,
            headers: vec![("Location".into(), location.to_owned())],
            body: Vec::new(),
            chunked: false,
            delay: Duration::ZERO,
        }
    }

    /// The same reply, sent chunked.
    #[must_use]
    pub fn chunked(mut self) -> Reply {
        if let Reply::Http { chunked, .. } = &mut self {
            *chunked = true;
        }
        self
    }

    /// The same reply, after `after`.
    #[must_use]
    pub fn delayed(mut self, after: Duration) -> Reply {
        if let Reply::Http { delay, .. } = &mut self {
            *delay = after;
        }
        self
    }

    /// The same reply with one more header.
    #[must_use]
    pub fn header(mut self, name: &str, value: &str) -> Reply {
        if let Reply::Http { headers, .. } = &mut self {
            headers.push((name.to_owned(), value.to_owned()));
        }
        self
    }
}

type Handler = dyn Fn(&str, u16) -> Reply + Send + Sync;

/// A running loopback server; see the module doc.
pub struct FixtureServer {
    /// Where it listens.
    pub addr: SocketAddr,
    connections: Arc<AtomicUsize>,
    requests: Arc<Mutex<BTreeMap<String, usize>>>,
    stop: Arc<AtomicBool>,
    accept: Option<JoinHandle<()>>,
}

impl FixtureServer {
    /// Starts a server where `handler(path, port)` answers each `GET`.
    ///
    /// # Errors
    /// When no loopback port can be bound.
    pub fn start(
        handler: impl Fn(&str, u16) -> Reply + Send + Sync + 'static,
    ) -> std::io::Result<FixtureServer> {
        FixtureServer::with_limits(Limits::default(), handler)
    }

    /// Starts a server answering each path of `routes` with its reply, and `404` otherwise.
    ///
    /// # Errors
    /// When no loopback port can be bound.
    pub fn routes<'a>(
        routes: impl IntoIterator<Item = (&'a str, Reply)>,
    ) -> std::io::Result<FixtureServer> {
        let table: BTreeMap<String, Reply> = routes
            .into_iter()
            .map(|(path, reply)| (path.to_owned(), reply))
            .collect();
        FixtureServer::start(move |path, _| {
            table
                .get(path)
                .cloned()
                .unwrap_or_else(|| Reply::status(404))
        })
    }

    /// [`FixtureServer::start`] with other [`Limits`].
    ///
    /// # Errors
    /// When no loopback port can be bound.
    pub fn with_limits(
        limits: Limits,
        handler: impl Fn(&str, u16) -> Reply + Send + Sync + 'static,
    ) -> std::io::Result<FixtureServer> {
        let listener = TcpListener::bind("127.0.0.1:0")?;
        FixtureServer::on_listener(listener, limits, handler)
    }

    /// Serves on a listener the caller bound (to know the URL before making the bodies).
    ///
    /// # Errors
    /// When the listener cannot be made non-blocking or has no address.
    pub fn on_listener(
        listener: TcpListener,
        limits: Limits,
        handler: impl Fn(&str, u16) -> Reply + Send + Sync + 'static,
    ) -> std::io::Result<FixtureServer> {
        listener.set_nonblocking(true)?;
        let addr = listener.local_addr()?;
        let connections = Arc::new(AtomicUsize::new(0));
        let requests = Arc::new(Mutex::new(BTreeMap::new()));
        let stop = Arc::new(AtomicBool::new(false));
        let handler: Arc<Handler> = Arc::new(handler);
        let accept = {
            let connections = connections.clone();
            let requests = requests.clone();
            let stop = stop.clone();
            std::thread::spawn(move || {
                let started = Instant::now();
                while !stop.load(Ordering::SeqCst)
                    && started.elapsed() < limits.lifetime
                    && connections.load(Ordering::SeqCst) < limits.max_connections
                {
                    match listener.accept() {
                        Ok((stream, _)) => {
                            connections.fetch_add(1, Ordering::SeqCst);
                            let handler = handler.clone();
                            let requests = requests.clone();
                            let port = addr.port();
                            std::thread::spawn(move || serve(stream, &*handler, &requests, port));
                        }
                        Err(_) => std::thread::sleep(Duration::from_millis(5)),
                    }
                }
                // The listener drops here: the port is closed.
            })
        };
        Ok(FixtureServer {
            addr,
            connections,
            requests,
            stop,
            accept: Some(accept),
        })
    }

    /// `http://127.0.0.1:PORT`.
    #[must_use]
    pub fn base(&self) -> String {
        format!("http://{}", self.addr)
    }

    /// `http://127.0.0.1:PORT{path}`.
    #[must_use]
    pub fn url(&self, path: &str) -> String {
        format!("http://{}{path}", self.addr)
    }

    /// Connections accepted so far.
    #[must_use]
    pub fn connections(&self) -> usize {
        self.connections.load(Ordering::SeqCst)
    }

    /// `GET` requests answered for `path` so far.
    #[must_use]
    pub fn requests(&self, path: &str) -> usize {
        self.requests
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
            .get(path)
            .copied()
            .unwrap_or(0)
    }
}

impl Drop for FixtureServer {
    fn drop(&mut self) {
        self.stop.store(true, Ordering::SeqCst);
        if let Some(accept) = self.accept.take() {
            let _ = accept.join();
        }
    }
}

fn serve(
    mut stream: TcpStream,
    handler: &Handler,
    requests: &Mutex<BTreeMap<String, usize>>,
    port: u16,
) {
    let _ = stream.set_nonblocking(false);
    let _ = stream.set_read_timeout(Some(Duration::from_secs(5)));
    let mut head = Vec::new();
    let mut buf = [0u8; 1024];
    while !head.windows(4).any(|w| w == b"\r\n\r\n") && head.len() < MAX_REQUEST_HEAD_BYTES {
        match stream.read(&mut buf) {
            Ok(0) | Err(_) => break,
            Ok(n) => {
                head.extend_from_slice(buf.get(..n).unwrap_or_default());
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
        Some(path) => {
            *requests
                .lock()
                .unwrap_or_else(PoisonError::into_inner)
                .entry(path.clone())
                .or_default() += 1;
            handler(&path, port)
        }
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
