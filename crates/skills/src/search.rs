//! Ranked search over the concept store: the lexical layer, optionally fused with the semantic layer.

use std::sync::Arc;

use serde::Serialize;

use crate::concept::{Concept, ConceptId, ConceptKind, Framework};
use crate::lexical::LabelField;

/// How a concept was reached. The first three are declared by a publisher; the rest are inferred and never
/// make a skill verified.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
#[non_exhaustive]
pub enum Method {
    /// The IRI given is the concept's IRI.
    ExactIri,
    /// A publisher declared the given IRI equal to the concept (CASE `exactMatchOf`, RSD alignment, ELM
    /// `relatedESCOSkill`, CTDL `exactAlignment`).
    Crosswalk,
    /// Reached through the framework's hierarchy (broader/narrower).
    Hierarchy,
    /// A label equals the text after normalization (case, punctuation, spacing).
    ExactLabel,
    /// Ranked by the lexical layer (labels, alternative labels, description).
    Lexical,
    /// Ranked by the semantic layer (sentence embedding).
    Semantic,
}

impl Method {
    /// Whether the mapping is inferred by us rather than declared by a publisher.
    pub fn is_inferred(self) -> bool {
        matches!(
            self,
            Method::ExactLabel | Method::Lexical | Method::Semantic
        )
    }
}

/// One ranked concept.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Match {
    /// The concept's IRI.
    pub iri: String,
    /// Its framework.
    pub framework: Framework,
    /// The framework version it comes from.
    pub version: Arc<str>,
    /// What the concept is.
    pub kind: ConceptKind,
    /// Its preferred label.
    pub label: String,
    /// How it was reached.
    pub method: Method,
    /// `true` for inferred methods (see [`Method::is_inferred`]).
    pub inferred: bool,
    /// The label that matched, when it is not the preferred label.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub matched_label: Option<String>,
    /// Which label field matched.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub matched_field: Option<LabelField>,
    /// Score of the layer that produced the match (higher is better; comparable within one search only).
    pub score: f32,
}

impl Match {
    pub(crate) fn new(concept: &Concept, method: Method, score: f32) -> Self {
        Match {
            iri: concept.iri.clone(),
            framework: concept.framework,
            version: Arc::clone(&concept.version),
            kind: concept.kind,
            label: concept.pref_label.clone(),
            method,
            inferred: method.is_inferred(),
            matched_label: None,
            matched_field: None,
            score,
        }
    }
}

/// Options of one search.
#[derive(Debug, Clone, PartialEq)]
pub struct SearchOptions {
    /// Most results returned (at most [`crate::limits::MAX_TOP_N`]).
    pub top_n: usize,
    /// Only these frameworks (all when empty).
    pub frameworks: Vec<Framework>,
    /// Only these kinds (all searchable kinds when empty).
    pub kinds: Vec<ConceptKind>,
}

impl SearchOptions {
    /// The first `top_n` results over every framework and kind.
    pub fn top(top_n: usize) -> Self {
        SearchOptions {
            top_n,
            frameworks: Vec::new(),
            kinds: Vec::new(),
        }
    }

    pub(crate) fn accepts(&self, c: &Concept) -> bool {
        (self.frameworks.is_empty() || self.frameworks.contains(&c.framework))
            && (self.kinds.is_empty() || self.kinds.contains(&c.kind))
    }
}

/// A fused candidate before it becomes a [`Match`].
#[derive(Debug, Clone, Copy)]
pub(crate) struct Candidate {
    pub(crate) concept: ConceptId,
    pub(crate) score: f32,
    pub(crate) method: Method,
    pub(crate) field: Option<LabelField>,
    pub(crate) label_index: u32,
}

/// The text of the label a lexical hit matched.
pub(crate) fn label_text(c: &Concept, field: LabelField, index: u32) -> Option<&str> {
    match field {
        LabelField::Preferred | LabelField::Description | LabelField::Acronym => None,
        LabelField::Alternative => c.alt_labels.get(index as usize).map(String::as_str),
        LabelField::Hidden => c.hidden_labels.get(index as usize).map(String::as_str),
    }
}
