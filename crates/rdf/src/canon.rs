//! RDF Dataset Canonicalization, RDFC-1.0 (<https://www.w3.org/TR/rdf-canon/>).
//!
//! The algorithm is implemented over integer indices instead of strings: every blank node
//! gets a dense index in order of first appearance (subject, object, graph of each quad),
//! quads refer to their blank nodes by index, and hashes are fixed-size byte arrays
//! compared directly (byte order of a digest equals code point order of its hex form).
//! Text is only produced where the specification hashes text, into reused buffers.
//!
//! The common case for credentials is that every blank node has a distinct first-degree
//! hash; then the whole run is one pass of first-degree hashing, one sort and one
//! serialization. Hash N-Degree Quads only runs for ties, and there all work is counted
//! against [`CanonOptions`] so that a poison graph fails fast with a named limit instead
//! of enumerating factorially many permutations
//! (<https://www.w3.org/TR/rdf-canon/#dataset-poisoning>).

mod engine;

use sha2::Digest as _;

use crate::nquads::{NQuadsError, NQuadsLimits, parse_nquads_with_limits};
use crate::term::{Quad, Term};
use engine::{Engine, Run};

/// Default for [`CanonOptions::max_quads`].
pub const DEFAULT_MAX_QUADS: usize = 100_000;
/// Default for [`CanonOptions::max_blank_nodes`].
pub const DEFAULT_MAX_BLANK_NODES: usize = 20_000;
/// Default for [`CanonOptions::max_hndq_calls`]. The most any dataset of the RDFC-1.0 test
/// suite needs is 468 (test044–046); credentials normally need none.
pub const DEFAULT_MAX_HNDQ_CALLS: usize = 2_000;
/// Default for [`CanonOptions::max_permutations`]. The most the test suite needs is 2 880
/// (test044–046); the suite's 10-node poison clique would need 9! = 362 880 at its first
/// call and is refused before any of them is tried.
pub const DEFAULT_MAX_PERMUTATIONS: usize = 20_000;
/// Default for [`CanonOptions::max_hndq_depth`]: how deeply Hash N-Degree Quads may recurse
/// (the test suite needs 6; a ring of indistinguishable blank nodes recurses once per node).
pub const DEFAULT_MAX_HNDQ_DEPTH: usize = 64;

/// The hash function RDFC-1.0 runs with. The specification's default is SHA-256.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default)]
pub enum HashAlgorithm {
    /// SHA-256, the RDFC-1.0 default.
    #[default]
    Sha256,
    /// SHA-384 (used by the ecdsa-rdfc-2019 P-384 suite and test075 of the test suite).
    Sha384,
}

impl HashAlgorithm {
    /// The digest of `data`.
    pub fn digest(self, data: &[u8]) -> Vec<u8> {
        match self {
            HashAlgorithm::Sha256 => sha2::Sha256::digest(data).to_vec(),
            HashAlgorithm::Sha384 => sha2::Sha384::digest(data).to_vec(),
        }
    }

    /// Digest length in bytes.
    pub fn output_len(self) -> usize {
        match self {
            HashAlgorithm::Sha256 => 32,
            HashAlgorithm::Sha384 => 48,
        }
    }
}

/// Options for [`canonicalize`]: the hash function and the work limits.
///
/// Build with struct update syntax: `CanonOptions { hash: HashAlgorithm::Sha384,
/// ..CanonOptions::default() }`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CanonOptions {
    /// Hash used for every step of the algorithm.
    pub hash: HashAlgorithm,
    /// Largest accepted number of input quads.
    pub max_quads: usize,
    /// Largest accepted number of distinct blank nodes.
    pub max_blank_nodes: usize,
    /// Most calls of the Hash N-Degree Quads algorithm in one run, recursive ones included.
    pub max_hndq_calls: usize,
    /// Most permutations of related blank nodes examined in one run.
    pub max_permutations: usize,
    /// Deepest recursion of Hash N-Degree Quads.
    pub max_hndq_depth: usize,
}

impl Default for CanonOptions {
    fn default() -> Self {
        CanonOptions {
            hash: HashAlgorithm::Sha256,
            max_quads: DEFAULT_MAX_QUADS,
            max_blank_nodes: DEFAULT_MAX_BLANK_NODES,
            max_hndq_calls: DEFAULT_MAX_HNDQ_CALLS,
            max_permutations: DEFAULT_MAX_PERMUTATIONS,
            max_hndq_depth: DEFAULT_MAX_HNDQ_DEPTH,
        }
    }
}

/// Why a dataset could not be canonicalized.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum CanonError {
    /// The dataset has more quads than [`CanonOptions::max_quads`].
    #[error("dataset has {found} quads, more than the limit of {limit}")]
    TooManyQuads {
        /// The configured limit.
        limit: usize,
        /// The number of quads given.
        found: usize,
    },
    /// The dataset has more blank nodes than [`CanonOptions::max_blank_nodes`].
    #[error("dataset has more than {limit} blank nodes")]
    TooManyBlankNodes {
        /// The configured limit.
        limit: usize,
    },
    /// Hash N-Degree Quads was called more often than [`CanonOptions::max_hndq_calls`]:
    /// the dataset has many blank nodes that only their neighbours can tell apart.
    #[error(
        "canonicalization needs more than {limit} hash n-degree quads calls (possible poison graph; raise CanonOptions::max_hndq_calls only for trusted input)"
    )]
    HndqCallLimitExceeded {
        /// The configured limit.
        limit: usize,
    },
    /// More permutations of related blank nodes than [`CanonOptions::max_permutations`]
    /// would have to be examined.
    #[error(
        "canonicalization needs more than {limit} blank-node permutations (possible poison graph; raise CanonOptions::max_permutations only for trusted input)"
    )]
    PermutationLimitExceeded {
        /// The configured limit.
        limit: usize,
    },
    /// Hash N-Degree Quads recursed deeper than [`CanonOptions::max_hndq_depth`].
    #[error("hash n-degree quads recursion deeper than {limit} (possible poison graph)")]
    HndqDepthLimitExceeded {
        /// The configured limit.
        limit: usize,
    },
    /// A quad has a term that RDF does not allow in that position (a literal subject or
    /// graph name, a predicate that is not an IRI).
    #[error("quad {quad_index}: the {position} must not be {found}")]
    TermNotAllowed {
        /// Zero-based index of the quad in the input.
        quad_index: usize,
        /// "subject", "predicate", "object" or "graph".
        position: &'static str,
        /// What was there: "a literal" or "a blank node".
        found: &'static str,
    },
    /// An IRI that is relative or contains a character IRIs cannot contain; it could not
    /// be serialized unambiguously.
    #[error(
        "quad {quad_index}: {position} IRI <{iri}> is not an absolute IRI without forbidden characters"
    )]
    InvalidIri {
        /// Zero-based index of the quad in the input.
        quad_index: usize,
        /// "subject", "predicate", "object", "datatype" or "graph".
        position: &'static str,
        /// The offending IRI.
        iri: String,
    },
    /// A language tag not of the form `[a-zA-Z]+('-'[a-zA-Z0-9]+)*`.
    #[error("quad {quad_index}: invalid language tag {tag:?}")]
    InvalidLanguageTag {
        /// Zero-based index of the quad in the input.
        quad_index: usize,
        /// The offending tag.
        tag: String,
    },
    /// The N-Quads input of [`canonicalize_nquads`] did not parse.
    #[error("invalid N-Quads input: {0}")]
    NQuads(#[from] NQuadsError),
}

/// The result of [`canonicalize`].
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Canonical {
    /// The canonical quads, blank nodes relabelled `c14nN`, in the order of the lines of
    /// [`Canonical::nquads`] (duplicates removed).
    pub quads: Vec<Quad>,
    /// The canonical N-Quads document: one line per quad, sorted by code point, each line
    /// ending in `"\n"`. This is the text that is hashed and signed.
    pub nquads: String,
    /// The issued identifiers map: (input blank-node label, canonical label), in the order
    /// the canonical labels were issued (`c14n0`, `c14n1`, …).
    pub issued_identifiers: Vec<(String, String)>,
}

impl Canonical {
    /// The canonical label issued for an input blank-node label (without `_:`).
    pub fn canonical_label(&self, input_label: &str) -> Option<&str> {
        self.issued_identifiers
            .iter()
            .find(|(input, _)| input == input_label)
            .map(|(_, canonical)| canonical.as_str())
    }

    /// The hash of the canonical N-Quads text, as RDFC-based proofs compute it.
    pub fn hash(&self, algorithm: HashAlgorithm) -> Vec<u8> {
        algorithm.digest(self.nquads.as_bytes())
    }
}

/// Canonicalizes a dataset with RDFC-1.0: relabels blank nodes `c14nN`, sorts the
/// canonical N-Quads lines and reports the issued identifiers.
///
/// Duplicate quads are removed (a dataset is a set). If only the text is needed, the
/// cheaper [`canonical_nquads`] skips building the relabelled quads and the map.
///
/// # Errors
/// A [`CanonError`] naming the exceeded limit or the malformed quad.
pub fn canonicalize(quads: &[Quad], options: &CanonOptions) -> Result<Canonical, CanonError> {
    with_run(quads, options, |quads, run| {
        let canonical_labels: Vec<String> =
            run.canon_ids.iter().map(|id| format!("c14n{id}")).collect();
        let label = |bnode: u32| {
            canonical_labels
                .get(bnode as usize)
                .cloned()
                .unwrap_or_default()
        };
        let relabel = |term: &Term, slot: u32| match term {
            Term::BlankNode(_) => Term::BlankNode(label(slot)),
            other => other.clone(),
        };
        let canonical_quads = run
            .line_quads
            .iter()
            .filter_map(|&q| {
                let quad = quads.get(q as usize)?;
                let slots = run.slots.get(q as usize)?;
                Some(Quad {
                    subject: relabel(&quad.subject, slots[0]),
                    predicate: quad.predicate.clone(),
                    object: relabel(&quad.object, slots[1]),
                    graph: quad.graph.as_ref().map(|g| relabel(g, slots[2])),
                })
            })
            .collect();
        let issued_identifiers = run
            .issued
            .iter()
            .map(|&b| {
                let input = run.labels.get(b as usize).copied().unwrap_or_default();
                (input.to_owned(), label(b))
            })
            .collect();
        Canonical {
            quads: canonical_quads,
            nquads: run.nquads,
            issued_identifiers,
        }
    })
}

/// The canonical N-Quads text of a dataset, the hot path of RDFC-based proofs: same
/// result as [`canonicalize`]`(..).nquads` without building the relabelled quads.
///
/// # Errors
/// As [`canonicalize`].
pub fn canonical_nquads(quads: &[Quad], options: &CanonOptions) -> Result<String, CanonError> {
    with_run(quads, options, |_, run| run.nquads)
}

/// Checks every quad the way canonicalization does before it starts (IRIs, language tags,
/// term positions), without canonicalizing: for callers that only need to know a dataset
/// could be canonicalized and signed.
///
/// # Errors
/// The first [`CanonError::InvalidIri`], [`CanonError::InvalidLanguageTag`] or
/// [`CanonError::TermNotAllowed`].
pub fn validate_quads(quads: &[Quad]) -> Result<(), CanonError> {
    quads
        .iter()
        .enumerate()
        .try_for_each(|(index, quad)| engine::validate_quad(index, quad))
}

/// Parses N-Quads (at most [`CanonOptions::max_quads`] quads) and canonicalizes them.
///
/// # Errors
/// [`CanonError::NQuads`] for a syntax error, otherwise as [`canonicalize`].
pub fn canonicalize_nquads(input: &str, options: &CanonOptions) -> Result<Canonical, CanonError> {
    let limits = NQuadsLimits {
        max_quads: options.max_quads,
        ..NQuadsLimits::default()
    };
    let quads = parse_nquads_with_limits(input, &limits)?;
    canonicalize(&quads, options)
}

/// Runs the algorithm; if the input held duplicate quads, runs it again on the
/// deduplicated set.
fn with_run<R>(
    quads: &[Quad],
    options: &CanonOptions,
    finish: impl FnOnce(&[Quad], Run<'_>) -> R,
) -> Result<R, CanonError> {
    let run = Engine::run(quads, options)?;
    if !run.had_duplicates {
        return Ok(finish(quads, run));
    }
    let mut seen = std::collections::HashSet::with_capacity(quads.len());
    let unique: Vec<Quad> = quads.iter().filter(|q| seen.insert(*q)).cloned().collect();
    let run = Engine::run(&unique, options)?;
    Ok(finish(&unique, run))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::nquads::parse_nquads;

    fn canon(text: &str) -> Result<Canonical, CanonError> {
        canonicalize_nquads(text, &CanonOptions::default())
    }

    #[test]
    fn ground_dataset_is_sorted_and_deduplicated() {
        let c = canon("<a:s> <a:p> \"b\" .\n<a:s> <a:p> \"a\" .\n<a:s> <a:p> \"b\" .\n").unwrap();
        assert_eq!(c.nquads, "<a:s> <a:p> \"a\" .\n<a:s> <a:p> \"b\" .\n");
        assert_eq!(c.quads.len(), 2);
        assert!(c.issued_identifiers.is_empty());
    }

    #[test]
    fn duplicate_blank_node_quads_are_removed_before_hashing() {
        let with_duplicate =
            canon("_:x <a:p> _:y .\n_:x <a:p> _:y .\n_:y <a:q> \"v\" .\n").unwrap();
        let without = canon("_:y <a:q> \"v\" .\n_:x <a:p> _:y .\n").unwrap();
        assert_eq!(with_duplicate.nquads, without.nquads);
        assert_eq!(
            with_duplicate.issued_identifiers,
            without.issued_identifiers
        );
    }

    #[test]
    fn relabelled_quads_match_the_text() {
        let c = canon("_:x <a:p> _:y _:g .\n_:y <a:q> \"v\"@en .\n").unwrap();
        assert_eq!(crate::nquads::to_nquads(&c.quads), c.nquads);
        assert_eq!(parse_nquads(&c.nquads).unwrap(), c.quads);
        for (input, canonical) in &c.issued_identifiers {
            assert_eq!(c.canonical_label(input), Some(canonical.as_str()));
        }
        assert_eq!(c.canonical_label("nope"), None);
        assert_eq!(
            c.hash(HashAlgorithm::Sha256),
            HashAlgorithm::Sha256.digest(c.nquads.as_bytes())
        );
    }

    #[test]
    fn rejects_quads_that_are_not_rdf() {
        let s = |t: &str| Term::Iri(t.to_owned());
        let lit = Term::Literal(crate::Literal {
            value: "v".into(),
            datatype: crate::term::XSD_STRING.into(),
            language: None,
        });
        let quad = |subject, predicate, object, graph| Quad {
            subject,
            predicate,
            object,
            graph,
        };
        let cases = [
            (quad(lit.clone(), s("a:p"), s("a:o"), None), "subject"),
            (
                quad(s("a:s"), Term::BlankNode("p".into()), s("a:o"), None),
                "predicate",
            ),
            (
                quad(s("a:s"), s("a:p"), s("a:o"), Some(lit.clone())),
                "graph",
            ),
        ];
        for (q, position) in cases {
            let err = canonicalize(&[q], &CanonOptions::default()).unwrap_err();
            assert!(
                matches!(err, CanonError::TermNotAllowed { position: p, .. } if p == position),
                "{err}"
            );
        }
        // An IRI that would inject a second statement into the canonical text.
        let injected = quad(s("a:s"), s("a:p"), s("a:o> <a:x> <a:y"), None);
        assert!(matches!(
            canonicalize(&[injected], &CanonOptions::default()),
            Err(CanonError::InvalidIri {
                position: "object",
                ..
            })
        ));
        let relative = quad(s("a:s"), s("p"), s("a:o"), None);
        assert!(matches!(
            canonicalize(&[relative], &CanonOptions::default()),
            Err(CanonError::InvalidIri {
                position: "predicate",
                ..
            })
        ));
        let bad_tag = quad(
            s("a:s"),
            s("a:p"),
            Term::Literal(crate::Literal {
                value: "v".into(),
                datatype: crate::term::RDF_LANG_STRING.into(),
                language: Some("en .\n<a:x> <a:y> <a:z>".into()),
            }),
            None,
        );
        assert!(matches!(
            canonicalize(&[bad_tag], &CanonOptions::default()),
            Err(CanonError::InvalidLanguageTag { quad_index: 0, .. })
        ));
    }

    #[test]
    fn quad_and_blank_node_limits() {
        let text = "_:a <a:p> _:b .\n_:b <a:p> _:c .\n";
        let options = CanonOptions {
            max_quads: 1,
            ..CanonOptions::default()
        };
        assert!(matches!(
            canonicalize_nquads(text, &options),
            Err(CanonError::NQuads(NQuadsError::TooManyQuads {
                limit: 1,
                ..
            }))
        ));
        let quads = parse_nquads(text).unwrap();
        assert_eq!(
            canonicalize(&quads, &options),
            Err(CanonError::TooManyQuads { limit: 1, found: 2 })
        );
        let options = CanonOptions {
            max_blank_nodes: 2,
            ..CanonOptions::default()
        };
        assert_eq!(
            canonicalize(&quads, &options),
            Err(CanonError::TooManyBlankNodes { limit: 2 })
        );
    }

    /// `n` blank nodes, every one linked to every other: the rdf-canon suite's poison graph.
    fn clique(n: usize) -> String {
        let mut text = String::new();
        for i in 0..n {
            for j in 0..n {
                text.push_str(&format!("_:e{i} <http://example.com/p> _:e{j} .\n"));
            }
        }
        text
    }

    /// A ring of `n` blank nodes that only their position in the ring tells apart.
    fn ring(n: usize) -> String {
        (0..n)
            .map(|i| format!("_:r{i} <http://example.com/next> _:r{} .\n", (i + 1) % n))
            .collect()
    }

    #[test]
    fn poison_clique_fails_on_the_permutation_limit_before_any_work() {
        let err = canon(&clique(10)).unwrap_err();
        assert_eq!(
            err,
            CanonError::PermutationLimitExceeded {
                limit: DEFAULT_MAX_PERMUTATIONS
            }
        );
        assert!(err.to_string().contains("poison"));
    }

    #[test]
    fn poison_clique_fails_on_the_call_limit_when_permutations_are_unbounded() {
        let options = CanonOptions {
            max_permutations: usize::MAX,
            max_hndq_calls: 500,
            ..CanonOptions::default()
        };
        assert_eq!(
            canonicalize_nquads(&clique(10), &options),
            Err(CanonError::HndqCallLimitExceeded { limit: 500 })
        );
    }

    #[test]
    fn small_clique_is_canonicalized() {
        // 4-clique: 4 top-level calls, each with 3! permutations and recursion.
        let c = canon(&clique(4)).unwrap();
        assert_eq!(c.issued_identifiers.len(), 4);
        assert_eq!(c.nquads.lines().count(), 16);
    }

    #[test]
    fn long_ring_hits_the_depth_limit_then_the_call_limit() {
        assert_eq!(
            canon(&ring(100)),
            Err(CanonError::HndqDepthLimitExceeded {
                limit: DEFAULT_MAX_HNDQ_DEPTH
            })
        );
        let options = CanonOptions {
            max_hndq_depth: 1_000,
            ..CanonOptions::default()
        };
        assert_eq!(
            canonicalize_nquads(&ring(100), &options),
            Err(CanonError::HndqCallLimitExceeded {
                limit: DEFAULT_MAX_HNDQ_CALLS
            })
        );
        // Short rings are fine with the defaults.
        let c = canon(&ring(8)).unwrap();
        assert_eq!(c.issued_identifiers.len(), 8);
    }

    #[test]
    fn many_isolated_twins_stay_cheap() {
        // 1 000 blank nodes with the same first-degree hash but no blank-node neighbours:
        // one trivial Hash N-Degree Quads call each.
        let text: String = (0..1_000)
            .map(|i| format!("_:t{i} <a:p> \"same\" .\n"))
            .collect();
        let c = canon(&text).unwrap();
        assert_eq!(c.issued_identifiers.len(), 1_000);
        assert_eq!(
            c.issued_identifiers[0],
            ("t0".to_owned(), "c14n0".to_owned())
        );
    }

    #[test]
    fn sha384_changes_the_labelling_order() {
        // Two blank nodes told apart only by their literal are labelled in the order of
        // their first-degree hashes: sha256("_:a <a:p> \"a\" .\n") sorts after the "b"
        // line's hash, sha384 sorts before it.
        let text = "_:x <a:p> \"a\" .\n_:y <a:p> \"b\" .\n";
        let labels = |hash| {
            let options = CanonOptions {
                hash,
                ..CanonOptions::default()
            };
            let c = canonicalize_nquads(text, &options).unwrap();
            (c.canonical_label("x").unwrap().to_owned(), c.nquads)
        };
        let (x256, text256) = labels(HashAlgorithm::Sha256);
        let (x384, text384) = labels(HashAlgorithm::Sha384);
        assert_eq!((x256.as_str(), x384.as_str()), ("c14n1", "c14n0"));
        assert_ne!(text256, text384);
    }
}
