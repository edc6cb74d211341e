//! The verification pipeline, from a decoded item to a report: picks the checks that apply to what the item is
//! (credential, presentation, JWT, OB 2.0 assertion, hosted reference) and runs them in the
//! order a verifier reasons: can we read it, is it well-formed, is it signed and by whom, is
//! it in force, does its issuer stand behind it.

use std::borrow::Cow;

use credbridge_formats::{Item, Payload};
use credbridge_model::{Classification, Format};
use credbridge_proofs::{
    AssertionMethodPurpose, AuthenticationPurpose, CanonicalizeCause, ProofPurpose,
};
use serde_json::{Value, json};

use crate::binding::{self, Party, Signer};
use crate::identity::{self, IssuerIdentity};
use crate::report::{Check, Outcome, Severity, VerificationReport, report};
use crate::{VerifyOptions, clr, data_model, endorsement, holder, ob2, proof, status, validity};

/// Embedded endorsements are credentials inside credentials; this bounds the recursion.
pub const MAX_ENDORSEMENT_DEPTH: usize = 2;

/// What an item that could not be told apart is.
const UNKNOWN: (Format, &str) = (Format::Unknown, "unknown document");

/// Verifies one decoded item.
pub fn verify_item(item: &Item, options: &VerifyOptions) -> VerificationReport {
    let path = item.path.to_string();
    let containers: Vec<String> = item.containers.iter().map(ToString::to_string).collect();
    let decode = Check::new(
        "decode",
        Severity::Fatal,
        Outcome::Passed,
        "the file was read and the credential found",
    )
    .with_evidence("containers", containers);

    match &item.payload {
        Payload::Json { value, raw } => {
            verify_document(path, value, Some(raw), None, decode, options, 0)
        }
        Payload::Jws {
            compact,
            credential,
            claims,
            kind,
            ..
        } => {
            if *kind == credbridge_formats::JwsKind::Ob2Signed {
                return ob2::verify_signed(path, compact, claims, decode, options);
            }
            let Some(credential) = credential else {
                let checks = vec![
                    decode,
                    Check::new(
                        "decode",
                        Severity::Fatal,
                        Outcome::Failed("the JWT carries no credential or presentation".into()),
                        "this signed token does not contain a credential",
                    ),
                ];
                return report(path, UNKNOWN, None, None, options, checks);
            };
            let jwt = JwtEnvelope { compact, claims };
            verify_value(path, credential, Some(jwt), decode, options, 0)
        }
        Payload::Url { url } => ob2::verify_hosted_reference(path, url, decode, options),
        Payload::Unsupported { format, detail } => unsupported(path, *format, detail, options),
        _ => {
            let checks = vec![Check::new(
                "decode",
                Severity::Fatal,
                Outcome::Failed("payload kind not understood by this version".into()),
                "credbridge cannot read this kind of content yet",
            )];
            report(path, UNKNOWN, None, None, options, checks)
        }
    }
}

/// A credential in a format recognised but not supported yet (SD-JWT, COSE): read and named,
/// nothing verified, so the verdict is indeterminate (never valid, never invalid).
fn unsupported(
    path: String,
    format: credbridge_formats::UnsupportedFormat,
    detail: &str,
    options: &VerifyOptions,
) -> VerificationReport {
    let decode = Check::new(
        "decode",
        Severity::Fatal,
        Outcome::Passed,
        format!("the file was read: it is an {}", format.display_name()),
    );
    let name = format.display_name();
    let supported = Check::new(
        "format.supported",
        Severity::Fatal,
        Outcome::CouldNotCheck(format!(
            "{name} ({detail}) is not yet supported by credbridge: its signature, issuer and status were not checked"
        )),
        format!("this is an {name}, a format credbridge recognises but cannot verify yet"),
    )
    .with_evidence("format", format.machine_name())
    .with_evidence("media_type", format.media_type())
    .with_evidence("detail", detail);
    report(
        path,
        (Format::Unknown, name),
        None,
        None,
        options,
        vec![decode, supported],
    )
}

/// The JOSE envelope a credential arrived in.
#[derive(Clone, Copy)]
pub struct JwtEnvelope<'a> {
    /// The compact JWS.
    pub compact: &'a str,
    /// Its decoded claims.
    pub claims: &'a Value,
}

/// The issuer id of a credential: `issuer` as a string or `issuer.id`.
pub fn issuer_id(doc: &Value) -> Option<&str> {
    credbridge_model::json::issuer_id(doc)
}

use credbridge_model::json::holder_id;

/// Verifies a credential or presentation given as JSON (and the JWT it came in, if any).
pub fn verify_value(
    path: String,
    value: &Value,
    jwt: Option<JwtEnvelope<'_>>,
    decode: Check,
    options: &VerifyOptions,
    depth: usize,
) -> VerificationReport {
    verify_document(path, value, None, jwt, decode, options, depth)
}

/// [`verify_value`] with the document's original bytes when they are at hand (a JSON file), so
/// that what only the bytes show (a member named twice) can be checked.
fn verify_document(
    path: String,
    value: &Value,
    raw: Option<&[u8]>,
    jwt: Option<JwtEnvelope<'_>>,
    decode: Check,
    options: &VerifyOptions,
    depth: usize,
) -> VerificationReport {
    let classification = credbridge_model::classify(value);
    match classification.format {
        Format::OpenBadges2Assertion
        | Format::OpenBadges1Assertion
        | Format::OpenBadges05Assertion => {
            return ob2::verify_assertion(path, value, decode, options);
        }
        _ => {}
    }
    let (checks, identity) =
        credential_checks(value, raw, &classification, jwt, decode, options, depth);
    report(
        path,
        (classification.format, classification.format.display_name()),
        value.get("id").and_then(Value::as_str).map(str::to_owned),
        issuer_id(value).map(str::to_owned),
        options,
        checks,
    )
    .with_issuer_identity(identity)
}

/// Every check for a VCDM credential or presentation.
fn credential_checks(
    value: &Value,
    raw: Option<&[u8]>,
    classification: &Classification,
    jwt: Option<JwtEnvelope<'_>>,
    decode: Check,
    options: &VerifyOptions,
    depth: usize,
) -> (Vec<Check>, Option<IssuerIdentity>) {
    let is_presentation = classification.format == Format::VerifiablePresentation;
    let mut checks = vec![decode];
    checks.push(data_model::check(value, classification));
    if let Some(check) = data_model::learner_identifier_check(value, classification) {
        checks.push(check);
    }
    if is_presentation {
        checks.extend(holder::holder_checks(value));
    }

    // Schema findings are advisory: the published schemas describe VCDM 2.0 only, and
    // real issuers use values (e.g. `achievementType: "Program"`) the schema rejects
    // while the credential is genuine and verifiable. The check is made after the proof
    // and put back in its place: the first credential of a format in a process needs its
    // schema compiled (most of a one-file run), which a spare worker then does while this
    // one checks the proof.
    let schema_at = checks.len();
    let schema = credbridge_model::schema_for(classification);
    if let Some(schema) = schema
        && !credbridge_model::is_schema_compiled(schema)
    {
        rayon::spawn(move || credbridge_model::prepare_schema(schema));
    }

    // The proof: a JOSE envelope, or embedded Data Integrity proofs.
    let authentication;
    let purpose: &dyn ProofPurpose = if is_presentation {
        authentication = AuthenticationPurpose {
            challenge: options.challenge.clone(),
            domain: options.domain.clone(),
        };
        &authentication
    } else {
        &AssertionMethodPurpose
    };
    let mut rdfc_verified = false;
    let summary = match jwt {
        Some(envelope) => {
            let (summary, verification) = proof::jose(envelope.compact, options);
            checks.push(summary.check.clone());
            // Whenever the signature itself verified (whatever key made it), the token's
            // claims must agree with the credential.
            if let Some(verification) = &verification
                && verification.proof.signature.is_some()
            {
                checks.push(proof::jwt_claims(verification));
            }
            summary
        }
        None => {
            let mut summary = proof::data_integrity(value, options, purpose);
            if let Some(raw) = raw {
                proof::refuse_duplicate_members_for_jcs(value, raw, &mut summary);
            }
            rdfc_verified = summary.expanded_in_safe_mode;
            checks.push(summary.check.clone());
            summary
        }
    };

    // A verified RDFC proof has already expanded the document in safe mode; otherwise check
    // that no term would be silently dropped by a JSON-LD processor.
    if value.get("@context").is_some() && !rdfc_verified {
        checks.push(json_ld_check(value, jwt.is_some(), options));
    }
    // VCDM 2.0 §5.3: digests of the resources the credential pins (`relatedResource`).
    checks.extend(crate::related::check(value));

    // Every path that verified a signature ends in the binding check, whatever the signer.
    // A JWT's `iss` stands for the issuer (credential) or the holder (presentation) when the
    // document does not name it (VCDM 1.1 §6.3.1).
    let jwt_iss = jwt
        .and_then(|j| j.claims.get("iss"))
        .and_then(Value::as_str);
    let (party, claimed) = if is_presentation {
        (Party::Holder, holder_id(value).or(jwt_iss))
    } else {
        (Party::Issuer, issuer_id(value).or(jwt_iss))
    };
    let signer = match (&summary.signer, &summary.embedded_key) {
        (Some(method), _) => Signer::Method(method),
        (None, Some(key)) => Signer::Embedded(key),
        (None, None) => Signer::Unknown,
    };
    let proof_passed = summary.check.outcome == Outcome::Passed;
    let binding = binding::check(
        party,
        claimed,
        signer,
        proof_passed,
        options.resolver.as_ref(),
    );
    let bound = binding.outcome == Outcome::Passed;
    checks.push(binding);
    let issuer = claimed;
    let mut issuer_identity = None;

    checks.extend(validity::checks(
        value,
        jwt.map(|j| j.claims),
        options.now,
        options.max_clock_skew,
    ));
    if !is_presentation {
        checks.push(status::check(value, options));
        checks.push(options.trust.check(issuer));
        let (check, summary) = identity::check(
            &identity::Signals {
                issuer,
                name: identity::issuer_name(value),
                url: value
                    .get("issuer")
                    .and_then(|i| i.get("url"))
                    .and_then(Value::as_str),
                bound,
                hosted_on_own_domain: false,
            },
            options,
        );
        checks.push(check);
        issuer_identity = Some(summary);
        if let Some(known) = &options.known_recipient {
            checks.push(crate::recipient::check(value, known));
        }
        if depth < MAX_ENDORSEMENT_DEPTH
            && let Some(check) = endorsement::check(value, options, depth)
        {
            checks.push(check);
        }
    }
    if classification.format == Format::Clr2 {
        checks.push(clr::associations(value));
    }
    if !is_presentation && let Some(check) = refresh_service(value) {
        checks.push(check);
    }
    if schema.is_some()
        && let Ok(report) = credbridge_model::schema_findings_of(value, classification)
    {
        checks.insert(schema_at, schema_check(&report));
    }
    (checks, issuer_identity)
}

/// `refresh-service` (advisory, informational): the issuer names a service where a newer
/// version of the credential can be requested (VCDM 2.0 §5.4, 1.1 §5.5). Reported, not
/// contacted: refreshing needs the holder's authorization, which a verifier does not have.
/// The entry's shape is the data-model check's business; here only what a reader needs.
fn refresh_service(value: &Value) -> Option<Check> {
    let services: Vec<&Value> = match value.get("refreshService")? {
        Value::Array(items) => items.iter().filter(|s| s.is_object()).collect(),
        service @ Value::Object(_) => vec![service],
        _ => return None,
    };
    if services.is_empty() {
        return None;
    }
    let listed: Vec<Value> = services
        .iter()
        .map(|service| {
            json!({
                "type": service.get("type"),
                "url": service.get("id").or_else(|| service.get("url")),
            })
        })
        .collect();
    let message = match listed.first().and_then(|s| s["url"].as_str()) {
        Some(url) => {
            format!("the issuer offers a refreshed version of this credential on request, at {url}")
        }
        None => "the issuer offers a refreshed version of this credential on request".to_owned(),
    };
    Some(
        Check::new(
            "refresh-service",
            Severity::Advisory,
            Outcome::Passed,
            message,
        )
        .with_evidence("services", listed),
    )
}

fn schema_check(report: &credbridge_model::SchemaReport) -> Check {
    const ID: &str = "schema";
    let schema = report.schema.map(|s| s.to_string());
    match report.verdict {
        credbridge_model::SchemaVerdict::Pass => Check::new(
            ID,
            Severity::Advisory,
            Outcome::Passed,
            "the credential follows the 1EdTech JSON Schema for its type",
        )
        .with_evidence("schema", json!(schema)),
        credbridge_model::SchemaVerdict::Fail => {
            let findings: Vec<String> = report.findings.iter().map(ToString::to_string).collect();
            let first = findings.first().cloned().unwrap_or_default();
            let mut check = Check::new(
                ID,
                Severity::Advisory,
                Outcome::Failed(format!("{} schema findings; first: {first}", findings.len())),
                "the credential does not follow the 1EdTech JSON Schema for its type (it may still be genuine)",
            )
            .with_evidence("schema", json!(schema))
            .with_evidence("findings", findings);
            if let Some(note) = report.note {
                check = check.with_evidence("note", note);
            }
            check
        }
        _ => Check::new(
            ID,
            Severity::Advisory,
            Outcome::NotApplicable,
            "no bundled schema applies to this kind of credential",
        ),
    }
}

/// The RFC 7519 §4.1 registered claims: beside a credential in an OB 3.0 / VC-JOSE payload
/// they belong to the token, not to the credential's JSON-LD.
const JWT_REGISTERED_CLAIMS: [&str; 7] = ["iss", "sub", "aud", "exp", "nbf", "iat", "jti"];

/// What the JSON-LD check reads: the document without what is not JSON-LD data. A token's
/// registered claims are the token's; compact JWT strings in a presentation's
/// `verifiableCredential` and OB 3.0 `endorsementJwt` entries are credentials verified on their
/// own (they become items of their own). Borrowed unless there is something to leave out.
fn json_ld_view(value: &Value, from_jwt: bool) -> Cow<'_, Value> {
    let Value::Object(map) = value else {
        return Cow::Borrowed(value);
    };
    let has_claims = from_jwt && JWT_REGISTERED_CLAIMS.iter().any(|c| map.contains_key(*c));
    let has_jwt_members = match map.get("verifiableCredential") {
        Some(Value::Array(items)) => items.iter().any(Value::is_string),
        Some(Value::String(_)) => true,
        _ => false,
    };
    let has_unmapped = contains_key(value, OB3_TERMS_OUTSIDE_CONTEXT, 0);
    if !has_claims && !has_jwt_members && !has_unmapped {
        return Cow::Borrowed(value);
    }
    let mut copy = map.clone();
    if has_claims {
        copy.retain(|k, _| !JWT_REGISTERED_CLAIMS.contains(&k.as_str()));
    }
    if has_jwt_members {
        match copy.get_mut("verifiableCredential") {
            Some(Value::Array(items)) => {
                items.retain(|item| !item.is_string());
                if items.is_empty() {
                    copy.remove("verifiableCredential");
                }
            }
            Some(Value::String(_)) => {
                copy.remove("verifiableCredential");
            }
            _ => {}
        }
    }
    let mut copy = Value::Object(copy);
    if has_unmapped {
        remove_key(&mut copy, OB3_TERMS_OUTSIDE_CONTEXT, 0);
    }
    Cow::Owned(copy)
}

/// A term the OB 3.0 specification uses (§B.1.x Profile, Achievement, AchievementCredential)
/// but its published context 3.0.x does not define: compact JWS endorsements, verified as items
/// of their own. It must not make a conformant credential fail the JSON-LD check.
const OB3_TERMS_OUTSIDE_CONTEXT: &str = "endorsementJwt";

/// Whether `key` is a member name anywhere in `value` (bounded by the parser's own depth).
fn contains_key(value: &Value, key: &str, depth: usize) -> bool {
    if depth > credbridge_model::MAX_DEPTH {
        return false;
    }
    match value {
        Value::Object(map) => {
            map.contains_key(key) || map.values().any(|v| contains_key(v, key, depth + 1))
        }
        Value::Array(items) => items.iter().any(|v| contains_key(v, key, depth + 1)),
        _ => false,
    }
}

fn remove_key(value: &mut Value, key: &str, depth: usize) {
    if depth > credbridge_model::MAX_DEPTH {
        return;
    }
    match value {
        Value::Object(map) => {
            map.remove(key);
            for child in map.values_mut() {
                remove_key(child, key, depth + 1);
            }
        }
        Value::Array(items) => {
            for child in items {
                remove_key(child, key, depth + 1);
            }
        }
        _ => {}
    }
}

fn json_ld_check(value: &Value, from_jwt: bool, options: &VerifyOptions) -> Check {
    const ID: &str = "json-ld";
    let view = json_ld_view(value, from_jwt);
    match options.canonicalizer.check_safe_mode(&view) {
        Ok(()) => Check::new(
            ID,
            Severity::Fatal,
            Outcome::Passed,
            "every property is defined by the credential's JSON-LD contexts",
        ),
        Err(err) if err.cause == CanonicalizeCause::ContextUnavailable => Check::new(
            ID,
            Severity::Fatal,
            Outcome::CouldNotCheck(err.to_string()),
            "the credential names a vocabulary (JSON-LD context) that is not available here, so its data could not be checked",
        ),
        Err(err) if err.cause == CanonicalizeCause::Document => Check::new(
            ID,
            Severity::Fatal,
            Outcome::Failed(err.to_string()),
            "some data in the credential is not defined by its vocabulary (JSON-LD context), so software would silently drop or misread it",
        ),
        Err(err) => Check::new(
            ID,
            Severity::Fatal,
            Outcome::CouldNotCheck(err.to_string()),
            "the credential is too large or complex to check within the configured limits",
        ),
    }
}
