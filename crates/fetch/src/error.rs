//! [`FetchError`]: why a fetch produced no usable response.

use std::net::IpAddr;
use std::path::PathBuf;
use std::time::Duration;

use crate::RefusedRange;

/// Why a fetch failed. Every variant names the URL.
///
/// Kinds are kept apart: the caller's configuration ([`FetchError::Offline`],
/// [`FetchError::SchemeRefused`], [`FetchError::AddressRefused`]), what the remote host sent
/// (status, media type, size, JSON, protocol), and the environment (DNS, connect, TLS,
/// timeouts, the snapshot directory).
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum FetchError {
    /// The client is offline; nothing was sent.
    #[error("{}", credbridge_keys::not_fetched_offline(url, *purpose))]
    Offline {
        /// The URL asked for.
        url: String,
        /// What it was asked for (which option supplies it offline).
        purpose: crate::Purpose,
    },
    /// The client is offline; nothing was posted ([`crate::GuardedClient::post`]).
    #[error("{url}: not posted: the client is offline")]
    OfflinePost {
        /// The URL.
        url: String,
    },
    /// The URL could not be parsed or has no host.
    #[error("{url}: invalid URL: {reason}")]
    InvalidUrl {
        /// The URL as given.
        url: String,
        /// Why.
        reason: String,
    },
    /// The scheme is not allowed by the policy (only https, or http with `allow_http`).
    #[error("{url}: scheme {scheme:?} is not allowed (only https{hint})")]
    SchemeRefused {
        /// The URL (the first one, or a redirect target).
        url: String,
        /// The scheme found.
        scheme: String,
        /// A hint on what would allow it.
        hint: &'static str,
    },
    /// The host resolved to an address that is not public unicast.
    #[error(
        "{url}: refused to connect to {addr}: {why} (set dangerous_allow_loopback / dangerous_allow_private_addresses only for tests or internal deployments)"
    )]
    AddressRefused {
        /// The URL whose host resolved there (a redirect target when redirected).
        url: String,
        /// The refused address.
        addr: IpAddr,
        /// Which range it is in.
        why: RefusedRange,
    },
    /// The host name did not resolve.
    #[error("{url}: host name did not resolve: {reason}")]
    Dns {
        /// The URL.
        url: String,
        /// The resolver's message.
        reason: String,
    },
    /// No TCP connection could be made.
    #[error("{url}: could not connect: {reason}")]
    Connect {
        /// The URL.
        url: String,
        /// The system's message.
        reason: String,
    },
    /// The TLS handshake failed (bad certificate, not TLS, …).
    #[error("{url}: tls: {reason}")]
    Tls {
        /// The URL.
        url: String,
        /// The TLS library's message.
        reason: String,
    },
    /// A timeout expired.
    #[error("{url}: timed out after {after:?} ({stage})")]
    Timeout {
        /// The URL.
        url: String,
        /// The configured timeout that expired.
        after: Duration,
        /// Which stage (`"connect"`, `"total"`, …).
        stage: &'static str,
    },
    /// The body is larger than the policy allows.
    #[error("{url}: response body exceeds the limit of {limit} bytes")]
    TooLarge {
        /// The URL.
        url: String,
        /// The limit.
        limit: u64,
    },
    /// More redirects than the policy allows.
    #[error("{url}: more than {limit} redirects (is there a redirect loop?)")]
    TooManyRedirects {
        /// The URL asked for.
        url: String,
        /// The limit.
        limit: u32,
    },
    /// The response media type is not one accepted for this purpose.
    #[error("{url}: {purpose} served as {found:?}, expected one of {expected:?}")]
    UnexpectedContentType {
        /// The final URL.
        url: String,
        /// What was fetched (`"DID document"`, …).
        purpose: &'static str,
        /// The `Content-Type` found (empty when absent).
        found: String,
        /// The media types accepted.
        expected: Vec<String>,
    },
    /// The server answered with a non-success status.
    #[error("{url}: HTTP status {status}")]
    HttpStatus {
        /// The final URL.
        url: String,
        /// The status code.
        status: u16,
    },
    /// The server's answer is not well-formed HTTP.
    #[error("{url}: malformed HTTP response: {reason}")]
    Protocol {
        /// The URL.
        url: String,
        /// Why.
        reason: String,
    },
    /// The body is not JSON (from [`crate::GuardedClient::get_json`] or [`crate::body_to_value`]).
    #[error("{url}: body is not JSON: {reason}")]
    InvalidJson {
        /// The final URL.
        url: String,
        /// The parser's message.
        reason: String,
    },
    /// Reading or writing the snapshot directory failed, or a snapshot file is damaged.
    #[error("{}: snapshot: {reason}", path.display())]
    Snapshot {
        /// The file or directory.
        path: PathBuf,
        /// Why.
        reason: String,
    },
    /// Any other I/O failure while talking to the server.
    #[error("{url}: i/o: {reason}")]
    Io {
        /// The URL.
        url: String,
        /// The system's message.
        reason: String,
    },
}

impl FetchError {
    /// The URL the error is about, if it is about one.
    #[must_use]
    pub fn url(&self) -> Option<&str> {
        match self {
            FetchError::Offline { url, .. }
            | FetchError::OfflinePost { url }
            | FetchError::InvalidUrl { url, .. }
            | FetchError::SchemeRefused { url, .. }
            | FetchError::AddressRefused { url, .. }
            | FetchError::Dns { url, .. }
            | FetchError::Connect { url, .. }
            | FetchError::Tls { url, .. }
            | FetchError::Timeout { url, .. }
            | FetchError::TooLarge { url, .. }
            | FetchError::TooManyRedirects { url, .. }
            | FetchError::UnexpectedContentType { url, .. }
            | FetchError::HttpStatus { url, .. }
            | FetchError::Protocol { url, .. }
            | FetchError::InvalidJson { url, .. }
            | FetchError::Io { url, .. } => Some(url),
            FetchError::Snapshot { .. } => None,
        }
    }

    /// Whether the remote side is unreachable or unwilling (DNS, connect, TLS, timeout, 5xx):
    /// the case where a [`crate::Snapshot`] can tell what was seen before.
    #[must_use]
    pub fn is_unreachable(&self) -> bool {
        match self {
            FetchError::Dns { .. }
            | FetchError::Connect { .. }
            | FetchError::Tls { .. }
            | FetchError::Timeout { .. }
            | FetchError::Io { .. } => true,
            FetchError::HttpStatus { status, .. } => *status >= 500,
            _ => false,
        }
    }
}
