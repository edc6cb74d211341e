//! [`GuardedClient`]: the one way credbridge reaches the network.

use std::collections::HashMap;
use std::fmt;
use std::io::{self, Read as _, Write as _};
use std::net::IpAddr;
use std::sync::{Arc, Mutex, PoisonError};
use std::time::SystemTime;

use serde_json::Value;
use ureq::ResponseExt as _;
use ureq::config::Config;
use ureq::http::Uri;
use ureq::unversioned::resolver::{DefaultResolver, ResolvedSocketAddrs, Resolver};
use ureq::unversioned::transport::{
    ConnectionDetails, Connector, DefaultConnector, Either, NextTimeout, RustlsConnector,
    TcpConnector, Transport, TransportAdapter,
};

use crate::cache::Cache;
use crate::stats::{FetchOutcome, FetchStats};

// Webhook deliveries: a child module, so that it reaches the agent and the guard without
// widening their visibility.
#[path = "post.rs"]
pub(crate) mod post;
// API calls (the Open Badges API consumer): any method, headers both ways, no redirects.
#[path = "send.rs"]
pub(crate) mod send;
use crate::{
    Clock, FetchError, FetchPolicy, Purpose, RefusedRange, Snapshot, SnapshotStore,
    classify_address,
};

/// A successful response: status 2xx, an accepted media type, a body within the limit.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Fetched {
    /// The URL asked for.
    pub url: String,
    /// The URL that answered, after redirects.
    pub final_url: String,
    /// What it was fetched for.
    pub purpose: Purpose,
    /// The HTTP status (2xx).
    pub status: u16,
    /// The `Content-Type` header as sent (empty when absent).
    pub content_type: String,
    /// The body, shared: a cache hit hands out the same bytes without copying them.
    pub body: Arc<[u8]>,
    /// SHA-256 of the body, computed once when it was fetched: callers key verdicts on it
    /// (a status list verified once per body), and hashing a large list per credential would
    /// cost more than the lookup saves.
    pub body_sha256: [u8; 32],
    /// When it was fetched, from the client's [`Clock`]. A cached response keeps the time of
    /// the fetch that filled the cache.
    pub fetched_at: SystemTime,
    /// Whether this came from the in-memory cache.
    pub from_cache: bool,
}

impl Fetched {
    /// SHA-256 of the body, lower-case hex.
    #[must_use]
    pub fn sha256(&self) -> String {
        crate::snapshot::hex(&self.body_sha256)
    }
}

/// The guarded HTTP client: address guard, scheme policy, limits, media-type checks, cache and
/// snapshots. Cheap to share behind an `Arc`; all methods take `&self`.
pub struct GuardedClient {
    policy: FetchPolicy,
    agent: ureq::Agent,
    /// The proxies of [`FetchPolicy::proxy`], built (or why they could not be).
    proxies: Proxies,
    clock: Arc<dyn Clock>,
    cache: Mutex<Cache>,
    /// One gate per (purpose, URL) being fetched: concurrent requests for the same document
    /// wait for the first instead of fetching it again (bulk verification's workers all ask
    /// for the same status list at once; the issuer should see one fetch per run).
    in_flight: Mutex<HashMap<(Purpose, String), Gate>>,
    snapshots: Option<SnapshotStore>,
    stats: FetchStats,
}

/// Held while one document is fetched.
type Gate = Arc<Mutex<()>>;

/// Most gates [`GuardedClient`] keeps for fetches in flight; past it they start over (a
/// document then may be fetched twice, never wrongly).
const MAX_IN_FLIGHT_GATES: usize = 4_096;

impl fmt::Debug for GuardedClient {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("GuardedClient")
            .field("policy", &self.policy)
            .field("snapshots", &self.snapshots)
            .finish_non_exhaustive()
    }
}

impl GuardedClient {
    /// A client under `policy`, taking fetch times from `clock`. Building it touches no network.
    #[must_use]
    pub fn new(policy: FetchPolicy, clock: Arc<dyn Clock>) -> GuardedClient {
        let proxies = Proxies::new(policy.proxy.as_ref());
        let config = Config::builder()
            .http_status_as_error(false)
            .https_only(!policy.allow_http)
            // ureq reads proxy settings from the environment by default; a library must not,
            // and a proxy would resolve names where our address guard cannot see them.
            .proxy(None)
            .max_redirects(policy.max_redirects)
            .max_redirects_will_error(true)
            .redirect_auth_headers(ureq::config::RedirectAuthHeaders::Never)
            .user_agent(policy.user_agent.as_str())
            .timeout_global(Some(policy.timeout_total))
            .timeout_resolve(Some(policy.timeout_connect))
            .timeout_connect(Some(policy.timeout_connect))
            .max_response_header_size(crate::MAX_RESPONSE_HEADER_BYTES)
            .build();
        let resolver = GuardedResolver {
            allow_loopback: policy.dangerous_allow_loopback,
            allow_private: policy.dangerous_allow_private_addresses,
        };
        let agent = if proxies.is_empty() {
            ureq::Agent::with_parts(config, DefaultConnector::default(), resolver)
        } else {
            // ureq's own CONNECT support either lets the proxy resolve the target (where the
            // guard cannot see) or, resolving locally, writes the address with its port twice;
            // this tunnel connects to the proxy and asks for the checked address itself.
            let connector = ()
                .chain(ProxyTunnel {
                    proxies: proxies.usable(),
                    user_agent: policy.user_agent.clone(),
                })
                .chain(TcpConnector::default())
                .chain(RustlsConnector::default());
            ureq::Agent::with_parts(config, connector, resolver)
        };
        GuardedClient {
            policy,
            agent,
            proxies,
            clock,
            cache: Mutex::new(Cache::default()),
            in_flight: Mutex::new(HashMap::new()),
            snapshots: None,
            stats: FetchStats::default(),
        }
    }

    /// Keeps dated snapshots of DID documents, controller documents and status lists in
    /// `store` (see [`Purpose::keeps_snapshots`]).
    #[must_use]
    pub fn with_snapshots(mut self, store: SnapshotStore) -> GuardedClient {
        self.snapshots = Some(store);
        self
    }

    /// The policy in force.
    #[must_use]
    pub fn policy(&self) -> &FetchPolicy {
        &self.policy
    }

    /// How this client's fetches ended so far, by purpose and outcome.
    #[must_use]
    pub fn stats(&self) -> &FetchStats {
        &self.stats
    }

    /// Fetches `url` for `purpose` (HTTP GET), from the cache when a fresh copy is held. A
    /// failure is answered again from memory for up to a minute (see the cache module).
    ///
    /// Fails unless the final response is 2xx with a media type accepted for `purpose` and a
    /// body within [`FetchPolicy::max_body_bytes`]. Every hop's host is resolved and each
    /// address checked (see [`classify_address`]) before connecting, and the connection goes to
    /// exactly the checked addresses.
    pub fn get(&self, url: &str, purpose: Purpose) -> Result<Fetched, FetchError> {
        let result = self.get_uncounted(url, purpose);
        self.stats.record(purpose, FetchOutcome::of(&result));
        result
    }

    fn get_uncounted(&self, url: &str, purpose: Purpose) -> Result<Fetched, FetchError> {
        if self.policy.offline {
            return Err(FetchError::Offline {
                url: url.to_owned(),
                purpose,
            });
        }
        self.check_url(url)?;
        let now = self.clock.now();
        if let Some(answer) = self.remembered(purpose, url, now) {
            return answer;
        }
        // One fetch at a time per document: whoever waited finds the first one's answer in
        // the cache (or its failure, remembered briefly).
        let gate = self.gate(purpose, url);
        let _fetching = gate.lock().unwrap_or_else(PoisonError::into_inner);
        if let Some(answer) = self.remembered(purpose, url, now) {
            return answer;
        }
        let fetched = match self.fetch(url, purpose, now) {
            Ok(fetched) => fetched,
            Err(e) => {
                self.lock_cache().remember_failure(
                    purpose,
                    url,
                    now,
                    &e,
                    self.policy.cache_max_entries,
                );
                return Err(e);
            }
        };
        self.lock_cache().insert(
            &fetched,
            self.policy.cache_max_entries,
            self.policy.cache_max_bytes,
        );
        if purpose.keeps_snapshots()
            && let Some(store) = &self.snapshots
        {
            store.record(&fetched)?;
        }
        Ok(fetched)
    }

    /// Fetches `url` for `purpose` and parses the body as JSON (status lists, OB 2.0
    /// documents, registries).
    pub fn get_json(&self, url: &str, purpose: Purpose) -> Result<(Value, Fetched), FetchError> {
        let fetched = self.get(url, purpose)?;
        let value = serde_json::from_slice(&fetched.body).map_err(|e| FetchError::InvalidJson {
            url: fetched.final_url.clone(),
            reason: e.to_string(),
        })?;
        Ok((value, fetched))
    }

    /// What was last seen at `url`: the newest on-disk snapshot if a [`SnapshotStore`] is set,
    /// otherwise the newest response still in the in-memory cache (fresh or stale).
    pub fn last_snapshot(&self, url: &str) -> Result<Option<Snapshot>, FetchError> {
        if let Some(store) = &self.snapshots
            && let Some(snapshot) = store.last(url)?
        {
            return Ok(Some(snapshot));
        }
        Ok(self.lock_cache().any(url).map(crate::snapshot::snapshot_of))
    }

    /// What the cache holds for `url`: a fresh copy, or a failure still remembered.
    fn remembered(
        &self,
        purpose: Purpose,
        url: &str,
        now: SystemTime,
    ) -> Option<Result<Fetched, FetchError>> {
        let cache = self.lock_cache();
        if let Some(hit) = cache.fresh(purpose, url, now, self.policy.cache_ttl) {
            return Some(Ok(hit));
        }
        cache
            .recent_failure(purpose, url, now, self.policy.cache_ttl)
            .map(Err)
    }

    /// The gate of fetches of `url` for `purpose`.
    fn gate(&self, purpose: Purpose, url: &str) -> Gate {
        let mut gates = self
            .in_flight
            .lock()
            .unwrap_or_else(PoisonError::into_inner);
        if gates.len() >= MAX_IN_FLIGHT_GATES {
            gates.retain(|_, gate| Arc::strong_count(gate) > 1);
            if gates.len() >= MAX_IN_FLIGHT_GATES {
                gates.clear();
            }
        }
        gates.entry((purpose, url.to_owned())).or_default().clone()
    }

    fn lock_cache(&self) -> std::sync::MutexGuard<'_, Cache> {
        // A panic while holding the lock leaves at worst a missing entry; the cache stays usable.
        self.cache.lock().unwrap_or_else(PoisonError::into_inner)
    }

    fn check_url(&self, url: &str) -> Result<(), FetchError> {
        let uri: Uri =
            url.parse()
                .map_err(|e: ureq::http::uri::InvalidUri| FetchError::InvalidUrl {
                    url: url.to_owned(),
                    reason: e.to_string(),
                })?;
        match uri.scheme_str() {
            Some("https") => {}
            Some("http") if self.policy.allow_http => {}
            Some(scheme) => {
                return Err(FetchError::SchemeRefused {
                    url: url.to_owned(),
                    scheme: scheme.to_owned(),
                    hint: SCHEME_HINT,
                });
            }
            None => {
                return Err(FetchError::InvalidUrl {
                    url: url.to_owned(),
                    reason: "not an absolute URL (no scheme)".into(),
                });
            }
        }
        if uri.host().is_none_or(str::is_empty) {
            return Err(FetchError::InvalidUrl {
                url: url.to_owned(),
                reason: "no host".into(),
            });
        }
        Ok(())
    }

    fn fetch(&self, url: &str, purpose: Purpose, now: SystemTime) -> Result<Fetched, FetchError> {
        let accepted = self.policy.content_types(purpose);
        self.proxies.check(url)?;
        let response = self
            .agent
            .get(url)
            .header("Accept", accepted.join(", "))
            .call()
            .map_err(|e| self.map_error(url, e))?;
        let final_url = response.get_uri().to_string();
        let status = response.status().as_u16();
        if !response.status().is_success() {
            return Err(FetchError::HttpStatus {
                url: final_url,
                status,
            });
        }
        let content_type = response
            .headers()
            .get(ureq::http::header::CONTENT_TYPE)
            .and_then(|v| v.to_str().ok())
            .unwrap_or_default()
            .to_owned();
        if !self.policy.accepts_content_type(purpose, &content_type) {
            return Err(FetchError::UnexpectedContentType {
                url: final_url,
                purpose: purpose.name(),
                found: content_type,
                expected: accepted,
            });
        }
        let limit = self.policy.max_body_bytes;
        let mut body = response.into_body();
        // Refuse early when the server announces too much; the streaming limit below still
        // holds for chunked or lying responses.
        if body.content_length().is_some_and(|len| len > limit) {
            return Err(FetchError::TooLarge {
                url: final_url,
                limit,
            });
        }
        let body = body
            .with_config()
            .limit(limit)
            .read_to_vec()
            .map_err(|e| self.map_error(&final_url, e))?;
        Ok(Fetched {
            url: url.to_owned(),
            final_url,
            purpose,
            status,
            content_type,
            body_sha256: crate::snapshot::sha256(&body),
            body: body.into(),
            fetched_at: now,
            from_cache: false,
        })
    }

    fn map_error(&self, url: &str, err: ureq::Error) -> FetchError {
        let url = url.to_owned();
        match err {
            ureq::Error::Io(io) => self.map_io_error(url, io),
            ureq::Error::Timeout(which) => {
                let (stage, after) = match which {
                    ureq::Timeout::Resolve | ureq::Timeout::Connect => {
                        ("connect", self.policy.timeout_connect)
                    }
                    _ => ("total", self.policy.timeout_total),
                };
                FetchError::Timeout { url, after, stage }
            }
            ureq::Error::HostNotFound => FetchError::Dns {
                url,
                reason: "no address found".into(),
            },
            ureq::Error::ConnectionFailed => FetchError::Connect {
                url,
                reason: "connection failed".into(),
            },
            ureq::Error::BodyExceedsLimit(_) => FetchError::TooLarge {
                url,
                limit: self.policy.max_body_bytes,
            },
            ureq::Error::TooManyRedirects => FetchError::TooManyRedirects {
                url,
                limit: self.policy.max_redirects,
            },
            ureq::Error::RequireHttpsOnly(target) => FetchError::SchemeRefused {
                url: target,
                scheme: "http".into(),
                hint: SCHEME_HINT,
            },
            ureq::Error::BadUri(reason) => FetchError::InvalidUrl { url, reason },
            ureq::Error::Http(e) => FetchError::InvalidUrl {
                url,
                reason: e.to_string(),
            },
            ureq::Error::StatusCode(status) => FetchError::HttpStatus { url, status },
            ureq::Error::Protocol(e) => FetchError::Protocol {
                url,
                reason: e.to_string(),
            },
            ureq::Error::ConnectProxyFailed(reason) => FetchError::Connect {
                url,
                reason: format!("through the proxy: {reason}"),
            },
            ureq::Error::RedirectFailed => FetchError::Protocol {
                url,
                reason: "redirect without a usable Location header".into(),
            },
            ureq::Error::Tls(reason) => FetchError::Tls {
                url,
                reason: reason.to_owned(),
            },
            ureq::Error::Rustls(e) => FetchError::Tls {
                url,
                reason: e.to_string(),
            },
            other => FetchError::Io {
                url,
                reason: other.to_string(),
            },
        }
    }

    fn map_io_error(&self, url: String, io: io::Error) -> FetchError {
        if let Some(guard) = io.get_ref().and_then(|e| e.downcast_ref::<GuardFailure>()) {
            return match guard.clone() {
                GuardFailure::Refused { url, addr, why } => {
                    FetchError::AddressRefused { url, addr, why }
                }
                GuardFailure::Dns { url, reason } => FetchError::Dns { url, reason },
            };
        }
        if let Some(tls) = io.get_ref().and_then(|e| e.downcast_ref::<rustls::Error>()) {
            return FetchError::Tls {
                url,
                reason: tls.to_string(),
            };
        }
        let reason = io.to_string();
        match io.kind() {
            io::ErrorKind::TimedOut | io::ErrorKind::WouldBlock => FetchError::Timeout {
                url,
                after: self.policy.timeout_total,
                stage: "total",
            },
            io::ErrorKind::ConnectionRefused
            | io::ErrorKind::ConnectionReset
            | io::ErrorKind::ConnectionAborted
            | io::ErrorKind::NotConnected
            | io::ErrorKind::AddrNotAvailable
            | io::ErrorKind::HostUnreachable
            | io::ErrorKind::NetworkUnreachable => FetchError::Connect { url, reason },
            io::ErrorKind::UnexpectedEof => FetchError::Protocol {
                url,
                reason: "the server closed the connection before a complete response".into(),
            },
            _ => FetchError::Io { url, reason },
        }
    }
}

const SCHEME_HINT: &str = ", or http with allow_http";

/// Why the resolver refused, carried through ureq inside an `io::Error`.
#[derive(Debug, Clone)]
enum GuardFailure {
    Refused {
        url: String,
        addr: IpAddr,
        why: RefusedRange,
    },
    Dns {
        url: String,
        reason: String,
    },
}

impl fmt::Display for GuardFailure {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            GuardFailure::Refused { url, addr, why } => write!(f, "{url}: refused {addr}: {why}"),
            GuardFailure::Dns { url, reason } => write!(f, "{url}: {reason}"),
        }
    }
}

impl std::error::Error for GuardFailure {}

/// One usable proxy: where it is, and the credentials its URL carried.
#[derive(Debug, Clone)]
struct Proxy {
    uri: Uri,
    /// `Proxy-Authorization` value (Basic) when the URL has `user:password@`.
    authorization: Option<String>,
}

/// The proxies of a [`crate::ProxyConfig`], parsed once, per scheme of the target.
#[derive(Debug, Clone, Default)]
struct Proxies {
    https: Option<Result<Proxy, String>>,
    http: Option<Result<Proxy, String>>,
    no_proxy: Vec<String>,
}

impl Proxies {
    fn new(config: Option<&crate::ProxyConfig>) -> Proxies {
        let Some(config) = config else {
            return Proxies::default();
        };
        Proxies {
            https: config.https.as_deref().map(parse_proxy),
            http: config.http.as_deref().map(parse_proxy),
            no_proxy: config
                .no_proxy
                .iter()
                .map(|e| e.to_ascii_lowercase())
                .collect(),
        }
    }

    fn is_empty(&self) -> bool {
        self.https.is_none() && self.http.is_none()
    }

    /// The same, without the settings that could not be used (they fail in [`Proxies::check`]).
    fn usable(&self) -> Proxies {
        let keep = |p: &Option<Result<Proxy, String>>| p.clone().filter(Result::is_ok);
        Proxies {
            https: keep(&self.https),
            http: keep(&self.http),
            no_proxy: self.no_proxy.clone(),
        }
    }

    /// Fails when `url`'s scheme has a proxy setting that cannot be used (a SOCKS or malformed
    /// URL): silently connecting directly would ignore what the operator asked for.
    fn check(&self, url: &str) -> Result<(), FetchError> {
        let https = url
            .get(..6)
            .is_some_and(|s| s.eq_ignore_ascii_case("https:"));
        let chosen = if https { &self.https } else { &self.http };
        match chosen {
            Some(Err(reason)) => Err(FetchError::Connect {
                url: url.to_owned(),
                reason: format!("the proxy setting is unusable: {reason}"),
            }),
            _ => Ok(()),
        }
    }

    /// The proxy for a target, unless `NO_PROXY` names its host.
    fn for_uri(&self, uri: &Uri) -> Option<&Proxy> {
        let chosen = if uri.scheme_str() == Some("https") {
            &self.https
        } else {
            &self.http
        };
        let proxy = chosen.as_ref()?.as_ref().ok()?;
        let host = uri
            .host()?
            .trim_start_matches('[')
            .trim_end_matches(']')
            .to_ascii_lowercase();
        let bypass = self.no_proxy.iter().any(|entry| {
            let entry = entry.trim_start_matches('*');
            entry == host || (entry.starts_with('.') && host.ends_with(entry)) || entry.is_empty()
        });
        (!bypass).then_some(proxy)
    }
}

/// Reads a proxy URL: `http://[user:password@]host[:port]` (port 80 by default).
fn parse_proxy(url: &str) -> Result<Proxy, String> {
    let uri: Uri = url.parse().map_err(|e| format!("{url:?}: {e}"))?;
    match uri.scheme_str() {
        Some("http") => {}
        Some(other) => {
            return Err(format!(
                "{other}:// proxies are not supported, only http:// (CONNECT)"
            ));
        }
        None => return Err(format!("{url:?}: no scheme (http://host:port)")),
    }
    let authority = uri.authority().ok_or_else(|| format!("{url:?}: no host"))?;
    let authorization = authority.as_str().rsplit_once('@').map(|(userinfo, _)| {
        use base64::Engine as _;
        format!(
            "Basic {}",
            base64::engine::general_purpose::STANDARD.encode(userinfo)
        )
    });
    let host_port = match authority.port_u16() {
        Some(port) => format!("{}:{port}", authority.host()),
        None => format!("{}:80", authority.host()),
    };
    let uri = format!("http://{host_port}/")
        .parse()
        .map_err(|e| format!("{url:?}: {e}"))?;
    Ok(Proxy { uri, authorization })
}

/// Most bytes of a proxy's answer to `CONNECT` read before giving up on it.
const MAX_CONNECT_RESPONSE_BYTES: usize = 8 * 1024;

/// A connector that opens a `CONNECT` tunnel through the configured proxy to the target's
/// first *checked* address (the guarded resolver has already resolved and checked the target
/// by the time a connector runs), then hands the tunnel to TLS. The proxy's own address is
/// resolved with the system resolver and not guarded: it is the operator's choice.
#[derive(Debug)]
struct ProxyTunnel {
    proxies: Proxies,
    user_agent: String,
}

impl<In: Transport> Connector<In> for ProxyTunnel {
    type Out = Either<In, Box<dyn Transport>>;

    fn connect(
        &self,
        details: &ConnectionDetails,
        chained: Option<In>,
    ) -> Result<Option<Self::Out>, ureq::Error> {
        if let Some(transport) = chained {
            return Ok(Some(Either::A(transport)));
        }
        let Some(proxy) = self.proxies.for_uri(details.uri) else {
            return Ok(None);
        };
        let Some(target) = details.addrs.iter().next().copied() else {
            return Err(ureq::Error::HostNotFound);
        };
        let proxy_addrs =
            DefaultResolver::default().resolve(&proxy.uri, details.config, details.timeout)?;
        let proxy_details = ConnectionDetails {
            uri: &proxy.uri,
            addrs: proxy_addrs,
            config: details.config,
            request_level: details.request_level,
            resolver: details.resolver,
            now: details.now,
            timeout: details.timeout,
            current_time: details.current_time.clone(),
            run_connector: details.run_connector.clone(),
            register_shutdown: details.register_shutdown.clone(),
        };
        let transport = match TcpConnector::default().connect(&proxy_details, None::<()>)? {
            Some(Either::B(tcp)) => tcp.boxed(),
            _ => return Err(ureq::Error::ConnectionFailed),
        };
        let mut tunnel = TransportAdapter::new(transport, details.current_time.clone());
        tunnel.set_timeout(details.timeout);
        let mut request = format!(
            "CONNECT {target} HTTP/1.1\r\nHost: {target}\r\nUser-Agent: {}\r\n",
            self.user_agent
        );
        if let Some(authorization) = &proxy.authorization {
            request.push_str(&format!("Proxy-Authorization: {authorization}\r\n"));
        }
        request.push_str("\r\n");
        tunnel.write_all(request.as_bytes())?;
        tunnel.flush()?;
        // Read the answer byte by byte up to its blank line, so that nothing of the tunnel
        // that follows is consumed here.
        let mut head = Vec::new();
        let mut byte = [0u8; 1];
        while !head.ends_with(b"\r\n\r\n") {
            if head.len() >= MAX_CONNECT_RESPONSE_BYTES || tunnel.read(&mut byte)? == 0 {
                return Err(ureq::Error::ConnectProxyFailed(
                    "the proxy closed the connection or sent no complete answer".into(),
                ));
            }
            head.extend_from_slice(&byte);
        }
        let status_line = head
            .split(|&b| b == b'\r')
            .next()
            .map(|line| String::from_utf8_lossy(line).into_owned())
            .unwrap_or_default();
        let ok = status_line
            .split(' ')
            .nth(1)
            .is_some_and(|code| code.len() == 3 && code.starts_with('2'));
        if !(status_line.starts_with("HTTP/1.") && ok) {
            return Err(ureq::Error::ConnectProxyFailed(format!(
                "the proxy answered {status_line:?} to CONNECT {target}"
            )));
        }
        Ok(Some(Either::B(tunnel.into_inner())))
    }
}

/// Resolves with the system resolver, then refuses the whole answer if any address is not
/// allowed. ureq connects only to the addresses a resolver returns, so what is checked is what
/// is dialled: a second lookup (DNS rebinding) cannot slip in between. It runs for every hop,
/// so redirects are checked too. Refusing the whole answer (rather than filtering it) keeps a
/// host with one public and one private address from being half-trusted.
#[derive(Debug)]
struct GuardedResolver {
    allow_loopback: bool,
    allow_private: bool,
}

impl Resolver for GuardedResolver {
    fn resolve(
        &self,
        uri: &Uri,
        config: &Config,
        timeout: NextTimeout,
    ) -> Result<ResolvedSocketAddrs, ureq::Error> {
        let addrs = match DefaultResolver::default().resolve(uri, config, timeout) {
            Ok(addrs) => addrs,
            Err(e @ (ureq::Error::Timeout(_) | ureq::Error::BadUri(_))) => return Err(e),
            Err(e) => {
                return Err(guard_error(GuardFailure::Dns {
                    url: uri.to_string(),
                    reason: e.to_string(),
                }));
            }
        };
        for addr in addrs.iter() {
            if let Some(why) = classify_address(addr.ip()) {
                let allowed =
                    self.allow_private || (self.allow_loopback && why.class.is_loopback());
                if !allowed {
                    return Err(guard_error(GuardFailure::Refused {
                        url: uri.to_string(),
                        addr: addr.ip(),
                        why,
                    }));
                }
            }
        }
        Ok(addrs)
    }
}

fn guard_error(failure: GuardFailure) -> ureq::Error {
    ureq::Error::Io(io::Error::other(failure))
}
