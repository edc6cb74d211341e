//! [`Settings`]: plain data, read from an optional TOML file and `CREDBRIDGE_*` environment
//! variables, to which a front end (the CLI's flags, a server's request) adds its own layer.

use std::path::{Path, PathBuf};

use serde::Deserialize;

use crate::{ConfigError, MAX_CONFIG_FILE_BYTES, read_limited};

/// Everything a verifier is built from, as data: paths, switches, ids. No clap and no built
/// objects here; [`Settings::build`](crate::Settings::build) turns it into services.
///
/// Layers, lowest first: [`Settings::default`], the TOML file, the environment
/// ([`Settings::from_env_and_file`]), then the front end's own values (the CLI's flags), which
/// it assigns to the fields directly. A list given at a higher layer replaces the lower one.
///
/// To add a setting (say the server's `data_dir`, `database_url`, `listen`): add a field here
/// (it is then read from the file under its own name), add a row to [`ENV_VARS`] and a line to
/// `apply_env`, and set it from the front end.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
#[serde(default, deny_unknown_fields)]
#[non_exhaustive]
pub struct Settings {
    /// Never touch the network: no HTTP client is built.
    pub offline: bool,
    /// Verify as of this time (RFC 3339) instead of the system clock.
    pub at: Option<String>,
    /// Allowed clock difference between issuer and verifier, in seconds.
    pub max_clock_skew: i64,
    /// Folders of DID / controller documents (searched recursively), resolved without the
    /// network, before it.
    pub did_dirs: Vec<PathBuf>,
    /// A JSON map of URL → local file (relative to the map) for status lists and hosted
    /// documents, consulted before the network.
    pub documents: Option<PathBuf>,
    /// Issuer registry files (Digital Credentials Consortium format), consulted in order,
    /// before the bundled registries.
    pub registries: Vec<PathBuf>,
    /// Consult the bundled snapshots of the Digital Credentials Consortium member and community
    /// registries (on by default; after [`Settings::registries`]).
    pub bundled_registries: bool,
    /// Also consult the bundled DCC *sandbox* registry, whose entries are test issuers (off by
    /// default; only with [`Settings::bundled_registries`]).
    pub sandbox_registries: bool,
    /// Issuer ids trusted outright.
    pub allow_issuers: Vec<String>,
    /// Issuer ids refused.
    pub deny_issuers: Vec<String>,
    /// A recipient identifier to check credentials against (per run or per request).
    pub recipient: Option<String>,
    /// Presentations: the challenge the verifier issued (per run or per request).
    pub challenge: Option<String>,
    /// Presentations: the domain the verifier expects (per run or per request).
    pub domain: Option<String>,
    /// An extra context directory with a `context-map.json`; bundled contexts come first.
    pub contexts: Option<PathBuf>,
    /// A folder for dated snapshots of fetched DID documents and status lists.
    pub snapshots: Option<PathBuf>,
    /// Dangerous, for tests: fetch from loopback addresses over plain http.
    pub dangerous_allow_loopback: bool,
    /// Worker threads for bulk verification (`None`: one per core).
    pub jobs: Option<usize>,
    /// The folder of updated DCC registry snapshots (`credbridge registries update` writes
    /// there); a snapshot found there is used in place of the bundled one. From
    /// `CREDBRIDGE_REGISTRY_SNAPSHOTS`, else `$CREDBRIDGE_DATA_DIR/registries`; the CLI
    /// falls back to the platform's data folder ([`crate::default_registry_dir`]).
    pub registry_snapshots: Option<PathBuf>,
    /// Outbound proxies, from `HTTPS_PROXY` / `HTTP_PROXY` / `NO_PROXY` (and their lower-case
    /// spellings) in the environment layer; never from the settings file.
    #[serde(skip)]
    pub proxy: Option<credbridge_fetch::ProxyConfig>,
}

impl Default for Settings {
    fn default() -> Settings {
        Settings {
            offline: false,
            at: None,
            max_clock_skew: credbridge_verify::DEFAULT_MAX_CLOCK_SKEW,
            did_dirs: Vec::new(),
            documents: None,
            registries: Vec::new(),
            bundled_registries: true,
            sandbox_registries: false,
            allow_issuers: Vec::new(),
            deny_issuers: Vec::new(),
            recipient: None,
            challenge: None,
            domain: None,
            contexts: None,
            snapshots: None,
            dangerous_allow_loopback: false,
            jobs: None,
            registry_snapshots: None,
            proxy: None,
        }
    }
}

/// The environment variables read by [`Settings::from_env_and_file`], with their setting.
/// Lists of paths use the platform's path-list separator (`:` on Unix); lists of issuer ids are
/// separated by white space; switches take `1`/`true`/`yes`/`on` or `0`/`false`/`no`/`off`.
///
/// Also read, as switches: `CREDBRIDGE_BUNDLED_REGISTRIES` (`bundled_registries`) and
/// `CREDBRIDGE_SANDBOX_REGISTRIES` (`sandbox_registries`); they are not rows here yet because
/// the table's test sets every row to a path. And the proxies: `HTTPS_PROXY`, `HTTP_PROXY`,
/// `NO_PROXY` and their lower-case spellings (`proxy`).
pub const ENV_VARS: &[(&str, &str)] = &[
    ("CREDBRIDGE_OFFLINE", "offline"),
    ("CREDBRIDGE_AT", "at"),
    ("CREDBRIDGE_MAX_CLOCK_SKEW", "max_clock_skew"),
    ("CREDBRIDGE_DID_DIRS", "did_dirs"),
    ("CREDBRIDGE_DOCUMENTS", "documents"),
    ("CREDBRIDGE_REGISTRIES", "registries"),
    ("CREDBRIDGE_ALLOW_ISSUERS", "allow_issuers"),
    ("CREDBRIDGE_DENY_ISSUERS", "deny_issuers"),
    ("CREDBRIDGE_CONTEXTS", "contexts"),
    ("CREDBRIDGE_SNAPSHOTS", "snapshots"),
    ("CREDBRIDGE_JOBS", "jobs"),
    ("CREDBRIDGE_REGISTRY_SNAPSHOTS", "registry_snapshots"),
    ("CREDBRIDGE_DATA_DIR", "registry_snapshots"),
];

impl Settings {
    /// Defaults, then the TOML file at `file` (when given), then the `CREDBRIDGE_*` variables
    /// of this process ([`ENV_VARS`]). The caller applies its own flags on top.
    ///
    /// # Errors
    /// [`ConfigError`] naming the file or variable that cannot be read.
    pub fn from_env_and_file(file: Option<&Path>) -> Result<Settings, ConfigError> {
        Settings::from_sources(file, |var| std::env::var_os(var))
    }

    /// [`Settings::from_env_and_file`] with the environment given as a lookup function, so a
    /// test (or an embedding program) need not touch the process environment.
    ///
    /// # Errors
    /// As [`Settings::from_env_and_file`].
    pub fn from_sources(
        file: Option<&Path>,
        env: impl Fn(&str) -> Option<std::ffi::OsString>,
    ) -> Result<Settings, ConfigError> {
        let mut settings = match file {
            Some(path) => Settings::from_toml_file(path)?,
            None => Settings::default(),
        };
        settings.apply_env(env)?;
        Ok(settings)
    }

    /// Defaults overlaid with the TOML file at `path`. Unknown keys are refused (a typo must
    /// not silently fall back to a default).
    ///
    /// # Errors
    /// [`ConfigError::Read`], [`ConfigError::TooLarge`], [`ConfigError::Toml`].
    pub fn from_toml_file(path: &Path) -> Result<Settings, ConfigError> {
        let bytes = read_limited(path, MAX_CONFIG_FILE_BYTES)?;
        let text = String::from_utf8(bytes).map_err(|e| ConfigError::Toml {
            path: path.to_owned(),
            reason: format!("not UTF-8: {e}"),
        })?;
        let mut settings: Settings = toml::from_str(&text).map_err(|e| ConfigError::Toml {
            path: path.to_owned(),
            reason: e.message().to_owned(),
        })?;
        // Relative paths in a file are relative to the file, as for the document map.
        let base = path.parent().unwrap_or(Path::new("."));
        settings.rebase_paths(base);
        Ok(settings)
    }

    fn rebase_paths(&mut self, base: &Path) {
        let join = |p: &mut PathBuf| {
            if p.is_relative() {
                *p = base.join(&*p);
            }
        };
        self.did_dirs.iter_mut().for_each(join);
        self.registries.iter_mut().for_each(join);
        self.documents.iter_mut().for_each(join);
        self.contexts.iter_mut().for_each(join);
        self.snapshots.iter_mut().for_each(join);
        self.registry_snapshots.iter_mut().for_each(join);
    }

    fn apply_env(
        &mut self,
        env: impl Fn(&str) -> Option<std::ffi::OsString>,
    ) -> Result<(), ConfigError> {
        let text = |var: &'static str| -> Result<Option<String>, ConfigError> {
            match env(var) {
                None => Ok(None),
                Some(value) => value
                    .into_string()
                    .map(Some)
                    .map_err(|value| ConfigError::Env {
                        var,
                        value: value.to_string_lossy().into_owned(),
                        expected: "must be UTF-8",
                    }),
            }
        };
        // An empty variable (or an empty entry) is no path: `CREDBRIDGE_DID_DIRS=` clears the list.
        let paths = |var: &'static str| {
            env(var).map(|v| {
                std::env::split_paths(&v)
                    .filter(|p: &PathBuf| !p.as_os_str().is_empty())
                    .collect()
            })
        };
        let words = |value: String| value.split_whitespace().map(str::to_owned).collect();
        if let Some(value) = text("CREDBRIDGE_OFFLINE")? {
            self.offline = switch("CREDBRIDGE_OFFLINE", value)?;
        }
        if let Some(value) = text("CREDBRIDGE_AT")? {
            self.at = Some(value);
        }
        if let Some(value) = text("CREDBRIDGE_MAX_CLOCK_SKEW")? {
            self.max_clock_skew = value.trim().parse().map_err(|_| ConfigError::Env {
                var: "CREDBRIDGE_MAX_CLOCK_SKEW",
                value,
                expected: "must be a whole number of seconds",
            })?;
        }
        if let Some(dirs) = paths("CREDBRIDGE_DID_DIRS") {
            self.did_dirs = dirs;
        }
        if let Some(value) = env("CREDBRIDGE_DOCUMENTS") {
            self.documents = Some(value.into());
        }
        if let Some(files) = paths("CREDBRIDGE_REGISTRIES") {
            self.registries = files;
        }
        if let Some(value) = text("CREDBRIDGE_BUNDLED_REGISTRIES")? {
            self.bundled_registries = switch("CREDBRIDGE_BUNDLED_REGISTRIES", value)?;
        }
        if let Some(value) = text("CREDBRIDGE_SANDBOX_REGISTRIES")? {
            self.sandbox_registries = switch("CREDBRIDGE_SANDBOX_REGISTRIES", value)?;
        }
        if let Some(value) = text("CREDBRIDGE_ALLOW_ISSUERS")? {
            self.allow_issuers = words(value);
        }
        if let Some(value) = text("CREDBRIDGE_DENY_ISSUERS")? {
            self.deny_issuers = words(value);
        }
        if let Some(value) = env("CREDBRIDGE_CONTEXTS") {
            self.contexts = Some(value.into());
        }
        if let Some(value) = env("CREDBRIDGE_SNAPSHOTS") {
            self.snapshots = Some(value.into());
        }
        if let Some(value) = text("CREDBRIDGE_JOBS")? {
            let jobs: usize = value.trim().parse().map_err(|_| ConfigError::Env {
                var: "CREDBRIDGE_JOBS",
                value,
                expected: "must be a whole number of threads (0: one per core)",
            })?;
            self.jobs = Some(jobs);
        }
        if let Some(value) = env("CREDBRIDGE_REGISTRY_SNAPSHOTS") {
            self.registry_snapshots = Some(value.into());
        } else if let Some(data) = env("CREDBRIDGE_DATA_DIR") {
            self.registry_snapshots = Some(PathBuf::from(data).join("registries"));
        }
        if let Some(proxy) = credbridge_fetch::ProxyConfig::from_env(|name| {
            env(name).and_then(|v| v.into_string().ok())
        }) {
            self.proxy = Some(proxy);
        }
        Ok(())
    }
}

fn switch(var: &'static str, value: String) -> Result<bool, ConfigError> {
    match value.trim().to_ascii_lowercase().as_str() {
        "1" | "true" | "yes" | "on" => Ok(true),
        "0" | "false" | "no" | "off" | "" => Ok(false),
        _ => Err(ConfigError::Env {
            var,
            value,
            expected: "must be one of 1/true/yes/on or 0/false/no/off",
        }),
    }
}
