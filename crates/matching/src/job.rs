//! Jobs and their requirements, from an ESCO occupation, an O*NET occupation, a JSON Resume job
//! document or free text.

use credbridge_profile::Ordinal;
use credbridge_profile::frameworks::mapping_of;
use credbridge_profile::{ConceptMapping, MappingMethod};
use credbridge_skills::{ConceptKind, Framework, Frameworks, RelationKind, SearchOptions};
use serde::{Deserialize, Serialize};
use serde_json::Value;

use crate::error::MatchError;

/// O*NET importance (1-5) at or above which an element is required; below it, preferred; below
/// [`ONET_PREFERRED_IMPORTANCE`], left out.
pub const ONET_REQUIRED_IMPORTANCE: f32 = 3.5;

/// O*NET importance at or above which an element is preferred.
pub const ONET_PREFERRED_IMPORTANCE: f32 = 3.0;

/// The most requirements a job may have.
pub const MAX_REQUIREMENTS: usize = 500;

/// The longest free-text job description read.
pub const MAX_JOB_TEXT_BYTES: usize = 256 * 1024;

/// How much a requirement weighs.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum Importance {
    /// Must be shown.
    Required,
    /// Good to have.
    Preferred,
}

/// Where a requirement came from.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(tag = "kind", rename_all = "kebab-case")]
pub enum RequirementSource {
    /// An ESCO occupation's essential or optional skill.
    EscoOccupation {
        /// The occupation IRI.
        occupation: String,
        /// `essential` or `optional`.
        relation: String,
    },
    /// An O*NET rating.
    Onet {
        /// The O*NET-SOC code.
        occupation: String,
        /// Importance (1-5).
        importance: Option<f32>,
        /// Level (0-7).
        level: Option<f32>,
    },
    /// A line of text (a JSON Resume skill or keyword, a line of a job description), resolved by
    /// the skills resolver: the mapping is shown to the recruiter to confirm.
    Text {
        /// The text.
        text: String,
        /// JSON Resume field it came from, if any.
        field: Option<String>,
    },
}

/// One requirement of a job.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Requirement {
    /// The concept IRI (absent when text resolved to nothing: such a requirement is never met).
    pub concept: Option<String>,
    /// The concept's label (or the text).
    pub label: String,
    /// How much it weighs.
    pub importance: Importance,
    /// The lowest level wanted, if any.
    pub min_level: Option<Ordinal>,
    /// Where it came from.
    pub source: RequirementSource,
    /// For text: how the text reached the concept (to be confirmed by a person).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub mapping: Option<Mapping>,
    /// Whether a person confirmed the mapping.
    #[serde(default)]
    pub confirmed: bool,
}

/// A serializable copy of a concept mapping.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Mapping {
    /// The concept.
    pub iri: String,
    /// Its label.
    pub label: String,
    /// Framework and version.
    pub framework: String,
    /// The framework version.
    pub framework_version: String,
    /// `lexical`, `semantic`, …
    pub method: String,
    /// Score of the layer.
    pub score: f32,
}

impl From<&ConceptMapping> for Mapping {
    fn from(m: &ConceptMapping) -> Mapping {
        let method = match m.method {
            MappingMethod::Exact => "exact",
            MappingMethod::Crosswalk => "crosswalk",
            MappingMethod::Hierarchy => "hierarchy",
            MappingMethod::Lexical => "lexical",
            MappingMethod::Semantic => "semantic",
        };
        Mapping {
            iri: m.iri.clone(),
            label: m.label.clone(),
            framework: m.framework.clone(),
            framework_version: m.framework_version.clone(),
            method: method.to_string(),
            score: m.score,
        }
    }
}

/// A job: a title and requirements.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Job {
    /// A stable id (the occupation IRI, the document's canonical URL, or a hash of the text).
    pub id: String,
    /// The title.
    pub title: String,
    /// The requirements.
    pub requirements: Vec<Requirement>,
    /// `(framework, version)` used to build it.
    pub frameworks: Vec<(String, String)>,
}

impl Job {
    /// Reads a job file written by `credbridge job import`.
    pub fn from_json(bytes: &[u8]) -> Result<Job, MatchError> {
        let job: Job = serde_json::from_slice(bytes).map_err(|e| MatchError::JobJson {
            detail: e.to_string(),
        })?;
        if job.requirements.len() > MAX_REQUIREMENTS {
            return Err(MatchError::TooManyRequirements {
                found: job.requirements.len(),
                limit: MAX_REQUIREMENTS,
            });
        }
        Ok(job)
    }
}

fn versions(frameworks: &[Framework], fw: &Frameworks) -> Vec<(String, String)> {
    let mut out: Vec<(String, String)> = frameworks
        .iter()
        .map(|f| {
            let version = match f {
                Framework::Esco => credbridge_skills::ESCO_VERSION,
                Framework::Onet => credbridge_skills::ONET_VERSION,
                _ => "",
            };
            (f.name().to_string(), version.to_string())
        })
        .collect();
    if out.is_empty() {
        out = credbridge_profile::SkillResolver::versions(fw);
    }
    out
}

/// Where a job's requirements come from: what `credbridge job import` and the server's
/// `POST /jobs` take.
#[derive(Debug, Clone, PartialEq)]
pub enum JobSource {
    /// An ESCO occupation IRI (essential skills required, optional preferred).
    EscoOccupation(String),
    /// An O*NET-SOC code (importance and level).
    Onet(String),
    /// A JSON Resume job document.
    JsonResume(Value),
    /// Free text, one requirement per line, with a title.
    Text {
        /// The job's title.
        title: String,
        /// The text.
        text: String,
    },
}

impl JobSource {
    /// The short name stored with a job (`esco`, `onet`, `json-resume`, `text`).
    pub fn kind(&self) -> &'static str {
        match self {
            JobSource::EscoOccupation(_) => "esco",
            JobSource::Onet(_) => "onet",
            JobSource::JsonResume(_) => "json-resume",
            JobSource::Text { .. } => "text",
        }
    }
}

/// Builds a job's requirements from `source`.
///
/// # Errors
/// As [`from_esco_occupation`], [`from_onet`], [`from_json_resume`] and [`from_text`].
pub fn import(fw: &Frameworks, source: &JobSource) -> Result<Job, MatchError> {
    match source {
        JobSource::EscoOccupation(iri) => from_esco_occupation(fw, iri),
        JobSource::Onet(code) => from_onet(fw, code),
        JobSource::JsonResume(document) => from_json_resume(fw, document),
        JobSource::Text { title, text } => from_text(fw, title, text),
    }
}

/// Requirements from an ESCO occupation: essential skills → required, optional → preferred.
pub fn from_esco_occupation(fw: &Frameworks, occupation_iri: &str) -> Result<Job, MatchError> {
    let store = fw.store();
    let occupation = store
        .id_of(occupation_iri)
        .ok_or_else(|| MatchError::UnknownOccupation {
            given: occupation_iri.to_string(),
            framework: "ESCO",
        })?;
    let title = store
        .get(occupation)
        .map(|c| c.pref_label.clone())
        .unwrap_or_default();
    let mut requirements = Vec::new();
    for &(occ, skill, kind) in store.occupation_skills() {
        if occ != occupation {
            continue;
        }
        let Some(concept) = store.get(skill) else {
            continue;
        };
        let (importance, relation) = match kind {
            RelationKind::Essential => (Importance::Required, "essential"),
            RelationKind::Optional => (Importance::Preferred, "optional"),
            _ => (Importance::Preferred, "related"),
        };
        requirements.push(Requirement {
            concept: Some(concept.iri.clone()),
            label: concept.pref_label.clone(),
            importance,
            min_level: None,
            source: RequirementSource::EscoOccupation {
                occupation: occupation_iri.to_string(),
                relation: relation.to_string(),
            },
            mapping: None,
            confirmed: true,
        });
    }
    requirements.sort_by(|a, b| a.importance.cmp(&b.importance).then(a.label.cmp(&b.label)));
    Ok(Job {
        id: occupation_iri.to_string(),
        title,
        requirements,
        frameworks: versions(&[Framework::Esco], fw),
    })
}

/// Requirements from an O*NET occupation (e.g. `15-1252.00`): skills and knowledge with
/// importance ≥ [`ONET_REQUIRED_IMPORTANCE`] are required, ≥ [`ONET_PREFERRED_IMPORTANCE`]
/// preferred; the level (LV 0-7) becomes the minimum level.
pub fn from_onet(fw: &Frameworks, code: &str) -> Result<Job, MatchError> {
    let store = fw.store();
    let occupation = store
        .iter()
        .find(|(_, c)| {
            c.framework == Framework::Onet
                && c.kind == ConceptKind::Occupation
                && c.code.as_deref() == Some(code)
        })
        .map(|(id, _)| id)
        .ok_or_else(|| MatchError::UnknownOccupation {
            given: code.to_string(),
            framework: "O*NET",
        })?;
    let title = store
        .get(occupation)
        .map(|c| c.pref_label.clone())
        .unwrap_or_default();
    let mut requirements = Vec::new();
    for (occ, element, rating) in store.onet_ratings() {
        if occ != occupation {
            continue;
        }
        let Some(concept) = store.get(element) else {
            continue;
        };
        let importance = match rating.importance {
            Some(im) if im >= ONET_REQUIRED_IMPORTANCE => Importance::Required,
            Some(im) if im >= ONET_PREFERRED_IMPORTANCE => Importance::Preferred,
            _ => continue,
        };
        let min_level = rating
            .level
            .map(|lv| Ordinal::from_fraction(f64::from(lv) / 7.0));
        requirements.push(Requirement {
            concept: Some(concept.iri.clone()),
            label: concept.pref_label.clone(),
            importance,
            min_level,
            source: RequirementSource::Onet {
                occupation: code.to_string(),
                importance: rating.importance,
                level: rating.level,
            },
            mapping: None,
            confirmed: true,
        });
    }
    if requirements.is_empty() {
        return Err(MatchError::NoRequirements {
            what: format!(
                "O*NET {} rates no skill or knowledge of {code} at importance {ONET_PREFERRED_IMPORTANCE} or more (some occupations are not rated)",
                credbridge_skills::ONET_VERSION
            ),
        });
    }
    requirements.sort_by(|a, b| a.importance.cmp(&b.importance).then(a.label.cmp(&b.label)));
    Ok(Job {
        id: format!("onet:{code}"),
        title,
        requirements,
        frameworks: versions(&[Framework::Onet], fw),
    })
}

/// Requirements from a JSON Resume job document: each `skills[].name` and keyword, and each
/// `qualifications[]` line, resolved through the skills resolver (shown for confirmation).
pub fn from_json_resume(fw: &Frameworks, document: &Value) -> Result<Job, MatchError> {
    let title = document
        .get("title")
        .and_then(Value::as_str)
        .unwrap_or("untitled job")
        .to_string();
    let mut lines: Vec<(String, Importance, Option<Ordinal>, String)> = Vec::new();
    for (i, skill) in document
        .get("skills")
        .and_then(Value::as_array)
        .into_iter()
        .flatten()
        .enumerate()
    {
        let level = skill
            .get("level")
            .and_then(Value::as_str)
            .and_then(json_resume_level);
        if let Some(name) = skill.get("name").and_then(Value::as_str) {
            lines.push((
                name.to_string(),
                Importance::Required,
                level,
                format!("/skills/{i}/name"),
            ));
        }
        for (k, keyword) in skill
            .get("keywords")
            .and_then(Value::as_array)
            .into_iter()
            .flatten()
            .enumerate()
        {
            if let Some(keyword) = keyword.as_str() {
                lines.push((
                    keyword.to_string(),
                    Importance::Preferred,
                    None,
                    format!("/skills/{i}/keywords/{k}"),
                ));
            }
        }
    }
    for (i, q) in document
        .get("qualifications")
        .and_then(Value::as_array)
        .into_iter()
        .flatten()
        .enumerate()
    {
        if let Some(q) = q.as_str() {
            lines.push((
                q.to_string(),
                Importance::Preferred,
                None,
                format!("/qualifications/{i}"),
            ));
        }
    }
    if lines.is_empty() {
        return Err(MatchError::NoRequirements {
            what: "the JSON Resume job has no skills or qualifications".into(),
        });
    }
    let id = document
        .pointer("/meta/canonical")
        .and_then(Value::as_str)
        .map(str::to_string)
        .unwrap_or_else(|| format!("job:{}", title.to_lowercase().replace(' ', "-")));
    let mut requirements: Vec<Requirement> = Vec::new();
    for (text, importance, min_level, field) in lines.into_iter().take(MAX_REQUIREMENTS) {
        let requirement = text_requirement(fw, &text, importance, min_level, Some(field));
        // One line per concept: a skill named twice (a keyword and a qualification) keeps its
        // strongest importance and level.
        match requirements
            .iter_mut()
            .find(|r| r.concept.is_some() && r.concept == requirement.concept)
        {
            Some(existing) => {
                existing.importance = existing.importance.min(requirement.importance);
                existing.min_level = existing.min_level.max(requirement.min_level);
            }
            None => requirements.push(requirement),
        }
    }
    Ok(Job {
        id,
        title,
        requirements,
        frameworks: credbridge_profile::SkillResolver::versions(fw),
    })
}

/// JSON Resume levels (free text such as "Beginner", "Intermediate", "Advanced", "Master").
fn json_resume_level(level: &str) -> Option<Ordinal> {
    match level.trim().to_lowercase().as_str() {
        "beginner" | "basic" | "novice" | "aware" => Some(Ordinal::Aware),
        "intermediate" | "working" => Some(Ordinal::Working),
        "advanced" | "proficient" | "senior" => Some(Ordinal::Proficient),
        "master" | "expert" => Some(Ordinal::Expert),
        _ => None,
    }
}

/// Requirements from free text: one per non-empty line (bullets stripped); a line that says
/// "preferred", "nice to have", "a plus" or "bonus" is preferred, others required.
pub fn from_text(fw: &Frameworks, title: &str, text: &str) -> Result<Job, MatchError> {
    if text.len() > MAX_JOB_TEXT_BYTES {
        return Err(MatchError::TextTooLong {
            found: text.len(),
            limit: MAX_JOB_TEXT_BYTES,
        });
    }
    let requirements: Vec<Requirement> = text
        .lines()
        .map(|l| l.trim().trim_start_matches(['-', '*', '•', '·']).trim())
        .filter(|l| !l.is_empty())
        .take(MAX_REQUIREMENTS)
        .map(|line| {
            let lower = line.to_lowercase();
            let preferred = ["preferred", "nice to have", "a plus", "bonus"]
                .iter()
                .any(|w| lower.contains(w));
            let importance = if preferred {
                Importance::Preferred
            } else {
                Importance::Required
            };
            text_requirement(fw, line, importance, None, None)
        })
        .collect();
    if requirements.is_empty() {
        return Err(MatchError::NoRequirements {
            what: "the job text has no non-empty line".into(),
        });
    }
    let id = format!("job:{}", title.to_lowercase().replace(' ', "-"));
    Ok(Job {
        id,
        title: title.to_string(),
        requirements,
        frameworks: credbridge_profile::SkillResolver::versions(fw),
    })
}

/// One text line → a requirement on its best skill concept (or none).
fn text_requirement(
    fw: &Frameworks,
    text: &str,
    importance: Importance,
    min_level: Option<Ordinal>,
    field: Option<String>,
) -> Requirement {
    let options = SearchOptions::top(1);
    let best = credbridge_profile::frameworks::exact_label_preferred_first(fw, text)
        .into_iter()
        .find(|m| m.kind != ConceptKind::Occupation)
        .or_else(|| {
            fw.search_with(text, &options)
                .ok()
                .and_then(|v| v.into_iter().next())
        });
    let mapping = best
        .as_ref()
        .map(|m| Mapping::from(&mapping_of(m, m.matched_label.clone())));
    Requirement {
        concept: best.as_ref().map(|m| m.iri.clone()),
        label: best
            .as_ref()
            .map_or_else(|| text.to_string(), |m| m.label.clone()),
        importance,
        min_level,
        source: RequirementSource::Text {
            text: text.to_string(),
            field,
        },
        mapping,
        confirmed: false,
    }
}
