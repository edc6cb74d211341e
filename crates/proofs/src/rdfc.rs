//! The [`Canonicalizer`] over `credbridge-jsonld` (toRdf in safe mode, offline contexts) and
//! `credbridge-rdf` (RDFC-1.0 with its work limits).

use std::sync::Arc;

use credbridge_jsonld::{DocumentLoader, JsonLdError, Options, Processor, RdfDirection};
use credbridge_rdf::{CanonError, CanonOptions};
use serde_json::Value;

use crate::{CanonicalizeCause, CanonicalizeError, Canonicalizer};

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

impl JsonLdCanonicalizer {
    fn to_rdf(
        &self,
        document: &Value,
        options: &Options,
    ) -> Result<Vec<credbridge_rdf::Quad>, CanonicalizeError> {
        self.processor
            .to_rdf(document, options)
            .map_err(|e| CanonicalizeError {
                stage: "toRdf",
                cause: json_ld_cause(&e),
                reason: e.to_string(),
            })
    }
}

impl Canonicalizer for JsonLdCanonicalizer {
    fn canonize(&self, document: &Value) -> Result<String, CanonicalizeError> {
        let quads = self.to_rdf(document, &Options::safe())?;
        credbridge_rdf::canonical_nquads(&quads, &self.canon).map_err(|e| CanonicalizeError {
            stage: "rdfc",
            cause: rdfc_cause(&e),
            reason: e.to_string(),
        })
    }

    /// Safe-mode toRdf plus the term checks RDFC-1.0 makes before it starts refuse whatever
    /// canonicalisation would refuse in the document itself; the rest of RDFC-1.0 adds only
    /// work limits, which say nothing about the document.
    ///
    /// One difference, on purpose: `@direction` (VCDM 2.0 §11.1 puts it in names and
    /// descriptions) is kept as an `i18n-datatype` literal rather than refused. The check asks
    /// whether a processor would drop or misread data, and with that representation nothing is
    /// dropped; `canonize` keeps plain safe mode, because a signature's canonical form must be
    /// the one the issuer's tools produce (jsonld.js refuses `@direction` there).
    fn check_safe_mode(&self, document: &Value) -> Result<(), CanonicalizeError> {
        let mut options = Options::safe();
        options.rdf_direction = Some(RdfDirection::I18nDatatype);
        let quads = self.to_rdf(document, &options)?;
        credbridge_rdf::validate_quads(&quads).map_err(|e| CanonicalizeError {
            stage: "rdfc",
            cause: rdfc_cause(&e),
            reason: e.to_string(),
        })
    }
}

/// A context that cannot be loaded is the environment's failure (a credential naming a
/// context this build does not bundle is not thereby forged); a limit means the document was
/// not judged. Everything else is the document's.
fn json_ld_cause(err: &JsonLdError) -> CanonicalizeCause {
    match err {
        JsonLdError::LoadContext { .. } => CanonicalizeCause::ContextUnavailable,
        JsonLdError::DepthLimit { .. }
        | JsonLdError::OutputLimit { .. }
        | JsonLdError::ContextImportDepth { .. }
        | JsonLdError::ContextImportCount { .. }
        | JsonLdError::ContextCountLimit { .. } => CanonicalizeCause::LimitExceeded,
        _ => CanonicalizeCause::Document,
    }
}

/// RDFC-1.0 work limits (quads, blank nodes, poison-graph guards) stop the run without
/// judging the document; a malformed quad is the document's.
fn rdfc_cause(err: &CanonError) -> CanonicalizeCause {
    match err {
        CanonError::TooManyQuads { .. }
        | CanonError::TooManyBlankNodes { .. }
        | CanonError::HndqCallLimitExceeded { .. }
        | CanonError::PermutationLimitExceeded { .. }
        | CanonError::HndqDepthLimitExceeded { .. } => CanonicalizeCause::LimitExceeded,
        _ => CanonicalizeCause::Document,
    }
}
