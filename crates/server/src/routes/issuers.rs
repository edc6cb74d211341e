//! Issuing at scale: `POST /issuers` creates an issuer (did:key, or did:web with `didWeb`);
//! `POST /issuers/{name}/batches` starts a batch (template + roster → signed
//! OB 3.0 credentials) as an asynchronous job and answers 202 with its id;
//! `GET /issuers/{name}/batches/{id}` and `GET /batches/{id}` report its progress and outcome.
//!
//! Every piece of logic is `credbridge_issue::BatchJobs` (checking the input, the content-derived
//! batch id, resuming, progress); this module authenticates, picks the caller's tenant, and maps
//! errors to problem details. Issuers, status lists and batches of tenant `T` live in
//! `DATA_DIR/issuers/tenants/T/`; issuer keys are sealed under the master key from
//! `CREDBRIDGE_MASTER_KEY` (hex) or `CREDBRIDGE_MASTER_KEY_FILE`, as for the CLI. Without one,
//! the routes answer 503 `issuing-not-configured` — except under `--dev`, where a development
//! key is generated once into `DATA_DIR/issuers/dev-master-key` (never do that in production:
//! the key would sit beside what it protects).

use std::path::PathBuf;
use std::sync::{Arc, Mutex, OnceLock};

use axum::Router;
use axum::extract::{Path, State};
use axum::http::{HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};
use credbridge_issue::{
    BatchJobs, BatchRequest, BatchStatus, IriShapeChecker, IssueError, IssuerProfile, MasterKey,
};
use serde_json::json;

use crate::auth::Principal;
use crate::error::{ApiError, problem_response, problem_type};
use crate::extract::ApiJson;
use crate::routes::within_budget;
use crate::state::AppState;

/// Scope of `POST /issuers/{name}/batches`.
pub const SCOPE_ISSUE_WRITE: &str = "write:/issuers";
/// Scope of reading batches.
pub const SCOPE_ISSUE_READ: &str = "read:/issuers";

/// The routes of this module.
pub fn router() -> Router<AppState> {
    Router::new()
        .route("/issuers", post(create))
        .route("/issuers/{name}/batches", post(submit))
        .route("/issuers/{name}/batches/{id}", get(issuer_batch))
        .route("/issuers/{name}/batches/{id}/pickups", post(pickups))
        .route("/batches/{id}", get(batch))
}

/// The job runners, one per data directory (tests run several servers in one process).
static JOBS: OnceLock<Mutex<Vec<JobsOfDataDir>>> = OnceLock::new();

/// A data directory's job root and its runner.
type JobsOfDataDir = (PathBuf, Arc<BatchJobs>);

/// Issuing is switched off: no master key (503 `issuing-not-configured`).
#[derive(Debug)]
pub struct NotConfigured(pub String);

impl IntoResponse for NotConfigured {
    fn into_response(self) -> Response {
        let mut response = problem_response(
            StatusCode::SERVICE_UNAVAILABLE,
            &json!({
                "type": problem_type("issuing-not-configured"),
                "title": "Service Unavailable",
                "status": 503,
                "detail": self.0,
            }),
        );
        response
            .headers_mut()
            .insert(header::RETRY_AFTER, HeaderValue::from_static("60"));
        response
    }
}

/// An error of these routes: a problem detail either way.
#[derive(Debug)]
pub enum IssuersError {
    /// One of the server's problems.
    Api(ApiError),
    /// No master key.
    NotConfigured(NotConfigured),
}

impl From<ApiError> for IssuersError {
    fn from(e: ApiError) -> IssuersError {
        IssuersError::Api(e)
    }
}

impl IntoResponse for IssuersError {
    fn into_response(self) -> Response {
        match self {
            IssuersError::Api(e) => e.into_response(),
            IssuersError::NotConfigured(e) => e.into_response(),
        }
    }
}

/// The master key from the environment; under `--dev`, failing that, the development key file
/// (made on first use).
pub(crate) fn master_key(state: &AppState) -> Result<MasterKey, String> {
    match env_master_key() {
        Err(missing) if state.settings.dev => {
            let path = state
                .settings
                .data_dir
                .join("issuers")
                .join("dev-master-key");
            match MasterKey::from_file(&path) {
                Ok(key) => Ok(key),
                Err(_) => {
                    let (key, hex) = MasterKey::generate();
                    let written = path
                        .parent()
                        .map_or(Ok(()), std::fs::create_dir_all)
                        .and_then(|()| std::fs::write(&path, hex));
                    written
                        .map(|()| key)
                        .map_err(|e| format!("{missing}; and {}: {e}", path.display()))
                }
            }
        }
        other => other,
    }
}

fn env_master_key() -> Result<MasterKey, String> {
    if let Ok(text) = std::env::var("CREDBRIDGE_MASTER_KEY") {
        return MasterKey::parse(&text).map_err(|e| format!("CREDBRIDGE_MASTER_KEY: {e}"));
    }
    if let Some(path) = std::env::var_os("CREDBRIDGE_MASTER_KEY_FILE") {
        return MasterKey::from_file(std::path::Path::new(&path))
            .map_err(|e| format!("CREDBRIDGE_MASTER_KEY_FILE: {e}"));
    }
    Err("issuing needs a master key: start the server with CREDBRIDGE_MASTER_KEY (64 hex digits) or CREDBRIDGE_MASTER_KEY_FILE".to_owned())
}

/// The job runner of this server's data directory, made on first use.
fn jobs(state: &AppState) -> Result<Arc<BatchJobs>, IssuersError> {
    let root = state.settings.data_dir.join("issuers").join("tenants");
    let all = JOBS.get_or_init(|| Mutex::new(Vec::new()));
    let mut all = all
        .lock()
        .map_err(|_| ApiError::internal("batch job table poisoned"))?;
    if let Some((_, jobs)) = all.iter().find(|(dir, _)| *dir == root) {
        return Ok(jobs.clone());
    }
    let master = master_key(state).map_err(|e| IssuersError::NotConfigured(NotConfigured(e)))?;
    // The template lint checks alignments against the bundled frameworks, as `credbridge lint`.
    let checker: Arc<dyn credbridge_issue::AlignmentChecker> = match state.frameworks.get() {
        Ok(frameworks) => Arc::new(credbridge_config::FrameworkAlignmentChecker::new(
            frameworks,
        )),
        Err(_) => Arc::new(IriShapeChecker),
    };
    let jobs = Arc::new(BatchJobs::new(
        root.clone(),
        master,
        Arc::new(credbridge_proofs::JsonLdCanonicalizer::with_bundled_contexts()),
        checker,
    ));
    all.push((root, jobs.clone()));
    Ok(jobs)
}

/// Input errors are the client's (400 `invalid-request`, 404 for an unknown issuer); the rest
/// is logged and answered 500.
fn api_error(e: IssueError) -> ApiError {
    match e {
        IssueError::UnknownIssuer { name } => ApiError::NotFound {
            what: "issuer",
            id: name,
        },
        IssueError::IssuerExists { name } => ApiError::InvalidRequest {
            detail: format!("an issuer named {name:?} already exists"),
        },
        IssueError::Parse { .. }
        | IssueError::LimitExceeded { .. }
        | IssueError::TemplateInvalid { .. }
        | IssueError::MappingColumnMissing { .. }
        | IssueError::RosterHeader { .. }
        | IssueError::IssuerName { .. } => ApiError::InvalidRequest {
            detail: e.to_string(),
        },
        other => ApiError::internal(other),
    }
}

/// `POST /issuers` body.
#[derive(Debug, serde::Deserialize, utoipa::ToSchema)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct CreateIssuerRequest {
    /// The short name used in URLs (1-64 of a-z, 0-9, `-`, `_`).
    pub name: String,
    /// The OB 3.0 Profile: name, url, email, image, address, otherIdentifier, official.
    #[schema(value_type = Object)]
    pub profile: IssuerProfile,
    /// Publish as did:web on this domain (else did:key).
    #[serde(default)]
    pub did_web: Option<String>,
    /// As a VC API issuer instance: `eddsa-rdfc-2022` (default for Ed25519),
    /// `eddsa-jcs-2022`, `ecdsa-rdfc-2019` (default for P-256/P-384), `ecdsa-jcs-2019`,
    /// `Ed25519Signature2020` or `vc-jose`.
    #[serde(default)]
    pub proof_format: Option<String>,
    /// `Ed25519` (default), `P-256` or `P-384`.
    #[serde(default)]
    pub key_type: Option<String>,
    /// Status purposes every credential of the instance gets (`revocation`, `suspension`).
    #[serde(default)]
    #[schema(value_type = Vec<String>)]
    pub status_purposes: Vec<credbridge_issue::StatusPurpose>,
    /// Answer issue requests with the bare credential instead of `{verifiableCredential}`.
    #[serde(default)]
    pub bare_response: bool,
}

#[utoipa::path(
    post, path = "/issuers", tag = "issuing",
    request_body(content = CreateIssuerRequest, description = "the issuer's name, OB 3.0 profile and optional did:web domain"),
    responses(
        (status = 201, description = "`{name, did, didDocument}`: serve didDocument at the did:web URL"),
        (status = 400, description = "bad name, or the name is taken"),
        (status = 503, description = "issuing is not configured (no master key)"),
    ),
    security(("oauth2" = ["write:/issuers"]))
)]
/// Creates an issuer (an Ed25519 key sealed under the master key) for the caller's tenant.
pub async fn create(
    State(state): State<AppState>,
    principal: Principal,
    ApiJson(request): ApiJson<CreateIssuerRequest>,
) -> Result<Response, IssuersError> {
    principal.require(SCOPE_ISSUE_WRITE)?;
    if request.proof_format.is_some()
        || request.key_type.is_some()
        || request.bare_response
        || !request.status_purposes.is_empty()
    {
        return create_instance(state, principal, request).await;
    }
    let jobs = jobs(&state)?;
    let home = jobs.home(&principal.tenant_id);
    let master = master_key(&state).map_err(|e| IssuersError::NotConfigured(NotConfigured(e)))?;
    let now = crate::state::now_ms() / 1000;
    let record = within_budget(&state, move || {
        home.create(
            &master,
            &request.name,
            request.profile,
            request.did_web,
            credbridge_keys::KeyType::Ed25519,
            now,
        )
        .and_then(|record| Ok((credbridge_issue::did_document(&record)?, record)))
    })
    .await?
    .map_err(api_error)?;
    let (document, record) = record;
    let mut response = (
        StatusCode::CREATED,
        axum::Json(json!({"name": record.name, "did": record.did, "didDocument": document})),
    )
        .into_response();
    if let Ok(value) = HeaderValue::from_str(&format!("/issuers/{}", record.name)) {
        response.headers_mut().insert(header::LOCATION, value);
    }
    Ok(response)
}

/// `POST /issuers` with instance settings: the issuer is made through the tenant's
/// instances, so the VC API routes find it opened.
async fn create_instance(
    state: AppState,
    principal: Principal,
    request: CreateIssuerRequest,
) -> Result<Response, IssuersError> {
    let key_type = match request.key_type.as_deref() {
        None | Some("Ed25519") => credbridge_keys::KeyType::Ed25519,
        Some("P-256") => credbridge_keys::KeyType::P256,
        Some("P-384") => credbridge_keys::KeyType::P384,
        Some(other) => {
            return Err(ApiError::InvalidRequest {
                detail: format!("keyType {other:?} is not one of Ed25519, P-256, P-384"),
            }
            .into());
        }
    };
    let instances = state
        .issuing
        .instances(&state.settings.data_dir, &principal.tenant_id, || {
            master_key(&state)
        })
        .map_err(|e| IssuersError::NotConfigured(NotConfigured(e)))?;
    let now = crate::state::now_s();
    let (name, did, document, format) = within_budget(&state, move || {
        let instance = instances.create(credbridge_issue::NewInstance {
            name: request.name,
            did_web: request.did_web,
            key_type,
            import: None,
            settings: credbridge_issue::InstanceSettings {
                proof_format: request.proof_format,
                status_purposes: request.status_purposes,
                bare_response: request.bare_response,
            },
            profile: request.profile,
            now,
        })?;
        let record = &instance.issuer().record;
        Ok::<_, IssueError>((
            record.name.clone(),
            record.did.clone(),
            credbridge_issue::did_document(record)?,
            instance.format().name(),
        ))
    })
    .await?
    .map_err(crate::routes::credentials::issue_error)?;
    let mut response = (
        StatusCode::CREATED,
        axum::Json(
            json!({"name": name, "did": did, "didDocument": document, "proofFormat": format}),
        ),
    )
        .into_response();
    if let Ok(value) = HeaderValue::from_str(&format!("/issuers/{name}")) {
        response.headers_mut().insert(header::LOCATION, value);
    }
    Ok(response)
}

fn status_response(code: StatusCode, status: &BatchStatus) -> Response {
    let location = format!("/issuers/{}/batches/{}", status.issuer, status.id);
    let mut response = (code, axum::Json(status)).into_response();
    if let Ok(value) = HeaderValue::from_str(&location) {
        response.headers_mut().insert(header::LOCATION, value);
    }
    response
}

#[utoipa::path(
    post, path = "/issuers/{name}/batches", tag = "issuing",
    params(("name" = String, Path, description = "the issuer's short name")),
    request_body(content = Object, description = "`{template, roster, rosterFormat?, mapping?, lineItem?, jwt?, zip?, statusBaseUrl?}`: the template (JSON object or YAML text) and the roster (CSV text, or OneRoster/Edu-API JSON text with rosterFormat `one-roster-json`)"),
    responses(
        (status = 202, description = "the batch was started (or resumed): its status, `Location` names it"),
        (status = 200, description = "the same batch is already running, queued or done: its status"),
        (status = 400, description = "the template, roster or options are unusable"),
        (status = 404, description = "no such issuer for this tenant"),
        (status = 503, description = "issuing is not configured (no master key)"),
    ),
    security(("oauth2" = ["write:/issuers"]))
)]
/// Starts a batch of the issuer `name` for the caller's tenant.
pub async fn submit(
    State(state): State<AppState>,
    principal: Principal,
    Path(name): Path<String>,
    ApiJson(request): ApiJson<BatchRequest>,
) -> Result<Response, IssuersError> {
    principal
        .require(SCOPE_ISSUE_WRITE)
        .map_err(IssuersError::from)?;
    let jobs = jobs(&state)?;
    let tenant = principal.tenant_id.clone();
    let handle = within_budget(&state, move || jobs.submit(&tenant, &name, &request))
        .await?
        .map_err(api_error)?;
    let code = if handle.started {
        StatusCode::ACCEPTED
    } else {
        StatusCode::OK
    };
    Ok(status_response(code, &handle.status))
}

async fn find(
    state: &AppState,
    principal: &Principal,
    id: String,
    issuer: Option<String>,
) -> Result<Response, IssuersError> {
    principal.require(SCOPE_ISSUE_READ)?;
    let jobs = jobs(state)?;
    let tenant = principal.tenant_id.clone();
    let lookup = id.clone();
    let status = within_budget(state, move || jobs.status(&tenant, &lookup))
        .await?
        .map_err(api_error)?
        .filter(|s| issuer.as_ref().is_none_or(|name| *name == s.issuer))
        .ok_or(ApiError::NotFound { what: "batch", id })?;
    Ok(status_response(StatusCode::OK, &status))
}

#[utoipa::path(
    get, path = "/issuers/{name}/batches/{id}", tag = "issuing",
    params(("name" = String, Path, description = "the issuer"), ("id" = String, Path, description = "the batch id")),
    responses(
        (status = 200, description = "`{id, issuer, state (queued|running|done|failed|interrupted), progress {handled,total,issued}, outcome?, error?, created, finished?}`"),
        (status = 404, description = "no such batch of this issuer for this tenant"),
    ),
    security(("oauth2" = ["read:/issuers"]))
)]
/// The status of a batch of issuer `name`.
pub async fn issuer_batch(
    State(state): State<AppState>,
    principal: Principal,
    Path((name, id)): Path<(String, String)>,
) -> Result<Response, IssuersError> {
    find(&state, &principal, id, Some(name)).await
}

#[utoipa::path(
    get, path = "/batches/{id}", tag = "issuing",
    params(("id" = String, Path, description = "the batch id")),
    responses(
        (status = 200, description = "the batch's status, as `GET /issuers/{name}/batches/{id}`"),
        (status = 404, description = "no such batch for this tenant"),
    ),
    security(("oauth2" = ["read:/issuers"]))
)]
/// The status of a batch, by id alone.
pub async fn batch(
    State(state): State<AppState>,
    principal: Principal,
    Path(id): Path<String>,
) -> Result<Response, IssuersError> {
    find(&state, &principal, id, None).await
}

/// How long a learner's pickup link lives: 30 days.
pub const PICKUP_TTL_SECONDS: i64 = 30 * 24 * 3600;

#[utoipa::path(
    post, path = "/issuers/{name}/batches/{id}/pickups", tag = "issuing",
    params(("name" = String, Path, description = "the issuer"), ("id" = String, Path, description = "the batch id")),
    responses(
        (status = 201, description = "`{workflow, pickups: [{credentialId, row, recipient, exchangeUrl, qrCode}]}`: one VCALM exchange per learner (DID Authentication, then the learner's credential), valid 30 days"),
        (status = 404, description = "no such batch of this issuer"),
        (status = 422, description = "`batch-not-finished`: the batch is still running (or failed)"),
    ),
    security(("oauth2" = ["write:/issuers", "write:/workflows"]))
)]
/// Per learner, a wallet pickup link for a finished batch: one offer workflow, then one
/// exchange per credential of the batch, each handing that learner's credential to their wallet
/// after DID Authentication (`docs/exchanges.md`). Calling it again makes fresh links.
pub async fn pickups(
    State(state): State<AppState>,
    principal: Principal,
    Path((name, id)): Path<(String, String)>,
) -> Result<Response, IssuersError> {
    principal
        .require(SCOPE_ISSUE_WRITE)
        .and_then(|p| p.require(crate::routes::exchanges::SCOPE_WORKFLOWS_WRITE))
        .map_err(IssuersError::from)?;
    let jobs = jobs(&state)?;
    let tenant = principal.tenant_id.clone();
    let not_found = || ApiError::NotFound {
        what: "batch",
        id: id.clone(),
    };
    let (status, out_dir) = {
        let (jobs, tenant, id) = (jobs.clone(), tenant.clone(), id.clone());
        within_budget(&state, move || {
            (jobs.status(&tenant, &id), jobs.out_dir(&tenant, &id))
        })
        .await?
    };
    let status = status
        .map_err(api_error)?
        .filter(|s| s.issuer == name)
        .ok_or_else(not_found)?;
    if status.state != credbridge_issue::JobState::Done {
        return Err(ApiError::Unprocessable {
            slug: "batch-not-finished",
            detail: format!(
                "batch {id} is {:?}: pickup links are made once it has finished",
                status.state
            ),
            pointer: None,
            errors: Vec::new(),
        }
        .into());
    }
    let out_dir = out_dir.ok_or_else(not_found)?;
    let credentials = within_budget(&state, move || {
        credbridge_issue::read_batch_credentials(&out_dir)
    })
    .await?
    .map_err(api_error)?;

    let now = crate::state::now_s();
    let offer = json!({
        "initialStep": "didAuth",
        "steps": {
            "didAuth": {
                "createChallenge": true,
                "verifiablePresentationRequest": {"query": {"type": "DIDAuthentication"}},
                "nextStep": "deliver"
            },
            "deliver": {"credentialsVariable": "credentials"}
        }
    });
    // A credential the exchange refuses (too large to hand out, say) is the batch's problem, named.
    let exchange_error = |e: credbridge_exchange::ExchangeError| {
        IssuersError::Api(if e.is_internal() {
            ApiError::internal(format!("making a pickup link: {e}"))
        } else {
            ApiError::Unprocessable {
                slug: e.slug(),
                detail: format!("a pickup link could not be made: {e}"),
                pointer: None,
                errors: Vec::new(),
            }
        })
    };
    let workflow = state
        .exchanges
        .create_workflow(&tenant, &offer, now)
        .await
        .map_err(exchange_error)?;
    let mut pickups = Vec::with_capacity(credentials.len());
    for credential in credentials {
        let exchange = state
            .exchanges
            .create_exchange(
                &tenant,
                &workflow.id,
                &json!({"ttl": PICKUP_TTL_SECONDS, "variables": {"credentials": [credential.credential]}}),
                now,
            )
            .await
            .map_err(exchange_error)?;
        let link = state.exchanges.exchange_url(&workflow.id, &exchange.id);
        pickups.push(json!({
            "credentialId": credential.credential_id,
            "row": credential.row,
            "recipient": credential.recipient,
            "exchangeUrl": link,
            "qrCode": format!("{link}/qr.svg"),
        }));
    }
    Ok((
        StatusCode::CREATED,
        axum::Json(json!({"workflow": workflow.id, "pickups": pickups})),
    )
        .into_response())
}
