//! Issuer instances: one credential at a time, for the W3C VC API (`POST /credentials/issue`).
//!
//! An instance is an issuer ([`crate::IssuerRecord`]: name, DID, sealed key) with a
//! [`ProofFormat`] and the status purposes every credential it issues gets. [`Instances`]
//! keeps the opened instances of one tenant's issuer home (the key unsealed once, the status
//! lists replayed once) and the credentials they issued ([`FileCredentialStore`]).
//!
//! Status: an instance's lists are its own log (`api.NAME` in the home's status store), apart
//! from the lists of the batches of the same issuer (log `NAME`), because the two are
//! published at different URLs and each log must have one writer (see the crate's design
//! notes). [`Instances::set_status`] changes either: a credential an instance issued in its
//! lists, a batch-issued one through [`crate::IssuerHome::set_status`].
//!
//! See: <https://w3c-ccg.github.io/vc-api/#issue-credential>.

use std::collections::{HashMap, VecDeque};
use std::path::PathBuf;
use std::sync::{Arc, Condvar, Mutex, MutexGuard};

use credbridge_keys::KeyType;
use credbridge_proofs::vc_jose_cose::{self, DocumentKind, SecureError, SecureOptions, Securing};
use credbridge_proofs::{
    Canonicalizer, Cryptosuite, SignOptions, SigningSuite, format_datetime, sign_data_integrity,
    signing_suite,
};
use rand::RngCore;
use serde::{Deserialize, Serialize};
use serde_json::{Map, Value, json};
use sha2::{Digest, Sha256};

use crate::error::IssueError;
use crate::issuer::{
    Issuer, IssuerProfile, KeyStore, MasterKey, NewIssuer, create_issuer, hex_encode, open_issuer,
    read_bounded, write_atomic,
};
use crate::status::{StatusEvent, StatusLists, StatusPurpose, StatusStore};

/// The VCDM 1.1 base context.
pub const VC1_CONTEXT: &str = "https://www.w3.org/2018/credentials/v1";

/// Largest stored credential read back, in bytes.
pub const MAX_STORED_CREDENTIAL_BYTES: u64 = 4 * 1024 * 1024;

/// Longest credential id accepted (it is hashed into a file name, but also echoed).
pub const MAX_CREDENTIAL_ID_CHARS: usize = 2048;

/// How an instance secures a credential.
#[derive(Debug, Clone, Copy)]
pub enum ProofFormat {
    /// An embedded Data Integrity (or Ed25519Signature2020) proof.
    DataIntegrity(&'static Cryptosuite),
    /// VC-JOSE: the credential secured as `application/vc+jwt`, answered as an
    /// `EnvelopedVerifiableCredential` (VCDM 2.0 §4.13).
    VcJose,
}

/// The proof formats an instance may be created with.
pub const PROOF_FORMATS: [&str; 6] = [
    "eddsa-rdfc-2022",
    "eddsa-jcs-2022",
    "ecdsa-rdfc-2019",
    "ecdsa-jcs-2019",
    "Ed25519Signature2020",
    "vc-jose",
];

impl ProofFormat {
    /// The format called `name` (one of [`PROOF_FORMATS`]).
    pub fn parse(name: &str) -> Result<ProofFormat, IssueError> {
        let unknown = || IssueError::UnknownProofFormat {
            name: name.to_owned(),
            known: PROOF_FORMATS.to_vec(),
        };
        if !PROOF_FORMATS.contains(&name) {
            return Err(unknown());
        }
        match signing_suite(name).map_err(|_| unknown())? {
            SigningSuite::DataIntegrity(suite) => Ok(ProofFormat::DataIntegrity(suite)),
            SigningSuite::Jwt(_) => Ok(ProofFormat::VcJose),
            _ => Err(unknown()),
        }
    }

    /// Its name, as [`ProofFormat::parse`] takes it.
    pub fn name(self) -> &'static str {
        match self {
            ProofFormat::DataIntegrity(suite) => suite.name(),
            ProofFormat::VcJose => "vc-jose",
        }
    }

    /// `Ok` when a key of `key_type` can sign in this format.
    pub fn check_key(self, key_type: KeyType) -> Result<(), IssueError> {
        let (fits, accepted) = match self {
            ProofFormat::DataIntegrity(suite) => (
                suite.accepts(key_type),
                suite
                    .key_types
                    .iter()
                    .map(|k| k.name())
                    .collect::<Vec<_>>()
                    .join(", "),
            ),
            ProofFormat::VcJose => (
                matches!(key_type, KeyType::Ed25519 | KeyType::P256 | KeyType::P384),
                "Ed25519, P-256, P-384".to_owned(),
            ),
        };
        if fits {
            Ok(())
        } else {
            Err(IssueError::KeyDoesNotFitFormat {
                format: self.name(),
                key_type: key_type.name(),
                accepted,
            })
        }
    }
}

/// An instance's settings, kept in its issuer record.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct InstanceSettings {
    /// One of [`PROOF_FORMATS`]; `None` picks the key's default Data Integrity suite.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub proof_format: Option<String>,
    /// Status purposes every credential this instance issues gets (VCDM 2.0 only).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub status_purposes: Vec<StatusPurpose>,
    /// Answer an issue request with the credential itself rather than VCALM's
    /// `{verifiableCredential}` (for clients written against the earlier VC API drafts,
    /// such as the W3C VCDM 2.0 test suite).
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub bare_response: bool,
}

impl InstanceSettings {
    /// Nothing set (a plain batch issuer).
    pub fn is_empty(&self) -> bool {
        self.proof_format.is_none() && self.status_purposes.is_empty() && !self.bare_response
    }
}

/// What [`Instances::create`] makes.
#[derive(Debug, Clone)]
pub struct NewInstance {
    /// The tenant-unique name.
    pub name: String,
    /// `Some(domain[:path])` for did:web, `None` for did:key.
    pub did_web: Option<String>,
    /// Generated key type, when no key is imported.
    pub key_type: KeyType,
    /// A key to import instead.
    pub import: Option<credbridge_keys::SecretKey>,
    /// Proof format and status purposes.
    pub settings: InstanceSettings,
    /// The OB 3.0 profile (its `name` is the issuer's display name).
    pub profile: IssuerProfile,
    /// Creation time, Unix seconds.
    pub now: i64,
}

/// Options of one issue request (`options` of `POST /credentials/issue`).
#[derive(Debug, Clone, Default)]
pub struct IssueOptions {
    /// `credentialId`: the id to give the credential (it must not have another).
    pub credential_id: Option<String>,
    /// Status purposes asked for on top of the instance's own.
    pub status_purposes: Vec<StatusPurpose>,
}

/// A signed status list credential, ready to serve.
#[derive(Debug)]
pub struct SignedList {
    /// The JSON body.
    pub body: Vec<u8>,
    /// A strong validator of the body (`"sha256-…"`, quoted, for the `ETag` header).
    pub etag: String,
}

/// One issuer instance, opened: its key unsealed, its status lists replayed.
pub struct Instance {
    issuer: Issuer,
    format: ProofFormat,
    settings: InstanceSettings,
    status: Mutex<StatusLists>,
    log: GroupCommit,
    signed_lists: Mutex<HashMap<(u32, StatusPurpose), Arc<SignedList>>>,
}

/// Group commit of status allocations: concurrent requests each add their event, one of them
/// appends everything pending in one durable write while the others wait for it. One
/// synced write per request would cap issuing at the disk's sync rate (a few hundred per
/// second); grouped, a write carries every request that arrived during the previous one.
#[derive(Default)]
struct GroupCommit {
    state: Mutex<Group>,
    written: Condvar,
}

#[derive(Default)]
struct Group {
    /// Events waiting for the next write.
    pending: Vec<StatusEvent>,
    /// The number of the write the pending events will go into.
    next: u64,
    /// Writes up to this number are done (durable, or failed as `failed` says).
    done: u64,
    /// A write is under way.
    writing: bool,
    /// The latest failed writes and why (bounded: a waiter looks only for its own).
    failed: VecDeque<(u64, String)>,
}

/// Failed writes remembered for their waiters.
const MAX_REMEMBERED_FAILURES: usize = 64;

impl GroupCommit {
    /// Appends `event` durably, in a write shared with concurrent callers.
    fn commit(
        &self,
        store: &dyn StatusStore,
        log: &str,
        event: StatusEvent,
    ) -> Result<(), IssueError> {
        let mut group = lock(&self.state);
        group.next = group.next.max(group.done + 1);
        let mine = group.next;
        group.pending.push(event);
        loop {
            if group.done >= mine {
                return match group.failed.iter().find(|(n, _)| *n == mine) {
                    Some((_, reason)) => Err(IssueError::JournalDamaged {
                        path: PathBuf::from(log),
                        line: 0,
                        reason: format!("the status log write failed: {reason}"),
                    }),
                    None => Ok(()),
                };
            }
            if group.writing {
                group = self
                    .written
                    .wait(group)
                    .unwrap_or_else(std::sync::PoisonError::into_inner);
                continue;
            }
            let events = std::mem::take(&mut group.pending);
            let number = group.next;
            group.next += 1;
            group.writing = true;
            drop(group);
            let result = store.append(log, &events);
            group = lock(&self.state);
            group.writing = false;
            group.done = number;
            if let Err(e) = result {
                if group.failed.len() >= MAX_REMEMBERED_FAILURES {
                    group.failed.pop_front();
                }
                group.failed.push_back((number, e.to_string()));
            }
            self.written.notify_all();
        }
    }
}

impl std::fmt::Debug for Instance {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Instance")
            .field("name", &self.issuer.record.name)
            .field("did", &self.issuer.record.did)
            .field("format", &self.format.name())
            .finish_non_exhaustive()
    }
}

fn lock<T>(mutex: &Mutex<T>) -> MutexGuard<'_, T> {
    // A panic while holding one of these locks leaves consistent data (every change is
    // appended to the store before it is applied), so a poisoned lock is used as is.
    mutex
        .lock()
        .unwrap_or_else(std::sync::PoisonError::into_inner)
}

fn reject(pointer: &str, reason: impl Into<String>) -> IssueError {
    IssueError::CredentialRejected {
        pointer: pointer.to_owned(),
        reason: reason.into(),
    }
}

fn json_type(value: &Value) -> &'static str {
    match value {
        Value::Null => "null",
        Value::Bool(_) => "a boolean",
        Value::Number(_) => "a number",
        Value::String(_) => "a string",
        Value::Array(_) => "an array",
        Value::Object(_) => "an object",
    }
}

/// Whether `doc` is a 1EdTech credential whose schema allows a single `credentialStatus`:
/// an OpenBadgeCredential / AchievementCredential, an EndorsementCredential or a
/// ClrCredential.
fn is_1edtech(doc: &serde_json::Map<String, Value>) -> bool {
    const TYPES: [&str; 4] = [
        "OpenBadgeCredential",
        "AchievementCredential",
        "EndorsementCredential",
        "ClrCredential",
    ];
    match doc.get("type") {
        Some(Value::String(t)) => TYPES.contains(&t.as_str()),
        Some(Value::Array(types)) => types
            .iter()
            .any(|t| t.as_str().is_some_and(|t| TYPES.contains(&t))),
        _ => false,
    }
}

/// The VCDM version of a credential by its first context: `Some(true)` for 2.0.
fn is_vcdm2(doc: &Map<String, Value>) -> bool {
    doc.get("@context")
        .and_then(Value::as_array)
        .and_then(|c| c.first())
        .and_then(Value::as_str)
        == Some(crate::batch::VC2_CONTEXT)
}

/// The shape rules of the VC API issue request (the properties the VC API and VCDM 1.1/2.0
/// require of an unsigned credential), checked before anything is signed, and the issuer
/// binding: `issuer` (or `issuer.id`) must be `did`, the DID the instance signs as. The rest of
/// the data model and JSON-LD's "no term dropped" rule are the verifier's checks, which the
/// caller runs on the same document.
pub fn check_issue_input(credential: &Value, did: &str) -> Result<(), IssueError> {
    let doc = credential.as_object().ok_or_else(|| {
        reject(
            "",
            format!("must be a JSON object, found {}", json_type(credential)),
        )
    })?;
    match doc.get("@context") {
        None => return Err(reject("/@context", "is required (VCDM §4.3)")),
        Some(Value::Array(items)) => {
            for (i, item) in items.iter().enumerate() {
                if !matches!(item, Value::String(_) | Value::Object(_)) {
                    return Err(reject(
                        &format!("/@context/{i}"),
                        format!("must be a URL or an object, found {}", json_type(item)),
                    ));
                }
            }
            let first = items.first().and_then(Value::as_str);
            if first != Some(VC1_CONTEXT) && first != Some(crate::batch::VC2_CONTEXT) {
                return Err(reject(
                    "/@context/0",
                    format!(
                        "must be {VC1_CONTEXT} (VCDM 1.1) or {} (VCDM 2.0)",
                        crate::batch::VC2_CONTEXT
                    ),
                ));
            }
        }
        Some(other) => {
            return Err(reject(
                "/@context",
                format!("must be an array, found {}", json_type(other)),
            ));
        }
    }
    match doc.get("type") {
        None => return Err(reject("/type", "is required (VCDM §4.5)")),
        Some(Value::Array(items)) => {
            if let Some((i, bad)) = items.iter().enumerate().find(|(_, t)| !t.is_string()) {
                return Err(reject(
                    &format!("/type/{i}"),
                    format!("must be a string, found {}", json_type(bad)),
                ));
            }
            if !items.iter().any(|t| t == "VerifiableCredential") {
                return Err(reject("/type", "must include \"VerifiableCredential\""));
            }
        }
        Some(other) => {
            return Err(reject(
                "/type",
                format!("must be an array of strings, found {}", json_type(other)),
            ));
        }
    }
    let issuer = match doc.get("issuer") {
        None => return Err(reject("/issuer", "is required (VCDM §4.7)")),
        Some(Value::String(id)) => (id.as_str(), "/issuer"),
        Some(Value::Object(o)) => match o.get("id") {
            Some(Value::String(id)) => (id.as_str(), "/issuer/id"),
            Some(other) => {
                return Err(reject(
                    "/issuer/id",
                    format!("must be a string, found {}", json_type(other)),
                ));
            }
            None => return Err(reject("/issuer/id", "is required")),
        },
        Some(other) => {
            return Err(reject(
                "/issuer",
                format!("must be a string or an object, found {}", json_type(other)),
            ));
        }
    };
    if issuer.0 != did {
        return Err(reject(
            issuer.1,
            format!("is {:?}, but this issuer instance signs as {did}", issuer.0),
        ));
    }
    match doc.get("credentialSubject") {
        None => return Err(reject("/credentialSubject", "is required (VCDM §4.8)")),
        Some(Value::Object(o)) if o.is_empty() => {
            return Err(reject(
                "/credentialSubject",
                "must make at least one claim, found an empty object",
            ));
        }
        Some(Value::Object(_)) => {}
        Some(Value::Array(items)) if !items.is_empty() => {
            if let Some((i, bad)) = items
                .iter()
                .enumerate()
                .find(|(_, s)| s.as_object().is_none_or(Map::is_empty))
            {
                return Err(reject(
                    &format!("/credentialSubject/{i}"),
                    format!(
                        "must be an object with at least one claim, found {}",
                        json_type(bad)
                    ),
                ));
            }
        }
        Some(other) => {
            return Err(reject(
                "/credentialSubject",
                format!("must be an object, found {}", json_type(other)),
            ));
        }
    }
    if let Some(id) = doc.get("id")
        && !id.is_string()
    {
        return Err(reject(
            "/id",
            format!("must be a string, found {}", json_type(id)),
        ));
    }
    if doc.contains_key("proof") {
        return Err(reject(
            "/proof",
            "must be absent: the issuer adds the proof (send an unsigned credential)",
        ));
    }
    Ok(())
}

/// A fresh `urn:uuid:` (version 4).
pub fn new_urn_uuid() -> String {
    let mut b = [0u8; 16];
    rand::thread_rng().fill_bytes(&mut b);
    b[6] = (b[6] & 0x0f) | 0x40;
    b[8] = (b[8] & 0x3f) | 0x80;
    let h = hex_encode(&b);
    format!(
        "urn:uuid:{}-{}-{}-{}-{}",
        &h[0..8],
        &h[8..12],
        &h[12..16],
        &h[16..20],
        &h[20..32]
    )
}

impl Instance {
    /// The issuer (record and key).
    pub fn issuer(&self) -> &Issuer {
        &self.issuer
    }

    /// The proof format.
    pub fn format(&self) -> ProofFormat {
        self.format
    }

    /// The settings.
    pub fn settings(&self) -> &InstanceSettings {
        &self.settings
    }

    /// Gives `credential` its id (the `credentialId` option, its own, or a new `urn:uuid:`),
    /// adds one status entry per purpose asked for (a credential that already carries
    /// `credentialStatus` keeps it, and gets none added), and returns the unsigned credential
    /// and its id. Call [`check_issue_input`] first; the index is allocated and logged here,
    /// before anything is signed, so a failure later wastes it but never reuses it.
    pub fn prepare(
        &self,
        mut credential: Value,
        options: &IssueOptions,
    ) -> Result<(Value, String), IssueError> {
        let doc = credential
            .as_object_mut()
            .ok_or_else(|| reject("", "must be a JSON object"))?;
        let id = match (options.credential_id.as_deref(), doc.get("id")) {
            (Some(wanted), Some(Value::String(own))) if wanted != own => {
                return Err(IssueError::OptionRejected {
                    option: "credentialId",
                    reason: format!("is {wanted:?}, but the credential's id is {own:?}"),
                });
            }
            (Some(wanted), _) => wanted.to_owned(),
            (None, Some(Value::String(own))) => own.clone(),
            (None, _) => new_urn_uuid(),
        };
        if id.is_empty() || id.chars().count() > MAX_CREDENTIAL_ID_CHARS {
            return Err(reject(
                "/id",
                format!("must be 1-{MAX_CREDENTIAL_ID_CHARS} characters"),
            ));
        }
        doc.insert("id".into(), id.clone().into());
        let mut purposes = self.settings.status_purposes.clone();
        for p in &options.status_purposes {
            if !purposes.contains(p) {
                purposes.push(*p);
            }
        }
        // The 1EdTech OB 3.0 and CLR 2.0 schemas allow one `credentialStatus` object, not an
        // array: such a credential takes the one purpose its request names, and an instance
        // that would add several must be told which (silently dropping one would leave a
        // suspension the issuer believes it can set).
        if purposes.len() > 1 && !doc.contains_key("credentialStatus") && is_1edtech(doc) {
            match options.status_purposes.as_slice() {
                [one] => purposes = vec![*one],
                _ => {
                    let names: Vec<&str> = purposes.iter().map(|p| p.as_str()).collect();
                    return Err(reject(
                        "/credentialStatus",
                        format!(
                            "the 1EdTech Open Badges 3.0 and CLR 2.0 schemas allow one credentialStatus object, and this instance adds {} ({}); name one purpose in options.credentialStatus",
                            purposes.len(),
                            names.join(", ")
                        ),
                    ));
                }
            }
        }
        if !purposes.is_empty() && !doc.contains_key("credentialStatus") {
            if !is_vcdm2(doc) {
                return Err(reject(
                    "/@context/0",
                    "a BitstringStatusListEntry needs a VCDM 2.0 credential (its terms are in the v2 context)",
                ));
            }
            let (status, event, store, log) = {
                let mut lists = lock(&self.status);
                let (alloc, event) = lists.allocate_unlogged(&id)?;
                (
                    lists.credential_status(alloc, &purposes),
                    event,
                    lists.store(),
                    lists.log_name().to_owned(),
                )
            };
            if let Some(event) = event {
                self.log.commit(store.as_ref(), &log, event)?;
            }
            doc.insert("credentialStatus".into(), status);
        }
        Ok((credential, id))
    }

    /// Secures a prepared credential in the instance's format: the credential with its proof,
    /// or an `EnvelopedVerifiableCredential` holding the `vc+jwt`.
    pub fn secure(
        &self,
        credential: &Value,
        canonicalizer: &dyn Canonicalizer,
        now: i64,
    ) -> Result<Value, IssueError> {
        let what = credential
            .get("id")
            .and_then(Value::as_str)
            .unwrap_or("credential")
            .to_owned();
        match self.format {
            ProofFormat::DataIntegrity(suite) => sign_data_integrity(
                credential,
                suite,
                &self.issuer.secret,
                &SignOptions {
                    verification_method: self.issuer.verification_method.clone(),
                    proof_purpose: "assertionMethod".into(),
                    created: Some(now),
                    canonicalizer: Some(canonicalizer),
                    ..SignOptions::default()
                },
            )
            .map_err(|source| match source {
                // A term safe-mode JSON-LD would drop, a context we do not have: the
                // credential's fault, not ours.
                credbridge_proofs::ProofError::TransformFailed { reason } => reject("", reason),
                source => IssueError::Sign { what, source },
            }),
            ProofFormat::VcJose => {
                // The JOSE form is not expanded while signing, so the "no term dropped" rule
                // of the RDFC suites is checked here.
                canonicalizer
                    .check_safe_mode(credential)
                    .map_err(|e| reject("", e.to_string()))?;
                let jws = vc_jose_cose::secure(
                    credential,
                    DocumentKind::Credential,
                    Securing::Jose,
                    &self.issuer.secret,
                    &SecureOptions {
                        kid: Some(self.issuer.verification_method.clone()),
                        ..SecureOptions::default()
                    },
                )
                .map_err(|e| match e {
                    SecureError::Rejected(r) => reject("", r.to_string()),
                    other => reject("", other.to_string()),
                })?;
                Ok(json!({
                    "@context": [crate::batch::VC2_CONTEXT],
                    "id": format!("data:application/vc+jwt,{jws}"),
                    "type": "EnvelopedVerifiableCredential",
                }))
            }
        }
    }

    /// Signs `presentation` as its holder with this instance's key (purpose `authentication`,
    /// with `challenge` and `domain` when given). Data Integrity formats only.
    pub fn sign_presentation(
        &self,
        presentation: &Value,
        challenge: Option<String>,
        domain: Option<String>,
        canonicalizer: &dyn Canonicalizer,
        now: i64,
    ) -> Result<Value, IssueError> {
        let suite = match self.format {
            ProofFormat::DataIntegrity(suite) => suite,
            ProofFormat::VcJose => crate::batch::suite_for(self.issuer.secret.key_type()),
        };
        sign_data_integrity(
            presentation,
            suite,
            &self.issuer.secret,
            &SignOptions {
                verification_method: self.issuer.verification_method.clone(),
                proof_purpose: "authentication".into(),
                created: Some(now),
                challenge,
                domain,
                canonicalizer: Some(canonicalizer),
                ..SignOptions::default()
            },
        )
        .map_err(|source| match source {
            credbridge_proofs::ProofError::TransformFailed { reason } => reject("", reason),
            source => IssueError::Sign {
                what: "presentation".into(),
                source,
            },
        })
    }

    /// Sets or clears `purpose` of a credential this instance gave a status entry. `Ok(false)`
    /// when it gave it none. The touched list is re-signed on its next request.
    pub fn set_status(
        &self,
        credential_id: &str,
        purpose: StatusPurpose,
        value: bool,
    ) -> Result<bool, IssueError> {
        let mut lists = lock(&self.status);
        if lists.allocation_of(credential_id).is_none() {
            return Ok(false);
        }
        let touched = lists.set(&[credential_id.to_owned()], purpose, value)?;
        drop(lists);
        let mut signed = lock(&self.signed_lists);
        signed.retain(|(n, p), _| !(touched.contains(n) && *p == purpose));
        Ok(true)
    }

    /// Whether `purpose` is set for a credential this instance gave an entry (`None` if none).
    pub fn status_of(&self, credential_id: &str, purpose: StatusPurpose) -> Option<bool> {
        let lists = lock(&self.status);
        lists
            .allocation_of(credential_id)
            .map(|a| lists.is_set(a, purpose))
    }

    /// The signed status list credential `n` of `purpose`, signed again only after a change
    /// (`None` when the list does not exist).
    pub fn status_list(
        &self,
        n: u32,
        purpose: StatusPurpose,
        canonicalizer: &dyn Canonicalizer,
        now: i64,
    ) -> Result<Option<Arc<SignedList>>, IssueError> {
        if let Some(list) = lock(&self.signed_lists).get(&(n, purpose)) {
            return Ok(Some(list.clone()));
        }
        let unsigned = {
            let lists = lock(&self.status);
            if !lists.list_numbers().contains(&n) {
                return Ok(None);
            }
            lists.list_credential(n, purpose, &self.issuer.record.did, &format_datetime(now))?
        };
        let suite = match self.format {
            ProofFormat::DataIntegrity(suite) => suite,
            ProofFormat::VcJose => crate::batch::suite_for(self.issuer.secret.key_type()),
        };
        let signed = sign_data_integrity(
            &unsigned,
            suite,
            &self.issuer.secret,
            &SignOptions {
                verification_method: self.issuer.verification_method.clone(),
                proof_purpose: "assertionMethod".into(),
                created: Some(now),
                canonicalizer: Some(canonicalizer),
                ..SignOptions::default()
            },
        )
        .map_err(|source| IssueError::Sign {
            what: format!("status list {n}"),
            source,
        })?;
        let body = serde_json::to_vec(&signed).map_err(|e| IssueError::Parse {
            what: "status list",
            path: PathBuf::from(format!("{n}/{}", purpose.as_str())),
            reason: e.to_string(),
        })?;
        let etag = format!("\"sha256-{}\"", hex_encode(&Sha256::digest(&body)));
        let list = Arc::new(SignedList { body, etag });
        lock(&self.signed_lists).insert((n, purpose), list.clone());
        Ok(Some(list))
    }
}

/// A credential an instance issued, as stored.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct StoredCredential {
    /// The credential's id.
    pub id: String,
    /// The instance that issued it.
    pub issuer: String,
    /// When, Unix seconds.
    pub issued: i64,
    /// The secured credential, as answered.
    pub verifiable_credential: Value,
}

/// Issued credentials as JSON files `DIR/<sha256 of the id>.json`: the id is any IRI, the
/// file name must be safe.
#[derive(Debug, Clone)]
pub struct FileCredentialStore {
    dir: PathBuf,
}

impl FileCredentialStore {
    /// A store in `dir` (made on first write).
    pub fn new(dir: impl Into<PathBuf>) -> FileCredentialStore {
        FileCredentialStore { dir: dir.into() }
    }

    fn path(&self, id: &str) -> PathBuf {
        self.dir.join(format!(
            "{}.json",
            hex_encode(&Sha256::digest(id.as_bytes()))
        ))
    }

    /// Stores (or replaces) a credential.
    pub fn put(&self, credential: &StoredCredential) -> Result<(), IssueError> {
        let path = self.path(&credential.id);
        let bytes = serde_json::to_vec(credential).map_err(|e| IssueError::Parse {
            what: "stored credential",
            path: path.clone(),
            reason: e.to_string(),
        })?;
        write_atomic(&path, &bytes)
    }

    /// The credential with this id, if stored.
    pub fn get(&self, id: &str) -> Result<Option<StoredCredential>, IssueError> {
        let path = self.path(id);
        if !path.exists() {
            return Ok(None);
        }
        let bytes = read_bounded(
            &path,
            MAX_STORED_CREDENTIAL_BYTES,
            "stored credential bytes",
        )?;
        serde_json::from_slice(&bytes)
            .map(Some)
            .map_err(|e| IssueError::Parse {
                what: "stored credential",
                path,
                reason: e.to_string(),
            })
    }

    /// Deletes the credential; `false` when there was none.
    pub fn delete(&self, id: &str) -> Result<bool, IssueError> {
        let path = self.path(id);
        match std::fs::remove_file(&path) {
            Ok(()) => Ok(true),
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => Ok(false),
            Err(e) => Err(IssueError::io(path, e)),
        }
    }
}

/// The instances of one tenant's issuer home, opened on first use and kept.
pub struct Instances {
    home: crate::IssuerHome,
    master: MasterKey,
    status_base: String,
    opened: Mutex<HashMap<String, Arc<Instance>>>,
    credentials: FileCredentialStore,
}

impl std::fmt::Debug for Instances {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Instances")
            .field("home", &self.home.dir())
            .field("status_base", &self.status_base)
            .finish_non_exhaustive()
    }
}

/// The status log of instance `name` (apart from its batches' log `name`).
fn status_log(name: &str) -> String {
    format!("api.{name}")
}

impl Instances {
    /// The instances of `home`; instance `NAME`'s status lists are published at
    /// `{status_base}/NAME/{n}/{purpose}`.
    pub fn new(home: crate::IssuerHome, master: MasterKey, status_base: &str) -> Instances {
        Instances {
            credentials: FileCredentialStore::new(home.dir().join("credentials")),
            home,
            master,
            status_base: status_base.trim_end_matches('/').to_owned(),
            opened: Mutex::new(HashMap::new()),
        }
    }

    /// The issued-credential store.
    pub fn credentials(&self) -> &FileCredentialStore {
        &self.credentials
    }

    /// Creates an instance: the issuer (key generated or imported, sealed) with its settings.
    pub fn create(&self, new: NewInstance) -> Result<Arc<Instance>, IssueError> {
        let format = match &new.settings.proof_format {
            Some(name) => Some(ProofFormat::parse(name)?),
            None => None,
        };
        let key_type = new
            .import
            .as_ref()
            .map_or(new.key_type, credbridge_keys::SecretKey::key_type);
        if let Some(format) = format {
            format.check_key(key_type)?;
        }
        let mut record = create_issuer(
            &self.home.keys(),
            &self.master,
            NewIssuer {
                name: new.name.clone(),
                profile: new.profile,
                did_web: new.did_web,
                key_type,
                import: new.import,
                now: new.now,
            },
        )?;
        record.instance = new.settings;
        self.home.keys().save(&record)?;
        self.open(&new.name)
    }

    /// The instance `name`, opened on first use.
    pub fn open(&self, name: &str) -> Result<Arc<Instance>, IssueError> {
        if let Some(found) = lock(&self.opened).get(name) {
            return Ok(found.clone());
        }
        let issuer = open_issuer(&self.home.keys(), &self.master, name)?;
        let settings = issuer.record.instance.clone();
        let format = match &settings.proof_format {
            Some(name) => ProofFormat::parse(name)?,
            None => ProofFormat::DataIntegrity(crate::batch::suite_for(issuer.secret.key_type())),
        };
        format.check_key(issuer.secret.key_type())?;
        let store: Arc<dyn StatusStore> = self.home.status_store();
        let status = StatusLists::open(
            store,
            &status_log(name),
            &format!("{}/{name}", self.status_base),
            0,
        )?;
        let instance = Arc::new(Instance {
            issuer,
            format,
            settings,
            status: Mutex::new(status),
            log: GroupCommit::default(),
            signed_lists: Mutex::new(HashMap::new()),
        });
        let mut opened = lock(&self.opened);
        Ok(opened.entry(name.to_owned()).or_insert(instance).clone())
    }

    /// Every instance name (every issuer of the home).
    pub fn names(&self) -> Result<Vec<String>, IssueError> {
        self.home.keys().names()
    }

    /// Whether an instance `name` exists.
    pub fn exists(&self, name: &str) -> Result<bool, IssueError> {
        Ok(self.home.keys().load(name)?.is_some())
    }

    /// Sets or clears `purpose` of `credential_id`: in the lists of the instance that issued
    /// it, or else in the lists of a batch (re-publishing that list's file, as
    /// `credbridge revoke` does). [`IssueError::UnknownCredential`] when nobody gave it an
    /// entry.
    pub fn set_status(
        &self,
        credential_id: &str,
        purpose: StatusPurpose,
        value: bool,
        canonicalizer: &dyn Canonicalizer,
        now: i64,
    ) -> Result<(), IssueError> {
        if let Some(stored) = self.credentials.get(credential_id)?
            && self
                .open(&stored.issuer)?
                .set_status(credential_id, purpose, value)?
        {
            return Ok(());
        }
        for name in self.names()? {
            if self
                .open(&name)?
                .set_status(credential_id, purpose, value)?
            {
                return Ok(());
            }
        }
        self.home
            .set_status(
                &self.master,
                &[credential_id.to_owned()],
                purpose,
                value,
                None,
                canonicalizer,
                now,
            )
            .map(|_| ())
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use credbridge_keys::SecretKey;

    fn instances(dir: &std::path::Path) -> Instances {
        Instances::new(
            crate::IssuerHome::new(dir),
            MasterKey::generate().0,
            "https://issuer.example/status",
        )
    }

    #[test]
    fn concurrent_allocations_are_distinct_and_logged_once_each() {
        let dir = std::env::temp_dir().join(format!(
            "credbridge-instance-test-{}-{}",
            std::process::id(),
            new_urn_uuid()
        ));
        let all = instances(&dir);
        let instance = all
            .create(NewInstance {
                name: "status".into(),
                did_web: None,
                key_type: KeyType::Ed25519,
                import: Some(SecretKey::generate(KeyType::Ed25519).unwrap()),
                settings: InstanceSettings {
                    proof_format: Some("eddsa-jcs-2022".into()),
                    status_purposes: vec![StatusPurpose::Revocation],
                    bare_response: false,
                },
                profile: IssuerProfile::default(),
                now: 1_750_000_000,
            })
            .unwrap();
        let did = instance.issuer().record.did.clone();
        let credential = json!({
            "@context": [crate::batch::VC2_CONTEXT],
            "type": ["VerifiableCredential"],
            "issuer": did,
            "credentialSubject": {"id": "did:example:alice"}
        });
        let indexes: Vec<String> = std::thread::scope(|scope| {
            let handles: Vec<_> = (0..8)
                .map(|_| {
                    let instance = &instance;
                    let credential = &credential;
                    let did = did.as_str();
                    scope.spawn(move || {
                        (0..50)
                            .map(|_| {
                                check_issue_input(credential, did).unwrap();
                                let (vc, _) = instance
                                    .prepare(credential.clone(), &IssueOptions::default())
                                    .unwrap();
                                vc["credentialStatus"]["statusListIndex"]
                                    .as_str()
                                    .unwrap()
                                    .to_owned()
                            })
                            .collect::<Vec<_>>()
                    })
                })
                .collect();
            handles
                .into_iter()
                .flat_map(|h| h.join().unwrap())
                .collect()
        });
        let distinct: std::collections::HashSet<&String> = indexes.iter().collect();
        assert_eq!(indexes.len(), 400);
        assert_eq!(distinct.len(), 400, "an index was given twice");
        // Every allocation is in the log (written by shared group commits), once.
        let events = crate::FileStatusStore::new(dir.join("status"))
            .load("api.status")
            .unwrap();
        assert_eq!(events.len(), 400);
        std::fs::remove_dir_all(&dir).ok();
    }

    #[test]
    fn the_issuer_must_be_the_instance_did() {
        let credential = json!({
            "@context": [VC1_CONTEXT],
            "type": ["VerifiableCredential"],
            "issuer": {"id": "did:example:other"},
            "credentialSubject": {"id": "did:example:alice"}
        });
        match check_issue_input(&credential, "did:key:z6Mk") {
            Err(IssueError::CredentialRejected { pointer, .. }) => {
                assert_eq!(pointer, "/issuer/id")
            }
            other => panic!("{other:?}"),
        }
        assert!(check_issue_input(&credential, "did:example:other").is_ok());
    }

    #[test]
    fn proof_formats_check_their_key() {
        for name in PROOF_FORMATS {
            assert_eq!(ProofFormat::parse(name).unwrap().name(), name);
        }
        assert!(ProofFormat::parse("bbs-2023").is_err());
        assert!(
            ProofFormat::parse("ecdsa-rdfc-2019")
                .unwrap()
                .check_key(KeyType::Ed25519)
                .is_err()
        );
        assert!(
            ProofFormat::parse("eddsa-rdfc-2022")
                .unwrap()
                .check_key(KeyType::Ed25519)
                .is_ok()
        );
    }

    #[test]
    fn a_1edtech_credential_gets_one_status_object_or_a_named_refusal() {
        let dir = std::env::temp_dir().join(format!(
            "credbridge-instance-1edtech-{}-{}",
            std::process::id(),
            new_urn_uuid()
        ));
        let all = instances(&dir);
        let instance = all
            .create(NewInstance {
                name: "both".into(),
                did_web: None,
                key_type: KeyType::Ed25519,
                import: Some(SecretKey::generate(KeyType::Ed25519).unwrap()),
                settings: InstanceSettings {
                    proof_format: Some("eddsa-rdfc-2022".into()),
                    status_purposes: vec![StatusPurpose::Revocation, StatusPurpose::Suspension],
                    bare_response: false,
                },
                profile: IssuerProfile::default(),
                now: 1_750_000_000,
            })
            .unwrap();
        let did = instance.issuer().record.did.clone();
        let badge = json!({
            "@context": [crate::batch::VC2_CONTEXT, "https://purl.imsglobal.org/spec/ob/v3p0/context-3.0.3.json"],
            "type": ["VerifiableCredential", "OpenBadgeCredential"],
            "issuer": {"id": did, "type": ["Profile"], "name": "Both"},
            "credentialSubject": {"type": ["AchievementSubject"]}
        });
        match instance.prepare(badge.clone(), &IssueOptions::default()) {
            Err(IssueError::CredentialRejected { pointer, reason }) => {
                assert_eq!(pointer, "/credentialStatus");
                assert!(reason.contains("revocation, suspension"), "{reason}");
            }
            other => panic!("{other:?}"),
        }
        let options = IssueOptions {
            status_purposes: vec![StatusPurpose::Suspension],
            ..IssueOptions::default()
        };
        let (vc, _) = instance.prepare(badge, &options).unwrap();
        assert_eq!(vc["credentialStatus"]["statusPurpose"], "suspension");
        assert!(vc["credentialStatus"].is_object());
        // Any other credential keeps every purpose of the instance, as an array.
        let plain = json!({
            "@context": [crate::batch::VC2_CONTEXT],
            "type": ["VerifiableCredential"],
            "issuer": did,
            "credentialSubject": {"id": "did:example:alice"}
        });
        let (vc, _) = instance.prepare(plain, &IssueOptions::default()).unwrap();
        assert_eq!(vc["credentialStatus"].as_array().map(Vec::len), Some(2));
        std::fs::remove_dir_all(&dir).ok();
    }
}
