//! The employer's pages, behind login (rendered by `credbridge-pages`): candidates with search
//! and filters (`GET /candidates`), one candidate's profile (`GET /candidates/{id}`) and its
//! exports (`GET /candidates/{id}/export?format=…&job=…`: LER-RS, JSON Resume, the one-page
//! report in HTML or PDF, the ATS bundle), the jobs with the form that creates one
//! (`GET`/`POST /dashboard/jobs`), and one job with its ranked, explained matches
//! (`GET /dashboard/jobs/{id}`).

use std::collections::HashMap;

use axum::Router;
use axum::body::Body;
use axum::extract::{Path, Query, Request, State};
use axum::http::{HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use credbridge_matching::JobIndex;
use credbridge_pages::{CandidateFilters, JobRow, RankedCandidate, paths};
use credbridge_profile::SkillsProfile;
use serde::Deserialize;

use crate::error::ApiError;
use crate::extract::RawBody;
use crate::profiles::{inbox_id, tenant_profiles};
use crate::routes::jobs::{CreateJob, create_job, job_of, ranked, stored_job};
use crate::routes::pages::{
    Viewer, error_page, expired_form, html, login_redirect, redirect, rfc3339,
};
use crate::routes::profiles::ProfileQuery;
use crate::routes::within_budget;
use crate::state::{AppState, now_ms};

/// The routes of this module.
pub fn router() -> Router<AppState> {
    Router::new()
        .route(paths::CANDIDATES, get(candidates))
        .route("/candidates/{id}", get(candidate))
        .route("/candidates/{id}/export", get(export))
        .route(paths::JOBS, get(jobs).post(jobs_create))
        .route("/dashboard/jobs/{id}", get(job))
}

/// Links from a profile's credential names (credential ids and item paths) to the pages of the
/// stored credentials.
fn credential_links(profiles: &[&SkillsProfile]) -> HashMap<String, String> {
    let mut links = HashMap::new();
    for profile in profiles {
        for entry in &profile.credentials {
            let source = &entry.record.source;
            if let Some(id) = inbox_id(&source.item) {
                let page = paths::credential(id);
                links.insert(source.item.clone(), page.clone());
                if let Some(credential_id) = &source.credential_id {
                    links.insert(credential_id.clone(), page);
                }
            }
        }
    }
    links
}

/// The candidate list's query.
#[derive(Debug, Default, Deserialize)]
pub struct CandidatesQuery {
    q: Option<String>,
    verified: Option<String>,
}

/// `GET /candidates`.
pub async fn candidates(
    State(state): State<AppState>,
    viewer: Viewer,
    query: Result<Query<CandidatesQuery>, axum::extract::rejection::QueryRejection>,
) -> Response {
    let Some(tenant) = viewer.tenant_id.clone() else {
        return login_redirect(paths::CANDIDATES);
    };
    let query = query.map(|Query(q)| q).unwrap_or_default();
    let filters = CandidateFilters {
        q: query.q.filter(|q| !q.trim().is_empty()),
        verified: query.verified.as_deref() == Some("true"),
    };
    let built = match tenant_profiles(&state, &tenant).await {
        Ok(built) => built,
        Err(e) => return error_page(e),
    };
    let filter = ProfileQuery {
        q: filters.q.clone(),
        verified: Some(filters.verified),
        ..ProfileQuery::default()
    };
    let shown: Vec<&SkillsProfile> = built
        .profiles
        .iter()
        .filter(|p| filter.accepts(p))
        .collect();
    html(
        StatusCode::OK,
        credbridge_pages::candidates_page(
            &viewer.context("Candidates"),
            &shown,
            built.profiles.len(),
            &filters,
        ),
    )
}

/// `GET /candidates/{id}`.
pub async fn candidate(
    State(state): State<AppState>,
    viewer: Viewer,
    Path(id): Path<String>,
) -> Response {
    let Some(tenant) = viewer.tenant_id.clone() else {
        return login_redirect(&paths::candidate(&id));
    };
    let result = async {
        let built = tenant_profiles(&state, &tenant).await?;
        let profile = built.find(&id).ok_or_else(|| ApiError::NotFound {
            what: "candidate",
            id: id.clone(),
        })?;
        let jobs: Vec<(String, String)> = state
            .store
            .list_jobs(&tenant)
            .await?
            .into_iter()
            .map(|j| (j.id, j.title))
            .collect();
        let links = credential_links(&[profile]);
        let link = |credential: &str| links.get(credential).cloned();
        Ok::<String, ApiError>(credbridge_pages::candidate_page(
            &viewer.context("Candidate"),
            profile,
            &link,
            &jobs,
        ))
    }
    .await;
    match result {
        Ok(body) => html(StatusCode::OK, body),
        Err(e) => error_page(e),
    }
}

/// The verifier page (`/`) as the recruiter reached this server, for the report's link and QR
/// code: the request's `Host` (only host-name characters accepted) and `X-Forwarded-Proto` when a
/// proxy terminates TLS in front of credbridge.
fn verifier_page_url(headers: &axum::http::HeaderMap) -> Option<String> {
    let host = headers.get(header::HOST)?.to_str().ok()?;
    let valid = !host.is_empty()
        && host.len() <= 255
        && host
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || matches!(b, b'.' | b'-' | b':' | b'[' | b']'));
    if !valid {
        return None;
    }
    let scheme = match headers
        .get("x-forwarded-proto")
        .and_then(|v| v.to_str().ok())
    {
        Some("https") => "https",
        _ => "http",
    };
    Some(format!("{scheme}://{host}/"))
}

/// The export query.
#[derive(Debug, Default, Deserialize)]
pub struct ExportQuery {
    format: Option<String>,
    job: Option<String>,
}

/// `GET /candidates/{id}/export?format=…&job=…`: a download.
pub async fn export(
    State(state): State<AppState>,
    viewer: Viewer,
    Path(id): Path<String>,
    headers: axum::http::HeaderMap,
    query: Result<Query<ExportQuery>, axum::extract::rejection::QueryRejection>,
) -> Response {
    let Some(tenant) = viewer.tenant_id.clone() else {
        return login_redirect(&paths::candidate(&id));
    };
    let verifier_url = verifier_page_url(&headers);
    let query = query.map(|Query(q)| q).unwrap_or_default();
    let format = query.format.unwrap_or_else(|| "pdf".to_owned());
    let result = async {
        let job = match query.job.as_deref().filter(|j| !j.is_empty()) {
            Some(job_id) => Some(job_of(&stored_job(&state, &tenant, job_id).await?)?),
            None => None,
        };
        let built = tenant_profiles(&state, &tenant).await?;
        if built.find(&id).is_none() {
            return Err(ApiError::NotFound {
                what: "candidate",
                id: id.clone(),
            });
        }
        let generated_at = rfc3339(now_ms());
        let person = id.clone();
        let format = format.clone();
        let verifier_url = verifier_url.clone();
        within_budget(&state, move || -> Result<(Vec<u8>, &'static str, &'static str), ApiError> {
            let Some(profile) = built.find(&person) else {
                return Err(ApiError::internal("the profile disappeared"));
            };
            let originals = built.collected.originals_of(profile);
            let report = job.map(|job| JobIndex::new(job, &built.frameworks).report(profile, &built.frameworks));
            let dossier = credbridge_export::Dossier {
                profile,
                originals: &originals,
                match_report: report.as_ref(),
                verifier_url: verifier_url.as_deref(),
                generated_at: &generated_at,
            };
            let json = |v: serde_json::Value| serde_json::to_vec_pretty(&v).map_err(ApiError::internal);
            Ok(match format.as_str() {
                "pdf" => (credbridge_export::report_pdf(&dossier), "application/pdf", "pdf"),
                "html" => (credbridge_export::report_html(&dossier).into_bytes(), "text/html; charset=utf-8", "html"),
                "ler-rs" => (json(credbridge_export::ler_rs(&dossier))?, "application/json", "ler-rs.json"),
                "json-resume" => (json(credbridge_export::json_resume(&dossier))?, "application/json", "resume.json"),
                "ats-bundle" => (credbridge_export::ats_bundle(&dossier).map_err(ApiError::internal)?, "application/zip", "zip"),
                other => {
                    return Err(ApiError::InvalidRequest {
                        detail: format!("format={other:?} is not one of pdf, html, ler-rs, json-resume, ats-bundle"),
                    });
                }
            })
        })
        .await?
    }
    .await;
    match result {
        Ok((bytes, media, extension)) => {
            let mut response = Body::from(bytes).into_response();
            let headers = response.headers_mut();
            headers.insert(header::CONTENT_TYPE, HeaderValue::from_static(media));
            if let Ok(value) = HeaderValue::from_str(&format!(
                "attachment; filename=\"candidate-report.{extension}\""
            )) {
                headers.insert(header::CONTENT_DISPOSITION, value);
            }
            headers.insert(
                header::X_CONTENT_TYPE_OPTIONS,
                HeaderValue::from_static("nosniff"),
            );
            // The HTML report is a download, never a page of this origin.
            headers.insert(
                header::CONTENT_SECURITY_POLICY,
                HeaderValue::from_static(
                    "sandbox; default-src 'none'; img-src data:; style-src 'unsafe-inline'",
                ),
            );
            response
        }
        Err(e) => error_page(e),
    }
}

/// `GET /dashboard/jobs`.
pub async fn jobs(State(state): State<AppState>, viewer: Viewer) -> Response {
    let Some(tenant) = viewer.tenant_id.clone() else {
        return login_redirect(paths::JOBS);
    };
    let result = async {
        let mut rows = Vec::new();
        for record in state.store.list_jobs(&tenant).await? {
            let job = job_of(&record)?;
            rows.push(JobRow {
                id: record.id,
                title: record.title,
                requirements: job.requirements.len(),
                source: record.source,
            });
        }
        Ok::<_, ApiError>(rows)
    }
    .await;
    match result {
        Ok(rows) => html(
            StatusCode::OK,
            credbridge_pages::jobs_page(&viewer.context("Jobs"), &rows),
        ),
        Err(e) => error_page(e),
    }
}

/// The new-job form.
#[derive(Debug, Default, Deserialize)]
struct JobForm {
    from: Option<String>,
    value: Option<String>,
    title: Option<String>,
    csrf_token: Option<String>,
}

/// `POST /dashboard/jobs`: creates the job, then to its page.
pub async fn jobs_create(
    State(state): State<AppState>,
    viewer: Viewer,
    request: Request,
) -> Response {
    let Some(tenant) = viewer.tenant_id.clone() else {
        return login_redirect(paths::JOBS);
    };
    let form = match <RawBody as axum::extract::FromRequest<AppState>>::from_request(
        request, &state,
    )
    .await
    {
        Ok(RawBody { bytes, .. }) => serde_urlencoded::from_bytes::<JobForm>(&bytes).ok(),
        Err(_) => None,
    };
    let Some(form) = form else {
        return error_page(ApiError::InvalidRequest {
            detail: "the job form could not be read".to_owned(),
        });
    };
    if !viewer.csrf_ok(form.csrf_token.as_deref()) {
        return expired_form();
    }
    let request = CreateJob {
        from: form.from.unwrap_or_else(|| "esco".to_owned()),
        value: serde_json::Value::String(form.value.unwrap_or_default()),
        title: form.title,
    };
    match create_job(&state, &tenant, &request).await {
        Ok((id, _)) => redirect(&paths::job(&id)),
        Err(e) => error_page(e),
    }
}

/// `GET /dashboard/jobs/{id}`.
pub async fn job(
    State(state): State<AppState>,
    viewer: Viewer,
    Path(id): Path<String>,
) -> Response {
    let Some(tenant) = viewer.tenant_id.clone() else {
        return login_redirect(&paths::job(&id));
    };
    let result = async {
        let record = stored_job(&state, &tenant, &id).await?;
        let job = job_of(&record)?;
        let (built, reports) = ranked(&state, &tenant, &record.id, job.clone()).await?;
        let profiles: Vec<&SkillsProfile> = built.profiles.iter().collect();
        let links = credential_links(&profiles);
        let link = |credential: &str| links.get(credential).cloned();
        let rows: Vec<RankedCandidate<'_>> = reports
            .iter()
            .map(|report| RankedCandidate {
                person: &report.candidate,
                label: built
                    .find(&report.candidate)
                    .map_or_else(|| report.candidate.clone(), credbridge_pages::person_label),
                report,
            })
            .collect();
        let frameworks = built.frameworks.clone();
        let name = move |iri: &str| frameworks.concept(iri).map(|c| c.pref_label.clone());
        Ok::<String, ApiError>(credbridge_pages::job_page(
            &viewer.context("Job"),
            &record.id,
            &job,
            &rows,
            &link,
            &name,
        ))
    }
    .await;
    match result {
        Ok(body) => html(StatusCode::OK, body),
        Err(e) => error_page(e),
    }
}
