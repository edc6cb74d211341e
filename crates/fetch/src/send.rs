//! [`GuardedClient::send`]: one API request (any method, request headers, a body) through the
//! same guard as every fetch, answered with its status, headers and body whatever the status.
//! The Open Badges API consumer (`credbridge_obapi::HttpClient`, implemented here) calls it.
//!
//! Redirects are never followed: a bearer token or a client secret must not travel to
//! another origin, and an API that answers 3xx is reported as such. Nothing is cached or
//! snapshotted: answers depend on who asks.

use std::io::Read as _;

use ureq::ResponseExt as _;

use super::GuardedClient;
use crate::FetchError;

/// The most bytes of an API answer read: a page of credentials (at most 100 × the host's
/// per-credential limit in practice) fits; a larger answer is refused, not cut, because a
/// truncated JSON page is not a page.
pub const MAX_API_RESPONSE_BYTES: u64 = 64 * 1024 * 1024;

/// What an API answered.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Sent {
    /// The HTTP status.
    pub status: u16,
    /// Header fields, in the order received.
    pub headers: Vec<(String, String)>,
    /// The whole body.
    pub body: Vec<u8>,
}

impl GuardedClient {
    /// Sends `method url` with `headers` and `body` under the client's policy (scheme policy,
    /// address guard, proxy tunnel, timeouts) and returns the answer of any status. An error
    /// means no usable answer: refused, unreachable, timed out, not HTTP, or a body over
    /// [`MAX_API_RESPONSE_BYTES`].
    pub fn send(
        &self,
        method: &str,
        url: &str,
        headers: &[(String, String)],
        body: &[u8],
    ) -> Result<Sent, FetchError> {
        if self.policy.offline {
            return Err(FetchError::OfflinePost {
                url: url.to_owned(),
            });
        }
        self.check_url(url)?;
        self.proxies.check(url)?;
        let method = ureq::http::Method::from_bytes(method.as_bytes()).map_err(|e| {
            FetchError::InvalidUrl {
                url: url.to_owned(),
                reason: format!("method {method:?}: {e}"),
            }
        })?;
        let mut request = ureq::http::Request::builder().method(method).uri(url);
        for (name, value) in headers {
            request = request.header(name.as_str(), value.as_str());
        }
        let request = request
            .body(body.to_vec())
            .map_err(|e| FetchError::InvalidUrl {
                url: url.to_owned(),
                reason: e.to_string(),
            })?;
        let response = self
            .agent
            .configure_request(request)
            .max_redirects(0)
            .max_redirects_will_error(false)
            .build();
        let response = self
            .agent
            .run(response)
            .map_err(|e| self.map_error(url, e))?;
        let final_url = response.get_uri().to_string();
        let status = response.status().as_u16();
        let headers = response
            .headers()
            .iter()
            .filter_map(|(name, value)| {
                value
                    .to_str()
                    .ok()
                    .map(|v| (name.as_str().to_owned(), v.to_owned()))
            })
            .collect();
        let mut answer = response.into_body();
        let mut body = Vec::new();
        answer
            .as_reader()
            .take(MAX_API_RESPONSE_BYTES + 1)
            .read_to_end(&mut body)
            .map_err(|e| self.map_io_error(final_url.clone(), e))?;
        if body.len() as u64 > MAX_API_RESPONSE_BYTES {
            return Err(FetchError::TooLarge {
                url: final_url,
                limit: MAX_API_RESPONSE_BYTES,
            });
        }
        Ok(Sent {
            status,
            headers,
            body,
        })
    }
}

/// The Open Badges API consumer sends its requests through the guarded client.
impl credbridge_obapi::HttpClient for GuardedClient {
    fn send(
        &self,
        request: &credbridge_obapi::OutgoingRequest,
    ) -> Result<credbridge_obapi::HttpResponse, credbridge_obapi::TransportError> {
        let sent = GuardedClient::send(
            self,
            &request.method,
            &request.url,
            &request.headers,
            &request.body,
        )
        .map_err(|e| credbridge_obapi::TransportError {
            url: request.url.clone(),
            message: e.to_string(),
        })?;
        Ok(credbridge_obapi::HttpResponse {
            status: sent.status,
            headers: sent.headers,
            body: sent.body,
        })
    }
}
