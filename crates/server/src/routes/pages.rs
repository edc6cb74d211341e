//! The pages a person sees, rendered by `credbridge-pages` (the paths and form fields are its
//! [`paths`] contract): the public verifier (`GET /`, `POST /verify`: nothing stored), login and
//! logout, and behind login the inbox list (`GET /inbox`), uploads (`POST /inbox/upload`), one
//! stored credential (`GET /inbox/view/{id}`) with re-verify and erase, and the embedded assets.
//!
//! People are identified by the session cookie (or, in `--dev`, are the default tenant).
//! State-changing forms of a logged-in person carry a CSRF token derived from the session
//! secret (a forged cross-site form cannot know it; the cookie is also `SameSite=Lax`).

use std::sync::Arc;

use axum::Router;
use axum::extract::{FromRequest, FromRequestParts, Multipart, Path, Query, Request, State};
use axum::http::request::Parts;
use axum::http::{HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};
use credbridge_config::FrameworkAlignmentChecker;
use credbridge_pages::{
    CONTENT_SECURITY_POLICY, Flash, FlashKind, InboxFilters, InboxPaging, InboxRow, ItemView,
    PageContext, StoredCredential, VerdictView, paths,
};
use credbridge_store::{CredentialFilter, Source};
use serde::Deserialize;

use crate::auth::{SESSION_COOKIE, cookie};
use crate::error::ApiError;
use crate::extract::{RawBody, media_type};
use crate::ingest::{self, Upload};
use crate::record::sha256_hex;
use crate::routes::within_budget;
use crate::state::{AppState, now_ms};

/// Inbox rows per page.
pub const INBOX_PAGE_SIZE: u32 = 50;

/// Most pasted text read from the verifier form (the body limit bounds files).
pub const MAX_PASTED_BYTES: usize = 1024 * 1024;

/// The routes of this module.
pub fn router() -> Router<AppState> {
    let mut router = Router::new()
        .route(paths::HOME, get(home))
        .route(paths::VERIFY, post(verify))
        .route(paths::LOGIN, get(login_form))
        .route(paths::INBOX, get(inbox))
        .route(paths::INBOX_UPLOAD, post(inbox_upload))
        .route("/inbox/view/{id}", get(view))
        .route("/inbox/view/{id}/reverify", post(view_reverify))
        .route("/inbox/view/{id}/delete", post(view_delete));
    for asset in credbridge_pages::assets() {
        router = router.route(
            asset.path,
            get(move || async move {
                let mut response = asset.bytes.into_response();
                let headers = response.headers_mut();
                headers.insert(
                    header::CONTENT_TYPE,
                    HeaderValue::from_static(asset.content_type),
                );
                headers.insert(
                    header::CACHE_CONTROL,
                    HeaderValue::from_static("public, max-age=3600"),
                );
                response
            }),
        );
    }
    router
}

/// An HTML page with the pages' security headers.
pub(crate) fn html(status: StatusCode, body: String) -> Response {
    let mut response = (status, body).into_response();
    let headers = response.headers_mut();
    headers.insert(
        header::CONTENT_TYPE,
        HeaderValue::from_static("text/html; charset=utf-8"),
    );
    headers.insert(
        header::CONTENT_SECURITY_POLICY,
        HeaderValue::from_static(CONTENT_SECURITY_POLICY),
    );
    headers.insert(
        header::X_CONTENT_TYPE_OPTIONS,
        HeaderValue::from_static("nosniff"),
    );
    headers.insert(
        header::REFERRER_POLICY,
        HeaderValue::from_static("no-referrer"),
    );
    response
}

pub(crate) fn redirect(location: &str) -> Response {
    let mut response = StatusCode::SEE_OTHER.into_response();
    if let Ok(value) = HeaderValue::from_str(location) {
        response.headers_mut().insert(header::LOCATION, value);
    }
    response
}

/// An error shown as a page (a person's browser asked), logged like any [`ApiError`].
pub(crate) fn error_page(error: ApiError) -> Response {
    let status = error.status();
    let detail = match &error {
        ApiError::Internal { cause } => {
            tracing::error!(cause = %cause, "internal error");
            "Something went wrong on our side; please try again.".to_owned()
        }
        other => other.to_string(),
    };
    let title = status.canonical_reason().unwrap_or("Error");
    html(
        status,
        credbridge_pages::error_page(status.as_u16(), title, &detail),
    )
}

/// Who is looking at a page.
#[derive(Debug, Clone)]
pub struct Viewer {
    /// Their tenant, when logged in (or `--dev`).
    pub tenant_id: Option<String>,
    /// Their user id, when logged in (a session, never `--dev` alone): the stable id of the
    /// person, e.g. the resource owner of the OB/CLR API.
    pub user_id: Option<String>,
    /// Their email, when logged in.
    pub email: Option<String>,
    /// The CSRF token their forms must carry (logged in only).
    pub csrf: Option<String>,
    /// `--dev`.
    pub dev: bool,
}

impl Viewer {
    pub(crate) fn context(&self, title: &str) -> PageContext {
        PageContext {
            title: title.to_owned(),
            user: self.email.clone(),
            csrf_token: self.csrf.clone(),
            flash: None,
            dev: self.dev,
        }
    }

    /// Whether the CSRF field of a state-changing form is right (always, when not logged in).
    pub(crate) fn csrf_ok(&self, sent: Option<&str>) -> bool {
        match &self.csrf {
            Some(expected) => sent == Some(expected.as_str()),
            None => true,
        }
    }
}

/// To the login page, coming back to `back_to` afterwards.
pub(crate) fn login_redirect(back_to: &str) -> Response {
    redirect(&format!(
        "{}?{}={}",
        paths::LOGIN,
        paths::FIELD_NEXT,
        paths::encode(back_to)
    ))
}

/// The answer to a form whose CSRF field is missing or wrong.
pub(crate) fn expired_form() -> Response {
    error_page(ApiError::InvalidRequest {
        detail: "the form has expired; reload the page and try again".to_owned(),
    })
}

/// The CSRF token of a session: a hash of its secret under another label.
fn csrf_token(session_secret: &str) -> String {
    sha256_hex(format!("credbridge csrf\0{session_secret}").as_bytes())
}

impl FromRequestParts<AppState> for Viewer {
    type Rejection = Response;

    async fn from_request_parts(parts: &mut Parts, state: &AppState) -> Result<Self, Response> {
        let dev = state.dev_tenant.is_some();
        if let Some(secret) = cookie(parts, SESSION_COOKIE) {
            let session = state
                .store
                .session(&sha256_hex(secret.as_bytes()), now_ms())
                .await
                .map_err(|e| error_page(e.into()))?;
            if let Some(session) = session {
                let email = state
                    .store
                    .user_by_id(&session.user_id)
                    .await
                    .map_err(|e| error_page(e.into()))?
                    .map(|user| user.email);
                return Ok(Viewer {
                    tenant_id: Some(session.tenant_id),
                    user_id: Some(session.user_id),
                    email: email.or(Some(String::new())),
                    csrf: Some(csrf_token(secret)),
                    dev,
                });
            }
        }
        Ok(Viewer {
            tenant_id: state.dev_tenant.clone(),
            user_id: None,
            email: None,
            csrf: None,
            dev,
        })
    }
}

/// `GET /`: the verifier page.
pub async fn home(viewer: Viewer) -> Response {
    html(
        StatusCode::OK,
        credbridge_pages::verifier_page(&viewer.context("Verify a credential")),
    )
}

/// The parts of a page form: files, and the text fields by name.
#[derive(Debug, Default)]
struct PageForm {
    files: Vec<Upload>,
    text: Option<String>,
    url: Option<String>,
    csrf: Option<String>,
}

async fn page_form(state: &AppState, request: Request) -> Result<PageForm, ApiError> {
    let limit = state.settings.max_body_bytes;
    if media_type(&request) != "multipart/form-data" {
        return Err(ApiError::UnsupportedMediaType {
            found: media_type(&request),
            expected: "multipart/form-data",
        });
    }
    let mut multipart =
        Multipart::from_request(request, state)
            .await
            .map_err(|e| ApiError::UnreadableBody {
                detail: e.body_text(),
            })?;
    let error = |e: axum::extract::multipart::MultipartError| {
        if e.status() == StatusCode::PAYLOAD_TOO_LARGE {
            ApiError::PayloadTooLarge { limit }
        } else {
            ApiError::UnreadableBody {
                detail: e.body_text(),
            }
        }
    };
    let mut form = PageForm::default();
    while let Some(field) = multipart.next_field().await.map_err(error)? {
        let name = field.name().unwrap_or("").to_owned();
        let file_name = field.file_name().map(str::to_owned);
        let bytes = field.bytes().await.map_err(error)?;
        if name == paths::FIELD_FILE {
            if bytes.is_empty() {
                continue;
            }
            if form.files.len() >= crate::routes::inbox::MAX_MULTIPART_FILES {
                return Err(ApiError::InvalidRequest {
                    detail: format!(
                        "at most {} files at once",
                        crate::routes::inbox::MAX_MULTIPART_FILES
                    ),
                });
            }
            form.files.push(Upload {
                name: file_name.unwrap_or_else(|| "upload".to_owned()),
                bytes: Arc::new(bytes.to_vec()),
            });
        } else {
            let text = String::from_utf8_lossy(&bytes).trim().to_owned();
            if text.is_empty() {
                continue;
            }
            match name.as_str() {
                n if n == paths::FIELD_TEXT => {
                    if text.len() > MAX_PASTED_BYTES {
                        return Err(ApiError::PayloadTooLarge {
                            limit: MAX_PASTED_BYTES,
                        });
                    }
                    form.text = Some(text);
                }
                n if n == paths::FIELD_URL => form.url = Some(text),
                n if n == paths::FIELD_CSRF => form.csrf = Some(text),
                _ => {}
            }
        }
    }
    Ok(form)
}

/// `POST /verify`: verifies every file, the pasted text and the URL; stores nothing.
pub async fn verify(State(state): State<AppState>, viewer: Viewer, request: Request) -> Response {
    let form = match page_form(&state, request).await {
        Ok(form) => form,
        Err(e) => return error_page(e),
    };
    let verifier = state.verifier.clone();
    let frameworks = state.frameworks.clone();
    let now = now_ms();
    let work = move || {
        let options = verifier.options(now / 1000, None, None);
        // The lint needs the frameworks; without them the page still shows every verdict.
        let checker = frameworks.get().ok().map(FrameworkAlignmentChecker::new);
        let mut views = Vec::new();
        let mut inputs: Vec<(String, Result<Vec<u8>, String>)> = form
            .files
            .iter()
            .map(|f| (f.name.clone(), Ok(f.bytes.to_vec())))
            .collect();
        if let Some(text) = form.text {
            inputs.push(("pasted text".to_owned(), Ok(text.into_bytes())));
        }
        if let Some(url) = form.url {
            let fetched = verifier.fetch(&url);
            inputs.push((url, fetched));
        }
        for (name, bytes) in inputs {
            let bytes = match bytes {
                Ok(bytes) => bytes,
                Err(reason) => {
                    views.push(ItemView::unreadable(Some(&name), &reason));
                    continue;
                }
            };
            for outcome in verifier.verify_bytes(&bytes, &name, &options) {
                views.push(match (&outcome.item, &outcome.report) {
                    (Some(item), Ok(report)) => {
                        with_lint(ItemView::from_item(item, report), item, checker.as_ref())
                    }
                    (_, Err(reason)) => ItemView::unreadable(Some(&outcome.path), reason),
                    (None, Ok(report)) => ItemView::new(report, None),
                });
            }
        }
        views
    };
    let views = match within_budget(&state, work).await {
        Ok(views) => views,
        Err(e) => return error_page(e),
    };
    for view in &views {
        if view.verdict != VerdictView::Unreadable {
            state
                .metrics
                .verdict("page", &format!("{:?}", view.verdict));
        }
    }
    if views.is_empty() {
        return error_page(ApiError::InvalidRequest {
            detail: "choose a file, paste a credential or give a URL".to_owned(),
        });
    }
    html(
        StatusCode::OK,
        credbridge_pages::results_page(&viewer.context("Verification result"), &views),
    )
}

/// The view with the item's data-quality lint beside its report, when the lint applies.
fn with_lint(
    view: ItemView,
    item: &credbridge_formats::Item,
    checker: Option<&FrameworkAlignmentChecker>,
) -> ItemView {
    match checker.and_then(|checker| crate::lint::lint_item(item, checker)) {
        Some(report) => view.with_lint(crate::lint::lint_view(&report)),
        None => view,
    }
}

/// Query of the login page.
#[derive(Debug, Deserialize)]
pub struct LoginQuery {
    next: Option<String>,
    error: Option<String>,
}

/// `GET /login`.
pub async fn login_form(viewer: Viewer, Query(query): Query<LoginQuery>) -> Response {
    let error = query.error.is_some().then_some("Wrong email or password.");
    let ctx = PageContext {
        csrf_token: None,
        ..viewer.context("Log in")
    };
    html(
        StatusCode::OK,
        credbridge_pages::login_page(&ctx, query.next.as_deref(), error),
    )
}

/// Query of the inbox page.
#[derive(Debug, Deserialize)]
pub struct InboxQuery {
    verdict: Option<String>,
    issuer: Option<String>,
    subject: Option<String>,
    since: Option<String>,
    page: Option<u32>,
    stored: Option<u32>,
    failed: Option<u32>,
}

pub(crate) fn rfc3339(ms: i64) -> String {
    credbridge_model::Timestamp::from_unix_seconds(ms.div_euclid(1000)).to_rfc3339()
}

fn verdict_view(word: &str) -> VerdictView {
    match word {
        "valid" => VerdictView::Valid,
        "valid-with-warnings" => VerdictView::ValidWithWarnings,
        "invalid" => VerdictView::Invalid,
        _ => VerdictView::Indeterminate,
    }
}

fn non_empty(value: Option<String>) -> Option<String> {
    value.filter(|v| !v.trim().is_empty())
}

/// `GET /inbox`: the tenant's credentials.
pub async fn inbox(
    State(state): State<AppState>,
    viewer: Viewer,
    query: Result<Query<InboxQuery>, axum::extract::rejection::QueryRejection>,
) -> Response {
    let Some(tenant) = viewer.tenant_id.clone() else {
        return login_redirect(paths::INBOX);
    };
    let Ok(Query(query)) = query else {
        return error_page(ApiError::InvalidRequest {
            detail: "the inbox filters are not valid".to_owned(),
        });
    };
    let filters = InboxFilters {
        verdict: non_empty(query.verdict),
        issuer: non_empty(query.issuer),
        subject: non_empty(query.subject),
        since: non_empty(query.since),
    };
    let received_since = match &filters.since {
        Some(text) => {
            // A date alone means its start.
            let full = if text.len() == 10 {
                format!("{text}T00:00:00Z")
            } else {
                text.clone()
            };
            match credbridge_proofs::parse_datetime(&full) {
                Some(seconds) => Some(seconds.saturating_mul(1000)),
                None => {
                    return error_page(ApiError::InvalidRequest {
                        detail: format!(
                            "since={text:?} is not a date (2026-01-31) or an RFC 3339 time"
                        ),
                    });
                }
            }
        }
        None => None,
    };
    let page = query.page.unwrap_or(1).max(1);
    let filter = CredentialFilter {
        verdict: filters.verdict.clone(),
        issuer: filters.issuer.clone(),
        subject: filters.subject.clone(),
        received_since,
        limit: INBOX_PAGE_SIZE,
        offset: u64::from(page - 1) * u64::from(INBOX_PAGE_SIZE),
    };
    let listed = match state.store.list_credentials(&tenant, &filter).await {
        Ok(listed) => listed,
        Err(e) => return error_page(e.into()),
    };
    let rows: Vec<InboxRow> = listed
        .items
        .iter()
        .map(|c| InboxRow {
            id: c.id.clone(),
            received_at: rfc3339(c.received_at),
            verdict: verdict_view(&c.verdict),
            achievement: c.achievements.first().cloned(),
            issuer: c.issuer.clone(),
            subject: c.subjects.first().cloned(),
            format: c.format.clone(),
            source: c.source.as_str().to_owned(),
        })
        .collect();
    let shown = filter.offset + rows.len() as u64;
    let paging = InboxPaging {
        page,
        has_next: shown < listed.total,
        total: Some(listed.total),
        filters,
    };
    let mut ctx = viewer.context("Inbox");
    ctx.flash = match (query.stored, query.failed) {
        (Some(stored), failed) => Some(Flash {
            kind: if failed.unwrap_or(0) > 0 {
                FlashKind::Info
            } else {
                FlashKind::Success
            },
            message: format!(
                "{stored} credential(s) received and verified{}.",
                failed
                    .filter(|f| *f > 0)
                    .map(|f| format!("; {f} item(s) could not be read"))
                    .unwrap_or_default()
            ),
        }),
        (None, Some(failed)) => Some(Flash {
            kind: FlashKind::Error,
            message: format!("No credential could be read ({failed} item(s) refused)."),
        }),
        _ => None,
    };
    html(
        StatusCode::OK,
        credbridge_pages::inbox_page(&ctx, &rows, &paging),
    )
}

/// `POST /inbox/upload`: stores and verifies the files, then back to the inbox.
pub async fn inbox_upload(
    State(state): State<AppState>,
    viewer: Viewer,
    request: Request,
) -> Response {
    let Some(tenant) = viewer.tenant_id.clone() else {
        return login_redirect(paths::INBOX);
    };
    let form = match page_form(&state, request).await {
        Ok(form) => form,
        Err(e) => return error_page(e),
    };
    if !viewer.csrf_ok(form.csrf.as_deref()) {
        return expired_form();
    }
    let mut uploads = form.files;
    if let Some(text) = form.text {
        uploads.push(Upload {
            name: "pasted text".to_owned(),
            bytes: Arc::new(text.into_bytes()),
        });
    }
    let verifier = state.verifier.clone();
    let now = now_ms();
    let prepared = within_budget(&state, move || {
        ingest::prepare(&verifier, &uploads, Source::Upload, now)
    })
    .await;
    let (records, errors) = match prepared {
        Ok(prepared) => prepared,
        Err(e) => return error_page(e),
    };
    let failed = errors.len();
    match ingest::store(state.store.as_ref(), &tenant, records, errors).await {
        Ok(done) => {
            for item in &done.items {
                state.metrics.verdict("inbox", &item.verdict);
            }
            redirect(&format!(
                "{}?stored={}&failed={failed}",
                paths::INBOX,
                done.items.len()
            ))
        }
        Err(ApiError::NoCredential { .. }) => {
            redirect(&format!("{}?failed={failed}", paths::INBOX))
        }
        Err(e) => error_page(e),
    }
}

/// `GET /inbox/view/{id}`: one stored credential, its latest report and history.
pub async fn view(
    State(state): State<AppState>,
    viewer: Viewer,
    Path(id): Path<String>,
) -> Response {
    let Some(tenant) = viewer.tenant_id.clone() else {
        return login_redirect(&paths::credential(&id));
    };
    match view_page(&state, &viewer, &tenant, &id).await {
        Ok(response) => response,
        Err(e) => error_page(e),
    }
}

async fn view_page(
    state: &AppState,
    viewer: &Viewer,
    tenant: &str,
    id: &str,
) -> Result<Response, ApiError> {
    let not_found = || ApiError::NotFound {
        what: "credential",
        id: id.to_owned(),
    };
    let record = state
        .store
        .credential(tenant, id)
        .await?
        .ok_or_else(not_found)?;
    let reports = state.store.reports(tenant, id).await?;
    let original = state
        .store
        .original(tenant, id)
        .await?
        .ok_or_else(not_found)?;
    let latest = reports.first().ok_or_else(not_found)?;
    let report = credbridge_pages::report_from_json(&latest.report).map_err(|err| {
        ApiError::internal(format!(
            "stored report {} is not a report: {err}",
            latest.id
        ))
    })?;
    // The credential's content for the page comes from the stored bytes, read again.
    let verifier = state.verifier.clone();
    let frameworks = state.frameworks.clone();
    let item_key = record.item_key.clone();
    let (item, checker) = within_budget(state, move || {
        const NAME: &str = "stored";
        let item = credbridge_formats::decode_bytes(&original, NAME, &verifier.limits)
            .filter_map(Result::ok)
            .find(|item| {
                let path = item.path.to_string();
                path.strip_prefix(NAME).unwrap_or(&path) == item_key
            });
        (
            item,
            frameworks.get().ok().map(FrameworkAlignmentChecker::new),
        )
    })
    .await?;
    let view = match &item {
        Some(item) => with_lint(ItemView::from_item(item, &report), item, checker.as_ref()),
        None => ItemView::new(&report, None),
    };
    let stored = StoredCredential {
        id: record.id.clone(),
        received_at: rfc3339(record.received_at),
        source: record.source.as_str().to_owned(),
        sha256: record.sha256.clone(),
        history: reports
            .iter()
            .map(|r| (rfc3339(r.created_at), verdict_view(&r.verdict)))
            .collect(),
    };
    Ok(html(
        StatusCode::OK,
        credbridge_pages::credential_page(&viewer.context("Credential"), &stored, &view),
    ))
}

/// A urlencoded form with only the CSRF field.
#[derive(Debug, Default, Deserialize)]
struct CsrfForm {
    csrf_token: Option<String>,
}

async fn csrf_form(state: &AppState, request: Request) -> Option<String> {
    let body = RawBody::from_request(request, state).await.ok()?;
    serde_urlencoded::from_bytes::<CsrfForm>(&body.bytes)
        .ok()
        .and_then(|f| f.csrf_token)
}

/// `POST /inbox/view/{id}/reverify`.
pub async fn view_reverify(
    State(state): State<AppState>,
    viewer: Viewer,
    Path(id): Path<String>,
    request: Request,
) -> Response {
    let Some(tenant) = viewer.tenant_id.clone() else {
        return login_redirect(&paths::credential(&id));
    };
    if !viewer.csrf_ok(csrf_form(&state, request).await.as_deref()) {
        return expired_form();
    }
    let result = async {
        let record =
            state
                .store
                .credential(&tenant, &id)
                .await?
                .ok_or_else(|| ApiError::NotFound {
                    what: "credential",
                    id: id.clone(),
                })?;
        let bytes =
            state
                .store
                .original(&tenant, &id)
                .await?
                .ok_or_else(|| ApiError::NotFound {
                    what: "credential",
                    id: id.clone(),
                })?;
        let verifier = state.verifier.clone();
        let now = now_ms();
        let (verdict, report) = within_budget(&state, move || {
            ingest::reverify(&verifier, &bytes, &record.item_key, now)
        })
        .await?
        .ok_or_else(|| ApiError::internal("a stored credential no longer decodes"))?;
        let previous = state.store.reports(&tenant, &id).await?;
        let events = crate::webhooks::reverification_events(
            &id,
            previous.first().map(|r| r.report.as_str()),
            &report,
        );
        state
            .store
            .add_report_with_events(&tenant, &id, &verdict, &report, now, &events)
            .await?;
        state.metrics.verdict("reverify", &verdict);
        Ok::<(), ApiError>(())
    }
    .await;
    match result {
        Ok(()) => redirect(&paths::credential(&id)),
        Err(e) => error_page(e),
    }
}

/// `POST /inbox/view/{id}/delete`.
pub async fn view_delete(
    State(state): State<AppState>,
    viewer: Viewer,
    Path(id): Path<String>,
    request: Request,
) -> Response {
    let Some(tenant) = viewer.tenant_id.clone() else {
        return login_redirect(&paths::credential(&id));
    };
    if !viewer.csrf_ok(csrf_form(&state, request).await.as_deref()) {
        return expired_form();
    }
    match state.store.delete_credential(&tenant, &id).await {
        Ok(true) => redirect(paths::INBOX),
        Ok(false) => error_page(ApiError::NotFound {
            what: "credential",
            id,
        }),
        Err(e) => error_page(e.into()),
    }
}
