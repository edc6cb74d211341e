//! The crate's one error enum (STYLE §4). Bad input (a template, a roster row, a key file),
//! API misuse, and the environment (I/O) are kept apart by variant.

use std::path::PathBuf;

/// Everything that can stop an issuer operation. A bad roster row is *not* an error: it is a
/// [`crate::RowError`] in the batch report and the batch goes on.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum IssueError {
    /// A file could not be read or written.
    #[error("{}: {source}", path.display())]
    Io {
        /// The file.
        path: PathBuf,
        /// The cause.
        source: std::io::Error,
    },
    /// A JSON or YAML document could not be parsed.
    #[error("{what} {}: {reason}", path.display())]
    Parse {
        /// What the file was meant to be (template, mapping, roster, issuer record).
        what: &'static str,
        /// The file (or `<memory>`).
        path: PathBuf,
        /// The parser's message (line and column when it gives them).
        reason: String,
    },
    /// An input is larger than a named limit.
    #[error("{what} is larger than the limit of {limit} (found {found})")]
    LimitExceeded {
        /// Which dimension.
        what: &'static str,
        /// What was found.
        found: usize,
        /// The limit (its constant is named in the docs of the calling function).
        limit: usize,
    },
    /// A template misses something issuance cannot do without.
    #[error("template {pointer}: {reason} (hint: {hint})")]
    TemplateInvalid {
        /// JSON pointer into the template.
        pointer: String,
        /// What is wrong.
        reason: String,
        /// How to fix it.
        hint: &'static str,
    },
    /// A column mapping names a column the roster does not have.
    #[error("roster {}: the mapping names column {column:?} for {field}, but the header has {header:?}", path.display())]
    MappingColumnMissing {
        /// The roster.
        path: PathBuf,
        /// Our field.
        field: &'static str,
        /// The column the mapping names.
        column: String,
        /// The header found.
        header: Vec<String>,
    },
    /// A roster has no usable header and no mapping.
    #[error("roster {}: header {header:?} lacks {missing:?} (hint: use the header email,given_name,family_name,awarded_at or give a mapping file)", path.display())]
    RosterHeader {
        /// The roster.
        path: PathBuf,
        /// The header found.
        header: Vec<String>,
        /// Required columns that are absent.
        missing: Vec<&'static str>,
    },
    /// No issuer of that name in the key store.
    #[error("no issuer named {name:?} (hint: create it with `credbridge issuer create {name}`)")]
    UnknownIssuer {
        /// The name asked for.
        name: String,
    },
    /// An issuer of that name already exists.
    #[error("an issuer named {name:?} already exists")]
    IssuerExists {
        /// The name.
        name: String,
    },
    /// An issuer name that cannot be a file name.
    #[error("issuer name {name:?} must be 1-64 characters of a-z, 0-9, '-' or '_'")]
    IssuerName {
        /// The name.
        name: String,
    },
    /// The master key is unusable.
    #[error(
        "master key: {reason} (hint: 32 random bytes, hex or base64, e.g. `openssl rand -hex 32`)"
    )]
    MasterKey {
        /// Why.
        reason: String,
    },
    /// A sealed secret key did not open: wrong master key or a tampered record.
    #[error(
        "issuer {issuer:?}: the secret key of {key_id} does not open with this master key (wrong key or tampered record)"
    )]
    Unseal {
        /// The issuer.
        issuer: String,
        /// The verification method id.
        key_id: String,
    },
    /// Rotation is only possible where the DID outlives its key.
    #[error(
        "issuer {issuer:?} uses {did}: a did:key is its key, so rotating it makes a new issuer (hint: create the issuer with --did-web DOMAIN to rotate keys)"
    )]
    RotationNeedsDidWeb {
        /// The issuer.
        issuer: String,
        /// Its DID.
        did: String,
    },
    /// Issuer keys are Ed25519, P-256 or P-384.
    #[error("key type {key_type} is not supported for issuer keys (hint: use Ed25519 or P-256)")]
    UnsupportedKeyType {
        /// The key type.
        key_type: &'static str,
    },
    /// A key operation failed (generation, import, encoding).
    #[error("key: {0}")]
    Key(#[from] credbridge_keys::KeyError),
    /// Signing failed.
    #[error("signing {what}: {source}")]
    Sign {
        /// What was being signed (a credential id or a status list id).
        what: String,
        /// The cause.
        source: credbridge_proofs::ProofError,
    },
    /// Baking into an image failed.
    #[error("baking {credential_id}: {reason}")]
    Bake {
        /// The credential.
        credential_id: String,
        /// The cause.
        reason: String,
    },
    /// No credential with that id was issued by this store.
    #[error(
        "no status entry for credential {credential_id:?} (hint: ids are listed in the batch manifest.csv)"
    )]
    UnknownCredential {
        /// The id asked for.
        credential_id: String,
    },
    /// Every status list of the issuer is full and a new one could not be made.
    #[error("status list {list_id}: no free index left among {size} entries")]
    StatusListFull {
        /// The list.
        list_id: String,
        /// Its size.
        size: usize,
    },
    /// The model crate's status-list codec refused to encode a list.
    #[error("status list {list_id}: {source}")]
    StatusList {
        /// The list's URL.
        list_id: String,
        /// The codec's reason.
        source: credbridge_model::status_list::StatusError,
    },
    /// A journal or status record on disk is damaged.
    #[error("{} line {line}: {reason}", path.display())]
    JournalDamaged {
        /// The file.
        path: PathBuf,
        /// 1-based line.
        line: usize,
        /// What is wrong.
        reason: String,
    },
    /// A credential sent to be issued breaks a rule of the VC API or the data model; nothing
    /// was signed.
    #[error("credential{pointer}: {reason}")]
    CredentialRejected {
        /// JSON pointer into the credential (`""` for the whole document).
        pointer: String,
        /// What is wrong, and the rule.
        reason: String,
    },
    /// An issue option (`options` of `POST /credentials/issue`) is unusable.
    #[error("options.{option}: {reason}")]
    OptionRejected {
        /// The option's name.
        option: &'static str,
        /// What is wrong.
        reason: String,
    },
    /// A proof format name no issuer instance can sign with.
    #[error("unknown proof format {name:?}; choose one of {}", known.join(", "))]
    UnknownProofFormat {
        /// The name given.
        name: String,
        /// The names accepted.
        known: Vec<&'static str>,
    },
    /// The instance's key does not fit its proof format.
    #[error("proof format {format} cannot sign with a {key_type} key (it takes {accepted})")]
    KeyDoesNotFitFormat {
        /// The proof format.
        format: &'static str,
        /// The key's type.
        key_type: &'static str,
        /// The key types it takes.
        accepted: String,
    },
    /// Writing the batch zip failed.
    #[error("zip {}: {reason}", path.display())]
    Zip {
        /// The zip file.
        path: PathBuf,
        /// The cause.
        reason: String,
    },
}

impl IssueError {
    pub(crate) fn io(path: impl Into<PathBuf>, source: std::io::Error) -> IssueError {
        IssueError::Io {
            path: path.into(),
            source,
        }
    }
}
