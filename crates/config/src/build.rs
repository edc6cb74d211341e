//! Building: [`Settings`] → the loader, resolver chain, document sources, trust policy and
//! [`VerifyOptions`] a verification runs with. The order of every chain is decided here, once,
//! for the CLI and the server alike.

use std::path::Path;
use std::sync::Arc;
use std::time::{SystemTime, UNIX_EPOCH};

use credbridge_fetch::{
    DidWebResolver, FetchError, FetchPolicy, FirstOf, GuardedClient, HttpsControllerResolver,
    OfflineDocuments, SnapshotStore, SystemClock,
};
use credbridge_jsonld::{BundledLoader, ChainLoader, DirectoryLoader, DocumentLoader};
use credbridge_keys::{
    ChainResolver, ControllerDocument, DocumentSource, OfflineDirectory, Purpose, ResolveError,
    Resolver, VerificationMethod,
};
use credbridge_proofs::{JsonLdCanonicalizer, suites};
use credbridge_verify::{Registry, TrustPolicy, UpdatedRegistry, VerifyOptions};
use serde_json::Value;

use crate::did_dir::read_did_dir;
use crate::{ConfigError, MAX_CONFIG_FILE_BYTES, Settings, Warning, read_limited};

/// What [`Settings::build`] gives: the options to verify with, the services behind them (for a
/// caller that needs one directly, like a server reporting its own health), and what was
/// skipped on the way.
#[derive(Debug)]
#[non_exhaustive]
pub struct Built {
    /// The options, ready for `credbridge_verify`.
    pub options: VerifyOptions,
    /// The guarded HTTP client, when online.
    pub client: Option<Arc<GuardedClient>>,
    /// Files skipped while building (a DID folder's stray files), for the caller to show.
    pub warnings: Vec<Warning>,
}

impl Built {
    /// Fetches a credential given by URL (`credbridge verify https://…`) through the guarded
    /// client: the address guard, the scheme policy and the body-size limit apply as to every
    /// other fetch. Offline, nothing is sent and the error is the one offline wording.
    ///
    /// # Errors
    /// [`credbridge_fetch::FetchError`], naming the URL.
    pub fn fetch_input(&self, url: &str) -> Result<credbridge_fetch::Fetched, FetchError> {
        match &self.client {
            Some(client) => client.get(url, Purpose::Credential),
            None => Err(FetchError::Offline {
                url: url.to_owned(),
                purpose: Purpose::Credential,
            }),
        }
    }
}

/// Whether a command-line input is a URL to fetch (`https://…`, `http://…`) rather than a path.
#[must_use]
pub fn is_url(input: &str) -> bool {
    let lower = input.get(..8).unwrap_or(input).to_ascii_lowercase();
    lower.starts_with("https://") || lower.starts_with("http://")
}

impl Settings {
    /// Builds the services and the [`VerifyOptions`] these settings describe.
    ///
    /// Trust: the allow and deny lists, then the registry files in order, then (unless
    /// [`Settings::bundled_registries`] is off) the bundled DCC member and community registries
    /// and, with [`Settings::sandbox_registries`], the sandbox one.
    ///
    /// Order of the chains: the resolvers are did:key and did:jwk, then each DID folder, then
    /// (online) did:web and https controller documents, or (offline) a resolver that explains
    /// that did:web and https keys were not fetched; the document sources are the document map,
    /// then (online) the network. Local files come first, so a folder answers even when online.
    ///
    /// # Errors
    /// [`ConfigError`] naming the setting whose file or folder cannot be used.
    pub fn build(&self) -> Result<Built, ConfigError> {
        let now = self.now()?;
        let mut warnings = Vec::new();

        let client = if self.offline {
            None
        } else {
            let mut policy = if self.dangerous_allow_loopback {
                FetchPolicy::dangerous_loopback_for_tests()
            } else {
                FetchPolicy::default()
            };
            // From the environment layer of the settings; the guard still checks every target
            // (see credbridge-fetch).
            policy.proxy.clone_from(&self.proxy);
            let mut client = GuardedClient::new(policy, Arc::new(SystemClock));
            if let Some(dir) = &self.snapshots {
                let store = SnapshotStore::open(dir).map_err(|source| ConfigError::Snapshots {
                    path: dir.clone(),
                    source,
                })?;
                client = client.with_snapshots(store);
            }
            Some(Arc::new(client))
        };

        let mut resolver = ChainResolver::offline_default();
        for dir in &self.did_dirs {
            let mut directory = OfflineDirectory::new();
            read_did_dir(dir, &mut directory, &mut warnings)?;
            resolver = resolver.with(Box::new(directory));
        }
        if let Some(client) = &client {
            resolver = resolver
                .with(Box::new(DidWebResolver::new(client.clone())))
                .with(Box::new(HttpsControllerResolver::new(client.clone())));
        } else {
            resolver = resolver.with(Box::new(OfflineNotice));
        }
        let resolver: Arc<dyn Resolver> = Arc::new(resolver);

        let mut sources: Vec<Arc<dyn DocumentSource>> = Vec::new();
        if let Some(map) = &self.documents {
            sources.push(Arc::new(document_map(map)?));
        }
        if let Some(client) = &client {
            sources.push(client.clone());
        }
        let documents: Option<Arc<dyn DocumentSource>> = match sources.len() {
            0 => None,
            _ => Some(Arc::new(FirstOf(sources))),
        };

        let mut registries = Vec::new();
        for file in &self.registries {
            let value = read_json(file)?;
            let name = file.display().to_string();
            registries.push(Registry::from_dcc_json(&name, &value).map_err(|source| {
                ConfigError::Registry {
                    path: file.clone(),
                    source,
                }
            })?);
        }
        if self.bundled_registries {
            let updated = match &self.registry_snapshots {
                Some(dir) => crate::registries::read_snapshots(dir)?,
                None => Vec::new(),
            };
            let updated: Vec<UpdatedRegistry<'_>> = updated
                .iter()
                .map(|s| UpdatedRegistry {
                    id: &s.id,
                    date: &s.date,
                    document: &s.document,
                })
                .collect();
            let bundled = TrustPolicy::bundled_with(self.sandbox_registries, &updated)
                .map_err(|source| ConfigError::BundledRegistries { source })?;
            registries.extend(bundled.registries);
        }

        let canonicalizer = JsonLdCanonicalizer::new(
            context_loader(self.contexts.as_deref())?,
            credbridge_rdf::CanonOptions::default(),
        );
        let options = VerifyOptions {
            now,
            max_clock_skew: self.max_clock_skew,
            resolver,
            canonicalizer: Arc::new(canonicalizer),
            suites: suites::ALL_SUITES,
            documents,
            trust: TrustPolicy {
                allow: self.allow_issuers.clone(),
                deny: self.deny_issuers.clone(),
                registries,
            },
            known_recipient: self.recipient.clone(),
            challenge: self.challenge.clone(),
            domain: self.domain.clone(),
            status_lists: Default::default(),
        };
        Ok(Built {
            options,
            client,
            warnings,
        })
    }

    /// The verification time in Unix seconds: [`Settings::at`] when set, else the system clock
    /// (read here, at the composition root, and passed into the libraries as a value).
    ///
    /// # Errors
    /// [`ConfigError::Time`] for an `at` that is neither a date-time nor a date.
    pub fn now(&self) -> Result<i64, ConfigError> {
        unix_time(self.at.as_deref(), "--at")
    }
}

/// An instant as people type it, read with the one date grammar of `credbridge-model`: an
/// `xsd:dateTime` / RFC 3339 date-time (`2025-06-01T12:00:00Z`; a missing offset reads as
/// UTC), or a date alone (`2025-06-01`), which is the start of that day in UTC.
#[must_use]
pub fn parse_instant(text: &str) -> Option<i64> {
    let text = text.trim();
    match credbridge_model::parse_xsd(text, credbridge_model::Zone::Optional) {
        Ok(Some(instant)) => Some(instant.unix_seconds),
        Ok(None) => None,
        // `YYYY-MM-DD` and nothing else: the tolerant reading also takes other forms.
        Err(_) if text.len() == 10 && text.is_ascii() => {
            credbridge_model::Timestamp::parse(text).map(|day| day.unix_seconds)
        }
        Err(_) => None,
    }
}

/// `text` (the value of `setting`, see [`parse_instant`]) as Unix seconds, or the system clock
/// when absent.
///
/// # Errors
/// [`ConfigError::Time`] naming `setting`; [`ConfigError::Clock`] for a clock before 1970.
pub fn unix_time(text: Option<&str>, setting: &'static str) -> Result<i64, ConfigError> {
    match text {
        Some(text) => parse_instant(text).ok_or_else(|| ConfigError::Time {
            setting,
            value: text.to_owned(),
        }),
        None => {
            let elapsed =
                SystemTime::now()
                    .duration_since(UNIX_EPOCH)
                    .map_err(|e| ConfigError::Clock {
                        reason: e.to_string(),
                    })?;
            i64::try_from(elapsed.as_secs()).map_err(|e| ConfigError::Clock {
                reason: e.to_string(),
            })
        }
    }
}

/// Bundled contexts first, then the user's directory (with its `context-map.json`): a user
/// file can add a context but never replace a bundled one.
///
/// # Errors
/// [`ConfigError::Contexts`] when the directory or its map cannot be read.
pub fn context_loader(extra: Option<&Path>) -> Result<Arc<dyn DocumentLoader>, ConfigError> {
    let bundled: Arc<dyn DocumentLoader> = Arc::new(BundledLoader::new());
    let Some(dir) = extra else {
        return Ok(bundled);
    };
    let map = dir.join("context-map.json");
    let user = DirectoryLoader::from_map_file(dir, &map).map_err(|e| ConfigError::Contexts {
        path: dir.to_owned(),
        reason: e.to_string(),
    })?;
    Ok(Arc::new(ChainLoader::new(vec![bundled, Arc::new(user)])))
}

/// Last in the offline chain: says why a did:web or https key was not resolved (instead of
/// "no resolver handles this id"), as an environment failure, so the proof is reported as
/// "could not check" with a hint.
struct OfflineNotice;

impl OfflineNotice {
    fn refuse(id: &str) -> ResolveError {
        if id.starts_with("did:web:") || id.starts_with("https://") || id.starts_with("http://") {
            ResolveError::Fetch {
                id: id.to_owned(),
                // The URL the document would have come from, in the one offline wording.
                reason: credbridge_keys::not_fetched_offline(
                    &credbridge_keys::did_web_to_url(id).unwrap_or_else(|_| id.to_owned()),
                    Purpose::DidDocument,
                ),
            }
        } else {
            ResolveError::NotHandled { id: id.to_owned() }
        }
    }
}

impl Resolver for OfflineNotice {
    fn resolve_verification_method(&self, id: &str) -> Result<VerificationMethod, ResolveError> {
        Err(OfflineNotice::refuse(id))
    }

    fn resolve_document(&self, id: &str) -> Result<ControllerDocument, ResolveError> {
        Err(OfflineNotice::refuse(id))
    }
}

fn read_json(path: &Path) -> Result<Value, ConfigError> {
    let bytes = read_limited(path, MAX_CONFIG_FILE_BYTES)?;
    serde_json::from_slice(&bytes).map_err(|e| ConfigError::Json {
        path: path.to_owned(),
        reason: e.to_string(),
    })
}

/// A `{ "URL": "relative/file" }` map read into an offline document source.
fn document_map(map: &Path) -> Result<OfflineDocuments, ConfigError> {
    let value = read_json(map)?;
    let entries = value.as_object().ok_or_else(|| ConfigError::DocumentMap {
        path: map.to_owned(),
        reason: "must be a JSON object of URL → file".into(),
    })?;
    let base = map.parent().unwrap_or(Path::new("."));
    let mut documents = OfflineDocuments::new(Arc::new(SystemClock));
    for (url, file) in entries {
        let file = file.as_str().ok_or_else(|| ConfigError::DocumentMap {
            path: map.to_owned(),
            reason: format!("the file for {url} must be a string"),
        })?;
        documents.insert(url.clone(), base.join(file));
    }
    Ok(documents)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn offline() -> Settings {
        Settings {
            offline: true,
            ..Settings::default()
        }
    }

    /// The DCC member and community registries are consulted by default, after the user's
    /// files; the sandbox registry (test issuers) only when asked for; none when switched off.
    #[test]
    fn bundled_registries_by_default_and_sandbox_on_request() {
        // In the member registry; in the sandbox registry only.
        let member = "did:key:z6MkuL7x2mTEoBmUuuaQ2hvEUd2YsEtmsHeX9JzqJZ8VYaVH";
        let sandbox_only = "did:key:z6Mki7DqKQswPsjqMVhP4W3n2ABFb5wBegZC5erEVg5qcgEw";
        let names = |settings: &Settings| -> Vec<String> {
            let built = settings.build().unwrap();
            built
                .options
                .trust
                .registries
                .iter()
                .map(|r| r.name.clone())
                .collect()
        };
        let default = offline().build().unwrap().options.trust;
        assert!(matches!(
            default.standing(member),
            credbridge_verify::Standing::Registered { registry, .. } if registry.starts_with("DCC Member Registry")
        ));
        assert_eq!(
            default.standing(sandbox_only),
            credbridge_verify::Standing::Unknown
        );
        let by_default = names(&offline());
        assert_eq!(by_default.len(), 2, "{by_default:?}");
        assert!(by_default.iter().all(|n| !n.contains("Sandbox")));

        let with_sandbox = Settings {
            sandbox_registries: true,
            ..offline()
        };
        let trust = with_sandbox.build().unwrap().options.trust;
        assert!(matches!(
            trust.standing(sandbox_only),
            credbridge_verify::Standing::Registered { registry, .. } if registry.contains("Sandbox")
        ));

        let none = Settings {
            bundled_registries: false,
            sandbox_registries: true,
            ..offline()
        };
        assert!(names(&none).is_empty());
    }

    #[test]
    fn switches_are_read_from_the_environment() {
        let settings = Settings::from_sources(None, |var| match var {
            "CREDBRIDGE_BUNDLED_REGISTRIES" => Some("off".into()),
            "CREDBRIDGE_SANDBOX_REGISTRIES" => Some("1".into()),
            _ => None,
        })
        .unwrap();
        assert!(!settings.bundled_registries);
        assert!(settings.sandbox_registries);
        let bad = Settings::from_sources(None, |var| {
            (var == "CREDBRIDGE_SANDBOX_REGISTRIES").then(|| "maybe".into())
        })
        .unwrap_err();
        assert!(
            bad.to_string().contains("CREDBRIDGE_SANDBOX_REGISTRIES"),
            "{bad}"
        );
    }
}
