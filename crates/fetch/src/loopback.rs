//! [`LoopbackRedirect`]: the RFC 8252 §7.3 loopback redirect of a native OAuth client. The CLI
//! (`credbridge obapi connect`) registers `http://127.0.0.1:PORT/callback`, opens the
//! authorization page in the person's browser, and waits here for the one request the browser
//! makes when the host redirects back with `?code=…&state=…`.
//!
//! Written by hand: a crate for one request line would bring an HTTP server into a client
//! crate. Only the request line is read (a browser's GET carries no body); every other path
//! (a favicon) gets 404 and the wait goes on; the answer is a short page asking to close the
//! window. Bound to 127.0.0.1 only, never to another interface.

use std::io::{BufRead as _, BufReader, Write as _};
use std::net::{TcpListener, TcpStream};
use std::time::{Duration, Instant};

/// The longest request line read (a redirect carries a code and a state, well under this).
pub const MAX_REDIRECT_REQUEST_LINE: usize = 8 * 1024;

/// Why no redirect arrived.
#[derive(Debug, thiserror::Error)]
pub enum LoopbackError {
    /// The listener could not be bound or read.
    #[error("loopback redirect listener: {0}")]
    Io(#[from] std::io::Error),
    /// Nobody came back in time.
    #[error("no redirect to {uri} within {} s (was the authorization page approved?)", .waited.as_secs())]
    TimedOut {
        /// The redirect URI waited on.
        uri: String,
        /// How long.
        waited: Duration,
    },
}

/// A listener on `127.0.0.1:PORT` waiting for the authorization server's redirect.
#[derive(Debug)]
pub struct LoopbackRedirect {
    listener: TcpListener,
    port: u16,
    path: String,
}

impl LoopbackRedirect {
    /// Binds `127.0.0.1:port` (0: any free port) for redirects to `path` (e.g. `/callback`).
    ///
    /// # Errors
    /// The port cannot be bound.
    pub fn bind(port: u16, path: &str) -> Result<LoopbackRedirect, LoopbackError> {
        let listener = TcpListener::bind(("127.0.0.1", port))?;
        let port = listener.local_addr()?.port();
        Ok(LoopbackRedirect {
            listener,
            port,
            path: path.to_owned(),
        })
    }

    /// The redirect URI to register: `http://127.0.0.1:PORT/PATH`.
    #[must_use]
    pub fn redirect_uri(&self) -> String {
        format!("http://127.0.0.1:{}{}", self.port, self.path)
    }

    /// Waits up to `timeout` for a `GET` of the redirect path and returns the full redirect
    /// URL the browser was sent to (`http://127.0.0.1:PORT/callback?code=…&state=…`), for
    /// `credbridge_obapi::PendingAuthorization::code_from_redirect`.
    ///
    /// # Errors
    /// [`LoopbackError::TimedOut`], or the socket failed.
    pub fn wait(&self, timeout: Duration) -> Result<String, LoopbackError> {
        let deadline = Instant::now() + timeout;
        self.listener.set_nonblocking(true)?;
        loop {
            match self.listener.accept() {
                Ok((stream, _)) => {
                    if let Some(target) = self.answer(stream, deadline) {
                        return Ok(format!("http://127.0.0.1:{}{target}", self.port));
                    }
                }
                Err(e) if e.kind() == std::io::ErrorKind::WouldBlock => {
                    if Instant::now() >= deadline {
                        return Err(LoopbackError::TimedOut {
                            uri: self.redirect_uri(),
                            waited: timeout,
                        });
                    }
                    std::thread::sleep(Duration::from_millis(50));
                }
                Err(e) => return Err(e.into()),
            }
        }
    }

    /// Reads one request line; answers it; returns the request target when it is the redirect.
    fn answer(&self, stream: TcpStream, deadline: Instant) -> Option<String> {
        let left = deadline
            .saturating_duration_since(Instant::now())
            .max(Duration::from_millis(100));
        stream.set_nonblocking(false).ok()?;
        stream
            .set_read_timeout(Some(left.min(Duration::from_secs(10))))
            .ok()?;
        let mut reader = BufReader::new(&stream);
        let mut line = Vec::new();
        let mut byte = [0u8; 1];
        // The request line only, bounded.
        while line.len() < MAX_REDIRECT_REQUEST_LINE {
            match std::io::Read::read(&mut reader, &mut byte) {
                Ok(1) if byte[0] == b'\n' => break,
                Ok(1) => line.push(byte[0]),
                _ => return None,
            }
        }
        // Drain the header block so the browser sees a clean answer (bounded as well).
        let mut header = String::new();
        for _ in 0..100 {
            header.clear();
            if reader.read_line(&mut header).map_or(true, |n| n == 0) || header.trim().is_empty() {
                break;
            }
        }
        let line = String::from_utf8_lossy(&line);
        let mut parts = line.split_whitespace();
        let (method, target) = (parts.next()?, parts.next()?);
        let path = target.split('?').next().unwrap_or(target);
        let ours = method == "GET" && path == self.path;
        let (status, text) = if ours {
            (
                "200 OK",
                "credbridge received the answer. You can close this window and go back to the terminal.",
            )
        } else {
            (
                "404 Not Found",
                "Not the redirect credbridge is waiting for.",
            )
        };
        let page = format!(
            "<!doctype html><html lang=\"en\"><meta charset=\"utf-8\"><title>credbridge</title><p>{text}</p></html>"
        );
        let mut out = &stream;
        let _ = write!(
            out,
            "HTTP/1.1 {status}\r\nContent-Type: text/html; charset=utf-8\r\nContent-Length: {}\r\nCache-Control: no-store\r\nConnection: close\r\n\r\n{page}",
            page.len()
        );
        let _ = out.flush();
        ours.then(|| target.to_owned())
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::io::Read as _;

    fn get(port: u16, target: &str) -> String {
        let mut stream = TcpStream::connect(("127.0.0.1", port)).unwrap();
        write!(stream, "GET {target} HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n").unwrap();
        let mut answer = String::new();
        stream.read_to_string(&mut answer).unwrap();
        answer
    }

    #[test]
    fn the_redirect_is_taken_and_other_paths_are_refused() {
        let redirect = LoopbackRedirect::bind(0, "/callback").unwrap();
        let port = redirect.port;
        assert_eq!(
            redirect.redirect_uri(),
            format!("http://127.0.0.1:{port}/callback")
        );
        let browser = std::thread::spawn(move || {
            let favicon = get(port, "/favicon.ico");
            let callback = get(port, "/callback?code=abc&state=xyz");
            (favicon, callback)
        });
        let url = redirect.wait(Duration::from_secs(10)).unwrap();
        assert_eq!(
            url,
            format!("http://127.0.0.1:{port}/callback?code=abc&state=xyz")
        );
        let (favicon, callback) = browser.join().unwrap();
        assert!(favicon.starts_with("HTTP/1.1 404"), "{favicon}");
        assert!(callback.starts_with("HTTP/1.1 200"), "{callback}");
        assert!(callback.contains("close this window"));
    }

    #[test]
    fn nobody_coming_back_is_a_timeout_naming_the_uri() {
        let redirect = LoopbackRedirect::bind(0, "/callback").unwrap();
        let err = redirect.wait(Duration::from_millis(200)).unwrap_err();
        assert!(
            matches!(&err, LoopbackError::TimedOut { uri, .. } if uri.ends_with("/callback")),
            "{err}"
        );
    }
}
