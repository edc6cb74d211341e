//! Plain request and response values: what a route hands in and gets back. No HTTP library
//! types, so the server (axum) and the fetch crate (ureq) each convert at their edge.

use serde_json::Value;

/// An HTTP request as the service sees it.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct HttpRequest {
    /// `GET`, `POST`, … (compared case-sensitively, as RFC 9110 §9.1 says).
    pub method: String,
    /// The path, without the query (`/ims/ob/v3p0/credentials`).
    pub path: String,
    /// The raw query string, without the `?` (empty when there is none).
    pub query: String,
    /// Header fields in arrival order; names compare case-insensitively.
    pub headers: Vec<(String, String)>,
    /// The body bytes.
    pub body: Vec<u8>,
}

impl HttpRequest {
    /// A request with `method` and `path` (which may carry `?query`).
    #[must_use]
    pub fn new(method: &str, path_and_query: &str) -> HttpRequest {
        let (path, query) = path_and_query
            .split_once('?')
            .unwrap_or((path_and_query, ""));
        HttpRequest {
            method: method.to_owned(),
            path: path.to_owned(),
            query: query.to_owned(),
            headers: Vec::new(),
            body: Vec::new(),
        }
    }

    /// Adds a header field.
    #[must_use]
    pub fn with_header(mut self, name: &str, value: &str) -> HttpRequest {
        self.headers.push((name.to_owned(), value.to_owned()));
        self
    }

    /// Sets the body.
    #[must_use]
    pub fn with_body(mut self, body: impl Into<Vec<u8>>) -> HttpRequest {
        self.body = body.into();
        self
    }

    /// The first value of header `name` (case-insensitive).
    #[must_use]
    pub fn header(&self, name: &str) -> Option<&str> {
        header_of(&self.headers, name)
    }

    /// The query parameters, percent-decoded, in order.
    #[must_use]
    pub fn query_pairs(&self) -> Vec<(String, String)> {
        url::form_urlencoded::parse(self.query.as_bytes())
            .into_owned()
            .collect()
    }
}

/// An HTTP response as the service produces it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct HttpResponse {
    /// The status code.
    pub status: u16,
    /// Header fields (names as sent).
    pub headers: Vec<(String, String)>,
    /// The body bytes.
    pub body: Vec<u8>,
}

impl HttpResponse {
    /// A response with `status`, no headers and no body.
    #[must_use]
    pub fn empty(status: u16) -> HttpResponse {
        HttpResponse {
            status,
            headers: Vec::new(),
            body: Vec::new(),
        }
    }

    /// A JSON response (`Content-Type: application/json`).
    #[must_use]
    pub fn json(status: u16, value: &Value) -> HttpResponse {
        HttpResponse::bytes(status, "application/json", value.to_string().into_bytes())
    }

    /// A response with `content_type` and `body`.
    #[must_use]
    pub fn bytes(status: u16, content_type: &str, body: Vec<u8>) -> HttpResponse {
        HttpResponse {
            status,
            headers: vec![("Content-Type".to_owned(), content_type.to_owned())],
            body,
        }
    }

    /// Adds a header field.
    #[must_use]
    pub fn with_header(mut self, name: &str, value: impl Into<String>) -> HttpResponse {
        self.headers.push((name.to_owned(), value.into()));
        self
    }

    /// The first value of header `name` (case-insensitive).
    #[must_use]
    pub fn header(&self, name: &str) -> Option<&str> {
        header_of(&self.headers, name)
    }

    /// The body parsed as JSON, `None` when it is not JSON.
    #[must_use]
    pub fn body_json(&self) -> Option<Value> {
        serde_json::from_slice(&self.body).ok()
    }
}

fn header_of<'a>(headers: &'a [(String, String)], name: &str) -> Option<&'a str> {
    headers
        .iter()
        .find(|(n, _)| n.eq_ignore_ascii_case(name))
        .map(|(_, v)| v.as_str())
}

/// The media type of a `Content-Type` value, lower-cased and without parameters
/// (`application/json; charset=utf-8` → `application/json`).
pub(crate) fn media_type(content_type: &str) -> String {
    content_type
        .split(';')
        .next()
        .unwrap_or("")
        .trim()
        .to_ascii_lowercase()
}

/// `Cache-Control: no-store` and `Pragma: no-cache`, required on token responses
/// (RFC 6749 §5.1) and sent on every OAuth answer.
pub(crate) fn no_store(response: HttpResponse) -> HttpResponse {
    response
        .with_header("Cache-Control", "no-store")
        .with_header("Pragma", "no-cache")
}

/// Seconds since the epoch as an RFC 9110 HTTP-date (`Sun, 06 Nov 1994 08:49:37 GMT`).
pub(crate) fn http_date(unix_seconds: i64) -> String {
    let at = std::time::UNIX_EPOCH
        + std::time::Duration::from_secs(u64::try_from(unix_seconds).unwrap_or(0));
    httpdate::fmt_http_date(at)
}

/// An RFC 9110 HTTP-date as seconds since the epoch.
pub(crate) fn parse_http_date(text: &str) -> Option<i64> {
    let at = httpdate::parse_http_date(text.trim()).ok()?;
    let since = at.duration_since(std::time::UNIX_EPOCH).ok()?;
    i64::try_from(since.as_secs()).ok()
}
