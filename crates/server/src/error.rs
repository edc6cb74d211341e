//! [`ApiError`]: every error the server answers with, as an RFC 9457 problem detail
//! (`application/problem+json`). Each variant names its status and a stable problem `type`
//! (`urn:credbridge:problem:<slug>`). Internal errors are logged with their cause and answered
//! with a generic body: causes are never echoed (STYLE §4).

use axum::http::{HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use credbridge_store::StoreError;
use serde_json::{Value, json};

/// The `type` URI of a problem: `urn:credbridge:problem:<slug>`.
pub fn problem_type(slug: &str) -> String {
    format!("urn:credbridge:problem:{slug}")
}

/// An error answered to the client.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum ApiError {
    /// The body is not valid JSON (or not the JSON shape the endpoint takes).
    #[error("the request body is not valid JSON: {detail}")]
    MalformedJson {
        /// The parser's message (line and column).
        detail: String,
    },
    /// The request is well-formed but misses or misuses a field.
    #[error("{detail}")]
    InvalidRequest {
        /// What is wrong.
        detail: String,
    },
    /// The body's content type is not one this endpoint reads.
    #[error("content type {found:?} is not accepted here; send {expected}")]
    UnsupportedMediaType {
        /// The `Content-Type` sent.
        found: String,
        /// What the endpoint takes.
        expected: &'static str,
    },
    /// The body is larger than the limit.
    #[error("the request body is larger than the {limit}-byte limit")]
    PayloadTooLarge {
        /// The limit, bytes.
        limit: usize,
    },
    /// The body could not be read (client disconnected, broken chunking, bad multipart).
    #[error("the request body could not be read: {detail}")]
    UnreadableBody {
        /// Why.
        detail: String,
    },
    /// No credential could be read from the input.
    #[error("no credential could be read from the input")]
    NoCredential {
        /// Per item: where and why.
        errors: Vec<Value>,
    },
    /// Missing, unknown or expired credentials.
    #[error("{detail}")]
    Unauthorized {
        /// Why (no token, unknown or expired token, bad session).
        detail: &'static str,
    },
    /// Authenticated, but the token lacks the scope the route needs.
    #[error("this request needs the scope {scope:?}")]
    InsufficientScope {
        /// The scope needed.
        scope: &'static str,
    },
    /// OAuth token endpoint: bad client id or secret (RFC 6749 §5.2 `invalid_client`).
    #[error("client authentication failed")]
    InvalidClient,
    /// OAuth token endpoint: a grant type other than `client_credentials`.
    #[error("grant type {found:?} is not supported; use client_credentials")]
    UnsupportedGrantType {
        /// The grant type sent.
        found: String,
    },
    /// OAuth token endpoint: a scope the client may not have.
    #[error("scope {scope:?} is not granted to this client")]
    InvalidScope {
        /// The scope asked for.
        scope: String,
    },
    /// Login with a wrong email or password.
    #[error("wrong email or password")]
    BadLogin,
    /// The object does not exist (or belongs to another tenant: the answer is the same).
    #[error("no {what} with id {id:?}")]
    NotFound {
        /// What kind of object.
        what: &'static str,
        /// The id asked for.
        id: String,
    },
    /// No route has this path.
    #[error("no route for {path}")]
    NoRoute {
        /// The path asked for.
        path: String,
    },
    /// The route exists but not with this method.
    #[error("method {method} is not allowed here")]
    MethodNotAllowed {
        /// The method used.
        method: String,
    },
    /// The work did not finish within the per-request time budget.
    #[error("the request did not finish within its {seconds}-second time budget")]
    TimeBudget {
        /// The budget.
        seconds: u64,
    },
    /// The database cannot be reached; try again.
    #[error("the database is unavailable; try again shortly")]
    StoreUnavailable,
    /// The request is well-formed, but the document in it breaks a rule (422): `pointer` is the
    /// JSON pointer of the field, `errors` the individual findings when there are several.
    #[error("{detail}")]
    Unprocessable {
        /// The problem type's slug (`credential-rejected`, …).
        slug: &'static str,
        /// What is wrong.
        detail: String,
        /// Where, as a JSON pointer into the request body.
        pointer: Option<String>,
        /// Each finding (`{check, detail}`), when there are several.
        errors: Vec<Value>,
    },
    /// Our bug or an unexpected environment failure: logged, never echoed.
    #[error("internal error")]
    Internal {
        /// The cause, for the log only.
        cause: String,
    },
}

impl ApiError {
    /// An internal error; `cause` is logged, not sent.
    pub fn internal(cause: impl std::fmt::Display) -> ApiError {
        ApiError::Internal {
            cause: cause.to_string(),
        }
    }

    /// The HTTP status.
    pub fn status(&self) -> StatusCode {
        match self {
            ApiError::MalformedJson { .. }
            | ApiError::InvalidRequest { .. }
            | ApiError::UnreadableBody { .. }
            | ApiError::UnsupportedGrantType { .. }
            | ApiError::InvalidScope { .. } => StatusCode::BAD_REQUEST,
            ApiError::UnsupportedMediaType { .. } => StatusCode::UNSUPPORTED_MEDIA_TYPE,
            ApiError::PayloadTooLarge { .. } => StatusCode::PAYLOAD_TOO_LARGE,
            ApiError::NoCredential { .. } | ApiError::Unprocessable { .. } => {
                StatusCode::UNPROCESSABLE_ENTITY
            }
            ApiError::Unauthorized { .. } | ApiError::InvalidClient | ApiError::BadLogin => {
                StatusCode::UNAUTHORIZED
            }
            ApiError::InsufficientScope { .. } => StatusCode::FORBIDDEN,
            ApiError::NotFound { .. } | ApiError::NoRoute { .. } => StatusCode::NOT_FOUND,
            ApiError::MethodNotAllowed { .. } => StatusCode::METHOD_NOT_ALLOWED,
            ApiError::TimeBudget { .. } | ApiError::StoreUnavailable => {
                StatusCode::SERVICE_UNAVAILABLE
            }
            ApiError::Internal { .. } => StatusCode::INTERNAL_SERVER_ERROR,
        }
    }

    /// The problem type's slug.
    pub fn slug(&self) -> &'static str {
        match self {
            ApiError::MalformedJson { .. } => "malformed-json",
            ApiError::InvalidRequest { .. } => "invalid-request",
            ApiError::UnsupportedMediaType { .. } => "unsupported-media-type",
            ApiError::PayloadTooLarge { .. } => "payload-too-large",
            ApiError::UnreadableBody { .. } => "unreadable-body",
            ApiError::NoCredential { .. } => "no-credential",
            ApiError::Unauthorized { .. } => "unauthorized",
            ApiError::InsufficientScope { .. } => "insufficient-scope",
            ApiError::InvalidClient => "invalid-client",
            ApiError::UnsupportedGrantType { .. } => "unsupported-grant-type",
            ApiError::InvalidScope { .. } => "invalid-scope",
            ApiError::BadLogin => "bad-login",
            ApiError::NotFound { .. } => "not-found",
            ApiError::NoRoute { .. } => "no-route",
            ApiError::MethodNotAllowed { .. } => "method-not-allowed",
            ApiError::TimeBudget { .. } => "time-budget-exceeded",
            ApiError::StoreUnavailable => "database-unavailable",
            ApiError::Unprocessable { slug, .. } => slug,
            ApiError::Internal { .. } => "internal",
        }
    }

    fn title(&self) -> &'static str {
        self.status().canonical_reason().unwrap_or("Error")
    }

    /// The problem body.
    pub fn body(&self) -> Value {
        let mut body = json!({
            "type": problem_type(self.slug()),
            "title": self.title(),
            "status": self.status().as_u16(),
            "detail": self.to_string(),
        });
        // RFC 6749 §5.2: token endpoint errors also carry `error`.
        let oauth = match self {
            ApiError::InvalidClient => Some("invalid_client"),
            ApiError::UnsupportedGrantType { .. } => Some("unsupported_grant_type"),
            ApiError::InvalidScope { .. } => Some("invalid_scope"),
            _ => None,
        };
        if let (Some(code), Some(object)) = (oauth, body.as_object_mut()) {
            object.insert("error".into(), json!(code));
            object.insert("error_description".into(), json!(self.to_string()));
        }
        if let (ApiError::NoCredential { errors }, Some(object)) = (self, body.as_object_mut()) {
            object.insert("errors".into(), json!(errors));
        }
        if let (
            ApiError::Unprocessable {
                pointer, errors, ..
            },
            Some(object),
        ) = (self, body.as_object_mut())
        {
            if let Some(pointer) = pointer {
                object.insert("pointer".into(), json!(pointer));
            }
            if !errors.is_empty() {
                object.insert("errors".into(), json!(errors));
            }
        }
        body
    }
}

impl From<StoreError> for ApiError {
    fn from(error: StoreError) -> ApiError {
        if error.is_unavailable() {
            tracing::warn!(error = %error, "database unavailable");
            ApiError::StoreUnavailable
        } else {
            ApiError::internal(error)
        }
    }
}

/// Writes a problem response with `status` and `body`.
pub fn problem_response(status: StatusCode, body: &Value) -> Response {
    let mut response = (status, body.to_string()).into_response();
    response.headers_mut().insert(
        header::CONTENT_TYPE,
        HeaderValue::from_static("application/problem+json"),
    );
    response
}

impl IntoResponse for ApiError {
    fn into_response(self) -> Response {
        if let ApiError::Internal { cause } = &self {
            tracing::error!(cause = %cause, "internal error");
        }
        let mut response = problem_response(self.status(), &self.body());
        let headers = response.headers_mut();
        match &self {
            ApiError::Unauthorized { .. } | ApiError::InvalidClient => {
                headers.insert(
                    header::WWW_AUTHENTICATE,
                    HeaderValue::from_static("Bearer realm=\"credbridge\""),
                );
            }
            ApiError::InsufficientScope { .. } => {
                headers.insert(
                    header::WWW_AUTHENTICATE,
                    HeaderValue::from_static(
                        "Bearer realm=\"credbridge\", error=\"insufficient_scope\"",
                    ),
                );
            }
            ApiError::StoreUnavailable | ApiError::TimeBudget { .. } => {
                headers.insert(header::RETRY_AFTER, HeaderValue::from_static("5"));
            }
            _ => {}
        }
        response
    }
}
