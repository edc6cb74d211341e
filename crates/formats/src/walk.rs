//! The streaming walk over directories, zip archives and JSON Lines files: [`Items`].
//!
//! Only one blob (a file, a zip entry, or a line of a JSON Lines file) is in memory at a time:
//! directories are listed one level at a time, archives are read entry by entry through their
//! central directory, JSON Lines files line by line, and the items of the current blob are
//! handed out before the next blob is read.

use std::collections::VecDeque;
use std::fs::File;
use std::io::{BufRead, BufReader, Cursor, Read, Seek, SeekFrom};
use std::path::{Path, PathBuf};

use crate::decode::{At, Cx, decode_blob, is_zip};
use crate::error::Error;
use crate::item::{ContainerKind, Item, ItemPath, PathSegment};
use crate::json;
use crate::limits::{Limits, ZIP_RATIO_CHECK_MIN_BYTES};
use crate::zip::{EntryError, InflateBudget, OpenError, Read2, ReadSeek, ZipError, ZipReader};

/// The stream of decoded items (and per-item errors) returned by [`crate::decode_path`] and
/// [`crate::decode_bytes`]. Errors do not end the stream.
///
/// It is [`Blobs`] with each blob decoded as it is read; a caller that wants to decode on
/// several threads takes the [`Blobs`] themselves ([`crate::read_path`]).
pub struct Items {
    blobs: Blobs,
    pending: VecDeque<Result<Item, Error>>,
}

impl std::fmt::Debug for Items {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Items")
            .field("pending", &self.pending.len())
            .field("blobs", &self.blobs)
            .finish()
    }
}

/// The stream of read-but-not-yet-decoded units of input returned by [`crate::read_path`]:
/// a file, a zip entry or a line of a JSON Lines file. Reading is sequential (the walk is a
/// stream); decoding ([`Blob::decode`]) can then happen on any thread, in any order.
pub struct Blobs {
    limits: Limits,
    ready: VecDeque<Blob>,
    stack: Vec<Source>,
    /// The budget of the outermost open archive, shared by the archives inside it.
    inflation: Inflation,
    /// The folder given to the walk, canonical: symbolic links are followed only to files
    /// inside it.
    root: Option<PathBuf>,
}

impl std::fmt::Debug for Blobs {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Blobs")
            .field("ready", &self.ready.len())
            .field("open_sources", &self.stack.len())
            .finish()
    }
}

/// One unit of input, read but not decoded: decoding it yields its items (a file may hold
/// many: an array, a CLR, a presentation) or the errors that stopped them.
pub struct Blob {
    content: BlobContent,
    limits: Limits,
}

enum BlobContent {
    /// Nothing left to decode: the walk itself failed here (an I/O error, a limit), or the
    /// bytes were decoded as they were read ([`crate::decode_bytes`]).
    Decoded(Vec<Result<Item, Error>>),
    /// A whole file or zip entry.
    Whole { bytes: Vec<u8>, at: At },
    /// Line `number` (trimmed, not blank) of the JSON Lines file at `at`.
    Line { bytes: Vec<u8>, number: u64, at: At },
}

impl std::fmt::Debug for Blob {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Blob")
            .field("path", &self.path())
            .field("bytes", &self.len())
            .finish()
    }
}

impl Blob {
    /// Where the blob came from; `None` for one that is already decoded.
    #[must_use]
    pub fn path(&self) -> Option<&ItemPath> {
        match &self.content {
            BlobContent::Decoded(_) => None,
            BlobContent::Whole { at, .. } | BlobContent::Line { at, .. } => Some(&at.path),
        }
    }

    /// The size of the undecoded bytes held (0 once decoded): for bounding how much input a
    /// caller keeps in flight.
    #[must_use]
    pub fn len(&self) -> usize {
        match &self.content {
            BlobContent::Decoded(_) => 0,
            BlobContent::Whole { bytes, .. } | BlobContent::Line { bytes, .. } => bytes.len(),
        }
    }

    /// Whether no undecoded bytes are held.
    #[must_use]
    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    /// The exact bytes of this unit of input, as read: the whole file or zip entry (an entry's
    /// inflated content), or one line of a JSON Lines file without its line break and the
    /// blank space around it (which JSON Lines does not count as part of the value). `None`
    /// for a blob that is already decoded (a failure of the walk itself).
    ///
    /// With [`Blob::unit_path`], this is what a caller keeps as "the original" of every item
    /// the blob decodes to: a credential in a zip archive is the bytes of its entry, not of
    /// the archive.
    #[must_use]
    pub fn bytes(&self) -> Option<&[u8]> {
        match &self.content {
            BlobContent::Decoded(_) => None,
            BlobContent::Whole { bytes, .. } | BlobContent::Line { bytes, .. } => Some(bytes),
        }
    }

    /// Where this unit itself sits: the path of the file or zip entry, or for a JSON Lines
    /// line the file's path and the line number ([`PathSegment::Line`]). Every item the blob
    /// decodes to has a path that starts with these segments; what follows them (a JSON
    /// pointer, an array index) is the item's place inside [`Blob::bytes`]. `None` for a blob
    /// that is already decoded.
    #[must_use]
    pub fn unit_path(&self) -> Option<ItemPath> {
        match &self.content {
            BlobContent::Decoded(_) => None,
            BlobContent::Whole { at, .. } => Some(at.path.clone()),
            BlobContent::Line { number, at, .. } => Some(at.path.join(PathSegment::Line(*number))),
        }
    }

    /// Decodes the blob into its items and per-item errors, in order, exactly as
    /// [`crate::decode_path`] would have.
    #[must_use]
    pub fn decode(self) -> Vec<Result<Item, Error>> {
        let limits = &self.limits;
        match self.content {
            BlobContent::Decoded(items) => items,
            BlobContent::Whole { bytes, at } => {
                let mut out = Vec::new();
                decode_blob(&bytes, &at, &mut Cx::new(limits, &at, &mut out));
                out
            }
            BlobContent::Line { bytes, number, at } => {
                json::decode_streamed_line(&bytes, number, &at, limits)
            }
        }
    }
}

enum Source {
    Directory(DirectorySource),
    Zip(Box<ZipSource>),
    Lines(Box<LinesSource>),
}

struct DirectorySource {
    entries: std::vec::IntoIter<PathBuf>,
    /// Depth of this directory below the walk root (the root is 0).
    depth: usize,
    at: At,
}

struct ZipSource {
    archive: ZipReader,
    at: At,
}

/// A file read through a buffer. Behind it is the file with the bytes already read to sniff
/// its type (its first four) put back in front, so that pipes (`<(gunzip -c creds.jsonl.gz)`)
/// need no seeking; or, for the fuzzing entry point, bytes in memory.
type FileReader = BufReader<Box<dyn Read>>;

/// Buffer size for reading files line by line: a typical credential is a few KiB.
const LINE_READER_CAPACITY: usize = 64 * 1024;

/// A JSON Lines file, read one line at a time (<https://jsonlines.org/>).
struct LinesSource {
    reader: FileReader,
    /// Line breaks read so far: the next line read is line `breaks + 1`.
    breaks: u64,
    /// The first line with content and its number, read while sniffing; decoded first.
    first: Option<(u64, Vec<u8>)>,
    /// The file (the line segment is added per line).
    at: At,
    /// The current line, reused from line to line; never longer than the file limit + 1.
    buffer: Vec<u8>,
    /// Set at the end of the file or after a read error (which would likely repeat).
    done: bool,
}

/// What advancing a source produced.
enum Step {
    Items(Vec<Result<Item, Error>>),
    Blob(BlobContent),
    Push(Source),
    Exhausted,
}

impl Blobs {
    fn new(limits: &Limits) -> Blobs {
        Blobs {
            limits: *limits,
            ready: VecDeque::new(),
            stack: Vec::new(),
            inflation: Inflation::default(),
            root: None,
        }
    }

    fn decoded(&mut self, items: Vec<Result<Item, Error>>) {
        self.ready.push_back(Blob {
            content: BlobContent::Decoded(items),
            limits: self.limits,
        });
    }

    pub(crate) fn from_path(path: &Path, limits: &Limits) -> Blobs {
        let mut blobs = Blobs::new(limits);
        let at = At::root(ItemPath::file(path));
        match std::fs::metadata(path) {
            Ok(meta) if meta.is_dir() => {
                blobs.root = std::fs::canonicalize(path).ok();
                let at_dir = at.with(ContainerKind::Directory);
                let step = blobs.visit_directory(path, 0, at_dir);
                blobs.apply(step);
            }
            // A path given by name is read whatever it is (a pipe from `<(gunzip -c …)` too).
            Ok(meta) => {
                let step = visit_file(path, at, &blobs.limits, Some(meta.len()));
                blobs.apply(step);
            }
            Err(source) => blobs.decoded(vec![Err(Error::Io {
                path: ItemPath::file(path),
                source,
            })]),
        }
        blobs
    }

    /// Reads what `reader` yields as the content of a (non-zip) file named `name`: the
    /// fuzzing entry point for the JSON Lines sniffing and streaming of [`visit_text`].
    pub(crate) fn from_reader(reader: Box<dyn Read>, name: &str, limits: &Limits) -> Blobs {
        let mut blobs = Blobs::new(limits);
        let at = At::root(ItemPath::file(name));
        let step = visit_text(reader, at, &blobs.limits, None);
        blobs.apply(step);
        blobs
    }

    pub(crate) fn from_stream(mut reader: Box<dyn Read>, name: &str, limits: &Limits) -> Blobs {
        let mut magic = [0u8; 4];
        let magic_len = match read_up_to(&mut reader, &mut magic) {
            Ok(n) => n,
            Err(source) => {
                let mut blobs = Blobs::new(limits);
                blobs.decoded(vec![Err(Error::Io {
                    path: ItemPath::file(name),
                    source,
                })]);
                return blobs;
            }
        };
        let head = magic.get(..magic_len).unwrap_or_default().to_vec();
        if !is_zip(&head) {
            return Blobs::from_reader(Box::new(Cursor::new(head).chain(reader)), name, limits);
        }
        let mut bytes = head;
        let room = limits.max_file_bytes.saturating_add(1);
        if let Err(source) = Read::take(&mut reader, room).read_to_end(&mut bytes) {
            let mut blobs = Blobs::new(limits);
            blobs.decoded(vec![Err(Error::Io {
                path: ItemPath::file(name),
                source,
            })]);
            return blobs;
        }
        if len_u64(&bytes) > limits.max_file_bytes {
            // An archive read into memory must fit the file limit; cut, it would only be
            // reported as malformed.
            let size = len_u64(&bytes).saturating_add(drain(&mut reader));
            let mut blobs = Blobs::new(limits);
            blobs.decoded(vec![Err(Error::FileTooLarge {
                path: ItemPath::file(name),
                size,
                limit: limits.max_file_bytes,
            })]);
            return blobs;
        }
        Blobs::from_bytes(&bytes, name, limits)
    }

    /// Bytes in memory are decoded at once (a zip is still read entry by entry): the caller
    /// holds them anyway, and copying them into a blob would only cost.
    pub(crate) fn from_bytes(bytes: &[u8], name: &str, limits: &Limits) -> Blobs {
        let mut blobs = Blobs::new(limits);
        let at = At::root(ItemPath::file(name));
        if is_zip(bytes) {
            let reader: Box<dyn ReadSeek> = Box::new(Cursor::new(bytes.to_vec()));
            let step = open_zip(reader, at, &blobs.limits);
            blobs.apply(step);
        } else if let Some(error) = too_large(&at, bytes.len(), &blobs.limits) {
            blobs.decoded(vec![Err(error)]);
        } else {
            let mut out = Vec::new();
            decode_blob(bytes, &at, &mut Cx::new(&blobs.limits, &at, &mut out));
            blobs.decoded(out);
        }
        blobs
    }

    fn apply(&mut self, step: Step) {
        match step {
            Step::Items(found) => self.decoded(found),
            Step::Blob(content) => self.ready.push_back(Blob {
                content,
                limits: self.limits,
            }),
            Step::Push(source) => {
                if let Source::Zip(zip) = &source
                    && !self.stack.iter().any(|s| matches!(s, Source::Zip(_)))
                {
                    // An archive given to the walk (not one inside another): a new budget.
                    self.inflation =
                        Inflation::for_archive(zip.archive.archive_bytes(), &self.limits);
                }
                self.stack.push(source);
            }
            Step::Exhausted => {
                self.stack.pop();
            }
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

    /// A symbolic link met in a folder: followed only to a regular file inside the folder
    /// given to the walk. Links to folders are not followed (they could loop), links out of
    /// the tree are refused, links to anything but a file are skipped like such files are.
    fn visit_symlink(&self, path: &Path, at: At, limits: &Limits) -> Step {
        let target = match std::fs::canonicalize(path) {
            Ok(target) => target,
            Err(source) => {
                return Step::Items(vec![Err(Error::Io {
                    path: at.path,
                    source,
                })]);
            }
        };
        if !self
            .root
            .as_ref()
            .is_some_and(|root| target.starts_with(root))
        {
            return Step::Items(vec![Err(Error::SymlinkOutsideInput { path: at.path })]);
        }
        match std::fs::metadata(&target) {
            Ok(meta) if meta.is_dir() => Step::Items(Vec::new()),
            Ok(meta) if meta.is_file() => visit_file(&target, at, limits, Some(meta.len())),
            Ok(meta) => Step::Items(vec![Err(Error::NotARegularFile {
                path: at.path,
                kind: file_kind(&meta.file_type()),
            })]),
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
                    match std::fs::symlink_metadata(&path) {
                        Ok(meta) if meta.is_dir() => {
                            self.visit_directory(&path, depth.saturating_add(1), at)
                        }
                        Ok(meta) if meta.is_file() => {
                            visit_file(&path, at, &limits, Some(meta.len()))
                        }
                        Ok(meta) if meta.file_type().is_symlink() => {
                            self.visit_symlink(&path, at, &limits)
                        }
                        Ok(meta) => Step::Items(vec![Err(Error::NotARegularFile {
                            path: at.path,
                            kind: file_kind(&meta.file_type()),
                        })]),
                        Err(source) => Step::Items(vec![Err(Error::Io {
                            path: at.path,
                            source,
                        })]),
                    }
                }
            },
            Source::Zip(zip) => zip.next_entry(&limits, &mut self.inflation),
            Source::Lines(lines) => lines.next_line(&limits),
        };
        Some(step)
    }
}

impl Iterator for Blobs {
    type Item = Blob;

    fn next(&mut self) -> Option<Blob> {
        loop {
            if let Some(next) = self.ready.pop_front() {
                return Some(next);
            }
            let step = self.advance()?;
            self.apply(step);
        }
    }
}

impl Items {
    pub(crate) fn new(blobs: Blobs) -> Items {
        Items {
            blobs,
            pending: VecDeque::new(),
        }
    }
}

impl Iterator for Items {
    type Item = Result<Item, Error>;

    fn next(&mut self) -> Option<Self::Item> {
        loop {
            if let Some(next) = self.pending.pop_front() {
                return Some(next);
            }
            let blob = self.blobs.next()?;
            self.pending.extend(blob.decode());
        }
    }
}

/// What a file that is not a regular file is, for [`Error::NotARegularFile`].
fn file_kind(kind: &std::fs::FileType) -> &'static str {
    #[cfg(unix)]
    {
        use std::os::unix::fs::FileTypeExt as _;
        if kind.is_fifo() {
            return "a named pipe (FIFO)";
        }
        if kind.is_socket() {
            return "a socket";
        }
        if kind.is_block_device() || kind.is_char_device() {
            return "a device";
        }
    }
    if kind.is_symlink() {
        return "a symbolic link";
    }
    "not a regular file"
}

/// Reads what is left of a stream that is too large, without holding it, to report its real
/// size: counted up to [`DRAIN_LIMIT`] bytes more (a stream may not end).
fn drain(reader: &mut impl Read) -> u64 {
    std::io::copy(&mut Read::take(reader, DRAIN_LIMIT), &mut std::io::sink()).unwrap_or(0)
}

/// How far past the file limit a stream is read to count its size.
const DRAIN_LIMIT: u64 = 1 << 30;

fn too_large(at: &At, size: usize, limits: &Limits) -> Option<Error> {
    let size = u64::try_from(size).unwrap_or(u64::MAX);
    (size > limits.max_file_bytes).then(|| Error::FileTooLarge {
        path: at.path.clone(),
        size,
        limit: limits.max_file_bytes,
    })
}

/// Reads one file: a zip archive is opened for streaming, a JSON Lines file (see
/// [`sniff_json_lines`]) is read line by line with each line limited to
/// [`Limits::max_file_bytes`], anything else is read whole (up to the file limit) and decoded.
fn visit_file(path: &Path, at: At, limits: &Limits, known_len: Option<u64>) -> Step {
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
    let magic = magic.get(..magic_len).unwrap_or_default().to_vec();
    visit_text(
        Box::new(Cursor::new(magic).chain(file)),
        at,
        limits,
        known_len,
    )
}

/// Reads a file that is not a zip archive: streamed line by line if it is JSON Lines, else
/// read whole (up to the file limit) and decoded.
/// `known_len` is the file's size from its metadata, if it has one (for the error's real size).
fn visit_text(reader: Box<dyn Read>, at: At, limits: &Limits, known_len: Option<u64>) -> Step {
    let io_error = |at: &At, source| {
        Step::Items(vec![Err(Error::Io {
            path: at.path.clone(),
            source,
        })])
    };
    let mut reader = BufReader::with_capacity(LINE_READER_CAPACITY, reader);
    let mut bytes = match sniff_json_lines(&mut reader, limits.max_file_bytes) {
        Ok(Head::JsonLines {
            number,
            line,
            breaks,
        }) => {
            return Step::Push(Source::Lines(Box::new(LinesSource {
                reader,
                breaks,
                first: Some((number, line)),
                at,
                buffer: Vec::new(),
                done: false,
            })));
        }
        Ok(Head::Other(bytes)) => bytes,
        Err(source) => return io_error(&at, source),
    };
    let cap = limits.max_file_bytes.saturating_add(1);
    let room = cap.saturating_sub(len_u64(&bytes));
    if let Err(source) = Read::take(&mut reader, room).read_to_end(&mut bytes) {
        return io_error(&at, source);
    }
    if len_u64(&bytes) > limits.max_file_bytes {
        let read = len_u64(&bytes);
        let size = match known_len {
            Some(len) if len >= read => len,
            _ => read.saturating_add(drain(&mut reader)),
        };
        return Step::Items(vec![Err(Error::FileTooLarge {
            path: at.path,
            size,
            limit: limits.max_file_bytes,
        })]);
    }
    Step::Blob(BlobContent::Whole { bytes, at })
}

fn len_u64(bytes: &[u8]) -> u64 {
    u64::try_from(bytes.len()).unwrap_or(u64::MAX)
}

/// What the head of a (non-zip) file says about it.
enum Head {
    /// JSON Lines: the first line with content (trimmed, without a byte order mark), its
    /// number, and the line breaks read so far; the reader stands at the start of the second
    /// value.
    JsonLines {
        number: u64,
        line: Vec<u8>,
        breaks: u64,
    },
    /// Anything else: every byte read so far (about `limit + 1` at most), for the whole-file
    /// decoder to continue from.
    Other(Vec<u8>),
}

/// Decides from the head of a file whether it is JSON Lines, the same way
/// [`json::decode_json_text`] decides for bytes in memory: the first value sits alone on its
/// line ([`json::is_one_value_line`]) and another value starts on a later line.
///
/// At most about `limit + 1` bytes are read: if the first line with content and the start of
/// the next value are not within them, the file is not streamed, and the whole-file decoder
/// reports [`Error::FileTooLarge`] for it. So a JSON Lines file whose *first* line exceeds the
/// limit is refused as a whole, while a later long line is refused on its own.
fn sniff_json_lines(reader: &mut impl BufRead, limit: u64) -> std::io::Result<Head> {
    const UTF8_BOM: &[u8] = b"\xEF\xBB\xBF";
    let cap = limit.saturating_add(1);
    let mut head = Vec::new();
    let mut breaks = 0u64;
    // The first line with content, as a range of `head` without its line break.
    let (start, end) = loop {
        let start = head.len();
        let room = cap.saturating_sub(len_u64(&head));
        let read = Read::take(&mut *reader, room).read_until(b'\n', &mut head)?;
        let Some(end) = head
            .len()
            .checked_sub(1)
            .filter(|&i| read > 0 && head.get(i) == Some(&b'\n'))
        else {
            // The file or the head budget ended inside the line: no second line to go by.
            return Ok(Head::Other(head));
        };
        breaks = breaks.saturating_add(1);
        let start = if start == 0 && head.starts_with(UTF8_BOM) {
            UTF8_BOM.len()
        } else {
            start
        };
        if !head
            .get(start..end)
            .unwrap_or_default()
            .trim_ascii()
            .is_empty()
        {
            break (start, end);
        }
    };
    let number = breaks;
    if !json::is_one_value_line(head.get(start..end).unwrap_or_default()) {
        return Ok(Head::Other(head));
    }
    // Does another value follow on a later line? (The first line ended with a break.)
    loop {
        let available = match reader.fill_buf() {
            Ok(available) => available,
            Err(e) if e.kind() == std::io::ErrorKind::Interrupted => continue,
            Err(e) => return Err(e),
        };
        if available.is_empty() {
            // Only blank space after one value: a single document.
            return Ok(Head::Other(head));
        }
        let blank = available
            .iter()
            .take_while(|b| b.is_ascii_whitespace())
            .count();
        let value_follows = blank < available.len();
        let skipped = available.get(..blank).unwrap_or_default();
        let skipped_breaks = skipped.iter().filter(|&&b| b == b'\n').count();
        breaks = breaks.saturating_add(u64::try_from(skipped_breaks).unwrap_or(u64::MAX));
        head.extend_from_slice(skipped);
        reader.consume(blank);
        if len_u64(&head) > limit {
            return Ok(Head::Other(head));
        }
        if value_follows {
            let line = head
                .get(start..end)
                .unwrap_or_default()
                .trim_ascii()
                .to_vec();
            return Ok(Head::JsonLines {
                number,
                line,
                breaks,
            });
        }
    }
}

/// How reading one line went.
enum LineRead {
    /// The end of the file: nothing was read.
    End,
    /// A line (with its line break, unless it is the last line) is in the buffer.
    Line,
    /// The line is longer than the cap; it was read to its end and dropped, only counted.
    /// `size` is its length without the line break.
    TooLong { size: u64 },
}

/// Reads one line into `buffer` (cleared first), keeping at most `cap` bytes of it: a longer
/// line is skipped to its line break without being held, so its length costs no memory.
fn read_line_bounded(
    reader: &mut impl BufRead,
    cap: u64,
    buffer: &mut Vec<u8>,
) -> std::io::Result<LineRead> {
    buffer.clear();
    let read = Read::take(&mut *reader, cap).read_until(b'\n', buffer)?;
    if read == 0 {
        return Ok(LineRead::End);
    }
    if buffer.ends_with(b"\n") || len_u64(buffer) < cap {
        return Ok(LineRead::Line);
    }
    let mut size = len_u64(buffer);
    buffer.clear();
    loop {
        let available = match reader.fill_buf() {
            Ok(available) => available,
            Err(e) if e.kind() == std::io::ErrorKind::Interrupted => continue,
            Err(e) => return Err(e),
        };
        if available.is_empty() {
            return Ok(LineRead::TooLong { size });
        }
        let line_break = available.iter().position(|&b| b == b'\n');
        let taken = line_break.unwrap_or(available.len());
        size = size.saturating_add(u64::try_from(taken).unwrap_or(u64::MAX));
        reader.consume(line_break.map_or(taken, |at| at.saturating_add(1)));
        if line_break.is_some() {
            return Ok(LineRead::TooLong { size });
        }
    }
}

impl LinesSource {
    /// Reads and decodes the next line with content.
    fn next_line(&mut self, limits: &Limits) -> Step {
        if let Some((number, line)) = self.first.take() {
            return Step::Blob(BlobContent::Line {
                bytes: line,
                number,
                at: self.at.clone(),
            });
        }
        let cap = limits.max_file_bytes.saturating_add(1);
        loop {
            if self.done {
                return Step::Exhausted;
            }
            let number = self.breaks.saturating_add(1);
            let read = read_line_bounded(&mut self.reader, cap, &mut self.buffer);
            self.breaks = number;
            let line_path = || self.at.path.join(PathSegment::Line(number));
            match read {
                Ok(LineRead::End) => {
                    self.done = true;
                    return Step::Exhausted;
                }
                Ok(LineRead::Line) => {
                    let line = self.buffer.trim_ascii();
                    if line.is_empty() {
                        continue;
                    }
                    return Step::Blob(BlobContent::Line {
                        bytes: line.to_vec(),
                        number,
                        at: self.at.clone(),
                    });
                }
                Ok(LineRead::TooLong { size }) => {
                    return Step::Items(vec![Err(Error::FileTooLarge {
                        path: line_path(),
                        size,
                        limit: limits.max_file_bytes,
                    })]);
                }
                Err(source) => {
                    self.done = true;
                    return Step::Items(vec![Err(Error::Io {
                        path: line_path(),
                        source,
                    })]);
                }
            }
        }
    }
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

/// The decompression budget of one archive given to the walk and of every archive inside it
/// (nested archives do not get a budget of their own): at most
/// [`Limits::max_zip_total_bytes`], and at most [`Limits::max_zip_ratio`] times the outer
/// archive's own size (or [`ZIP_RATIO_CHECK_MIN_BYTES`], for small archives).
#[derive(Debug, Default, Clone, Copy)]
struct Inflation {
    /// Bytes inflated so far (stored entries count too), whether or not their entry was kept.
    inflated: u64,
    /// The outer archive's size.
    archive_bytes: u64,
    /// The smaller of the two limits, in bytes.
    limit: u64,
    /// Whether `limit` comes from the ratio (else from the total).
    by_ratio: bool,
}

impl Inflation {
    fn for_archive(archive_bytes: u64, limits: &Limits) -> Inflation {
        let by_ratio_limit = limits
            .max_zip_ratio
            .saturating_mul(archive_bytes.max(ZIP_RATIO_CHECK_MIN_BYTES));
        Inflation {
            inflated: 0,
            archive_bytes,
            limit: by_ratio_limit.min(limits.max_zip_total_bytes),
            by_ratio: by_ratio_limit < limits.max_zip_total_bytes,
        }
    }

    fn exceeded(&self, path: &ItemPath, limits: &Limits) -> Error {
        if self.by_ratio {
            Error::ZipArchiveRatio {
                path: path.clone(),
                archive_bytes: self.archive_bytes,
                limit: limits.max_zip_ratio,
            }
        } else {
            Error::ZipTotalTooLarge {
                path: path.clone(),
                limit: limits.max_zip_total_bytes,
            }
        }
    }
}

/// The checks made while one entry inflates: its own ratio (actual bytes in and out) and the
/// archive tree's budget.
struct EntryBudget<'a> {
    tree: &'a Inflation,
    limits: &'a Limits,
    path: &'a ItemPath,
    /// Bytes this entry inflated so far.
    inflated: u64,
    /// Set when the tree budget stopped the entry.
    tree_exceeded: bool,
}

impl InflateBudget for EntryBudget<'_> {
    fn check(&mut self, inflated: u64, consumed: u64) -> Result<(), Error> {
        self.inflated = inflated;
        if self.tree.inflated.saturating_add(inflated) > self.tree.limit {
            self.tree_exceeded = true;
            return Err(self.tree.exceeded(self.path, self.limits));
        }
        let ratio = inflated / consumed.max(1);
        if inflated >= ZIP_RATIO_CHECK_MIN_BYTES && ratio > self.limits.max_zip_ratio {
            return Err(Error::ZipCompressionRatio {
                path: self.path.clone(),
                ratio,
                limit: self.limits.max_zip_ratio,
            });
        }
        Ok(())
    }
}

fn zip_error(path: ItemPath, error: ZipError) -> Error {
    match error {
        ZipError::Malformed(message) => Error::ZipMalformed { path, message },
        ZipError::Overlap { offset } => Error::ZipOverlappingEntries { path, offset },
        ZipError::Io(source) => Error::Io { path, source },
    }
}

fn open_zip(reader: Box<dyn ReadSeek>, at: At, limits: &Limits) -> Step {
    let at_zip = match at.nest(ContainerKind::Zip, limits) {
        Ok(at_zip) => at_zip,
        Err(e) => return Step::Items(vec![Err(e)]),
    };
    let limit = u64::try_from(limits.max_zip_entries).unwrap_or(u64::MAX);
    match ZipReader::open(reader, limit) {
        Ok(archive) => Step::Push(Source::Zip(Box::new(ZipSource {
            archive,
            at: at_zip,
        }))),
        Err(OpenError::TooManyEntries(entries)) => {
            Step::Items(vec![Err(Error::ZipTooManyEntries {
                path: at_zip.path,
                entries,
                limit: limits.max_zip_entries,
            })])
        }
        Err(OpenError::Zip(e)) => Step::Items(vec![Err(zip_error(at_zip.path, e))]),
    }
}

impl ZipSource {
    fn next_entry(&mut self, limits: &Limits, tree: &mut Inflation) -> Step {
        loop {
            let entry = match self.archive.next_entry() {
                None => return Step::Exhausted,
                Some(Ok(entry)) => entry,
                Some(Err(e)) => {
                    // The central directory can't be read further: nothing more from it.
                    self.archive.finish();
                    return Step::Items(vec![Err(zip_error(self.at.path.clone(), e))]);
                }
            };
            if entry.is_dir() {
                continue;
            }
            let at = self.at.at(PathSegment::ZipEntry(entry.name.clone()));
            let mut budget = EntryBudget {
                tree,
                limits,
                path: &at.path,
                inflated: 0,
                tree_exceeded: false,
            };
            let read = self
                .archive
                .read_entry(&entry, limits.max_file_bytes, &mut budget);
            let (inflated, tree_exceeded) = (budget.inflated, budget.tree_exceeded);
            tree.inflated = tree.inflated.saturating_add(inflated);
            if tree_exceeded {
                // Nothing more is read from this archive.
                self.archive.finish();
            }
            let bytes = match read {
                Ok(Read2::Bytes(bytes)) => bytes,
                Ok(Read2::TooLarge(size)) => {
                    return Step::Items(vec![Err(Error::FileTooLarge {
                        path: at.path,
                        size,
                        limit: limits.max_file_bytes,
                    })]);
                }
                Err(EntryError::Limit(e)) => return Step::Items(vec![Err(e)]),
                Err(EntryError::Zip(e)) => return Step::Items(vec![Err(zip_error(at.path, e))]),
                Err(EntryError::Io(source)) => {
                    return Step::Items(vec![Err(Error::Io {
                        path: at.path,
                        source,
                    })]);
                }
            };
            if is_zip(&bytes) {
                return open_zip(Box::new(Cursor::new(bytes)), at, limits);
            }
            return Step::Blob(BlobContent::Whole { bytes, at });
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn sniff(text: &str, limit: u64) -> Head {
        sniff_json_lines(&mut Cursor::new(text.as_bytes()), limit).unwrap()
    }

    #[test]
    fn sniff_finds_json_lines_and_where_the_next_value_starts() {
        match sniff("\u{feff}\n  \n{\"a\": 1}\r\n\n \t{\"b\"", 100) {
            Head::JsonLines {
                number,
                line,
                breaks,
            } => {
                assert_eq!(number, 3);
                assert_eq!(line, br#"{"a": 1}"#);
                assert_eq!(breaks, 4, "the next value is on line 5");
            }
            Head::Other(head) => panic!("{head:?}"),
        }
    }

    #[test]
    fn sniff_leaves_other_texts_whole() {
        for text in [
            "",
            "\n\n",
            "{\"a\": 1}",
            "{\"a\": 1}\n\n  \n",
            "{\n\"a\": 1}\n{}",
            "{\"a\": 1} {\"b\": 2}\n{}",
            "eyJhbGciOiJub25lIn0.e30.\neyJhbGciOiJub25lIn0.e30.",
            "{\"broken\": \n{}\n",
        ] {
            // What the sniff read plus the rest of the reader is the whole text.
            let mut reader = Cursor::new(text.as_bytes());
            match sniff_json_lines(&mut reader, 100).unwrap() {
                Head::Other(mut head) => {
                    reader.read_to_end(&mut head).unwrap();
                    assert_eq!(head, text.as_bytes(), "{text:?}");
                }
                Head::JsonLines { .. } => panic!("{text:?}"),
            }
        }
    }

    #[test]
    fn sniff_reads_no_more_than_the_limit() {
        // Blank lines that fill the budget exactly, then a value: undecided within the limit.
        let text = format!("{}{{}}\n{{}}\n", "\n".repeat(10));
        match sniff(&text, 9) {
            Head::Other(head) => assert_eq!(head.len(), 10),
            Head::JsonLines { .. } => panic!("decided past the limit"),
        }
        // A first line longer than the limit.
        match sniff("[1, 2, 3]\n[4]\n", 5) {
            Head::Other(head) => assert_eq!(head, b"[1, 2,"),
            Head::JsonLines { .. } => panic!("decided past the limit"),
        }
        // Blank space after the first line that runs past the limit.
        match sniff(&format!("[1]\n{}[2]\n", " ".repeat(20)), 10) {
            Head::Other(head) => assert!(head.len() > 10),
            Head::JsonLines { .. } => panic!("decided past the limit"),
        }
        assert!(matches!(sniff("[1]\n[2]\n", 4), Head::JsonLines { .. }));
    }

    #[test]
    fn long_lines_are_counted_and_skipped() {
        // A cap of 7 is a limit of 6 bytes per line.
        let mut reader = Cursor::new(b"12345\n123456\r\n\n123456".as_slice());
        let mut buffer = Vec::new();
        let mut next = || match read_line_bounded(&mut reader, 7, &mut buffer).unwrap() {
            LineRead::End => "end".to_owned(),
            LineRead::Line => String::from_utf8(buffer.clone()).unwrap(),
            LineRead::TooLong { size } => format!("too long: {size}"),
        };
        assert_eq!(next(), "12345\n");
        assert_eq!(next(), "too long: 7", "the carriage return counts");
        assert_eq!(next(), "\n");
        assert_eq!(next(), "123456", "the last line needs no line break");
        assert_eq!(next(), "end");
        let mut reader = Cursor::new(b"1234567".as_slice());
        assert!(matches!(
            read_line_bounded(&mut reader, 7, &mut buffer).unwrap(),
            LineRead::TooLong { size: 7 }
        ));
    }
}
