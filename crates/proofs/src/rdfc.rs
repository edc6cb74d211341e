//! The [`Canonicalizer`] over `credbridge-jsonld` (toRdf in safe mode, offline contexts) and
//! `credbridge-rdf` (RDFC-1.0 with its work limits).

use std::sync::Arc;

use credbridge_jsonld::{DocumentLoader, Options, Processor};
use credbridge_rdf::CanonOptions;
use serde_json::Value;

use crate::{CanonicalizeError, Canonicalizer};

/// JSON-LD → RDF → RDFC-1.0 canonical N-Quads. Build one per process and share it: the JSON-LD
/// processor caches compiled contexts.
pub struct JsonLdCanonicalizer {
    processor: Processor,
    canon: CanonOptions,
}

impl std::fmt::Debug for JsonLdCanonicalizer {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("JsonLdCanonicalizer")
            .finish_non_exhaustive()
    }
}

impl JsonLdCanonicalizer {
    /// Over the bundled contexts only.
    #[must_use]
    pub fn with_bundled_contexts() -> JsonLdCanonicalizer {
        JsonLdCanonicalizer {
            processor: Processor::with_bundled_contexts(),
            canon: CanonOptions::default(),
        }
    }

    /// Over `loader` (for example bundled contexts followed by a user context directory).
    #[must_use]
    pub fn new(loader: Arc<dyn DocumentLoader>, canon: CanonOptions) -> JsonLdCanonicalizer {
        JsonLdCanonicalizer {
            processor: Processor::new(loader),
            canon,
        }
    }
}

impl Canonicalizer for JsonLdCanonicalizer {
    fn canonize(&self, document: &Value) -> Result<String, CanonicalizeError> {
        let quads = self
            .processor
            .to_rdf(document, &Options::safe())
            .map_err(|e| CanonicalizeError {
                stage: "toRdf",
                reason: e.to_string(),
            })?;
        credbridge_rdf::canonical_nquads(&quads, &self.canon).map_err(|e| CanonicalizeError {
            stage: "rdfc",
            reason: e.to_string(),
        })
    }
}
