//! Webhook subscriptions and their delivery log (`/webhooks`, `/webhooks/{id}`,
//! `/webhooks/{id}/deliveries`). A subscription names a URL and the event types it wants; the
//! signing secret is generated here and shown once, in the answer to `POST /webhooks`. Every
//! store call carries the caller's tenant id, so another tenant's subscription is "not found".
//! Delivery is [`crate::webhooks`]; the rules (event types, signature, retries) are
//! `credbridge_export::webhook`, and `docs/webhooks.md` tells receivers how to check them.

use axum::Router;
use axum::extract::{Path, Query, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use credbridge_export::webhook::{self, EventType};
use credbridge_store::NewSubscription;
use serde::Deserialize;
use serde_json::json;
use utoipa::{IntoParams, ToSchema};

use crate::auth::Principal;
use crate::error::ApiError;
use crate::extract::ApiJson;
use crate::state::{AppState, now_ms};

/// Scope to list subscriptions and read their delivery log.
pub const SCOPE_WEBHOOKS_READ: &str = "read:/webhooks";
/// Scope to create and delete subscriptions.
pub const SCOPE_WEBHOOKS_WRITE: &str = "write:/webhooks";

/// Most subscriptions per tenant.
pub const MAX_SUBSCRIPTIONS: usize = 100;

/// Most characters of a subscription's description.
pub const MAX_DESCRIPTION_CHARS: usize = 500;

/// Default number of deliveries `GET /webhooks/{id}/deliveries` lists.
pub const DEFAULT_DELIVERIES_PAGE: u32 = 50;

/// The routes of this module.
pub fn router() -> Router<AppState> {
    Router::new()
        .route("/webhooks", get(list).post(create))
        .route("/webhooks/{id}", get(read).delete(erase))
        .route("/webhooks/{id}/deliveries", get(deliveries))
}

/// `POST /webhooks`.
#[derive(Debug, Clone, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct CreateSubscription {
    /// Where to post events: an absolute `https://` URL (`http://` only when the server allows
    /// it). The address guard applies on every delivery: private and loopback addresses are
    /// refused unless the server allows them.
    pub url: String,
    /// Event types: `credential.received`, `credential.verified`, `credential.revoked`,
    /// `profile.updated`, `match.updated`.
    pub events: Vec<String>,
    /// A note for people.
    #[serde(default)]
    pub description: String,
}

fn not_found(id: &str) -> ApiError {
    ApiError::NotFound {
        what: "webhook subscription",
        id: id.to_owned(),
    }
}

fn invalid(e: webhook::SubscriptionError) -> ApiError {
    ApiError::InvalidRequest {
        detail: e.to_string(),
    }
}

#[utoipa::path(
    post, path = "/webhooks", tag = "webhooks", request_body = CreateSubscription,
    responses(
        (status = 201, description = "`{id, url, events, description, createdAt, secret}`: the signing secret is shown here only"),
        (status = 400, description = "a bad URL, an unknown or missing event type, a description too long, too many subscriptions"),
    ),
    security(("oauth2" = ["write:/webhooks"]))
)]
/// Subscribes a URL to event types; answers with the signing secret (shown once).
pub async fn create(
    State(state): State<AppState>,
    principal: Principal,
    ApiJson(request): ApiJson<CreateSubscription>,
) -> Result<Response, ApiError> {
    principal.require(SCOPE_WEBHOOKS_WRITE)?;
    let url = request.url.trim().to_owned();
    webhook::check_url(&url, state.settings.webhooks.allow_http).map_err(invalid)?;
    let events = webhook::parse_event_types(&request.events).map_err(invalid)?;
    if request.description.chars().count() > MAX_DESCRIPTION_CHARS {
        return Err(ApiError::InvalidRequest {
            detail: format!("description: at most {MAX_DESCRIPTION_CHARS} characters"),
        });
    }
    let tenant = &principal.tenant_id;
    if state.store.list_subscriptions(tenant).await?.len() >= MAX_SUBSCRIPTIONS {
        return Err(ApiError::InvalidRequest {
            detail: format!(
                "at most {MAX_SUBSCRIPTIONS} webhook subscriptions per organization; delete one first"
            ),
        });
    }
    let mut random = [0u8; 32];
    getrandom::fill(&mut random).map_err(ApiError::internal)?;
    let stored = state
        .store
        .add_subscription(
            tenant,
            &NewSubscription {
                url,
                secret: webhook::new_secret(random),
                events: events.iter().map(|e| e.as_str().to_owned()).collect(),
                description: request.description,
            },
            now_ms(),
        )
        .await?;
    let mut body = serde_json::to_value(&stored).map_err(ApiError::internal)?;
    if let Some(fields) = body.as_object_mut() {
        fields.insert("secret".to_owned(), json!(stored.secret));
    }
    Ok((StatusCode::CREATED, axum::Json(body)).into_response())
}

#[utoipa::path(
    get, path = "/webhooks", tag = "webhooks",
    responses((status = 200, description = "`{items: [{id, url, events, description, createdAt}], eventTypes}`, oldest first; secrets are never listed")),
    security(("oauth2" = ["read:/webhooks"]))
)]
/// The tenant's subscriptions.
pub async fn list(
    State(state): State<AppState>,
    principal: Principal,
) -> Result<Response, ApiError> {
    principal.require(SCOPE_WEBHOOKS_READ)?;
    let items = state.store.list_subscriptions(&principal.tenant_id).await?;
    let types: Vec<&str> = EventType::ALL.iter().map(|t| t.as_str()).collect();
    Ok(axum::Json(json!({ "items": items, "eventTypes": types })).into_response())
}

#[utoipa::path(
    get, path = "/webhooks/{id}", tag = "webhooks",
    params(("id" = String, Path, description = "subscription id")),
    responses((status = 200, description = "`{id, url, events, description, createdAt}`"), (status = 404, description = "no such subscription in this tenant")),
    security(("oauth2" = ["read:/webhooks"]))
)]
/// One subscription (without its secret).
pub async fn read(
    State(state): State<AppState>,
    principal: Principal,
    Path(id): Path<String>,
) -> Result<Response, ApiError> {
    principal.require(SCOPE_WEBHOOKS_READ)?;
    let stored = state
        .store
        .subscription(&principal.tenant_id, &id)
        .await?
        .ok_or_else(|| not_found(&id))?;
    Ok(axum::Json(stored).into_response())
}

#[utoipa::path(
    delete, path = "/webhooks/{id}", tag = "webhooks",
    params(("id" = String, Path, description = "subscription id")),
    responses((status = 204, description = "deleted, with its pending deliveries and its log"), (status = 404, description = "no such subscription in this tenant")),
    security(("oauth2" = ["write:/webhooks"]))
)]
/// Deletes a subscription.
pub async fn erase(
    State(state): State<AppState>,
    principal: Principal,
    Path(id): Path<String>,
) -> Result<Response, ApiError> {
    principal.require(SCOPE_WEBHOOKS_WRITE)?;
    if state
        .store
        .delete_subscription(&principal.tenant_id, &id)
        .await?
    {
        Ok(StatusCode::NO_CONTENT.into_response())
    } else {
        Err(not_found(&id))
    }
}

/// Paging of `GET /webhooks/{id}/deliveries`.
#[derive(Debug, Deserialize, IntoParams)]
pub struct DeliveriesQuery {
    /// How many deliveries, newest first (1–500, default 50).
    pub limit: Option<u32>,
}

#[utoipa::path(
    get, path = "/webhooks/{id}/deliveries", tag = "webhooks",
    params(("id" = String, Path, description = "subscription id"), DeliveriesQuery),
    responses(
        (status = 200, description = "`{subscription, items: [{eventId, eventType, state, attempts, nextAttemptAt, createdAt, log: [{attempt, at, status, error, durationMs}]}]}`, newest first; `state` is pending, delivered or failed"),
        (status = 404, description = "no such subscription in this tenant"),
    ),
    security(("oauth2" = ["read:/webhooks"]))
)]
/// The delivery log of a subscription: each event, its state and every attempt.
pub async fn deliveries(
    State(state): State<AppState>,
    principal: Principal,
    Path(id): Path<String>,
    query: Result<Query<DeliveriesQuery>, axum::extract::rejection::QueryRejection>,
) -> Result<Response, ApiError> {
    principal.require(SCOPE_WEBHOOKS_READ)?;
    let Query(query) = query.map_err(|e| ApiError::InvalidRequest {
        detail: e.body_text(),
    })?;
    let tenant = &principal.tenant_id;
    state
        .store
        .subscription(tenant, &id)
        .await?
        .ok_or_else(|| not_found(&id))?;
    let limit = query
        .limit
        .unwrap_or(DEFAULT_DELIVERIES_PAGE)
        .clamp(1, credbridge_store::MAX_PAGE_SIZE);
    let items = state.store.deliveries(tenant, &id, limit).await?;
    Ok(axum::Json(json!({ "subscription": id, "items": items })).into_response())
}
