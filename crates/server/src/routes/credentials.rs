//! The issuing side of the VC API: `POST /credentials/issue` (the tenant's `default` issuer
//! instance) and `POST /issuers/{name}/credentials/issue`, `GET`/`DELETE /credentials/{id}`,
//! `POST /credentials/status`, the public status lists at
//! `GET /status/{tenant}/{instance}/{n}/{purpose}`, `POST /presentations` (a VP signed by an
//! instance as holder), `GET /issuers/{name}` and the did:web documents of instances at
//! `GET /did/{tenant}/{name}/did.json`.
//!
//! Issuing one credential: the VC API shape rules and the issuer binding
//! (`credbridge_issue::check_issue_input`), then the id and status entry
//! (`Instance::prepare`), then the verifier's own `data-model` and `json-ld` checks on the
//! unsigned credential (the rules `credbridge verify` applies, so nothing is signed that our
//! verifier would refuse), then the proof (`Instance::secure`), then the record. Every refusal
//! is a problem detail naming the field: 400 for a malformed request, 422 for a credential
//! that breaks a rule.

use std::sync::Arc;

use axum::Router;
use axum::extract::{Path, State};
use axum::http::{HeaderMap, HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};
use credbridge_issue::{
    Instance, Instances, IssueError, IssueOptions, StatusPurpose, StoredCredential,
    check_issue_input,
};
use credbridge_verify::{Check, Outcome, Severity, VerifyOptions};
use serde_json::{Map, Value, json};

use crate::auth::Principal;
use crate::error::ApiError;
use crate::extract::ApiJson;
use crate::issuing::parse_purpose;
use crate::routes::issuers::{IssuersError, NotConfigured, master_key};
use crate::routes::within_budget;
use crate::state::{AppState, now_s};

/// Scope of issuing (`POST /credentials/issue`, `POST /issuers/{name}/credentials/issue`).
pub const SCOPE_CREDENTIALS_ISSUE: &str = "write:/credentials/issue";
/// Scope of changing a status entry (`POST /credentials/status`).
pub const SCOPE_CREDENTIALS_STATUS: &str = "write:/credentials/status";
/// Scope of reading issued credentials (`GET /credentials/{id}`).
pub const SCOPE_CREDENTIALS_READ: &str = "read:/credentials";
/// Scope of deleting issued credentials (`DELETE /credentials/{id}`).
pub const SCOPE_CREDENTIALS_WRITE: &str = "write:/credentials";
/// Scope of signing presentations (`POST /presentations`).
pub const SCOPE_PRESENTATIONS_WRITE: &str = "write:/presentations";

/// The instance `POST /credentials/issue` uses.
pub const DEFAULT_INSTANCE: &str = "default";

/// The routes of this module.
pub fn router() -> Router<AppState> {
    Router::new()
        .route("/credentials/issue", post(issue_default))
        .route("/issuers/{name}/credentials/issue", post(issue_named))
        .route("/issuers/{name}", get(instance_info))
        .route(
            "/credentials/{id}",
            get(get_credential).delete(delete_credential),
        )
        .route("/credentials/status", post(update_status))
        .route(
            "/status/{tenant}/{instance}/{n}/{purpose}",
            get(status_list),
        )
        .route(
            "/status/{tenant}/{instance}/{n}/{purpose}/publish",
            post(publish_status_list),
        )
        .route("/presentations", post(create_presentation))
        .route("/did/{tenant}/{name}/did.json", get(did_web_document))
}

/// The instances of `tenant`.
fn instances(state: &AppState, tenant: &str) -> Result<Arc<Instances>, IssuersError> {
    state
        .issuing
        .instances(&state.settings.data_dir, tenant, || master_key(state))
        .map_err(|e| IssuersError::NotConfigured(NotConfigured(e)))
}

/// Issue errors as problems: the credential's faults 422 (with the pointer into the request
/// body), the request's 400, unknown names 404, the rest 500 (logged, not echoed).
pub fn issue_error(e: IssueError) -> ApiError {
    match e {
        IssueError::CredentialRejected { ref pointer, .. } => ApiError::Unprocessable {
            slug: "credential-rejected",
            pointer: Some(format!("/credential{pointer}")),
            detail: e.to_string(),
            errors: Vec::new(),
        },
        IssueError::OptionRejected { option, .. } => ApiError::Unprocessable {
            slug: "option-rejected",
            pointer: Some(format!("/options/{option}")),
            detail: e.to_string(),
            errors: Vec::new(),
        },
        IssueError::UnknownIssuer { name } => ApiError::NotFound {
            what: "issuer instance",
            id: name,
        },
        IssueError::UnknownCredential { credential_id } => ApiError::NotFound {
            what: "credential with a status entry",
            id: credential_id,
        },
        IssueError::UnknownProofFormat { .. }
        | IssueError::KeyDoesNotFitFormat { .. }
        | IssueError::IssuerExists { .. }
        | IssueError::IssuerName { .. }
        | IssueError::LimitExceeded { .. }
        | IssueError::Key(_) => ApiError::InvalidRequest {
            detail: e.to_string(),
        },
        other => ApiError::internal(other),
    }
}

fn bad_request(detail: impl Into<String>) -> ApiError {
    ApiError::InvalidRequest {
        detail: detail.into(),
    }
}

/// `options` of an issue request: `credentialId` and `credentialStatus`
/// (`{type: "BitstringStatusListEntry", statusPurpose}` or an array of them). Other names are
/// refused (VC API: an unknown option MUST be an error).
fn issue_options(options: Option<&Value>) -> Result<IssueOptions, ApiError> {
    let mut out = IssueOptions::default();
    let Some(options) = options.filter(|o| !o.is_null()) else {
        return Ok(out);
    };
    let map = options
        .as_object()
        .ok_or_else(|| bad_request("options must be an object"))?;
    for (key, value) in map {
        match key.as_str() {
            "credentialId" => {
                out.credential_id = Some(
                    value
                        .as_str()
                        .ok_or_else(|| bad_request("options.credentialId must be a string"))?
                        .to_owned(),
                );
            }
            "credentialStatus" => {
                let entries: Vec<&Value> = match value {
                    Value::Array(items) => items.iter().collect(),
                    other => vec![other],
                };
                for entry in entries {
                    let kind = entry.get("type").and_then(Value::as_str);
                    if kind.is_some_and(|k| k != "BitstringStatusListEntry") {
                        return Err(bad_request(format!(
                            "options.credentialStatus.type {kind:?} is not supported; use BitstringStatusListEntry"
                        )));
                    }
                    let purposes: Vec<&Value> = match entry.get("statusPurpose") {
                        None => vec![],
                        Some(Value::Array(items)) => items.iter().collect(),
                        Some(one) => vec![one],
                    };
                    if purposes.is_empty() {
                        out.status_purposes.push(StatusPurpose::Revocation);
                    }
                    for p in purposes {
                        let purpose = p.as_str().and_then(parse_purpose).ok_or_else(|| {
                            bad_request(format!(
                                "options.credentialStatus.statusPurpose {p} is not supported; use revocation or suspension"
                            ))
                        })?;
                        if !out.status_purposes.contains(&purpose) {
                            out.status_purposes.push(purpose);
                        }
                    }
                }
            }
            other => {
                return Err(bad_request(format!(
                    "options.{other} is not an option of this issuer (known: credentialId, credentialStatus)"
                )));
            }
        }
    }
    Ok(out)
}

/// The options of the verifier's data-model and JSON-LD checks run before signing: the
/// server's, without any document source (an unsigned credential's status list or issuer
/// must not be fetched just to issue it).
fn check_options(state: &AppState, now: i64) -> VerifyOptions {
    let mut options = (*state.verifier.options(now, None, None)).clone();
    options.documents = None;
    options
}

/// Failed or uncheckable `data-model` / `json-ld` checks, and failed `related-resource` checks
/// (a `relatedResource` digest that does not match the resource, VCDM 2.0 §5.3), of the
/// unsigned credential.
fn refusals(credential: &Value, options: &VerifyOptions) -> Vec<Check> {
    let decode = Check::new(
        "decode",
        Severity::Fatal,
        Outcome::Passed,
        "the credential to issue",
    );
    let report = credbridge_verify::verify_value(
        "credential".to_owned(),
        credential,
        None,
        decode,
        options,
        0,
    );
    report
        .checks
        .into_iter()
        .filter(|c| c.id == "data-model" || c.id == "json-ld" || c.id == "related-resource")
        .filter(|c| {
            matches!(c.outcome, Outcome::Failed(_))
                || (c.id == "json-ld" && matches!(c.outcome, Outcome::CouldNotCheck(_)))
        })
        .collect()
}

/// Issues one credential with `instance`: the whole pipeline of the module doc. Blocking.
fn issue_one(
    instances: &Instances,
    instance: &Instance,
    body: &Value,
    options: &VerifyOptions,
    now: i64,
) -> Result<Value, ApiError> {
    let body = body
        .as_object()
        .ok_or_else(|| bad_request("the request body must be a JSON object"))?;
    let credential = body
        .get("credential")
        .ok_or_else(|| ApiError::InvalidRequest {
            detail:
                "the request body must have a \"credential\" (the unsigned credential to issue)"
                    .to_owned(),
        })?;
    if let Some(other) = body.keys().find(|k| *k != "credential" && *k != "options") {
        return Err(bad_request(format!(
            "the request body has {other:?}; an issue request has only \"credential\" and \"options\""
        )));
    }
    let issue_options = issue_options(body.get("options"))?;
    check_issue_input(credential, &instance.issuer().record.did).map_err(issue_error)?;
    let (prepared, id) = instance
        .prepare(credential.clone(), &issue_options)
        .map_err(issue_error)?;
    let refused = refusals(&prepared, options);
    if let Some(first) = refused.first() {
        let reason = |c: &Check| match &c.outcome {
            Outcome::Failed(r) | Outcome::CouldNotCheck(r) => r.clone(),
            _ => String::new(),
        };
        return Err(ApiError::Unprocessable {
            slug: "credential-rejected",
            detail: format!(
                "the credential would not verify, so it was not issued: {}",
                reason(first)
            ),
            pointer: Some("/credential".to_owned()),
            errors: refused
                .iter()
                .map(|c| json!({"check": c.id, "detail": reason(c)}))
                .collect(),
        });
    }
    let secured = instance
        .secure(&prepared, options.canonicalizer.as_ref(), now)
        .map_err(issue_error)?;
    instances
        .credentials()
        .put(&StoredCredential {
            id,
            issuer: instance.issuer().record.name.clone(),
            issued: now,
            verifiable_credential: secured.clone(),
        })
        .map_err(issue_error)?;
    Ok(secured)
}

async fn issue(
    state: AppState,
    principal: Principal,
    name: String,
    body: Value,
) -> Result<Response, IssuersError> {
    principal.require(SCOPE_CREDENTIALS_ISSUE)?;
    let instances = instances(&state, &principal.tenant_id)?;
    let now = now_s();
    let options = check_options(&state, now);
    let (secured, bare) = within_budget(&state, move || {
        let instance = instances.open(&name).map_err(issue_error)?;
        issue_one(&instances, &instance, &body, &options, now)
            .map(|vc| (vc, instance.settings().bare_response))
    })
    .await??;
    let answer = if bare {
        secured
    } else {
        json!({"verifiableCredential": secured})
    };
    Ok((StatusCode::CREATED, axum::Json(answer)).into_response())
}

#[utoipa::path(
    post, path = "/credentials/issue", tag = "issuing",
    request_body(content = Object, description = "`{credential, options?: {credentialId?, credentialStatus?: {type: BitstringStatusListEntry, statusPurpose}}}`: an unsigned VCDM 1.1 or 2.0 credential whose issuer is the instance's DID"),
    responses(
        (status = 201, description = "`{verifiableCredential}`: the credential with its proof, or an EnvelopedVerifiableCredential (vc-jose instances)"),
        (status = 400, description = "malformed request: no `credential`, an unknown option"),
        (status = 404, description = "the tenant has no instance named `default`"),
        (status = 422, description = "the credential breaks a rule (the problem's `pointer` names the field; `errors` lists each finding): wrong issuer, bad @context/type/issuer/credentialSubject, a term JSON-LD would drop"),
        (status = 503, description = "issuing is not configured (no master key)"),
    ),
    security(("oauth2" = ["write:/credentials/issue"]))
)]
/// Issues a credential with the tenant's `default` issuer instance.
pub async fn issue_default(
    State(state): State<AppState>,
    principal: Principal,
    ApiJson(body): ApiJson<Value>,
) -> Result<Response, IssuersError> {
    issue(state, principal, DEFAULT_INSTANCE.to_owned(), body).await
}

#[utoipa::path(
    post, path = "/issuers/{name}/credentials/issue", tag = "issuing",
    params(("name" = String, Path, description = "the issuer instance")),
    request_body(content = Object, description = "as `POST /credentials/issue`"),
    responses(
        (status = 201, description = "`{verifiableCredential}`"),
        (status = 400, description = "malformed request"),
        (status = 404, description = "no such instance"),
        (status = 422, description = "the credential breaks a rule"),
    ),
    security(("oauth2" = ["write:/credentials/issue"]))
)]
/// Issues a credential with the instance `name`.
pub async fn issue_named(
    State(state): State<AppState>,
    principal: Principal,
    Path(name): Path<String>,
    ApiJson(body): ApiJson<Value>,
) -> Result<Response, IssuersError> {
    issue(state, principal, name, body).await
}

#[utoipa::path(
    get, path = "/issuers/{name}", tag = "issuing",
    params(("name" = String, Path, description = "the issuer instance")),
    responses(
        (status = 200, description = "`{name, did, verificationMethod, proofFormat, statusPurposes, didDocument}`"),
        (status = 404, description = "no such instance"),
    ),
    security(("oauth2" = ["read:/issuers"]))
)]
/// An issuer instance: its DID, proof format and DID document.
pub async fn instance_info(
    State(state): State<AppState>,
    principal: Principal,
    Path(name): Path<String>,
) -> Result<Response, IssuersError> {
    principal.require(crate::routes::issuers::SCOPE_ISSUE_READ)?;
    let instances = instances(&state, &principal.tenant_id)?;
    let info = within_budget(&state, move || {
        let instance = instances.open(&name).map_err(issue_error)?;
        let record = &instance.issuer().record;
        let document = credbridge_issue::did_document(record).map_err(issue_error)?;
        Ok::<_, ApiError>(json!({
            "name": record.name,
            "did": record.did,
            "verificationMethod": instance.issuer().verification_method,
            "proofFormat": instance.format().name(),
            "statusPurposes": instance.settings().status_purposes,
            "didDocument": document,
        }))
    })
    .await??;
    Ok(axum::Json(info).into_response())
}

#[utoipa::path(
    get, path = "/credentials/{id}", tag = "issuing",
    params(("id" = String, Path, description = "the credential's id (URL-encoded)")),
    responses(
        (status = 200, description = "the issued credential, as it was answered"),
        (status = 404, description = "this tenant issued no credential with this id, or it was deleted"),
    ),
    security(("oauth2" = ["read:/credentials"]))
)]
/// An issued credential.
pub async fn get_credential(
    State(state): State<AppState>,
    principal: Principal,
    Path(id): Path<String>,
) -> Result<Response, IssuersError> {
    principal.require(SCOPE_CREDENTIALS_READ)?;
    let instances = instances(&state, &principal.tenant_id)?;
    let lookup = id.clone();
    let stored = within_budget(&state, move || instances.credentials().get(&lookup))
        .await?
        .map_err(issue_error)?
        .ok_or(ApiError::NotFound {
            what: "issued credential",
            id,
        })?;
    Ok(axum::Json(stored.verifiable_credential).into_response())
}

#[utoipa::path(
    delete, path = "/credentials/{id}", tag = "issuing",
    params(("id" = String, Path, description = "the credential's id (URL-encoded)")),
    responses(
        (status = 204, description = "deleted from storage (its status entry is unchanged: revoke it with POST /credentials/status)"),
        (status = 404, description = "no such issued credential"),
    ),
    security(("oauth2" = ["write:/credentials"]))
)]
/// Deletes an issued credential from storage.
pub async fn delete_credential(
    State(state): State<AppState>,
    principal: Principal,
    Path(id): Path<String>,
) -> Result<Response, IssuersError> {
    principal.require(SCOPE_CREDENTIALS_WRITE)?;
    let instances = instances(&state, &principal.tenant_id)?;
    let lookup = id.clone();
    let deleted = within_budget(&state, move || instances.credentials().delete(&lookup))
        .await?
        .map_err(issue_error)?;
    if deleted {
        Ok(StatusCode::NO_CONTENT.into_response())
    } else {
        Err(ApiError::NotFound {
            what: "issued credential",
            id,
        }
        .into())
    }
}

/// The changes of a status request: `(purpose, value)` per entry.
fn status_changes(body: &Map<String, Value>) -> Result<Vec<(StatusPurpose, bool)>, ApiError> {
    let entries: Vec<&Value> = match body.get("credentialStatus") {
        None => {
            return Err(bad_request(
                "the request body must have \"credentialStatus\": [{type: BitstringStatusListEntry, statusPurpose, status?}]",
            ));
        }
        Some(Value::Array(items)) => items.iter().collect(),
        Some(one) => vec![one],
    };
    if entries.is_empty() {
        return Err(bad_request("credentialStatus is empty"));
    }
    let mut out = Vec::new();
    for (i, entry) in entries.iter().enumerate() {
        let at = format!("credentialStatus[{i}]");
        let entry = entry
            .as_object()
            .ok_or_else(|| bad_request(format!("{at} must be an object")))?;
        if let Some(kind) = entry.get("type")
            && kind != "BitstringStatusListEntry"
        {
            return Err(bad_request(format!(
                "{at}.type {kind} is not supported; use BitstringStatusListEntry"
            )));
        }
        let purpose = entry
            .get("statusPurpose")
            .and_then(Value::as_str)
            .and_then(parse_purpose)
            .ok_or_else(|| {
                bad_request(format!(
                    "{at}.statusPurpose must be \"revocation\" or \"suspension\""
                ))
            })?;
        let value = match entry.get("status") {
            None => true,
            Some(Value::Bool(b)) => *b,
            Some(Value::String(s)) if s == "true" || s == "1" => true,
            Some(Value::String(s)) if s == "false" || s == "0" => false,
            Some(other) => {
                return Err(bad_request(format!(
                    "{at}.status must be true (set) or false (clear), found {other}"
                )));
            }
        };
        if purpose == StatusPurpose::Revocation && !value {
            return Err(bad_request(format!(
                "{at}: a revocation cannot be undone (status false is only for suspension)"
            )));
        }
        out.push((purpose, value));
    }
    Ok(out)
}

#[utoipa::path(
    post, path = "/credentials/status", tag = "issuing",
    request_body(content = Object, description = "`{credentialId, credentialStatus: [{type: BitstringStatusListEntry, statusPurpose: revocation|suspension, status?: true|false}]}`"),
    responses(
        (status = 200, description = "`{credentialId, credentialStatus}`: the entries as they now stand; the list credential is re-signed"),
        (status = 400, description = "malformed request (the problem names the field)"),
        (status = 404, description = "no credential of this tenant has a status entry with that id"),
    ),
    security(("oauth2" = ["write:/credentials/status"]))
)]
/// Sets or clears a status entry of a credential issued by an instance or a batch.
pub async fn update_status(
    State(state): State<AppState>,
    principal: Principal,
    ApiJson(body): ApiJson<Value>,
) -> Result<Response, IssuersError> {
    principal.require(SCOPE_CREDENTIALS_STATUS)?;
    let map = body
        .as_object()
        .ok_or_else(|| bad_request("the request body must be a JSON object"))?;
    let id = map
        .get("credentialId")
        .and_then(Value::as_str)
        .ok_or_else(|| bad_request("the request body must have \"credentialId\" (a string)"))?
        .to_owned();
    let changes = status_changes(map)?;
    let instances = instances(&state, &principal.tenant_id)?;
    let canonicalizer = state
        .verifier
        .options(now_s(), None, None)
        .canonicalizer
        .clone();
    let answer_id = id.clone();
    within_budget(&state, move || {
        for (purpose, value) in &changes {
            instances
                .set_status(&id, *purpose, *value, canonicalizer.as_ref(), now_s())
                .map_err(issue_error)?;
        }
        Ok::<_, ApiError>(())
    })
    .await??;
    let changes = status_changes(map)?;
    let entries: Vec<Value> = changes
        .iter()
        .map(|(p, v)| json!({"type": "BitstringStatusListEntry", "statusPurpose": p.as_str(), "status": v}))
        .collect();
    Ok(axum::Json(json!({"credentialId": answer_id, "credentialStatus": entries})).into_response())
}

#[utoipa::path(
    get, path = "/status/{tenant}/{instance}/{n}/{purpose}", tag = "issuing",
    params(
        ("tenant" = String, Path, description = "the tenant id"),
        ("instance" = String, Path, description = "the issuer instance"),
        ("n" = u32, Path, description = "the list number"),
        ("purpose" = String, Path, description = "revocation or suspension"),
    ),
    responses(
        (status = 200, description = "the signed BitstringStatusListCredential; `ETag` and `Cache-Control: no-cache` (revalidate every time, 304 when unchanged)"),
        (status = 304, description = "unchanged since the `If-None-Match` ETag"),
        (status = 404, description = "no such list"),
    ),
    security(())
)]
/// A status list credential (public: verifiers fetch it without credentials).
pub async fn status_list(
    State(state): State<AppState>,
    Path((tenant, instance, n, purpose)): Path<(String, String, String, String)>,
    headers: HeaderMap,
) -> Result<Response, IssuersError> {
    let not_found = || ApiError::NotFound {
        what: "status list",
        id: format!("{tenant}/{instance}/{n}/{purpose}"),
    };
    let purpose_value = parse_purpose(&purpose).ok_or_else(not_found)?;
    let number: u32 = n.parse().map_err(|_| not_found())?;
    if !is_tenant_id(&tenant) {
        return Err(not_found().into());
    }
    let instances = instances(&state, &tenant)?;
    let canonicalizer = state
        .verifier
        .options(now_s(), None, None)
        .canonicalizer
        .clone();
    let name = instance.clone();
    let list = within_budget(&state, move || {
        if !instances.exists(&name).unwrap_or(false) {
            return Ok(None);
        }
        let instance = instances.open(&name).map_err(issue_error)?;
        instance
            .status_list(number, purpose_value, canonicalizer.as_ref(), now_s())
            .map_err(issue_error)
    })
    .await??
    .ok_or_else(not_found)?;
    let etag = HeaderValue::from_str(&list.etag).map_err(ApiError::internal)?;
    let cache = HeaderValue::from_static("public, no-cache");
    if headers
        .get(header::IF_NONE_MATCH)
        .is_some_and(|v| v.as_bytes() == list.etag.as_bytes())
    {
        let mut response = StatusCode::NOT_MODIFIED.into_response();
        response.headers_mut().insert(header::ETAG, etag);
        response.headers_mut().insert(header::CACHE_CONTROL, cache);
        return Ok(response);
    }
    let mut response = list.body.clone().into_response();
    let h = response.headers_mut();
    h.insert(
        header::CONTENT_TYPE,
        HeaderValue::from_static("application/json"),
    );
    h.insert(header::ETAG, etag);
    h.insert(header::CACHE_CONTROL, cache);
    Ok(response)
}

/// A tenant id as the store makes them (a UUID), so a public URL cannot name a directory.
fn is_tenant_id(text: &str) -> bool {
    !text.is_empty() && text.len() <= 64 && text.bytes().all(|b| b.is_ascii_hexdigit() || b == b'-')
}

#[utoipa::path(
    post, path = "/status/{tenant}/{instance}/{n}/{purpose}/publish", tag = "issuing",
    params(
        ("tenant" = String, Path, description = "the tenant id"),
        ("instance" = String, Path, description = "the issuer instance"),
        ("n" = u32, Path, description = "the list number"),
        ("purpose" = String, Path, description = "revocation or suspension"),
    ),
    responses((status = 204, description = "the list is published (it is re-signed on every change)")),
    security(("oauth2" = ["write:/credentials/status"]))
)]
/// `POST …/publish`: lists are re-signed as soon as they change, so publishing is already
/// done; answered 204 for clients (the BSL suite) that ask for it.
pub async fn publish_status_list(
    State(state): State<AppState>,
    principal: Principal,
) -> Result<Response, IssuersError> {
    let _ = state;
    principal.require(SCOPE_CREDENTIALS_STATUS)?;
    Ok(StatusCode::NO_CONTENT.into_response())
}

#[utoipa::path(
    post, path = "/presentations", tag = "issuing",
    request_body(content = Object, description = "`{presentation, options?: {challenge?, domain?}}`: the presentation's `holder` names the instance that signs (its DID), else the `default` instance signs and becomes the holder"),
    responses(
        (status = 201, description = "`{verifiablePresentation}` with a Data Integrity proof of purpose authentication"),
        (status = 400, description = "malformed request"),
        (status = 422, description = "the presentation breaks a rule, or no instance has the holder's DID"),
    ),
    security(("oauth2" = ["write:/presentations"]))
)]
/// Signs a presentation as its holder.
pub async fn create_presentation(
    State(state): State<AppState>,
    principal: Principal,
    ApiJson(body): ApiJson<Value>,
) -> Result<Response, IssuersError> {
    principal.require(SCOPE_PRESENTATIONS_WRITE)?;
    let instances = instances(&state, &principal.tenant_id)?;
    let now = now_s();
    let canonicalizer = state
        .verifier
        .options(now, None, None)
        .canonicalizer
        .clone();
    let signed = within_budget(&state, move || {
        let body = body
            .as_object()
            .ok_or_else(|| bad_request("the request body must be a JSON object"))?;
        let mut presentation = body
            .get("presentation")
            .and_then(Value::as_object)
            .cloned()
            .ok_or_else(|| {
                bad_request("the request body must have \"presentation\" (an object)")
            })?;
        let options = body.get("options").cloned().unwrap_or(Value::Null);
        let text = |key: &str| -> Result<Option<String>, ApiError> {
            match options.get(key) {
                None | Some(Value::Null) => Ok(None),
                Some(Value::String(s)) => Ok(Some(s.clone())),
                Some(_) => Err(bad_request(format!("options.{key} must be a string"))),
            }
        };
        let (challenge, domain) = (text("challenge")?, text("domain")?);
        if !presentation
            .get("type")
            .and_then(Value::as_array)
            .is_some_and(|t| t.iter().any(|t| t == "VerifiablePresentation"))
        {
            return Err(ApiError::Unprocessable {
                slug: "presentation-rejected",
                detail: "presentation.type must be an array including \"VerifiablePresentation\""
                    .to_owned(),
                pointer: Some("/presentation/type".to_owned()),
                errors: Vec::new(),
            });
        }
        let holder = match presentation.get("holder") {
            None => None,
            Some(Value::String(h)) => Some(h.clone()),
            Some(Value::Object(o)) => o.get("id").and_then(Value::as_str).map(str::to_owned),
            Some(_) => {
                return Err(bad_request(
                    "presentation.holder must be a string or an object",
                ));
            }
        };
        let instance = match &holder {
            None => instances.open(DEFAULT_INSTANCE).map_err(issue_error)?,
            Some(did) => {
                let mut found = None;
                for name in instances.names().map_err(issue_error)? {
                    let candidate = instances.open(&name).map_err(issue_error)?;
                    if candidate.issuer().record.did == *did {
                        found = Some(candidate);
                        break;
                    }
                }
                found.ok_or_else(|| ApiError::Unprocessable {
                    slug: "presentation-rejected",
                    detail: format!("no issuer instance of this tenant has the holder's DID {did}"),
                    pointer: Some("/presentation/holder".to_owned()),
                    errors: Vec::new(),
                })?
            }
        };
        if holder.is_none() {
            presentation.insert("holder".into(), instance.issuer().record.did.clone().into());
        }
        instance
            .sign_presentation(
                &Value::Object(presentation),
                challenge,
                domain,
                canonicalizer.as_ref(),
                now,
            )
            .map_err(|e| match e {
                IssueError::CredentialRejected { pointer, reason } => ApiError::Unprocessable {
                    slug: "presentation-rejected",
                    detail: format!("presentation{pointer}: {reason}"),
                    pointer: Some(format!("/presentation{pointer}")),
                    errors: Vec::new(),
                },
                other => issue_error(other),
            })
    })
    .await??;
    Ok((
        StatusCode::CREATED,
        axum::Json(json!({"verifiablePresentation": signed})),
    )
        .into_response())
}

#[utoipa::path(
    get, path = "/did/{tenant}/{name}/did.json", tag = "issuing",
    params(("tenant" = String, Path, description = "the tenant id"), ("name" = String, Path, description = "the issuer")),
    responses(
        (status = 200, description = "the DID document of a did:web issuer (did:web:HOST:did:TENANT:NAME resolves here)"),
        (status = 404, description = "no such did:web issuer"),
    ),
    security(())
)]
/// The DID document of a did:web issuer, public.
pub async fn did_web_document(
    State(state): State<AppState>,
    Path((tenant, name)): Path<(String, String)>,
) -> Result<Response, IssuersError> {
    let not_found = || ApiError::NotFound {
        what: "did:web issuer",
        id: format!("{tenant}/{name}"),
    };
    if !is_tenant_id(&tenant) {
        return Err(not_found().into());
    }
    let instances = instances(&state, &tenant)?;
    let lookup = name.clone();
    let document = within_budget(&state, move || {
        if !instances.exists(&lookup).unwrap_or(false) {
            return Ok(None);
        }
        let instance = instances.open(&lookup).map_err(issue_error)?;
        let record = &instance.issuer().record;
        if !record.did.starts_with("did:web:") {
            return Ok(None);
        }
        credbridge_issue::did_document(record)
            .map(Some)
            .map_err(issue_error)
    })
    .await??
    .ok_or_else(not_found)?;
    let mut response = axum::Json(document).into_response();
    response.headers_mut().insert(
        header::CACHE_CONTROL,
        HeaderValue::from_static("public, max-age=300"),
    );
    Ok(response)
}
