//! The resource server ("Host"): `GET /discovery`, `GET`/`POST /credentials`,
//! `GET`/`PUT /profile` under `/ims/ob/v3p0` and `/ims/clr/v2p0` (OB 3.0 §6.2–6.4,
//! CLR 2.0 §6).

use std::sync::Arc;

use credbridge_formats::{Limits, Payload, decode_bytes};
use credbridge_model::schema::{SchemaName, SchemaVerdict, validate};
use credbridge_model::{Zone, parse_xsd};
use serde_json::Value;

use crate::api::{ApiFlavor, Clock, Permission};
use crate::discovery::{HostConfig, service_description};
use crate::http::{HttpRequest, HttpResponse, http_date, media_type};
use crate::imsx::{CodeMinor, failure};
use crate::oauth::{AccessGrant, AuthorizationServer, BearerError};
use crate::repo::{
    CredentialFormat, CredentialKey, CredentialRepo, RepoError, StoredCredential, UpsertOutcome,
};

/// The largest credential or profile body accepted.
pub const MAX_BODY_BYTES: usize = 2 * 1024 * 1024;
/// The largest page: a larger `limit` is served as this many (the spec's `limit` is the most
/// the client wants, not the least).
pub const MAX_PAGE_SIZE: usize = 1000;

/// The resource server.
pub struct Host {
    config: HostConfig,
    authz: Arc<AuthorizationServer>,
    repo: Arc<dyn CredentialRepo>,
    clock: Arc<dyn Clock>,
}

impl std::fmt::Debug for Host {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Host")
            .field("config", &self.config)
            .finish_non_exhaustive()
    }
}

impl Host {
    /// A host serving `repo`, checking tokens with `authz`.
    #[must_use]
    pub fn new(
        config: HostConfig,
        authz: Arc<AuthorizationServer>,
        repo: Arc<dyn CredentialRepo>,
        clock: Arc<dyn Clock>,
    ) -> Host {
        Host {
            config,
            authz,
            repo,
            clock,
        }
    }

    /// The configuration.
    #[must_use]
    pub fn config(&self) -> &HostConfig {
        &self.config
    }

    /// Dispatches a request whose path is under one of the two API roots; `None` for any other
    /// path. A known path with another method is 405 `not_allowed` with `Allow`.
    #[must_use]
    pub fn handle(&self, request: &HttpRequest) -> Option<HttpResponse> {
        let (flavor, rest) = ApiFlavor::ALL.into_iter().find_map(|flavor| {
            request
                .path
                .strip_prefix(flavor.base_path())
                .map(|rest| (flavor, rest))
        })?;
        let method = request.method.as_str();
        Some(match (rest, method) {
            ("/discovery", "GET") => self.discovery(flavor),
            ("/credentials", "GET") => self.get_credentials(flavor, request),
            ("/credentials", "POST") => self.upsert_credential(flavor, request),
            ("/profile", "GET") => self.get_profile(flavor, request),
            ("/profile", "PUT") => self.put_profile(flavor, request),
            ("/discovery" | "/credentials" | "/profile", _) => {
                let allow = match rest {
                    "/discovery" => "GET",
                    "/credentials" => "GET, POST",
                    _ => "GET, PUT",
                };
                failure(
                    405,
                    CodeMinor::NotAllowed,
                    &format!("{method} is not allowed on {}; use {allow}", request.path),
                )
                .with_header("Allow", allow)
            }
            _ => failure(
                404,
                CodeMinor::NotFound,
                &format!("{} is not an endpoint of this API", request.path),
            ),
        })
    }

    /// `GET /discovery`: the Service Description Document (no token needed).
    #[must_use]
    pub fn discovery(&self, flavor: ApiFlavor) -> HttpResponse {
        HttpResponse::json(
            200,
            &service_description(flavor, &self.config, self.authz.config()),
        )
    }

    fn authorize(
        &self,
        flavor: ApiFlavor,
        request: &HttpRequest,
        permission: Permission,
    ) -> Result<AccessGrant, HttpResponse> {
        self.authz
            .authenticate(request.header("Authorization"), &flavor.scope(permission))
            .map_err(|error| {
                let (status, minor, text) = match &error {
                    BearerError::Missing => (
                        401,
                        CodeMinor::UnauthorizedRequest,
                        "an access token is required (Authorization: Bearer …)".to_owned(),
                    ),
                    BearerError::InvalidToken { reason } => {
                        (401, CodeMinor::UnauthorizedRequest, reason.clone())
                    }
                    BearerError::InsufficientScope { required } => (
                        403,
                        CodeMinor::Forbidden,
                        format!("the access token lacks the scope {required}"),
                    ),
                    BearerError::Store(_) => (
                        500,
                        CodeMinor::InternalServerError,
                        "the access token could not be checked".to_owned(),
                    ),
                };
                failure(status, minor, &text)
                    .with_header("WWW-Authenticate", error.www_authenticate())
            })
    }

    /// `GET /credentials?limit&offset&since` (OB 3.0 §6.2.2, paging §6.4).
    #[must_use]
    pub fn get_credentials(&self, flavor: ApiFlavor, request: &HttpRequest) -> HttpResponse {
        let grant = match self.authorize(flavor, request, Permission::CredentialReadonly) {
            Ok(grant) => grant,
            Err(response) => return response,
        };
        let query = match PageQuery::parse(request, self.config.default_page_size) {
            Ok(query) => query,
            Err(text) => return failure(400, CodeMinor::InvalidQueryParameter, &text),
        };
        let page = match self
            .repo
            .list(&grant.user, flavor, query.since, query.offset, query.limit)
        {
            Ok(page) => page,
            Err(error) => return repo_failure(&error),
        };
        // The body is assembled from the stored texts, so each credential goes out with the
        // exact bytes it came in with (serializing a parsed Value could reorder or reformat).
        let mut credential = String::from("[");
        let mut jws = Vec::new();
        for item in &page.items {
            match item.format {
                CredentialFormat::Json => {
                    if credential.len() > 1 {
                        credential.push(',');
                    }
                    credential.push_str(&item.text);
                }
                CredentialFormat::CompactJws => jws.push(Value::String(item.text.clone())),
            }
        }
        credential.push(']');
        let body = format!(
            "{{\"credential\":{credential},\"compactJwsString\":{}}}",
            Value::Array(jws)
        );
        let links = query.links(
            &format!("{}/credentials", self.config.api_root(flavor)),
            page.items.len(),
            page.total,
        );
        HttpResponse::bytes(200, "application/json", body.into_bytes())
            .with_header("X-Total-Count", page.total.to_string())
            .with_header("Link", links)
            .with_header("Date", http_date(self.clock.now_unix()))
    }

    /// `POST /credentials`: upsert by OB 3.0 §10 equality; 201 created, 200 replaced, echoing
    /// the body (OB 3.0 §6.2.3).
    #[must_use]
    pub fn upsert_credential(&self, flavor: ApiFlavor, request: &HttpRequest) -> HttpResponse {
        let grant = match self.authorize(flavor, request, Permission::CredentialUpsert) {
            Ok(grant) => grant,
            Err(response) => return response,
        };
        if request.body.len() > MAX_BODY_BYTES {
            return failure(
                413,
                CodeMinor::InvalidData,
                &format!(
                    "the body has {} bytes, more than the limit of {MAX_BODY_BYTES}",
                    request.body.len()
                ),
            );
        }
        let content_type = request
            .header("Content-Type")
            .map(media_type)
            .unwrap_or_default();
        let parsed = match content_type.as_str() {
            "application/json" | "application/vc+ld+json" | "application/ld+json" => {
                parse_json_credential(flavor, &request.body)
            }
            "text/plain" => parse_jws_credential(flavor, &request.body),
            other => Err(format!(
                "the Content-Type must be application/json or application/vc+ld+json (a JSON credential) or text/plain (a compact JWS), found {}",
                if other.is_empty() { "none" } else { other }
            )),
        };
        let (format, text, key, issued_at) = match parsed {
            Ok(parsed) => parsed,
            Err(text) => return failure(400, CodeMinor::InvalidData, &text),
        };
        let stored = StoredCredential {
            key,
            format,
            text,
            issued_at,
            stored_at: self.clock.now_unix(),
        };
        let status = match self.repo.upsert(&grant.user, flavor, stored) {
            Ok(UpsertOutcome::Created) => 201,
            Ok(UpsertOutcome::Replaced) => 200,
            Err(error) => return repo_failure(&error),
        };
        let echo_type = if format == CredentialFormat::CompactJws {
            "text/plain"
        } else if content_type == "application/vc+ld+json" {
            "application/vc+ld+json"
        } else {
            "application/json"
        };
        HttpResponse::bytes(status, echo_type, request.body.clone())
    }

    /// `GET /profile` (OB 3.0 §6.2.4): 404 `not_found` until one is put.
    #[must_use]
    pub fn get_profile(&self, flavor: ApiFlavor, request: &HttpRequest) -> HttpResponse {
        let grant = match self.authorize(flavor, request, Permission::ProfileReadonly) {
            Ok(grant) => grant,
            Err(response) => return response,
        };
        match self.repo.profile(&grant.user) {
            Ok(Some(profile)) => HttpResponse::bytes(200, "application/json", profile.into_bytes()),
            Ok(None) => failure(404, CodeMinor::NotFound, "no profile has been put yet"),
            Err(error) => repo_failure(&error),
        }
    }

    /// `PUT /profile` (OB 3.0 §6.2.5): the whole Profile, checked against the bundled Profile
    /// schema; 200 with the profile as stored.
    #[must_use]
    pub fn put_profile(&self, flavor: ApiFlavor, request: &HttpRequest) -> HttpResponse {
        let grant = match self.authorize(flavor, request, Permission::ProfileUpdate) {
            Ok(grant) => grant,
            Err(response) => return response,
        };
        if request.body.len() > MAX_BODY_BYTES {
            return failure(
                413,
                CodeMinor::InvalidData,
                &format!("the body is larger than {MAX_BODY_BYTES} bytes"),
            );
        }
        match request.header("Content-Type").map(media_type).as_deref() {
            Some("application/json" | "application/ld+json") => {}
            other => {
                return failure(
                    400,
                    CodeMinor::InvalidData,
                    &format!(
                        "the Content-Type must be application/json, found {}",
                        other.unwrap_or("none")
                    ),
                );
            }
        }
        let text = match std::str::from_utf8(&request.body) {
            Ok(text) => text.trim(),
            Err(_) => return failure(400, CodeMinor::InvalidData, "the body is not UTF-8"),
        };
        let value: Value = match serde_json::from_str(text) {
            Ok(value) => value,
            Err(e) => {
                return failure(
                    400,
                    CodeMinor::InvalidData,
                    &format!("the body is not JSON: {e}"),
                );
            }
        };
        let schema = match flavor {
            ApiFlavor::OpenBadges => SchemaName::Ob3Profile,
            ApiFlavor::Clr => SchemaName::Clr2Profile,
        };
        let report = validate(schema, &value);
        if report.verdict == SchemaVerdict::Fail {
            let first = report
                .findings
                .first()
                .map(ToString::to_string)
                .unwrap_or_default();
            return failure(
                400,
                CodeMinor::InvalidData,
                &format!("the body is not a Profile ({schema}): {first}"),
            );
        }
        if let Err(error) = self.repo.put_profile(&grant.user, text.to_owned()) {
            return repo_failure(&error);
        }
        HttpResponse::bytes(200, "application/json", text.as_bytes().to_vec())
    }
}

fn repo_failure(error: &RepoError) -> HttpResponse {
    match error {
        RepoError::Busy {
            retry_after_seconds,
        } => failure(
            503,
            CodeMinor::ServerBusy,
            "the service is busy; retry after the time in Retry-After",
        )
        .with_header("Retry-After", retry_after_seconds.to_string()),
        // The cause goes to the integrator's log through its own error path, not to clients.
        RepoError::Failed(_) => failure(
            500,
            CodeMinor::InternalServerError,
            "the credentials could not be read or written",
        ),
    }
}

/// The paging parameters of a `GET /credentials`.
#[derive(Debug, Clone, PartialEq, Eq)]
struct PageQuery {
    limit: usize,
    offset: usize,
    since: Option<i64>,
    since_text: Option<String>,
}

impl PageQuery {
    fn parse(request: &HttpRequest, default_limit: usize) -> Result<PageQuery, String> {
        let mut query = PageQuery {
            limit: default_limit.clamp(1, MAX_PAGE_SIZE),
            offset: 0,
            since: None,
            since_text: None,
        };
        for (name, value) in request.query_pairs() {
            match name.as_str() {
                "limit" => {
                    let limit: usize = value.parse().ok().filter(|l| *l > 0).ok_or_else(|| {
                        format!("limit must be a positive integer, found {value:?}")
                    })?;
                    query.limit = limit.min(MAX_PAGE_SIZE);
                }
                "offset" => {
                    query.offset = value.parse().map_err(|_| {
                        format!("offset must be a non-negative integer, found {value:?}")
                    })?;
                }
                "since" => {
                    let at = parse_xsd(&value, Zone::Optional)
                        .map_err(|e| format!("since must be a date-time: {value:?} is {e}"))?
                        .ok_or_else(|| format!("since {value:?} is outside the supported years"))?;
                    query.since = Some(at.unix_seconds);
                    query.since_text = Some(value);
                }
                _ => {}
            }
        }
        Ok(query)
    }

    /// RFC 8288 `Link` (OB 3.0 §6.4): `first` and `last` always, `next` when more follow,
    /// `prev` when the page does not start at 0. Each keeps `since`.
    fn links(&self, endpoint: &str, returned: usize, total: usize) -> String {
        let url = |offset: usize| {
            let mut query = url::form_urlencoded::Serializer::new(String::new());
            query.append_pair("limit", &self.limit.to_string());
            query.append_pair("offset", &offset.to_string());
            if let Some(since) = &self.since_text {
                query.append_pair("since", since);
            }
            format!("{endpoint}?{}", query.finish())
        };
        let last = total.saturating_sub(1) / self.limit * self.limit;
        let mut links = Vec::new();
        if self.offset.saturating_add(returned) < total {
            links.push(format!("<{}>; rel=\"next\"", url(self.offset + returned)));
        }
        links.push(format!("<{}>; rel=\"last\"", url(last)));
        links.push(format!("<{}>; rel=\"first\"", url(0)));
        if self.offset > 0 {
            links.push(format!(
                "<{}>; rel=\"prev\"",
                url(self.offset.saturating_sub(self.limit))
            ));
        }
        links.join(", ")
    }
}

type Parsed = (CredentialFormat, String, CredentialKey, Option<i64>);

fn parse_json_credential(flavor: ApiFlavor, body: &[u8]) -> Result<Parsed, String> {
    let text = std::str::from_utf8(body)
        .map_err(|_| "the body is not UTF-8".to_owned())?
        .trim();
    let value: Value =
        serde_json::from_str(text).map_err(|e| format!("the body is not JSON: {e}"))?;
    let (key, issued_at) = credential_facts(flavor, &value, None)?;
    Ok((CredentialFormat::Json, text.to_owned(), key, issued_at))
}

fn parse_jws_credential(flavor: ApiFlavor, body: &[u8]) -> Result<Parsed, String> {
    let text = std::str::from_utf8(body)
        .map_err(|_| "the body is not UTF-8".to_owned())?
        .trim();
    if text.split('.').count() != 3 {
        return Err("the text/plain body must be a compact JWS (three base64url parts)".into());
    }
    let item = decode_bytes(text.as_bytes(), "request body", &Limits::default())
        .next()
        .ok_or_else(|| "the body holds no credential".to_owned())?
        .map_err(|e| format!("the body is not a readable compact JWS: {e}"))?;
    let Payload::Jws {
        claims, credential, ..
    } = &item.payload
    else {
        return Err("the text/plain body must be a compact JWS".into());
    };
    let credential = credential
        .as_ref()
        .ok_or_else(|| "the JWS payload carries no credential".to_owned())?;
    let (key, issued_at) = credential_facts(flavor, credential, Some(claims))?;
    Ok((
        CredentialFormat::CompactJws,
        text.to_owned(),
        key,
        issued_at,
    ))
}

/// The equality key and issuance time of a credential; a JWT's `jti`/`iss` stand in for a
/// missing `id`/`issuer` (OB 3.0 §8.2.4.1 maps them one to one).
fn credential_facts(
    flavor: ApiFlavor,
    credential: &Value,
    claims: Option<&Value>,
) -> Result<(CredentialKey, Option<i64>), String> {
    let object = credential
        .as_object()
        .ok_or_else(|| "the credential must be a JSON object".to_owned())?;
    let types: Vec<&str> = match object.get("type") {
        Some(Value::String(t)) => vec![t.as_str()],
        Some(Value::Array(items)) => items.iter().filter_map(Value::as_str).collect(),
        _ => Vec::new(),
    };
    let wanted = flavor.credential_types();
    if !types.iter().any(|t| wanted.contains(t)) {
        return Err(format!(
            "/type must include {} for this API, found {types:?}",
            wanted.join(" or ")
        ));
    }
    let claim = |name: &str| claims.and_then(|c| c.get(name)).and_then(Value::as_str);
    let id = object
        .get("id")
        .and_then(Value::as_str)
        .or_else(|| claim("jti"))
        .filter(|s| !s.trim().is_empty())
        .ok_or_else(|| {
            "/id is required: upsert matches credentials by id and issuer id (OB 3.0 §10)"
                .to_owned()
        })?;
    let issuer = match object.get("issuer") {
        Some(Value::String(s)) => Some(s.as_str()),
        Some(Value::Object(o)) => o.get("id").and_then(Value::as_str),
        _ => None,
    }
    .or_else(|| claim("iss"))
    .filter(|s| !s.trim().is_empty())
    .ok_or_else(|| {
        "/issuer/id is required: upsert matches credentials by id and issuer id (OB 3.0 §10)"
            .to_owned()
    })?;
    let issued_at = ["validFrom", "issuanceDate"]
        .iter()
        .find_map(|p| object.get(*p).and_then(Value::as_str))
        .and_then(|t| parse_xsd(t, Zone::Optional).ok().flatten())
        .map(|t| t.unix_seconds);
    Ok((CredentialKey::new(issuer, id), issued_at))
}
