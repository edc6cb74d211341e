//! Baked PNG: a hand-written chunk walker (PNG §5.3) that reads and replaces the text chunk
//! holding a credential.
//!
//! Why not the `png` crate: baking must keep every other chunk byte for byte (re-encoding the
//! image through a PNG encoder would rewrite IDAT and drop unknown chunks), and reading only
//! needs the chunk list, not pixel decoding. The walker is ~150 lines over checked slices.

use std::io::Read as _;

use crate::decode::{At, Cx, PNG_SIGNATURE, decode_text_value};
use crate::error::Error;
use crate::item::{ContainerKind, ItemPath, PngTextChunk};
use crate::limits::Limits;

/// Keywords of the text chunk that carries a credential: OB 3.0 (`spec:ob_v3p0/docformat.md`),
/// CLR 2.0 (1EdTech validator `PngParser`), OB 2.0 (`spec:ob_v2p0/baking`).
pub(crate) const BAKED_KEYWORDS: [&str; 3] = ["openbadgecredential", "clrcredential", "openbadges"];

/// PNG chunk lengths are at most 2^31 - 1 (PNG §5.3).
const MAX_CHUNK_LENGTH: usize = 0x7FFF_FFFF;

/// One chunk, borrowed from the file.
struct Chunk<'a> {
    offset: usize,
    kind: [u8; 4],
    data: &'a [u8],
    crc: u32,
    /// The whole chunk: length, type, data and CRC.
    bytes: &'a [u8],
}

struct Chunks<'a> {
    png: &'a [u8],
    position: usize,
    done: bool,
}

fn malformed(path: &ItemPath, offset: usize, reason: impl Into<String>) -> Error {
    Error::PngMalformed {
        path: path.clone(),
        offset,
        reason: reason.into(),
    }
}

fn chunks<'a>(png: &'a [u8], path: &ItemPath) -> Result<Chunks<'a>, Error> {
    if !png.starts_with(PNG_SIGNATURE) {
        return Err(malformed(path, 0, "no PNG signature"));
    }
    Ok(Chunks {
        png,
        position: PNG_SIGNATURE.len(),
        done: false,
    })
}

fn be_u32(bytes: &[u8]) -> Option<u32> {
    Some(u32::from_be_bytes(bytes.get(..4)?.try_into().ok()?))
}

impl<'a> Chunks<'a> {
    /// The next chunk; `Ok(None)` after IEND or at a clean end of data.
    fn next_chunk(&mut self) -> Result<Option<Chunk<'a>>, (usize, String)> {
        if self.done || self.position >= self.png.len() {
            return Ok(None);
        }
        let offset = self.position;
        let rest = self.png.get(offset..).unwrap_or_default();
        let truncated = || (offset, "truncated chunk".to_owned());
        let length = be_u32(rest).ok_or_else(truncated)?;
        let length = usize::try_from(length).unwrap_or(usize::MAX);
        if length > MAX_CHUNK_LENGTH {
            return Err((offset, format!("chunk length {length} exceeds 2^31-1")));
        }
        let kind: [u8; 4] = rest
            .get(4..8)
            .and_then(|k| k.try_into().ok())
            .ok_or_else(truncated)?;
        if !kind.iter().all(u8::is_ascii_alphabetic) {
            return Err((
                offset,
                "invalid chunk type (not four ASCII letters)".to_owned(),
            ));
        }
        let data_end = length.checked_add(8).ok_or_else(truncated)?;
        let total = data_end.checked_add(4).ok_or_else(truncated)?;
        let data = rest.get(8..data_end).ok_or_else(truncated)?;
        let crc = rest
            .get(data_end..total)
            .and_then(be_u32)
            .ok_or_else(truncated)?;
        let bytes = rest.get(..total).ok_or_else(truncated)?;
        self.position = offset.saturating_add(total);
        if &kind == b"IEND" {
            self.done = true;
        }
        Ok(Some(Chunk {
            offset,
            kind,
            data,
            crc,
            bytes,
        }))
    }

    /// Bytes after IEND (kept as they are when baking).
    fn trailing(&self) -> &'a [u8] {
        self.png.get(self.position..).unwrap_or_default()
    }
}

fn crc_of(kind: &[u8; 4], data: &[u8]) -> u32 {
    let mut hasher = crc32fast::Hasher::new();
    hasher.update(kind);
    hasher.update(data);
    hasher.finalize()
}

/// The keyword of a tEXt/zTXt/iTXt chunk and the bytes after its NUL separator.
fn split_keyword(data: &[u8]) -> Option<(&str, &[u8])> {
    let nul = data.iter().position(|&b| b == 0)?;
    let keyword = std::str::from_utf8(data.get(..nul)?).ok()?;
    Some((keyword, data.get(nul.checked_add(1)?..)?))
}

fn text_chunk_kind(kind: &[u8; 4]) -> Option<PngTextChunk> {
    match kind {
        b"iTXt" => Some(PngTextChunk::Itxt),
        b"tEXt" => Some(PngTextChunk::Text),
        b"zTXt" => Some(PngTextChunk::Ztxt),
        _ => None,
    }
}

/// A baked value found in a PNG.
#[derive(Debug)]
pub(crate) struct BakedText {
    pub chunk: PngTextChunk,
    pub keyword: String,
    /// The value as stored (decompressed): UTF-8 for iTXt, Latin-1 for tEXt/zTXt.
    pub text: Vec<u8>,
}

impl BakedText {
    /// The value as UTF-8 (Latin-1 converted).
    fn to_utf8(&self) -> Vec<u8> {
        match self.chunk {
            PngTextChunk::Itxt => self.text.clone(),
            PngTextChunk::Text | PngTextChunk::Ztxt => self
                .text
                .iter()
                .map(|&b| char::from(b))
                .collect::<String>()
                .into_bytes(),
        }
    }
}

fn inflate(
    compressed: &[u8],
    path: &ItemPath,
    keyword: &str,
    limits: &Limits,
) -> Result<Vec<u8>, Error> {
    let limit = limits.max_png_text_bytes;
    let mut out = Vec::new();
    let cap = u64::try_from(limit).unwrap_or(u64::MAX).saturating_add(1);
    flate2::read::ZlibDecoder::new(compressed)
        .take(cap)
        .read_to_end(&mut out)
        .map_err(|e| Error::PngTextInvalid {
            path: path.clone(),
            keyword: keyword.to_owned(),
            reason: format!("corrupt zlib stream: {e}"),
        })?;
    if out.len() > limit {
        return Err(too_large(path, keyword, out.len(), limit));
    }
    Ok(out)
}

fn too_large(path: &ItemPath, keyword: &str, size: usize, limit: usize) -> Error {
    Error::PngChunkTooLarge {
        path: path.clone(),
        keyword: keyword.to_owned(),
        size: u64::try_from(size).unwrap_or(u64::MAX),
        limit,
    }
}

/// Reads the value of one baked text chunk.
fn read_text_chunk(
    chunk: &Chunk<'_>,
    kind: PngTextChunk,
    keyword: &str,
    after_keyword: &[u8],
    path: &ItemPath,
    limits: &Limits,
) -> Result<Vec<u8>, Error> {
    let invalid = |reason: &str| Error::PngTextInvalid {
        path: path.clone(),
        keyword: keyword.to_owned(),
        reason: reason.to_owned(),
    };
    if crc_of(&chunk.kind, chunk.data) != chunk.crc {
        return Err(malformed(
            path,
            chunk.offset,
            format!("CRC mismatch in the '{keyword}' chunk"),
        ));
    }
    // Stored text larger than the limit is refused before any copy or inflation.
    if kind != PngTextChunk::Ztxt && after_keyword.len() > limits.max_png_text_bytes {
        return Err(too_large(
            path,
            keyword,
            after_keyword.len(),
            limits.max_png_text_bytes,
        ));
    }
    match kind {
        PngTextChunk::Text => Ok(after_keyword.to_vec()),
        PngTextChunk::Ztxt => match after_keyword.split_first() {
            Some((0, compressed)) => inflate(compressed, path, keyword, limits),
            Some(_) => Err(invalid(
                "unknown compression method (only 0, zlib, is defined)",
            )),
            None => Err(invalid("missing compression method")),
        },
        PngTextChunk::Itxt => {
            // iTXt: compression flag, compression method, language tag\0, translated keyword\0, text.
            let (&flag, rest) = after_keyword
                .split_first()
                .ok_or_else(|| invalid("truncated iTXt header"))?;
            let (&method, rest) = rest
                .split_first()
                .ok_or_else(|| invalid("truncated iTXt header"))?;
            let language_end = rest
                .iter()
                .position(|&b| b == 0)
                .ok_or_else(|| invalid("unterminated language tag"))?;
            let rest = rest
                .get(language_end.saturating_add(1)..)
                .unwrap_or_default();
            let translated_end = rest
                .iter()
                .position(|&b| b == 0)
                .ok_or_else(|| invalid("unterminated translated keyword"))?;
            let text = rest
                .get(translated_end.saturating_add(1)..)
                .unwrap_or_default();
            let text = match (flag, method) {
                (0, _) => text.to_vec(),
                (1, 0) => inflate(text, path, keyword, limits)?,
                (1, _) => {
                    return Err(invalid(
                        "unknown compression method (only 0, zlib, is defined)",
                    ));
                }
                _ => return Err(invalid("compression flag is neither 0 nor 1")),
            };
            if std::str::from_utf8(&text).is_err() {
                return Err(invalid("iTXt text is not UTF-8"));
            }
            Ok(text)
        }
    }
}

/// The first baked credential chunk of a PNG (OB 3.0 `docformat`: "extraction = first such
/// chunk"), `None` if there is none.
pub(crate) fn find_baked_text(
    png: &[u8],
    path: &ItemPath,
    limits: &Limits,
) -> Result<Option<BakedText>, Error> {
    let mut walker = chunks(png, path)?;
    loop {
        let chunk = match walker.next_chunk() {
            Ok(Some(chunk)) => chunk,
            Ok(None) => return Ok(None),
            Err((offset, reason)) => return Err(malformed(path, offset, reason)),
        };
        let Some(kind) = text_chunk_kind(&chunk.kind) else {
            continue;
        };
        let Some((keyword, after_keyword)) = split_keyword(chunk.data) else {
            continue;
        };
        if !BAKED_KEYWORDS.contains(&keyword) {
            continue;
        }
        let text = read_text_chunk(&chunk, kind, keyword, after_keyword, path, limits)?;
        return Ok(Some(BakedText {
            chunk: kind,
            keyword: keyword.to_owned(),
            text,
        }));
    }
}

/// Decodes the credential baked into a PNG.
pub(crate) fn decode(png: &[u8], at: &At, cx: &mut Cx<'_>) {
    let baked = match find_baked_text(png, &at.path, cx.limits) {
        Ok(Some(baked)) => baked,
        Ok(None) => {
            return cx.fail(Error::PngNotBaked {
                path: at.path.clone(),
            });
        }
        Err(e) => return cx.fail(e),
    };
    let container = ContainerKind::PngBaked {
        chunk: baked.chunk,
        keyword: baked.keyword.clone(),
    };
    let text = baked.to_utf8();
    if text.trim_ascii().is_empty() {
        return cx.fail(Error::BakedValueEmpty {
            path: at.path.clone(),
            carrier: format!("PNG chunk '{}'", baked.keyword),
        });
    }
    match at.nest(container, cx.limits) {
        Ok(at_baked) => decode_text_value(&text, &at_baked, cx, true),
        Err(e) => cx.fail(e),
    }
}

fn chunk_bytes(kind: &[u8; 4], data: &[u8]) -> Vec<u8> {
    let mut out = Vec::with_capacity(data.len().saturating_add(12));
    let length = u32::try_from(data.len()).unwrap_or(u32::MAX);
    out.extend_from_slice(&length.to_be_bytes());
    out.extend_from_slice(kind);
    out.extend_from_slice(data);
    out.extend_from_slice(&crc_of(kind, data).to_be_bytes());
    out
}

/// Bakes `text` into an uncompressed iTXt chunk named `keyword`, placed right after IHDR (so
/// that streaming readers see it before the image data). Every existing credential text chunk
/// is dropped: a badge carries one credential. All other bytes are kept as they are.
pub(crate) fn bake(png: &[u8], keyword: &str, text: &[u8]) -> Result<Vec<u8>, Error> {
    let path = ItemPath::file("<png>");
    if text.len() > crate::limits::MAX_PNG_TEXT_BYTES {
        return Err(too_large(
            &path,
            keyword,
            text.len(),
            crate::limits::MAX_PNG_TEXT_BYTES,
        ));
    }
    let mut walker = chunks(png, &path)?;
    let mut out = Vec::with_capacity(png.len().saturating_add(text.len()).saturating_add(64));
    out.extend_from_slice(PNG_SIGNATURE);
    let mut seen_ihdr = false;
    let mut seen_iend = false;
    loop {
        let chunk = match walker.next_chunk() {
            Ok(Some(chunk)) => chunk,
            Ok(None) => break,
            Err((offset, reason)) => return Err(malformed(&path, offset, reason)),
        };
        if !seen_ihdr {
            if &chunk.kind != b"IHDR" {
                return Err(malformed(
                    &path,
                    chunk.offset,
                    "the first chunk is not IHDR",
                ));
            }
            seen_ihdr = true;
            out.extend_from_slice(chunk.bytes);
            let mut data =
                Vec::with_capacity(text.len().saturating_add(keyword.len()).saturating_add(5));
            data.extend_from_slice(keyword.as_bytes());
            // NUL, compression flag 0, compression method 0, empty language tag NUL, empty
            // translated keyword NUL (PNG §11.3.4.5).
            data.extend_from_slice(&[0, 0, 0, 0, 0]);
            data.extend_from_slice(text);
            out.extend_from_slice(&chunk_bytes(b"iTXt", &data));
            continue;
        }
        let is_baked = text_chunk_kind(&chunk.kind).is_some()
            && split_keyword(chunk.data).is_some_and(|(k, _)| BAKED_KEYWORDS.contains(&k));
        if !is_baked {
            out.extend_from_slice(chunk.bytes);
        }
        if &chunk.kind == b"IEND" {
            seen_iend = true;
        }
    }
    if !seen_iend {
        return Err(malformed(&path, png.len(), "no IEND chunk"));
    }
    out.extend_from_slice(walker.trailing());
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn tiny_png(extra: &[Vec<u8>]) -> Vec<u8> {
        let mut png = PNG_SIGNATURE.to_vec();
        png.extend(chunk_bytes(
            b"IHDR",
            &[0, 0, 0, 1, 0, 0, 0, 1, 8, 0, 0, 0, 0],
        ));
        for chunk in extra {
            png.extend_from_slice(chunk);
        }
        png.extend(chunk_bytes(b"IEND", &[]));
        png
    }

    #[test]
    fn reads_compressed_itxt_and_ztxt() {
        use std::io::Write as _;
        let mut z = flate2::write::ZlibEncoder::new(Vec::new(), flate2::Compression::default());
        z.write_all(b"https://example.org/a.json").unwrap();
        let compressed = z.finish().unwrap();
        let mut itxt = b"openbadges\0\x01\x00\0\0".to_vec();
        itxt.extend_from_slice(&compressed);
        let mut ztxt = b"openbadges\0\x00".to_vec();
        ztxt.extend_from_slice(&compressed);
        for (kind, data, chunk) in [
            (b"iTXt", itxt, PngTextChunk::Itxt),
            (b"zTXt", ztxt, PngTextChunk::Ztxt),
        ] {
            let png = tiny_png(&[chunk_bytes(kind, &data)]);
            let found = find_baked_text(&png, &ItemPath::file("t"), &Limits::default())
                .unwrap()
                .unwrap();
            assert_eq!(found.chunk, chunk);
            assert_eq!(found.text, b"https://example.org/a.json");
        }
    }

    #[test]
    fn compressed_text_respects_the_limit() {
        use std::io::Write as _;
        let mut z = flate2::write::ZlibEncoder::new(Vec::new(), flate2::Compression::best());
        z.write_all(&vec![b' '; 10_000]).unwrap();
        let mut itxt = b"openbadgecredential\0\x01\x00\0\0".to_vec();
        itxt.extend_from_slice(&z.finish().unwrap());
        let png = tiny_png(&[chunk_bytes(b"iTXt", &itxt)]);
        let limits = Limits {
            max_png_text_bytes: 1000,
            ..Limits::default()
        };
        let err = find_baked_text(&png, &ItemPath::file("t"), &limits).unwrap_err();
        assert!(
            matches!(
                err,
                Error::PngChunkTooLarge {
                    limit: 1000,
                    size: 1001,
                    ..
                }
            ),
            "{err}"
        );
    }

    #[test]
    fn crc_mismatch_is_reported() {
        let mut chunk = chunk_bytes(b"tEXt", b"openbadges\0https://e.org/a");
        let last = chunk.len() - 1;
        chunk[last] ^= 0xFF;
        let png = tiny_png(&[chunk]);
        let err = find_baked_text(&png, &ItemPath::file("t"), &Limits::default()).unwrap_err();
        assert!(
            matches!(err, Error::PngMalformed { offset: 33, .. }),
            "{err}"
        );
    }

    #[test]
    fn bake_replaces_instead_of_duplicating() {
        let png = tiny_png(&[chunk_bytes(b"tEXt", b"openbadges\0https://e.org/a")]);
        let once = bake(&png, "openbadgecredential", b"{\"a\":1}").unwrap();
        let twice = bake(&once, "openbadgecredential", b"{\"a\":2}").unwrap();
        let count = |png: &[u8]| {
            let mut walker = chunks(png, &ItemPath::file("t")).unwrap();
            let mut n = 0;
            while let Some(chunk) = walker.next_chunk().unwrap() {
                n += usize::from(text_chunk_kind(&chunk.kind).is_some());
            }
            n
        };
        assert_eq!(count(&twice), 1);
        let found = find_baked_text(&twice, &ItemPath::file("t"), &Limits::default())
            .unwrap()
            .unwrap();
        assert_eq!(found.text, b"{\"a\":2}");
    }
}
