//! The [`SkillResolver`] seam over the loaded skill frameworks (`credbridge_skills::Frameworks`).

use std::collections::BTreeSet;

use credbridge_skills::{Frameworks, Match, Method};

use crate::profile::{ConceptMapping, ConceptRef, MappingMethod, Resolution, SkillResolver};
use crate::record::AlignmentRecord;

/// How far up a hierarchy the profile looks for a group.
const MAX_HIERARCHY_DEPTH: usize = 12;

/// How many search hits free-text inference looks at before its containment test.
const INFER_POOL: usize = 8;

fn method(m: Method) -> MappingMethod {
    match m {
        Method::ExactIri => MappingMethod::Exact,
        Method::Crosswalk => MappingMethod::Crosswalk,
        Method::Hierarchy => MappingMethod::Hierarchy,
        Method::ExactLabel | Method::Lexical => MappingMethod::Lexical,
        Method::Semantic => MappingMethod::Semantic,
        // A method newer than this adapter is treated as the least trusted one.
        _ => MappingMethod::Semantic,
    }
}

/// A search hit as a mapping. Scores of declared methods are 1; inferred scores are the layer's own.
pub fn mapping_of(m: &Match, via: Option<String>) -> ConceptMapping {
    ConceptMapping {
        iri: m.iri.clone(),
        label: m.label.clone(),
        framework: m.framework.name().to_string(),
        framework_version: m.version.to_string(),
        method: method(m.method),
        score: m.score,
        via,
    }
}

/// Lower-case word tokens (letters and digits), for the containment test of inference.
fn tokens(text: &str) -> BTreeSet<String> {
    text.split(|c: char| !c.is_alphanumeric())
        .filter(|t| !t.is_empty())
        .map(str::to_lowercase)
        .collect()
}

/// Concepts whose label equals `text`, those whose *preferred* label it is first ("project
/// management" is ESCO's preferred label of one concept and an alternative label of "project
/// commissioning").
pub fn exact_label_preferred_first(fw: &Frameworks, text: &str) -> Vec<Match> {
    let mut hits = fw.exact_label(text);
    hits.sort_by_key(|m| match m.matched_field {
        Some(credbridge_skills::LabelField::Preferred) => 0,
        Some(credbridge_skills::LabelField::Alternative) => 1,
        _ => 2,
    });
    hits
}

impl SkillResolver for Frameworks {
    fn versions(&self) -> Vec<(String, String)> {
        let mut seen: BTreeSet<(String, String)> = BTreeSet::new();
        for (_, concept) in self.store().iter() {
            seen.insert((
                concept.framework.name().to_string(),
                concept.version.to_string(),
            ));
        }
        seen.into_iter().collect()
    }

    fn resolve_alignment(&self, a: &AlignmentRecord) -> Resolution {
        let resolution = Frameworks::resolve_alignment(
            self,
            a.target_url.as_deref(),
            a.target_name.as_deref(),
            a.target_framework.as_deref(),
            a.target_code.as_deref(),
        );
        match resolution {
            credbridge_skills::Resolution::Resolved {
                concept, source, ..
            } => Resolution::Resolved {
                mapping: mapping_of(&concept, source),
            },
            credbridge_skills::Resolution::Unresolved { message, .. } => {
                Resolution::Unresolved { reason: message }
            }
            // A resolution kind newer than this adapter reaches nothing rather than something unexplained.
            _ => Resolution::Unresolved {
                reason: "the skills resolver gave an outcome this version cannot read".into(),
            },
        }
    }

    /// Free text suggests a concept only when every word of the matched label appears in the text,
    /// and a one-word label only when the text writes it capitalized (a name such as "Python" or
    /// "SQL", not a common word such as "data"): "Python for data work" suggests Python (computer
    /// programming) through its alternative label "Python", and not statistics through "data".
    fn infer(&self, text: &str, top: usize) -> Vec<ConceptMapping> {
        let words = tokens(text);
        if words.is_empty() {
            return Vec::new();
        }
        let mut hits = exact_label_preferred_first(self, text);
        if hits.is_empty() {
            hits = self.search(text, INFER_POOL).unwrap_or_default();
        }
        let capitalized: BTreeSet<String> = text
            .split(|c: char| !c.is_alphanumeric())
            .filter(|t| t.chars().next().is_some_and(char::is_uppercase))
            .map(str::to_lowercase)
            .collect();
        let mut out: Vec<ConceptMapping> = Vec::new();
        for hit in hits {
            let label = hit.matched_label.as_deref().unwrap_or(&hit.label);
            let label_words = tokens(label);
            if label_words.is_empty() || !label_words.is_subset(&words) {
                continue;
            }
            if label_words.len() == 1 && !label_words.is_subset(&capitalized) {
                continue;
            }
            if out.iter().any(|m| m.iri == hit.iri) {
                continue;
            }
            out.push(mapping_of(&hit, hit.matched_label.clone()));
            if out.len() >= top {
                break;
            }
        }
        out
    }

    fn broader(&self, iri: &str) -> Vec<ConceptRef> {
        let mut out = Vec::new();
        let mut current = iri.to_string();
        while out.len() < MAX_HIERARCHY_DEPTH {
            let Some(up) = Frameworks::broader(self, &current).into_iter().next() else {
                break;
            };
            if out.iter().any(|c: &ConceptRef| c.iri == up.iri) {
                break;
            }
            current = up.iri.clone();
            out.push(ConceptRef {
                iri: up.iri.clone(),
                label: up.pref_label.clone(),
            });
        }
        out
    }
}
