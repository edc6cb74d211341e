//! The streaming walk over directories and zip archives: [`Items`].
//!
//! Only one blob (a file or a zip entry) is in memory at a time: directories are listed one
//! level at a time, archives are read entry by entry through their central directory, and the
//! items of the current blob are handed out before the next blob is read.

use std::collections::VecDeque;
use std::fs::File;
use std::io::{Cursor, Read, Seek, SeekFrom};
use std::path::{Path, PathBuf};

use crate::decode::{At, Cx, decode_blob, is_zip};
use crate::error::Error;
use crate::item::{ContainerKind, Item, ItemPath, PathSegment};
use crate::limits::{Limits, ZIP_RATIO_CHECK_MIN_BYTES};

trait ReadSeek: Read + Seek {}
impl<T: Read + Seek> ReadSeek for T {}

/// The stream of decoded items (and per-item errors) returned by [`crate::decode_path`] and
/// [`crate::decode_bytes`]. Errors do not end the stream.
pub struct Items {
    limits: Limits,
    pending: VecDeque<Result<Item, Error>>,
    stack: Vec<Source>,
}

impl std::fmt::Debug for Items {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Items")
            .field("pending", &self.pending.len())
            .field("open_sources", &self.stack.len())
            .finish()
    }
}

enum Source {
    Directory(DirectorySource),
    Zip(Box<ZipSource>),
}

struct DirectorySource {
    entries: std::vec::IntoIter<PathBuf>,
    /// Depth of this directory below the walk root (the root is 0).
    depth: usize,
    at: At,
}

struct ZipSource {
    archive: zip::ZipArchive<Box<dyn ReadSeek>>,
    next: usize,
    at: At,
    total: u64,
}

/// What advancing a source produced.
enum Step {
    Items(Vec<Result<Item, Error>>),
    Push(Source),
    Exhausted,
}

impl Items {
    fn new(limits: &Limits) -> Items {
        Items {
            limits: *limits,
            pending: VecDeque::new(),
            stack: Vec::new(),
        }
    }

    pub(crate) fn from_path(path: &Path, limits: &Limits) -> Items {
        let mut items = Items::new(limits);
        let at = At::root(ItemPath::file(path));
        match std::fs::metadata(path) {
            Ok(meta) if meta.is_dir() => {
                let at_dir = at.with(ContainerKind::Directory);
                match items.visit_directory(path, 0, at_dir) {
                    Step::Items(found) => items.pending.extend(found),
                    Step::Push(source) => items.stack.push(source),
                    Step::Exhausted => {}
                }
            }
            Ok(_) => items.apply(visit_file(path, at, &items.limits)),
            Err(source) => items.pending.push_back(Err(Error::Io {
                path: ItemPath::file(path),
                source,
            })),
        }
        items
    }

    pub(crate) fn from_bytes(bytes: &[u8], name: &str, limits: &Limits) -> Items {
        let mut items = Items::new(limits);
        let at = At::root(ItemPath::file(name));
        if is_zip(bytes) {
            let reader: Box<dyn ReadSeek> = Box::new(Cursor::new(bytes.to_vec()));
            let step = open_zip(reader, at, &items.limits);
            items.apply(step);
        } else if let Some(error) = too_large(&at, bytes.len(), &items.limits) {
            items.pending.push_back(Err(error));
        } else {
            let mut out = Vec::new();
            decode_blob(bytes, &at, &mut Cx::new(&items.limits, &at, &mut out));
            items.pending.extend(out);
        }
        items
    }

    fn apply(&mut self, step: Step) {
        match step {
            Step::Items(found) => self.pending.extend(found),
            Step::Push(source) => self.stack.push(source),
            Step::Exhausted => {}
        }
    }

    fn visit_directory(&self, dir: &Path, depth: usize, at: At) -> Step {
        if depth > self.limits.max_directory_depth {
            return Step::Items(vec![Err(Error::DirectoryTooDeep {
                path: at.path,
                limit: self.limits.max_directory_depth,
            })]);
        }
        let listing = std::fs::read_dir(dir).and_then(|entries| {
            entries
                .map(|entry| entry.map(|e| e.path()))
                .collect::<std::io::Result<Vec<PathBuf>>>()
        });
        match listing {
            Ok(mut entries) => {
                // Sorted so that runs are reproducible whatever the file system's order.
                entries.sort();
                Step::Push(Source::Directory(DirectorySource {
                    entries: entries.into_iter(),
                    depth,
                    at,
                }))
            }
            Err(source) => Step::Items(vec![Err(Error::Io {
                path: at.path,
                source,
            })]),
        }
    }

    /// Advances the innermost open source by one entry.
    fn advance(&mut self) -> Option<Step> {
        let limits = self.limits;
        let top = self.stack.last_mut()?;
        let step = match top {
            Source::Directory(dir) => match dir.entries.next() {
                None => Step::Exhausted,
                Some(path) => {
                    let depth = dir.depth;
                    let at = At {
                        path: ItemPath::file(&path),
                        ..dir.at.clone()
                    };
                    // Symbolic links to directories are not followed: they could loop.
                    match std::fs::symlink_metadata(&path) {
                        Ok(meta) if meta.is_dir() => {
                            self.visit_directory(&path, depth.saturating_add(1), at)
                        }
                        Ok(meta) if meta.file_type().is_symlink() && path.is_dir() => {
                            Step::Items(Vec::new())
                        }
                        Ok(_) => visit_file(&path, at, &limits),
                        Err(source) => Step::Items(vec![Err(Error::Io {
                            path: at.path,
                            source,
                        })]),
                    }
                }
            },
            Source::Zip(zip) => zip.next_entry(&limits),
        };
        Some(step)
    }
}

impl Iterator for Items {
    type Item = Result<Item, Error>;

    fn next(&mut self) -> Option<Self::Item> {
        loop {
            if let Some(next) = self.pending.pop_front() {
                return Some(next);
            }
            match self.advance()? {
                Step::Items(found) => self.pending.extend(found),
                Step::Push(source) => self.stack.push(source),
                Step::Exhausted => {
                    self.stack.pop();
                }
            }
        }
    }
}

fn too_large(at: &At, size: usize, limits: &Limits) -> Option<Error> {
    let size = u64::try_from(size).unwrap_or(u64::MAX);
    (size > limits.max_file_bytes).then(|| Error::FileTooLarge {
        path: at.path.clone(),
        size,
        limit: limits.max_file_bytes,
    })
}

/// Reads one file: a zip archive is opened for streaming, anything else is read (up to the
/// file limit) and decoded.
fn visit_file(path: &Path, at: At, limits: &Limits) -> Step {
    let io_error = |at: &At, source| {
        Step::Items(vec![Err(Error::Io {
            path: at.path.clone(),
            source,
        })])
    };
    let mut file = match File::open(path) {
        Ok(file) => file,
        Err(source) => return io_error(&at, source),
    };
    let mut magic = [0u8; 4];
    let magic_len = match read_up_to(&mut file, &mut magic) {
        Ok(n) => n,
        Err(source) => return io_error(&at, source),
    };
    if is_zip(magic.get(..magic_len).unwrap_or_default()) {
        return match file.seek(SeekFrom::Start(0)) {
            Ok(_) => open_zip(Box::new(file), at, limits),
            Err(source) => io_error(&at, source),
        };
    }
    let mut bytes = magic.get(..magic_len).unwrap_or_default().to_vec();
    let cap = limits.max_file_bytes.saturating_add(1).saturating_sub(4);
    if let Err(source) = file.take(cap).read_to_end(&mut bytes) {
        return io_error(&at, source);
    }
    if let Some(error) = too_large(&at, bytes.len(), limits) {
        return Step::Items(vec![Err(error)]);
    }
    let mut out = Vec::new();
    decode_blob(&bytes, &at, &mut Cx::new(limits, &at, &mut out));
    Step::Items(out)
}

fn read_up_to(reader: &mut impl Read, buffer: &mut [u8]) -> std::io::Result<usize> {
    let mut filled = 0;
    while let Some(rest) = buffer.get_mut(filled..).filter(|r| !r.is_empty()) {
        match reader.read(rest)? {
            0 => break,
            n => filled = filled.saturating_add(n),
        }
    }
    Ok(filled)
}

/// The entry count from the end-of-central-directory record (APPNOTE §4.3.16), read before the
/// zip reader loads the central directory, so a huge declared count is refused first.
fn declared_entries(reader: &mut dyn ReadSeek) -> std::io::Result<Option<u64>> {
    const EOCD_MIN: u64 = 22;
    const EOCD_SEARCH: u64 = EOCD_MIN + 0xFFFF;
    let length = reader.seek(SeekFrom::End(0))?;
    let window = length.min(EOCD_SEARCH);
    reader.seek(SeekFrom::Start(length.saturating_sub(window)))?;
    let mut tail = Vec::new();
    Read::take(&mut *reader, window).read_to_end(&mut tail)?;
    reader.seek(SeekFrom::Start(0))?;
    let Some(at) = tail.windows(4).rposition(|w| w == b"PK\x05\x06") else {
        return Ok(None);
    };
    let count = tail
        .get(at.saturating_add(10)..at.saturating_add(12))
        .and_then(|b| <[u8; 2]>::try_from(b).ok())
        .map(u16::from_le_bytes);
    // 0xFFFF means "see the ZIP64 record"; the zip reader's own count is checked after opening.
    Ok(count.filter(|&c| c != 0xFFFF).map(u64::from))
}

fn open_zip(mut reader: Box<dyn ReadSeek>, at: At, limits: &Limits) -> Step {
    let at_zip = match at.nest(ContainerKind::Zip, limits) {
        Ok(at_zip) => at_zip,
        Err(e) => return Step::Items(vec![Err(e)]),
    };
    let limit = u64::try_from(limits.max_zip_entries).unwrap_or(u64::MAX);
    let too_many = |entries: u64| {
        Step::Items(vec![Err(Error::ZipTooManyEntries {
            path: at_zip.path.clone(),
            entries,
            limit: limits.max_zip_entries,
        })])
    };
    match declared_entries(reader.as_mut()) {
        Ok(Some(entries)) if entries > limit => return too_many(entries),
        Ok(_) => {}
        Err(source) => {
            return Step::Items(vec![Err(Error::Io {
                path: at_zip.path.clone(),
                source,
            })]);
        }
    }
    let archive = match zip::ZipArchive::new(reader) {
        Ok(archive) => archive,
        Err(e) => {
            return Step::Items(vec![Err(Error::ZipMalformed {
                path: at_zip.path.clone(),
                message: e.to_string(),
            })]);
        }
    };
    let entries = u64::try_from(archive.len()).unwrap_or(u64::MAX);
    if entries > limit {
        return too_many(entries);
    }
    Step::Push(Source::Zip(Box::new(ZipSource {
        archive,
        next: 0,
        at: at_zip,
        total: 0,
    })))
}

impl ZipSource {
    fn next_entry(&mut self, limits: &Limits) -> Step {
        loop {
            if self.next >= self.archive.len() {
                return Step::Exhausted;
            }
            let index = self.next;
            self.next = index.saturating_add(1);
            let mut entry = match self.archive.by_index(index) {
                Ok(entry) => entry,
                Err(e) => {
                    return Step::Items(vec![Err(Error::ZipMalformed {
                        path: self
                            .at
                            .path
                            .join(PathSegment::ZipEntry(format!("#{index}"))),
                        message: e.to_string(),
                    })]);
                }
            };
            if entry.is_dir() {
                continue;
            }
            let name = entry
                .name()
                .map(|n| n.into_owned())
                .unwrap_or_else(|_| String::from_utf8_lossy(entry.name_raw()).into_owned());
            let at = self.at.at(PathSegment::ZipEntry(name));
            if entry.size() > limits.max_file_bytes {
                return Step::Items(vec![Err(Error::FileTooLarge {
                    path: at.path,
                    size: entry.size(),
                    limit: limits.max_file_bytes,
                })]);
            }
            let compressed = entry.compressed_size().max(1);
            let bytes = match read_entry(&mut entry, compressed, &at, limits) {
                Ok(bytes) => bytes,
                Err(e) => return Step::Items(vec![Err(e)]),
            };
            drop(entry);
            self.total = self
                .total
                .saturating_add(u64::try_from(bytes.len()).unwrap_or(u64::MAX));
            if self.total > limits.max_zip_total_bytes {
                // Nothing more is read from this archive.
                self.next = self.archive.len();
                return Step::Items(vec![Err(Error::ZipTotalTooLarge {
                    path: at.path,
                    limit: limits.max_zip_total_bytes,
                })]);
            }
            if is_zip(&bytes) {
                return open_zip(Box::new(Cursor::new(bytes)), at, limits);
            }
            let mut out = Vec::new();
            decode_blob(&bytes, &at, &mut Cx::new(limits, &at, &mut out));
            return Step::Items(out);
        }
    }
}

/// Inflates one entry in 64 KiB steps, checking the size and compression-ratio limits as it
/// goes, so a bomb is stopped early rather than after inflating.
fn read_entry(
    entry: &mut impl Read,
    compressed: u64,
    at: &At,
    limits: &Limits,
) -> Result<Vec<u8>, Error> {
    let mut bytes = Vec::new();
    let mut buffer = vec![0u8; 64 * 1024];
    loop {
        let n = entry.read(&mut buffer).map_err(|e| Error::ZipMalformed {
            path: at.path.clone(),
            message: e.to_string(),
        })?;
        if n == 0 {
            return Ok(bytes);
        }
        bytes.extend_from_slice(buffer.get(..n).unwrap_or_default());
        let size = u64::try_from(bytes.len()).unwrap_or(u64::MAX);
        if size > limits.max_file_bytes {
            return Err(Error::FileTooLarge {
                path: at.path.clone(),
                size,
                limit: limits.max_file_bytes,
            });
        }
        let ratio = size / compressed;
        if size >= ZIP_RATIO_CHECK_MIN_BYTES && ratio > limits.max_zip_ratio {
            return Err(Error::ZipCompressionRatio {
                path: at.path.clone(),
                ratio,
                limit: limits.max_zip_ratio,
            });
        }
    }
}
