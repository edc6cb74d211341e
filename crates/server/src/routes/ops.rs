//! Operations: `/healthz` (the process answers), `/readyz` (the database answers),
//! `/metrics` (Prometheus text), `/openapi.json` and `/docs`.

use axum::Router;
use axum::extract::State;
use axum::http::{HeaderValue, header};
use axum::response::{Html, IntoResponse, Response};
use axum::routing::get;
use serde_json::json;
use utoipa::OpenApi;

use crate::error::ApiError;
use crate::openapi::ApiDoc;
use crate::state::AppState;

/// The routes of this module.
pub fn router() -> Router<AppState> {
    Router::new()
        .route("/healthz", get(healthz))
        .route("/readyz", get(readyz))
        .route("/metrics", get(metrics))
        .route("/openapi.json", get(openapi))
        .route("/docs", get(docs))
}

#[utoipa::path(get, path = "/healthz", tag = "operations", responses((status = 200, description = "the process is up")))]
/// Liveness.
pub async fn healthz() -> Response {
    axum::Json(json!({ "status": "ok" })).into_response()
}

#[utoipa::path(get, path = "/readyz", tag = "operations", responses((status = 200, description = "the database answers"), (status = 503, description = "the database is unavailable (problem detail)")))]
/// Readiness: a round trip to the database.
pub async fn readyz(State(state): State<AppState>) -> Result<Response, ApiError> {
    state.store.ping().await?;
    Ok(axum::Json(json!({ "status": "ready", "database": state.store.backend() })).into_response())
}

#[utoipa::path(get, path = "/metrics", tag = "operations", responses((status = 200, description = "Prometheus text format")))]
/// Counters.
pub async fn metrics(State(state): State<AppState>) -> Response {
    let mut response = crate::metrics::exposition(&state).into_response();
    response.headers_mut().insert(
        header::CONTENT_TYPE,
        HeaderValue::from_static("text/plain; version=0.0.4; charset=utf-8"),
    );
    response
}

/// The OpenAPI document generated from the handlers' annotations.
pub async fn openapi() -> Response {
    axum::Json(ApiDoc::openapi()).into_response()
}

/// A plain HTML list of the API's operations, generated from the same document (no script,
/// no CDN).
pub async fn docs() -> Html<String> {
    let doc = ApiDoc::openapi();
    let mut rows = String::new();
    for (path, item) in &doc.paths.paths {
        let operations = [
            ("GET", &item.get),
            ("POST", &item.post),
            ("DELETE", &item.delete),
            ("PUT", &item.put),
        ];
        for (method, operation) in operations {
            let Some(operation) = operation else { continue };
            let summary = operation
                .summary
                .clone()
                .or_else(|| operation.description.clone())
                .unwrap_or_default();
            rows.push_str(&format!(
                "<tr><td><code>{method}</code></td><td><code>{}</code></td><td>{}</td></tr>\n",
                escape_html(path),
                escape_html(&summary)
            ));
        }
    }
    Html(format!(
        "<!doctype html><html lang=\"en\"><head><meta charset=\"utf-8\"><title>credbridge API</title>\
         <style>body{{font-family:system-ui,sans-serif;margin:2rem;color:#111}}td{{padding:.3rem .8rem;border-bottom:1px solid #ccc}}</style></head>\
         <body><h1>credbridge API {}</h1><p>The machine-readable description is <a href=\"/openapi.json\">/openapi.json</a> (OpenAPI 3.1). \
         Get a token with <code>POST /oauth2/token</code> (client credentials).</p>\
         <table><thead><tr><th>Method</th><th>Path</th><th>What it does</th></tr></thead><tbody>{rows}</tbody></table></body></html>",
        escape_html(&doc.info.version)
    ))
}

/// Escapes text for HTML.
pub fn escape_html(text: &str) -> String {
    text.replace('&', "&amp;")
        .replace('<', "&lt;")
        .replace('>', "&gt;")
        .replace('"', "&quot;")
}
