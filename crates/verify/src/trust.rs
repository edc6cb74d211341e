//! Issuer trust: local allow/deny lists and issuer registries in the Digital Credentials
//! Consortium registry JSON format (`{"registry": {"<issuer DID>": {"name", "url", "location"}}}`),
//! consulted in order.
//!
//! An unknown issuer is a warning, never a failure: most legitimate issuers are in no
//! registry, and a forgery is caught by the proof and key-binding checks, not here. A denied
//! issuer fails.

use serde_json::{Value, json};

use crate::report::{Check, Outcome, Severity};

/// Most entries one registry may hold; a registry is configuration, not bulk data.
pub const MAX_REGISTRY_ENTRIES: usize = 100_000;

/// One registry: a name (shown in reports) and its issuers.
#[derive(Debug, Clone, Default)]
pub struct Registry {
    /// Shown in the report ("DCC Sandbox Registry", a file name).
    pub name: String,
    /// (issuer id, display name) pairs.
    pub issuers: Vec<(String, Option<String>)>,
    /// Whether this is a snapshot of one of the Digital Credentials Consortium registries
    /// credbridge knows ([`DCC_REGISTRIES`]), bundled or updated, rather than a registry the
    /// verifier configured: not being in one of those is no finding of its own.
    pub dcc_snapshot: bool,
}

/// Why a registry document could not be read.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum RegistryError {
    /// The document has no `registry` object.
    #[error("{name}: expected a JSON object with a \"registry\" object of issuer ids")]
    NotARegistry {
        /// The registry's name.
        name: String,
    },
    /// The registry has more entries than [`MAX_REGISTRY_ENTRIES`].
    #[error("{name}: {found} entries, more than the limit of {limit}")]
    TooManyEntries {
        /// The registry's name.
        name: String,
        /// Entries found.
        found: usize,
        /// The limit.
        limit: usize,
    },
}

impl Registry {
    /// Reads a registry in the DCC format. Entries are keyed by issuer id; the entry's `name`
    /// is kept for the report.
    pub fn from_dcc_json(name: &str, document: &Value) -> Result<Registry, RegistryError> {
        let entries = document
            .get("registry")
            .and_then(Value::as_object)
            .ok_or_else(|| RegistryError::NotARegistry {
                name: name.to_owned(),
            })?;
        if entries.len() > MAX_REGISTRY_ENTRIES {
            return Err(RegistryError::TooManyEntries {
                name: name.to_owned(),
                found: entries.len(),
                limit: MAX_REGISTRY_ENTRIES,
            });
        }
        let issuers = entries
            .iter()
            .map(|(id, entry)| {
                let display = entry.get("name").and_then(Value::as_str).map(str::to_owned);
                (id.clone(), display)
            })
            .collect();
        Ok(Registry {
            name: name.to_owned(),
            issuers,
            dcc_snapshot: false,
        })
    }

    fn lookup(&self, issuer: &str) -> Option<&Option<String>> {
        self.issuers
            .iter()
            .find(|(id, _)| id == issuer)
            .map(|(_, name)| name)
    }
}

/// One of the Digital Credentials Consortium's public issuer registries: bundled as a dated
/// snapshot (see `registries/SOURCES.md`), refreshable from where the DCC publishes it
/// (`credbridge registries update`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct DccRegistry {
    /// A short id, also the repository's name: `dcc-registry`, `community-registry`,
    /// `sandbox-registry`.
    pub id: &'static str,
    /// The registry's name for people, without a date.
    pub title: &'static str,
    /// Where the DCC publishes it (the URL the DCC verifier uses).
    pub url: &'static str,
    /// The date of the bundled snapshot (the source commit's date).
    pub bundled_date: &'static str,
    /// Whether it lists test issuers only (consulted only when asked for).
    pub sandbox: bool,
    json: &'static str,
}

impl DccRegistry {
    /// The name reports show for a snapshot of this registry taken on `date`.
    #[must_use]
    pub fn snapshot_name(&self, date: &str, bundled: bool) -> String {
        let kind = if bundled { "bundled" } else { "updated" };
        if self.sandbox {
            format!("{} (test issuers; {kind} snapshot {date})", self.title)
        } else {
            format!("{} ({kind} snapshot {date})", self.title)
        }
    }
}

/// The DCC registries credbridge bundles, member and community first.
pub static DCC_REGISTRIES: [DccRegistry; 3] = [
    DccRegistry {
        id: "dcc-registry",
        title: "DCC Member Registry",
        url: "https://digitalcredentials.github.io/dcc-registry/registry.json",
        bundled_date: "2026-06-02",
        sandbox: false,
        json: include_str!("../registries/dcc-registry/registry.json"),
    },
    DccRegistry {
        id: "community-registry",
        title: "DCC Community Registry",
        url: "https://digitalcredentials.github.io/community-registry/registry.json",
        bundled_date: "2026-06-24",
        sandbox: false,
        json: include_str!("../registries/community-registry/registry.json"),
    },
    DccRegistry {
        id: "sandbox-registry",
        title: "DCC Sandbox Registry",
        url: "https://digitalcredentials.github.io/sandbox-registry/registry.json",
        bundled_date: "2026-04-23",
        sandbox: true,
        json: include_str!("../registries/sandbox-registry/registry.json"),
    },
];

/// A newer snapshot of one of [`DCC_REGISTRIES`] (from `credbridge registries update`), used
/// in place of the bundled one.
#[derive(Debug, Clone, Copy)]
pub struct UpdatedRegistry<'a> {
    /// Which registry ([`DccRegistry::id`]).
    pub id: &'a str,
    /// When it was fetched (a date, shown in reports).
    pub date: &'a str,
    /// The registry document.
    pub document: &'a Value,
}

/// How the trust sources know an issuer.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Standing<'a> {
    /// On the local deny list.
    Denied,
    /// On the local allow list.
    Allowed,
    /// Listed in a registry.
    Registered {
        /// The registry's name.
        registry: &'a str,
        /// The name the registry gives the issuer.
        name: Option<&'a str>,
    },
    /// In no list or registry.
    Unknown,
}

/// Which issuers the verifier trusts.
#[derive(Debug, Clone, Default)]
pub struct TrustPolicy {
    /// Issuers trusted outright.
    pub allow: Vec<String>,
    /// Issuers whose credentials are refused.
    pub deny: Vec<String>,
    /// Registries, consulted in order.
    pub registries: Vec<Registry>,
}

impl TrustPolicy {
    /// The bundled DCC registries: the member and community registries, and the sandbox
    /// registry (test issuers) only when `sandbox` is true.
    pub fn bundled(sandbox: bool) -> Result<TrustPolicy, RegistryError> {
        TrustPolicy::bundled_with(sandbox, &[])
    }

    /// [`TrustPolicy::bundled`], with each registry that has an [`UpdatedRegistry`] read from
    /// that snapshot instead of the bundled one (its name says "updated snapshot" and its date).
    pub fn bundled_with(
        sandbox: bool,
        updated: &[UpdatedRegistry<'_>],
    ) -> Result<TrustPolicy, RegistryError> {
        let mut registries = Vec::new();
        for dcc in &DCC_REGISTRIES {
            if dcc.sandbox && !sandbox {
                continue;
            }
            let mut registry = match updated.iter().find(|u| u.id == dcc.id) {
                Some(newer) => {
                    Registry::from_dcc_json(&dcc.snapshot_name(newer.date, false), newer.document)?
                }
                None => {
                    let name = dcc.snapshot_name(dcc.bundled_date, true);
                    let document: Value = serde_json::from_str(dcc.json)
                        .map_err(|_| RegistryError::NotARegistry { name: name.clone() })?;
                    Registry::from_dcc_json(&name, &document)?
                }
            };
            registry.dcc_snapshot = true;
            registries.push(registry);
        }
        Ok(TrustPolicy {
            registries,
            ..TrustPolicy::default()
        })
    }

    /// How the configured lists and registries know `issuer`.
    pub fn standing(&self, issuer: &str) -> Standing<'_> {
        if self.deny.iter().any(|d| d == issuer) {
            return Standing::Denied;
        }
        if self.allow.iter().any(|a| a == issuer) {
            return Standing::Allowed;
        }
        for registry in &self.registries {
            if let Some(name) = registry.lookup(issuer) {
                return Standing::Registered {
                    registry: &registry.name,
                    name: name.as_deref(),
                };
            }
        }
        Standing::Unknown
    }

    /// Whether the verifier configured trust sources of its own: an allow or deny list, or a
    /// registry other than the DCC snapshots (bundled or updated).
    pub fn has_own_sources(&self) -> bool {
        !(self.allow.is_empty() && self.deny.is_empty())
            || self.registries.iter().any(|r| !r.dcc_snapshot)
    }

    /// Whether any list or registry is configured.
    pub fn is_configured(&self) -> bool {
        !(self.allow.is_empty() && self.deny.is_empty() && self.registries.is_empty())
    }

    /// The `issuer.trust` check for an issuer id.
    pub fn check(&self, issuer: Option<&str>) -> Check {
        const ID: &str = "issuer.trust";
        if !self.is_configured() {
            return Check::new(
                ID,
                Severity::Advisory,
                Outcome::NotApplicable,
                "no trusted-issuer list or registry is configured",
            );
        }
        let Some(issuer) = issuer else {
            return Check::new(
                ID,
                Severity::Advisory,
                Outcome::CouldNotCheck("the credential names no issuer id".into()),
                "the issuer could not be looked up because the credential gives no issuer id",
            );
        };
        if self.deny.iter().any(|d| d == issuer) {
            return Check::new(
                ID,
                Severity::Fatal,
                Outcome::Failed(format!("{issuer} is on the deny list")),
                "this issuer is on your list of issuers not to accept",
            )
            .with_evidence("issuer", issuer);
        }
        if self.allow.iter().any(|a| a == issuer) {
            return Check::new(
                ID,
                Severity::Advisory,
                Outcome::Passed,
                "the issuer is on your list of trusted issuers",
            )
            .with_evidence("issuer", issuer)
            .with_evidence("matched", "allow list");
        }
        for registry in &self.registries {
            if let Some(name) = registry.lookup(issuer) {
                let message = match name {
                    Some(name) => format!("the issuer is listed in {} as {name}", registry.name),
                    None => format!("the issuer is listed in {}", registry.name),
                };
                return Check::new(ID, Severity::Advisory, Outcome::Passed, message)
                    .with_evidence("issuer", issuer)
                    .with_evidence("registry", json!(registry.name))
                    .with_evidence("registered_name", json!(name));
            }
        }
        if !self.has_own_sources() {
            // Most genuine issuers are in none of the DCC registries: not being there is no
            // finding of its own (issuer.identity says the name is then unconfirmed).
            return Check::new(
                ID,
                Severity::Advisory,
                Outcome::NotApplicable,
                "the issuer is in none of the bundled DCC registries, and no registry or list of your own is configured",
            )
            .with_evidence("issuer", issuer);
        }
        Check::new(
            ID,
            Severity::Advisory,
            Outcome::Failed(format!(
                "{issuer} is in none of the {} configured registries or lists",
                self.registries.len()
            )),
            "the issuer is not in any registry you trust; the credential may still be genuine, but nobody you trust vouches for who issued it",
        )
        .with_evidence("issuer", issuer)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn registry_lookup_allow_deny_and_unknown() {
        let registry = Registry::from_dcc_json(
            "test registry",
            &json!({"registry": {"did:key:z6MkA": {"name": "Example University"}}}),
        )
        .unwrap();
        let policy = TrustPolicy {
            allow: vec!["did:web:allowed.example".into()],
            deny: vec!["did:web:denied.example".into()],
            registries: vec![registry],
        };
        assert_eq!(policy.check(Some("did:key:z6MkA")).outcome, Outcome::Passed);
        assert_eq!(
            policy.check(Some("did:web:allowed.example")).outcome,
            Outcome::Passed
        );
        let denied = policy.check(Some("did:web:denied.example"));
        assert!(matches!(denied.outcome, Outcome::Failed(_)));
        assert_eq!(denied.severity, Severity::Fatal);
        let unknown = policy.check(Some("did:web:other.example"));
        assert!(matches!(unknown.outcome, Outcome::Failed(_)));
        assert_eq!(unknown.severity, Severity::Advisory);
        assert_eq!(
            TrustPolicy::default().check(Some("x")).outcome,
            Outcome::NotApplicable
        );
    }

    #[test]
    fn an_issuer_missing_from_the_bundled_registries_alone_is_not_a_trust_failure() {
        let bundled = TrustPolicy::bundled(false).unwrap();
        assert!(bundled.is_configured() && !bundled.has_own_sources());
        let check = bundled.check(Some("did:key:z6MkUnknown"));
        assert_eq!(check.outcome, Outcome::NotApplicable);
        let member = "did:key:z6MkuL7x2mTEoBmUuuaQ2hvEUd2YsEtmsHeX9JzqJZ8VYaVH";
        assert_eq!(bundled.check(Some(member)).outcome, Outcome::Passed);
        let own = TrustPolicy {
            allow: vec!["did:key:z6MkOther".into()],
            ..bundled
        };
        assert!(own.has_own_sources());
        assert!(matches!(
            own.check(Some("did:key:z6MkUnknown")).outcome,
            Outcome::Failed(_)
        ));
    }

    #[test]
    fn an_updated_snapshot_replaces_the_bundled_one_and_names_its_date() {
        let document = json!({"registry": {"did:key:z6MkNew": {"name": "New College"}}});
        let updated = [UpdatedRegistry {
            id: "dcc-registry",
            date: "2026-12-07",
            document: &document,
        }];
        let policy = TrustPolicy::bundled_with(false, &updated).unwrap();
        assert_eq!(policy.registries.len(), 2);
        assert_eq!(
            policy.registries[0].name,
            "DCC Member Registry (updated snapshot 2026-12-07)"
        );
        assert_eq!(
            policy.registries[1].name,
            "DCC Community Registry (bundled snapshot 2026-06-24)"
        );
        assert!(!policy.has_own_sources());
        assert_eq!(
            policy.standing("did:key:z6MkNew"),
            Standing::Registered {
                registry: "DCC Member Registry (updated snapshot 2026-12-07)",
                name: Some("New College"),
            }
        );
        // The bundled member registry's issuers are gone with it (this one is in no other).
        let member = "did:key:z6MkiUrQooGc3QBsYoDvwGtEdHTaCsaD4zdAyZJsiKr8Lkss";
        assert_eq!(policy.standing(member), Standing::Unknown);
    }

    #[test]
    fn not_a_registry_is_a_specific_error() {
        let err = Registry::from_dcc_json("r", &json!({"issuers": []})).unwrap_err();
        assert!(matches!(err, RegistryError::NotARegistry { .. }));
    }
}
