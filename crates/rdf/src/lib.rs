//! credbridge-rdf: RDF terms and quads, N-Quads parsing and canonical serialization, and
//! RDF Dataset Canonicalization (RDFC-1.0), the transform under every `*-rdfc-*`
//! Data Integrity cryptosuite.
//!
//! **Not here:** JSON-LD (context processing, expansion, toRdf live in `credbridge-jsonld`,
//! which produces the [`Quad`]s this crate consumes), anything about credentials or
//! proofs (`credbridge-proofs` hashes and signs the canonical text), and I/O: every function
//! takes text or quads in memory and returns values.
//!
//! # Main types
//! - [`Term`], [`Literal`], [`Quad`]: plain owned values shared with the JSON-LD crate.
//! - [`parse_nquads`] / [`write_quad`] / [`to_nquads`]: strict RDF 1.1 N-Quads in, canonical
//!   N-Quads out, with [`NQuadsError`] carrying line and column.
//! - [`canonicalize`] → [`Canonical`] (canonical quads, canonical N-Quads text, issued
//!   identifiers map); [`canonical_nquads`] is the allocation-lean hot path that returns
//!   only the text; [`canonicalize_nquads`] parses first. [`CanonOptions`] selects the
//!   [`HashAlgorithm`] and bounds the work; [`CanonError`] names the limit that stopped it.
//!
//! # Example
//! ```
//! use credbridge_rdf::{CanonOptions, HashAlgorithm, canonicalize_nquads};
//!
//! let input = "_:issuer <https://schema.org/name> \"Example\" .\n\
//!              <urn:cred:1> <https://www.w3.org/2018/credentials#issuer> _:issuer .\n";
//! let canonical = canonicalize_nquads(input, &CanonOptions::default())?;
//! assert_eq!(
//!     canonical.nquads,
//!     "<urn:cred:1> <https://www.w3.org/2018/credentials#issuer> _:c14n0 .\n\
//!      _:c14n0 <https://schema.org/name> \"Example\" .\n"
//! );
//! assert_eq!(canonical.canonical_label("issuer"), Some("c14n0"));
//! let digest = canonical.hash(HashAlgorithm::Sha256);
//! assert_eq!(digest.len(), 32);
//! # Ok::<(), credbridge_rdf::CanonError>(())
//! ```
//!
//! # Design decisions
//! - **Hand-written, not a dependency.** Measured in
//!   `shared/research/rust-deps-and-perf.md` (project research notes): ssi-rdf's URDNA2015 enumerates
//!   blank-node permutations with no limit on attacker-controlled data (§1, and STYLE §5's
//!   counter-example) and takes 24.5 µs for a 22-quad OB 3.0 credential (JS rdf-canonize:
//!   24.1 µs); rdf-canon has a call limit but brings its own RDF model pinned to oxrdf 0.2.
//!   Credentials are the whole workload, so the hot path here is tuned for them: blank
//!   nodes become dense integer indices, first-degree hashes are computed by serializing
//!   into one reused buffer with `_:a`/`_:z` substitution, nodes are sorted by digest bytes
//!   once, and Hash N-Degree Quads runs only for ties. `examples/bench_rdfc.rs` measures
//!   it against a raw SHA-256 of the same bytes (about 3 µs for the 16-quad OB 3.0 example,
//!   7 µs for a 24-quad credential whose quads nearly all touch one of 3 blank nodes).
//! - **Poison graphs fail fast with a named limit.** Every Hash N-Degree Quads call,
//!   recursion level and permutation is counted against [`CanonOptions`]; a group of
//!   related blank nodes whose permutations alone exceed the budget is refused before
//!   the first one is tried (<https://www.w3.org/TR/rdf-canon/#dataset-poisoning>).
//! - **Strict inputs.** Quads given to [`canonicalize`] are checked (absolute IRIs without
//!   forbidden characters, IRI predicates, well-formed language tags): an IRI containing
//!   `> <` could otherwise make two datasets share one canonical text, and so one
//!   signature. Duplicate quads are removed, as a dataset is a set.
//! - **Reference tie-breaking.** Where RDFC-1.0 leaves an order open (permutation order,
//!   equal hashes) we follow the reference implementation, so issued-identifier maps
//!   match the test suite's exactly, not just the canonical text.
#![forbid(unsafe_code)]

pub mod canon;
#[doc(hidden)]
pub mod fuzzing;
pub mod nquads;
pub mod term;

pub use canon::{
    CanonError, CanonOptions, Canonical, DEFAULT_MAX_BLANK_NODES, DEFAULT_MAX_HNDQ_CALLS,
    DEFAULT_MAX_HNDQ_DEPTH, DEFAULT_MAX_PERMUTATIONS, DEFAULT_MAX_QUADS, HashAlgorithm,
    canonical_nquads, canonicalize, canonicalize_nquads, validate_quads,
};
pub use nquads::{
    NQuadsError, NQuadsLimits, parse_nquads, parse_nquads_with_limits, to_nquads, write_quad,
};
pub use term::{Literal, Quad, Term};
