//! Jobs and matches (`/jobs`, `/jobs/{id}`, `/jobs/{id}/matches`): a job's requirements are
//! built by `credbridge_matching::job::import` (from an ESCO occupation IRI, an O*NET code, a
//! JSON Resume job document, or text) and stored per tenant; its matches rank the tenant's
//! profiles ([`crate::profiles`]) with `credbridge_matching::ranked_reports`, each with the
//! per-requirement explanation.

use axum::Router;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use credbridge_matching::{Job, JobIndex, JobSource, MatchReport, ranked_reports};
use credbridge_store::JobRecord;
use serde::Deserialize;
use serde_json::{Value, json};
use utoipa::ToSchema;

use crate::auth::{Principal, SCOPE_JOBS_READ, SCOPE_JOBS_WRITE};
use crate::error::ApiError;
use crate::extract::ApiJson;
use crate::profiles::{TenantProfiles, tenant_profiles};
use crate::routes::within_budget;
use crate::state::{AppState, now_ms};

/// The routes of this module.
pub fn router() -> Router<AppState> {
    Router::new()
        .route("/jobs", get(list).post(create))
        .route("/jobs/{id}", get(read).delete(erase))
        .route("/jobs/{id}/matches", get(matches))
}

/// `POST /jobs`: where the requirements come from.
#[derive(Debug, Clone, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct CreateJob {
    /// `esco` (an occupation IRI), `onet` (an O*NET-SOC code), `json-resume` (a JSON Resume
    /// job document, as an object or as JSON text) or `text` (one requirement per line).
    pub from: String,
    /// The IRI, the code, the document or the text.
    #[schema(value_type = Object)]
    pub value: Value,
    /// The title, for `text` (default `job`).
    pub title: Option<String>,
}

impl CreateJob {
    /// The matching crate's [`JobSource`], or why the request is not one.
    pub fn source(&self) -> Result<JobSource, ApiError> {
        let text = || {
            self.value
                .as_str()
                .map(str::trim)
                .filter(|t| !t.is_empty())
                .map(str::to_owned)
                .ok_or_else(|| ApiError::InvalidRequest {
                    detail: format!("`value` must be a non-empty string for from={}", self.from),
                })
        };
        Ok(match self.from.as_str() {
            "esco" => JobSource::EscoOccupation(text()?),
            "onet" => JobSource::Onet(text()?),
            "json-resume" => JobSource::JsonResume(match &self.value {
                Value::String(s) => {
                    serde_json::from_str(s).map_err(|e| ApiError::InvalidRequest {
                        detail: format!("the JSON Resume job is not JSON: {e}"),
                    })?
                }
                other => other.clone(),
            }),
            "text" => JobSource::Text {
                title: self
                    .title
                    .as_deref()
                    .map(str::trim)
                    .filter(|t| !t.is_empty())
                    .unwrap_or("job")
                    .to_owned(),
                text: text()?,
            },
            other => {
                return Err(ApiError::InvalidRequest {
                    detail: format!("from={other:?} is not one of esco, onet, json-resume, text"),
                });
            }
        })
    }
}

/// Builds and stores a job for the tenant; returns its id and the job.
pub async fn create_job(
    state: &AppState,
    tenant: &str,
    request: &CreateJob,
) -> Result<(String, Job), ApiError> {
    let source = request.source()?;
    let shared = state.frameworks.clone();
    let job = within_budget(state, move || -> Result<Job, ApiError> {
        let fw = shared.get()?;
        credbridge_matching::job::import(&fw, &source).map_err(|e| ApiError::InvalidRequest {
            detail: e.to_string(),
        })
    })
    .await??;
    let document = serde_json::to_string(&job).map_err(ApiError::internal)?;
    let id = state
        .store
        .add_job(
            tenant,
            &job.title,
            request_kind(request),
            &document,
            now_ms(),
        )
        .await?;
    Ok((id, job))
}

fn request_kind(request: &CreateJob) -> &'static str {
    request.source().map_or("text", |s| s.kind())
}

/// A stored job read back.
pub fn job_of(record: &JobRecord) -> Result<Job, ApiError> {
    Job::from_json(record.document.as_bytes())
        .map_err(|e| ApiError::internal(format!("stored job {} is not a job: {e}", record.id)))
}

/// One of the tenant's jobs, or 404.
pub async fn stored_job(state: &AppState, tenant: &str, id: &str) -> Result<JobRecord, ApiError> {
    state
        .store
        .job(tenant, id)
        .await?
        .ok_or_else(|| ApiError::NotFound {
            what: "job",
            id: id.to_owned(),
        })
}

/// The tenant's profiles ranked against a job, each explained (blocking work on the pool).
/// A recomputation that changes the ranking writes a `match.updated` event for `job_id` (the
/// stored job's id) when a webhook subscription wants it.
pub async fn ranked(
    state: &AppState,
    tenant: &str,
    job_id: &str,
    job: Job,
) -> Result<(TenantProfiles, Vec<MatchReport>), ApiError> {
    let built = tenant_profiles(state, tenant).await?;
    let (built, reports) = within_budget(state, move || {
        let index = JobIndex::new(job, &built.frameworks);
        let reports = ranked_reports(&index, &built.profiles, &built.frameworks);
        (built, reports)
    })
    .await?;
    let event = credbridge_export::webhook::EventType::MatchUpdated;
    if crate::webhooks::wanted(state.store.as_ref(), tenant, event).await {
        let recomputed = credbridge_export::webhook::matches_recomputed(job_id, &reports);
        crate::webhooks::note_recomputed(state.store.as_ref(), tenant, event, vec![recomputed])
            .await;
    }
    Ok((built, reports))
}

fn summary(record: &JobRecord, job: &Job) -> Value {
    json!({
        "id": record.id,
        "title": record.title,
        "source": record.source,
        "createdAt": record.created_at,
        "requirements": job.requirements.len(),
    })
}

#[utoipa::path(
    post, path = "/jobs", tag = "jobs", request_body = CreateJob,
    responses(
        (status = 201, description = "`{id, job}`: the job with its requirements (importance, minimum level, how each was mapped; `confirmed: false` for a mapping from text)"),
        (status = 400, description = "unknown source, an occupation or code not found, no requirement"),
    ),
    security(("oauth2" = ["write:/jobs"]))
)]
/// Creates a job from an ESCO occupation, an O*NET code, a JSON Resume job or text.
pub async fn create(
    State(state): State<AppState>,
    principal: Principal,
    ApiJson(request): ApiJson<CreateJob>,
) -> Result<Response, ApiError> {
    principal.require(SCOPE_JOBS_WRITE)?;
    let (id, job) = create_job(&state, &principal.tenant_id, &request).await?;
    Ok((
        StatusCode::CREATED,
        axum::Json(json!({ "id": id, "job": job })),
    )
        .into_response())
}

#[utoipa::path(
    get, path = "/jobs", tag = "jobs",
    responses((status = 200, description = "`{items: [{id, title, source, createdAt, requirements}]}`, newest first")),
    security(("oauth2" = ["read:/jobs"]))
)]
/// The tenant's jobs.
pub async fn list(
    State(state): State<AppState>,
    principal: Principal,
) -> Result<Response, ApiError> {
    principal.require(SCOPE_JOBS_READ)?;
    let records = state.store.list_jobs(&principal.tenant_id).await?;
    let mut items = Vec::with_capacity(records.len());
    for record in &records {
        items.push(summary(record, &job_of(record)?));
    }
    Ok(axum::Json(json!({ "items": items })).into_response())
}

#[utoipa::path(
    get, path = "/jobs/{id}", tag = "jobs",
    params(("id" = String, Path, description = "job id")),
    responses((status = 200, description = "`{id, title, source, createdAt, job}`"), (status = 404, description = "no such job in this tenant")),
    security(("oauth2" = ["read:/jobs"]))
)]
/// One job with its requirements.
pub async fn read(
    State(state): State<AppState>,
    principal: Principal,
    Path(id): Path<String>,
) -> Result<Response, ApiError> {
    principal.require(SCOPE_JOBS_READ)?;
    let record = stored_job(&state, &principal.tenant_id, &id).await?;
    let job = job_of(&record)?;
    let mut body = summary(&record, &job);
    if let Some(fields) = body.as_object_mut() {
        fields.insert(
            "job".to_owned(),
            serde_json::to_value(&job).map_err(ApiError::internal)?,
        );
    }
    Ok(axum::Json(body).into_response())
}

#[utoipa::path(
    delete, path = "/jobs/{id}", tag = "jobs",
    params(("id" = String, Path, description = "job id")),
    responses((status = 204, description = "deleted"), (status = 404, description = "no such job in this tenant")),
    security(("oauth2" = ["write:/jobs"]))
)]
/// Deletes a job.
pub async fn erase(
    State(state): State<AppState>,
    principal: Principal,
    Path(id): Path<String>,
) -> Result<Response, ApiError> {
    principal.require(SCOPE_JOBS_WRITE)?;
    if state.store.delete_job(&principal.tenant_id, &id).await? {
        Ok(StatusCode::NO_CONTENT.into_response())
    } else {
        Err(ApiError::NotFound {
            what: "job",
            id: id.clone(),
        })
    }
}

#[utoipa::path(
    get, path = "/jobs/{id}/matches", tag = "jobs",
    params(("id" = String, Path, description = "job id")),
    responses(
        (status = 200, description = "`{job, items: [{candidate, coverage, requirements: [{concept, label, importance, status, evidence: [{credential, path, verification}], levelGap}], versions}]}`, best first; `status` is met-verified, met-inferred, partial or not-shown"),
        (status = 404, description = "no such job in this tenant"),
    ),
    security(("oauth2" = ["read:/jobs", "read:/profiles"]))
)]
/// The tenant's candidates ranked against a job, each requirement explained.
pub async fn matches(
    State(state): State<AppState>,
    principal: Principal,
    Path(id): Path<String>,
) -> Result<Response, ApiError> {
    principal.require(SCOPE_JOBS_READ)?;
    principal.require(crate::auth::SCOPE_PROFILES_READ)?;
    let record = stored_job(&state, &principal.tenant_id, &id).await?;
    let (_, reports) = ranked(&state, &principal.tenant_id, &record.id, job_of(&record)?).await?;
    Ok(axum::Json(json!({ "job": record.id, "items": reports })).into_response())
}
