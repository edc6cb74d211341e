//! credbridge-jsonld: a JSON-LD 1.1 engine for verifying credentials offline and fast — the
//! [`DocumentLoader`] trait with every context credbridge knows compiled in, context
//! processing, expansion and toRdf (Deserialize JSON-LD to RDF), with a safe mode that turns
//! silently dropped data into errors.
//!
//! **Not here:** anything about credentials (`credbridge-model`, `credbridge-proofs`),
//! RDF canonicalization and N-Quads (`credbridge-rdf`), fetching anything over the network
//! (contexts never come from the network; `fetch` owns HTTP and does not serve contexts),
//! compaction, framing and fromRdf (credbridge does not need them).
//!
//! # Main types
//! - [`Processor`]: holds an `Arc<dyn DocumentLoader>` and the compiled-context cache;
//!   `Send + Sync`, meant to be built once and shared. [`Processor::expand`] and
//!   [`Processor::to_rdf`] are the operations.
//! - [`Options`]: base IRI, [`Options::safe_mode`], `rdf_direction`, generalized RDF.
//! - [`loader`]: [`DocumentLoader`], [`BundledLoader`], [`DirectoryLoader`], [`ChainLoader`],
//!   [`bundled_contexts`] (URL, file, SHA-256 of every bundled context).
//! - [`JsonLdError`]: spec error codes ([`ErrorCode`]), safe-mode refusals naming the JSON
//!   pointer and term, and one variant per limit.
//!
//! # Example
//! ```
//! use credbridge_jsonld::{Options, Processor};
//!
//! let processor = Processor::with_bundled_contexts();
//! let doc = serde_json::json!({
//!     "@context": ["https://www.w3.org/ns/credentials/v2"],
//!     "type": ["VerifiableCredential"],
//!     "issuer": "did:example:issuer",
//!     "credentialSubject": {"id": "did:example:subject"}
//! });
//! let quads = processor.to_rdf(&doc, &Options::safe())?;
//! assert_eq!(quads.len(), 3);
//!
//! // An undefined term is an error in safe mode, naming where it is.
//! let bad = serde_json::json!({
//!     "@context": ["https://www.w3.org/ns/credentials/v2"],
//!     "type": ["VerifiableCredential"],
//!     "credentialSubject": {"foo": "bar"}
//! });
//! let err = processor.to_rdf(&bad, &Options::safe()).unwrap_err();
//! assert!(err.to_string().contains("/credentialSubject/foo"));
//! # Ok::<(), credbridge_jsonld::JsonLdError>(())
//! ```
//!
//! # Design decisions
//! - **Compiled contexts are cached and shared.** Profiling existing engines showed 85–95 % of
//!   a credential verification spent re-processing and cloning the same contexts. Here an
//!   [`Processor`] caches every processed context keyed by *(identity of the context it was
//!   applied to, identity of the local context, flags)*: top-level `@context` values by their
//!   JSON text, remote contexts by URL, type- and property-scoped contexts by the identity of
//!   the term definition that carries them. Entering an `Achievement` node is a hash lookup,
//!   not context processing. Active contexts are immutable and `Arc`-shared, with the term
//!   map itself behind an `Arc`, so "cloning" one copies a few pointers. The cache is bounded
//!   ([`MAX_CONTEXT_CACHE_ENTRIES`]).
//! - **toRdf walks the expanded tree instead of building a node map.** For a dataset the
//!   result is the same set of quads (see `to_rdf.rs`), with one pass and no intermediate
//!   maps.
//! - **Safe mode** follows the events jsonld.js's `safe: true` rejects: undefined terms,
//!   relative IRIs, ill-formed language tags, free-floating values, blank-node predicates and
//!   directions without `rdf_direction`.
//! - **Bounded work**: recursion depth, output size, context nesting, remote-context loads
//!   and contexts processed per operation each have a constant and an error variant.
#![forbid(unsafe_code)]

mod context;
mod engine;
mod error;
mod expand;
mod hash;
mod iri;
pub mod jcs;
pub mod loader;
mod path;
mod to_rdf;

use std::sync::Arc;

use credbridge_rdf::Quad;
use serde_json::Value;

pub use context::Direction;
pub use error::{ErrorCode, JsonLdError};
pub use loader::{
    BundledContext, BundledLoader, ChainLoader, DirectoryLoader, DocumentLoader, EarlierRevision,
    LoadError, RemoteDocument, bundled_contexts, earlier_revisions, published_revisions,
};

/// Deepest nesting of arrays and objects the expansion follows.
pub const MAX_DEPTH: usize = 64;
/// Most output items (expanded node/value objects plus quads) one operation may produce.
pub const MAX_OUTPUT_ITEMS: usize = 1_000_000;
/// Longest chain of remote contexts that include one another.
pub const MAX_CONTEXT_IMPORT_DEPTH: usize = 32;
/// Deepest nesting of context processing (remote and scoped contexts inside one another).
pub const MAX_CONTEXT_NESTING: usize = 64;
/// Most remote contexts one operation may load (cache misses only).
pub const MAX_REMOTE_CONTEXTS_PER_OPERATION: usize = 1_000;
/// Most contexts one operation may process (cache misses only).
pub const MAX_CONTEXTS_PER_OPERATION: usize = 20_000;
/// Most processed contexts a [`Processor`] keeps; when full the cache starts over.
pub const MAX_CONTEXT_CACHE_ENTRIES: usize = 4_096;

/// The JSON-LD processing mode.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum ProcessingMode {
    /// `json-ld-1.1` (the default).
    #[default]
    JsonLd11,
    /// `json-ld-1.0`: 1.1 features are errors. Only partly supported (the conformance
    /// runner skips 1.0-only tests).
    JsonLd10,
}

/// How toRdf represents `@direction`
/// (<https://www.w3.org/TR/json-ld11-api/#dom-jsonldoptions-rdfdirection>).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum RdfDirection {
    /// `i18n-datatype`: `https://www.w3.org/ns/i18n#{language}_{direction}` datatypes.
    I18nDatatype,
    /// `compound-literal`: a blank node with `rdf:value`, `rdf:language`, `rdf:direction`.
    CompoundLiteral,
}

/// Options for [`Processor::expand`] and [`Processor::to_rdf`].
#[derive(Debug, Clone, Default)]
#[non_exhaustive]
pub struct Options {
    /// The document's base IRI (relative `@id`s resolve against it); `None`: no base.
    pub base: Option<String>,
    /// A context applied before the document's own (the API's `expandContext`).
    pub expand_context: Option<Arc<Value>>,
    /// The processing mode.
    pub processing_mode: ProcessingMode,
    /// Fail instead of silently dropping or changing data (required by VC Data Integrity).
    pub safe_mode: bool,
    /// How toRdf represents `@direction`; `None` drops the direction (an error in safe
    /// mode).
    pub rdf_direction: Option<RdfDirection>,
    /// Allow blank-node predicates in toRdf output.
    pub produce_generalized_rdf: bool,
}

impl Options {
    /// Defaults with [`Options::safe_mode`] on: what Data Integrity verification needs.
    pub fn safe() -> Self {
        Self {
            safe_mode: true,
            ..Self::default()
        }
    }
}

/// A JSON-LD processor: a document loader plus the compiled-context cache.
///
/// Build one per process (or per loader configuration) and share it: the cache is what
/// makes repeated operations fast, and it is safe to use from many threads at once.
pub struct Processor {
    shared: engine::Shared,
}

impl std::fmt::Debug for Processor {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Processor")
            .field("cached_contexts", &self.cached_contexts())
            .finish()
    }
}

impl Processor {
    /// A processor loading contexts through `loader`.
    pub fn new(loader: Arc<dyn DocumentLoader>) -> Self {
        Self {
            shared: engine::Shared::new(loader),
        }
    }

    /// A processor over the bundled contexts only.
    pub fn with_bundled_contexts() -> Self {
        Self::new(Arc::new(BundledLoader::new()))
    }

    /// How many processed contexts are cached right now.
    pub fn cached_contexts(&self) -> usize {
        self.shared.cache_len()
    }

    /// Expands `document` (<https://www.w3.org/TR/json-ld11-api/#dom-jsonldprocessor-expand>):
    /// always an array of node objects.
    pub fn expand(&self, document: &Value, options: &Options) -> Result<Value, JsonLdError> {
        let mut engine = engine::Engine::new(&self.shared, options);
        Ok(Value::Array(engine.expand_document(document)?))
    }

    /// Converts `document` to an RDF dataset
    /// (<https://www.w3.org/TR/json-ld11-api/#dom-jsonldprocessor-tordf>): the quads, without
    /// duplicates, in no particular order. Blank nodes are labelled `b0`, `b1`, ….
    pub fn to_rdf(&self, document: &Value, options: &Options) -> Result<Vec<Quad>, JsonLdError> {
        let mut engine = engine::Engine::new(&self.shared, options);
        let expanded = engine.expand_document(document)?;
        let mut writer = to_rdf::RdfWriter::new(&mut engine);
        writer.document(&expanded)?;
        Ok(writer.finish())
    }
}

/// Entry points for fuzzing: each must never panic, whatever the bytes.
#[doc(hidden)]
pub mod fuzzing {
    use std::sync::OnceLock;

    use super::{Options, Processor};

    fn processor() -> &'static Processor {
        // A read-only processor over the bundled contexts, shared by fuzz iterations so that
        // the cache is exercised like in production.
        static PROCESSOR: OnceLock<Processor> = OnceLock::new();
        PROCESSOR.get_or_init(Processor::with_bundled_contexts)
    }

    /// Parses `data` as JSON and runs toRdf on it, in safe mode and in normal mode.
    pub fn to_rdf(data: &[u8]) {
        let Ok(doc) = serde_json::from_slice::<serde_json::Value>(data) else {
            return;
        };
        let _ = processor().to_rdf(&doc, &Options::default());
        let _ = processor().to_rdf(&doc, &Options::safe());
        let with_base = Options {
            base: Some("https://example.org/base/doc".to_owned()),
            expand_context: None,
            ..Options::default()
        };
        let _ = processor().expand(&doc, &with_base);
    }
}

#[cfg(test)]
mod tests {
    #[test]
    fn processor_is_shareable_across_threads() {
        fn assert_send_sync<T: Send + Sync>() {}
        assert_send_sync::<super::Processor>();
    }
}
