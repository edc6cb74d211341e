//! VCALM workflows and exchanges with wallets: thin routes over
//! [`credbridge_exchange::ExchangeService`], which holds every rule (the workflow shape, the
//! exchange state machine, challenges, replay and expiry, the query, delivering offered
//! credentials).
//!
//! - Coordinator (authenticated, its tenant only): `POST /workflows`, `GET /workflows/{id}`,
//!   `POST /workflows/{id}/exchanges`, `GET /workflows/{id}/exchanges/{eid}` (state, results,
//!   `lastError`), `GET /workflows/{id}/exchanges/{eid}/qr.svg` (the link as a QR code).
//! - Wallet (no account: the unguessable exchange link is the capability, as VCALM has it):
//!   `POST /workflows/{id}/exchanges/{eid}` (`{}` → the presentation request; then the signed
//!   presentation → the next message), `GET /workflows/{id}/exchanges/{eid}/request` (the
//!   current request, without changing anything), `GET …/protocols`.
//!
//! Credentials a wallet presents in a request flow go into the workflow owner's inbox with
//! source `exchange`, through the same code as any upload (each keeps its own bytes and its
//! report). Every refusal is an RFC 9457 problem detail whose `type` names the rule
//! (`challenge-replayed`, `exchange-expired`, …).

use std::sync::Arc;

use async_trait::async_trait;
use axum::Router;
use axum::extract::{Path, State};
use axum::http::{HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};
use credbridge_exchange::{
    ExchangeError, PRESENTATION_NAME, Participation, PresentationVerifier, VerifiedItem,
};
use credbridge_store::Source;
use serde_json::{Value, json};

use crate::auth::Principal;
use crate::error::{ApiError, problem_response};
use crate::extract::{JsonBytes, parse_json};
use crate::ingest::{self, Upload};
use crate::routes::within_budget;
use crate::state::{AppState, now_ms, now_s};
use crate::verifier::Verifier;

/// Scope of creating and reading workflows and exchanges.
pub const SCOPE_WORKFLOWS_WRITE: &str = "write:/workflows";
/// Scope of reading workflows and exchanges (state, results, QR code).
pub const SCOPE_WORKFLOWS_READ: &str = "read:/workflows";

/// The routes of this module.
pub fn router() -> Router<AppState> {
    Router::new()
        .route("/workflows", post(create_workflow))
        .route("/workflows/{id}", get(workflow))
        .route("/workflows/{id}/exchanges", post(create_exchange))
        .route(
            "/workflows/{id}/exchanges/{eid}",
            get(exchange).post(participate),
        )
        .route("/workflows/{id}/exchanges/{eid}/request", get(request))
        .route("/workflows/{id}/exchanges/{eid}/protocols", get(protocols))
        .route("/workflows/{id}/exchanges/{eid}/qr.svg", get(qr_svg))
}

/// An error of these routes: the exchange service's refusals keep their own rule slug.
#[derive(Debug)]
pub enum ExchangesError {
    /// One of the server's problems (auth, body, store).
    Api(ApiError),
    /// A refusal of the exchange service.
    Exchange(ExchangeError),
}

impl From<ApiError> for ExchangesError {
    fn from(error: ApiError) -> Self {
        ExchangesError::Api(error)
    }
}

impl From<ExchangeError> for ExchangesError {
    fn from(error: ExchangeError) -> Self {
        if error.is_internal() {
            ExchangesError::Api(ApiError::internal(error))
        } else {
            ExchangesError::Exchange(error)
        }
    }
}

impl IntoResponse for ExchangesError {
    fn into_response(self) -> Response {
        match self {
            ExchangesError::Api(error) => error.into_response(),
            ExchangesError::Exchange(error) => {
                let problem = error.to_problem();
                let status =
                    StatusCode::from_u16(problem.status).unwrap_or(StatusCode::BAD_REQUEST);
                problem_response(
                    status,
                    &json!({
                        "type": problem.problem_type,
                        "title": status.canonical_reason().unwrap_or("Error"),
                        "status": problem.status,
                        "detail": problem.detail,
                    }),
                )
            }
        }
    }
}

type Answer = Result<Response, ExchangesError>;

/// Presentations are verified by the server's shared verifier (its resolvers, documents,
/// trust and status-list memory), on the blocking pool within the request's time budget.
pub struct ServerPresentationVerifier {
    verifier: Arc<Verifier>,
    budget: std::time::Duration,
}

impl ServerPresentationVerifier {
    /// Over the server's verifier, with its time budget.
    pub fn new(verifier: Arc<Verifier>, budget: std::time::Duration) -> ServerPresentationVerifier {
        ServerPresentationVerifier { verifier, budget }
    }
}

#[async_trait]
impl PresentationVerifier for ServerPresentationVerifier {
    async fn verify(
        &self,
        presentation: Vec<u8>,
        challenge: String,
        domain: String,
        now: i64,
    ) -> Vec<VerifiedItem> {
        let verifier = self.verifier.clone();
        let work = tokio::task::spawn_blocking(move || {
            let options = verifier.options(now, Some(challenge), Some(domain));
            verifier
                .verify_bytes(&presentation, PRESENTATION_NAME, &options)
                .into_iter()
                .map(|outcome| VerifiedItem {
                    path: outcome.path,
                    item: outcome.item,
                    report: outcome.report,
                })
                .collect::<Vec<_>>()
        });
        let failed = |reason: &str| {
            vec![VerifiedItem {
                path: PRESENTATION_NAME.to_owned(),
                item: None,
                report: Err(reason.to_owned()),
            }]
        };
        match tokio::time::timeout(self.budget, work).await {
            Ok(Ok(items)) => items,
            Ok(Err(_)) => failed("verification stopped unexpectedly"),
            Err(_) => failed("verification did not finish within the time budget"),
        }
    }
}

fn created(location: String, body: Value) -> Response {
    let mut response = (StatusCode::CREATED, axum::Json(body)).into_response();
    if let Ok(value) = HeaderValue::from_str(&location) {
        response.headers_mut().insert(header::LOCATION, value);
    }
    response
}

/// `POST /workflows`: a VCALM `CreateWorkflowRequest` (`initialStep`, `steps`).
#[utoipa::path(
    post, path = "/workflows", tag = "exchanges",
    request_body(content = Object, description = "VCALM `CreateWorkflowRequest`: `{id?, initialStep, steps: {NAME: {createChallenge?, verifiablePresentationRequest?, nextStep?, redirectUrl?, credentialsVariable?}}}`"),
    responses(
        (status = 201, description = "the workflow; `Location` is its URL"),
        (status = 400, description = "a rule of the workflow is broken (the pointer and rule are named)"),
        (status = 409, description = "the workflow id is taken"),
    ),
    security(("oauth2" = ["write:/workflows"]))
)]
pub async fn create_workflow(
    State(state): State<AppState>,
    principal: Principal,
    JsonBytes(body): JsonBytes,
) -> Answer {
    principal.require(SCOPE_WORKFLOWS_WRITE)?;
    let config: Value = parse_json(&body)?;
    let workflow = state
        .exchanges
        .create_workflow(&principal.tenant_id, &config, now_s())
        .await?;
    Ok(created(
        state.exchanges.workflow_url(&workflow.id),
        workflow.to_json(),
    ))
}

/// `GET /workflows/{id}`.
#[utoipa::path(
    get, path = "/workflows/{id}", tag = "exchanges",
    params(("id" = String, Path, description = "the workflow")),
    responses((status = 200, description = "the workflow"), (status = 404, description = "no such workflow of this tenant")),
    security(("oauth2" = ["read:/workflows"]))
)]
pub async fn workflow(
    State(state): State<AppState>,
    principal: Principal,
    Path(id): Path<String>,
) -> Answer {
    principal.require(SCOPE_WORKFLOWS_READ)?;
    let workflow = state.exchanges.workflow(&principal.tenant_id, &id).await?;
    Ok(axum::Json(workflow.to_json()).into_response())
}

/// `POST /workflows/{id}/exchanges`: `{ttl | expires, variables}`.
#[utoipa::path(
    post, path = "/workflows/{id}/exchanges", tag = "exchanges",
    params(("id" = String, Path, description = "the workflow")),
    request_body(content = Object, description = "VCALM `CreateExchangeRequest`: `{ttl? (seconds) | expires? (date-time), variables?: {credentials?: [VC…]}}`"),
    responses(
        (status = 201, description = "the exchange with `exchangeUrl` (the wallet's link, also in `Location`) and `qrCode`"),
        (status = 400, description = "a bad ttl, expiry or variable (named)"),
        (status = 404, description = "no such workflow of this tenant"),
    ),
    security(("oauth2" = ["write:/workflows"]))
)]
pub async fn create_exchange(
    State(state): State<AppState>,
    principal: Principal,
    Path(id): Path<String>,
    JsonBytes(body): JsonBytes,
) -> Answer {
    principal.require(SCOPE_WORKFLOWS_WRITE)?;
    let request: Value = parse_json(&body)?;
    let now = now_s();
    let exchange = state
        .exchanges
        .create_exchange(&principal.tenant_id, &id, &request, now)
        .await?;
    let mut body = exchange.to_json(now);
    let link = state.exchanges.exchange_url(&id, &exchange.id);
    if let Some(object) = body.as_object_mut() {
        object.insert("exchangeUrl".into(), json!(link));
        object.insert("qrCode".into(), json!(format!("{link}/qr.svg")));
    }
    Ok(created(link, body))
}

/// `GET /workflows/{id}/exchanges/{eid}`: the coordinator's view (state, step, results).
#[utoipa::path(
    get, path = "/workflows/{id}/exchanges/{eid}", tag = "exchanges",
    params(("id" = String, Path, description = "the workflow"), ("eid" = String, Path, description = "the exchange")),
    responses((status = 200, description = "`{id, state, step, expires, variables: {results…}, lastError?}`"), (status = 404, description = "no such exchange of this tenant")),
    security(("oauth2" = ["read:/workflows"]))
)]
pub async fn exchange(
    State(state): State<AppState>,
    principal: Principal,
    Path((id, eid)): Path<(String, String)>,
) -> Answer {
    principal.require(SCOPE_WORKFLOWS_READ)?;
    let exchange = state
        .exchanges
        .exchange(&principal.tenant_id, &id, &eid)
        .await?;
    Ok(axum::Json(exchange.to_json(now_s())).into_response())
}

/// `POST /workflows/{id}/exchanges/{eid}`: the wallet's message, read as sent (so presented
/// credentials keep the wallet's own bytes in the inbox).
#[utoipa::path(
    post, path = "/workflows/{id}/exchanges/{eid}", tag = "exchanges",
    params(("id" = String, Path, description = "the workflow"), ("eid" = String, Path, description = "the exchange")),
    request_body(content = Object, description = "the wallet's message: `{}` to start, then `{verifiablePresentation}`"),
    responses(
        (status = 200, description = "`{verifiablePresentationRequest}`, `{verifiablePresentation}` (offered credentials), `{redirectUrl}` or `{}`"),
        (status = 409, description = "`challenge-replayed`: a presentation seen before"),
        (status = 410, description = "`exchange-expired`"),
        (status = 422, description = "the presentation fails a check or does not satisfy the request (named)"),
    ),
)]
pub async fn participate(
    State(state): State<AppState>,
    Path((id, eid)): Path<(String, String)>,
    JsonBytes(body): JsonBytes,
) -> Answer {
    let done: Participation = state
        .exchanges
        .participate_bytes(&id, &eid, &body, now_s())
        .await?;
    if !done.received.is_empty() {
        let uploads: Vec<Upload> = done
            .received
            .iter()
            .map(|received| Upload {
                name: format!("exchange {eid} {}", received.path),
                bytes: Arc::new(received.bytes.clone()),
            })
            .collect();
        let verifier = state.verifier.clone();
        let at = now_ms();
        let (records, errors) = within_budget(&state, move || {
            ingest::prepare(&verifier, &uploads, Source::Exchange, at)
        })
        .await?;
        ingest::store(&*state.store, &done.exchange.tenant, records, errors).await?;
    }
    Ok(axum::Json(done.response).into_response())
}

/// `GET /workflows/{id}/exchanges/{eid}/request`: the current presentation request.
#[utoipa::path(
    get, path = "/workflows/{id}/exchanges/{eid}/request", tag = "exchanges",
    params(("id" = String, Path, description = "the workflow"), ("eid" = String, Path, description = "the exchange")),
    responses((status = 200, description = "the current `verifiablePresentationRequest`"), (status = 410, description = "`exchange-expired`")),
)]
pub async fn request(
    State(state): State<AppState>,
    Path((id, eid)): Path<(String, String)>,
) -> Answer {
    let request = state.exchanges.current_request(&id, &eid, now_s()).await?;
    Ok(axum::Json(request).into_response())
}

/// `GET /workflows/{id}/exchanges/{eid}/protocols`: `{"protocols": {"vcapi": URL}}`.
#[utoipa::path(
    get, path = "/workflows/{id}/exchanges/{eid}/protocols", tag = "exchanges",
    params(("id" = String, Path, description = "the workflow"), ("eid" = String, Path, description = "the exchange")),
    responses((status = 200, description = "`{protocols: {vcapi: URL}}`")),
)]
pub async fn protocols(
    State(state): State<AppState>,
    Path((id, eid)): Path<(String, String)>,
) -> Answer {
    // Unknown or expired exchanges answer 404 / 410 here too.
    state.exchanges.current_request(&id, &eid, now_s()).await?;
    Ok(axum::Json(state.exchanges.protocols(&id, &eid)).into_response())
}

/// `GET /workflows/{id}/exchanges/{eid}/qr.svg`: the exchange link as a QR code, for the
/// coordinator to show a learner.
#[utoipa::path(
    get, path = "/workflows/{id}/exchanges/{eid}/qr.svg", tag = "exchanges",
    params(("id" = String, Path, description = "the workflow"), ("eid" = String, Path, description = "the exchange")),
    responses((status = 200, description = "the exchange link as a QR code", content_type = "image/svg+xml")),
    security(("oauth2" = ["read:/workflows"]))
)]
pub async fn qr_svg(
    State(state): State<AppState>,
    principal: Principal,
    Path((id, eid)): Path<(String, String)>,
) -> Answer {
    principal.require(SCOPE_WORKFLOWS_READ)?;
    state
        .exchanges
        .exchange(&principal.tenant_id, &id, &eid)
        .await?;
    let svg = state.exchanges.exchange_qr_svg(&id, &eid)?;
    Ok((
        [
            (header::CONTENT_TYPE, "image/svg+xml"),
            (header::CACHE_CONTROL, "no-store"),
        ],
        svg,
    )
        .into_response())
}
