//! Achievement templates: an OB 3.0 `Achievement` written by hand in YAML or JSON, with the
//! Achievement's own property names (so a lint pointer into the template is a pointer into the
//! file the author wrote), plus a few issuance-policy keys that never reach the credential:
//! `expiry`, `program`.
//!
//! ```yaml
//! id: https://example.edu/achievements/welding-1
//! name: Welding Level 1
//! description: Safe MIG welding of mild steel plate.
//! achievementType: Certificate
//! criteria:
//!   narrative: >-
//!     The learner completed 40 supervised hours and passed a practical test of three
//!     butt welds inspected against ISO 5817 level C.
//! alignment:
//!   - targetName: perform metal active gas welding
//!     targetUrl: http://data.europa.eu/esco/skill/60ff3eac-7d4d-4e51-87b8-74c3b5d62498
//!     targetFramework: ESCO
//! expiry: { days: 1095 }
//! ```

use std::path::Path;

use serde::{Deserialize, Serialize};
use serde_json::{Map, Value, json};

use crate::error::IssueError;
use crate::issuer::read_bounded;

/// Largest template file read, in bytes.
pub const MAX_TEMPLATE_BYTES: u64 = 1024 * 1024;

/// Keys of a template that are issuance policy, not Achievement properties.
pub const POLICY_KEYS: &[&str] = &["expiry", "program", "evidenceRequired"];

/// How long credentials from a template stay valid (the lint asks that this is stated).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Expiry {
    /// No `validUntil`: the achievement does not lapse.
    Never,
    /// `validUntil` = award date + this many days.
    Days(u32),
}

/// A program: the template's achievement is the parent of others, issued as a CLR 2.0 per
/// learner with `isChildOf`/`isParentOf` associations (and `precedes` when ordered).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Program {
    /// Ids of the child achievements (their templates are passed alongside).
    pub children: Vec<String>,
    /// The children form a sequence (each `precedes` the next).
    #[serde(default)]
    pub ordered: bool,
}

/// The typed part of a template, checked on load; everything else is carried as JSON.
#[derive(Debug, Clone, Deserialize)]
#[serde(rename_all = "camelCase")]
struct TemplateShape {
    id: String,
    name: String,
    #[serde(default)]
    expiry: Option<Expiry>,
    #[serde(default)]
    program: Option<Program>,
    #[serde(default)]
    evidence_required: bool,
}

/// A loaded template.
#[derive(Debug, Clone)]
pub struct Template {
    /// The template as written (JSON form of the YAML), for the lint.
    pub source: Value,
    /// The Achievement id.
    pub id: String,
    /// The Achievement name.
    pub name: String,
    /// Expiry policy, if stated.
    pub expiry: Option<Expiry>,
    /// Program structure, if this is a program.
    pub program: Option<Program>,
    /// Each row must carry an evidence URL.
    pub evidence_required: bool,
    /// The OB 3.0 `Achievement` built once from the template.
    pub achievement: Value,
}

impl Template {
    /// Parses a template from YAML or JSON text (JSON is YAML, so one parser serves both).
    pub fn parse(text: &str, path: &Path) -> Result<Template, IssueError> {
        let source: Value = if text.trim_start().starts_with('{') {
            serde_json::from_str(text).map_err(|e| e.to_string())
        } else {
            serde_norway::from_str(text).map_err(|e| e.to_string())
        }
        .map_err(|reason| IssueError::Parse {
            what: "template",
            path: path.to_owned(),
            reason,
        })?;
        Template::from_value(source, path)
    }

    /// Reads and parses a template file (at most [`MAX_TEMPLATE_BYTES`]).
    pub fn load(path: &Path) -> Result<Template, IssueError> {
        let bytes = read_bounded(path, MAX_TEMPLATE_BYTES, "template bytes")?;
        let text = String::from_utf8(bytes).map_err(|e| IssueError::Parse {
            what: "template",
            path: path.to_owned(),
            reason: e.to_string(),
        })?;
        Template::parse(&text, path)
    }

    /// A template from its JSON form.
    pub fn from_value(source: Value, path: &Path) -> Result<Template, IssueError> {
        if !source.is_object() {
            return Err(IssueError::TemplateInvalid {
                pointer: String::new(),
                reason: "the template is not a mapping".into(),
                hint: "start the file with `id:` and `name:` lines",
            });
        }
        let shape: TemplateShape =
            serde_json::from_value(source.clone()).map_err(|e| IssueError::Parse {
                what: "template",
                path: path.to_owned(),
                reason: e.to_string(),
            })?;
        if !looks_like_iri(&shape.id) {
            return Err(IssueError::TemplateInvalid {
                pointer: "/id".into(),
                reason: format!("{:?} is not an IRI", shape.id),
                hint: "use a stable URL such as https://your.domain/achievements/NAME",
            });
        }
        let achievement = achievement_json(&source);
        Ok(Template {
            id: shape.id,
            name: shape.name,
            expiry: shape.expiry,
            program: shape.program,
            evidence_required: shape.evidence_required,
            achievement,
            source,
        })
    }
}

pub(crate) fn looks_like_iri(text: &str) -> bool {
    let Some((scheme, rest)) = text.split_once(':') else {
        return false;
    };
    !rest.is_empty()
        && !text.contains(char::is_whitespace)
        && scheme
            .chars()
            .next()
            .is_some_and(|c| c.is_ascii_alphabetic())
        && scheme
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || matches!(c, '+' | '-' | '.'))
}

fn with_type(value: &Value, type_name: &str) -> Value {
    match value {
        Value::Object(map) => {
            let mut out = Map::new();
            if !map.contains_key("type") {
                out.insert("type".into(), json!([type_name]));
            }
            for (k, v) in map {
                out.insert(k.clone(), v.clone());
            }
            Value::Object(out)
        }
        other => other.clone(),
    }
}

fn typed_list(value: &Value, type_name: &str) -> Value {
    match value {
        Value::Array(items) => {
            Value::Array(items.iter().map(|v| with_type(v, type_name)).collect())
        }
        one => Value::Array(vec![with_type(one, type_name)]),
    }
}

/// The OB 3.0 Achievement of a template: its properties minus the policy keys, with the
/// `type` of each nested class filled in where the author left it out.
fn achievement_json(source: &Value) -> Value {
    let mut out = Map::new();
    out.insert(
        "id".into(),
        source.get("id").cloned().unwrap_or(Value::Null),
    );
    out.insert("type".into(), json!(["Achievement"]));
    let Some(map) = source.as_object() else {
        return Value::Object(out);
    };
    for (key, value) in map {
        if POLICY_KEYS.contains(&key.as_str()) || key == "id" || key == "type" {
            continue;
        }
        let value = match key.as_str() {
            "alignment" => typed_list(value, "Alignment"),
            "related" => typed_list(value, "Related"),
            // The OB 3.0 schema wants Image.type as a string, not an array.
            "image" => match value {
                Value::Object(map) if !map.contains_key("type") => {
                    let mut out = Map::new();
                    out.insert("id".into(), map.get("id").cloned().unwrap_or(Value::Null));
                    out.insert("type".into(), "Image".into());
                    out.extend(
                        map.iter()
                            .filter(|(k, _)| *k != "id")
                            .map(|(k, v)| (k.clone(), v.clone())),
                    );
                    Value::Object(out)
                }
                Value::String(s) => json!({"id": s, "type": "Image"}),
                other => other.clone(),
            },
            "tag" => match value {
                Value::String(s) => json!([s]),
                other => other.clone(),
            },
            "resultDescription" => {
                let mut list = typed_list(value, "ResultDescription");
                if let Some(items) = list.as_array_mut() {
                    for item in items.iter_mut().filter_map(Value::as_object_mut) {
                        if let Some(levels) = item.get("rubricCriterionLevel") {
                            let typed = typed_list(levels, "RubricCriterionLevel");
                            item.insert("rubricCriterionLevel".into(), typed);
                        }
                    }
                }
                list
            }
            _ => value.clone(),
        };
        out.insert(key.clone(), value);
    }
    Value::Object(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn yaml_template_becomes_an_achievement_with_types() {
        let t = Template::parse(
            "id: https://example.edu/a/1\nname: A\ndescription: d\ncriteria: {narrative: n}\n\
             alignment:\n  - targetName: x\n    targetUrl: https://x.example/1\nexpiry: never\n\
             resultDescription:\n  - id: urn:rd\n    name: Level\n    resultType: RubricCriterionLevel\n    rubricCriterionLevel:\n      - {id: urn:l1, name: Pass}\n",
            Path::new("t.yaml"),
        )
        .unwrap();
        assert_eq!(t.expiry, Some(Expiry::Never));
        assert_eq!(t.achievement["type"], json!(["Achievement"]));
        assert_eq!(t.achievement["alignment"][0]["type"], json!(["Alignment"]));
        assert_eq!(
            t.achievement["resultDescription"][0]["rubricCriterionLevel"][0]["type"],
            json!(["RubricCriterionLevel"])
        );
        assert!(t.achievement.get("expiry").is_none());
    }

    #[test]
    fn template_without_iri_id_is_refused_with_pointer() {
        let err = Template::parse("id: welding\nname: W\n", Path::new("t.yaml")).unwrap_err();
        assert!(err.to_string().contains("/id"), "{err}");
    }
}
