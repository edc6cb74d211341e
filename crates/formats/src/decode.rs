//! Content sniffing and dispatch for one in-memory blob. No I/O here: files, directories and
//! zip archives are walked by [`crate::walk`], which hands each blob to [`decode_blob`].

use crate::error::Error;
use crate::item::{ContainerKind, Item, ItemPath, PathSegment};
use crate::limits::Limits;
use crate::{document, json, jws, png, svg};

/// Where the decoder currently is: the item path, the containers passed through, and how deep
/// the container nesting is.
#[derive(Debug, Clone)]
pub(crate) struct At {
    pub path: ItemPath,
    pub containers: Vec<ContainerKind>,
    /// Containers entered that count toward [`Limits::max_nesting_depth`].
    pub depth: usize,
}

impl At {
    pub fn root(path: ItemPath) -> At {
        At {
            path,
            containers: Vec::new(),
            depth: 0,
        }
    }

    /// The same place, seen through one more container that is only a syntax marker
    /// (`Json`, `Jwt`, `JsonArray`, `JsonLines`, `Directory`): no nesting level is used.
    pub fn with(&self, container: ContainerKind) -> At {
        let mut next = self.clone();
        next.containers.push(container);
        next
    }

    /// Entering an embedded container (zip, baked image, CLR/presentation entry, envelope,
    /// endorsement): one nesting level is used, and the limit is checked.
    pub fn nest(&self, container: ContainerKind, limits: &Limits) -> Result<At, Error> {
        let depth = self.depth.saturating_add(1);
        if depth > limits.max_nesting_depth {
            return Err(Error::NestingTooDeep {
                path: self.path.clone(),
                limit: limits.max_nesting_depth,
            });
        }
        let mut next = self.with(container);
        next.depth = depth;
        Ok(next)
    }

    /// One path segment further in.
    pub fn at(&self, segment: PathSegment) -> At {
        At {
            path: self.path.join(segment),
            containers: self.containers.clone(),
            depth: self.depth,
        }
    }

    pub fn not_a_container(&self, found: impl Into<String>) -> Error {
        Error::NotACredentialContainer {
            path: self.path.clone(),
            found: found.into(),
        }
    }
}

/// Where decoded items and per-item errors of one blob go.
pub(crate) struct Cx<'a> {
    pub limits: &'a Limits,
    out: &'a mut Vec<Result<Item, Error>>,
    /// The blob, for the [`Error::TooManyItems`] report.
    blob: ItemPath,
    full: bool,
}

impl<'a> Cx<'a> {
    pub fn new(limits: &'a Limits, blob: &At, out: &'a mut Vec<Result<Item, Error>>) -> Cx<'a> {
        Cx {
            limits,
            out,
            blob: blob.path.clone(),
            full: false,
        }
    }

    /// Whether [`Limits::max_items_per_file`] is reached: loops stop early, pushes are dropped.
    pub fn is_full(&self) -> bool {
        self.full
    }

    fn push(&mut self, result: Result<Item, Error>) {
        if self.full {
            return;
        }
        if self.out.len() >= self.limits.max_items_per_file {
            self.full = true;
            self.out.push(Err(Error::TooManyItems {
                path: self.blob.clone(),
                limit: self.limits.max_items_per_file,
            }));
            return;
        }
        self.out.push(result);
    }

    pub fn emit(&mut self, at: &At, payload: crate::item::Payload) {
        self.push(Ok(Item {
            path: at.path.clone(),
            containers: at.containers.clone(),
            payload,
        }));
    }

    pub fn fail(&mut self, error: Error) {
        self.push(Err(error));
    }
}

pub(crate) const PNG_SIGNATURE: &[u8; 8] = b"\x89PNG\r\n\x1a\n";
const UTF8_BOM: &[u8; 3] = b"\xEF\xBB\xBF";

/// Whether `bytes` start like a zip archive (a local file header, or the end record of an
/// empty archive).
pub(crate) fn is_zip(bytes: &[u8]) -> bool {
    bytes.starts_with(b"PK\x03\x04") || bytes.starts_with(b"PK\x05\x06")
}

/// The bytes without a UTF-8 byte order mark and without leading/trailing ASCII whitespace.
pub(crate) fn trim_text(bytes: &[u8]) -> &[u8] {
    let bytes = bytes.strip_prefix(UTF8_BOM.as_slice()).unwrap_or(bytes);
    bytes.trim_ascii()
}

/// The 1-based line on which [`trim_text`] of `bytes` starts: one more than the line breaks in
/// the leading whitespace it trims.
pub(crate) fn text_start_line(bytes: &[u8]) -> u64 {
    let bytes = bytes.strip_prefix(UTF8_BOM.as_slice()).unwrap_or(bytes);
    let breaks = bytes
        .iter()
        .take_while(|b| b.is_ascii_whitespace())
        .filter(|&&b| b == b'\n')
        .count();
    u64::try_from(breaks).unwrap_or(u64::MAX).saturating_add(1)
}

/// Decodes one blob (a file or a zip entry) by its content.
pub(crate) fn decode_blob(bytes: &[u8], at: &At, cx: &mut Cx<'_>) {
    if bytes.starts_with(PNG_SIGNATURE) {
        return png::decode(bytes, at, cx);
    }
    if is_zip(bytes) {
        // Archives are opened by the walker before blobs get here; one seen here is inside a
        // carrier that cannot hold an archive.
        return cx.fail(at.not_a_container("a zip archive where a credential was expected"));
    }
    if emit_cose(bytes, at, cx) {
        return;
    }
    let text = trim_text(bytes);
    match text.first() {
        None => cx.fail(at.not_a_container("empty input")),
        Some(b'{' | b'[' | b'"') => json::decode_json_text(text, text_start_line(bytes), at, cx),
        Some(b'<') if !looks_like_n_quads(text) => svg::decode(text, at, cx),
        Some(_) if jws::looks_like_jws(text) => document::decode_jws_text(text, at, cx),
        Some(_) => cx.fail(at.not_a_container(describe(bytes))),
    }
}

/// Decodes a value taken out of a carrier (a baked PNG chunk or SVG element, a `data:` URL):
/// JSON, a compact JWS, or, when `allow_url`, a hosted-assertion URL.
pub(crate) fn decode_text_value(bytes: &[u8], at: &At, cx: &mut Cx<'_>, allow_url: bool) {
    if emit_cose(bytes, at, cx) {
        return;
    }
    let text = trim_text(bytes);
    match text.first() {
        None => cx.fail(at.not_a_container("an empty value")),
        Some(b'{' | b'[') => json::decode_json_text(text, text_start_line(bytes), at, cx),
        Some(_) if jws::looks_like_jws(text) => document::decode_jws_text(text, at, cx),
        Some(_) if allow_url && looks_like_url(text) => {
            let url = String::from_utf8_lossy(text).into_owned();
            cx.emit(at, crate::item::Payload::Url { url });
        }
        Some(_) => cx.fail(at.not_a_container(format!(
            "a value that is neither JSON, a compact JWS{} ({})",
            if allow_url { " nor a URL" } else { "" },
            describe(text)
        ))),
    }
}

/// Emits a COSE_Sign1 message as [`crate::Payload::Unsupported`]; false when `bytes` is not one.
fn emit_cose(bytes: &[u8], at: &At, cx: &mut Cx<'_>) -> bool {
    let Some(detail) = crate::unsupported::cose(bytes) else {
        return false;
    };
    let payload = crate::item::Payload::Unsupported {
        format: crate::UnsupportedFormat::Cose,
        detail,
    };
    cx.emit(at, payload);
    true
}

fn looks_like_url(text: &[u8]) -> bool {
    let lower = text.get(..8).map(<[u8]>::to_ascii_lowercase);
    let scheme_ok = lower
        .as_deref()
        .is_some_and(|p| p.starts_with(b"https://") || p.starts_with(b"http://"));
    scheme_ok && text.iter().all(|b| b.is_ascii_graphic())
}

/// Canonical N-Quads (RDFC-1.0 output) start with `<iri>` like an XML tag, so they are told
/// apart by their first line: `subject predicate object [graph] .`
fn looks_like_n_quads(text: &[u8]) -> bool {
    let first_line = text
        .split(|&b| b == b'\n')
        .next()
        .unwrap_or_default()
        .trim_ascii();
    (first_line.starts_with(b"<") || first_line.starts_with(b"_:"))
        && first_line.ends_with(b" .")
        && first_line.windows(2).any(|w| w == b"> " || w == b" <")
}

/// A short human description of content that is not a credential container.
pub(crate) fn describe(bytes: &[u8]) -> String {
    const MAGICS: &[(&[u8], &str)] = &[
        (b"\xFF\xD8\xFF", "a JPEG image"),
        (b"GIF8", "a GIF image"),
        (b"%PDF", "a PDF document"),
        (b"\x1F\x8B", "a gzip stream"),
        (b"RIFF", "a RIFF (WebP/WAV) file"),
        (b"\xFE\xFF", "UTF-16 text (only UTF-8 is read)"),
        (b"\xFF\xFE", "UTF-16 text (only UTF-8 is read)"),
    ];
    if let Some((_, name)) = MAGICS.iter().find(|(magic, _)| bytes.starts_with(magic)) {
        return (*name).to_owned();
    }
    if looks_like_n_quads(trim_text(bytes)) {
        return "RDF N-Quads/N-Triples text".to_owned();
    }
    let head = bytes.get(..bytes.len().min(48)).unwrap_or(bytes);
    let control = head
        .iter()
        .any(|&b| b == 0 || (b < 0x20 && !b.is_ascii_whitespace()));
    // A multi-byte character cut at the end of `head` is fine; an invalid sequence is not.
    let invalid_utf8 = std::str::from_utf8(head).is_err_and(|e| e.error_len().is_some());
    if control || invalid_utf8 {
        let hex: Vec<String> = head.iter().take(4).map(|b| format!("{b:02x}")).collect();
        return format!("binary data starting with {}", hex.join(" "));
    }
    // The text itself is not quoted: an error never repeats a file's contents (a symbolic
    // link or a mistaken path could point at a secret).
    format!(
        "text of {} bytes that is neither JSON, SVG nor a compact JWS",
        bytes.len()
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn describe_names_binary_and_text() {
        assert_eq!(describe(b"GIF89a\x01\x00"), "a GIF image");
        assert!(describe(b"\x00\x01\x02\x03").starts_with("binary data starting with 00 01"));
        assert_eq!(
            describe(b"<did:example:a> <b:c> \"c\" .\n"),
            "RDF N-Quads/N-Triples text"
        );
        assert_eq!(
            describe(b"# Title"),
            "text of 7 bytes that is neither JSON, SVG nor a compact JWS"
        );
    }

    #[test]
    fn nesting_limit_is_enforced() {
        let limits = Limits {
            max_nesting_depth: 1,
            ..Limits::default()
        };
        let at = At::root(ItemPath::file("x"));
        let once = at.nest(ContainerKind::Zip, &limits).unwrap();
        assert!(matches!(
            once.nest(ContainerKind::Zip, &limits),
            Err(Error::NestingTooDeep { limit: 1, .. })
        ));
    }
}
