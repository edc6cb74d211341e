//! Skills profiles (`GET /profiles`, `GET /profiles/{id}`): the tenant's people as built from
//! its inbox (see [`crate::profiles`]), each with the identity links that put its credentials
//! together (reason and confidence), its skills with their evidence and provenance, the
//! alignments that reached no concept, and the pinned rule and framework versions.

use axum::Router;
use axum::extract::{Path, Query, State};
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use credbridge_profile::SkillsProfile;
use serde::Deserialize;
use serde_json::json;
use utoipa::IntoParams;

use crate::auth::{Principal, SCOPE_PROFILES_READ};
use crate::error::ApiError;
use crate::profiles::tenant_profiles;
use crate::state::AppState;

/// Default page size of `GET /profiles`.
pub const DEFAULT_PROFILES_PAGE: usize = 50;

/// Most profiles per page.
pub const MAX_PROFILES_PAGE: usize = 500;

/// The routes of this module.
pub fn router() -> Router<AppState> {
    Router::new()
        .route("/profiles", get(list))
        .route("/profiles/{id}", get(read))
}

/// Filters and paging of `GET /profiles`.
#[derive(Debug, Default, Deserialize, IntoParams)]
pub struct ProfileQuery {
    /// Text found in a skill's label, an achievement's name or an issuer's name
    /// (case-insensitive).
    pub q: Option<String>,
    /// A concept IRI the profile must show.
    pub skill: Option<String>,
    /// Only profiles with at least one skill shown by a verified credential.
    pub verified: Option<bool>,
    /// Page size (1–500, default 50).
    pub limit: Option<usize>,
    /// Profiles to skip.
    pub offset: Option<usize>,
}

impl ProfileQuery {
    /// Whether `profile` passes the filters.
    pub fn accepts(&self, profile: &SkillsProfile) -> bool {
        if let Some(iri) = self.skill.as_deref().filter(|s| !s.is_empty())
            && !profile.skills.iter().any(|s| s.concept == iri)
        {
            return false;
        }
        if self.verified == Some(true)
            && !profile
                .skills
                .iter()
                .any(|s| s.status == credbridge_profile::SkillStatus::Verified)
        {
            return false;
        }
        match self.q.as_deref().map(str::trim).filter(|q| !q.is_empty()) {
            None => true,
            Some(q) => {
                let q = q.to_lowercase();
                let hit = |text: Option<&str>| text.is_some_and(|t| t.to_lowercase().contains(&q));
                profile.skills.iter().any(|s| hit(Some(&s.label)))
                    || profile.credentials.iter().any(|c| {
                        hit(c.record.achievement.name.as_deref())
                            || hit(c.record.issuer.name.as_deref())
                    })
            }
        }
    }
}

#[utoipa::path(
    get, path = "/profiles", tag = "profiles", params(ProfileQuery),
    responses(
        (status = 200, description = "`{items: [profile], total, limit, offset}`: each profile is `{person: {id, links: [{record, reasons, confidence}]}, skills: [{concept, label, framework, status, bestLevel, evidence: [{credential, verification, mapping, found, level}]}], unresolved, credentials, versions}`"),
        (status = 400, description = "bad filters"),
    ),
    security(("oauth2" = ["read:/profiles"]))
)]
/// The tenant's people and their skills profiles, built from the inbox.
pub async fn list(
    State(state): State<AppState>,
    principal: Principal,
    query: Result<Query<ProfileQuery>, axum::extract::rejection::QueryRejection>,
) -> Result<Response, ApiError> {
    principal.require(SCOPE_PROFILES_READ)?;
    let Query(query) = query.map_err(|e| ApiError::InvalidRequest {
        detail: e.body_text(),
    })?;
    let built = tenant_profiles(&state, &principal.tenant_id).await?;
    let matching: Vec<&SkillsProfile> =
        built.profiles.iter().filter(|p| query.accepts(p)).collect();
    let limit = query
        .limit
        .unwrap_or(DEFAULT_PROFILES_PAGE)
        .clamp(1, MAX_PROFILES_PAGE);
    let offset = query.offset.unwrap_or(0);
    let items: Vec<&SkillsProfile> = matching.iter().skip(offset).take(limit).copied().collect();
    Ok(axum::Json(json!({
        "items": items,
        "total": matching.len(),
        "limit": limit,
        "offset": offset,
    }))
    .into_response())
}

#[utoipa::path(
    get, path = "/profiles/{id}", tag = "profiles",
    params(("id" = String, Path, description = "person id (`person:…`), percent-encoded")),
    responses(
        (status = 200, description = "the profile: person with identity links, skills with evidence and provenance, unresolved alignments, credentials, versions"),
        (status = 404, description = "no such person in this tenant"),
    ),
    security(("oauth2" = ["read:/profiles"]))
)]
/// One person's skills profile.
pub async fn read(
    State(state): State<AppState>,
    principal: Principal,
    Path(id): Path<String>,
) -> Result<Response, ApiError> {
    principal.require(SCOPE_PROFILES_READ)?;
    let built = tenant_profiles(&state, &principal.tenant_id).await?;
    let profile = built.find(&id).ok_or_else(|| ApiError::NotFound {
        what: "profile",
        id: id.clone(),
    })?;
    Ok(axum::Json(profile).into_response())
}
