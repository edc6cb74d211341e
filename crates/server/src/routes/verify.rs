//! The VCALM verifier endpoints: `POST /credentials/verify`, `POST /presentations/verify`,
//! `POST /challenges`.
//!
//! A credential may come as JSON, as an `EnvelopedVerifiableCredential` (its `data:` URL is
//! decoded by `credbridge-formats`), or as a compact JWT string. It is decoded and verified by
//! exactly the code `credbridge verify` runs. The answer has the VCALM result shape
//! (`verified`, `problemDetails`) plus `checks`/`warnings`/`errors` and our full report; it is
//! 200 when verified and 422 (a problem detail with the same fields) when not, which is what
//! the W3C interop suites expect of a verifier.

use axum::Router;
use axum::extract::State;
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use axum::routing::post;
use credbridge_verify::{Outcome, Severity, Verdict, VerificationReport};
use serde::Deserialize;
use serde_json::{Value, json};
use utoipa::ToSchema;

use crate::auth::{
    Principal, SCOPE_CHALLENGES, SCOPE_VERIFY_CREDENTIALS, SCOPE_VERIFY_PRESENTATIONS, new_secret,
};
use crate::error::{ApiError, problem_response, problem_type};
use crate::extract::ApiJson;
use crate::record::verdict_word;
use crate::routes::within_budget;
use crate::state::{AppState, now_ms};

/// How long a challenge from `POST /challenges` can be used.
pub const CHALLENGE_LIFETIME_MS: i64 = 15 * 60 * 1000;

/// The routes of this module.
pub fn router() -> Router<AppState> {
    Router::new()
        .route("/credentials/verify", post(verify_credential))
        .route("/presentations/verify", post(verify_presentation))
        .route("/challenges", post(create_challenge))
}

/// `POST /credentials/verify` body.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct VerifyCredentialRequest {
    /// The credential: a JSON object, an `EnvelopedVerifiableCredential`, or a compact JWT.
    #[schema(value_type = Object)]
    pub verifiable_credential: Value,
    /// VCALM options (`checks`, `returnResults`, …): accepted; every check always runs.
    #[serde(default)]
    #[schema(value_type = Object)]
    pub options: Value,
}

/// `POST /presentations/verify` options.
#[derive(Debug, Default, Deserialize, ToSchema)]
pub struct PresentationOptions {
    /// The challenge the presentation's proof must carry.
    pub challenge: Option<String>,
    /// The domain the presentation's proof must carry.
    pub domain: Option<String>,
}

/// `POST /presentations/verify` body.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct VerifyPresentationRequest {
    /// The presentation: JSON, enveloped, or a compact JWT.
    #[schema(value_type = Object)]
    pub verifiable_presentation: Value,
    /// Challenge and domain.
    #[serde(default)]
    pub options: PresentationOptions,
}

/// The bytes `credbridge-formats` decodes for a posted document: a JWT string as its text, any
/// other JSON as its serialization.
fn document_bytes(value: &Value) -> Result<Vec<u8>, ApiError> {
    match value {
        Value::String(text) => Ok(text.trim().as_bytes().to_vec()),
        Value::Object(_) | Value::Array(_) => serde_json::to_vec(value).map_err(ApiError::internal),
        _ => Err(ApiError::InvalidRequest {
            detail: "the credential must be a JSON object or a compact JWT string".to_owned(),
        }),
    }
}

/// A report in the VCALM result shape, plus ours.
pub fn vcalm_result(reports: &[VerificationReport]) -> Value {
    let verified = !reports.is_empty()
        && reports
            .iter()
            .all(|r| matches!(r.verdict, Verdict::Valid | Verdict::ValidWithWarnings));
    let mut checks = Vec::new();
    let mut warnings = Vec::new();
    let mut errors = Vec::new();
    for report in reports {
        for check in &report.checks {
            let problem = |reason: &str, slug: &str| {
                json!({
                    "type": problem_type(slug),
                    "title": check.message,
                    "detail": reason,
                    "check": check.id,
                    "item": report.item,
                })
            };
            match (&check.outcome, check.severity) {
                (Outcome::Passed, _) => checks.push(json!(check.id)),
                (Outcome::NotApplicable, _) => {}
                (Outcome::Failed(reason), Severity::Fatal) => {
                    errors.push(problem(reason, "check-failed"));
                }
                (Outcome::CouldNotCheck(reason), Severity::Fatal) => {
                    errors.push(problem(reason, "could-not-check"));
                }
                (Outcome::Failed(reason), Severity::Advisory) => {
                    warnings.push(problem(reason, "check-failed"));
                }
                (Outcome::CouldNotCheck(reason), Severity::Advisory) => {
                    warnings.push(problem(reason, "could-not-check"));
                }
            }
        }
    }
    checks.dedup();
    let verdict = reports
        .iter()
        .map(|r| r.verdict)
        .max()
        .map(verdict_word)
        .unwrap_or_else(|| "indeterminate".to_owned());
    let problem_details: Vec<Value> = errors.iter().chain(&warnings).cloned().collect();
    let mut body = json!({
        "verified": verified,
        "verdict": verdict,
        "checks": checks,
        "warnings": warnings,
        "errors": errors,
        "problemDetails": problem_details,
        "report": reports.first(),
    });
    if reports.len() > 1
        && let Some(object) = body.as_object_mut()
    {
        object.insert("reports".into(), json!(reports));
    }
    body
}

/// 200 with the result when verified; else 422 with the result as a problem detail.
fn respond(result: Value) -> Response {
    if result.get("verified") == Some(&json!(true)) {
        return (StatusCode::OK, axum::Json(result)).into_response();
    }
    let mut body = result;
    if let Some(object) = body.as_object_mut() {
        object.insert("type".into(), json!(problem_type("not-verified")));
        object.insert("title".into(), json!("Unprocessable Entity"));
        object.insert("status".into(), json!(422));
        let verdict = object
            .get("verdict")
            .and_then(Value::as_str)
            .unwrap_or("invalid")
            .to_owned();
        object.insert(
            "detail".into(),
            json!(format!("the document was not verified: {verdict}")),
        );
    }
    problem_response(StatusCode::UNPROCESSABLE_ENTITY, &body)
}

/// Decodes and verifies, returning every item's report or the reason nothing was read.
async fn verify_document(
    state: &AppState,
    bytes: Vec<u8>,
    challenge: Option<String>,
    domain: Option<String>,
) -> Result<Vec<VerificationReport>, ApiError> {
    let verifier = state.verifier.clone();
    let options = verifier.options(now_ms() / 1000, challenge, domain);
    let outcomes = within_budget(state, move || {
        verifier.verify_bytes(&bytes, "request", &options)
    })
    .await?;
    let mut reports = Vec::new();
    let mut errors = Vec::new();
    for outcome in outcomes {
        match outcome.report {
            Ok(report) => reports.push(report),
            Err(reason) => errors.push(json!({ "item": outcome.path, "error": reason })),
        }
    }
    if reports.is_empty() {
        return Err(ApiError::NoCredential { errors });
    }
    Ok(reports)
}

#[utoipa::path(
    post, path = "/credentials/verify", tag = "verifier",
    request_body = VerifyCredentialRequest,
    responses(
        (status = 200, description = "verified: VCALM result plus `report` (our VerificationReport)"),
        (status = 422, description = "not verified: the same result as a problem detail, or no credential readable"),
        (status = 400, description = "malformed request (problem detail)"),
        (status = 401, description = "no or bad token"), (status = 403, description = "missing scope"),
    ),
    security(("oauth2" = ["write:/credentials/verify"]))
)]
/// Verifies one credential.
pub async fn verify_credential(
    State(state): State<AppState>,
    principal: Principal,
    ApiJson(request): ApiJson<VerifyCredentialRequest>,
) -> Result<Response, ApiError> {
    principal.require(SCOPE_VERIFY_CREDENTIALS)?;
    let bytes = document_bytes(&request.verifiable_credential)?;
    let reports = verify_document(&state, bytes, None, None).await?;
    for report in &reports {
        state
            .metrics
            .verdict("verify", &verdict_word(report.verdict));
    }
    Ok(respond(vcalm_result(&reports)))
}

#[utoipa::path(
    post, path = "/presentations/verify", tag = "verifier",
    request_body = VerifyPresentationRequest,
    responses(
        (status = 200, description = "verified: VCALM result plus our reports"),
        (status = 422, description = "not verified (problem detail with the result)"),
        (status = 400, description = "malformed request (problem detail)"),
    ),
    security(("oauth2" = ["write:/presentations/verify"]))
)]
/// Verifies a presentation and the credentials in it, with the challenge and domain given.
pub async fn verify_presentation(
    State(state): State<AppState>,
    principal: Principal,
    ApiJson(request): ApiJson<VerifyPresentationRequest>,
) -> Result<Response, ApiError> {
    principal.require(SCOPE_VERIFY_PRESENTATIONS)?;
    let bytes = document_bytes(&request.verifiable_presentation)?;
    let PresentationOptions { challenge, domain } = request.options;
    // A challenge issued here is counted (VCALM: the instance tracks its uses); others (the
    // interop suites make their own) are still checked against the proof.
    let uses = match &challenge {
        Some(c) => {
            state
                .store
                .use_challenge(&principal.tenant_id, c, now_ms())
                .await?
        }
        None => None,
    };
    let reports = verify_document(&state, bytes, challenge, domain).await?;
    for report in &reports {
        state
            .metrics
            .verdict("verify", &verdict_word(report.verdict));
    }
    let mut result = vcalm_result(&reports);
    if let (Some(uses), Some(object)) = (uses, result.as_object_mut()) {
        object.insert("challengeUses".into(), json!(uses));
    }
    Ok(respond(result))
}

#[utoipa::path(
    post, path = "/challenges", tag = "verifier",
    responses((status = 200, description = "`{challenge}`: a new challenge for a presentation")),
    security(("oauth2" = ["write:/challenges"]))
)]
/// Issues a challenge for `options.challenge` of a later presentation.
pub async fn create_challenge(
    State(state): State<AppState>,
    principal: Principal,
) -> Result<Response, ApiError> {
    principal.require(SCOPE_CHALLENGES)?;
    let challenge = new_secret()?;
    let now = now_ms();
    state
        .store
        .add_challenge(
            &principal.tenant_id,
            &challenge,
            now,
            now + CHALLENGE_LIFETIME_MS,
        )
        .await?;
    Ok(axum::Json(json!({ "challenge": challenge })).into_response())
}
