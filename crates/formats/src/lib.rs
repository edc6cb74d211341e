//! Bytes → credential envelopes. This crate owns every shape a credential travels in: JSON
//! (VCDM 1.1/2.0 credentials and presentations, Open Badges 0.5–3.0, CLR 2.0), compact JWS
//! (VC-JWT with a `vc`/`vp` claim, VC-JOSE, OB 2.0 signed assertions, a JWT wrapped in a one-key
//! JSON object), baked PNG (`iTXt`/`tEXt`/`zTXt`) and SVG badges, `data:` URL envelopes, and the
//! many-at-once containers: directories, zip archives, JSON arrays, JSON Lines and API response
//! bodies (OB 3.0/CLR 2.0 `credential[]`/`compactJwsString[]`, VC-API). Detection is
//! by **content** (magic bytes, first non-blank character, JWS shape), never by file name, and
//! decoding is recursive: a presentation or CLR yields itself *and* each credential it carries,
//! OB 3.0 `endorsementJwt` entries become items, and every item carries its [`ItemPath`]
//! (`bundle.zip!clr.json#/credentialSubject/verifiableCredential/2`) and its
//! [`ContainerKind`]s. It also bakes credentials into PNG/SVG images and takes them out again,
//! and it owns the input limits ([`Limits`]).
//!
//! **Not here:** signature checks and key handling (`credbridge-proofs`, `credbridge-keys`):
//! a JWS is split and decoded, never verified; fetching hosted assertions or anything else over
//! the network (a baked URL comes out as [`Payload::Url`]); JSON-LD processing
//! (`credbridge-jsonld`); deciding what a JSON document *is* (OB 2.0 vs 3.0, which schema) —
//! that classification is `credbridge-model`'s job.
//!
//! # Main types
//! - [`decode_bytes`] / [`decode_path`] → [`Items`], a stream of `Result<`[`Item`]`, `[`Error`]`>`;
//! - [`read_path`] / [`read_stream`] → [`Blobs`], the same walk with decoding left to the
//!   caller ([`Blob::decode`], on any thread); each [`Blob`] is one unit of input (a file, a
//!   zip entry, a JSON Lines line) with its exact bytes ([`Blob::bytes`]) and path
//!   ([`Blob::unit_path`]), so a caller can keep each item's own original bytes;
//! - [`Item`] = [`ItemPath`] + [`ContainerKind`]s + [`Payload`] (`Json` with its exact original
//!   bytes, `Jws` with header, claims, [`JwsKind`] and the credential, or `Url`);
//! - [`bake_png`], [`bake_svg`], [`unbake_png`], [`unbake_svg`] with [`BakePayload`];
//! - [`Payload::Unsupported`] with [`UnsupportedFormat`]: SD-JWT and COSE credentials,
//!   recognised by shape (so they are reported as credentials in a format not supported yet,
//!   not as unreadable files) but not decoded further;
//! - [`Limits`] and the `MAX_*` constants; [`Error`].
//!
//! # Example
//! ```
//! use credbridge_formats::{decode_bytes, ContainerKind, Limits, Payload};
//!
//! let clr = br#"{
//!   "@context": ["https://www.w3.org/ns/credentials/v2"],
//!   "type": ["VerifiableCredential", "ClrCredential"],
//!   "credentialSubject": {"type": "ClrSubject", "verifiableCredential": [
//!     {"@context": ["https://www.w3.org/ns/credentials/v2"], "type": ["VerifiableCredential"]}
//!   ]}
//! }"#;
//! let items: Vec<_> = decode_bytes(clr, "clr.json", &Limits::default())
//!     .collect::<Result<_, _>>()
//!     .unwrap();
//! assert_eq!(items.len(), 2);
//! assert_eq!(items[1].path.to_string(), "clr.json#/credentialSubject/verifiableCredential/0");
//! assert_eq!(items[1].containers, [ContainerKind::Json, ContainerKind::ClrInner]);
//! assert!(matches!(items[1].payload, Payload::Json { .. }));
//! ```
//!
//! # Design decisions
//! - **Streaming.** [`decode_path`] walks directories one level at a time (sorted, so runs are
//!   reproducible), zip archives entry by entry and JSON Lines files line by line; one blob (a
//!   file, an entry, a line) is in memory at a time and its items are handed out before the
//!   next blob is read. A bad file or line is one `Err` in the stream, not the end of it.
//! - **JSON Lines files are recognised from their head.** A file whose first line with content
//!   is one JSON value and whose next value starts on a later line (the rule the in-memory
//!   decoder applies to a whole text) is streamed: [`Limits::max_file_bytes`] bounds each line,
//!   not the file, and [`Limits::max_items_per_file`] counts per line, so `creds.jsonl` with
//!   100 000 credentials decodes in constant memory. Zip entries and [`decode_bytes`] input are
//!   in memory already and keep the whole-blob rules. Line numbers are the file's own (leading
//!   blank lines count) in both paths.
//! - **Nothing is lost.** [`Payload::Json`] keeps the exact bytes of the value, also for inner
//!   credentials (found with serde_json's `RawValue`), so proofs over the original text and
//!   fields this crate does not know survive.
//! - **Bounded.** Each input dimension has a limit and an error carrying it: file size, PNG
//!   text size (checked while inflating), zip entries (read from the end record before the
//!   central directory is walked), zip entry ratio (on the bytes actually inflated and
//!   consumed, never the declared sizes), one inflation budget for an archive and every archive
//!   inside it (total bytes, and a ratio to the outer archive's size), overlapping zip entries
//!   (refused before anything is inflated), container nesting, JSON depth (a byte scan before
//!   serde_json, so the error is specific), JSON keys and values, longest JSON string and
//!   estimated JSON-LD expansion per document (the same scan; they protect the JSON-LD
//!   pipeline, whose cost grows with them), SVG attributes per element and namespace bindings
//!   in scope (so scanning stays linear), directory depth, results per file (per line for a
//!   streamed JSON Lines file), JSON Lines line size. Inner credentials of one array are sliced
//!   out in one pass, so a CLR with thousands of entries stays linear.
//! - **Folders hold files only.** A walk skips named pipes, sockets and devices without
//!   opening them ([`Error::NotARegularFile`]), follows a symbolic link only to a file inside
//!   the folder given ([`Error::SymlinkOutsideInput`] otherwise; links to folders are not
//!   followed, they could loop), and no error quotes a file's text.
//! - **Zip by hand.** A streaming reader (`src/zip.rs`) walks the central directory record by
//!   record instead of loading it (the `zip` crate's `ZipArchive` held about 245 bytes per
//!   entry), refuses overlapping entries (David Fifield's "zip bomb without recursion") and
//!   checks CRC-32 and declared sizes against what the entry holds. Stored and deflated entries
//!   and ZIP64 are read; encrypted entries and other methods are per-entry errors.
//! - **PNG by hand, SVG with quick-xml.** A small chunk walker over checked slices reads and
//!   rewrites PNG chunks, so that baking keeps every other chunk byte for byte (the `png`
//!   crate would decode and re-encode the image, and reading needs no pixels); SVG baking
//!   splices the element into the original text for the same reason. quick-xml expands no DTD
//!   entities, so entity bombs do not apply.
//! - **Detection order.** PNG signature → zip signature → COSE_Sign1 (CBOR) → first non-blank
//!   character (`{`, `[`, `"` JSON; `<` SVG, unless the text is N-Quads) → compact-JWS shape
//!   (`eyJ…`; with `~`-separated disclosures an SD-JWT) → otherwise
//!   [`Error::NotACredentialContainer`] saying what was found. Inside a JSON object: a one-key
//!   object around a JWS is a wrapper; `Enveloped…` types open their `data:` URL; otherwise the
//!   object is an item and its carried credentials follow it.
//! - **JSON shape gate.** A JSON object is an item if it has `@context` or `type` (or the
//!   `recipient`/`badge`/`verify` of OB 0.5/1.x assertions, which had neither); anything else
//!   is [`Error::NotACredentialContainer`]. Deeper classification is left to the model crate.
//! - **Dependencies.** `flate2` with its pure-Rust backend (PNG text chunks, zip entries),
//!   `quick-xml` without features, `crc32fast` (already pulled in by flate2); `zip` only builds
//!   test archives.
#![forbid(unsafe_code)]
#![deny(missing_docs)]

mod bake;
mod decode;
mod document;
mod error;
mod item;
mod json;
mod jws;
mod limits;
mod png;
mod svg;
mod unsupported;
mod walk;
mod zip;

#[doc(hidden)]
pub mod fuzzing;

use std::path::Path;

pub use bake::{BakeFamily, BakePayload, bake_png, bake_svg, unbake_png, unbake_svg};
pub use error::{Error, JwsPart};
pub use item::{
    ContainerKind, Item, ItemPath, JwsKind, PathSegment, Payload, PngTextChunk, SvgCarrier,
};
pub use limits::{
    Limits, MAX_DIRECTORY_DEPTH, MAX_FILE_BYTES, MAX_ITEMS_PER_FILE, MAX_JSON_DEPTH,
    MAX_JSON_EXPANDED_BYTES, MAX_JSON_STRING_BYTES, MAX_JSON_VALUES, MAX_NESTING_DEPTH,
    MAX_PNG_TEXT_BYTES, MAX_SVG_ATTRIBUTES, MAX_SVG_NAMESPACE_BINDINGS, MAX_ZIP_ENTRIES,
    MAX_ZIP_RATIO, MAX_ZIP_TOTAL_BYTES, ZIP_RATIO_CHECK_MIN_BYTES,
};
pub use unsupported::UnsupportedFormat;
pub use walk::{Blob, Blobs, Items};

/// Decodes one blob (an upload, a zip file in memory …) by its content. `name` becomes the
/// first [`ItemPath`] segment. A zip blob is read entry by entry; anything else is decoded at
/// once. Collect into `Result<Vec<Item>, Error>` to stop at the first error.
pub fn decode_bytes(bytes: &[u8], name: &str, limits: &Limits) -> Items {
    Items::new(walk::Blobs::from_bytes(bytes, name, limits))
}

/// Decodes a file, or every file of a directory tree (recursively, in sorted order; symbolic
/// links to directories are not followed, links to files only inside the tree, and anything
/// that is not a regular file is reported and skipped unopened), streaming: items come out as each file is read, and
/// a JSON Lines file is read line by line, with no limit on its total size (each line is
/// bounded by [`Limits::max_file_bytes`]). Errors are per item and carry its path; the walk
/// goes on after them.
pub fn decode_path(path: &Path, limits: &Limits) -> Items {
    Items::new(Blobs::from_path(path, limits))
}

/// Reads a stream (standard input, a pipe) as the content of one file named `name`, like
/// [`read_path`] reads a file: JSON Lines line by line as it arrives, anything else whole (up
/// to [`Limits::max_file_bytes`]); a zip archive is read into memory (up to the same limit)
/// and then entry by entry.
pub fn read_stream(reader: Box<dyn std::io::Read>, name: &str, limits: &Limits) -> Blobs {
    Blobs::from_stream(reader, name, limits)
}

/// Reads like [`decode_path`] (same walk, same order, same limits) but leaves decoding to the
/// caller: each [`Blob`] is one file, zip entry or JSON Lines line, read but not decoded, and
/// [`Blob::decode`] gives exactly the items [`decode_path`] would have given for it. For bulk
/// work that decodes on many threads while one thread reads.
pub fn read_path(path: &Path, limits: &Limits) -> Blobs {
    Blobs::from_path(path, limits)
}
