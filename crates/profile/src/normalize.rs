//! Every data model → [`AchievementRecord`]s.
//!
//! - OB 3.0 `AchievementCredential` / `OpenBadgeCredential`, and any VC whose subject carries an
//!   `achievement` (VCDM 1.1 or 2.0): one record per subject × achievement.
//! - CLR 2.0: the `association[]` list (its inner credentials are items of their own: `formats`
//!   decodes each, `verify` verifies each, and each becomes records here).
//! - OB 2.0 and 1.x assertions, OB 0.5 assertions: mapped as `research/standards.md` §8 maps OB 2.0
//!   to OB 3.0 (`issuedOn` → awarded, `expires` → validUntil, `recipient` → an identifier, `badge`
//!   → the achievement, `badge.issuer` → the issuer, `tags` → tags, `alignment` → alignments).
//! - European Learning Model (Europass) credentials: each claim's title; `relatedESCOSkill` and
//!   `relatedSkill` of its learning outcomes become alignments.
//! - Any other VC: one record named after the credential (or its `degree`), so nothing a person
//!   was awarded disappears.
//!
//! Endorsements, status lists, presentations (whose credentials are items of their own), badge
//! classes and issuer profiles award nothing and give no record.

use std::collections::BTreeMap;

use credbridge_model::{Format, classify};
use serde_json::Value;

use crate::json::{array, child, element, number_at, str_at, text};
use crate::level;
use crate::record::{
    Achievement, AchievementRecord, AlignmentRecord, AlignmentSite, Association, Criteria, Dates,
    EvidenceRecord, Issuer, OfficialIdentifier, ResultRecord, Source, Subject, SubjectIdentifier,
    Verification,
};

/// How deep the ELM walk looks for skills inside a claim.
const ELM_MAX_DEPTH: usize = 8;

/// Where a credential came from, given by the caller.
#[derive(Debug, Clone, Default)]
pub struct Origin<'a> {
    /// The item path (`formats::ItemPath` as text).
    pub item: &'a str,
    /// The SHA-256 of the original bytes, hex.
    pub sha256: Option<&'a str>,
    /// The holder DID of the verified presentation that carried it.
    pub presented_by: Option<&'a str>,
}

/// What one credential gives.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Normalized {
    /// One record per awarded achievement.
    pub records: Vec<AchievementRecord>,
    /// CLR associations between achievements (attach them with [`crate::attach_associations`]).
    pub associations: Vec<Association>,
}

/// Normalizes one credential (the JSON `formats` decoded: a JSON credential, or a JWT's
/// credential claims).
pub fn normalize(
    credential: &Value,
    origin: &Origin<'_>,
    verification: &Verification,
) -> Normalized {
    let format = classify(credential).format;
    let ctx = Ctx {
        credential,
        origin,
        verification,
        format,
    };
    match format {
        Format::OpenBadges3 | Format::VerifiableCredential => Normalized {
            records: vc_records(&ctx),
            associations: Vec::new(),
        },
        Format::Clr2 => Normalized {
            records: Vec::new(),
            associations: clr_associations(credential, origin),
        },
        Format::OpenBadges2Assertion | Format::OpenBadges1Assertion => Normalized {
            records: ob2_record(&ctx).into_iter().collect(),
            associations: Vec::new(),
        },
        Format::OpenBadges05Assertion => Normalized {
            records: ob05_record(&ctx).into_iter().collect(),
            associations: Vec::new(),
        },
        // Endorsements, status lists, presentations, badge classes, issuer profiles and anything
        // newer than this crate award nothing.
        _ => Normalized::default(),
    }
}

struct Ctx<'a> {
    credential: &'a Value,
    origin: &'a Origin<'a>,
    verification: &'a Verification,
    format: Format,
}

impl Ctx<'_> {
    fn record(&self, prov: Prov) -> AchievementRecord {
        AchievementRecord {
            source: Source {
                item: self.origin.item.to_string(),
                credential_id: str_at(self.credential, "id").map(str::to_string),
                format: self.format.display_name().to_string(),
                sha256: self.origin.sha256.map(str::to_string),
            },
            issuer: Issuer::default(),
            subject: Subject::default(),
            achievement: Achievement::default(),
            results: Vec::new(),
            alignments: Vec::new(),
            evidence: Vec::new(),
            associations: Vec::new(),
            dates: Dates::default(),
            verification: self.verification.clone(),
            presented_by: self.origin.presented_by.map(str::to_string),
            provenance: prov.0,
        }
    }
}

/// Reads scalar values and remembers where each came from.
#[derive(Default)]
struct Prov(BTreeMap<&'static str, String>);

impl Prov {
    fn text(
        &mut self,
        field: &'static str,
        object: &Value,
        base: &str,
        key: &str,
    ) -> Option<String> {
        let value = str_at(object, key)?;
        self.0.insert(field, child(base, key));
        Some(value.to_string())
    }

    fn number(
        &mut self,
        field: &'static str,
        object: &Value,
        base: &str,
        key: &str,
    ) -> Option<f64> {
        let value = number_at(object, key)?;
        self.0.insert(field, child(base, key));
        Some(value)
    }
}

// ---- W3C VCs and OB 3.0 ----------------------------------------------------------------------

fn vc_records(ctx: &Ctx<'_>) -> Vec<AchievementRecord> {
    let cred = ctx.credential;
    let subjects = array(cred, "credentialSubject");
    let mut out = Vec::new();
    for (si, subject) in subjects.iter().enumerate() {
        let sbase = element("", "credentialSubject", cred, si);
        let achievements = array(subject, "achievement");
        if !achievements.is_empty() {
            for (ai, achievement) in achievements.iter().enumerate() {
                let abase = element(&sbase, "achievement", subject, ai);
                out.push(ob3_record(ctx, subject, &sbase, achievement, &abase));
            }
        } else if !array(subject, "hasClaim").is_empty() {
            out.extend(elm_records(ctx, subject, &sbase));
        } else {
            out.push(generic_record(ctx, subject, &sbase));
        }
    }
    out
}

/// Issuer, dates, evidence and subject identifiers shared by every VC-shaped record.
fn vc_common(
    ctx: &Ctx<'_>,
    prov: &mut Prov,
    subject: &Value,
    sbase: &str,
) -> (Issuer, Dates, Subject, Vec<EvidenceRecord>) {
    let cred = ctx.credential;
    let issuer = profile(prov, cred, "", "issuer");
    let dates = Dates {
        awarded: prov.text("dates.awarded", cred, "", "awardedDate"),
        valid_from: prov
            .text("dates.valid_from", cred, "", "validFrom")
            .or_else(|| prov.text("dates.valid_from", cred, "", "issuanceDate")),
        valid_until: prov
            .text("dates.valid_until", cred, "", "validUntil")
            .or_else(|| prov.text("dates.valid_until", cred, "", "expirationDate")),
    };
    let mut identifiers = Vec::new();
    if let Some(id) = str_at(subject, "id") {
        prov.0.insert("subject.id", child(sbase, "id"));
        identifiers.push(iri_identifier(id));
    }
    for entry in array(subject, "identifier") {
        if let Some(identifier) = identity_object(entry) {
            identifiers.push(identifier);
        }
    }
    let display_name = prov
        .text("subject.display_name", subject, sbase, "name")
        .or_else(|| {
            let given = str_at(subject, "givenName")?;
            let family = str_at(subject, "familyName").unwrap_or_default();
            prov.0
                .insert("subject.display_name", child(sbase, "givenName"));
            Some(format!("{given} {family}").trim().to_string())
        });
    let mut evidence = evidence_list(cred, "");
    evidence.extend(evidence_list(subject, sbase));
    (
        issuer,
        dates,
        Subject {
            identifiers,
            display_name,
        },
        evidence,
    )
}

fn ob3_record(
    ctx: &Ctx<'_>,
    subject: &Value,
    sbase: &str,
    achievement: &Value,
    abase: &str,
) -> AchievementRecord {
    let mut prov = Prov::default();
    let (issuer, dates, subject_ids, evidence) = vc_common(ctx, &mut prov, subject, sbase);
    let mut ach = achievement_fields(&mut prov, achievement, abase);
    ach.credits_earned = prov.number(
        "achievement.credits_earned",
        subject,
        sbase,
        "creditsEarned",
    );
    if ach.name.is_none() {
        // A bare achievement IRI: the credential's own name is the best we have.
        ach.name = prov.text("achievement.name", ctx.credential, "", "name");
    }
    let descriptions = array(achievement, "resultDescription");
    let mut alignments = alignment_list(achievement, abase, AlignmentSite::Achievement);
    for (di, description) in descriptions.iter().enumerate() {
        let dbase = element(abase, "resultDescription", achievement, di);
        let id = str_at(description, "id");
        alignments.extend(alignments_under(
            description,
            &dbase,
            AlignmentSite::ResultDescription,
            id,
        ));
        for (li, level) in array(description, "rubricCriterionLevel")
            .iter()
            .enumerate()
        {
            let lbase = element(&dbase, "rubricCriterionLevel", description, li);
            alignments.extend(alignments_under(
                level,
                &lbase,
                AlignmentSite::RubricLevel,
                id,
            ));
        }
    }
    let mut results = Vec::new();
    for (ri, result) in array(subject, "result").iter().enumerate() {
        let rbase = element(sbase, "result", subject, ri);
        alignments.extend(alignment_list(result, &rbase, AlignmentSite::Result));
        let description_id = str_at(result, "resultDescription");
        let description =
            description_id.and_then(|id| descriptions.iter().find(|d| str_at(d, "id") == Some(id)));
        results.push(ResultRecord {
            result_description: description_id.map(str::to_string),
            name: description
                .and_then(|d| str_at(d, "name"))
                .map(str::to_string),
            result_type: description
                .and_then(|d| str_at(d, "resultType"))
                .map(str::to_string),
            value: str_at(result, "value").map(str::to_string),
            status: str_at(result, "status").map(str::to_string),
            achieved_level: str_at(result, "achievedLevel").map(str::to_string),
            level: level::normalize(result, descriptions),
            pointer: rbase,
        });
    }
    let mut record = ctx.record(prov);
    record.issuer = issuer;
    record.subject = subject_ids;
    record.achievement = ach;
    record.results = results;
    record.alignments = alignments;
    record.evidence = evidence;
    record.dates = dates;
    record
}

/// The OB 3.0 `Achievement` fields (OB 2.0 BadgeClass fields map onto the same names).
fn achievement_fields(prov: &mut Prov, achievement: &Value, abase: &str) -> Achievement {
    let criteria = match achievement.get("criteria") {
        Some(Value::String(iri)) => {
            prov.0
                .insert("achievement.criteria.id", child(abase, "criteria"));
            Criteria {
                id: Some(iri.clone()),
                narrative: None,
            }
        }
        Some(c @ Value::Object(_)) => {
            let cbase = child(abase, "criteria");
            Criteria {
                id: prov.text("achievement.criteria.id", c, &cbase, "id"),
                narrative: prov.text("achievement.criteria.narrative", c, &cbase, "narrative"),
            }
        }
        _ => Criteria::default(),
    };
    let tags = array(achievement, "tag")
        .iter()
        .chain(array(achievement, "tags"))
        .filter_map(text)
        .map(str::to_string)
        .collect();
    let creator = match achievement.get("creator") {
        Some(c) => text(c).map(str::to_string),
        None => None,
    };
    Achievement {
        id: match achievement {
            Value::String(iri) => Some(iri.clone()),
            _ => prov.text("achievement.id", achievement, abase, "id"),
        },
        achievement_type: prov.text(
            "achievement.achievement_type",
            achievement,
            abase,
            "achievementType",
        ),
        name: prov.text("achievement.name", achievement, abase, "name"),
        description: prov.text("achievement.description", achievement, abase, "description"),
        criteria,
        credits_available: prov.number(
            "achievement.credits_available",
            achievement,
            abase,
            "creditsAvailable",
        ),
        credits_earned: None,
        field_of_study: prov.text(
            "achievement.field_of_study",
            achievement,
            abase,
            "fieldOfStudy",
        ),
        specialization: prov.text(
            "achievement.specialization",
            achievement,
            abase,
            "specialization",
        ),
        level: None,
        image: prov.text("achievement.image", achievement, abase, "image"),
        tags,
        in_language: prov
            .text("achievement.in_language", achievement, abase, "inLanguage")
            .or_else(|| prov.text("achievement.in_language", achievement, abase, "@language")),
        human_code: prov.text("achievement.human_code", achievement, abase, "humanCode"),
        creator,
    }
}

fn generic_record(ctx: &Ctx<'_>, subject: &Value, sbase: &str) -> AchievementRecord {
    let mut prov = Prov::default();
    let (issuer, dates, subject_ids, evidence) = vc_common(ctx, &mut prov, subject, sbase);
    let cred = ctx.credential;
    // The VCDM examples' `degree` {type, name} is the most common shape of a generic award.
    let degree = subject.get("degree");
    let dbase = child(sbase, "degree");
    let name = degree
        .and_then(|d| prov.text("achievement.name", d, &dbase, "name"))
        .or_else(|| prov.text("achievement.name", cred, "", "name"));
    let achievement = Achievement {
        id: str_at(cred, "id").map(str::to_string),
        achievement_type: degree
            .and_then(|d| prov.text("achievement.achievement_type", d, &dbase, "type")),
        name,
        description: prov.text("achievement.description", cred, "", "description"),
        ..Achievement::default()
    };
    let mut record = ctx.record(prov);
    record.issuer = issuer;
    record.subject = subject_ids;
    record.achievement = achievement;
    record.evidence = evidence;
    record.dates = dates;
    record
}

/// European Learning Model: `credentialSubject.hasClaim[]` (learning achievements, entitlements,
/// activities); their titles name the achievement, their learning outcomes' ESCO skills align it.
fn elm_records(ctx: &Ctx<'_>, subject: &Value, sbase: &str) -> Vec<AchievementRecord> {
    let mut out = Vec::new();
    for (ci, claim) in array(subject, "hasClaim").iter().enumerate() {
        let cbase = element(sbase, "hasClaim", subject, ci);
        let mut prov = Prov::default();
        let (issuer, dates, subject_ids, evidence) = vc_common(ctx, &mut prov, subject, sbase);
        let spec = claim.get("specifiedBy").unwrap_or(&Value::Null);
        let spec_base = child(&cbase, "specifiedBy");
        let name = prov
            .text("achievement.name", claim, &cbase, "title")
            .or_else(|| prov.text("achievement.name", spec, &spec_base, "title"));
        let achievement = Achievement {
            id: prov.text("achievement.id", claim, &cbase, "id"),
            name,
            description: prov
                .text("achievement.description", claim, &cbase, "description")
                .or_else(|| prov.text("achievement.description", spec, &spec_base, "description")),
            level: spec
                .get("eqfLevel")
                .or_else(|| spec.get("hasEQFLevel"))
                .and_then(text)
                .map(str::to_string),
            credits_available: spec
                .get("creditPoint")
                .and_then(|c| array_first(c))
                .and_then(|c| number_at(c, "point")),
            ..Achievement::default()
        };
        let mut alignments = Vec::new();
        elm_skills(claim, &cbase, 0, &mut alignments);
        let mut record = ctx.record(prov);
        record.issuer = issuer;
        record.subject = subject_ids;
        record.achievement = achievement;
        record.alignments = alignments;
        record.evidence = evidence;
        record.dates = dates;
        out.push(record);
    }
    out
}

fn array_first(value: &Value) -> Option<&Value> {
    match value {
        Value::Array(items) => items.first(),
        other => Some(other),
    }
}

/// Collects `relatedESCOSkill` / `relatedSkill` under an ELM claim, however deep its structure.
fn elm_skills(value: &Value, base: &str, depth: usize, out: &mut Vec<AlignmentRecord>) {
    if depth > ELM_MAX_DEPTH || out.len() >= crate::json::MAX_LIST_VALUES {
        return;
    }
    match value {
        Value::Object(map) => {
            for (key, v) in map {
                let here = child(base, key);
                if key == "relatedESCOSkill" || key == "relatedSkill" {
                    let framework = (key == "relatedESCOSkill").then(|| "ESCO".to_string());
                    let items = array(value, key);
                    for (i, skill) in items.iter().enumerate() {
                        let pointer = if v.is_array() {
                            format!("{here}/{i}")
                        } else {
                            here.clone()
                        };
                        out.push(AlignmentRecord {
                            target_url: text(skill).map(str::to_string),
                            target_name: str_at(skill, "prefLabel")
                                .or_else(|| str_at(skill, "title"))
                                .map(str::to_string),
                            target_framework: framework.clone(),
                            target_code: None,
                            target_type: None,
                            target_description: None,
                            on: AlignmentSite::LearningOutcome,
                            result_description: None,
                            pointer,
                        });
                    }
                } else {
                    elm_skills(v, &here, depth + 1, out);
                }
            }
        }
        Value::Array(items) => {
            for (i, v) in items.iter().enumerate() {
                elm_skills(v, &format!("{base}/{i}"), depth + 1, out);
            }
        }
        _ => {}
    }
}

/// An issuer (or creator) profile: an IRI or an object.
fn profile(prov: &mut Prov, object: &Value, base: &str, key: &str) -> Issuer {
    let pbase = child(base, key);
    match object.get(key) {
        Some(Value::String(iri)) => {
            prov.0.insert("issuer.id", pbase);
            Issuer {
                id: Some(iri.clone()),
                ..Issuer::default()
            }
        }
        Some(p @ Value::Object(_)) => {
            let official_identifiers = array(p, "otherIdentifier")
                .iter()
                .filter_map(|entry| {
                    Some(OfficialIdentifier {
                        identifier_type: str_at(entry, "identifierType").map(str::to_string),
                        identifier: str_at(entry, "identifier")?.to_string(),
                    })
                })
                .collect();
            Issuer {
                id: prov.text("issuer.id", p, &pbase, "id"),
                name: prov.text("issuer.name", p, &pbase, "name"),
                url: prov.text("issuer.url", p, &pbase, "url"),
                official_identifiers,
            }
        }
        _ => Issuer::default(),
    }
}

fn iri_identifier(id: &str) -> SubjectIdentifier {
    if id.starts_with("did:") {
        SubjectIdentifier::Did {
            did: id.to_string(),
        }
    } else {
        SubjectIdentifier::Iri {
            iri: id.to_string(),
        }
    }
}

/// An OB 3.0 `IdentityObject`.
fn identity_object(entry: &Value) -> Option<SubjectIdentifier> {
    let identity_type = str_at(entry, "identityType")
        .unwrap_or("identifier")
        .to_string();
    let identity = str_at(entry, "identityHash")?.to_string();
    let hashed = entry
        .get("hashed")
        .and_then(Value::as_bool)
        .unwrap_or(false);
    let salt = str_at(entry, "salt").map(str::to_string);
    Some(if hashed {
        SubjectIdentifier::Hashed {
            identity_type,
            identity_hash: identity,
            salt,
        }
    } else {
        SubjectIdentifier::Plain {
            identity_type,
            identity,
        }
    })
}

fn alignment_list(object: &Value, base: &str, on: AlignmentSite) -> Vec<AlignmentRecord> {
    alignments_under(object, base, on, None)
}

fn alignments_under(
    object: &Value,
    base: &str,
    on: AlignmentSite,
    description: Option<&str>,
) -> Vec<AlignmentRecord> {
    let result_description = description.map(str::to_string);
    array(object, "alignment")
        .iter()
        .enumerate()
        .map(|(i, a)| {
            let pointer = element(base, "alignment", object, i);
            if let Value::String(iri) = a {
                return AlignmentRecord {
                    target_url: Some(iri.clone()),
                    target_name: None,
                    target_framework: None,
                    target_code: None,
                    target_type: None,
                    target_description: None,
                    on,
                    result_description: result_description.clone(),
                    pointer,
                };
            }
            // OB 2.0 writes targetName/targetUrl; OB 1.x wrote name/url/description.
            let pick = |a: &Value, k1: &str, k2: &str| {
                str_at(a, k1).or_else(|| str_at(a, k2)).map(str::to_string)
            };
            AlignmentRecord {
                target_url: pick(a, "targetUrl", "url"),
                target_name: pick(a, "targetName", "name"),
                target_framework: pick(a, "targetFramework", "educationalFramework"),
                target_code: str_at(a, "targetCode").map(str::to_string),
                target_type: str_at(a, "targetType").map(str::to_string),
                target_description: pick(a, "targetDescription", "description"),
                on,
                result_description: result_description.clone(),
                pointer,
            }
        })
        .collect()
}

fn evidence_list(object: &Value, base: &str) -> Vec<EvidenceRecord> {
    array(object, "evidence")
        .iter()
        .enumerate()
        .map(|(i, e)| {
            let pointer = element(base, "evidence", object, i);
            match e {
                Value::String(iri) => EvidenceRecord {
                    id: Some(iri.clone()),
                    name: None,
                    narrative: None,
                    description: None,
                    pointer,
                },
                _ => EvidenceRecord {
                    id: str_at(e, "id").map(str::to_string),
                    name: str_at(e, "name").map(str::to_string),
                    narrative: str_at(e, "narrative").map(str::to_string),
                    description: str_at(e, "description").map(str::to_string),
                    pointer,
                },
            }
        })
        .collect()
}

// ---- CLR 2.0 ----------------------------------------------------------------------------------

fn clr_associations(clr: &Value, origin: &Origin<'_>) -> Vec<Association> {
    let declared_in = str_at(clr, "id").unwrap_or(origin.item).to_string();
    let subject = array(clr, "credentialSubject")
        .first()
        .unwrap_or(&Value::Null);
    let sbase = element("", "credentialSubject", clr, 0);
    array(subject, "association")
        .iter()
        .enumerate()
        .filter_map(|(i, a)| {
            Some(Association {
                association_type: str_at(a, "associationType")?.to_string(),
                source_id: str_at(a, "sourceId")?.to_string(),
                target_id: str_at(a, "targetId")?.to_string(),
                declared_in: declared_in.clone(),
                pointer: element(&sbase, "association", subject, i),
            })
        })
        .collect()
}

// ---- Open Badges 2.0 / 1.x / 0.5 --------------------------------------------------------------

fn ob2_record(ctx: &Ctx<'_>) -> Option<AchievementRecord> {
    let cred = ctx.credential;
    let mut prov = Prov::default();
    let badge = cred.get("badge").unwrap_or(&Value::Null);
    let mut achievement = achievement_fields(&mut prov, badge, "/badge");
    if let Value::String(iri) = badge {
        prov.0.insert("achievement.id", "/badge".to_string());
        achievement.id = Some(iri.clone());
    }
    let issuer = if badge.is_object() {
        profile(&mut prov, badge, "/badge", "issuer")
    } else {
        Issuer::default()
    };
    let identifiers = match cred.get("recipient") {
        Some(r @ Value::Object(_)) => {
            let identity_type = str_at(r, "type").unwrap_or("email").to_string();
            let identity = str_at(r, "identity").map(str::to_string);
            let hashed = r.get("hashed").and_then(Value::as_bool).unwrap_or(false);
            let salt = str_at(r, "salt").map(str::to_string);
            identity
                .map(|identity| {
                    prov.0
                        .insert("subject.identifier", "/recipient/identity".to_string());
                    if hashed || identity.starts_with("sha256$") || identity.starts_with("md5$") {
                        SubjectIdentifier::Hashed {
                            identity_type,
                            identity_hash: identity,
                            salt,
                        }
                    } else if identity.starts_with("did:") {
                        SubjectIdentifier::Did { did: identity }
                    } else {
                        SubjectIdentifier::Plain {
                            identity_type,
                            identity,
                        }
                    }
                })
                .into_iter()
                .collect()
        }
        // OB 1.0: the recipient was a (hashed) email string, salted by a top-level `salt`.
        Some(Value::String(s)) => vec![ob05_recipient(s, str_at(cred, "salt"))],
        _ => Vec::new(),
    };
    let dates = Dates {
        awarded: prov.text("dates.awarded", cred, "", "issuedOn"),
        valid_from: None,
        valid_until: prov.text("dates.valid_until", cred, "", "expires"),
    };
    let alignments = alignment_list(badge, "/badge", AlignmentSite::Achievement);
    let evidence = evidence_list(cred, "");
    let mut record = ctx.record(prov);
    record.issuer = issuer;
    record.subject = Subject {
        identifiers,
        display_name: None,
    };
    record.achievement = achievement;
    record.alignments = alignments;
    record.evidence = evidence;
    record.dates = dates;
    Some(record)
}

fn ob05_recipient(recipient: &str, salt: Option<&str>) -> SubjectIdentifier {
    if recipient.starts_with("sha256$") || recipient.starts_with("md5$") {
        SubjectIdentifier::Hashed {
            identity_type: "email".to_string(),
            identity_hash: recipient.to_string(),
            salt: salt.map(str::to_string),
        }
    } else {
        SubjectIdentifier::Plain {
            identity_type: "email".to_string(),
            identity: recipient.to_string(),
        }
    }
}

/// OB 0.5: `{recipient, salt, badge: {name, description, criteria, image, issuer: {origin, name,
/// org, contact}}, issued_on, expires, evidence}`.
fn ob05_record(ctx: &Ctx<'_>) -> Option<AchievementRecord> {
    let cred = ctx.credential;
    let mut prov = Prov::default();
    let badge = cred.get("badge").unwrap_or(&Value::Null);
    let achievement = achievement_fields(&mut prov, badge, "/badge");
    let ibase = "/badge/issuer";
    let issuer_obj = badge.get("issuer").unwrap_or(&Value::Null);
    let issuer = Issuer {
        id: prov.text("issuer.id", issuer_obj, ibase, "origin"),
        name: prov.text("issuer.name", issuer_obj, ibase, "name"),
        url: str_at(issuer_obj, "origin").map(str::to_string),
        official_identifiers: Vec::new(),
    };
    let identifiers = str_at(cred, "recipient")
        .map(|r| ob05_recipient(r, str_at(cred, "salt")))
        .into_iter()
        .collect();
    let dates = Dates {
        awarded: prov.text("dates.awarded", cred, "", "issued_on"),
        valid_from: None,
        valid_until: prov.text("dates.valid_until", cred, "", "expires"),
    };
    let evidence = evidence_list(cred, "");
    let mut record = ctx.record(prov);
    record.issuer = issuer;
    record.subject = Subject {
        identifiers,
        display_name: None,
    };
    record.achievement = achievement;
    record.evidence = evidence;
    record.dates = dates;
    Some(record)
}
