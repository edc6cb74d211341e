//! The crate's error type: one variant per defect, each carrying the item path and the facts.

use std::fmt;

use crate::item::ItemPath;

/// Why something could not be decoded or baked.
///
/// Bad input carries the [`ItemPath`] where it was found; limit errors carry the limit that was
/// hit; [`Error::Io`] is the environment. During a walk ([`crate::decode_path`]) each error is one
/// element of the stream and the walk goes on.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum Error {
    /// The content is not any credential container this crate knows.
    #[error("{path}: not a credential container: found {found}")]
    NotACredentialContainer {
        /// Where.
        path: ItemPath,
        /// What was found instead, e.g. `binary data starting with 47 49 46 38`.
        found: String,
    },
    /// JSON that does not parse.
    #[error("{path}: invalid JSON at line {line} column {column}: {message}")]
    InvalidJson {
        /// Where (the document that holds the JSON text).
        path: ItemPath,
        /// 1-based line inside that JSON text.
        line: usize,
        /// 1-based column inside that JSON text.
        column: usize,
        /// serde_json's description.
        message: String,
    },
    /// A compact JWS that cannot be taken apart.
    #[error("{path}: malformed compact JWS ({part}): {reason}")]
    JwsMalformed {
        /// Where.
        path: ItemPath,
        /// Which part is wrong.
        part: JwsPart,
        /// What is wrong with it.
        reason: String,
    },
    /// A `data:` URL (enveloped credential) that cannot be decoded.
    #[error("{path}: malformed data: URL: {reason}")]
    DataUrlMalformed {
        /// Where.
        path: ItemPath,
        /// What is wrong with it.
        reason: String,
    },
    /// A PNG whose chunk structure is broken.
    #[error("{path}: malformed PNG at byte {offset}: {reason}")]
    PngMalformed {
        /// Where.
        path: ItemPath,
        /// Byte offset of the defect in the PNG.
        offset: usize,
        /// What is wrong.
        reason: String,
    },
    /// A baked PNG text chunk whose content cannot be read.
    #[error("{path}: PNG text chunk '{keyword}' is unreadable: {reason}")]
    PngTextInvalid {
        /// Where.
        path: ItemPath,
        /// The chunk keyword.
        keyword: String,
        /// What is wrong (bad UTF-8, unknown compression method, corrupt zlib stream).
        reason: String,
    },
    /// A baked PNG text value larger than [`crate::Limits::max_png_text_bytes`].
    #[error(
        "{path}: PNG text chunk '{keyword}' holds more than {limit} bytes (found at least {size}); raise the PNG text limit if this badge is genuine"
    )]
    PngChunkTooLarge {
        /// Where.
        path: ItemPath,
        /// The chunk keyword.
        keyword: String,
        /// Size seen (decompressed bytes read so far for a compressed chunk).
        size: u64,
        /// The limit.
        limit: usize,
    },
    /// A PNG without any `openbadgecredential`, `clrcredential` or `openbadges` text chunk.
    #[error(
        "{path}: PNG image without a baked credential (no iTXt/tEXt/zTXt chunk 'openbadgecredential', 'clrcredential' or 'openbadges')"
    )]
    PngNotBaked {
        /// Where.
        path: ItemPath,
    },
    /// An SVG (XML) document that does not parse.
    #[error("{path}: malformed SVG/XML at byte {position}: {message}")]
    SvgXml {
        /// Where.
        path: ItemPath,
        /// Byte offset reported by the XML reader.
        position: u64,
        /// The XML reader's description.
        message: String,
    },
    /// An SVG element with more attributes than [`crate::Limits::max_svg_attributes`].
    #[error(
        "{path}: an SVG element at byte {position} has more than {limit} attributes (the SVG attribute limit)"
    )]
    SvgTooManyAttributes {
        /// Where.
        path: ItemPath,
        /// Byte offset of the element's start tag.
        position: u64,
        /// The limit.
        limit: usize,
    },
    /// More namespace bindings in scope than [`crate::Limits::max_svg_namespace_bindings`].
    #[error(
        "{path}: more than {limit} XML namespace bindings in scope at the SVG element at byte {position} (the SVG namespace binding limit)"
    )]
    SvgTooManyNamespaceBindings {
        /// Where.
        path: ItemPath,
        /// Byte offset of the element's start tag.
        position: u64,
        /// The limit.
        limit: usize,
    },
    /// An SVG without an Open Badges / CLR credential element.
    #[error(
        "{path}: SVG image without a baked credential (no <credential> in https://purl.imsglobal.org/ob/v3p0 or https://purl.imsglobal.org/clr/v2p0, no <assertion> in http://openbadges.org)"
    )]
    SvgNotBaked {
        /// Where.
        path: ItemPath,
    },
    /// A baked element or chunk that is present but holds nothing.
    #[error("{path}: the baked {carrier} is empty")]
    BakedValueEmpty {
        /// Where.
        path: ItemPath,
        /// Which carrier, e.g. `SVG element <openbadges:assertion>`.
        carrier: String,
    },
    /// A blob larger than [`crate::Limits::max_file_bytes`]: a file read whole, a zip entry, or
    /// one line of a JSON Lines file that is streamed (the path then ends in `:line`; the
    /// lines after it are still read).
    #[error("{path}: {size} bytes exceed the limit of {limit} bytes per file (or JSON Lines line)")]
    FileTooLarge {
        /// Where.
        path: ItemPath,
        /// The real size: the file's, the entry's (inflated to its end, uncounted, under the
        /// zip budgets), the line's, or a stream's (counted up to 1 GiB past the limit).
        size: u64,
        /// The limit.
        limit: u64,
    },
    /// Something in a folder that is not a regular file (a named pipe, a socket, a device, a
    /// link to one): skipped without being opened, so a FIFO cannot hang the walk.
    #[error("{path}: {kind}, not a regular file; skipped without opening it")]
    NotARegularFile {
        /// Where.
        path: ItemPath,
        /// What it is, e.g. `a named pipe (FIFO)`.
        kind: &'static str,
    },
    /// A symbolic link in a folder that points outside the folder given to the walk: not
    /// followed (a link to `/etc` or a home folder must not be read as input).
    #[error("{path}: symbolic link to a file outside the folder being read; not followed")]
    SymlinkOutsideInput {
        /// Where (the link).
        path: ItemPath,
    },
    /// A zip archive the zip reader rejects.
    #[error("{path}: malformed zip archive: {message}")]
    ZipMalformed {
        /// Where (the archive, or the entry).
        path: ItemPath,
        /// The zip reader's description.
        message: String,
    },
    /// A zip archive declaring more entries than [`crate::Limits::max_zip_entries`].
    #[error("{path}: zip archive declares {entries} entries, more than the limit of {limit}")]
    ZipTooManyEntries {
        /// Where.
        path: ItemPath,
        /// Entries declared.
        entries: u64,
        /// The limit.
        limit: usize,
    },
    /// A zip entry that inflates more than [`crate::Limits::max_zip_ratio`] times its stored size.
    #[error(
        "{path}: zip entry inflates {ratio} times its compressed size, more than the limit of {limit} (zip bomb?)"
    )]
    ZipCompressionRatio {
        /// Where (the entry).
        path: ItemPath,
        /// Ratio seen so far.
        ratio: u64,
        /// The limit.
        limit: u64,
    },
    /// A zip archive whose entries together inflate past [`crate::Limits::max_zip_total_bytes`].
    #[error(
        "{path}: zip archive inflates to more than {limit} bytes in total; the rest is skipped"
    )]
    ZipTotalTooLarge {
        /// Where (the entry that crossed the limit).
        path: ItemPath,
        /// The limit.
        limit: u64,
    },
    /// A zip archive, with the archives inside it, that inflates to more than
    /// [`crate::Limits::max_zip_ratio`] times its own size (checked on the bytes actually
    /// inflated; the sizes its headers declare are not trusted).
    #[error(
        "{path}: the zip archive (with the archives inside it) inflates to more than {limit} times its own size of {archive_bytes} bytes (zip bomb?); the rest is skipped"
    )]
    ZipArchiveRatio {
        /// Where (the entry that crossed the limit).
        path: ItemPath,
        /// The size of the outermost archive.
        archive_bytes: u64,
        /// The ratio limit.
        limit: u64,
    },
    /// A zip archive whose entries share bytes: one local header lies inside another entry's
    /// header or data (the "zip bomb without recursion"). Nothing of the archive is read.
    #[error(
        "{path}: zip entries overlap (the entry at byte {offset} lies inside another entry); a zip bomb? nothing of the archive is read"
    )]
    ZipOverlappingEntries {
        /// Where (the archive).
        path: ItemPath,
        /// Byte offset of the local header found inside another entry.
        offset: u64,
    },
    /// Containers nested deeper than [`crate::Limits::max_nesting_depth`].
    #[error("{path}: containers nested deeper than the limit of {limit}")]
    NestingTooDeep {
        /// Where.
        path: ItemPath,
        /// The limit.
        limit: usize,
    },
    /// JSON nested deeper than [`crate::Limits::max_json_depth`].
    #[error("{path}: JSON nested deeper than the limit of {limit} arrays/objects")]
    JsonTooDeep {
        /// Where.
        path: ItemPath,
        /// The limit.
        limit: usize,
    },
    /// A JSON document with more keys and values than [`crate::Limits::max_json_values`].
    #[error(
        "{path}: JSON document with {values} keys and values, more than the limit of {limit} (the JSON values limit)"
    )]
    JsonTooManyValues {
        /// Where.
        path: ItemPath,
        /// Keys and values counted.
        values: u64,
        /// The limit.
        limit: u64,
    },
    /// A JSON string longer than [`crate::Limits::max_json_string_bytes`].
    #[error(
        "{path}: JSON string of {size} bytes, more than the limit of {limit} (the JSON string limit)"
    )]
    JsonStringTooLong {
        /// Where (the document).
        path: ItemPath,
        /// Bytes of the longest string.
        size: u64,
        /// The limit.
        limit: u64,
    },
    /// A JSON document whose estimated expansion exceeds [`crate::Limits::max_json_expanded_bytes`].
    #[error(
        "{path}: JSON document would expand to about {estimate} bytes (long ids or terms repeated in every statement), more than the limit of {limit} (the JSON expansion limit)"
    )]
    JsonExpansionTooLarge {
        /// Where.
        path: ItemPath,
        /// The estimate.
        estimate: u64,
        /// The limit.
        limit: u64,
    },
    /// One file yielding more results than [`crate::Limits::max_items_per_file`]; the rest of the
    /// file is skipped. For a streamed JSON Lines file the path is the line's, and the count is
    /// per line.
    #[error("{path}: more than {limit} credentials and errors in one file; the rest is skipped")]
    TooManyItems {
        /// Where (the file).
        path: ItemPath,
        /// The limit.
        limit: usize,
    },
    /// Directories nested deeper than [`crate::Limits::max_directory_depth`] below the walk root.
    #[error("{path}: directory nested deeper than the limit of {limit} levels; not walked")]
    DirectoryTooDeep {
        /// Where.
        path: ItemPath,
        /// The limit.
        limit: usize,
    },
    /// A payload handed to [`crate::bake_png`] / [`crate::bake_svg`] that cannot be baked.
    #[error("cannot bake this payload: {reason}")]
    BakePayloadInvalid {
        /// What is wrong with it.
        reason: String,
    },
    /// Reading a file or directory failed (environment, not input).
    #[error("{path}: {source}")]
    Io {
        /// Where.
        path: ItemPath,
        /// The I/O error.
        #[source]
        source: std::io::Error,
    },
}

impl Error {
    /// The path of the item the error is about, if it has one.
    pub fn path(&self) -> Option<&ItemPath> {
        match self {
            Error::NotACredentialContainer { path, .. }
            | Error::InvalidJson { path, .. }
            | Error::JwsMalformed { path, .. }
            | Error::DataUrlMalformed { path, .. }
            | Error::PngMalformed { path, .. }
            | Error::PngTextInvalid { path, .. }
            | Error::PngChunkTooLarge { path, .. }
            | Error::PngNotBaked { path }
            | Error::SvgXml { path, .. }
            | Error::SvgNotBaked { path }
            | Error::SvgTooManyAttributes { path, .. }
            | Error::SvgTooManyNamespaceBindings { path, .. }
            | Error::BakedValueEmpty { path, .. }
            | Error::FileTooLarge { path, .. }
            | Error::ZipMalformed { path, .. }
            | Error::NotARegularFile { path, .. }
            | Error::SymlinkOutsideInput { path }
            | Error::ZipTooManyEntries { path, .. }
            | Error::ZipCompressionRatio { path, .. }
            | Error::ZipTotalTooLarge { path, .. }
            | Error::ZipArchiveRatio { path, .. }
            | Error::ZipOverlappingEntries { path, .. }
            | Error::NestingTooDeep { path, .. }
            | Error::JsonTooDeep { path, .. }
            | Error::JsonTooManyValues { path, .. }
            | Error::JsonStringTooLong { path, .. }
            | Error::JsonExpansionTooLarge { path, .. }
            | Error::DirectoryTooDeep { path, .. }
            | Error::TooManyItems { path, .. }
            | Error::Io { path, .. } => Some(path),
            Error::BakePayloadInvalid { .. } => None,
        }
    }
}

/// The part of a compact JWS an error is about.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum JwsPart {
    /// The three-part `header.payload.signature` shape itself.
    Structure,
    /// The protected header.
    Header,
    /// The payload.
    Payload,
    /// The signature.
    Signature,
}

impl fmt::Display for JwsPart {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            JwsPart::Structure => "structure",
            JwsPart::Header => "header",
            JwsPart::Payload => "payload",
            JwsPart::Signature => "signature",
        })
    }
}
