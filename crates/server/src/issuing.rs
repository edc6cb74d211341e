//! The issuer instances of every tenant, opened on first use ([`Issuing`]), the development
//! instances `serve --dev` creates at startup ([`DEV_INSTANCES`]), and the document source
//! that answers our own status lists without a network round trip ([`OwnStatusLists`]).
//!
//! Every rule lives in `credbridge_issue::Instances`; this module only keeps one per tenant,
//! with the tenant's status-list base URL `{public}/status/{tenant}`.

use std::collections::HashMap;
use std::path::Path;
use std::sync::{Arc, Mutex};
use std::time::SystemTime;

use credbridge_issue::{
    InstanceSettings, Instances, IssueError, IssuerHome, IssuerProfile, MasterKey, NewInstance,
    StatusPurpose,
};
use credbridge_keys::source::{DocumentSource, Purpose, SourceError, SourcedDocument};
use credbridge_keys::{KeyType, SecretKey};
use credbridge_proofs::Canonicalizer;

/// Path prefix of the public status lists: `/status/{tenant}/{instance}/{n}/{purpose}`.
pub const STATUS_PATH: &str = "/status";

/// The instances `serve --dev` creates for the development tenant: name, proof format, key
/// (the Ed25519 or the P-256 development key) and status purposes. Each suite of the W3C
/// runner gets the instance of its cryptosuite (`ISSUE_PATH_<TAG>` in
/// `conformance/run-w3c.sh`); `default` answers `POST /credentials/issue`.
///
/// `vc2` (the VCDM 2.0 suite's) answers with the bare credential, as that suite reads it, and
/// signs with eddsa-jcs-2022: its inputs use `@direction` (language and base direction of
/// names), which RDFC-1.0 signing refuses in safe mode, as jsonld.js does, while JCS signs the
/// JSON as it is (the JSON-LD check still runs, and keeps `@direction` as data).
pub const DEV_INSTANCES: &[DevInstance] = &[
    DevInstance::new("default", "eddsa-rdfc-2022", KeyType::Ed25519),
    DevInstance::new("eddsa-rdfc", "eddsa-rdfc-2022", KeyType::Ed25519),
    DevInstance::new("eddsa-jcs", "eddsa-jcs-2022", KeyType::Ed25519),
    DevInstance::new("ecdsa-rdfc", "ecdsa-rdfc-2019", KeyType::P256),
    DevInstance::new("ecdsa-jcs", "ecdsa-jcs-2019", KeyType::P256),
    DevInstance::new("ed25519-2020", "Ed25519Signature2020", KeyType::Ed25519),
    DevInstance::new("vc-jose", "vc-jose", KeyType::P256),
    DevInstance {
        bare_response: true,
        ..DevInstance::new("vc2", "eddsa-jcs-2022", KeyType::Ed25519)
    },
    DevInstance {
        status_purposes: &[StatusPurpose::Revocation],
        ..DevInstance::new("status", "eddsa-rdfc-2022", KeyType::Ed25519)
    },
];

/// One of [`DEV_INSTANCES`].
#[derive(Debug, Clone, Copy)]
pub struct DevInstance {
    /// Its name.
    pub name: &'static str,
    /// Its proof format.
    pub format: &'static str,
    /// Its key type (the development key of that type).
    pub key_type: KeyType,
    /// Status purposes of every credential.
    pub status_purposes: &'static [StatusPurpose],
    /// Answers with the bare credential.
    pub bare_response: bool,
}

impl DevInstance {
    const fn new(name: &'static str, format: &'static str, key_type: KeyType) -> DevInstance {
        DevInstance {
            name,
            format,
            key_type,
            status_purposes: &[],
            bare_response: false,
        }
    }
}

/// The instances of each tenant.
pub struct Issuing {
    tenants: Mutex<HashMap<String, Arc<Instances>>>,
    /// `{public}/status`: where our status lists are published.
    status_root: String,
}

impl std::fmt::Debug for Issuing {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Issuing")
            .field("status_root", &self.status_root)
            .finish_non_exhaustive()
    }
}

impl Issuing {
    /// Instances published under `public_base` (the server's public URL).
    pub fn new(public_base: &str) -> Issuing {
        Issuing {
            tenants: Mutex::new(HashMap::new()),
            status_root: format!("{}{STATUS_PATH}", public_base.trim_end_matches('/')),
        }
    }

    /// `{public}/status`.
    pub fn status_root(&self) -> &str {
        &self.status_root
    }

    /// The instances of `tenant` in `data_dir`, with `master`.
    pub fn instances(
        &self,
        data_dir: &Path,
        tenant: &str,
        master: impl FnOnce() -> Result<MasterKey, String>,
    ) -> Result<Arc<Instances>, String> {
        let mut tenants = self
            .tenants
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner);
        if let Some(found) = tenants.get(tenant) {
            return Ok(found.clone());
        }
        let home = IssuerHome::new(data_dir.join("issuers").join("tenants").join(tenant));
        let instances = Arc::new(Instances::new(
            home,
            master()?,
            &format!("{}/{tenant}", self.status_root),
        ));
        tenants.insert(tenant.to_owned(), instances.clone());
        Ok(instances)
    }

    /// The opened instances of `tenant`, if any were opened.
    fn opened(&self, tenant: &str) -> Option<Arc<Instances>> {
        self.tenants
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner)
            .get(tenant)
            .cloned()
    }
}

/// Reads a key pair file (`secretKeyMultibase` or `privateKeyMultibase`).
pub fn read_key_pair(path: &Path) -> Result<SecretKey, String> {
    let text = std::fs::read_to_string(path).map_err(|e| format!("{}: {e}", path.display()))?;
    let value: serde_json::Value =
        serde_json::from_str(&text).map_err(|e| format!("{}: {e}", path.display()))?;
    let secret = value
        .get("secretKeyMultibase")
        .or_else(|| value.get("privateKeyMultibase"))
        .and_then(serde_json::Value::as_str)
        .ok_or_else(|| {
            format!(
                "{}: no secretKeyMultibase or privateKeyMultibase",
                path.display()
            )
        })?;
    SecretKey::from_multikey(secret).map_err(|e| format!("{}: {e}", path.display()))
}

/// Creates the [`DEV_INSTANCES`] that do not exist yet, with the keys of `key_files` (the
/// first Ed25519 and the first P-256 one) or generated keys.
pub fn create_dev_instances(
    instances: &Instances,
    key_files: &[std::path::PathBuf],
    now: i64,
) -> Result<Vec<String>, String> {
    let mut keys: Vec<SecretKey> = Vec::new();
    for path in key_files {
        keys.push(read_key_pair(path)?);
    }
    let mut generated: HashMap<&'static str, SecretKey> = HashMap::new();
    let mut made = Vec::new();
    for dev in DEV_INSTANCES {
        let (name, key_type) = (&dev.name, &dev.key_type);
        if instances.exists(name).map_err(|e| e.to_string())? {
            continue;
        }
        let key = match keys.iter().find(|k| k.key_type() == *key_type) {
            Some(k) => k.clone(),
            None => {
                if let Some(k) = generated.get(key_type.name()) {
                    k.clone()
                } else {
                    let k = SecretKey::generate(*key_type).map_err(|e| e.to_string())?;
                    generated.insert(key_type.name(), k.clone());
                    k
                }
            }
        };
        instances
            .create(NewInstance {
                name: (*name).to_owned(),
                did_web: None,
                key_type: *key_type,
                import: Some(key),
                settings: InstanceSettings {
                    proof_format: Some(dev.format.to_owned()),
                    status_purposes: dev.status_purposes.to_vec(),
                    bare_response: dev.bare_response,
                },
                profile: IssuerProfile {
                    name: format!("credbridge development issuer ({name})"),
                    ..IssuerProfile::default()
                },
                now,
            })
            .map_err(|e: IssueError| format!("creating the development instance {name}: {e}"))?;
        made.push((*name).to_owned());
    }
    Ok(made)
}

/// A [`DocumentSource`] that answers the URLs of our own status lists from the instances
/// (the list the server would serve, signed the same way), and every other URL from `next`.
/// It spares the verifier a request to itself, which the guarded client would refuse anyway
/// on a loopback address.
pub struct OwnStatusLists {
    issuing: Arc<Issuing>,
    canonicalizer: Arc<dyn Canonicalizer>,
    next: Option<Arc<dyn DocumentSource>>,
}

impl OwnStatusLists {
    /// Our lists first, then `next` (none: every other URL is "offline").
    pub fn new(
        issuing: Arc<Issuing>,
        canonicalizer: Arc<dyn Canonicalizer>,
        next: Option<Arc<dyn DocumentSource>>,
    ) -> OwnStatusLists {
        OwnStatusLists {
            issuing,
            canonicalizer,
            next,
        }
    }

    fn own(&self, url: &str) -> Option<Result<SourcedDocument, SourceError>> {
        let rest = url.strip_prefix(self.issuing.status_root())?;
        let parts: Vec<&str> = rest.trim_start_matches('/').split('/').collect();
        let [tenant, instance, n, purpose] = parts.as_slice() else {
            return None;
        };
        let instances = self.issuing.opened(tenant)?;
        let not_found = || SourceError::NotFound {
            url: url.to_owned(),
        };
        let purpose = parse_purpose(purpose)?;
        let n: u32 = n.parse().ok()?;
        let answer = (|| {
            let instance = instances.open(instance).map_err(|_| not_found())?;
            let list = instance
                .status_list(
                    n,
                    purpose,
                    self.canonicalizer.as_ref(),
                    crate::state::now_s(),
                )
                .map_err(|e| SourceError::Unavailable {
                    url: url.to_owned(),
                    message: e.to_string(),
                })?
                .ok_or_else(not_found)?;
            let value =
                serde_json::from_slice(&list.body).map_err(|e| SourceError::InvalidJson {
                    url: url.to_owned(),
                    reason: e.to_string(),
                })?;
            Ok(SourcedDocument {
                value,
                body: Arc::from(list.body.as_slice()),
                origin: url.to_owned(),
                fetched_at: SystemTime::now(),
                from_cache: false,
            })
        })();
        Some(answer)
    }
}

/// `revocation` / `suspension`.
pub fn parse_purpose(text: &str) -> Option<StatusPurpose> {
    match text {
        "revocation" => Some(StatusPurpose::Revocation),
        "suspension" => Some(StatusPurpose::Suspension),
        _ => None,
    }
}

impl DocumentSource for OwnStatusLists {
    fn get_document(&self, url: &str, purpose: Purpose) -> Result<SourcedDocument, SourceError> {
        if purpose == Purpose::StatusList
            && let Some(answer) = self.own(url)
        {
            return answer;
        }
        match &self.next {
            Some(next) => next.get_document(url, purpose),
            None => Err(SourceError::Offline {
                url: url.to_owned(),
                purpose,
            }),
        }
    }
}
