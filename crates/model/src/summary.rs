//! [`Summary`]: what `credbridge inspect` shows about a document, as data (Serialize) and as
//! text (Display).

use std::fmt;

use serde::Serialize;
use serde_json::{Number, Value};

use crate::classify::{Format, VcdmVersion};
use crate::clr2::ClrSubject;
use crate::datetime::DateTime;
use crate::document::{Document, Typed, parse};
use crate::ob2::{self, SourceVersion};
use crate::ob3::{Achievement, AchievementSubject, IdentityObject, Profile};
use crate::tolerant::{IdOr, LangString, OneOrMany};
use crate::vc::{Credential, CredentialStatus, Proof, TypedReference};

/// The longest criteria narrative kept in a summary, in characters.
pub const CRITERIA_NARRATIVE_MAX_CHARS: usize = 200;

/// The most inner CLR credentials summarized one by one (the rest are only counted).
pub const CLR_INNER_SUMMARY_MAX: usize = 100;

/// A readable digest of a [`Document`].
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Summary {
    /// The format.
    pub format: Format,
    /// The format's human name.
    pub format_name: &'static str,
    /// The VCDM version.
    pub vcdm: Option<VcdmVersion>,
    /// For Open Badges assertions: the version they were written in.
    pub source_version: Option<SourceVersion>,
    /// The credential (or assertion, presentation) id.
    pub id: Option<String>,
    /// The `type` values.
    pub types: Vec<String>,
    /// The credential's own `name`.
    pub name: Option<String>,
    /// The issuer.
    pub issuer: Option<PartySummary>,
    /// The subject (learner / recipient).
    pub subject: Option<SubjectSummary>,
    /// The achievements (OB 3.0: the subject's; OB 2.0: the badge; CLR: the definitions).
    pub achievements: Vec<AchievementSummary>,
    /// The dates.
    pub dates: DatesSummary,
    /// The embedded proofs.
    pub proofs: Vec<ProofSummary>,
    /// The `credentialStatus` entries.
    pub credential_status: Vec<StatusSummary>,
    /// The `credentialSchema` ids.
    pub credential_schemas: Vec<String>,
    /// How many `evidence` entries the credential has.
    pub evidence_count: usize,
    /// How many endorsements are embedded anywhere (`endorsement` and `endorsementJwt` entries,
    /// outside inner CLR credentials).
    pub endorsement_count: usize,
    /// For a CLR: its inner credentials and associations.
    pub clr: Option<ClrSummary>,
    /// For a presentation: its holder and credentials.
    pub presentation: Option<PresentationSummary>,
    /// Why the typed view of the format could not be read, if it could not.
    pub typed_error: Option<String>,
}

/// An issuer or holder.
#[derive(Debug, Clone, PartialEq, Default, Serialize)]
pub struct PartySummary {
    /// `id`.
    pub id: Option<String>,
    /// `name`.
    pub name: Option<String>,
    /// `url`.
    pub url: Option<String>,
    /// `email`.
    pub email: Option<String>,
}

/// The learner or recipient.
#[derive(Debug, Clone, PartialEq, Default, Serialize)]
pub struct SubjectSummary {
    /// `id`.
    pub id: Option<String>,
    /// The identifiers (OB 3.0 `identifier[]`, OB 2.0 `recipient`).
    pub identifiers: Vec<IdentifierSummary>,
}

/// A learner identifier.
#[derive(Debug, Clone, PartialEq, Default, Serialize)]
pub struct IdentifierSummary {
    /// OB 3.0 `identityType` or OB 2.0 recipient `type` (`emailAddress`, `email`, …).
    pub identity_type: Option<String>,
    /// Whether the identity is hashed.
    pub hashed: Option<bool>,
    /// Whether a salt is present.
    pub salted: bool,
    /// The identity or its hash, as written.
    pub identity: Option<String>,
}

/// An achievement or badge.
#[derive(Debug, Clone, PartialEq, Default, Serialize)]
pub struct AchievementSummary {
    /// `id`.
    pub id: Option<String>,
    /// `name`.
    pub name: Option<String>,
    /// `type`.
    pub types: Vec<String>,
    /// `achievementType`.
    pub achievement_type: Option<String>,
    /// `criteria.id` (or the criteria URL).
    pub criteria_id: Option<String>,
    /// `criteria.narrative`, cut at [`CRITERIA_NARRATIVE_MAX_CHARS`].
    pub criteria_narrative: Option<String>,
    /// `alignment`.
    pub alignments: Vec<AlignmentSummary>,
    /// `resultDescription`.
    pub result_descriptions: Vec<ResultDescriptionSummary>,
    /// The subject's `result` entries (OB 3.0).
    pub results: Vec<ResultSummary>,
    /// `creditsAvailable`.
    pub credits_available: Option<Number>,
    /// The subject's `creditsEarned` (OB 3.0).
    pub credits_earned: Option<Number>,
}

/// An alignment to a framework item.
#[derive(Debug, Clone, PartialEq, Default, Serialize)]
pub struct AlignmentSummary {
    /// `targetName`.
    pub target_name: Option<String>,
    /// `targetUrl`.
    pub target_url: Option<String>,
    /// `targetFramework`.
    pub target_framework: Option<String>,
    /// `targetCode`.
    pub target_code: Option<String>,
    /// `targetType`.
    pub target_type: Option<String>,
}

/// A result description.
#[derive(Debug, Clone, PartialEq, Default, Serialize)]
pub struct ResultDescriptionSummary {
    /// `id`.
    pub id: Option<String>,
    /// `name`.
    pub name: Option<String>,
    /// `resultType`.
    pub result_type: Option<String>,
    /// The `name`s of its rubric criterion levels.
    pub levels: Vec<String>,
}

/// A result of the learner.
#[derive(Debug, Clone, PartialEq, Default, Serialize)]
pub struct ResultSummary {
    /// `resultDescription` (an id).
    pub result_description: Option<String>,
    /// `value`.
    pub value: Option<String>,
    /// `status`.
    pub status: Option<String>,
    /// The `name` of the achieved rubric criterion level (its id when it cannot be resolved).
    pub achieved_level: Option<String>,
}

/// The dates, as written.
#[derive(Debug, Clone, PartialEq, Default, Serialize)]
pub struct DatesSummary {
    /// `issuanceDate` (VCDM 1.1) or `issuedOn` (OB 2.0).
    pub issued: Option<String>,
    /// `validFrom`.
    pub valid_from: Option<String>,
    /// `validUntil`.
    pub valid_until: Option<String>,
    /// `expirationDate` (VCDM 1.1) or `expires` (OB 2.0).
    pub expires: Option<String>,
    /// `awardedDate`.
    pub awarded: Option<String>,
}

/// An embedded proof.
#[derive(Debug, Clone, PartialEq, Default, Serialize)]
pub struct ProofSummary {
    /// `type`.
    pub proof_type: Option<String>,
    /// `cryptosuite`.
    pub cryptosuite: Option<String>,
    /// `verificationMethod`.
    pub verification_method: Option<String>,
    /// `proofPurpose`.
    pub proof_purpose: Option<String>,
    /// `created`.
    pub created: Option<String>,
}

/// A `credentialStatus` entry.
#[derive(Debug, Clone, PartialEq, Default, Serialize)]
pub struct StatusSummary {
    /// `id`.
    pub id: Option<String>,
    /// `type`.
    pub status_type: Option<String>,
    /// `statusPurpose`.
    pub purpose: Option<String>,
    /// `statusListCredential` (or, for `1EdTechRevocationList`, the `id`).
    pub list_url: Option<String>,
    /// `statusListIndex`.
    pub index: Option<u64>,
}

/// A CLR's contents.
#[derive(Debug, Clone, PartialEq, Default, Serialize)]
pub struct ClrSummary {
    /// How many `verifiableCredential` entries.
    pub inner_credential_count: usize,
    /// How many achievement definitions (`achievement`).
    pub achievement_count: usize,
    /// How many `association` entries.
    pub association_count: usize,
    /// The inner credentials (at most [`CLR_INNER_SUMMARY_MAX`]).
    pub inner: Vec<InnerCredentialSummary>,
}

/// One inner credential of a CLR or presentation.
#[derive(Debug, Clone, PartialEq, Default, Serialize)]
pub struct InnerCredentialSummary {
    /// Its format.
    pub format: Option<Format>,
    /// Its id.
    pub id: Option<String>,
    /// The name of its achievement (or its own name).
    pub achievement_name: Option<String>,
}

/// A presentation's contents.
#[derive(Debug, Clone, PartialEq, Default, Serialize)]
pub struct PresentationSummary {
    /// `holder`.
    pub holder: Option<String>,
    /// How many `verifiableCredential` entries.
    pub credential_count: usize,
    /// The credentials (at most [`CLR_INNER_SUMMARY_MAX`]).
    pub inner: Vec<InnerCredentialSummary>,
}

/// Digests a document for display.
pub fn summarize(doc: &Document) -> Summary {
    let mut summary = Summary {
        format: doc.format(),
        format_name: doc.format().display_name(),
        vcdm: doc.vcdm(),
        source_version: None,
        id: None,
        types: doc.classification.types.clone(),
        name: None,
        issuer: None,
        subject: None,
        achievements: Vec::new(),
        dates: DatesSummary::default(),
        proofs: Vec::new(),
        credential_status: Vec::new(),
        credential_schemas: Vec::new(),
        evidence_count: 0,
        endorsement_count: count_endorsements(doc.json(), 0),
        clr: None,
        presentation: None,
        typed_error: doc.typed_error.as_ref().map(ToString::to_string),
    };
    match &doc.typed {
        Typed::OpenBadges3(credential) => {
            envelope(credential, &mut summary);
            if let Some(subject) = credential.subjects().first() {
                achievement_subject(subject, &mut summary);
            }
        }
        Typed::Endorsement3(credential) => {
            envelope(credential, &mut summary);
            summary.subject = credential.subjects().first().map(|s| SubjectSummary {
                id: s.id.clone(),
                identifiers: Vec::new(),
            });
        }
        Typed::Clr2(credential) => {
            envelope(credential, &mut summary);
            if let Some(subject) = credential.subjects().first() {
                clr_subject(subject, &mut summary);
            }
        }
        Typed::StatusList(credential) => {
            envelope(credential, &mut summary);
            summary.subject = credential.subjects().first().map(|s| SubjectSummary {
                id: s.id.clone(),
                identifiers: Vec::new(),
            });
        }
        Typed::Credential(credential) => {
            envelope(credential, &mut summary);
            summary.subject = credential.subjects().first().map(|s| SubjectSummary {
                id: s.id.clone(),
                identifiers: Vec::new(),
            });
        }
        Typed::Presentation(presentation) => {
            summary.id.clone_from(&presentation.id);
            summary.proofs = proofs(presentation.proof.as_ref());
            let credentials = presentation
                .verifiable_credential
                .as_ref()
                .map_or(&[][..], OneOrMany::as_slice);
            summary.presentation = Some(PresentationSummary {
                holder: presentation
                    .holder
                    .as_ref()
                    .and_then(IdOr::<Profile>::id)
                    .map(str::to_owned),
                credential_count: credentials.len(),
                inner: inner_summaries(credentials),
            });
        }
        Typed::Ob2Assertion(assertion) => ob2_assertion(assertion, &mut summary),
        Typed::Ob2BadgeClass(class) => {
            summary.id.clone_from(&class.id);
            summary.issuer = class.issuer.as_ref().map(ob2_party);
            summary.achievements.push(ob2_badge(class));
        }
        Typed::Ob2Issuer(profile) => {
            summary.id.clone_from(&profile.id);
            summary.issuer = Some(ob2_profile(profile));
        }
        Typed::Unknown => raw_fallback(doc.json(), &mut summary),
    }
    summary
}

fn text(value: Option<&LangString>) -> Option<String> {
    value.and_then(LangString::best).map(str::to_owned)
}

fn date(value: Option<&DateTime>) -> Option<String> {
    value.map(DateTime::text)
}

fn first_type(types: Option<&OneOrMany<String>>) -> Option<String> {
    types.and_then(OneOrMany::first).cloned()
}

fn all_types(types: Option<&OneOrMany<String>>) -> Vec<String> {
    types.map_or_else(Vec::new, |t| t.iter().cloned().collect())
}

fn truncate(text: &str, max_chars: usize) -> String {
    match text.char_indices().nth(max_chars) {
        Some((cut, _)) => format!("{}…", text.get(..cut).unwrap_or(text)),
        None => text.to_owned(),
    }
}

fn envelope<S>(credential: &Credential<S>, summary: &mut Summary) {
    summary.id.clone_from(&credential.id);
    summary.name = text(credential.name.as_ref());
    summary.issuer = credential.issuer.as_ref().map(party);
    summary.dates = DatesSummary {
        issued: date(credential.issuance_date.as_ref()),
        valid_from: date(credential.valid_from.as_ref()),
        valid_until: date(credential.valid_until.as_ref()),
        expires: date(credential.expiration_date.as_ref()),
        awarded: date(credential.awarded_date.as_ref()),
    };
    summary.proofs = proofs(credential.proof.as_ref());
    summary.credential_status = credential
        .credential_status
        .iter()
        .flatten()
        .map(status)
        .collect();
    summary.credential_schemas = credential
        .credential_schema
        .iter()
        .flatten()
        .filter_map(|schema: &TypedReference| schema.id.clone())
        .collect();
    summary.evidence_count = credential.evidence.as_ref().map_or(0, OneOrMany::len);
}

fn party(issuer: &IdOr<Profile>) -> PartySummary {
    match issuer {
        IdOr::Iri(iri) => PartySummary {
            id: Some(iri.clone()),
            ..PartySummary::default()
        },
        IdOr::Object(profile) => PartySummary {
            id: profile.id.clone(),
            name: text(profile.name.as_ref()),
            url: profile.url.clone(),
            email: profile.email.clone(),
        },
    }
}

fn proofs(proofs: Option<&OneOrMany<Proof>>) -> Vec<ProofSummary> {
    proofs
        .into_iter()
        .flatten()
        .map(|proof| ProofSummary {
            proof_type: first_type(proof.type_.as_ref()),
            cryptosuite: proof.cryptosuite.clone(),
            verification_method: proof.verification_method_id().map(str::to_owned),
            proof_purpose: proof.proof_purpose.clone(),
            created: date(proof.created.as_ref()),
        })
        .collect()
}

fn status(entry: &CredentialStatus) -> StatusSummary {
    let status_type = first_type(entry.type_.as_ref());
    // 1EdTech Revocation List: the list is at the entry's `id` (VCRL 1.0 §"credentialStatus").
    let list_url = entry.status_list_credential.clone().or_else(|| {
        (status_type.as_deref() == Some("1EdTechRevocationList"))
            .then(|| entry.id.clone())
            .flatten()
    });
    StatusSummary {
        id: entry.id.clone(),
        status_type,
        purpose: entry.status_purpose.clone(),
        list_url,
        index: entry.index(),
    }
}

fn identity(identifier: &IdentityObject) -> IdentifierSummary {
    IdentifierSummary {
        identity_type: identifier
            .identity_type
            .as_ref()
            .map(|t| t.as_str().to_owned()),
        hashed: identifier.hashed,
        salted: identifier.salt.is_some(),
        identity: identifier.identity_hash.clone(),
    }
}

fn achievement_subject(subject: &AchievementSubject, summary: &mut Summary) {
    summary.subject = Some(SubjectSummary {
        id: subject.id.clone(),
        identifiers: subject.identifier.iter().flatten().map(identity).collect(),
    });
    let mut achievement = match &subject.achievement {
        Some(IdOr::Object(achievement)) => achievement_summary(achievement),
        Some(IdOr::Iri(iri)) => AchievementSummary {
            id: Some(iri.clone()),
            ..AchievementSummary::default()
        },
        None => AchievementSummary::default(),
    };
    let levels: Vec<(&str, Option<String>)> = subject
        .achievement
        .as_ref()
        .and_then(IdOr::object)
        .into_iter()
        .flat_map(|a| a.result_description.iter().flatten())
        .flat_map(|d| d.rubric_criterion_level.iter().flatten())
        .filter_map(|level| Some((level.id.as_deref()?, text(level.name.as_ref()))))
        .collect();
    achievement.results = subject
        .result
        .iter()
        .flatten()
        .map(|result| ResultSummary {
            result_description: result.result_description.clone(),
            value: result.value.clone(),
            status: result.status.as_ref().map(|s| s.as_str().to_owned()),
            achieved_level: result.achieved_level.as_ref().map(|id| {
                levels
                    .iter()
                    .find(|(level_id, _)| level_id == id)
                    .and_then(|(_, name)| name.clone())
                    .unwrap_or_else(|| id.clone())
            }),
        })
        .collect();
    achievement
        .credits_earned
        .clone_from(&subject.credits_earned);
    summary.achievements.push(achievement);
}

fn achievement_summary(achievement: &Achievement) -> AchievementSummary {
    let criteria = achievement.criteria.as_ref();
    AchievementSummary {
        id: achievement.id.clone(),
        name: text(achievement.name.as_ref()),
        types: all_types(achievement.type_.as_ref()),
        achievement_type: achievement
            .achievement_type
            .as_ref()
            .map(|t| t.as_str().to_owned()),
        criteria_id: criteria.and_then(|c| match c {
            IdOr::Iri(iri) => Some(iri.clone()),
            IdOr::Object(criteria) => criteria.id.clone(),
        }),
        criteria_narrative: criteria
            .and_then(IdOr::object)
            .and_then(|c| text(c.narrative.as_ref()))
            .map(|n| truncate(&n, CRITERIA_NARRATIVE_MAX_CHARS)),
        alignments: achievement
            .alignment
            .iter()
            .flatten()
            .map(|a| AlignmentSummary {
                target_name: text(a.target_name.as_ref()),
                target_url: a.target_url.clone(),
                target_framework: text(a.target_framework.as_ref()),
                target_code: a.target_code.clone(),
                target_type: a.target_type.as_ref().map(|t| t.as_str().to_owned()),
            })
            .collect(),
        result_descriptions: achievement
            .result_description
            .iter()
            .flatten()
            .map(|d| ResultDescriptionSummary {
                id: d.id.clone(),
                name: text(d.name.as_ref()),
                result_type: d.result_type.as_ref().map(|t| t.as_str().to_owned()),
                levels: d
                    .rubric_criterion_level
                    .iter()
                    .flatten()
                    .filter_map(|level| text(level.name.as_ref()))
                    .collect(),
            })
            .collect(),
        results: Vec::new(),
        credits_available: achievement.credits_available.clone(),
        credits_earned: None,
    }
}

fn clr_subject(subject: &ClrSubject, summary: &mut Summary) {
    summary.subject = Some(SubjectSummary {
        id: subject.id.clone(),
        identifiers: subject.identifier.iter().flatten().map(identity).collect(),
    });
    summary.achievements = subject
        .achievement
        .iter()
        .flatten()
        .map(achievement_summary)
        .collect();
    let inner = subject
        .verifiable_credential
        .as_ref()
        .map_or(&[][..], OneOrMany::as_slice);
    summary.clr = Some(ClrSummary {
        inner_credential_count: inner.len(),
        achievement_count: summary.achievements.len(),
        association_count: subject.association.as_ref().map_or(0, OneOrMany::len),
        inner: inner_summaries(inner),
    });
}

fn inner_summaries(credentials: &[Value]) -> Vec<InnerCredentialSummary> {
    credentials
        .iter()
        .take(CLR_INNER_SUMMARY_MAX)
        .map(|value| match parse(value) {
            Ok(doc) => {
                let achievement_name = match &doc.typed {
                    Typed::OpenBadges3(c) => c
                        .subjects()
                        .first()
                        .and_then(|s| s.achievement.as_ref())
                        .and_then(IdOr::object)
                        .and_then(|a| text(a.name.as_ref())),
                    Typed::Credential(c) => text(c.name.as_ref()),
                    _ => None,
                };
                InnerCredentialSummary {
                    format: Some(doc.format()),
                    id: doc
                        .json()
                        .get("id")
                        .and_then(Value::as_str)
                        .map(str::to_owned),
                    achievement_name,
                }
            }
            Err(_) => InnerCredentialSummary::default(),
        })
        .collect()
}

fn ob2_party(issuer: &IdOr<ob2::Profile>) -> PartySummary {
    match issuer {
        IdOr::Iri(iri) => PartySummary {
            id: Some(iri.clone()),
            ..PartySummary::default()
        },
        IdOr::Object(profile) => ob2_profile(profile),
    }
}

fn ob2_profile(profile: &ob2::Profile) -> PartySummary {
    PartySummary {
        id: profile.id.clone(),
        name: text(profile.name.as_ref()),
        url: profile.url.clone(),
        email: profile.email.clone(),
    }
}

fn ob2_badge(class: &ob2::BadgeClass) -> AchievementSummary {
    let criteria = class.criteria.as_ref();
    AchievementSummary {
        id: class.id.clone(),
        name: text(class.name.as_ref()),
        types: all_types(class.type_.as_ref()),
        criteria_id: criteria.and_then(|c| match c {
            IdOr::Iri(iri) => Some(iri.clone()),
            IdOr::Object(criteria) => criteria.id.clone(),
        }),
        criteria_narrative: criteria
            .and_then(IdOr::object)
            .and_then(|c| text(c.narrative.as_ref()))
            .map(|n| truncate(&n, CRITERIA_NARRATIVE_MAX_CHARS)),
        alignments: class
            .alignment
            .iter()
            .flatten()
            .map(|a| AlignmentSummary {
                target_name: text(a.target_name.as_ref()),
                target_url: a.target_url.clone(),
                target_framework: text(a.target_framework.as_ref()),
                target_code: a.target_code.clone(),
                target_type: None,
            })
            .collect(),
        ..AchievementSummary::default()
    }
}

fn ob2_assertion(assertion: &ob2::Assertion, summary: &mut Summary) {
    summary.source_version = Some(assertion.source_version);
    summary.id = assertion.id.clone().or_else(|| match &assertion.uid {
        Some(Value::String(uid)) => Some(uid.clone()),
        Some(other @ Value::Number(_)) => Some(other.to_string()),
        _ => None,
    });
    summary.subject = assertion
        .recipient
        .as_ref()
        .map(|recipient| SubjectSummary {
            id: None,
            identifiers: vec![IdentifierSummary {
                identity_type: recipient.type_.clone(),
                hashed: recipient.hashed,
                salted: recipient.salt.is_some(),
                identity: recipient.identity.clone(),
            }],
        });
    match &assertion.badge {
        Some(IdOr::Object(class)) => {
            summary.issuer = class.issuer.as_ref().map(ob2_party);
            summary.achievements.push(ob2_badge(class));
        }
        Some(IdOr::Iri(iri)) => summary.achievements.push(AchievementSummary {
            id: Some(iri.clone()),
            ..AchievementSummary::default()
        }),
        None => {}
    }
    summary.dates.issued = date(assertion.issued_on.as_ref());
    summary.dates.expires = date(assertion.expires.as_ref());
    summary.evidence_count = assertion.evidence.as_ref().map_or(0, OneOrMany::len);
}

/// No typed view: show what plain JSON access finds.
fn raw_fallback(json: &Value, summary: &mut Summary) {
    let string = |v: Option<&Value>| v.and_then(Value::as_str).map(str::to_owned);
    summary.id = string(json.get("id"));
    summary.name = string(json.get("name"));
    summary.issuer = match json.get("issuer") {
        Some(Value::String(iri)) => Some(PartySummary {
            id: Some(iri.clone()),
            ..PartySummary::default()
        }),
        Some(issuer @ Value::Object(_)) => Some(PartySummary {
            id: string(issuer.get("id")),
            name: string(issuer.get("name")),
            url: string(issuer.get("url")),
            email: string(issuer.get("email")),
        }),
        _ => None,
    };
}

/// Counts `endorsement` / `endorsementJwt` entries, not descending into endorsements (their
/// own endorsements belong to them) nor into inner CLR/presentation credentials.
fn count_endorsements(value: &Value, depth: usize) -> usize {
    if depth > crate::MAX_DEPTH {
        return 0;
    }
    match value {
        Value::Object(map) => map
            .iter()
            .map(|(key, child)| match key.as_str() {
                "endorsement" | "endorsementJwt" => match child {
                    Value::Array(items) => items.len(),
                    Value::Null => 0,
                    _ => 1,
                },
                "verifiableCredential" => 0,
                _ => count_endorsements(child, depth + 1),
            })
            .sum(),
        Value::Array(items) => items
            .iter()
            .map(|item| count_endorsements(item, depth + 1))
            .sum(),
        _ => 0,
    }
}

impl fmt::Display for Summary {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}", self.format_name)?;
        if let Some(vcdm) = self.vcdm {
            write!(f, " (VCDM {})", vcdm.as_str())?;
        }
        if let Some(version) = self.source_version {
            let version = match version {
                SourceVersion::V2_0 => "2.0",
                SourceVersion::V1 => "1.x",
                SourceVersion::V0_5 => "0.5",
            };
            write!(f, " (written as OB {version})")?;
        }
        writeln!(f)?;
        line(f, "id", self.id.as_deref())?;
        if !self.types.is_empty() {
            line(f, "type", Some(&self.types.join(", ")))?;
        }
        line(f, "name", self.name.as_deref())?;
        if let Some(issuer) = &self.issuer {
            line(f, "issuer", Some(&party_text(issuer)))?;
        }
        if let Some(subject) = &self.subject {
            line(f, "subject", subject.id.as_deref().or(Some("(no id)")))?;
            for identifier in &subject.identifiers {
                let mut text = identifier
                    .identity_type
                    .clone()
                    .unwrap_or_else(|| "identifier".into());
                if let Some(identity) = &identifier.identity {
                    text.push_str(&format!(" {identity}"));
                }
                match identifier.hashed {
                    Some(true) => text.push_str(" (hashed"),
                    _ => text.push_str(" (plain"),
                }
                text.push_str(if identifier.salted { ", salted)" } else { ")" });
                line(f, "  identifier", Some(&text))?;
            }
        }
        for achievement in &self.achievements {
            achievement_text(f, achievement)?;
        }
        let d = &self.dates;
        line(f, "issued", d.issued.as_deref())?;
        line(f, "valid from", d.valid_from.as_deref())?;
        line(f, "valid until", d.valid_until.as_deref())?;
        line(f, "expires", d.expires.as_deref())?;
        line(f, "awarded", d.awarded.as_deref())?;
        for proof in &self.proofs {
            let mut text = proof.proof_type.clone().unwrap_or_else(|| "proof".into());
            if let Some(suite) = &proof.cryptosuite {
                text.push_str(&format!(" {suite}"));
            }
            if let Some(method) = &proof.verification_method {
                text.push_str(&format!(" by {method}"));
            }
            line(f, "proof", Some(&text))?;
        }
        for status in &self.credential_status {
            let mut text = status
                .status_type
                .clone()
                .unwrap_or_else(|| "status".into());
            if let Some(purpose) = &status.purpose {
                text.push_str(&format!(" {purpose}"));
            }
            if let Some(url) = &status.list_url {
                text.push_str(&format!(" {url}"));
            }
            if let Some(index) = status.index {
                text.push_str(&format!(" #{index}"));
            }
            line(f, "status", Some(&text))?;
        }
        for schema in &self.credential_schemas {
            line(f, "schema", Some(schema))?;
        }
        if let Some(clr) = &self.clr {
            line(
                f,
                "clr",
                Some(&format!(
                    "{} credentials, {} achievement definitions, {} associations",
                    clr.inner_credential_count, clr.achievement_count, clr.association_count
                )),
            )?;
            for inner in &clr.inner {
                line(f, "  credential", Some(&inner_text(inner)))?;
            }
        }
        if let Some(presentation) = &self.presentation {
            line(f, "holder", presentation.holder.as_deref())?;
            line(
                f,
                "credentials",
                Some(&presentation.credential_count.to_string()),
            )?;
            for inner in &presentation.inner {
                line(f, "  credential", Some(&inner_text(inner)))?;
            }
        }
        if self.evidence_count > 0 {
            line(f, "evidence", Some(&self.evidence_count.to_string()))?;
        }
        if self.endorsement_count > 0 {
            line(f, "endorsements", Some(&self.endorsement_count.to_string()))?;
        }
        line(f, "warning", self.typed_error.as_deref())
    }
}

fn line(f: &mut fmt::Formatter<'_>, label: &str, value: Option<&str>) -> fmt::Result {
    match value {
        Some(value) => writeln!(f, "  {:<15}{value}", format!("{label}:")),
        None => Ok(()),
    }
}

fn party_text(party: &PartySummary) -> String {
    let mut text = party.name.clone().unwrap_or_default();
    if let Some(id) = &party.id {
        if text.is_empty() {
            text.push_str(id);
        } else {
            text.push_str(&format!(" ({id})"));
        }
    }
    for extra in [&party.url, &party.email].into_iter().flatten() {
        text.push_str(&format!(" <{extra}>"));
    }
    text
}

fn inner_text(inner: &InnerCredentialSummary) -> String {
    let format = inner.format.map_or("unreadable", Format::display_name);
    let name = inner.achievement_name.as_deref().unwrap_or("(no name)");
    match &inner.id {
        Some(id) => format!("{name} [{format}] {id}"),
        None => format!("{name} [{format}]"),
    }
}

fn achievement_text(f: &mut fmt::Formatter<'_>, a: &AchievementSummary) -> fmt::Result {
    let mut head = a.name.clone().unwrap_or_else(|| "(no name)".into());
    if let Some(kind) = &a.achievement_type {
        head.push_str(&format!(" [{kind}]"));
    }
    if let Some(id) = &a.id {
        head.push_str(&format!(" {id}"));
    }
    line(f, "achievement", Some(&head))?;
    let narrative = a
        .criteria_narrative
        .as_deref()
        .map(|n| n.split_whitespace().collect::<Vec<_>>().join(" "));
    line(
        f,
        "  criteria",
        narrative.as_deref().or(a.criteria_id.as_deref()),
    )?;
    for alignment in &a.alignments {
        let mut text = alignment.target_name.clone().unwrap_or_default();
        for part in [
            &alignment.target_type,
            &alignment.target_code,
            &alignment.target_framework,
        ]
        .into_iter()
        .flatten()
        {
            text.push_str(&format!(" | {part}"));
        }
        if let Some(url) = &alignment.target_url {
            text.push_str(&format!(" <{url}>"));
        }
        line(f, "  alignment", Some(&text))?;
    }
    for description in &a.result_descriptions {
        let mut text = description.name.clone().unwrap_or_default();
        if let Some(kind) = &description.result_type {
            text.push_str(&format!(" [{kind}]"));
        }
        if !description.levels.is_empty() {
            text.push_str(&format!(" levels: {}", description.levels.join(", ")));
        }
        line(f, "  expects", Some(&text))?;
    }
    for result in &a.results {
        let parts: Vec<&str> = [&result.value, &result.status, &result.achieved_level]
            .into_iter()
            .flatten()
            .map(String::as_str)
            .collect();
        let mut text = parts.join(", ");
        if let Some(description) = &result.result_description {
            text.push_str(&format!(" (for {description})"));
        }
        line(f, "  result", Some(&text))?;
    }
    if let Some(credits) = &a.credits_available {
        line(f, "  credits", Some(&credits.to_string()))?;
    }
    if let Some(credits) = &a.credits_earned {
        line(f, "  earned", Some(&credits.to_string()))?;
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn truncates_on_char_boundaries() {
        assert_eq!(truncate("ééé", 2), "éé…");
        assert_eq!(truncate("abc", 3), "abc");
    }
}
