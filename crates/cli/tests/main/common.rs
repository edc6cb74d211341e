//! The binary under test, its output, and temporary folders.

pub use std::path::{Path, PathBuf};
pub use std::process::{Command, Output};

pub use serde_json::Value;

use std::io::{BufRead, BufReader, Read, Write};
use std::net::TcpStream;
use std::process::{Child, Stdio};
use std::time::{Duration, Instant};

pub fn repo() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../..")
}

pub fn credbridge(args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_credbridge"))
        .args(args)
        .current_dir(repo())
        .output()
        .expect("run credbridge")
}

pub fn stdout(output: &Output) -> String {
    String::from_utf8(output.stdout.clone()).unwrap()
}

pub fn json_lines(output: &Output) -> Vec<Value> {
    stdout(output)
        .lines()
        .map(|l| serde_json::from_str(l).unwrap_or_else(|e| panic!("not JSON: {l}: {e}")))
        .collect()
}

pub fn tempdir(name: &str) -> PathBuf {
    let dir = std::env::temp_dir().join(format!("credbridge-cli-{name}-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).unwrap();
    dir
}

/// The running server; killed when dropped, also when a test fails.
pub struct Serve {
    child: Child,
    /// `127.0.0.1:<port>`.
    pub addr: String,
}

impl Drop for Serve {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

impl Serve {
    /// Starts `serve --dev --offline` on port 0 over `data` (with `env` set) and reads the port
    /// from its `listening on` line; returns once `/healthz` answers.
    pub fn start(data: &Path, env: &[(&str, &str)]) -> Serve {
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
            .envs(env.iter().copied())
            .stdout(Stdio::piped())
            .stderr(Stdio::null())
            .spawn()
            .expect("start credbridge serve");
        let stdout = child.stdout.take().unwrap();
        let mut server = Serve {
            child,
            addr: String::new(),
        };
        // `--dev` first prints the development issuer instances it made, then the address.
        let mut reader = BufReader::new(stdout);
        let mut line = String::new();
        let mut printed = Vec::new();
        while !line.starts_with("listening on ") {
            line.clear();
            let read = reader.read_line(&mut line).unwrap();
            assert!(read > 0, "no `listening on` line among {printed:?}");
            printed.push(line.clone());
        }
        let url = line
            .trim()
            .strip_prefix("listening on http://")
            .unwrap_or_else(|| panic!("listening line: {line:?}"));
        assert!(url.starts_with("127.0.0.1:"), "{url}");
        assert_ne!(url, "127.0.0.1:0", "the real port is printed");
        server.addr = url.to_owned();
        server.wait_healthy();
        server
    }

    /// Waits until `/healthz` answers 200 (at most 60 s).
    pub fn wait_healthy(&self) {
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

    /// One HTTP/1.1 request over a fresh connection, the body parsed as JSON (`Null` when it is
    /// not); panics when the server cannot be reached.
    pub fn json(&self, method: &str, path: &str, json: Option<&Value>) -> (u16, Value) {
        let (status, body) = self
            .request(method, path, json)
            .unwrap_or_else(|e| panic!("{method} {path}: {e}"));
        (status, serde_json::from_str(&body).unwrap_or(Value::Null))
    }

    /// Kills the process with SIGKILL (no graceful shutdown, nothing flushed).
    pub fn kill_9(mut self) {
        self.child.kill().unwrap();
        self.child.wait().unwrap();
    }

    /// One HTTP/1.1 request over a fresh connection; returns the status and the body.
    pub fn request(
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
