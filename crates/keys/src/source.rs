//! The document seam: how a verifier asks for a document by URL (status lists, OB 2.0 hosted
//! assertions, BadgeClass and Issuer documents, issuer registries) without doing I/O itself.
//!
//! It sits beside the [`crate::Resolver`] seam for the same reason: the library crates that
//! decide verdicts call these traits, and `credbridge-fetch` (the guarded HTTP client, local
//! document maps) implements them. A crate that depends on this module alone cannot open a
//! socket.
//!
//! - [`DocumentSource`]: `get_document(url, purpose)` → [`SourcedDocument`] (parsed),
//!   `get_body(url, purpose)` → [`SourcedBody`] (shared bytes and their SHA-256),
//!   `last_snapshot(url)` → [`Snapshot`].
//! - [`Purpose`]: what a document is for; it picks the media types a fetcher accepts.
//! - [`SourceError`]: why no document came back, in the few kinds a verdict depends on
//!   (offline, not found, gone, not JSON, unavailable).

use std::sync::Arc;
use std::time::SystemTime;

use serde_json::Value;
use sha2::{Digest, Sha256};

/// SHA-256 of `data`: the identity of a fetched body (verdicts on a status list are shared
/// under it, snapshots record it).
#[must_use]
pub fn sha256(data: &[u8]) -> [u8; 32] {
    Sha256::digest(data).into()
}

/// The one wording for a document that was not fetched because verification is offline,
/// naming the option that supplies it: `<url>: not fetched because verification is offline
/// (--offline); supply a local copy with --documents`. Every "not fetched because offline"
/// message of credbridge (keys, status lists, OB 2.0 documents, registries) is this sentence.
#[must_use]
pub fn not_fetched_offline(url: &str, purpose: Purpose) -> String {
    format!(
        "{url}: not fetched because verification is offline (--offline); supply a local copy with {}",
        purpose.offline_flag()
    )
}

/// What a document is fetched for. It picks the media types accepted, the `Accept` header, and
/// whether a dated snapshot is kept.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
#[non_exhaustive]
pub enum Purpose {
    /// A did:web DID document.
    DidDocument,
    /// An https controller document or a key document (VC Data Integrity, OB 2.0
    /// `CryptographicKey`).
    ControllerDocument,
    /// A status list credential (Bitstring Status List, StatusList2021, IETF Token Status List).
    StatusList,
    /// An OB 2.0 hosted assertion.
    Ob2Assertion,
    /// An OB 2.0 BadgeClass or Issuer (Profile) document.
    Ob2Document,
    /// An issuer registry document.
    IssuerRegistry,
    /// A DIF Well-Known DID Configuration (`/.well-known/did-configuration.json`): the domain
    /// linkage credentials of a DID's linked domain.
    DidConfiguration,
    /// A credential itself, given by URL (`credbridge verify https://…`): any container
    /// credbridge reads (JSON, a JWT, a baked PNG or SVG, a zip archive).
    Credential,
}

impl Purpose {
    /// Every purpose.
    pub const ALL: [Purpose; 8] = [
        Purpose::DidDocument,
        Purpose::ControllerDocument,
        Purpose::StatusList,
        Purpose::Ob2Assertion,
        Purpose::Ob2Document,
        Purpose::IssuerRegistry,
        Purpose::DidConfiguration,
        Purpose::Credential,
    ];

    /// A short name for messages.
    #[must_use]
    pub fn name(self) -> &'static str {
        match self {
            Purpose::DidDocument => "DID document",
            Purpose::ControllerDocument => "controller document",
            Purpose::StatusList => "status list",
            Purpose::Ob2Assertion => "OB 2.0 hosted assertion",
            Purpose::Ob2Document => "OB 2.0 BadgeClass/Issuer",
            Purpose::IssuerRegistry => "issuer registry",
            Purpose::DidConfiguration => "DID configuration",
            Purpose::Credential => "credential",
        }
    }

    /// The command-line option that supplies a document of this purpose without the network:
    /// `--did-dir` for keys, `--documents` for status lists, OB 2.0 documents and DID
    /// configurations, `--registry` for issuer registries; a credential given by URL is
    /// supplied as a file path instead.
    #[must_use]
    pub fn offline_flag(self) -> &'static str {
        match self {
            Purpose::DidDocument | Purpose::ControllerDocument => "--did-dir",
            Purpose::StatusList
            | Purpose::Ob2Assertion
            | Purpose::Ob2Document
            | Purpose::DidConfiguration => "--documents",
            Purpose::IssuerRegistry => "--registry",
            Purpose::Credential => "a file path in place of the URL",
        }
    }

    /// The media types (essence only, lower case) accepted by default.
    ///
    /// Plain `application/json` is accepted everywhere because static hosts (GitHub Pages, S3)
    /// serve `.json` files with it; `text/plain` only where the body may be a bare JWT.
    #[must_use]
    pub fn default_content_types(self) -> &'static [&'static str] {
        match self {
            // did:web §3.2: application/did+json (DID Core §A); the JSON-LD variant is older.
            Purpose::DidDocument => &[
                "application/did+json",
                "application/did+ld+json",
                "application/json",
                "application/ld+json",
            ],
            // Controlled Identifiers 1.0 §5 registers application/cid.
            Purpose::ControllerDocument => &[
                "application/json",
                "application/ld+json",
                "application/cid",
                "application/did+json",
            ],
            // VCDM 2.0 §6.3 (application/vc), VC-JOSE-COSE (vc+jwt), Token Status List
            // (statuslist+jwt / statuslist+json), and bare JWTs served as text.
            Purpose::StatusList => &[
                "application/vc",
                "application/vc+ld+json",
                "application/vc+jwt",
                "application/statuslist+jwt",
                "application/statuslist+json",
                "application/jwt",
                "application/json",
                "application/ld+json",
                "text/plain",
            ],
            Purpose::Ob2Assertion | Purpose::Ob2Document => {
                &["application/ld+json", "application/json"]
            }
            // DIF Well-Known DID Configuration: a JSON resource at a well-known path.
            Purpose::DidConfiguration => &["application/json", "application/ld+json"],
            // Whatever a credential travels in; the content decides what it is, not the header.
            Purpose::Credential => &[
                "application/json",
                "application/ld+json",
                "application/vc",
                "application/vp",
                "application/vc+ld+json",
                "application/vp+ld+json",
                "application/vc+jwt",
                "application/vp+jwt",
                "application/jwt",
                "application/vc+sd-jwt",
                "application/dc+sd-jwt",
                "application/vc+cose",
                "application/cose",
                "application/cbor",
                "application/zip",
                "application/octet-stream",
                "image/png",
                "image/svg+xml",
                "text/plain",
            ],
            Purpose::IssuerRegistry => {
                &["application/json", "application/ld+json", "application/jwt"]
            }
        }
    }

    /// Whether a successful fetch is kept as a dated [`Snapshot`]: the documents a later
    /// verification may need to explain ("the key we saw on …") when the host is gone.
    #[must_use]
    pub fn keeps_snapshots(self) -> bool {
        matches!(
            self,
            Purpose::DidDocument | Purpose::ControllerDocument | Purpose::StatusList
        )
    }
}

/// Why a [`DocumentSource`] returned no document. Every variant names the URL asked for.
///
/// Only the distinctions a verdict depends on are kept apart: a source that is offline or does
/// not hold the URL (could not check), a host that says the document is gone (OB 2.0 revocation
/// by `410 Gone`), and everything else, whose message is the source's own.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum SourceError {
    /// The source does not go to the network, or has no document for this URL; a
    /// [`DocumentSource`] chain moves on to its next source.
    #[error("{}", not_fetched_offline(url, *purpose))]
    Offline {
        /// The URL asked for.
        url: String,
        /// What it was asked for (which option supplies it offline).
        purpose: Purpose,
    },
    /// The host is up and has no such document (`404 Not Found`).
    #[error("{url}: HTTP status 404")]
    NotFound {
        /// The URL that answered.
        url: String,
    },
    /// The host says the document was withdrawn (`410 Gone`).
    #[error("{url}: HTTP status 410")]
    Gone {
        /// The URL that answered.
        url: String,
    },
    /// The body is neither JSON nor a compact JWS.
    #[error("{url}: body is not JSON: {reason}")]
    InvalidJson {
        /// The URL (or local file) that answered.
        url: String,
        /// The parser's message.
        reason: String,
    },
    /// Any other failure: network, TLS, limits, media type, local file. `message` is the
    /// source's own explanation, which names the URL and the defect.
    #[error("{message}")]
    Unavailable {
        /// The URL asked for.
        url: String,
        /// What went wrong, naming the URL.
        message: String,
    },
}

impl SourceError {
    /// The URL the error is about.
    #[must_use]
    pub fn url(&self) -> &str {
        match self {
            SourceError::Offline { url, .. }
            | SourceError::NotFound { url }
            | SourceError::Gone { url }
            | SourceError::InvalidJson { url, .. }
            | SourceError::Unavailable { url, .. } => url,
        }
    }
}

/// One document as it was seen at an earlier fetch.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Snapshot {
    /// The URL asked for.
    pub url: String,
    /// The URL answered after redirects.
    pub final_url: String,
    /// The response `Content-Type`.
    pub content_type: String,
    /// When it was fetched (from the fetcher's clock).
    pub fetched_at: SystemTime,
    /// SHA-256 of the body, lower-case hex.
    pub sha256: String,
    /// The body.
    pub body: Vec<u8>,
}

/// A JSON document obtained for a URL.
#[derive(Debug, Clone)]
pub struct SourcedDocument {
    /// The parsed body.
    pub value: Value,
    /// The raw body (a status list or JWS may need the exact bytes), shared with the source.
    pub body: Arc<[u8]>,
    /// The URL that answered (after redirects), or the local file.
    pub origin: String,
    /// When it was obtained.
    pub fetched_at: SystemTime,
    /// Whether it came from a cache.
    pub from_cache: bool,
}

/// A body obtained for a URL, not parsed: see [`DocumentSource::get_body`].
#[derive(Debug, Clone)]
pub struct SourcedBody {
    /// The raw body (shared with the cache it may have come from).
    pub body: Arc<[u8]>,
    /// SHA-256 of the body.
    pub body_sha256: [u8; 32],
    /// The URL that answered (after redirects), or the local file.
    pub origin: String,
    /// When it was obtained.
    pub fetched_at: SystemTime,
    /// Whether it came from a cache.
    pub from_cache: bool,
}

impl From<SourcedDocument> for SourcedBody {
    fn from(document: SourcedDocument) -> SourcedBody {
        SourcedBody {
            body_sha256: sha256(&document.body),
            body: document.body,
            origin: document.origin,
            fetched_at: document.fetched_at,
            from_cache: document.from_cache,
        }
    }
}

/// Where a verifier gets documents by URL.
pub trait DocumentSource: Send + Sync {
    /// The body at `url`, as JSON (a JWS body is returned as a JSON string).
    ///
    /// # Errors
    /// [`SourceError`] naming `url`.
    fn get_document(&self, url: &str, purpose: Purpose) -> Result<SourcedDocument, SourceError>;

    /// The body at `url` without parsing it, for a caller that can often answer from the bytes
    /// alone: thousands of credentials in a bulk run point at one status list, whose verdict
    /// is kept under the hash of its body, so parsing it again for each would be wasted. The
    /// caller parses with [`body_to_value`] when it needs the document. The default asks
    /// [`DocumentSource::get_document`] (which has parsed) and hashes the body; sources holding
    /// bytes override it so that a body is hashed once.
    ///
    /// # Errors
    /// [`SourceError`] naming `url`.
    fn get_body(&self, url: &str, purpose: Purpose) -> Result<SourcedBody, SourceError> {
        self.get_document(url, purpose).map(SourcedBody::from)
    }

    /// What was last seen at `url`, if this source keeps snapshots.
    fn last_snapshot(&self, url: &str) -> Option<Snapshot> {
        let _ = url;
        None
    }
}

/// Reads a body as JSON, or as a JSON string when it is a compact JWS (OB 2.0 signed
/// assertions and VC-JWT status lists are served as text).
///
/// # Errors
/// [`SourceError::InvalidJson`] naming `url` when it is neither.
pub fn body_to_value(url: &str, body: &[u8]) -> Result<Value, SourceError> {
    match serde_json::from_slice(body) {
        Ok(value) => Ok(value),
        Err(json_error) => {
            let text = std::str::from_utf8(body).map(str::trim).unwrap_or("");
            let looks_like_jws = text.split('.').count() == 3
                && text
                    .bytes()
                    .all(|b| b.is_ascii_alphanumeric() || matches!(b, b'-' | b'_' | b'.'));
            if looks_like_jws {
                Ok(Value::String(text.to_owned()))
            } else {
                Err(SourceError::InvalidJson {
                    url: url.to_owned(),
                    reason: json_error.to_string(),
                })
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::{SourceError, body_to_value, sha256};

    #[test]
    fn a_compact_jws_body_is_a_json_string_and_text_is_refused() {
        let jws = body_to_value("https://x.example/l", b" eyJh.eyJi.c2ln \n").unwrap();
        assert_eq!(jws, serde_json::Value::String("eyJh.eyJi.c2ln".into()));
        let err = body_to_value("https://x.example/l", b"<html>").unwrap_err();
        assert!(
            matches!(err, SourceError::InvalidJson { ref url, .. } if url == "https://x.example/l")
        );
        assert!(
            err.to_string()
                .starts_with("https://x.example/l: body is not JSON")
        );
    }

    #[test]
    fn sha256_of_abc_is_the_fips_vector() {
        let digest = sha256(b"abc");
        assert_eq!(digest[..4], [0xba, 0x78, 0x16, 0xbf]);
    }
}
