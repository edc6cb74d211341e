//! RFC 7591 dynamic client registration as OB 3.0 §7.1.1.2 profiles it: no initial access
//! token; `client_name`, `client_uri`, `logo_uri`, `tos_uri`, `policy_uri`, `software_id`,
//! `software_version`, `redirect_uris` and `scope` required; every URL `https` and on the
//! host of `client_uri`; list-valued metadata always JSON arrays, even for one value.

use serde::{Deserialize, Serialize};
use serde_json::{Map, Value};
use url::Url;

use crate::api::{ApiFlavor, OFFLINE_ACCESS};

/// The largest registration request body read.
pub const MAX_REGISTRATION_BYTES: usize = 64 * 1024;
/// The most redirect URIs one client may register.
pub const MAX_REDIRECT_URIS: usize = 16;
/// The longest string metadata value (names, versions, URLs).
pub const MAX_METADATA_CHARS: usize = 2048;

/// A client's validated registration metadata (RFC 7591 §2), as stored and echoed.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ClientMetadata {
    /// `client_name`: shown on the consent page.
    pub client_name: String,
    /// `client_uri`: the client's home page.
    pub client_uri: String,
    /// `logo_uri`.
    pub logo_uri: String,
    /// `tos_uri`.
    pub tos_uri: String,
    /// `policy_uri`.
    pub policy_uri: String,
    /// `software_id`.
    pub software_id: String,
    /// `software_version`.
    pub software_version: String,
    /// `redirect_uris`, each matched exactly in authorization requests.
    pub redirect_uris: Vec<String>,
    /// `token_endpoint_auth_method`: always `client_secret_basic` (the only one OB 3.0 §7.1.2.3
    /// allows: "MUST include a Basic authorization header").
    pub token_endpoint_auth_method: String,
    /// `grant_types`: `authorization_code`, and `refresh_token` when the client wants them.
    pub grant_types: Vec<String>,
    /// `response_types`: `["code"]`.
    pub response_types: Vec<String>,
    /// `scope`, split on spaces.
    pub scope: Vec<String>,
    /// `contacts`.
    pub contacts: Vec<String>,
}

impl ClientMetadata {
    /// Whether the client registered the `refresh_token` grant.
    #[must_use]
    pub fn allows_refresh(&self) -> bool {
        self.grant_types.iter().any(|g| g == "refresh_token")
    }

    /// The RFC 7591 §3.2.1 response members describing the client (without credentials).
    pub(crate) fn to_json(&self) -> Map<String, Value> {
        let mut out = Map::new();
        let mut put = |k: &str, v: Value| {
            out.insert(k.to_owned(), v);
        };
        put("client_name", self.client_name.clone().into());
        put("client_uri", self.client_uri.clone().into());
        put("logo_uri", self.logo_uri.clone().into());
        put("tos_uri", self.tos_uri.clone().into());
        put("policy_uri", self.policy_uri.clone().into());
        put("software_id", self.software_id.clone().into());
        put("software_version", self.software_version.clone().into());
        put("redirect_uris", self.redirect_uris.clone().into());
        put(
            "token_endpoint_auth_method",
            self.token_endpoint_auth_method.clone().into(),
        );
        put("grant_types", self.grant_types.clone().into());
        put("response_types", self.response_types.clone().into());
        put("scope", self.scope.join(" ").into());
        if !self.contacts.is_empty() {
            put("contacts", self.contacts.clone().into());
        }
        out
    }
}

/// Why a registration was refused: the two RFC 7591 §3.2.2 error codes, with the field.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum RegistrationError {
    /// `invalid_redirect_uri`.
    #[error("redirect_uris{}: {reason}", index.map(|i| format!("[{i}]")).unwrap_or_default())]
    InvalidRedirectUri {
        /// Which entry (`None`: the member itself).
        index: Option<usize>,
        /// What is wrong.
        reason: String,
    },
    /// `invalid_client_metadata`.
    #[error("{field}: {reason}")]
    InvalidClientMetadata {
        /// The metadata member.
        field: &'static str,
        /// What is wrong.
        reason: String,
    },
}

impl RegistrationError {
    /// The RFC 7591 `error` code.
    #[must_use]
    pub fn code(&self) -> &'static str {
        match self {
            RegistrationError::InvalidRedirectUri { .. } => "invalid_redirect_uri",
            RegistrationError::InvalidClientMetadata { .. } => "invalid_client_metadata",
        }
    }
}

fn meta(field: &'static str, reason: impl Into<String>) -> RegistrationError {
    RegistrationError::InvalidClientMetadata {
        field,
        reason: reason.into(),
    }
}

fn redirect(index: Option<usize>, reason: impl Into<String>) -> RegistrationError {
    RegistrationError::InvalidRedirectUri {
        index,
        reason: reason.into(),
    }
}

/// Validates a registration request body into [`ClientMetadata`].
///
/// `allow_loopback_http` admits `http://127.0.0.1`, `http://[::1]` and `http://localhost`
/// redirect URIs (RFC 8252 §7.3, native apps). OB 3.0 requires HTTPS everywhere, so this is
/// off unless the operator opts in (`OAuthConfig::dangerous_allow_loopback_http_redirects`).
///
/// # Errors
/// [`RegistrationError`] naming the first member that is wrong.
pub fn validate_registration(
    body: &[u8],
    allow_loopback_http: bool,
) -> Result<ClientMetadata, RegistrationError> {
    if body.len() > MAX_REGISTRATION_BYTES {
        return Err(meta(
            "(body)",
            format!(
                "the request has {} bytes, more than the limit of {MAX_REGISTRATION_BYTES}",
                body.len()
            ),
        ));
    }
    let value: Value =
        serde_json::from_slice(body).map_err(|e| meta("(body)", format!("not JSON: {e}")))?;
    let object = value
        .as_object()
        .ok_or_else(|| meta("(body)", "must be a JSON object"))?;

    let text = |field: &'static str| -> Result<String, RegistrationError> {
        match object.get(field) {
            None | Some(Value::Null) => Err(meta(field, "is required (OB 3.0 §7.1.1.2)")),
            Some(Value::String(s)) if s.trim().is_empty() => Err(meta(field, "is empty")),
            Some(Value::String(s)) if s.chars().count() > MAX_METADATA_CHARS => Err(meta(
                field,
                format!("is longer than {MAX_METADATA_CHARS} characters"),
            )),
            Some(Value::String(s)) => Ok(s.clone()),
            Some(other) => Err(meta(
                field,
                format!("must be a string, found {}", json_type(other)),
            )),
        }
    };

    let client_name = text("client_name")?;
    let client_uri = text("client_uri")?;
    let client_url = https_url(&client_uri).map_err(|reason| meta("client_uri", reason))?;
    let client_host = client_url.host_str().unwrap_or_default().to_owned();
    let same_host = |field: &'static str| -> Result<String, RegistrationError> {
        let value = text(field)?;
        let url = https_url(&value).map_err(|reason| meta(field, reason))?;
        if url.host_str() != Some(client_host.as_str()) {
            return Err(meta(
                field,
                format!(
                    "must be on the host of client_uri ({client_host}), found {}",
                    url.host_str().unwrap_or("no host")
                ),
            ));
        }
        Ok(value)
    };
    let logo_uri = same_host("logo_uri")?;
    let tos_uri = same_host("tos_uri")?;
    let policy_uri = same_host("policy_uri")?;
    let software_id = text("software_id")?;
    let software_version = text("software_version")?;

    let redirect_uris = match object.get("redirect_uris") {
        None | Some(Value::Null) => {
            return Err(redirect(None, "is required (OB 3.0 §7.1.1.2)"));
        }
        Some(Value::Array(items)) if items.is_empty() => {
            return Err(redirect(None, "must hold at least one URI"));
        }
        Some(Value::Array(items)) if items.len() > MAX_REDIRECT_URIS => {
            return Err(redirect(
                None,
                format!(
                    "holds {} URIs, more than the limit of {MAX_REDIRECT_URIS}",
                    items.len()
                ),
            ));
        }
        Some(Value::Array(items)) => {
            let mut uris = Vec::with_capacity(items.len());
            for (i, item) in items.iter().enumerate() {
                let uri = item.as_str().ok_or_else(|| {
                    redirect(
                        Some(i),
                        format!("must be a string, found {}", json_type(item)),
                    )
                })?;
                check_redirect_uri(uri, &client_host, allow_loopback_http)
                    .map_err(|reason| redirect(Some(i), reason))?;
                uris.push(uri.to_owned());
            }
            uris
        }
        Some(other) => {
            return Err(redirect(
                None,
                format!(
                    "must be an array (OB 3.0: arrays even for one value), found {}",
                    json_type(other)
                ),
            ));
        }
    };

    let token_endpoint_auth_method = match object.get("token_endpoint_auth_method") {
        None | Some(Value::Null) => "client_secret_basic".to_owned(),
        Some(Value::String(m)) if m == "client_secret_basic" => m.clone(),
        Some(other) => {
            return Err(meta(
                "token_endpoint_auth_method",
                format!("only client_secret_basic is supported (OB 3.0 §7.1.2.3), found {other}"),
            ));
        }
    };
    let grant_types = string_array(
        object,
        "grant_types",
        &["authorization_code", "refresh_token"],
    )?
    .unwrap_or_else(|| vec!["authorization_code".to_owned()]);
    if !grant_types.iter().any(|g| g == "authorization_code") {
        return Err(meta(
            "grant_types",
            "must include authorization_code (the only user-delegated grant of OB 3.0 §7)",
        ));
    }
    let response_types = string_array(object, "response_types", &["code"])?
        .unwrap_or_else(|| vec!["code".to_owned()]);
    let contacts = string_array(object, "contacts", &[])?.unwrap_or_default();

    let scope_text = text("scope")?;
    let mut scope = Vec::new();
    for s in scope_text.split(' ').filter(|s| !s.is_empty()) {
        if s != OFFLINE_ACCESS && ApiFlavor::parse_scope(s).is_none() {
            return Err(meta(
                "scope",
                format!(
                    "{s:?} is not an Open Badges 3.0 or CLR 2.0 scope (OB 3.0 §6.2.1) nor offline_access"
                ),
            ));
        }
        if !scope.iter().any(|k| k == s) {
            scope.push(s.to_owned());
        }
    }
    if scope.is_empty() {
        return Err(meta("scope", "names no scope"));
    }

    Ok(ClientMetadata {
        client_name,
        client_uri,
        logo_uri,
        tos_uri,
        policy_uri,
        software_id,
        software_version,
        redirect_uris,
        token_endpoint_auth_method,
        grant_types,
        response_types,
        scope,
        contacts,
    })
}

/// A JSON array of strings; `allowed` empty means any string. `None` when absent.
fn string_array(
    object: &Map<String, Value>,
    field: &'static str,
    allowed: &[&str],
) -> Result<Option<Vec<String>>, RegistrationError> {
    match object.get(field) {
        None | Some(Value::Null) => Ok(None),
        Some(Value::Array(items)) => {
            let mut out = Vec::with_capacity(items.len());
            for item in items {
                let s = item.as_str().ok_or_else(|| {
                    meta(
                        field,
                        format!("must hold strings, found {}", json_type(item)),
                    )
                })?;
                if !allowed.is_empty() && !allowed.contains(&s) {
                    return Err(meta(
                        field,
                        format!("{s:?} is not supported (supported: {})", allowed.join(", ")),
                    ));
                }
                out.push(s.to_owned());
            }
            Ok(Some(out))
        }
        Some(other) => Err(meta(
            field,
            format!(
                "must be an array (OB 3.0: arrays even for one value), found {}",
                json_type(other)
            ),
        )),
    }
}

fn https_url(text: &str) -> Result<Url, String> {
    let url = Url::parse(text).map_err(|e| format!("{text:?} is not an absolute URL: {e}"))?;
    if url.scheme() != "https" {
        return Err(format!(
            "{text:?} must use https (OB 3.0 §7.1.1.2), found {}",
            url.scheme()
        ));
    }
    if url.host_str().is_none_or(str::is_empty) {
        return Err(format!("{text:?} has no host"));
    }
    Ok(url)
}

fn is_loopback_http(url: &Url) -> bool {
    url.scheme() == "http"
        && matches!(
            url.host_str(),
            Some("127.0.0.1") | Some("[::1]") | Some("localhost")
        )
}

fn check_redirect_uri(uri: &str, client_host: &str, allow_loopback: bool) -> Result<(), String> {
    let url = Url::parse(uri).map_err(|e| format!("{uri:?} is not an absolute URL: {e}"))?;
    // RFC 6749 §3.1.2: "The endpoint URI MUST NOT include a fragment component."
    if url.fragment().is_some() {
        return Err(format!("{uri:?} has a fragment (RFC 6749 §3.1.2)"));
    }
    if allow_loopback && is_loopback_http(&url) {
        return Ok(());
    }
    if url.scheme() != "https" {
        return Err(format!(
            "{uri:?} must use https (OB 3.0 §7.1.1.2), found {}",
            url.scheme()
        ));
    }
    if url.host_str() != Some(client_host) {
        return Err(format!(
            "{uri:?} must be on the host of client_uri ({client_host})"
        ));
    }
    Ok(())
}

pub(crate) fn json_type(value: &Value) -> &'static str {
    match value {
        Value::Null => "null",
        Value::Bool(_) => "a boolean",
        Value::Number(_) => "a number",
        Value::String(_) => "a string",
        Value::Array(_) => "an array",
        Value::Object(_) => "an object",
    }
}
