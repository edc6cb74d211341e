//! The one guarded HTTP client of credbridge, with its cache and dated snapshots. Every
//! outbound request — webhook deliveries, did:web DID documents, https controller documents and key documents,
//! status-list credentials, OB 2.0 hosted assertions and BadgeClass/Issuer documents, issuer
//! registries — goes through [`GuardedClient`], which refuses non-public addresses, enforces
//! the scheme policy, timeouts, redirect and size limits and per-purpose media types. The
//! crate also implements the keys crate's [`credbridge_keys::Resolver`] for did:web and https
//! verification methods.
//!
//! **Not here:** verdicts and reports (`credbridge-verify` decides what a fetched status list or
//! a missing host means), parsing credentials (`credbridge-model`), DID-document parsing and
//! the did:web → URL mapping (`credbridge-keys`, reused here), JSON-LD contexts (bundled in
//! `credbridge-jsonld`; contexts are never fetched).
//!
//! # Main types
//! - [`GuardedClient`]: `get(url, purpose)` → [`Fetched`], `get_json(url, purpose)` →
//!   `(serde_json::Value, Fetched)`, `last_snapshot(url)` → [`Snapshot`]; `post(url, …)` →
//!   [`Posted`] for webhook deliveries (same guard, no redirects, the answer's size bounded).
//! - [`FetchPolicy`]: timeouts, body and redirect limits, media types per [`Purpose`],
//!   `allow_http`, `dangerous_allow_loopback`, `dangerous_allow_private_addresses`, `offline`,
//!   cache bounds. [`FetchError`] names the URL and the defect.
//! - [`SnapshotStore`]: an explicit directory of dated snapshots (`url`, `fetched_at`,
//!   `sha256`, `body`) of DID documents, controller documents and status lists.
//! - [`classify_address`]: the address guard's table.
//! - [`FetchStats`] ([`GuardedClient::stats`]): how fetches ended, counted by purpose and
//!   [`FetchOutcome`] (ok, cache hit, offline, refused, timeout, HTTP error, too large, other).
//! - [`DidWebResolver`], [`HttpsControllerResolver`]: [`credbridge_keys::Resolver`]s.
//! - [`Clock`] ([`SystemClock`], [`FixedClock`]): where `fetched_at` comes from.
//! - The keys crate's document seam [`DocumentSource`] (re-exported with [`SourcedDocument`],
//!   [`SourcedBody`], [`SourceError`], [`Purpose`] and [`Snapshot`]): implemented here by
//!   [`GuardedClient`], by [`OfflineDocuments`] (URL → local file, each read and hashed once)
//!   and by [`FirstOf`] (several in order); [`source_error`] maps a [`FetchError`] onto it.
//!
//! # Example
//! ```
//! use std::sync::Arc;
//! use credbridge_fetch::{AddressClass, FetchError, FetchPolicy, FixedClock, GuardedClient,
//!     Purpose, classify_address};
//!
//! // --offline: nothing is sent, and the error says why.
//! let client = GuardedClient::new(FetchPolicy::offline(), Arc::new(FixedClock(std::time::UNIX_EPOCH)));
//! let err = client.get("https://issuer.example/status/1", Purpose::StatusList).unwrap_err();
//! assert!(matches!(err, FetchError::Offline { .. }));
//!
//! // The address guard: cloud metadata and IPv4-mapped loopback are refused.
//! let metadata = classify_address("169.254.169.254".parse()?).map(|r| r.class);
//! assert_eq!(metadata, Some(AddressClass::LinkLocal));
//! let mapped = classify_address("::ffff:127.0.0.1".parse()?).map(|r| r.class);
//! assert_eq!(mapped, Some(AddressClass::Loopback));
//! assert_eq!(classify_address("8.8.8.8".parse()?), None);
//! # Ok::<(), Box<dyn std::error::Error>>(())
//! ```
//!
//! # Design decisions
//! - **ureq 3, blocking, rustls + ring, webpki roots.** Verification is a batch job that makes
//!   a handful of requests, so an async runtime buys nothing; ureq has no tokio/hyper/tower
//!   tree, and ring avoids aws-lc-sys (a 46 s C build, see the research notes). Its
//!   `Resolver` hook is what makes the address guard sound: ureq dials exactly the addresses
//!   the resolver returns, so the addresses checked are the addresses connected to (no DNS
//!   rebinding window), and the hook runs again on every redirect hop. Measured cold build of
//!   this crate with all dependencies (keys' crypto included): 52 s wall on 2 cores; the
//!   ureq/rustls/ring part is about 33 s of that. The `Resolver`/`Connector` API is in ureq's
//!   `unversioned` module, which may change in minor releases, so the dependency is pinned to
//!   `~3.5`.
//! - **The whole answer is refused if any address is non-public**, rather than filtering:
//!   a name resolving to both a public and a private address is an attack, not a
//!   misconfiguration. IPv4-mapped, NAT64 and 6to4 IPv6 addresses are judged by the IPv4
//!   address they carry.
//! - **Strict by default.** https only, no loopback, no private ranges, no `Authorization`
//!   forwarded on redirect. Weakening is spelled `allow_http`, `dangerous_allow_loopback`,
//!   `dangerous_allow_private_addresses`.
//! - **Proxies keep the guard.** ureq's own reading of `HTTPS_PROXY` is off (a library does
//!   not read the environment); the caller passes a [`ProxyConfig`] (the CLI and server build
//!   it from `HTTPS_PROXY` / `HTTP_PROXY` / `NO_PROXY`). A proxy would normally resolve the
//!   target's name where the guard cannot see it, so the target is resolved here, every
//!   address checked, and the proxy is sent `CONNECT <checked address>:<port>`: the proxy
//!   cannot be used to reach an address the guard refuses. The tunnel is our own small
//!   connector (ureq's, resolving locally, writes the address with its port twice). The
//!   proxy's own address is the operator's choice and is not checked (a proxy on a private
//!   address is normal); a target that names the proxy's address is checked like any other.
//!   Only `http://` proxies (`CONNECT`, optional Basic credentials) are supported; a SOCKS
//!   setting fails every fetch it applies to rather than being ignored.
//! - **Limits hold while streaming.** A `Content-Length` over the limit fails before reading;
//!   a chunked or lying body fails as soon as it passes the limit. The media type is checked
//!   before the body is read.
//! - **Snapshots are explicit.** Only a [`SnapshotStore`] the caller opened is written to;
//!   each file holds its own SHA-256, checked on read, so a damaged or edited snapshot is
//!   reported rather than believed.
#![forbid(unsafe_code)]
#![deny(missing_docs)]

mod address;
mod cache;
mod client;
mod clock;
mod did_web;
mod error;
mod https_controller;
mod loopback;
mod policy;
mod snapshot;
mod source;
mod stats;

pub use address::{AddressClass, RefusedRange, classify_address};
pub use client::post::{MAX_POST_RESPONSE_BYTES, Posted};
pub use client::send::{MAX_API_RESPONSE_BYTES, Sent};
pub use client::{Fetched, GuardedClient};
pub use clock::{Clock, FixedClock, SystemClock};
pub use credbridge_keys::{
    DocumentSource, SourceError, SourcedBody, SourcedDocument, body_to_value,
};
pub use did_web::DidWebResolver;
pub use error::FetchError;
pub use https_controller::HttpsControllerResolver;
pub use loopback::{LoopbackError, LoopbackRedirect, MAX_REDIRECT_REQUEST_LINE};
pub use policy::{
    DEFAULT_CACHE_MAX_BYTES, DEFAULT_CACHE_MAX_ENTRIES, DEFAULT_CACHE_TTL, DEFAULT_MAX_BODY_BYTES,
    DEFAULT_MAX_REDIRECTS, DEFAULT_TIMEOUT_CONNECT, DEFAULT_TIMEOUT_TOTAL, DEFAULT_USER_AGENT,
    FetchPolicy, MAX_RESPONSE_HEADER_BYTES, ProxyConfig, Purpose, media_type_essence,
};
pub use snapshot::{
    MAX_SNAPSHOT_BODY_BYTES, MAX_SNAPSHOT_FILE_BYTES, MAX_SNAPSHOTS_PER_URL, Snapshot,
    SnapshotStore, sha256, sha256_hex,
};
pub use source::{FirstOf, MAX_OFFLINE_DOCUMENT_BYTES, OfflineDocuments, source_error};
pub use stats::{FetchOutcome, FetchStats, purpose_label};

use credbridge_keys::ResolveError;

/// Turns a fetch failure into the keys crate's resolution error for `id`.
///
/// - 404 / 410 → [`ResolveError::NotFound`]: the host is up and has no such document. A
///   verifier reports that as "could not check", not as an invalid proof: the issuer may have
///   moved or withdrawn the document since issuance.
/// - A body that is not JSON → [`ResolveError::Document`]: the host served something that is
///   not a DID or controller document.
/// - Everything else (offline, scheme or address refused, DNS, connect, TLS, timeouts, other
///   statuses, media type, size and redirect limits, snapshot errors) →
///   [`ResolveError::Fetch`]: an environment failure; its reason is the fetch error's message,
///   which names the URL.
pub fn resolve_error(id: &str, err: FetchError) -> ResolveError {
    match err {
        FetchError::HttpStatus {
            status: 404 | 410, ..
        } => ResolveError::NotFound { id: id.to_owned() },
        FetchError::InvalidJson { url, reason } => ResolveError::Document {
            id: id.to_owned(),
            reason: format!("{url}: body is not JSON: {reason}"),
        },
        other => ResolveError::Fetch {
            id: id.to_owned(),
            reason: other.to_string(),
        },
    }
}

/// Entry points for fuzzers and property tests: each takes arbitrary bytes and must never
/// panic.
#[doc(hidden)]
pub mod fuzzing {
    use std::net::{IpAddr, Ipv4Addr, Ipv6Addr};

    /// Reads `data` as a snapshot file.
    pub fn parse_snapshot(data: &[u8]) {
        let _ = crate::snapshot::parse_snapshot(data);
    }

    /// Classifies the IPv4 and IPv6 addresses spelled by the first 4 / 16 bytes of `data`, and
    /// `data` as address text.
    pub fn classify_address(data: &[u8]) {
        let mut v6 = [0u8; 16];
        for (slot, byte) in v6.iter_mut().zip(data) {
            *slot = *byte;
        }
        let [a, b, c, d, ..] = v6;
        let v4 = [a, b, c, d];
        let _ = crate::classify_address(IpAddr::V4(Ipv4Addr::from(v4)));
        let _ = crate::classify_address(IpAddr::V6(Ipv6Addr::from(v6)));
        if let Ok(ip) = String::from_utf8_lossy(data).parse::<IpAddr>() {
            let _ = crate::classify_address(ip);
        }
    }

    /// Checks `data` as a `Content-Type` header against every purpose's defaults.
    pub fn content_type(data: &[u8]) {
        let policy = crate::FetchPolicy::default();
        let header = String::from_utf8_lossy(data);
        for purpose in crate::Purpose::ALL {
            let _ = policy.accepts_content_type(purpose, &header);
        }
    }
}
