//! The people-facing pages, rendered by `credbridge-pages`: the public verifier (`/`,
//! `POST /verify`), the login form, the inbox list and the page of one stored credential, and
//! the embedded assets. Handlers extract, call the verifier and the store, and render.

use std::sync::Arc;

use axum::Router;
use axum::extract::{FromRequest, Multipart, Path, Query, Request, State};
use axum::http::{HeaderValue, StatusCode, header};
use axum::response::{Html, IntoResponse, Redirect, Response};
use axum::routing::{get, post};
use credbridge_pages::{
    self as pages, InboxFilters, InboxPaging, InboxRow, ItemView, PageContext, StoredCredential,
    VerdictView,
};
use credbridge_store::{CredentialFilter, Source};
use serde::Deserialize;

use crate::auth::{Principal, SCOPE_INBOX_READ, SCOPE_INBOX_WRITE};
use crate::error::ApiError;
use crate::ingest::{self, Upload};
use crate::routes::within_budget;
use crate::state::{AppState, now_ms};

/// Rows per inbox page.
pub const INBOX_PAGE_SIZE: u32 = 50;

/// Most files (plus the text and URL fields) verified from one form.
pub const MAX_FORM_FILES: usize = 100;

/// The routes of this module.
pub fn router() -> Router<AppState> {
    Router::new()
        .route(pages::paths::HOME, get(home))
        .route(pages::paths::VERIFY, post(verify_form))
        .route(pages::paths::LOGIN, get(login_form))
        .route(pages::paths::INBOX, get(inbox))
        .route(pages::paths::INBOX_UPLOAD, post(inbox_upload))
        .route("/inbox/view/{id}", get(credential))
        .route("/assets/{file}", get(asset))
}

fn context(state: &AppState, title: &str, principal: Option<&Principal>) -> PageContext {
    PageContext {
        title: title.to_owned(),
        user: principal.and_then(|p| p.user_id.clone()).or_else(|| {
            principal
                .filter(|_| state.dev_tenant.is_some())
                .map(|_| "development".to_owned())
        }),
        csrf_token: None,
        flash: None,
        dev: state.dev_tenant.is_some(),
    }
}

fn html(status: StatusCode, body: String) -> Response {
    let mut response = (status, Html(body)).into_response();
    response.headers_mut().insert(
        header::CONTENT_SECURITY_POLICY,
        HeaderValue::from_static(pages::CONTENT_SECURITY_POLICY),
    );
    response
}

/// The public verifier page.
pub async fn home(State(state): State<AppState>) -> Response {
    html(
        StatusCode::OK,
        pages::verifier_page(&context(&state, "Verify a credential", None)),
    )
}

/// The login form.
pub async fn login_form(State(state): State<AppState>) -> Response {
    html(
        StatusCode::OK,
        pages::login_page(&context(&state, "Log in", None), Some("/inbox"), None),
    )
}

/// Verifies what the form carries (files, pasted text; a URL is not fetched from this form
/// yet) and shows the results. Nothing is stored.
pub async fn verify_form(State(state): State<AppState>, request: Request) -> Response {
    let mut multipart = match Multipart::from_request(request, &state).await {
        Ok(multipart) => multipart,
        Err(e) => return bad_form(e.body_text()),
    };
    let mut uploads: Vec<Upload> = Vec::new();
    let mut notes: Vec<ItemView> = Vec::new();
    loop {
        let field = match multipart.next_field().await {
            Ok(Some(field)) => field,
            Ok(None) => break,
            Err(e) => return bad_form(e.body_text()),
        };
        if uploads.len() >= MAX_FORM_FILES {
            return bad_form(format!("at most {MAX_FORM_FILES} files at once"));
        }
        let name = field.name().unwrap_or("").to_owned();
        let file_name = field.file_name().map(str::to_owned);
        let bytes = match field.bytes().await {
            Ok(bytes) => bytes,
            Err(e) => return bad_form(e.body_text()),
        };
        if bytes.iter().all(u8::is_ascii_whitespace) {
            continue;
        }
        match name.as_str() {
            pages::paths::FIELD_FILE => uploads.push(Upload {
                name: file_name.unwrap_or_else(|| "file".to_owned()),
                bytes: Arc::new(bytes.to_vec()),
            }),
            pages::paths::FIELD_TEXT => uploads.push(Upload {
                name: "pasted text".to_owned(),
                bytes: Arc::new(bytes.to_vec()),
            }),
            pages::paths::FIELD_URL => notes.push(ItemView::unreadable(
                Some(&String::from_utf8_lossy(&bytes)),
                "verifying from a URL is not available on this page yet; download the file and choose it above",
            )),
            _ => {}
        }
    }
    let verifier = state.verifier.clone();
    let views = within_budget(&state, move || {
        let options = verifier.options(now_ms() / 1000, None, None);
        let mut views = Vec::new();
        for upload in &uploads {
            for outcome in verifier.verify_bytes(&upload.bytes, &upload.name, &options) {
                views.push(match (&outcome.item, &outcome.report) {
                    (Some(item), Ok(report)) => ItemView::from_item(item, report),
                    (_, Err(error)) => ItemView::unreadable(Some(&outcome.path), error),
                    (None, Ok(_)) => ItemView::unreadable(Some(&outcome.path), "no credential"),
                });
            }
        }
        views
    })
    .await;
    match views {
        Ok(mut views) => {
            views.extend(notes);
            html(
                StatusCode::OK,
                pages::results_page(&context(&state, "Verification result", None), &views),
            )
        }
        Err(e) => e.into_response(),
    }
}

fn bad_form(detail: String) -> Response {
    html(
        StatusCode::BAD_REQUEST,
        pages::error_page(400, "The form could not be read", &detail),
    )
}

fn to_login() -> Response {
    Redirect::to("/login").into_response()
}

/// The inbox list's query.
#[derive(Debug, Default, Deserialize)]
pub struct InboxQuery {
    /// Latest verdict.
    pub verdict: Option<String>,
    /// Issuer id.
    pub issuer: Option<String>,
    /// Subject identifier.
    pub subject: Option<String>,
    /// Received since (a date or RFC 3339 time).
    pub since: Option<String>,
    /// Page, from 1.
    pub page: Option<u32>,
}

fn verdict_view(word: &str) -> VerdictView {
    match word {
        "valid" => VerdictView::Valid,
        "valid-with-warnings" => VerdictView::ValidWithWarnings,
        "invalid" => VerdictView::Invalid,
        _ => VerdictView::Indeterminate,
    }
}

fn rfc3339(ms: i64) -> String {
    credbridge_proofs::format_datetime(ms / 1000)
}

fn source_word(source: Source) -> String {
    serde_json::to_value(source)
        .ok()
        .and_then(|v| v.as_str().map(str::to_owned))
        .unwrap_or_default()
}

fn nonempty(value: Option<String>) -> Option<String> {
    value.filter(|v| !v.trim().is_empty())
}

/// The tenant's inbox (login, or `--dev`).
pub async fn inbox(
    State(state): State<AppState>,
    principal: Result<Principal, ApiError>,
    Query(query): Query<InboxQuery>,
) -> Response {
    let Ok(principal) = principal else {
        return to_login();
    };
    if let Err(e) = principal.require(SCOPE_INBOX_READ) {
        return e.into_response();
    }
    let page = query.page.unwrap_or(1).max(1);
    let since = nonempty(query.since.clone());
    let received_since = since.as_deref().and_then(|text| {
        credbridge_proofs::parse_datetime(text)
            .or_else(|| credbridge_proofs::parse_datetime(&format!("{text}T00:00:00Z")))
            .map(|s| s.saturating_mul(1000))
    });
    let filter = CredentialFilter {
        verdict: nonempty(query.verdict.clone()),
        issuer: nonempty(query.issuer.clone()),
        subject: nonempty(query.subject.clone()),
        received_since,
        limit: INBOX_PAGE_SIZE,
        offset: u64::from(page - 1) * u64::from(INBOX_PAGE_SIZE),
    };
    let listed = match state
        .store
        .list_credentials(&principal.tenant_id, &filter)
        .await
    {
        Ok(listed) => listed,
        Err(e) => return ApiError::from(e).into_response(),
    };
    let rows: Vec<InboxRow> = listed
        .items
        .iter()
        .map(|record| InboxRow {
            id: record.id.clone(),
            received_at: rfc3339(record.received_at),
            verdict: verdict_view(&record.verdict),
            achievement: record.achievements.first().cloned(),
            issuer: record.issuer.clone(),
            subject: record.subjects.first().cloned(),
            format: record.format.clone(),
            source: source_word(record.source),
        })
        .collect();
    let paging = InboxPaging {
        page,
        has_next: u64::from(page) * u64::from(INBOX_PAGE_SIZE) < listed.total,
        total: Some(listed.total),
        filters: InboxFilters {
            verdict: filter.verdict,
            issuer: filter.issuer,
            subject: filter.subject,
            since,
        },
    };
    html(
        StatusCode::OK,
        pages::inbox_page(&context(&state, "Inbox", Some(&principal)), &rows, &paging),
    )
}

/// Stores and verifies the files of the inbox's upload form, then shows the inbox.
pub async fn inbox_upload(
    State(state): State<AppState>,
    principal: Result<Principal, ApiError>,
    request: Request,
) -> Response {
    let Ok(principal) = principal else {
        return to_login();
    };
    if let Err(e) = principal.require(SCOPE_INBOX_WRITE) {
        return e.into_response();
    }
    let mut multipart = match Multipart::from_request(request, &state).await {
        Ok(multipart) => multipart,
        Err(e) => return bad_form(e.body_text()),
    };
    let mut uploads = Vec::new();
    loop {
        match multipart.next_field().await {
            Ok(Some(field)) => {
                if uploads.len() >= MAX_FORM_FILES {
                    return bad_form(format!("at most {MAX_FORM_FILES} files at once"));
                }
                let name = field.file_name().unwrap_or("file").to_owned();
                match field.bytes().await {
                    Ok(bytes) if !bytes.is_empty() => uploads.push(Upload {
                        name,
                        bytes: Arc::new(bytes.to_vec()),
                    }),
                    Ok(_) => {}
                    Err(e) => return bad_form(e.body_text()),
                }
            }
            Ok(None) => break,
            Err(e) => return bad_form(e.body_text()),
        }
    }
    let verifier = state.verifier.clone();
    let now = now_ms();
    let prepared = within_budget(&state, move || {
        ingest::prepare(&verifier, &uploads, Source::Upload, now)
    })
    .await;
    let (records, errors) = match prepared {
        Ok(prepared) => prepared,
        Err(e) => return e.into_response(),
    };
    match ingest::store(state.store.as_ref(), &principal.tenant_id, records, errors).await {
        Ok(_) | Err(ApiError::NoCredential { .. }) => {
            Redirect::to(pages::paths::INBOX).into_response()
        }
        Err(e) => e.into_response(),
    }
}

/// The page of one stored credential.
pub async fn credential(
    State(state): State<AppState>,
    principal: Result<Principal, ApiError>,
    Path(id): Path<String>,
) -> Response {
    let Ok(principal) = principal else {
        return to_login();
    };
    if let Err(e) = principal.require(SCOPE_INBOX_READ) {
        return e.into_response();
    }
    let tenant = principal.tenant_id.clone();
    let found = async {
        let record = state.store.credential(&tenant, &id).await?;
        let original = state.store.original(&tenant, &id).await?;
        let reports = state.store.reports(&tenant, &id).await?;
        Ok::<_, ApiError>((record, original, reports))
    }
    .await;
    let (record, original, reports) = match found {
        Ok((Some(record), Some(original), reports)) => (record, original, reports),
        Ok(_) => {
            return html(
                StatusCode::NOT_FOUND,
                pages::error_page(404, "No such credential", "It is not in your inbox."),
            );
        }
        Err(e) => return e.into_response(),
    };
    // The stored report, with the credential's own JSON decoded again from the original bytes
    // (decoding only: the verdict shown is the stored one).
    let report = reports
        .first()
        .and_then(|r| pages::report_from_json(&r.report).ok());
    let limits = state.verifier.limits;
    let item_key = record.item_key.clone();
    let view = report.map(|report| {
        let item = credbridge_formats::decode_bytes(&original, "stored", &limits)
            .filter_map(Result::ok)
            .find(|item| {
                let path = item.path.to_string();
                path.strip_prefix("stored").unwrap_or(&path) == item_key
            });
        match item {
            Some(item) => ItemView::from_item(&item, &report),
            None => ItemView::new(&report, None),
        }
    });
    let view = view.unwrap_or_else(|| {
        ItemView::unreadable(Some(&record.container_path), "no readable report is stored")
    });
    let stored = StoredCredential {
        id: record.id.clone(),
        received_at: rfc3339(record.received_at),
        source: source_word(record.source),
        sha256: record.sha256.clone(),
        history: reports
            .iter()
            .skip(1)
            .map(|r| (rfc3339(r.created_at), verdict_view(&r.verdict)))
            .collect(),
    };
    html(
        StatusCode::OK,
        pages::credential_page(
            &context(&state, "Stored credential", Some(&principal)),
            &stored,
            &view,
        ),
    )
}

/// An embedded asset.
pub async fn asset(Path(file): Path<String>) -> Response {
    let path = format!("{}{file}", pages::paths::ASSETS);
    match pages::assets().iter().find(|a| a.path == path) {
        Some(asset) => (
            [
                (header::CONTENT_TYPE, asset.content_type),
                (header::CACHE_CONTROL, "public, max-age=3600"),
            ],
            asset.bytes,
        )
            .into_response(),
        None => html(
            StatusCode::NOT_FOUND,
            pages::error_page(404, "Not found", "There is no such file."),
        ),
    }
}
