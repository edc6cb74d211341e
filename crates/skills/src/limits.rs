//! Named limits on every input dimension (STYLE §5). Exceeding one is [`crate::Error::LimitExceeded`].

/// Largest decompressed framework table (ESCO's occupation-skill relations are 21 MB).
pub const MAX_TABLE_BYTES: usize = 64 * 1024 * 1024;
/// Largest JSON document read as a CASE package, RSD or CTDL-ASN graph.
pub const MAX_DOCUMENT_BYTES: usize = 32 * 1024 * 1024;
/// Most CFItems (or RSDs, or CTDL-ASN competencies) read from one document.
pub const MAX_ITEMS: usize = 200_000;
/// Most CFAssociations read from one CASE package.
pub const MAX_ASSOCIATIONS: usize = 1_000_000;
/// Longest search query, in bytes.
pub const MAX_QUERY_BYTES: usize = 4096;
/// Most results one search returns.
pub const MAX_TOP_N: usize = 1000;
/// Most nodes visited when walking the hierarchy from one concept.
pub const MAX_HIERARCHY_STEPS: usize = 10_000;
