//! The people-facing pages. The templates belong to the `pages` crate; until it is merged these
//! are minimal stand-ins: `/` points to the API docs, `/login` is a plain form.

use axum::Router;
use axum::response::Html;
use axum::routing::get;

use crate::state::AppState;

/// The routes of this module.
pub fn router() -> Router<AppState> {
    Router::new()
        .route("/", get(home))
        .route("/login", get(login_form))
}

/// The start page.
pub async fn home() -> Html<&'static str> {
    Html(
        "<!doctype html><html lang=\"en\"><head><meta charset=\"utf-8\"><title>credbridge</title></head>\
         <body><h1>credbridge</h1><p>Verify a credential: <code>POST /credentials/verify</code>; \
         receive credentials: <code>POST /inbox</code>. See <a href=\"/docs\">the API</a>, or \
         <a href=\"/login\">log in</a>.</p></body></html>",
    )
}

/// The login form.
pub async fn login_form() -> Html<&'static str> {
    Html(
        "<!doctype html><html lang=\"en\"><head><meta charset=\"utf-8\"><title>Log in · credbridge</title></head>\
         <body><h1>Log in</h1><form method=\"post\" action=\"/login\">\
         <p><label for=\"email\">Email</label> <input id=\"email\" name=\"email\" type=\"email\" autocomplete=\"username\" required></p>\
         <p><label for=\"password\">Password</label> <input id=\"password\" name=\"password\" type=\"password\" autocomplete=\"current-password\" required></p>\
         <p><button type=\"submit\">Log in</button></p></form></body></html>",
    )
}
