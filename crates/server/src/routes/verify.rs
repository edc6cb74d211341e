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
use axum::http::{HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use axum::routing::post;
use credbridge_verify::{Outcome, Severity, Verdict, VerificationReport};
use serde::ser::SerializeMap;
use serde::{Deserialize, Serialize, Serializer};
use serde_json::value::RawValue;
use serde_json::{Value, json};
use utoipa::ToSchema;

use crate::auth::{
    Principal, SCOPE_CHALLENGES, SCOPE_VERIFY_CREDENTIALS, SCOPE_VERIFY_PRESENTATIONS, new_secret,
};
use crate::error::{ApiError, problem_type};
use crate::extract::{JsonBytes, parse_json};
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

/// `POST /credentials/verify` body as parsed: the credential is kept as the exact JSON text
/// sent ([`RawValue`]), which `credbridge-formats` then parses once, as `credbridge verify`
/// parses a file. `options` is accepted and not read (every check always runs).
#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct CredentialBody<'a> {
    #[serde(borrow)]
    verifiable_credential: &'a RawValue,
}

/// `POST /presentations/verify` body as parsed (see [`CredentialBody`]).
#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct PresentationBody<'a> {
    #[serde(borrow)]
    verifiable_presentation: &'a RawValue,
    #[serde(default)]
    options: PresentationOptions,
}

/// The bytes `credbridge-formats` decodes for a posted document: a JWT string as its text, an
/// object or array as the exact JSON text sent.
fn document_bytes(raw: &RawValue) -> Result<Vec<u8>, ApiError> {
    let text = raw.get();
    match text.as_bytes().first() {
        Some(b'{' | b'[') => Ok(text.as_bytes().to_vec()),
        Some(b'"') => {
            let jwt = serde_json::from_str::<String>(text).map_err(ApiError::internal)?;
            let jwt = jwt.trim();
            // A string is a compact JWT (or SD-JWT), never JSON text: a credential sent as a
            // string of JSON is not a map (VC Data Integrity §4.2 "securedDocument is not a
            // map": PARSING_ERROR), and is refused rather than parsed.
            if jwt.starts_with('{') || jwt.starts_with('[') {
                return Err(ApiError::InvalidRequest {
                    detail: "the credential is a string holding JSON; send the JSON object itself, or a compact JWT string".to_owned(),
                });
            }
            Ok(jwt.as_bytes().to_vec())
        }
        _ => Err(ApiError::InvalidRequest {
            detail: "the credential must be a JSON object or a compact JWT string".to_owned(),
        }),
    }
}

/// One failed or unchecked check, as a VCALM problem detail.
#[derive(Serialize)]
struct CheckProblem<'a> {
    #[serde(rename = "type")]
    kind: &'static str,
    title: &'a str,
    detail: &'a str,
    check: &'a str,
    item: &'a str,
}

const CHECK_FAILED: &str = "urn:credbridge:problem:check-failed";
const COULD_NOT_CHECK: &str = "urn:credbridge:problem:could-not-check";

/// The reports of a request in the VCALM result shape (`verified`, `checks`, `warnings`,
/// `errors`, `problemDetails`), plus the verdict word and our report(s). Serialized straight
/// from the reports (no intermediate `serde_json::Value`); when not verified, the same object
/// is a problem detail (`type`, `title`, `status`, `detail`) answered with 422.
pub struct VcalmResult<'a> {
    reports: &'a [VerificationReport],
    /// All reports valid (with or without warnings).
    pub verified: bool,
    verdict: String,
    checks: Vec<&'a str>,
    warnings: Vec<CheckProblem<'a>>,
    errors: Vec<CheckProblem<'a>>,
    challenge_uses: Option<u64>,
}

/// A report in the VCALM result shape, plus ours.
pub fn vcalm_result(reports: &[VerificationReport]) -> VcalmResult<'_> {
    let verified = !reports.is_empty()
        && reports
            .iter()
            .all(|r| matches!(r.verdict, Verdict::Valid | Verdict::ValidWithWarnings));
    let mut checks = Vec::new();
    let mut warnings = Vec::new();
    let mut errors = Vec::new();
    for report in reports {
        for check in &report.checks {
            let problem = |reason, kind| CheckProblem {
                kind,
                title: &check.message,
                detail: reason,
                check: &check.id,
                item: &report.item,
            };
            match (&check.outcome, check.severity) {
                (Outcome::Passed, _) => checks.push(check.id.as_str()),
                (Outcome::NotApplicable, _) => {}
                (Outcome::Failed(reason), Severity::Fatal) => {
                    errors.push(problem(reason, CHECK_FAILED));
                }
                (Outcome::CouldNotCheck(reason), Severity::Fatal) => {
                    errors.push(problem(reason, COULD_NOT_CHECK));
                }
                (Outcome::Failed(reason), Severity::Advisory) => {
                    warnings.push(problem(reason, CHECK_FAILED));
                }
                (Outcome::CouldNotCheck(reason), Severity::Advisory) => {
                    warnings.push(problem(reason, COULD_NOT_CHECK));
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
    VcalmResult {
        reports,
        verified,
        verdict,
        checks,
        warnings,
        errors,
        challenge_uses: None,
    }
}

/// `problemDetails`: the errors, then the warnings.
struct Chained<'b, 'a>(&'b [CheckProblem<'a>], &'b [CheckProblem<'a>]);

impl Serialize for Chained<'_, '_> {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.collect_seq(self.0.iter().chain(self.1))
    }
}

impl Serialize for VcalmResult<'_> {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        let mut map = serializer.serialize_map(None)?;
        map.serialize_entry("verified", &self.verified)?;
        map.serialize_entry("verdict", &self.verdict)?;
        map.serialize_entry("checks", &self.checks)?;
        map.serialize_entry("warnings", &self.warnings)?;
        map.serialize_entry("errors", &self.errors)?;
        map.serialize_entry("problemDetails", &Chained(&self.errors, &self.warnings))?;
        map.serialize_entry("report", &self.reports.first())?;
        if self.reports.len() > 1 {
            map.serialize_entry("reports", self.reports)?;
        }
        if let Some(uses) = self.challenge_uses {
            map.serialize_entry("challengeUses", &uses)?;
        }
        if !self.verified {
            map.serialize_entry("type", &problem_type("not-verified"))?;
            map.serialize_entry("title", "Unprocessable Entity")?;
            map.serialize_entry("status", &422)?;
            map.serialize_entry(
                "detail",
                &format!("the document was not verified: {}", self.verdict),
            )?;
        }
        map.end()
    }
}

/// 200 with the result when verified; else 422 with the result as a problem detail.
fn respond(result: &VcalmResult<'_>) -> Result<Response, ApiError> {
    let body = serde_json::to_vec(result).map_err(ApiError::internal)?;
    let (status, content_type) = if result.verified {
        (StatusCode::OK, "application/json")
    } else {
        (StatusCode::UNPROCESSABLE_ENTITY, "application/problem+json")
    };
    let mut response = (status, body).into_response();
    response
        .headers_mut()
        .insert(header::CONTENT_TYPE, HeaderValue::from_static(content_type));
    Ok(response)
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
    JsonBytes(body): JsonBytes,
) -> Result<Response, ApiError> {
    principal.require(SCOPE_VERIFY_CREDENTIALS)?;
    let request: CredentialBody<'_> = parse_json(&body)?;
    let bytes = document_bytes(request.verifiable_credential)?;
    let reports = verify_document(&state, bytes, None, None).await?;
    for report in &reports {
        state
            .metrics
            .verdict("verify", &verdict_word(report.verdict));
    }
    respond(&vcalm_result(&reports))
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
    JsonBytes(body): JsonBytes,
) -> Result<Response, ApiError> {
    principal.require(SCOPE_VERIFY_PRESENTATIONS)?;
    let request: PresentationBody<'_> = parse_json(&body)?;
    let bytes = document_bytes(request.verifiable_presentation)?;
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
    result.challenge_uses = uses;
    respond(&result)
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
