//! Input limits: every dimension of untrusted input has a named bound and its own error.

/// Largest single blob read into memory: a file, a zip entry, or one line of a JSON Lines file
/// (16 MiB).
///
/// A JSON Lines file on disk is streamed by [`crate::decode_path`] line by line, so the file as
/// a whole has no size limit; only each line does (a longer line is one
/// [`crate::Error::FileTooLarge`] naming it, and the next line is read). The first line with
/// content and the start of the second must lie within this many bytes for the file to be
/// recognised as JSON Lines; otherwise it is read whole, and refused if larger.
pub const MAX_FILE_BYTES: u64 = 16 * 1024 * 1024;
/// Largest baked PNG text value, after decompression (4 MiB).
pub const MAX_PNG_TEXT_BYTES: usize = 4 * 1024 * 1024;
/// Most entries a zip archive may declare (2^20: a bulk export of a million credentials).
///
/// The archive's central directory is walked record by record, not loaded, so memory does not
/// grow with this number (measured: 10 000 and 100 000 entries within 0.2 MB of each other).
pub const MAX_ZIP_ENTRIES: usize = 1 << 20;
/// Highest decompressed/compressed size ratio of a zip entry (checked once an entry passes
/// [`ZIP_RATIO_CHECK_MIN_BYTES`]), on the bytes actually inflated and consumed; and of an
/// archive with every archive inside it, over the outer archive's size (at least
/// [`ZIP_RATIO_CHECK_MIN_BYTES`]).
pub const MAX_ZIP_RATIO: u64 = 100;
/// Most bytes decompressed from one zip archive and the archives inside it, all entries
/// together (4 GiB: a million credentials of a few KiB). Bombs are stopped long before by
/// the ratio of what the archive inflates to over its own size ([`MAX_ZIP_RATIO`]); this is
/// the ceiling for large, honest archives.
pub const MAX_ZIP_TOTAL_BYTES: u64 = 4 * 1024 * 1024 * 1024;
/// Most containers nested inside one another within a file (zip in zip, credential in a CLR in a
/// presentation, endorsement JWT in a credential …).
pub const MAX_NESTING_DEPTH: usize = 8;
/// Deepest nesting of JSON arrays and objects: serde_json's own ceiling.
///
/// serde_json refuses a 128th level with a generic message; the byte scan that enforces this
/// limit runs first, so the user sees [`crate::Error::JsonTooDeep`] instead.
pub const MAX_JSON_DEPTH: usize = 127;
/// Most results (items and errors) from one file or zip entry: a 16 MiB JSON array of `{}`
/// would otherwise become millions of buffered errors.
///
/// A JSON Lines file streamed from disk counts per line, not per file: its lines' results are
/// handed out before the next line is read, so nothing piles up however many lines it has, and
/// a cap on the file would only cut off a legitimate bulk input (100 000 credentials).
pub const MAX_ITEMS_PER_FILE: usize = 100_000;
/// Deepest directory level walked below the path given to [`crate::decode_path`].
pub const MAX_DIRECTORY_DEPTH: usize = 32;

/// Most keys and values in one JSON document (a credential, presentation, one element of a
/// top-level array or one JSON Lines line), counted by a byte scan before parsing: each `,`,
/// `:`, `{` and `[` outside strings counts one.
///
/// What a document costs downstream grows with it: JSON-LD expansion and canonicalization
/// measured about 2 KiB per key (a 13 MB credential with 700 000 keys reached 1.1 GB before
/// this limit); 100 000 stays near 150 MB, and a CLR with hundreds of inner credentials fits.
pub const MAX_JSON_VALUES: u64 = 100_000;
/// Longest string (key or value) in one JSON document, in bytes as written (4 MiB: room for a
/// data-URL image; a 15 MiB IRI cost 416 MB downstream before this limit).
pub const MAX_JSON_STRING_BYTES: u64 = 4 * 1024 * 1024;
/// Largest estimated expansion of one JSON document (32 MiB): every string once, plus for each
/// value the bytes a JSON-LD statement repeats with it (its object's `id`, its key, the longest
/// inline `@context` string). A 1 MiB `id` on an object with 400 members is a 1.4 MB file that
/// cost 1.3 GB to canonicalize before this limit. Only walked when a cheap bound from the byte
/// scan exceeds it.
pub const MAX_JSON_EXPANDED_BYTES: u64 = 32 * 1024 * 1024;
/// Most attributes on one SVG/XML element. Real badges have a few dozen at most; the cap
/// keeps an attribute storm (a 16 MiB tag of one-letter attributes) from costing more than
/// its reading.
pub const MAX_SVG_ATTRIBUTES: usize = 256;
/// Most XML namespace bindings (`xmlns`, `xmlns:p`) in scope at one element of an SVG: every
/// element name is resolved against them, so their number multiplies the cost of each element.
/// Design tools declare about a dozen.
pub const MAX_SVG_NAMESPACE_BINDINGS: usize = 64;

/// Zip entries smaller than this are never rejected for their compression ratio: short,
/// repetitive JSON compresses well and cannot be a bomb at this size.
pub const ZIP_RATIO_CHECK_MIN_BYTES: u64 = 64 * 1024;

/// Bounds applied while decoding untrusted input. `Limits::default()` uses the `MAX_*` constants.
///
/// ```
/// use credbridge_formats::Limits;
/// let strict = Limits { max_file_bytes: 1024 * 1024, ..Limits::default() };
/// assert_eq!(strict.max_zip_entries, credbridge_formats::MAX_ZIP_ENTRIES);
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Limits {
    /// See [`MAX_FILE_BYTES`].
    pub max_file_bytes: u64,
    /// See [`MAX_PNG_TEXT_BYTES`].
    pub max_png_text_bytes: usize,
    /// See [`MAX_ZIP_ENTRIES`].
    pub max_zip_entries: usize,
    /// See [`MAX_ZIP_RATIO`].
    pub max_zip_ratio: u64,
    /// See [`MAX_ZIP_TOTAL_BYTES`].
    pub max_zip_total_bytes: u64,
    /// See [`MAX_NESTING_DEPTH`].
    pub max_nesting_depth: usize,
    /// See [`MAX_JSON_DEPTH`]; larger values behave as [`MAX_JSON_DEPTH`] (serde_json's ceiling).
    pub max_json_depth: usize,
    /// See [`MAX_DIRECTORY_DEPTH`].
    pub max_directory_depth: usize,
    /// See [`MAX_ITEMS_PER_FILE`].
    pub max_items_per_file: usize,
    /// See [`MAX_JSON_VALUES`].
    pub max_json_values: u64,
    /// See [`MAX_JSON_STRING_BYTES`].
    pub max_json_string_bytes: u64,
    /// See [`MAX_JSON_EXPANDED_BYTES`].
    pub max_json_expanded_bytes: u64,
    /// See [`MAX_SVG_ATTRIBUTES`].
    pub max_svg_attributes: usize,
    /// See [`MAX_SVG_NAMESPACE_BINDINGS`].
    pub max_svg_namespace_bindings: usize,
}

impl Default for Limits {
    fn default() -> Self {
        Limits {
            max_file_bytes: MAX_FILE_BYTES,
            max_png_text_bytes: MAX_PNG_TEXT_BYTES,
            max_zip_entries: MAX_ZIP_ENTRIES,
            max_zip_ratio: MAX_ZIP_RATIO,
            max_zip_total_bytes: MAX_ZIP_TOTAL_BYTES,
            max_nesting_depth: MAX_NESTING_DEPTH,
            max_json_depth: MAX_JSON_DEPTH,
            max_directory_depth: MAX_DIRECTORY_DEPTH,
            max_items_per_file: MAX_ITEMS_PER_FILE,
            max_json_values: MAX_JSON_VALUES,
            max_json_string_bytes: MAX_JSON_STRING_BYTES,
            max_json_expanded_bytes: MAX_JSON_EXPANDED_BYTES,
            max_svg_attributes: MAX_SVG_ATTRIBUTES,
            max_svg_namespace_bindings: MAX_SVG_NAMESPACE_BINDINGS,
        }
    }
}
