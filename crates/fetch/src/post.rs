//! [`GuardedClient::post`]: a signed webhook delivery (HTTP POST) through the same guard as
//! every fetch: the scheme policy, the address guard on every resolved address, the proxy
//! tunnel, the timeouts. Redirects are not followed (a receiver that moved answers 3xx and the
//! caller records it), and at most [`MAX_POST_RESPONSE_BYTES`] of the answer are read.

use std::io::Read as _;
use std::time::Instant;

use ureq::ResponseExt as _;

use super::GuardedClient;
use crate::FetchError;

/// The most bytes of a receiver's answer read (the rest is dropped unread): a delivery log
/// keeps the start of an error answer, never a stream.
pub const MAX_POST_RESPONSE_BYTES: u64 = 64 * 1024;

/// What the receiver answered to a POST (any status: deciding what a status means is the
/// caller's business).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Posted {
    /// The URL posted to.
    pub url: String,
    /// The HTTP status.
    pub status: u16,
    /// The start of the answer's body (at most [`MAX_POST_RESPONSE_BYTES`]).
    pub body: Vec<u8>,
    /// How long the exchange took.
    pub elapsed: std::time::Duration,
}

impl GuardedClient {
    /// Posts `body` as `content_type` to `url` with extra `headers`, under the client's policy
    /// (the scheme policy, the address guard, the connect and total timeouts). Answers of any
    /// status are returned; an error means no answer (refused, unreachable, timed out, not
    /// HTTP). Redirects are returned as 3xx, not followed. Never cached, never snapshotted.
    pub fn post(
        &self,
        url: &str,
        content_type: &str,
        headers: &[(&str, &str)],
        body: &[u8],
    ) -> Result<Posted, FetchError> {
        if self.policy.offline {
            return Err(FetchError::OfflinePost {
                url: url.to_owned(),
            });
        }
        self.check_url(url)?;
        self.proxies.check(url)?;
        let started = Instant::now();
        let mut request = self
            .agent
            .post(url)
            .config()
            .max_redirects(0)
            .max_redirects_will_error(false)
            .build()
            .header("Content-Type", content_type);
        for (name, value) in headers {
            request = request.header(*name, *value);
        }
        let response = request.send(body).map_err(|e| self.map_error(url, e))?;
        let final_url = response.get_uri().to_string();
        let status = response.status().as_u16();
        let mut answer = response.into_body();
        // A long answer is cut, not an error: the status is what counts.
        let mut body = Vec::new();
        answer
            .as_reader()
            .take(MAX_POST_RESPONSE_BYTES)
            .read_to_end(&mut body)
            .map_err(|e| self.map_io_error(final_url.clone(), e))?;
        Ok(Posted {
            url: final_url,
            status,
            body,
            elapsed: started.elapsed(),
        })
    }
}
