//! Building the [`VerifyOptions`] the server verifies with (through `credbridge-config`, the
//! same wiring as `credbridge verify`), and running verification off the async threads.
//!
//! The guarded client (with its fetch cache) lives as long as the server, so every request
//! shares it; verified status lists are shared too, for [`STATUS_LIST_MEMORY`], after which a
//! fresh memory starts so that revocations are seen.

use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use credbridge_config::{ConfigError, Settings};
use credbridge_fetch::GuardedClient;
use credbridge_formats::{Item, ItemPath, Limits};
use credbridge_verify::{StatusListCache, VerificationReport, VerifyOptions};

/// How long verified status lists are reused across requests.
pub const STATUS_LIST_MEMORY: Duration = Duration::from_secs(300);

/// The options `credbridge verify` uses with no flags (`offline`: `--offline`), built by
/// `credbridge-config` so the CLI and the server verify alike.
///
/// # Errors
/// [`ConfigError`] when the settings cannot be built (a clock before 1970).
pub fn build_verify_options(offline: bool) -> Result<VerifyOptions, ConfigError> {
    Ok(build(offline)?.0)
}

/// The options and the guarded client they fetch through (`None` offline).
fn build(offline: bool) -> Result<(VerifyOptions, Option<Arc<GuardedClient>>), ConfigError> {
    let mut settings = Settings::default();
    settings.offline = offline;
    // Registry snapshots refreshed by `credbridge registries update` win over the bundled
    // ones, as they do for `credbridge verify`.
    settings.registry_snapshots = credbridge_config::default_registry_dir();
    let built = settings.build()?;
    Ok((built.options, built.client))
}

/// The server's verifier: base options plus the shared status-list memory.
pub struct Verifier {
    base: VerifyOptions,
    client: Option<Arc<GuardedClient>>,
    status_lists: Mutex<(Instant, Arc<StatusListCache>)>,
    /// The options of the latest second, for requests without a challenge or domain.
    shared: Mutex<Option<(i64, Arc<VerifyOptions>)>>,
    /// Decoding limits (those of `credbridge verify`).
    pub limits: Limits,
    /// Our own issuer instances, whose status lists are read without a request.
    own_lists: std::sync::OnceLock<Arc<crate::issuing::Issuing>>,
}

impl std::fmt::Debug for Verifier {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Verifier")
            .field("base", &self.base)
            .finish_non_exhaustive()
    }
}

/// What verifying one input item gave.
#[derive(Debug)]
pub struct ItemOutcome {
    /// The decoded item, when it could be decoded.
    pub item: Option<Item>,
    /// Where it sits in the input.
    pub path: String,
    /// Its report, or why there is none.
    pub report: Result<VerificationReport, String>,
}

/// Said when a library panicked (a bug: none panics on input by design).
const INTERNAL_ERROR: &str =
    "internal error: verification stopped unexpectedly (please report this input)";

impl Verifier {
    /// A verifier over `base` (its `now`, `challenge` and `domain` are set per request); it
    /// fetches nothing for people ([`Verifier::fetch`] refuses).
    pub fn new(base: VerifyOptions) -> Verifier {
        Verifier {
            status_lists: Mutex::new((Instant::now(), base.status_lists.clone())),
            shared: Mutex::new(None),
            base,
            client: None,
            limits: Limits::default(),
            own_lists: std::sync::OnceLock::new(),
        }
    }

    /// The verifier `credbridge verify` would build (`offline`: `--offline`), whose guarded
    /// client also fetches the URLs people give the verifier page.
    pub fn standard(offline: bool) -> Result<Verifier, ConfigError> {
        let (base, client) = build(offline)?;
        Ok(Verifier {
            client,
            ..Verifier::new(base)
        })
    }

    /// The verifier `settings` describe (`credbridge verify`'s flags as a value), with the
    /// guarded client they build: for embedders and tests that need, say, a status list on
    /// loopback (`dangerous_allow_loopback`).
    pub fn from_settings(settings: &Settings) -> Result<Verifier, ConfigError> {
        let built = settings.build()?;
        Ok(Verifier {
            client: built.client,
            ..Verifier::new(built.options)
        })
    }

    /// Fetches a credential a person pointed to, through the guarded client (address guard,
    /// size and time limits). Blocking.
    pub fn fetch(&self, url: &str) -> Result<Vec<u8>, String> {
        let client = self
            .client
            .as_ref()
            .ok_or_else(|| "this server verifies offline and fetches no URLs".to_owned())?;
        client
            .get(url, credbridge_fetch::Purpose::Credential)
            .map(|fetched| fetched.body.to_vec())
            .map_err(|e| e.to_string())
    }

    /// How the guarded client's fetches ended, by purpose and outcome (`None` offline: there
    /// is no client).
    pub fn fetch_stats(&self) -> Option<&credbridge_fetch::FetchStats> {
        self.client.as_deref().map(GuardedClient::stats)
    }

    /// The options for one request at `now` (Unix seconds). Requests without a challenge or
    /// domain within the same second share one value: building it clones the base options
    /// (the trust registries' issuer lists among them), which cost more than a fast request's
    /// routing and parsing together.
    pub fn options(
        &self,
        now: i64,
        challenge: Option<String>,
        domain: Option<String>,
    ) -> Arc<VerifyOptions> {
        if challenge.is_none() && domain.is_none() {
            let mut shared = self
                .shared
                .lock()
                .unwrap_or_else(std::sync::PoisonError::into_inner);
            if let Some((at, options)) = shared.as_ref()
                && *at == now
            {
                return options.clone();
            }
            let options = Arc::new(self.build_options(now, None, None));
            *shared = Some((now, options.clone()));
            return options;
        }
        Arc::new(self.build_options(now, challenge, domain))
    }

    /// Reads the status lists of `issuing`'s instances from them, not over the network (set
    /// once, before the first request).
    pub fn know_own_status_lists(&self, issuing: Arc<crate::issuing::Issuing>) {
        let _ = self.own_lists.set(issuing);
    }

    fn build_options(
        &self,
        now: i64,
        challenge: Option<String>,
        domain: Option<String>,
    ) -> VerifyOptions {
        let status_lists = match self.status_lists.lock() {
            Ok(mut memory) => {
                if memory.0.elapsed() > STATUS_LIST_MEMORY {
                    *memory = (Instant::now(), Arc::default());
                }
                memory.1.clone()
            }
            Err(_) => Arc::default(),
        };
        let documents = match self.own_lists.get() {
            Some(issuing) => Some(Arc::new(crate::issuing::OwnStatusLists::new(
                issuing.clone(),
                self.base.canonicalizer.clone(),
                self.base.documents.clone(),
            ))
                as Arc<dyn credbridge_keys::source::DocumentSource>),
            None => self.base.documents.clone(),
        };
        VerifyOptions {
            now,
            challenge,
            domain,
            status_lists,
            documents,
            ..self.base.clone()
        }
    }

    /// Decodes `bytes` (named `name` in item paths) and verifies every item, in input order,
    /// the way `credbridge verify` does. Blocking: call from a blocking thread.
    pub fn verify_bytes(
        &self,
        bytes: &[u8],
        name: &str,
        options: &VerifyOptions,
    ) -> Vec<ItemOutcome> {
        let items = catch(|| {
            credbridge_formats::decode_bytes(bytes, name, &self.limits).collect::<Vec<_>>()
        });
        let Ok(items) = items else {
            return vec![ItemOutcome {
                item: None,
                path: name.to_owned(),
                report: Err(INTERNAL_ERROR.to_owned()),
            }];
        };
        items
            .into_iter()
            .map(|item| verify_one(item, name, options))
            .collect()
    }

    /// Like [`Verifier::verify_bytes`], but unit by unit: each file, zip entry (also of an
    /// archive inside the upload) or JSON Lines line comes with its exact bytes and its path,
    /// so that each stored credential keeps the bytes of its own entry or line rather than
    /// the whole upload. Items and errors are the same, in the same order, as
    /// [`Verifier::verify_bytes`] gives (`credbridge-formats` reads a stream exactly as it
    /// decodes the same bytes in memory). Blocking.
    pub fn verify_units(
        &self,
        bytes: &[u8],
        name: &str,
        options: &VerifyOptions,
    ) -> Vec<UnitOutcome> {
        let blobs = catch(|| {
            let reader = Box::new(std::io::Cursor::new(bytes.to_vec()));
            credbridge_formats::read_stream(reader, name, &self.limits).collect::<Vec<_>>()
        });
        let Ok(blobs) = blobs else {
            return vec![UnitOutcome {
                unit: None,
                items: vec![ItemOutcome {
                    item: None,
                    path: name.to_owned(),
                    report: Err(INTERNAL_ERROR.to_owned()),
                }],
            }];
        };
        blobs
            .into_iter()
            .map(|blob| {
                let unit = blob
                    .bytes()
                    .zip(blob.unit_path())
                    .map(|(bytes, path)| Unit {
                        bytes: Arc::new(bytes.to_vec()),
                        path,
                    });
                let items = match catch(|| blob.decode()) {
                    Ok(items) => items
                        .into_iter()
                        .map(|item| verify_one(item, name, options))
                        .collect(),
                    Err(()) => vec![ItemOutcome {
                        item: None,
                        path: unit
                            .as_ref()
                            .map_or_else(|| name.to_owned(), |u| u.path.to_string()),
                        report: Err(INTERNAL_ERROR.to_owned()),
                    }],
                };
                UnitOutcome { unit, items }
            })
            .collect()
    }
}

/// One unit of an input (a file, a zip entry, a JSON Lines line): its exact bytes and where it
/// sits.
#[derive(Debug, Clone)]
pub struct Unit {
    /// The bytes, untouched.
    pub bytes: Arc<Vec<u8>>,
    /// Its path (`upload.zip!badge.png`, `body:3`).
    pub path: ItemPath,
}

impl Unit {
    /// Where `item` sits inside this unit's bytes: `""` when it is the whole of them, else the
    /// rest of its path (`#/credentialSubject/verifiableCredential/2`).
    pub fn item_key(&self, item: &Item) -> String {
        let inside = item
            .path
            .segments
            .strip_prefix(self.path.segments.as_slice())
            .unwrap_or_default();
        if inside.is_empty() {
            String::new()
        } else {
            ItemPath {
                segments: inside.to_vec(),
            }
            .to_string()
        }
    }
}

/// What verifying the items of one unit gave.
#[derive(Debug)]
pub struct UnitOutcome {
    /// The unit, or `None` when the input could not be read that far (its error is in
    /// `items`).
    pub unit: Option<Unit>,
    /// Its items' outcomes, in input order.
    pub items: Vec<ItemOutcome>,
}

fn verify_one(
    item: Result<Item, credbridge_formats::Error>,
    name: &str,
    options: &VerifyOptions,
) -> ItemOutcome {
    match item {
        Ok(item) => {
            let report = catch(|| credbridge_verify::verify_item(&item, options))
                .map_err(|()| INTERNAL_ERROR.to_owned());
            ItemOutcome {
                path: item.path.to_string(),
                item: Some(item),
                report,
            }
        }
        Err(err) => ItemOutcome {
            item: None,
            path: err
                .path()
                .map(ToString::to_string)
                .unwrap_or_else(|| name.to_owned()),
            report: Err(err.to_string()),
        },
    }
}

fn catch<T>(work: impl FnOnce() -> T) -> Result<T, ()> {
    std::panic::catch_unwind(std::panic::AssertUnwindSafe(work)).map_err(|_| ())
}
