//! The crate's error type.

use crate::loader::LoadError;

macro_rules! error_codes {
    ($($(#[$doc:meta])* $variant:ident = $code:literal,)*) => {
        /// A JSON-LD 1.1 API error code
        /// (<https://www.w3.org/TR/json-ld11-api/#jsonlderrorcode>), as the conformance suite
        /// names it.
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
        #[non_exhaustive]
        pub enum ErrorCode {
            $($(#[$doc])* #[doc = concat!("`", $code, "`")] $variant,)*
        }

        impl ErrorCode {
            /// The code as the specification spells it.
            pub fn as_str(self) -> &'static str {
                match self {
                    $(ErrorCode::$variant => $code,)*
                }
            }
        }
    };
}

error_codes! {
    CollidingKeywords = "colliding keywords",
    ContextOverflow = "context overflow",
    CyclicIriMapping = "cyclic IRI mapping",
    InvalidIdValue = "invalid @id value",
    InvalidImportValue = "invalid @import value",
    InvalidIncludedValue = "invalid @included value",
    InvalidIndexValue = "invalid @index value",
    InvalidNestValue = "invalid @nest value",
    InvalidPrefixValue = "invalid @prefix value",
    InvalidPropagateValue = "invalid @propagate value",
    InvalidProtectedValue = "invalid @protected value",
    InvalidReverseValue = "invalid @reverse value",
    InvalidVersionValue = "invalid @version value",
    InvalidBaseDirection = "invalid base direction",
    InvalidBaseIri = "invalid base IRI",
    InvalidContainerMapping = "invalid container mapping",
    InvalidContextEntry = "invalid context entry",
    InvalidContextNullification = "invalid context nullification",
    InvalidDefaultLanguage = "invalid default language",
    InvalidIriMapping = "invalid IRI mapping",
    InvalidJsonLiteral = "invalid JSON literal",
    InvalidKeywordAlias = "invalid keyword alias",
    InvalidLanguageMapValue = "invalid language map value",
    InvalidLanguageMapping = "invalid language mapping",
    InvalidLanguageTaggedString = "invalid language-tagged string",
    InvalidLanguageTaggedValue = "invalid language-tagged value",
    InvalidLocalContext = "invalid local context",
    InvalidRemoteContext = "invalid remote context",
    InvalidReverseProperty = "invalid reverse property",
    InvalidReversePropertyMap = "invalid reverse property map",
    InvalidReversePropertyValue = "invalid reverse property value",
    InvalidScopedContext = "invalid scoped context",
    InvalidSetOrListObject = "invalid set or list object",
    InvalidTermDefinition = "invalid term definition",
    InvalidTypeMapping = "invalid type mapping",
    InvalidTypeValue = "invalid type value",
    InvalidTypedValue = "invalid typed value",
    InvalidValueObject = "invalid value object",
    InvalidValueObjectValue = "invalid value object value",
    InvalidVocabMapping = "invalid vocab mapping",
    IriConfusedWithPrefix = "IRI confused with prefix",
    KeywordRedefinition = "keyword redefinition",
    LoadingDocumentFailed = "loading document failed",
    LoadingRemoteContextFailed = "loading remote context failed",
    ProcessingModeConflict = "processing mode conflict",
    ProtectedTermRedefinition = "protected term redefinition",
    RecursiveContextInclusion = "recursive context inclusion",
    ConflictingIndexes = "conflicting indexes",
    InvalidGraphValue = "invalid @graph value",
}

impl std::fmt::Display for ErrorCode {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.as_str())
    }
}

/// Why a JSON-LD operation failed.
///
/// Three groups: the document violates JSON-LD ([`JsonLdError::Syntax`], with the
/// specification's error code); safe mode refused data that would otherwise be dropped or
/// changed silently ([`JsonLdError::UndefinedTerm`] and its siblings); a bound was hit (the
/// `*Limit` variants). `path` is always a JSON pointer into the input document (or into the
/// context, for context errors reached from it).
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum JsonLdError {
    /// The document (or one of its contexts) is not valid JSON-LD.
    #[error("{path}: {code}: {detail}")]
    Syntax {
        /// The JSON-LD error code.
        code: ErrorCode,
        /// Where in the input.
        path: String,
        /// What was found.
        detail: String,
    },
    /// A remote context could not be loaded.
    #[error("{path}: loading remote context failed: {source}")]
    LoadContext {
        /// Where the context was referenced.
        path: String,
        /// The loader's error (names the URL).
        source: LoadError,
    },
    /// Safe mode: a property or type term does not expand to an absolute IRI, so its data
    /// would be dropped.
    #[error(
        "{path}: term \"{term}\" is not defined by the active context and would be dropped (hint: define it in a context or use an absolute IRI)"
    )]
    UndefinedTerm {
        /// JSON pointer of the entry (or `@type` value).
        path: String,
        /// The undefined term.
        term: String,
    },
    /// Safe mode: an IRI that must be absolute (`@id`, `@type`, `@vocab`, a datatype) is
    /// relative and there is no base to resolve it against, or it is otherwise not an IRI.
    #[error("{path}: \"{value}\" is not an absolute IRI")]
    RelativeIri {
        /// Where.
        path: String,
        /// The value.
        value: String,
    },
    /// Safe mode: a language tag is not well-formed (BCP 47), so toRdf would drop it.
    #[error("{path}: \"{value}\" is not a well-formed language tag")]
    InvalidLanguageTag {
        /// Where.
        path: String,
        /// The tag.
        value: String,
    },
    /// Safe mode: a value would be silently dropped (free-floating value, `@value: null`,
    /// object with only `@id`/`@language`, keyword-like term, blank node predicate…).
    #[error("{path}: {reason} would be dropped")]
    DroppedValue {
        /// Where.
        path: String,
        /// What would be dropped.
        reason: &'static str,
    },
    /// The input bytes are not JSON (only from the byte-level entry points).
    #[error("input is not valid JSON: {source}")]
    InvalidJson {
        /// The parse error.
        source: serde_json::Error,
    },
    /// The document nests deeper than [`crate::MAX_DEPTH`].
    #[error("{path}: document nests deeper than the limit of {limit}")]
    DepthLimit {
        /// Where the limit was hit.
        path: String,
        /// The limit.
        limit: usize,
    },
    /// Expansion or toRdf produced more nodes/values/quads than [`crate::MAX_OUTPUT_ITEMS`].
    #[error("output exceeds the limit of {limit} items (nodes, values and quads)")]
    OutputLimit {
        /// The limit.
        limit: usize,
    },
    /// Remote contexts import each other deeper than [`crate::MAX_CONTEXT_IMPORT_DEPTH`].
    #[error("{path}: remote contexts nest deeper than the limit of {limit} (at {url})")]
    ContextImportDepth {
        /// Where.
        path: String,
        /// The URL that went over.
        url: String,
        /// The limit.
        limit: usize,
    },
    /// One operation loaded more remote contexts than
    /// [`crate::MAX_REMOTE_CONTEXTS_PER_OPERATION`].
    #[error("more than {limit} remote contexts were loaded for one document")]
    ContextImportCount {
        /// The limit.
        limit: usize,
    },
    /// One operation processed more contexts than [`crate::MAX_CONTEXTS_PER_OPERATION`].
    #[error("more than {limit} contexts were processed for one document")]
    ContextCountLimit {
        /// The limit.
        limit: usize,
    },
}

impl JsonLdError {
    /// The JSON-LD error code this maps to, if any (safe-mode and limit errors have none
    /// except where the specification defines one).
    pub fn code(&self) -> Option<ErrorCode> {
        match self {
            JsonLdError::Syntax { code, .. } => Some(*code),
            JsonLdError::LoadContext { .. } => Some(ErrorCode::LoadingRemoteContextFailed),
            JsonLdError::ContextImportDepth { .. } => Some(ErrorCode::ContextOverflow),
            _ => None,
        }
    }
}
