//! [`ConfigError`]: why settings could not be read or built, naming the setting, file or
//! variable; and [`Warning`]: what was skipped while building, for the caller to show.

use std::path::PathBuf;

/// Why settings could not be read or turned into built services. Every variant names the file,
/// folder or environment variable at fault.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum ConfigError {
    /// A file could not be opened or read.
    #[error("reading {}: {reason}", path.display())]
    Read {
        /// The file.
        path: PathBuf,
        /// The system's message.
        reason: String,
    },
    /// A file is larger than [`crate::MAX_CONFIG_FILE_BYTES`].
    #[error("{} is larger than the {limit}-byte limit for configuration files", path.display())]
    TooLarge {
        /// The file.
        path: PathBuf,
        /// The limit.
        limit: u64,
    },
    /// A JSON file (document map, registry) is not valid JSON.
    #[error("{} is not valid JSON: {reason}", path.display())]
    Json {
        /// The file.
        path: PathBuf,
        /// The parser's message (line and column).
        reason: String,
    },
    /// The settings file is not valid TOML or names an unknown setting.
    #[error("{} is not a valid settings file: {reason}", path.display())]
    Toml {
        /// The file.
        path: PathBuf,
        /// The parser's message.
        reason: String,
    },
    /// An environment variable holds a value its setting cannot take.
    #[error("{var}={value:?}: {expected}")]
    Env {
        /// The variable.
        var: &'static str,
        /// Its value.
        value: String,
        /// What it must be.
        expected: &'static str,
    },
    /// The verification time is neither an RFC 3339 date-time nor a date.
    #[error(
        "{setting} {value:?} is neither an RFC 3339 date-time (2025-06-01T00:00:00Z) nor a date (2025-06-01, the start of that day in UTC)"
    )]
    Time {
        /// Where it was given (`--at`, `CREDBRIDGE_AT`, `at`).
        setting: &'static str,
        /// The value.
        value: String,
    },
    /// The system clock cannot be read as Unix seconds.
    #[error("the system clock is out of range: {reason}")]
    Clock {
        /// Why.
        reason: String,
    },
    /// A folder (DID documents) could not be listed.
    #[error("reading the DID folder {}: {reason}", path.display())]
    DidFolder {
        /// The folder.
        path: PathBuf,
        /// The system's message.
        reason: String,
    },
    /// The document map is not a JSON object of URL → file.
    #[error("{}: {reason}", path.display())]
    DocumentMap {
        /// The map file.
        path: PathBuf,
        /// What is wrong.
        reason: String,
    },
    /// An issuer registry could not be read.
    #[error("reading the registry {}: {source}", path.display())]
    Registry {
        /// The registry file.
        path: PathBuf,
        /// The registry reader's error.
        source: credbridge_verify::RegistryError,
    },
    /// A bundled registry snapshot could not be read (a build defect: they are compiled in).
    #[error("reading the bundled registries: {source}")]
    BundledRegistries {
        /// The registry reader's error.
        source: credbridge_verify::RegistryError,
    },
    /// A DCC registry could not be updated (offline, unreachable, not a registry); the snapshot
    /// in use before stays in use.
    #[error(
        "could not update the {title} from {url}: {reason}; the snapshot in use before stays in use"
    )]
    RegistryUpdate {
        /// The registry's name.
        title: &'static str,
        /// Where it was fetched from.
        url: String,
        /// Why (the fetch error, which names the URL, or why the document is no registry).
        reason: String,
    },
    /// An updated registry snapshot could not be read or written.
    #[error("registry snapshot {}: {reason}", path.display())]
    RegistrySnapshot {
        /// The snapshot file or folder.
        path: PathBuf,
        /// Why.
        reason: String,
    },
    /// The context directory could not be read.
    #[error("reading the context directory {}: {reason}", path.display())]
    Contexts {
        /// The directory.
        path: PathBuf,
        /// The loader's message.
        reason: String,
    },
    /// The snapshot folder could not be opened.
    #[error("opening the snapshot folder {}: {source}", path.display())]
    Snapshots {
        /// The folder.
        path: PathBuf,
        /// The fetch crate's error.
        source: credbridge_fetch::FetchError,
    },
}

/// Something skipped while building, that the caller should show (on stderr for the CLI, in
/// the log for the server) without refusing the run.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum Warning {
    /// A file in a `did_dirs` folder that is not a usable DID or controller document.
    #[error("skipped {}: {reason}", path.display())]
    SkippedDidFile {
        /// The file.
        path: PathBuf,
        /// Why it was skipped.
        reason: String,
    },
}
