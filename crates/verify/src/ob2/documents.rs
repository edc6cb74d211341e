//! The documents an assertion links to — its BadgeClass and the issuer Profile — obtained
//! embedded or through `options.documents`, and the `ob2.documents` / `ob2.document-ids`
//! checks about them (OB 2.0 §Data Validation: "all required Badge Objects are appropriately
//! linked and available").

use super::terms::term;
use credbridge_keys::{Purpose, SourceError};
use serde_json::{Value, json};

use super::{CHECK_DOCUMENT_IDS, CHECK_DOCUMENTS, Version};
use crate::VerifyOptions;
use crate::report::{Check, Outcome, Severity};

/// A document fetched by URL.
#[derive(Debug, Clone)]
pub(super) struct Retrieved {
    /// The URL asked for.
    pub url: String,
    /// Where it came from (the final URL after redirects, or a local file).
    pub origin: String,
    /// The parsed body (a JWS body is a JSON string).
    pub value: Value,
}

/// Why a document could not be obtained.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub(super) enum FetchFailure {
    /// No document source: verification runs offline.
    #[error("{}", credbridge_keys::not_fetched_offline(url, *purpose))]
    Offline {
        /// The URL.
        url: String,
        /// What it was wanted for (which option supplies it offline).
        purpose: Purpose,
    },
    /// The server answered `410 Gone` (OB 2.0 §Revoking Hosted Assertions).
    #[error("{url}: the server answered 410 Gone")]
    Gone {
        /// The URL.
        url: String,
    },
    /// The fetch failed (network, status, media type, size, not JSON…).
    #[error("{error}")]
    Fetch {
        /// The URL.
        url: String,
        /// The fetch error, which names the URL and the defect.
        error: SourceError,
    },
    /// The body is JSON but not the document expected.
    #[error("{url}: the server returned {reason}")]
    NotABadge {
        /// The URL.
        url: String,
        /// What was found.
        reason: String,
    },
}

impl FetchFailure {
    pub(super) fn is_gone(&self) -> bool {
        matches!(self, FetchFailure::Gone { .. })
    }
}

/// Fetches `url` through the caller's document source.
pub(super) fn fetch(
    options: &VerifyOptions,
    url: &str,
    purpose: Purpose,
) -> Result<Retrieved, FetchFailure> {
    let Some(source) = &options.documents else {
        return Err(FetchFailure::Offline {
            url: url.to_owned(),
            purpose,
        });
    };
    match source.get_document(url, purpose) {
        Ok(document) => Ok(Retrieved {
            url: url.to_owned(),
            origin: document.origin,
            value: document.value,
        }),
        Err(SourceError::Gone { .. }) => Err(FetchFailure::Gone {
            url: url.to_owned(),
        }),
        Err(error) => Err(FetchFailure::Fetch {
            url: url.to_owned(),
            error,
        }),
    }
}

/// Whether `text` is an `http`/`https` URL (the only schemes OB 2.0 expects to dereference).
pub(super) fn is_web_url(text: &str) -> bool {
    let lower = text.get(..8).unwrap_or(text).to_ascii_lowercase();
    lower.starts_with("https://") || lower.starts_with("http://")
}

/// A linked document, embedded or fetched.
#[derive(Debug, Clone)]
pub(super) struct Node {
    /// The document.
    pub value: Value,
    /// The URL it was fetched from, `None` when embedded.
    pub fetched_from: Option<String>,
}

impl Node {
    /// The document's `id`.
    pub(super) fn id(&self) -> Option<&str> {
        term(&self.value, "id").and_then(Value::as_str)
    }

    fn describe(&self) -> Value {
        json!({
            "id": self.id(),
            "source": self.fetched_from.as_deref().map_or("embedded", |_| "fetched"),
            "url": self.fetched_from,
        })
    }
}

/// Why a linked document is not there.
#[derive(Debug, Clone)]
pub(super) enum Missing {
    /// It is absent or has the wrong shape: the badge is defective.
    Invalid(String),
    /// It could not be obtained (offline, network, host): nothing is known.
    Unavailable(String),
}

impl Missing {
    pub(super) fn reason(&self) -> &str {
        match self {
            Missing::Invalid(reason) | Missing::Unavailable(reason) => reason,
        }
    }
}

/// The assertion's BadgeClass and issuer Profile.
#[derive(Debug)]
pub(super) struct Graph {
    /// The BadgeClass.
    pub badge: Result<Node, Missing>,
    /// The issuer Profile.
    pub issuer: Result<Node, Missing>,
    /// The issuer id as the BadgeClass names it, even when the Profile is not available.
    issuer_ref: Option<String>,
    /// Documents whose `id` differs from the URL they were fetched from.
    id_notes: Vec<String>,
}

fn type_names(value: &Value) -> Vec<String> {
    let short = |name: &str| {
        name.rsplit(['#', ':', '/'])
            .next()
            .unwrap_or(name)
            .to_owned()
    };
    match term(value, "type") {
        Some(Value::String(s)) => vec![short(s)],
        Some(Value::Array(items)) => items.iter().filter_map(Value::as_str).map(short).collect(),
        _ => Vec::new(),
    }
}

/// Obtains the document `link` points to: embedded, or fetched when it is a web URL.
fn node(
    options: &VerifyOptions,
    link: Option<&Value>,
    what: &str,
    id_notes: &mut Vec<String>,
) -> Result<Node, Missing> {
    match link {
        None => Err(Missing::Invalid(format!("the {what} is missing"))),
        Some(Value::Object(_)) => Ok(Node {
            value: link.cloned().unwrap_or(Value::Null),
            fetched_from: None,
        }),
        Some(Value::String(url)) if is_web_url(url) => {
            let retrieved = fetch(options, url, Purpose::Ob2Document).map_err(|e| {
                Missing::Unavailable(format!("the {what} could not be fetched: {e}"))
            })?;
            if !retrieved.value.is_object() {
                return Err(Missing::Unavailable(format!(
                    "the {what} at {url} is not a JSON object"
                )));
            }
            let node = Node {
                value: retrieved.value,
                fetched_from: Some(url.clone()),
            };
            if let Some(id) = node.id()
                && id != url
                && id != retrieved.origin
            {
                id_notes.push(format!(
                    "the {what} fetched from {url} gives its id as {id}"
                ));
            }
            Ok(node)
        }
        Some(Value::String(other)) => Err(Missing::Unavailable(format!(
            "the {what} is named {other:?}, which is not a web address, and is not embedded"
        ))),
        Some(_) => Err(Missing::Invalid(format!(
            "the {what} must be a URL or an embedded object"
        ))),
    }
}

/// Resolves the BadgeClass and the issuer Profile of `assertion`.
pub(super) fn resolve(assertion: &Value, version: Version, options: &VerifyOptions) -> Graph {
    let mut id_notes = Vec::new();
    let mut badge = node(
        options,
        assertion.get("badge"),
        "badge class",
        &mut id_notes,
    );
    if version == Version::V2_0
        && let Ok(found) = &badge
        && !type_names(&found.value).iter().any(|t| t == "BadgeClass")
    {
        badge = Err(Missing::Invalid(format!(
            "the badge class {} does not have type BadgeClass",
            found.id().unwrap_or("(no id)")
        )));
    }
    let (issuer, issuer_ref) = match &badge {
        Ok(found) => {
            let link = found.value.get("issuer");
            let issuer_ref = match link {
                Some(Value::String(s)) => Some(s.clone()),
                Some(object) => term(object, "id")
                    .and_then(Value::as_str)
                    .map(str::to_owned),
                None => None,
            };
            let mut issuer = node(options, link, "issuer profile", &mut id_notes);
            if version == Version::V2_0
                && let Ok(found) = &issuer
                && !type_names(&found.value)
                    .iter()
                    .any(|t| t == "Issuer" || t == "Profile")
            {
                issuer = Err(Missing::Invalid(format!(
                    "the issuer {} does not have type Issuer or Profile",
                    found.id().unwrap_or("(no id)")
                )));
            }
            (issuer, issuer_ref)
        }
        Err(missing) => (
            Err(Missing::Unavailable(format!(
                "the issuer profile is found through the badge class, which is not available ({})",
                missing.reason()
            ))),
            None,
        ),
    };
    Graph {
        badge,
        issuer,
        issuer_ref,
        id_notes,
    }
}

impl Graph {
    /// The issuer's id: its Profile's `id`, else the id the BadgeClass names, else (OB 1.x /
    /// 0.5 issuers without an id) its `url` or `origin`.
    pub(super) fn issuer_id(&self) -> Option<String> {
        let profile = self.issuer.as_ref().ok();
        profile
            .and_then(Node::id)
            .map(str::to_owned)
            .or_else(|| self.issuer_ref.clone())
            .or_else(|| {
                let value = &profile?.value;
                value
                    .get("url")
                    .or_else(|| value.get("origin"))
                    .and_then(Value::as_str)
                    .map(str::to_owned)
            })
    }

    /// `ob2.documents`, and `ob2.document-ids` when some document's id differs from its URL.
    pub(super) fn checks(&self) -> Vec<Check> {
        let mut failed = Vec::new();
        let mut unavailable = Vec::new();
        for part in [&self.badge, &self.issuer] {
            match part {
                Ok(_) => {}
                Err(Missing::Invalid(reason)) => failed.push(reason.clone()),
                Err(Missing::Unavailable(reason)) => unavailable.push(reason.clone()),
            }
        }
        let describe = |part: &Result<Node, Missing>| match part {
            Ok(found) => found.describe(),
            Err(missing) => json!({"missing": missing.reason()}),
        };
        let check = if !failed.is_empty() {
            failed.extend(unavailable);
            Check::new(
                CHECK_DOCUMENTS,
                Severity::Fatal,
                Outcome::Failed(failed.join("; ")),
                "the badge's description or its issuer's profile is missing or malformed",
            )
        } else if !unavailable.is_empty() {
            Check::new(
                CHECK_DOCUMENTS,
                Severity::Fatal,
                Outcome::CouldNotCheck(unavailable.join("; ")),
                "the badge's description or its issuer's profile could not be obtained, so the badge could not be fully checked",
            )
        } else {
            Check::new(
                CHECK_DOCUMENTS,
                Severity::Fatal,
                Outcome::Passed,
                "the badge's description and its issuer's profile were found",
            )
        };
        let mut checks = vec![
            check
                .with_evidence("badge_class", describe(&self.badge))
                .with_evidence("issuer", describe(&self.issuer)),
        ];
        if !self.id_notes.is_empty() {
            checks.push(
                Check::new(
                    CHECK_DOCUMENT_IDS,
                    Severity::Advisory,
                    Outcome::Failed(self.id_notes.join("; ")),
                    "some of the badge's linked documents give a different address than the one they were fetched from (a redirect or a moved file)",
                )
                .with_evidence("notes", self.id_notes.clone()),
            );
        }
        checks
    }
}
