//! `GET /1.0/identifiers/{did}`: DID resolution over HTTP (the DID Resolution HTTP(S)
//! binding, the path the Universal Resolver and the did:key test suite use).
//!
//! `did:key` and `did:jwk` are resolved from the identifier alone, for anyone. Other methods
//! (did:web) make the server fetch through its guarded client, so they need an access token
//! with the verifier's scope, like `/credentials/verify`, which resolves them anyway.

use axum::Router;
use axum::extract::{Path, Query, State};
use axum::http::{HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use credbridge_keys::did_resolution::{ResolutionOptions, resolve_did_key, resolve_with};
use credbridge_keys::{DID_JWK_PREFIX, DID_KEY_PREFIX};
use serde::Deserialize;

use crate::auth::{Principal, SCOPE_VERIFY_CREDENTIALS};
use crate::error::ApiError;
use crate::state::AppState;

/// The routes of this module.
pub fn router() -> Router<AppState> {
    Router::new().route("/1.0/identifiers/{did}", get(resolve))
}

/// The resolution options the did:key specification defines, as query parameters.
#[derive(Debug, Deserialize, utoipa::IntoParams)]
#[serde(rename_all = "camelCase")]
pub struct ResolveQuery {
    /// The verification method type to express keys in (`Multikey`, `JsonWebKey2020`,
    /// `Ed25519VerificationKey2020`, …).
    public_key_format: Option<String>,
    /// Allow experimental key formats (`Ed25519VerificationKey2018`, …).
    enable_experimental_public_key_types: Option<bool>,
    /// Add the X25519 `keyAgreement` key of an Ed25519 key (default true).
    enable_encryption_key_derivation: Option<bool>,
}

#[utoipa::path(
    get,
    path = "/1.0/identifiers/{did}",
    tag = "identifiers",
    params(("did" = String, Path, description = "a DID or DID URL, percent-encoded"), ResolveQuery),
    responses(
        (status = 200, description = "DID resolution (or dereferencing) result", content_type = "application/ld+json;profile=\"https://w3id.org/did-resolution\""),
        (status = 400, description = "the same envelope with `didResolutionMetadata.error` (invalidDid, invalidPublicKeyLength, …)"),
        (status = 401, description = "a method that needs fetching, without an access token (problem detail)"),
        (status = 404, description = "notFound"),
        (status = 501, description = "methodNotSupported"),
    )
)]
/// Resolves a DID or dereferences a DID URL.
pub async fn resolve(
    State(state): State<AppState>,
    principal: Result<Principal, ApiError>,
    Path(did): Path<String>,
    query: Result<Query<ResolveQuery>, axum::extract::rejection::QueryRejection>,
) -> Result<Response, ApiError> {
    let Query(query) = query.map_err(|e| ApiError::InvalidRequest {
        detail: e.body_text(),
    })?;
    let defaults = ResolutionOptions::default();
    let options = ResolutionOptions {
        public_key_format: query.public_key_format,
        enable_experimental_public_key_types: query
            .enable_experimental_public_key_types
            .unwrap_or(defaults.enable_experimental_public_key_types),
        enable_encryption_key_derivation: query
            .enable_encryption_key_derivation
            .unwrap_or(defaults.enable_encryption_key_derivation),
    };
    let resolution = if did.starts_with(DID_KEY_PREFIX) {
        resolve_did_key(&did, &options)
    } else if did.starts_with(DID_JWK_PREFIX) {
        resolve_with(&did, &credbridge_keys::DidJwkResolver, &options)
    } else if did.starts_with("did:") && did.get(4..).is_some_and(|m| m.contains(':')) {
        principal?.require(SCOPE_VERIFY_CREDENTIALS)?;
        let resolver = state.verifier.options(0, None, None).resolver.clone();
        super::within_budget(&state, move || {
            resolve_with(&did, resolver.as_ref(), &options)
        })
        .await?
    } else {
        // Not a DID at all: the resolver's own invalidDid answer.
        resolve_did_key(&did, &options)
    };
    let status = StatusCode::from_u16(resolution.http_status()).unwrap_or(StatusCode::BAD_REQUEST);
    let mut response = (status, axum::Json(resolution.body)).into_response();
    response.headers_mut().insert(
        header::CONTENT_TYPE,
        HeaderValue::from_static("application/ld+json;profile=\"https://w3id.org/did-resolution\""),
    );
    Ok(response)
}
