//! [`FetchPolicy`]: every limit and permission of the guarded client, and [`Purpose`]: what a
//! fetch is for, which decides the media types accepted and whether a snapshot is kept.

use std::collections::BTreeMap;
use std::time::Duration;

/// Default time to resolve a host and establish TCP + TLS.
pub const DEFAULT_TIMEOUT_CONNECT: Duration = Duration::from_secs(5);
/// Default time for a whole fetch: every redirect hop and the body.
pub const DEFAULT_TIMEOUT_TOTAL: Duration = Duration::from_secs(10);
/// Default largest response body. A Bitstring Status List of 131,072 entries (the spec's
/// minimum for herd privacy) is a 16 KiB bitstring before compression; DID documents are a few KiB. 2 MiB leaves
/// room for large lists without letting a host stream us gigabytes.
pub const DEFAULT_MAX_BODY_BYTES: u64 = 2 * 1024 * 1024;
/// Default most redirects followed for one fetch.
pub const DEFAULT_MAX_REDIRECTS: u32 = 3;
/// Default most responses held in the in-memory cache.
pub const DEFAULT_CACHE_MAX_ENTRIES: usize = 256;
/// Default most body bytes held in the in-memory cache (all entries together).
pub const DEFAULT_CACHE_MAX_BYTES: usize = 32 * 1024 * 1024;
/// Default time a cached response is served without fetching again.
pub const DEFAULT_CACHE_TTL: Duration = Duration::from_secs(300);
/// Largest response header block accepted.
pub const MAX_RESPONSE_HEADER_BYTES: usize = 64 * 1024;
/// The default `User-Agent`.
pub const DEFAULT_USER_AGENT: &str = concat!(
    "credbridge/",
    env!("CARGO_PKG_VERSION"),
    " (+https://github.com/credbridge/credbridge)"
);

pub use credbridge_keys::Purpose;

/// Every limit and permission of a [`crate::GuardedClient`]. Start from
/// [`FetchPolicy::default`] (strict) and change fields; anything that weakens a check is named
/// `allow_*` / `dangerous_*`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FetchPolicy {
    /// Time to resolve a host and establish TCP + TLS.
    pub timeout_connect: Duration,
    /// Time for the whole fetch, every redirect hop and the body included.
    pub timeout_total: Duration,
    /// Largest body read; enforced while streaming.
    pub max_body_bytes: u64,
    /// Most redirects followed.
    pub max_redirects: u32,
    /// Media types accepted per purpose (essence, lower case). A purpose not in the map uses
    /// [`Purpose::default_content_types`].
    pub allowed_content_types: BTreeMap<Purpose, Vec<String>>,
    /// Allows `http://` URLs (and redirects to them). Off by default: DID documents and status
    /// lists must come over TLS.
    pub allow_http: bool,
    /// Allows connecting to loopback addresses (`127.0.0.0/8`, `::1`), for tests against a local
    /// server. Every other non-public range stays refused.
    pub dangerous_allow_loopback: bool,
    /// Allows connecting to every non-public address (private, link-local, CGNAT, …). Only for a
    /// deployment that deliberately resolves credentials inside its own network.
    pub dangerous_allow_private_addresses: bool,
    /// The `User-Agent` header.
    pub user_agent: String,
    /// When true, every fetch fails with [`crate::FetchError::Offline`] without touching the
    /// network.
    pub offline: bool,
    /// Most responses held in the in-memory cache; 0 turns the cache off.
    pub cache_max_entries: usize,
    /// Most body bytes the in-memory cache holds in all.
    pub cache_max_bytes: usize,
    /// How long a cached response is served without fetching again.
    pub cache_ttl: Duration,
    /// Outbound proxies (`HTTPS_PROXY` / `HTTP_PROXY` / `NO_PROXY`, see
    /// [`ProxyConfig::from_env`]); `None` connects directly. The address guard still applies to
    /// the target: its name is resolved and checked here, and the proxy is asked to connect to
    /// the checked address, never to the name.
    pub proxy: Option<ProxyConfig>,
}

/// Outbound HTTP proxies, as the conventional environment variables describe them. Only
/// `http://` proxies speaking `CONNECT` are supported (SOCKS is refused when the client is
/// built, with the reason on every fetch).
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct ProxyConfig {
    /// The proxy for `https://` URLs (`HTTPS_PROXY`, `https_proxy`).
    pub https: Option<String>,
    /// The proxy for `http://` URLs (`HTTP_PROXY`, `http_proxy`).
    pub http: Option<String>,
    /// Hosts reached without the proxy (`NO_PROXY`, `no_proxy`, comma-separated): an exact
    /// name, `.example.org` or `*.example.org` for its subdomains, or `*` for every host.
    pub no_proxy: Vec<String>,
}

impl ProxyConfig {
    /// Reads `HTTPS_PROXY`, `HTTP_PROXY` and `NO_PROXY` (each also in lower case, the upper
    /// case first) through `var`, so the caller decides where the environment comes from (the
    /// library reads none itself). `None` when neither proxy is set.
    #[must_use]
    pub fn from_env(var: impl Fn(&str) -> Option<String>) -> Option<ProxyConfig> {
        let get = |name: &str| {
            var(name)
                .or_else(|| var(&name.to_ascii_lowercase()))
                .map(|v| v.trim().to_owned())
                .filter(|v| !v.is_empty())
        };
        let https = get("HTTPS_PROXY");
        let http = get("HTTP_PROXY");
        if https.is_none() && http.is_none() {
            return None;
        }
        let no_proxy = get("NO_PROXY")
            .map(|list| {
                list.split(',')
                    .map(str::trim)
                    .filter(|e| !e.is_empty())
                    .map(str::to_owned)
                    .collect()
            })
            .unwrap_or_default();
        Some(ProxyConfig {
            https,
            http,
            no_proxy,
        })
    }
}

impl Default for FetchPolicy {
    fn default() -> FetchPolicy {
        FetchPolicy {
            timeout_connect: DEFAULT_TIMEOUT_CONNECT,
            timeout_total: DEFAULT_TIMEOUT_TOTAL,
            max_body_bytes: DEFAULT_MAX_BODY_BYTES,
            max_redirects: DEFAULT_MAX_REDIRECTS,
            allowed_content_types: BTreeMap::new(),
            allow_http: false,
            dangerous_allow_loopback: false,
            dangerous_allow_private_addresses: false,
            user_agent: DEFAULT_USER_AGENT.to_owned(),
            offline: false,
            cache_max_entries: DEFAULT_CACHE_MAX_ENTRIES,
            cache_max_bytes: DEFAULT_CACHE_MAX_BYTES,
            cache_ttl: DEFAULT_CACHE_TTL,
            proxy: None,
        }
    }
}

impl FetchPolicy {
    /// A policy that never touches the network (`--offline`).
    #[must_use]
    pub fn offline() -> FetchPolicy {
        FetchPolicy {
            offline: true,
            ..FetchPolicy::default()
        }
    }

    /// The default policy plus plain `http://` and loopback addresses: for tests against a
    /// server on `127.0.0.1`. Never use it for real credentials.
    #[must_use]
    pub fn dangerous_loopback_for_tests() -> FetchPolicy {
        FetchPolicy {
            allow_http: true,
            dangerous_allow_loopback: true,
            ..FetchPolicy::default()
        }
    }

    /// Replaces the media types accepted for `purpose`.
    #[must_use]
    pub fn with_content_types(mut self, purpose: Purpose, types: &[&str]) -> FetchPolicy {
        self.allowed_content_types.insert(
            purpose,
            types.iter().map(|t| t.to_ascii_lowercase()).collect(),
        );
        self
    }

    /// The media types accepted for `purpose`.
    #[must_use]
    pub fn content_types(&self, purpose: Purpose) -> Vec<String> {
        match self.allowed_content_types.get(&purpose) {
            Some(types) => types.clone(),
            None => purpose
                .default_content_types()
                .iter()
                .map(|t| (*t).to_owned())
                .collect(),
        }
    }

    /// Whether a response `Content-Type` header value is accepted for `purpose`: its essence
    /// (before any `;` parameter), compared without case, must be in the list.
    #[must_use]
    pub fn accepts_content_type(&self, purpose: Purpose, header: &str) -> bool {
        let essence = media_type_essence(header);
        match self.allowed_content_types.get(&purpose) {
            Some(types) => types.contains(&essence),
            None => purpose.default_content_types().contains(&essence.as_str()),
        }
    }
}

/// The essence of a media type (RFC 9110 §8.3.1): type/subtype, trimmed, lower case, without
/// parameters.
#[must_use]
pub fn media_type_essence(header: &str) -> String {
    header
        .split(';')
        .next()
        .unwrap_or_default()
        .trim()
        .to_ascii_lowercase()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn essence_ignores_parameters_and_case() {
        assert_eq!(
            media_type_essence("Application/DID+JSON; charset=utf-8"),
            "application/did+json"
        );
        assert_eq!(media_type_essence(""), "");
    }

    #[test]
    fn content_types_per_purpose() {
        let policy = FetchPolicy::default();
        assert!(policy.accepts_content_type(Purpose::DidDocument, "application/did+json"));
        assert!(!policy.accepts_content_type(Purpose::DidDocument, "text/html"));
        assert!(!policy.accepts_content_type(Purpose::DidDocument, "text/plain"));
        assert!(policy.accepts_content_type(Purpose::StatusList, "text/plain; charset=us-ascii"));
        let narrowed = policy.with_content_types(Purpose::DidDocument, &["application/did+json"]);
        assert!(!narrowed.accepts_content_type(Purpose::DidDocument, "application/json"));
        assert!(narrowed.accepts_content_type(Purpose::StatusList, "application/json"));
    }

    #[test]
    fn defaults_are_strict() {
        let policy = FetchPolicy::default();
        assert!(!policy.allow_http);
        assert!(!policy.dangerous_allow_loopback);
        assert!(!policy.dangerous_allow_private_addresses);
        assert!(!policy.offline);
        assert!(FetchPolicy::offline().offline);
        assert_eq!(policy.proxy, None);
    }

    #[test]
    fn proxies_from_the_environment_upper_case_first() {
        let env = |pairs: &'static [(&'static str, &'static str)]| {
            move |name: &str| {
                pairs
                    .iter()
                    .find(|(k, _)| *k == name)
                    .map(|(_, v)| (*v).to_owned())
            }
        };
        assert_eq!(ProxyConfig::from_env(env(&[("NO_PROXY", "a")])), None);
        let proxy = ProxyConfig::from_env(env(&[
            ("HTTPS_PROXY", "http://proxy:3128"),
            ("https_proxy", "http://other:1"),
            ("http_proxy", "http://plain:8080"),
            ("no_proxy", " localhost, .internal.example ,,"),
        ]))
        .unwrap();
        assert_eq!(proxy.https.as_deref(), Some("http://proxy:3128"));
        assert_eq!(proxy.http.as_deref(), Some("http://plain:8080"));
        assert_eq!(proxy.no_proxy, ["localhost", ".internal.example"]);
    }
}
