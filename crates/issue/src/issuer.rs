//! Issuer profiles and their keys: the OB 3.0 `Profile`, keys generated or imported, sealed at
//! rest under envelope encryption, rotated without losing old verification methods, and the
//! DID document (did:web) or did:key that publishes them.
//!
//! Envelope encryption: each issuer has its own random 32-byte *data key*, stored sealed under
//! the *master key* (XChaCha20-Poly1305, random 24-byte nonce, the issuer name as associated
//! data). Each secret key is sealed under the data key with the verification-method id as
//! associated data, so a record cannot be moved to another issuer or key slot unnoticed. The
//! master key never touches disk through this crate: the caller reads it from a file or an
//! environment variable and passes [`MasterKey`].

use std::path::{Path, PathBuf};

use base64::Engine;
use base64::engine::general_purpose::STANDARD;
use chacha20poly1305::aead::{Aead, KeyInit, Payload};
use chacha20poly1305::{XChaCha20Poly1305, XNonce};
use credbridge_keys::{DidKey, KeyType, PublicKey, SecretKey};
use rand::RngCore;
use serde::{Deserialize, Serialize};
use serde_json::{Value, json};

use crate::error::IssueError;

/// Longest issuer name (it is a file name and a URL segment).
pub const MAX_ISSUER_NAME_CHARS: usize = 64;

/// Most keys one issuer keeps (every rotation adds one; old ones stay published).
pub const MAX_KEYS_PER_ISSUER: usize = 64;

/// Largest issuer record file read, in bytes.
pub const MAX_ISSUER_RECORD_BYTES: u64 = 1024 * 1024;

/// The master key that seals every issuer's data key: 32 bytes.
#[derive(Clone)]
pub struct MasterKey([u8; 32]);

impl std::fmt::Debug for MasterKey {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("MasterKey(..)")
    }
}

impl MasterKey {
    /// From 32 raw bytes.
    pub fn from_bytes(bytes: [u8; 32]) -> MasterKey {
        MasterKey(bytes)
    }

    /// From text as kept in a key file or an environment variable: 64 hex digits or the
    /// base64 of 32 bytes; surrounding whitespace is ignored.
    pub fn parse(text: &str) -> Result<MasterKey, IssueError> {
        let text = text.trim();
        let bytes = if text.len() == 64 && text.bytes().all(|b| b.is_ascii_hexdigit()) {
            hex_decode(text)
        } else {
            STANDARD.decode(text).ok()
        }
        .ok_or_else(|| IssueError::MasterKey {
            reason: "neither 64 hex digits nor base64".into(),
        })?;
        let array: [u8; 32] = bytes
            .try_into()
            .map_err(|b: Vec<u8>| IssueError::MasterKey {
                reason: format!("{} bytes, expected 32", b.len()),
            })?;
        Ok(MasterKey(array))
    }

    /// Reads [`MasterKey::parse`] text from a file (the caller chose the file).
    pub fn from_file(path: &Path) -> Result<MasterKey, IssueError> {
        let text = std::fs::read_to_string(path).map_err(|e| IssueError::io(path, e))?;
        MasterKey::parse(&text)
    }

    /// A 32-byte key for another use of the master key (e.g. sealing the Open Badges API
    /// consumer's tokens), derived with HMAC-SHA-256 under the master key over `label`, so
    /// that no two uses share a key and the master key itself seals only issuer keys.
    #[must_use]
    pub fn derive_key(&self, label: &str) -> [u8; 32] {
        use hmac::Mac as _;
        // HMAC accepts a key of any length, so this cannot fail.
        let mut mac = <hmac::Hmac<sha2::Sha256> as hmac::Mac>::new_from_slice(&self.0)
            .unwrap_or_else(|_| unreachable!("HMAC takes any key length"));
        mac.update(label.as_bytes());
        mac.finalize().into_bytes().into()
    }

    /// A fresh random master key and its hex text, for first-time setup.
    pub fn generate() -> (MasterKey, String) {
        let mut bytes = [0u8; 32];
        rand::rngs::OsRng.fill_bytes(&mut bytes);
        (MasterKey(bytes), hex_encode(&bytes))
    }
}

pub(crate) fn hex_encode(bytes: &[u8]) -> String {
    use std::fmt::Write;
    let mut out = String::with_capacity(bytes.len() * 2);
    for b in bytes {
        let _ = write!(out, "{b:02x}");
    }
    out
}

fn hex_decode(text: &str) -> Option<Vec<u8>> {
    let digits = text.as_bytes();
    digits
        .chunks(2)
        .map(|pair| {
            std::str::from_utf8(pair)
                .ok()
                .and_then(|s| u8::from_str_radix(s, 16).ok())
        })
        .collect()
}

/// An AEAD-sealed value: XChaCha20-Poly1305, base64 nonce and ciphertext.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Sealed {
    /// The algorithm (`XChaCha20-Poly1305`), so a later format can be told apart.
    pub alg: String,
    /// 24-byte nonce, base64.
    pub nonce: String,
    /// Ciphertext with its tag, base64.
    pub ciphertext: String,
}

const SEAL_ALG: &str = "XChaCha20-Poly1305";

fn seal(key: &[u8; 32], plaintext: &[u8], aad: &[u8]) -> Result<Sealed, IssueError> {
    let cipher = XChaCha20Poly1305::new(key.into());
    let mut nonce = [0u8; 24];
    rand::rngs::OsRng.fill_bytes(&mut nonce);
    let ciphertext = cipher
        .encrypt(
            XNonce::from_slice(&nonce),
            Payload {
                msg: plaintext,
                aad,
            },
        )
        .map_err(|_| IssueError::MasterKey {
            reason: "encryption failed".into(),
        })?;
    Ok(Sealed {
        alg: SEAL_ALG.into(),
        nonce: STANDARD.encode(nonce),
        ciphertext: STANDARD.encode(ciphertext),
    })
}

fn open(key: &[u8; 32], sealed: &Sealed, aad: &[u8]) -> Option<Vec<u8>> {
    if sealed.alg != SEAL_ALG {
        return None;
    }
    let nonce = STANDARD.decode(&sealed.nonce).ok()?;
    if nonce.len() != 24 {
        return None;
    }
    let ciphertext = STANDARD.decode(&sealed.ciphertext).ok()?;
    XChaCha20Poly1305::new(key.into())
        .decrypt(
            XNonce::from_slice(&nonce),
            Payload {
                msg: &ciphertext,
                aad,
            },
        )
        .ok()
}

/// An OB 3.0 `Profile` of an issuer (OB 3.0 §B.1.18): what the credentials say about who
/// issued them. `id` is the issuer's DID and is filled in by [`create_issuer`].
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct IssuerProfile {
    /// Display name.
    pub name: String,
    /// Home page.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub url: Option<String>,
    /// Contact email.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub email: Option<String>,
    /// Description.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub description: Option<String>,
    /// Logo: an IRI or an OB 3.0 `Image` object (with `caption` as alt text).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub image: Option<Value>,
    /// Postal address (OB 3.0 `Address` object).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub address: Option<Value>,
    /// Official identifiers (OB 3.0 `IdentifierEntry` objects: `identifier`, `identifierType`
    /// such as `ext:IPEDS`, `ext:UKPRN`, `ext:OPEID`).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub other_identifier: Vec<IdentifierEntry>,
    /// Name of an authority the issuer is recognised by (`official`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub official: Option<String>,
}

/// OB 3.0 `IdentifierEntry`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct IdentifierEntry {
    /// The identifier.
    pub identifier: String,
    /// Its type (`IdentifierTypeEnum` or `ext:…`).
    pub identifier_type: String,
}

impl IssuerProfile {
    /// Reads a profile from a YAML or JSON file (`credbridge issuer create NAME --profile
    /// FILE`), with the OB 3.0 property names: `name`, `url`, `email`, `description`, `image`,
    /// `address`, `otherIdentifier`, `official`.
    pub fn load(path: &Path) -> Result<IssuerProfile, IssueError> {
        let bytes = read_bounded(path, MAX_ISSUER_RECORD_BYTES, "profile file bytes")?;
        serde_norway::from_slice(&bytes).map_err(|e| IssueError::Parse {
            what: "issuer profile",
            path: path.to_owned(),
            reason: e.to_string(),
        })
    }

    /// The `issuer` object of a credential: this profile with `id` and `type`.
    pub fn to_json(&self, did: &str) -> Value {
        let mut value = serde_json::to_value(self).unwrap_or_else(|_| json!({}));
        if let Some(map) = value.as_object_mut() {
            let mut out = serde_json::Map::new();
            out.insert("id".into(), did.into());
            out.insert("type".into(), json!(["Profile"]));
            for (k, v) in std::mem::take(map) {
                if k == "otherIdentifier" {
                    let entries: Vec<Value> = self
                        .other_identifier
                        .iter()
                        .map(|e| {
                            json!({"type": "IdentifierEntry", "identifier": e.identifier,
                                   "identifierType": e.identifier_type})
                        })
                        .collect();
                    out.insert(k, Value::Array(entries));
                } else {
                    out.insert(k, v);
                }
            }
            return Value::Object(out);
        }
        value
    }
}

/// One key of an issuer as stored: public part in the clear, secret part sealed.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct StoredKey {
    /// Verification method id (`did:web:example.edu#key-1`, `did:key:z…#z…`).
    pub id: String,
    /// `Ed25519` or `P-256`.
    pub key_type: String,
    /// Multikey `publicKeyMultibase`.
    pub public_key_multibase: String,
    /// The secret key sealed under the issuer's data key.
    pub sealed_secret: Sealed,
    /// When it was added, Unix seconds.
    pub created: i64,
    /// When it stopped signing (rotated out), Unix seconds. It stays published.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub retired: Option<i64>,
}

/// An issuer as persisted by a [`KeyStore`]: nothing in it is secret in the clear.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct IssuerRecord {
    /// Record format version.
    pub version: u32,
    /// The tenant-unique name.
    pub name: String,
    /// The issuer DID (did:key or did:web).
    pub did: String,
    /// The OB 3.0 profile.
    pub profile: IssuerProfile,
    /// The data key, sealed under the master key.
    pub sealed_data_key: Sealed,
    /// Keys, oldest first; the last one not retired signs.
    pub keys: Vec<StoredKey>,
    /// As a VC API issuer instance: its proof format and status purposes.
    #[serde(
        default,
        skip_serializing_if = "crate::instance::InstanceSettings::is_empty"
    )]
    pub instance: crate::instance::InstanceSettings,
}

/// Persistence of issuer records. The file-backed [`FileKeyStore`] serves the CLI; the store
/// crate implements this for SQLite/PostgreSQL.
pub trait KeyStore: Send + Sync {
    /// The record of `name`, if any.
    fn load(&self, name: &str) -> Result<Option<IssuerRecord>, IssueError>;
    /// Saves (creates or replaces) a record.
    fn save(&self, record: &IssuerRecord) -> Result<(), IssueError>;
    /// All issuer names.
    fn names(&self) -> Result<Vec<String>, IssueError>;
}

/// Issuer records as JSON files `DIR/NAME.json`, written atomically (temp file + rename).
#[derive(Debug, Clone)]
pub struct FileKeyStore {
    dir: PathBuf,
}

impl FileKeyStore {
    /// A store in `dir` (created on first save).
    pub fn new(dir: impl Into<PathBuf>) -> FileKeyStore {
        FileKeyStore { dir: dir.into() }
    }

    fn path(&self, name: &str) -> PathBuf {
        self.dir.join(format!("{name}.json"))
    }
}

pub(crate) fn write_atomic(path: &Path, bytes: &[u8]) -> Result<(), IssueError> {
    if let Some(parent) = path.parent() {
        std::fs::create_dir_all(parent).map_err(|e| IssueError::io(parent, e))?;
    }
    // `NAME.tmp` beside `NAME`: the full name, so `X.json` and `X.png` never share a temp file.
    let mut tmp_name = path.file_name().unwrap_or_default().to_os_string();
    tmp_name.push(".tmp");
    let tmp = path.with_file_name(tmp_name);
    std::fs::write(&tmp, bytes).map_err(|e| IssueError::io(&tmp, e))?;
    std::fs::rename(&tmp, path).map_err(|e| IssueError::io(path, e))
}

pub(crate) fn read_bounded(
    path: &Path,
    limit: u64,
    what: &'static str,
) -> Result<Vec<u8>, IssueError> {
    use std::io::Read;
    let file = std::fs::File::open(path).map_err(|e| IssueError::io(path, e))?;
    let mut bytes = Vec::new();
    file.take(limit + 1)
        .read_to_end(&mut bytes)
        .map_err(|e| IssueError::io(path, e))?;
    if bytes.len() as u64 > limit {
        return Err(IssueError::LimitExceeded {
            what,
            found: bytes.len(),
            limit: usize::try_from(limit).unwrap_or(usize::MAX),
        });
    }
    Ok(bytes)
}

impl KeyStore for FileKeyStore {
    fn load(&self, name: &str) -> Result<Option<IssuerRecord>, IssueError> {
        check_name(name)?;
        let path = self.path(name);
        if !path.exists() {
            return Ok(None);
        }
        let bytes = read_bounded(&path, MAX_ISSUER_RECORD_BYTES, "issuer record bytes")?;
        serde_json::from_slice(&bytes)
            .map(Some)
            .map_err(|e| IssueError::Parse {
                what: "issuer record",
                path,
                reason: e.to_string(),
            })
    }

    fn save(&self, record: &IssuerRecord) -> Result<(), IssueError> {
        check_name(&record.name)?;
        let bytes = serde_json::to_vec_pretty(record).map_err(|e| IssueError::Parse {
            what: "issuer record",
            path: self.path(&record.name),
            reason: e.to_string(),
        })?;
        write_atomic(&self.path(&record.name), &bytes)
    }

    fn names(&self) -> Result<Vec<String>, IssueError> {
        let entries = match std::fs::read_dir(&self.dir) {
            Ok(entries) => entries,
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(Vec::new()),
            Err(e) => return Err(IssueError::io(&self.dir, e)),
        };
        let mut names: Vec<String> = entries
            .filter_map(Result::ok)
            .filter_map(|e| {
                e.file_name()
                    .to_str()
                    .and_then(|n| n.strip_suffix(".json"))
                    .map(str::to_owned)
            })
            .collect();
        names.sort();
        Ok(names)
    }
}

pub(crate) fn check_name(name: &str) -> Result<(), IssueError> {
    let ok = !name.is_empty()
        && name.chars().count() <= MAX_ISSUER_NAME_CHARS
        && name
            .bytes()
            .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'-' || b == b'_');
    if ok {
        Ok(())
    } else {
        Err(IssueError::IssuerName {
            name: name.to_owned(),
        })
    }
}

/// What [`create_issuer`] makes.
#[derive(Debug, Clone)]
pub struct NewIssuer {
    /// Tenant-unique name (`a-z0-9-_`).
    pub name: String,
    /// The profile (`id` is set to the DID).
    pub profile: IssuerProfile,
    /// `Some("example.edu")` or `Some("example.edu:issuers:x")` for did:web; `None` for did:key.
    pub did_web: Option<String>,
    /// Ed25519 (default) or P-256.
    pub key_type: KeyType,
    /// A secret key to import instead of generating one.
    pub import: Option<SecretKey>,
    /// Creation time, Unix seconds.
    pub now: i64,
}

fn parse_key_type(name: &str) -> Option<KeyType> {
    [KeyType::Ed25519, KeyType::P256, KeyType::P384]
        .into_iter()
        .find(|k| k.name() == name)
}

fn supported(key_type: KeyType) -> Result<(), IssueError> {
    if parse_key_type(key_type.name()).is_some() {
        Ok(())
    } else {
        Err(IssueError::UnsupportedKeyType {
            key_type: key_type.name(),
        })
    }
}

fn seal_key(
    data_key: &[u8; 32],
    id: String,
    secret: &SecretKey,
    now: i64,
) -> Result<StoredKey, IssueError> {
    let raw = secret
        .to_raw_bytes()
        .ok_or(IssueError::UnsupportedKeyType {
            key_type: secret.key_type().name(),
        })?;
    Ok(StoredKey {
        sealed_secret: seal(data_key, &raw, id.as_bytes())?,
        key_type: secret.key_type().name().to_owned(),
        public_key_multibase: secret.public_key().to_multikey(),
        id,
        created: now,
        retired: None,
    })
}

/// Creates an issuer: a data key, a first key (generated or imported), the DID, and saves the
/// record.
pub fn create_issuer(
    store: &dyn KeyStore,
    master: &MasterKey,
    new: NewIssuer,
) -> Result<IssuerRecord, IssueError> {
    check_name(&new.name)?;
    if store.load(&new.name)?.is_some() {
        return Err(IssueError::IssuerExists { name: new.name });
    }
    let secret = match new.import {
        Some(key) => key,
        None => SecretKey::generate(new.key_type)?,
    };
    supported(secret.key_type())?;
    let mut data_key = [0u8; 32];
    rand::rngs::OsRng.fill_bytes(&mut data_key);
    let (did, vm_id) = match &new.did_web {
        Some(domain) => {
            let did = format!("did:web:{domain}");
            (did.clone(), format!("{did}#key-1"))
        }
        None => {
            let did_key = DidKey::from_public_key(&secret.public_key());
            (did_key.did.clone(), did_key.verification_method_id())
        }
    };
    let record = IssuerRecord {
        version: 1,
        sealed_data_key: seal(&master.0, &data_key, new.name.as_bytes())?,
        keys: vec![seal_key(&data_key, vm_id, &secret, new.now)?],
        name: new.name,
        did,
        profile: new.profile,
        instance: crate::instance::InstanceSettings::default(),
    };
    store.save(&record)?;
    Ok(record)
}

/// Adds a new signing key to a did:web issuer; the previous key is marked retired but stays in
/// the DID document's `verificationMethod` and `assertionMethod`, so credentials it signed
/// still verify. Returns the updated record.
pub fn rotate_key(
    store: &dyn KeyStore,
    master: &MasterKey,
    name: &str,
    key_type: KeyType,
    now: i64,
) -> Result<IssuerRecord, IssueError> {
    supported(key_type)?;
    let mut record = store.load(name)?.ok_or_else(|| IssueError::UnknownIssuer {
        name: name.to_owned(),
    })?;
    if !record.did.starts_with("did:web:") {
        return Err(IssueError::RotationNeedsDidWeb {
            issuer: record.name,
            did: record.did,
        });
    }
    if record.keys.len() >= MAX_KEYS_PER_ISSUER {
        return Err(IssueError::LimitExceeded {
            what: "keys per issuer",
            found: record.keys.len() + 1,
            limit: MAX_KEYS_PER_ISSUER,
        });
    }
    let data_key = open_data_key(&record, master)?;
    for key in &mut record.keys {
        key.retired.get_or_insert(now);
    }
    let id = format!("{}#key-{}", record.did, record.keys.len() + 1);
    let secret = SecretKey::generate(key_type)?;
    record.keys.push(seal_key(&data_key, id, &secret, now)?);
    store.save(&record)?;
    Ok(record)
}

fn open_data_key(record: &IssuerRecord, master: &MasterKey) -> Result<[u8; 32], IssueError> {
    open(&master.0, &record.sealed_data_key, record.name.as_bytes())
        .and_then(|bytes| <[u8; 32]>::try_from(bytes).ok())
        .ok_or_else(|| IssueError::Unseal {
            issuer: record.name.clone(),
            key_id: "the data key".into(),
        })
}

/// An issuer ready to sign: its record and the unsealed current key.
#[derive(Debug)]
pub struct Issuer {
    /// The record.
    pub record: IssuerRecord,
    /// The signing key (the newest, not retired).
    pub secret: SecretKey,
    /// Its verification method id.
    pub verification_method: String,
}

impl Issuer {
    /// The credential's `issuer` value: the profile with the DID as id.
    pub fn profile_json(&self) -> Value {
        self.record.profile.to_json(&self.record.did)
    }
}

/// Loads `name` and unseals its signing key.
pub fn open_issuer(
    store: &dyn KeyStore,
    master: &MasterKey,
    name: &str,
) -> Result<Issuer, IssueError> {
    let record = store.load(name)?.ok_or_else(|| IssueError::UnknownIssuer {
        name: name.to_owned(),
    })?;
    let data_key = open_data_key(&record, master)?;
    let current = record
        .keys
        .iter()
        .rev()
        .find(|k| k.retired.is_none())
        .or(record.keys.last())
        .ok_or_else(|| IssueError::Unseal {
            issuer: record.name.clone(),
            key_id: "(no keys)".into(),
        })?;
    let unseal_err = || IssueError::Unseal {
        issuer: record.name.clone(),
        key_id: current.id.clone(),
    };
    let raw =
        open(&data_key, &current.sealed_secret, current.id.as_bytes()).ok_or_else(unseal_err)?;
    let key_type = parse_key_type(&current.key_type).ok_or_else(unseal_err)?;
    let secret = SecretKey::from_raw_bytes(key_type, &raw)?;
    Ok(Issuer {
        verification_method: current.id.clone(),
        secret,
        record,
    })
}

/// The issuer's DID document: for did:web, every key ever used (retired ones too) as a
/// `Multikey` under `assertionMethod`, so credentials signed before a rotation still verify;
/// serve it at the URL [`credbridge_keys::did_web_to_url`] gives. For did:key, the document
/// the DID encodes.
pub fn did_document(record: &IssuerRecord) -> Result<Value, IssueError> {
    if !record.did.starts_with("did:web:") {
        let key = record
            .keys
            .first()
            .map(|k| PublicKey::from_multikey(&k.public_key_multibase))
            .transpose()?
            .ok_or_else(|| IssueError::UnknownIssuer {
                name: record.name.clone(),
            })?;
        return Ok(DidKey::from_public_key(&key).document());
    }
    let methods: Vec<Value> = record
        .keys
        .iter()
        .map(|k| {
            json!({
                "id": k.id,
                "type": "Multikey",
                "controller": record.did,
                "publicKeyMultibase": k.public_key_multibase,
            })
        })
        .collect();
    let ids: Vec<&str> = record.keys.iter().map(|k| k.id.as_str()).collect();
    // Only the active key may authenticate; every key, retired or not, stays an assertion
    // method, because a credential's proof is checked against it for the credential's life.
    let active: Vec<&str> = record
        .keys
        .iter()
        .filter(|k| k.retired.is_none())
        .map(|k| k.id.as_str())
        .collect();
    Ok(json!({
        "@context": ["https://www.w3.org/ns/did/v1", "https://w3id.org/security/multikey/v1"],
        "id": record.did,
        "verificationMethod": methods,
        "assertionMethod": ids,
        "authentication": active,
    }))
}
