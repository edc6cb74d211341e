//! [`ServeSettings`]: what `credbridge serve` runs with, from (highest first) flags,
//! `CREDBRIDGE_*` environment variables, an optional TOML file, and defaults. The caller (the
//! CLI) passes each layer in; this crate reads no environment or file on its own (STYLE §2).

use std::net::SocketAddr;
use std::path::PathBuf;
use std::time::Duration;

use serde::Deserialize;

/// The address `serve` listens on by default.
pub const DEFAULT_LISTEN: &str = "127.0.0.1:8080";

/// The largest request body accepted (VCALM recommends 10 MB per credential).
pub const MAX_BODY_BYTES: usize = 10 * 1024 * 1024;

/// How long one request may spend verifying before it is answered with a 503 problem.
pub const DEFAULT_TIME_BUDGET: Duration = Duration::from_secs(10);

/// The largest configuration file read.
pub const MAX_CONFIG_FILE_BYTES: usize = 1024 * 1024;

/// How long one webhook delivery may take (connect, send, answer) by default.
pub const DEFAULT_WEBHOOK_TIMEOUT: Duration = Duration::from_secs(10);

/// How often the webhook worker looks for due deliveries by default.
pub const DEFAULT_WEBHOOK_POLL: Duration = Duration::from_secs(1);

/// Webhook delivery settings (`webhook-*` keys, `CREDBRIDGE_WEBHOOK_*` variables).
#[derive(Debug, Clone, PartialEq)]
pub struct WebhookSettings {
    /// Allows `http://` subscription URLs (default: https only).
    pub allow_http: bool,
    /// Allows delivering to loopback addresses (tests, a receiver on the same host); every
    /// other non-public range stays refused.
    pub dangerous_allow_loopback: bool,
    /// One delivery's time limit; a claimed delivery is leased for twice this.
    pub timeout: Duration,
    /// How often due deliveries are looked for.
    pub poll_interval: Duration,
    /// Backoff and give-up rule.
    pub retry: credbridge_export::webhook::RetrySchedule,
}

impl Default for WebhookSettings {
    fn default() -> WebhookSettings {
        WebhookSettings {
            allow_http: false,
            dangerous_allow_loopback: false,
            timeout: DEFAULT_WEBHOOK_TIMEOUT,
            poll_interval: DEFAULT_WEBHOOK_POLL,
            retry: credbridge_export::webhook::RetrySchedule::default(),
        }
    }
}

/// Log line format.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum LogFormat {
    /// Human-readable lines.
    #[default]
    Text,
    /// One JSON object per line.
    Json,
}

/// Everything `serve` needs, resolved.
#[derive(Debug, Clone, PartialEq)]
pub struct ServeSettings {
    /// Where to listen.
    pub listen: SocketAddr,
    /// The data folder (the SQLite file lives here).
    pub data_dir: PathBuf,
    /// A `postgres://` URL; `None` for the embedded SQLite file.
    pub database_url: Option<String>,
    /// `--dev`: no authentication (loopback only), one default tenant.
    pub dev: bool,
    /// Log format.
    pub log_format: LogFormat,
    /// The request body limit, bytes.
    pub max_body_bytes: usize,
    /// The per-request time budget.
    pub time_budget: Duration,
    /// Verify without the network (status lists, did:web, hosted badges: could not check).
    pub offline: bool,
    /// Webhook delivery.
    pub webhooks: WebhookSettings,
    /// A second, HTTPS listener (with [`ServeSettings::tls_cert`] and
    /// [`ServeSettings::tls_key`]), for clients that fetch status lists only over https.
    pub https_listen: Option<SocketAddr>,
    /// The HTTPS certificate chain, PEM.
    pub tls_cert: Option<PathBuf>,
    /// The HTTPS private key, PEM (PKCS#8, PKCS#1 or SEC1).
    pub tls_key: Option<PathBuf>,
    /// The URL this server is reached at from outside (status list URLs in issued credentials
    /// start with it). Default: `https://` + the HTTPS listener when there is one, else
    /// `http://` + the listener.
    pub public_url: Option<String>,
    /// `--dev` only: key pair files (`{publicKeyMultibase, secretKeyMultibase}` or
    /// `privateKeyMultibase`) whose keys the development issuer instances import, so they sign
    /// as known DIDs (the W3C suites' spec keys). Without them the keys are generated.
    pub dev_issuer_keys: Vec<PathBuf>,
    /// The 1EdTech OB 3.0 / CLR 2.0 API: admit RFC 8252 loopback `http` redirect URIs
    /// (`http://127.0.0.1:…`) at client registration. OB 3.0 wants HTTPS everywhere, so this is
    /// off unless set or `--dev`.
    pub obapi_allow_loopback_redirects: bool,
    /// The service name the OB/CLR API's discovery document gives (default `credbridge`).
    pub obapi_service_name: Option<String>,
    /// The terms of service URL of the OB/CLR API (default `{public base}/terms`, a page saying
    /// none were published).
    pub obapi_terms_url: Option<String>,
    /// The privacy policy URL of the OB/CLR API (default `{public base}/privacy`).
    pub obapi_privacy_url: Option<String>,
}

impl ServeSettings {
    /// The public base URL, without a trailing slash.
    pub fn public_base(&self) -> String {
        match (&self.public_url, self.https_listen) {
            (Some(url), _) => url.trim_end_matches('/').to_owned(),
            (None, Some(https)) => format!("https://{https}"),
            (None, None) => format!("http://{}", self.listen),
        }
    }

    /// Defaults with `data_dir` (see [`default_data_dir`]).
    pub fn with_data_dir(data_dir: PathBuf) -> ServeSettings {
        ServeSettings {
            listen: SocketAddr::from(([127, 0, 0, 1], 8080)),
            data_dir,
            database_url: None,
            dev: false,
            log_format: LogFormat::Text,
            max_body_bytes: MAX_BODY_BYTES,
            time_budget: DEFAULT_TIME_BUDGET,
            offline: false,
            webhooks: WebhookSettings::default(),
            https_listen: None,
            tls_cert: None,
            tls_key: None,
            public_url: None,
            dev_issuer_keys: Vec::new(),
            obapi_allow_loopback_redirects: false,
            obapi_service_name: None,
            obapi_terms_url: None,
            obapi_privacy_url: None,
        }
    }

    /// Whether the OB/CLR API admits loopback `http` redirect URIs: the setting, or `--dev`.
    pub fn obapi_loopback_redirects(&self) -> bool {
        self.obapi_allow_loopback_redirects || self.dev
    }

    /// Resolves the layers, highest precedence first (flags, environment, file), over the
    /// defaults.
    pub fn resolve(
        layers: &[SettingsLayer],
        default_data_dir: PathBuf,
    ) -> Result<ServeSettings, SettingsError> {
        let mut settings = ServeSettings::with_data_dir(default_data_dir);
        for layer in layers.iter().rev() {
            if let Some(listen) = &layer.listen {
                settings.listen = listen.parse().map_err(|_| SettingsError::Listen {
                    value: listen.clone(),
                })?;
            }
            if let Some(dir) = &layer.data_dir {
                settings.data_dir = dir.clone();
            }
            if let Some(url) = &layer.database_url {
                settings.database_url = Some(url.clone()).filter(|u| !u.is_empty());
            }
            if let Some(dev) = layer.dev {
                settings.dev = dev;
            }
            if let Some(format) = &layer.log_format {
                settings.log_format = match format.as_str() {
                    "text" => LogFormat::Text,
                    "json" => LogFormat::Json,
                    _ => {
                        return Err(SettingsError::LogFormat {
                            value: format.clone(),
                        });
                    }
                };
            }
            if let Some(bytes) = layer.max_body_bytes {
                settings.max_body_bytes = bytes;
            }
            if let Some(seconds) = layer.time_budget_seconds {
                settings.time_budget = Duration::from_secs(seconds);
            }
            if let Some(offline) = layer.offline {
                settings.offline = offline;
            }
            layer.apply_webhooks(&mut settings.webhooks);
            if let Some(listen) = &layer.https_listen {
                settings.https_listen =
                    Some(listen.parse().map_err(|_| SettingsError::Listen {
                        value: listen.clone(),
                    })?);
            }
            if let Some(path) = &layer.tls_cert {
                settings.tls_cert = Some(path.clone());
            }
            if let Some(path) = &layer.tls_key {
                settings.tls_key = Some(path.clone());
            }
            if let Some(url) = &layer.public_url {
                settings.public_url = Some(url.clone()).filter(|u| !u.is_empty());
            }
            if let Some(keys) = &layer.dev_issuer_keys {
                settings.dev_issuer_keys = keys.clone();
            }
            if let Some(allow) = layer.obapi_allow_loopback_redirects {
                settings.obapi_allow_loopback_redirects = allow;
            }
            let text = |value: &Option<String>| value.clone().filter(|v| !v.trim().is_empty());
            if layer.obapi_service_name.is_some() {
                settings.obapi_service_name = text(&layer.obapi_service_name);
            }
            if layer.obapi_terms_url.is_some() {
                settings.obapi_terms_url = text(&layer.obapi_terms_url);
            }
            if layer.obapi_privacy_url.is_some() {
                settings.obapi_privacy_url = text(&layer.obapi_privacy_url);
            }
        }
        Ok(settings)
    }
}

/// One source of settings; every field optional.
#[derive(Debug, Clone, Default, PartialEq, Eq, Deserialize)]
#[serde(deny_unknown_fields, rename_all = "kebab-case")]
pub struct SettingsLayer {
    /// `HOST:PORT`.
    pub listen: Option<String>,
    /// The data folder.
    pub data_dir: Option<PathBuf>,
    /// `postgres://…`.
    pub database_url: Option<String>,
    /// Development mode.
    pub dev: Option<bool>,
    /// `text` or `json`.
    pub log_format: Option<String>,
    /// Request body limit.
    pub max_body_bytes: Option<usize>,
    /// Per-request time budget.
    pub time_budget_seconds: Option<u64>,
    /// No network during verification.
    pub offline: Option<bool>,
    /// Allow `http://` webhook URLs.
    pub webhook_allow_http: Option<bool>,
    /// Allow webhook deliveries to loopback addresses.
    pub webhook_dangerous_allow_loopback: Option<bool>,
    /// One webhook delivery's time limit, milliseconds.
    pub webhook_timeout_ms: Option<u64>,
    /// How often due webhook deliveries are looked for, milliseconds.
    pub webhook_poll_ms: Option<u64>,
    /// The first retry delay, milliseconds (doubling from there).
    pub webhook_retry_base_ms: Option<u64>,
    /// The longest retry delay, milliseconds.
    pub webhook_retry_max_ms: Option<u64>,
    /// Attempts before a delivery is given up.
    pub webhook_max_attempts: Option<u32>,
    /// `HOST:PORT` of the HTTPS listener.
    pub https_listen: Option<String>,
    /// The HTTPS certificate chain (PEM file).
    pub tls_cert: Option<PathBuf>,
    /// The HTTPS private key (PEM file).
    pub tls_key: Option<PathBuf>,
    /// The public base URL.
    pub public_url: Option<String>,
    /// `--dev`: key pair files for the development issuer instances.
    pub dev_issuer_keys: Option<Vec<PathBuf>>,
    /// Admit loopback `http` redirect URIs at OB/CLR API client registration.
    pub obapi_allow_loopback_redirects: Option<bool>,
    /// The OB/CLR API's service name.
    pub obapi_service_name: Option<String>,
    /// The OB/CLR API's terms of service URL.
    pub obapi_terms_url: Option<String>,
    /// The OB/CLR API's privacy policy URL.
    pub obapi_privacy_url: Option<String>,
}

impl SettingsLayer {
    fn apply_webhooks(&self, webhooks: &mut WebhookSettings) {
        let ms = Duration::from_millis;
        if let Some(v) = self.webhook_allow_http {
            webhooks.allow_http = v;
        }
        if let Some(v) = self.webhook_dangerous_allow_loopback {
            webhooks.dangerous_allow_loopback = v;
        }
        if let Some(v) = self.webhook_timeout_ms {
            webhooks.timeout = ms(v.max(1));
        }
        if let Some(v) = self.webhook_poll_ms {
            webhooks.poll_interval = ms(v.max(1));
        }
        if let Some(v) = self.webhook_retry_base_ms {
            webhooks.retry.base = ms(v);
        }
        if let Some(v) = self.webhook_retry_max_ms {
            webhooks.retry.max_delay = ms(v);
        }
        if let Some(v) = self.webhook_max_attempts {
            webhooks.retry.max_attempts = v.max(1);
        }
    }
}

impl SettingsLayer {
    /// A TOML file's text (keys as the flags: `listen`, `data-dir`, `database-url`, `dev`,
    /// `log-format`, `max-body-bytes`, `time-budget-seconds`, `offline`; and `webhook-allow-http`,
    /// `webhook-dangerous-allow-loopback`, `webhook-timeout-ms`, `webhook-poll-ms`,
    /// `webhook-retry-base-ms`, `webhook-retry-max-ms`, `webhook-max-attempts`; `https-listen`,
    /// `tls-cert`, `tls-key`, `public-url`, `dev-issuer-keys`; `obapi-allow-loopback-redirects`,
    /// `obapi-service-name`, `obapi-terms-url`, `obapi-privacy-url`).
    pub fn from_toml(text: &str) -> Result<SettingsLayer, SettingsError> {
        if text.len() > MAX_CONFIG_FILE_BYTES {
            return Err(SettingsError::FileTooLarge {
                limit: MAX_CONFIG_FILE_BYTES,
            });
        }
        toml::from_str(text).map_err(|e| SettingsError::Toml {
            detail: e.to_string(),
        })
    }

    /// The `CREDBRIDGE_*` variables among `vars` (pass `std::env::vars()`): `CREDBRIDGE_LISTEN`,
    /// `CREDBRIDGE_DATA_DIR`, `CREDBRIDGE_DATABASE_URL`, `CREDBRIDGE_DEV`,
    /// `CREDBRIDGE_LOG_FORMAT`, `CREDBRIDGE_MAX_BODY_BYTES`, `CREDBRIDGE_TIME_BUDGET_SECONDS`,
    /// `CREDBRIDGE_OFFLINE`, and the webhook settings `CREDBRIDGE_WEBHOOK_ALLOW_HTTP`,
    /// `…_DANGEROUS_ALLOW_LOOPBACK`, `…_TIMEOUT_MS`, `…_POLL_MS`, `…_RETRY_BASE_MS`,
    /// `…_RETRY_MAX_MS`, `…_MAX_ATTEMPTS`; the issuing settings `CREDBRIDGE_HTTPS_LISTEN`,
    /// `…_TLS_CERT`, `…_TLS_KEY`, `…_PUBLIC_URL` and `…_DEV_ISSUER_KEYS` (paths separated as in
    /// `PATH`); the OB/CLR API's `CREDBRIDGE_OBAPI_ALLOW_LOOPBACK_REDIRECTS`,
    /// `…_OBAPI_SERVICE_NAME`, `…_OBAPI_TERMS_URL`, `…_OBAPI_PRIVACY_URL`. Other `CREDBRIDGE_*`
    /// variables are left for other commands.
    pub fn from_env(
        vars: impl IntoIterator<Item = (String, String)>,
    ) -> Result<SettingsLayer, SettingsError> {
        let mut layer = SettingsLayer::default();
        for (name, value) in vars {
            let Some(key) = name.strip_prefix("CREDBRIDGE_") else {
                continue;
            };
            match key {
                "LISTEN" => layer.listen = Some(value),
                "DATA_DIR" => layer.data_dir = Some(PathBuf::from(value)),
                "DATABASE_URL" => layer.database_url = Some(value),
                "DEV" => layer.dev = Some(parse_bool(&name, &value)?),
                "LOG_FORMAT" => layer.log_format = Some(value),
                "MAX_BODY_BYTES" => layer.max_body_bytes = Some(parse_number(&name, &value)?),
                "TIME_BUDGET_SECONDS" => {
                    layer.time_budget_seconds = Some(parse_number(&name, &value)?);
                }
                "OFFLINE" => layer.offline = Some(parse_bool(&name, &value)?),
                "WEBHOOK_ALLOW_HTTP" => layer.webhook_allow_http = Some(parse_bool(&name, &value)?),
                "WEBHOOK_DANGEROUS_ALLOW_LOOPBACK" => {
                    layer.webhook_dangerous_allow_loopback = Some(parse_bool(&name, &value)?);
                }
                "WEBHOOK_TIMEOUT_MS" => {
                    layer.webhook_timeout_ms = Some(parse_number(&name, &value)?)
                }
                "WEBHOOK_POLL_MS" => layer.webhook_poll_ms = Some(parse_number(&name, &value)?),
                "WEBHOOK_RETRY_BASE_MS" => {
                    layer.webhook_retry_base_ms = Some(parse_number(&name, &value)?);
                }
                "WEBHOOK_RETRY_MAX_MS" => {
                    layer.webhook_retry_max_ms = Some(parse_number(&name, &value)?);
                }
                "WEBHOOK_MAX_ATTEMPTS" => {
                    layer.webhook_max_attempts = Some(parse_number(&name, &value)?);
                }
                "HTTPS_LISTEN" => layer.https_listen = Some(value),
                "TLS_CERT" => layer.tls_cert = Some(PathBuf::from(value)),
                "TLS_KEY" => layer.tls_key = Some(PathBuf::from(value)),
                "PUBLIC_URL" => layer.public_url = Some(value),
                "DEV_ISSUER_KEYS" => {
                    layer.dev_issuer_keys = Some(
                        std::env::split_paths(&value)
                            .filter(|p| !p.as_os_str().is_empty())
                            .collect(),
                    );
                }
                "OBAPI_ALLOW_LOOPBACK_REDIRECTS" => {
                    layer.obapi_allow_loopback_redirects = Some(parse_bool(&name, &value)?);
                }
                "OBAPI_SERVICE_NAME" => layer.obapi_service_name = Some(value),
                "OBAPI_TERMS_URL" => layer.obapi_terms_url = Some(value),
                "OBAPI_PRIVACY_URL" => layer.obapi_privacy_url = Some(value),
                _ => {}
            }
        }
        Ok(layer)
    }
}

fn parse_bool(name: &str, value: &str) -> Result<bool, SettingsError> {
    match value.to_ascii_lowercase().as_str() {
        "1" | "true" | "yes" | "on" => Ok(true),
        "0" | "false" | "no" | "off" | "" => Ok(false),
        _ => Err(SettingsError::Env {
            name: name.to_owned(),
            value: value.to_owned(),
            expected: "true or false",
        }),
    }
}

fn parse_number<T: std::str::FromStr>(name: &str, value: &str) -> Result<T, SettingsError> {
    value.parse().map_err(|_| SettingsError::Env {
        name: name.to_owned(),
        value: value.to_owned(),
        expected: "a whole number",
    })
}

/// The platform's user data folder for credbridge, one definition for the server, the CLI and
/// the registry snapshots (it lives in `config`).
pub use credbridge_config::default_data_dir;

/// A setting that could not be read.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum SettingsError {
    /// `listen` is not `HOST:PORT` with an IP host.
    #[error("listen address {value:?} is not IP:PORT (e.g. 127.0.0.1:8080)")]
    Listen {
        /// The value given.
        value: String,
    },
    /// `log-format` is neither `text` nor `json`.
    #[error("log format {value:?} is not text or json")]
    LogFormat {
        /// The value given.
        value: String,
    },
    /// An environment variable with a value of the wrong kind.
    #[error("{name}={value:?}: expected {expected}")]
    Env {
        /// The variable.
        name: String,
        /// Its value.
        value: String,
        /// What it should be.
        expected: &'static str,
    },
    /// The TOML file does not parse, or has unknown keys.
    #[error("the configuration file is not valid: {detail}")]
    Toml {
        /// The parser's message.
        detail: String,
    },
    /// The configuration file is larger than [`MAX_CONFIG_FILE_BYTES`].
    #[error("the configuration file is larger than {limit} bytes")]
    FileTooLarge {
        /// The limit.
        limit: usize,
    },
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn flags_beat_environment_beat_file() {
        let file = SettingsLayer::from_toml(
            "listen = \"127.0.0.1:9000\"\ndata-dir = \"/f\"\nlog-format = \"json\"\n",
        )
        .unwrap();
        let env = SettingsLayer::from_env([
            ("CREDBRIDGE_LISTEN".to_owned(), "127.0.0.1:9001".to_owned()),
            ("CREDBRIDGE_DEV".to_owned(), "true".to_owned()),
            ("HOME".to_owned(), "/h".to_owned()),
        ])
        .unwrap();
        let flags = SettingsLayer {
            listen: Some("127.0.0.1:9002".into()),
            ..SettingsLayer::default()
        };
        let s = ServeSettings::resolve(&[flags, env.clone(), file.clone()], "/d".into()).unwrap();
        assert_eq!(s.listen.port(), 9002);
        assert!(s.dev);
        assert_eq!(s.data_dir, PathBuf::from("/f"));
        assert_eq!(s.log_format, LogFormat::Json);
        let s = ServeSettings::resolve(&[env, file], "/d".into()).unwrap();
        assert_eq!(s.listen.port(), 9001);
        let s = ServeSettings::resolve(&[], "/d".into()).unwrap();
        assert_eq!(s.listen.to_string(), DEFAULT_LISTEN);
    }

    #[test]
    fn bad_values_are_named() {
        let err = SettingsLayer::from_toml("lisen = 1").unwrap_err();
        assert!(err.to_string().contains("lisen"), "{err}");
        let err = SettingsLayer::from_env([("CREDBRIDGE_DEV".into(), "maybe".into())]).unwrap_err();
        assert_eq!(
            err.to_string(),
            "CREDBRIDGE_DEV=\"maybe\": expected true or false"
        );
        let layer = SettingsLayer {
            listen: Some("localhost".into()),
            ..SettingsLayer::default()
        };
        let err = ServeSettings::resolve(&[layer], "/d".into()).unwrap_err();
        assert!(matches!(err, SettingsError::Listen { .. }));
    }

    #[test]
    fn obapi_loopback_redirects_only_when_asked_or_dev() {
        let s = ServeSettings::resolve(&[], "/d".into()).unwrap();
        assert!(!s.obapi_loopback_redirects());
        let env = SettingsLayer::from_env([(
            "CREDBRIDGE_OBAPI_ALLOW_LOOPBACK_REDIRECTS".to_owned(),
            "true".to_owned(),
        )])
        .unwrap();
        assert!(
            ServeSettings::resolve(&[env], "/d".into())
                .unwrap()
                .obapi_loopback_redirects()
        );
        let file =
            SettingsLayer::from_toml("dev = true\nobapi-terms-url = \"https://x.example/terms\"\n")
                .unwrap();
        let s = ServeSettings::resolve(&[file], "/d".into()).unwrap();
        assert!(s.obapi_loopback_redirects() && !s.obapi_allow_loopback_redirects);
        assert_eq!(
            s.obapi_terms_url.as_deref(),
            Some("https://x.example/terms")
        );
    }
}
