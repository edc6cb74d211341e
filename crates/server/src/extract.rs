//! Our extractors: request bodies whose every failure (wrong content type, too large, not
//! JSON, missing field) becomes an [`ApiError`] problem detail instead of axum's plain-text
//! rejection (STYLE §7).

use axum::body::Bytes;
use axum::extract::rejection::BytesRejection;
use axum::extract::{FromRequest, Request};
use axum::http::{StatusCode, header};
use serde::Deserialize;
use serde::de::DeserializeOwned;
use serde_json::error::Category;

use crate::error::ApiError;
use crate::state::AppState;

/// A JSON body (`application/json` or any `+json` type) parsed into `T`.
#[derive(Debug)]
pub struct ApiJson<T>(pub T);

/// The body's bytes, within the body limit.
#[derive(Debug)]
pub struct RawBody {
    /// The `Content-Type` header, lower-cased without parameters (`""` when absent).
    pub content_type: String,
    /// The bytes.
    pub bytes: Bytes,
}

/// The media type of a request, lower-cased, without parameters.
pub fn media_type(request: &Request) -> String {
    request
        .headers()
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .map(|v| {
            v.split(';')
                .next()
                .unwrap_or("")
                .trim()
                .to_ascii_lowercase()
        })
        .unwrap_or_default()
}

/// Whether `media_type` is JSON (`application/json`, `application/ld+json`, `…+json`).
pub fn is_json(media_type: &str) -> bool {
    media_type == "application/json" || media_type.ends_with("+json")
}

/// Maps axum's body-reading rejection to our problem.
pub fn body_error(rejection: BytesRejection, limit: usize) -> ApiError {
    if rejection.status() == StatusCode::PAYLOAD_TOO_LARGE {
        ApiError::PayloadTooLarge { limit }
    } else {
        ApiError::UnreadableBody {
            detail: rejection.body_text(),
        }
    }
}

impl FromRequest<AppState> for RawBody {
    type Rejection = ApiError;

    async fn from_request(request: Request, state: &AppState) -> Result<Self, Self::Rejection> {
        let content_type = media_type(&request);
        let limit = state.settings.max_body_bytes;
        let bytes = Bytes::from_request(request, state)
            .await
            .map_err(|r| body_error(r, limit))?;
        Ok(RawBody {
            content_type,
            bytes,
        })
    }
}

/// A JSON body (`application/json` or any `+json` type), read but not parsed: for handlers
/// that parse it into borrowed types ([`serde_json::value::RawValue`]) with [`parse_json`], so
/// that a document inside the body is parsed once, by the code that reads it, and keeps its
/// exact bytes.
#[derive(Debug)]
pub struct JsonBytes(pub Bytes);

/// Parses a JSON body as `T`: text that is not JSON is [`ApiError::MalformedJson`] (with the
/// parser's line and column), JSON of another shape [`ApiError::InvalidRequest`].
pub fn parse_json<'a, T: Deserialize<'a>>(bytes: &'a [u8]) -> Result<T, ApiError> {
    serde_json::from_slice(bytes).map_err(|e| match e.classify() {
        Category::Data => ApiError::InvalidRequest {
            detail: format!("the JSON body does not have the expected shape: {e}"),
        },
        Category::Syntax | Category::Eof | Category::Io => ApiError::MalformedJson {
            detail: e.to_string(),
        },
    })
}

impl FromRequest<AppState> for JsonBytes {
    type Rejection = ApiError;

    async fn from_request(request: Request, state: &AppState) -> Result<Self, Self::Rejection> {
        let body = RawBody::from_request(request, state).await?;
        if !is_json(&body.content_type) {
            return Err(ApiError::UnsupportedMediaType {
                found: body.content_type,
                expected: "application/json",
            });
        }
        Ok(JsonBytes(body.bytes))
    }
}

impl<T: DeserializeOwned> FromRequest<AppState> for ApiJson<T> {
    type Rejection = ApiError;

    async fn from_request(request: Request, state: &AppState) -> Result<Self, Self::Rejection> {
        // Straight into `T`: going through a `serde_json::Value` first parsed every body twice.
        let JsonBytes(bytes) = JsonBytes::from_request(request, state).await?;
        parse_json(&bytes).map(ApiJson)
    }
}
