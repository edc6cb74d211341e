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
use credbridge_formats::{Item, Limits};
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
    /// Decoding limits (those of `credbridge verify`).
    pub limits: Limits,
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
            base,
            client: None,
            limits: Limits::default(),
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

    /// The options for one request at `now` (Unix seconds).
    pub fn options(
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
        VerifyOptions {
            now,
            challenge,
            domain,
            status_lists,
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
            .map(|item| match item {
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
            })
            .collect()
    }
}

fn catch<T>(work: impl FnOnce() -> T) -> Result<T, ()> {
    std::panic::catch_unwind(std::panic::AssertUnwindSafe(work)).map_err(|_| ())
}
