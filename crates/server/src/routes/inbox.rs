//! The credential inbox: upload (`POST /inbox`), list, read, original bytes, re-verify, erase.
//! Every store call carries the caller's tenant id, so another tenant's credential is simply
//! "not found".

use std::sync::Arc;

use axum::Router;
use axum::body::Body;
use axum::extract::{FromRequest, Multipart, Path, Query, Request, State};
use axum::http::{HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};
use credbridge_store::{CredentialFilter, Source};
use serde::Deserialize;
use serde_json::{Value, json};
use utoipa::IntoParams;

use crate::auth::{Principal, SCOPE_INBOX_READ, SCOPE_INBOX_WRITE};
use crate::error::ApiError;
use crate::extract::{RawBody, media_type};
use crate::ingest::{self, Upload};
use crate::routes::within_budget;
use crate::state::{AppState, now_ms};

/// Default page size of `GET /inbox/credentials`.
pub const DEFAULT_PAGE_SIZE: u32 = 50;

/// Most files in one multipart upload.
pub const MAX_MULTIPART_FILES: usize = 100;

/// The raw body types `POST /inbox` reads (anything `credbridge verify` reads); the content is
/// then recognised by its bytes, as the CLI does.
pub const INBOX_MEDIA_TYPES: &[&str] = &[
    "application/json",
    "application/ld+json",
    "application/vc",
    "application/vp",
    "application/vc+ld+json",
    "application/vp+ld+json",
    "application/jwt",
    "application/vc+jwt",
    "application/vp+jwt",
    "image/png",
    "image/svg+xml",
    "application/zip",
    "application/x-zip-compressed",
    "application/x-ndjson",
    "application/jsonl",
    "application/json-seq",
    "text/plain",
    "application/octet-stream",
];

/// The routes of this module.
pub fn router() -> Router<AppState> {
    Router::new()
        .route("/inbox", post(upload))
        .route("/inbox/credentials", get(list))
        .route("/inbox/credentials/{id}", get(read).delete(erase))
        .route("/inbox/credentials/{id}/original", get(original))
        .route("/inbox/credentials/{id}/reverify", post(reverify))
}

async fn uploads(state: &AppState, request: Request) -> Result<Vec<Upload>, ApiError> {
    let media = media_type(&request);
    if media == "multipart/form-data" {
        let limit = state.settings.max_body_bytes;
        let mut multipart = Multipart::from_request(request, state).await.map_err(|e| {
            ApiError::UnreadableBody {
                detail: e.body_text(),
            }
        })?;
        let mut uploads = Vec::new();
        let multipart_error = |e: axum::extract::multipart::MultipartError| {
            if e.status() == StatusCode::PAYLOAD_TOO_LARGE {
                ApiError::PayloadTooLarge { limit }
            } else {
                ApiError::UnreadableBody {
                    detail: e.body_text(),
                }
            }
        };
        while let Some(field) = multipart.next_field().await.map_err(multipart_error)? {
            if uploads.len() >= MAX_MULTIPART_FILES {
                return Err(ApiError::InvalidRequest {
                    detail: format!("at most {MAX_MULTIPART_FILES} files per upload"),
                });
            }
            let name = field
                .file_name()
                .or(field.name())
                .unwrap_or("part")
                .to_owned();
            let bytes = field.bytes().await.map_err(multipart_error)?;
            if !bytes.is_empty() {
                uploads.push(Upload {
                    name,
                    bytes: Arc::new(bytes.to_vec()),
                });
            }
        }
        if uploads.is_empty() {
            return Err(ApiError::InvalidRequest {
                detail: "the multipart body has no non-empty file".to_owned(),
            });
        }
        return Ok(uploads);
    }
    if !INBOX_MEDIA_TYPES.contains(&media.as_str()) && !media.ends_with("+json") {
        return Err(ApiError::UnsupportedMediaType {
            found: media,
            expected: "a credential (JSON, JWT, PNG, SVG, zip, JSON Lines) or multipart/form-data",
        });
    }
    let body = RawBody::from_request(request, state).await?;
    if body.bytes.is_empty() {
        return Err(ApiError::InvalidRequest {
            detail: "the body is empty".to_owned(),
        });
    }
    Ok(vec![Upload {
        name: "body".to_owned(),
        bytes: Arc::new(body.bytes.to_vec()),
    }])
}

#[utoipa::path(
    post, path = "/inbox", tag = "inbox",
    request_body(content = Vec<u8>, description = "a credential file (JSON, JWT, PNG, SVG, zip, JSON Lines) as the raw body, or files as multipart/form-data"),
    responses(
        (status = 201, description = "`{items:[{id, created, path, verdict, format, issuer}], errors}`: at least one new credential stored"),
        (status = 200, description = "every item was already stored"),
        (status = 415, description = "unsupported content type"), (status = 413, description = "body too large"),
        (status = 422, description = "no credential could be read"),
    ),
    security(("oauth2" = ["write:/inbox"]))
)]
/// Decodes, verifies and stores every credential in the body.
pub async fn upload(
    State(state): State<AppState>,
    principal: Principal,
    request: Request,
) -> Result<Response, ApiError> {
    principal.require(SCOPE_INBOX_WRITE)?;
    let uploads = uploads(&state, request).await?;
    let verifier = state.verifier.clone();
    let now = now_ms();
    let (records, errors) = within_budget(&state, move || {
        ingest::prepare(&verifier, &uploads, Source::Api, now)
    })
    .await?;
    let ingested =
        ingest::store(state.store.as_ref(), &principal.tenant_id, records, errors).await?;
    for item in &ingested.items {
        state.metrics.verdict("inbox", &item.verdict);
    }
    let status = if ingested.items.iter().any(|i| i.created) {
        StatusCode::CREATED
    } else {
        StatusCode::OK
    };
    Ok((status, axum::Json(ingested)).into_response())
}

/// Filters and paging of `GET /inbox/credentials`.
#[derive(Debug, Deserialize, IntoParams)]
pub struct ListQuery {
    /// `valid`, `valid-with-warnings`, `indeterminate` or `invalid`.
    pub verdict: Option<String>,
    /// Issuer id.
    pub issuer: Option<String>,
    /// A subject identifier.
    pub subject: Option<String>,
    /// Received at or after (RFC 3339).
    pub since: Option<String>,
    /// Page size (1–500, default 50).
    pub limit: Option<u32>,
    /// Items to skip.
    pub offset: Option<u64>,
}

#[utoipa::path(
    get, path = "/inbox/credentials", tag = "inbox", params(ListQuery),
    responses((status = 200, description = "`{items, total, limit, offset}`, newest first")),
    security(("oauth2" = ["read:/inbox"]))
)]
/// Lists the tenant's credentials.
pub async fn list(
    State(state): State<AppState>,
    principal: Principal,
    query: Result<Query<ListQuery>, axum::extract::rejection::QueryRejection>,
) -> Result<Response, ApiError> {
    principal.require(SCOPE_INBOX_READ)?;
    let Query(query) = query.map_err(|e| ApiError::InvalidRequest {
        detail: e.body_text(),
    })?;
    let received_since = match &query.since {
        Some(text) => Some(
            credbridge_proofs::parse_datetime(text)
                .map(|seconds| seconds.saturating_mul(1000))
                .ok_or_else(|| ApiError::InvalidRequest {
                    detail: format!("since={text:?} is not an RFC 3339 date-time"),
                })?,
        ),
        None => None,
    };
    let filter = CredentialFilter {
        verdict: query.verdict,
        issuer: query.issuer,
        subject: query.subject,
        received_since,
        limit: query
            .limit
            .unwrap_or(DEFAULT_PAGE_SIZE)
            .clamp(1, credbridge_store::MAX_PAGE_SIZE),
        offset: query.offset.unwrap_or(0),
    };
    let page = state
        .store
        .list_credentials(&principal.tenant_id, &filter)
        .await?;
    Ok(axum::Json(json!({
        "items": page.items,
        "total": page.total,
        "limit": filter.limit,
        "offset": filter.offset,
    }))
    .into_response())
}

fn not_found(id: &str) -> ApiError {
    ApiError::NotFound {
        what: "credential",
        id: id.to_owned(),
    }
}

#[utoipa::path(
    get, path = "/inbox/credentials/{id}", tag = "inbox",
    params(("id" = String, Path, description = "credential id")),
    responses((status = 200, description = "`{credential, report, history}`"), (status = 404, description = "no such credential in this tenant")),
    security(("oauth2" = ["read:/inbox"]))
)]
/// One credential with its latest report and the report history.
pub async fn read(
    State(state): State<AppState>,
    principal: Principal,
    Path(id): Path<String>,
) -> Result<Response, ApiError> {
    principal.require(SCOPE_INBOX_READ)?;
    let record = state
        .store
        .credential(&principal.tenant_id, &id)
        .await?
        .ok_or_else(|| not_found(&id))?;
    let reports = state.store.reports(&principal.tenant_id, &id).await?;
    let latest: Value = reports
        .first()
        .and_then(|r| serde_json::from_str(&r.report).ok())
        .unwrap_or(Value::Null);
    let history: Vec<Value> = reports
        .iter()
        .map(|r| json!({ "id": r.id, "verdict": r.verdict, "createdAt": r.created_at }))
        .collect();
    Ok(
        axum::Json(json!({ "credential": record, "report": latest, "history": history }))
            .into_response(),
    )
}

/// A media type for stored bytes, from their first bytes.
fn sniff(bytes: &[u8]) -> &'static str {
    let text = bytes.trim_ascii_start();
    if bytes.starts_with(b"\x89PNG\r\n\x1a\n") {
        "image/png"
    } else if bytes.starts_with(b"PK\x03\x04") {
        "application/zip"
    } else if text.starts_with(b"<") {
        "image/svg+xml"
    } else if text.starts_with(b"{") || text.starts_with(b"[") {
        "application/json"
    } else if text.starts_with(b"ey") {
        "application/jwt"
    } else {
        "application/octet-stream"
    }
}

#[utoipa::path(
    get, path = "/inbox/credentials/{id}/original", tag = "inbox",
    params(("id" = String, Path, description = "credential id")),
    responses((status = 200, description = "the exact bytes received"), (status = 404, description = "no such credential in this tenant")),
    security(("oauth2" = ["read:/inbox"]))
)]
/// The exact bytes the credential arrived in.
pub async fn original(
    State(state): State<AppState>,
    principal: Principal,
    Path(id): Path<String>,
) -> Result<Response, ApiError> {
    principal.require(SCOPE_INBOX_READ)?;
    let bytes = state
        .store
        .original(&principal.tenant_id, &id)
        .await?
        .ok_or_else(|| not_found(&id))?;
    let mut response = Response::new(Body::from(bytes.clone()));
    let headers = response.headers_mut();
    headers.insert(
        header::CONTENT_TYPE,
        HeaderValue::from_static(sniff(&bytes)),
    );
    // Stored bytes are untrusted (an SVG can hold script): never render them in our origin.
    headers.insert(
        header::CONTENT_SECURITY_POLICY,
        HeaderValue::from_static("default-src 'none'; sandbox"),
    );
    headers.insert(
        header::X_CONTENT_TYPE_OPTIONS,
        HeaderValue::from_static("nosniff"),
    );
    headers.insert(
        header::CONTENT_DISPOSITION,
        HeaderValue::from_static("attachment"),
    );
    Ok(response)
}

#[utoipa::path(
    post, path = "/inbox/credentials/{id}/reverify", tag = "inbox",
    params(("id" = String, Path, description = "credential id")),
    responses((status = 201, description = "`{report, verdict}`: a new report; earlier ones are kept"), (status = 404, description = "no such credential in this tenant")),
    security(("oauth2" = ["write:/inbox"]))
)]
/// Verifies a stored credential again (status lists change) and keeps the new report.
pub async fn reverify(
    State(state): State<AppState>,
    principal: Principal,
    Path(id): Path<String>,
) -> Result<Response, ApiError> {
    principal.require(SCOPE_INBOX_WRITE)?;
    let tenant = &principal.tenant_id;
    let record = state
        .store
        .credential(tenant, &id)
        .await?
        .ok_or_else(|| not_found(&id))?;
    let bytes = state
        .store
        .original(tenant, &id)
        .await?
        .ok_or_else(|| not_found(&id))?;
    let verifier = state.verifier.clone();
    let now = now_ms();
    let item_key = record.item_key.clone();
    let (verdict, report) = within_budget(&state, move || {
        ingest::reverify(&verifier, &bytes, &item_key, now)
    })
    .await?
    .ok_or_else(|| ApiError::internal(format!("stored credential {id} no longer decodes")))?;
    let previous = state.store.reports(tenant, &id).await?;
    let events = crate::webhooks::reverification_events(
        &id,
        previous.first().map(|r| r.report.as_str()),
        &report,
    );
    let stored = state
        .store
        .add_report_with_events(tenant, &id, &verdict, &report, now, &events)
        .await?
        .ok_or_else(|| not_found(&id))?;
    state.metrics.verdict("reverify", &verdict);
    let report: Value = serde_json::from_str(&stored.report).unwrap_or(Value::Null);
    Ok((
        StatusCode::CREATED,
        axum::Json(json!({ "id": stored.id, "verdict": stored.verdict, "report": report })),
    )
        .into_response())
}

#[utoipa::path(
    delete, path = "/inbox/credentials/{id}", tag = "inbox",
    params(("id" = String, Path, description = "credential id")),
    responses((status = 204, description = "erased: record, reports, subjects and (unless shared) the original bytes"), (status = 404, description = "no such credential in this tenant")),
    security(("oauth2" = ["write:/inbox"]))
)]
/// Erases a credential and everything derived from it.
pub async fn erase(
    State(state): State<AppState>,
    principal: Principal,
    Path(id): Path<String>,
) -> Result<Response, ApiError> {
    principal.require(SCOPE_INBOX_WRITE)?;
    if state
        .store
        .delete_credential(&principal.tenant_id, &id)
        .await?
    {
        Ok(StatusCode::NO_CONTENT.into_response())
    } else {
        Err(not_found(&id))
    }
}
