//! A program's CLR 2.0: one `ClrCredential` per learner holding their signed
//! AchievementCredentials, the achievements of the program and its parts, and the associations
//! between them: the program `isParentOf` each part and each part `isChildOf` the program
//! (stacks), and, for an ordered program, each part `precedes` the next (sequences). CLR 2.0
//! §B.1.1 Association, AssociationType.

use credbridge_proofs::{Canonicalizer, SignOptions, format_datetime, sign_data_integrity};
use serde_json::{Value, json};

use crate::batch::{OB3_CONTEXT, VC2_CONTEXT, credential_id, identity_object, suite_for};
use crate::error::IssueError;
use crate::issuer::Issuer;
use crate::roster::RosterRow;
use crate::template::Template;

/// The CLR 2.0 context (bundled in credbridge-jsonld).
pub const CLR2_CONTEXT: &str = "https://purl.imsglobal.org/spec/clr/v2p0/context-2.0.1.json";

/// Most credentials one CLR holds.
pub const MAX_CLR_CREDENTIALS: usize = 1000;

/// Builds and signs the CLR of one learner for `program` (a template with a `program` key).
/// `parts` are the templates of the program's children in program order; `credentials` are the
/// learner's signed AchievementCredentials (of the program, of its parts, or both).
pub fn build_clr(
    program: &Template,
    parts: &[&Template],
    learner: &RosterRow,
    credentials: &[Value],
    issuer: &Issuer,
    canonicalizer: &dyn Canonicalizer,
    now: i64,
) -> Result<Value, IssueError> {
    if credentials.len() > MAX_CLR_CREDENTIALS {
        return Err(IssueError::LimitExceeded {
            what: "credentials in one CLR",
            found: credentials.len(),
            limit: MAX_CLR_CREDENTIALS,
        });
    }
    let structure = program
        .program
        .as_ref()
        .ok_or_else(|| IssueError::TemplateInvalid {
            pointer: "/program".into(),
            reason: "the template is not a program".into(),
            hint: "add program: {children: [achievement ids], ordered: true|false}",
        })?;
    for child in &structure.children {
        if !parts.iter().any(|p| &p.id == child) {
            return Err(IssueError::TemplateInvalid {
                pointer: "/program/children".into(),
                reason: format!("no template given for child {child:?}"),
                hint: "pass the template of every child achievement",
            });
        }
    }
    let mut associations = Vec::new();
    let assoc = |kind: &str, source: &str, target: &str| json!({"type": "Association", "associationType": kind, "sourceId": source, "targetId": target});
    for child in &structure.children {
        associations.push(assoc("isParentOf", &program.id, child));
        associations.push(assoc("isChildOf", child, &program.id));
    }
    if structure.ordered {
        for pair in structure.children.windows(2) {
            if let [a, b] = pair {
                associations.push(assoc("precedes", a, b));
            }
        }
    }
    let mut achievements = vec![program.achievement.clone()];
    achievements.extend(parts.iter().map(|p| p.achievement.clone()));
    let mut subject = serde_json::Map::new();
    subject.insert("type".into(), json!(["ClrSubject"]));
    if let Some(did) = &learner.did {
        subject.insert("id".into(), did.clone().into());
    }
    if let Some(email) = &learner.email {
        subject.insert("identifier".into(), json!([identity_object(email)]));
    }
    subject.insert(
        "verifiableCredential".into(),
        Value::Array(credentials.to_vec()),
    );
    subject.insert("achievement".into(), Value::Array(achievements));
    subject.insert("association".into(), Value::Array(associations));
    let id = credential_id(
        &format!("{}#clr", program.id),
        learner.recipient_key(),
        &learner.awarded_at,
    );
    let clr = json!({
        "@context": [VC2_CONTEXT, CLR2_CONTEXT, OB3_CONTEXT],
        "id": id,
        "type": ["VerifiableCredential", "ClrCredential"],
        "name": program.name,
        "issuer": issuer.profile_json(),
        "validFrom": format_datetime(now),
        "awardedDate": learner.awarded_at,
        "credentialSubject": Value::Object(subject),
    });
    sign_data_integrity(
        &clr,
        suite_for(issuer.secret.key_type()),
        &issuer.secret,
        &SignOptions {
            verification_method: issuer.verification_method.clone(),
            proof_purpose: "assertionMethod".into(),
            created: Some(now),
            canonicalizer: Some(canonicalizer),
            ..SignOptions::default()
        },
    )
    .map_err(|source| IssueError::Sign { what: id, source })
}
