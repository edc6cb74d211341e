//! Levels: every issuer's scale onto one ordinal scale (aware / working / proficient / expert),
//! always with the raw value kept beside it.
//!
//! The rule (versioned as [`LEVEL_RULES_VERSION`]): a result's position on the issuer's own
//! ordered scale, as a fraction `p` in `[0, 1]`:
//! - a rubric level (`achievedLevel`): `(points - min) / (max - min)` when every level of the
//!   description has `points`, else `index / (n - 1)` in the order the issuer listed them;
//! - a numeric value (`Percent`, `ScaledScore`, `RawScore`, `GradePointAverage`, `RubricScore`)
//!   between `valueMin` and `valueMax` (Percent defaults to 0–100);
//! - a value from `allowedValue` (ordered low → high by the specification): `index / (n - 1)`.
//!
//! Then `p < 0.25` → aware, `< 0.5` → working, `< 0.75` → proficient, else expert. A four-level
//! rubric lands one to one; a missing level is *unknown*, never the lowest.

use serde::{Deserialize, Serialize};
use serde_json::Value;

use crate::json::{array, str_at};

/// The version of the level rule, pinned in every profile.
pub const LEVEL_RULES_VERSION: &str = "credbridge-levels/1";

/// The one ordinal scale.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum Ordinal {
    /// 1: knows of it.
    Aware,
    /// 2: can do it with help.
    Working,
    /// 3: can do it alone.
    Proficient,
    /// 4: can teach it.
    Expert,
}

impl Ordinal {
    /// 1 to 4.
    pub fn rank(self) -> u8 {
        match self {
            Ordinal::Aware => 1,
            Ordinal::Working => 2,
            Ordinal::Proficient => 3,
            Ordinal::Expert => 4,
        }
    }

    /// The ordinal for a position `p` on the issuer's scale.
    pub fn from_fraction(p: f64) -> Ordinal {
        if p < 0.25 {
            Ordinal::Aware
        } else if p < 0.5 {
            Ordinal::Working
        } else if p < 0.75 {
            Ordinal::Proficient
        } else {
            Ordinal::Expert
        }
    }

    /// The word shown to people.
    pub fn word(self) -> &'static str {
        match self {
            Ordinal::Aware => "aware",
            Ordinal::Working => "working",
            Ordinal::Proficient => "proficient",
            Ordinal::Expert => "expert",
        }
    }
}

/// A level: the ordinal and what the issuer wrote.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Level {
    /// On the one scale.
    pub ordinal: Ordinal,
    /// The position on the issuer's scale, 0 to 1.
    pub fraction: f64,
    /// What the credential says (the rubric level's name, the value), unchanged.
    pub raw: String,
    /// How it was placed: `rubric-points`, `rubric-order`, `value-range`, `allowed-values`.
    pub method: &'static str,
}

/// Places one OB 3.0 `result` on the scale, given the achievement's `resultDescription` list.
pub(crate) fn normalize(result: &Value, descriptions: &[Value]) -> Option<Level> {
    let description = str_at(result, "resultDescription")
        .and_then(|id| descriptions.iter().find(|d| str_at(d, "id") == Some(id)));
    if let Some(level_id) = str_at(result, "achievedLevel") {
        return description.and_then(|d| rubric_level(d, level_id));
    }
    let value = str_at(result, "value")?;
    let description = description?;
    if let Some(level) = allowed_value(description, value) {
        return Some(level);
    }
    value_range(description, value)
}

fn rubric_level(description: &Value, level_id: &str) -> Option<Level> {
    let levels = array(description, "rubricCriterionLevel");
    let index = levels
        .iter()
        .position(|l| str_at(l, "id") == Some(level_id))?;
    let chosen = levels.get(index)?;
    let raw = str_at(chosen, "name").unwrap_or(level_id).to_string();
    let points: Option<Vec<f64>> = levels.iter().map(points_of).collect();
    if let (Some(points), Some(own)) = (points, points_of(chosen)) {
        let (min, max) = points
            .iter()
            .fold((f64::INFINITY, f64::NEG_INFINITY), |(lo, hi), p| {
                (lo.min(*p), hi.max(*p))
            });
        if max > min {
            let fraction = (own - min) / (max - min);
            return Some(level(fraction, raw, "rubric-points"));
        }
    }
    let n = levels.len();
    if n < 2 {
        return None;
    }
    let fraction = index as f64 / (n - 1) as f64;
    Some(level(fraction, raw, "rubric-order"))
}

/// `points` is a string in OB 3.0 (`"points": "4"`); tolerate a number.
fn points_of(level: &Value) -> Option<f64> {
    match level.get("points")? {
        Value::Number(n) => n.as_f64(),
        Value::String(s) => s.trim().parse().ok(),
        _ => None,
    }
}

fn allowed_value(description: &Value, value: &str) -> Option<Level> {
    let allowed: Vec<&str> = array(description, "allowedValue")
        .iter()
        .filter_map(Value::as_str)
        .collect();
    if allowed.len() < 2 {
        return None;
    }
    let index = allowed
        .iter()
        .position(|a| a.trim().eq_ignore_ascii_case(value.trim()))?;
    let fraction = index as f64 / (allowed.len() - 1) as f64;
    Some(level(fraction, value.to_string(), "allowed-values"))
}

fn value_range(description: &Value, value: &str) -> Option<Level> {
    let result_type = str_at(description, "resultType").unwrap_or_default();
    let numeric = matches!(
        result_type,
        "Percent" | "ScaledScore" | "RawScore" | "GradePointAverage" | "RubricScore"
    );
    if !numeric {
        return None;
    }
    let v: f64 = value.trim().trim_end_matches('%').trim().parse().ok()?;
    let bound = |key: &str| str_at(description, key).and_then(|s| s.trim().parse::<f64>().ok());
    let (min, max) = match (bound("valueMin"), bound("valueMax"), result_type) {
        (Some(min), Some(max), _) => (min, max),
        (None, None, "Percent") => (0.0, 100.0),
        (min, Some(max), _) => (min.unwrap_or(0.0), max),
        _ => return None,
    };
    if max <= min || !v.is_finite() {
        return None;
    }
    let fraction = ((v - min) / (max - min)).clamp(0.0, 1.0);
    Some(level(fraction, value.to_string(), "value-range"))
}

fn level(fraction: f64, raw: String, method: &'static str) -> Level {
    Level {
        ordinal: Ordinal::from_fraction(fraction),
        fraction,
        raw,
        method,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn rubric(points: bool) -> Value {
        let levels: Vec<Value> = ["Novice", "Developing", "Proficient", "Exemplary"]
            .iter()
            .enumerate()
            .map(|(i, name)| {
                let mut l = json!({"id": format!("urn:l{i}"), "type": "RubricCriterionLevel", "name": name});
                if points {
                    l["points"] = json!(format!("{}", (i + 1) * 5));
                }
                l
            })
            .collect();
        json!({"id": "urn:rd", "resultType": "RubricCriterionLevel", "rubricCriterionLevel": levels})
    }

    #[test]
    fn four_level_rubric_maps_one_to_one_by_order_and_by_points() {
        for points in [false, true] {
            let rd = [rubric(points)];
            let got: Vec<Ordinal> = (0..4)
                .map(|i| {
                    let r = json!({"resultDescription": "urn:rd", "achievedLevel": format!("urn:l{i}")});
                    normalize(&r, &rd).map(|l| l.ordinal).unwrap()
                })
                .collect();
            assert_eq!(
                got,
                [
                    Ordinal::Aware,
                    Ordinal::Working,
                    Ordinal::Proficient,
                    Ordinal::Expert
                ]
            );
        }
        let r = json!({"resultDescription": "urn:rd", "achievedLevel": "urn:l2"});
        let l = normalize(&r, &[rubric(true)]).unwrap();
        assert_eq!((l.raw.as_str(), l.method), ("Proficient", "rubric-points"));
    }

    #[test]
    fn percent_and_allowed_values_and_unknowns() {
        let pct = [json!({"id": "urn:p", "resultType": "Percent"})];
        let l = normalize(&json!({"resultDescription": "urn:p", "value": "92"}), &pct).unwrap();
        assert_eq!((l.ordinal, l.raw.as_str()), (Ordinal::Expert, "92"));
        let l = normalize(&json!({"resultDescription": "urn:p", "value": "30%"}), &pct).unwrap();
        assert_eq!(l.ordinal, Ordinal::Working);
        let grades = [
            json!({"id": "urn:g", "resultType": "LetterGrade", "allowedValue": ["D", "C", "B", "A"]}),
        ];
        let l = normalize(
            &json!({"resultDescription": "urn:g", "value": "B"}),
            &grades,
        )
        .unwrap();
        assert_eq!(l.ordinal, Ordinal::Proficient);
        // A status with no level, an unknown level id, a letter grade without a scale: unknown.
        assert!(normalize(&json!({"status": "Completed"}), &grades).is_none());
        assert!(
            normalize(
                &json!({"resultDescription": "urn:rd", "achievedLevel": "urn:nope"}),
                &[rubric(false)]
            )
            .is_none()
        );
        let loose = [json!({"id": "urn:x", "resultType": "LetterGrade"})];
        assert!(normalize(&json!({"resultDescription": "urn:x", "value": "A"}), &loose).is_none());
    }
}
