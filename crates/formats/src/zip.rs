//! A streaming zip reader (PKWARE APPNOTE 6.3.10, stored and deflated entries, ZIP64), written
//! here instead of using the `zip` crate's `ZipArchive` for three reasons:
//!
//! - **Memory flat with the number of entries.** `ZipArchive` parses the whole central
//!   directory into per-entry structures before the first entry is read (about 245 bytes per
//!   entry measured through the CLI, 24 MB for 100 000 entries). This reader keeps the central
//!   directory on disk and walks it record by record through one 64 KiB window; only an
//!   archive whose central directory is not in file order needs 16 bytes per entry to check
//!   for overlaps.
//! - **Overlapping entries are refused** before anything is inflated: entries whose local
//!   headers and data share bytes are the "zip bomb without recursion" (David Fifield, 2019),
//!   which multiplies one compressed kernel by the number of entries.
//! - **Actual bytes, not declared sizes.** The compression ratio is the inflated bytes over the
//!   compressed bytes the inflater actually consumed, and an entry whose stream does not end
//!   where its header says (or whose CRC-32 differs) is malformed; header sizes are only used
//!   as upper bounds for reading.
//!
//! One [`flate2::Decompress`] state and the read buffers are reused from entry to entry, so an
//! entry costs no allocation besides its own bytes.

use std::io::{Read, Seek, SeekFrom};

use flate2::{Decompress, FlushDecompress, Status};

/// Anything the reader can read from: a file, or bytes in memory.
pub(crate) trait ReadSeek: Read + Seek {}
impl<T: Read + Seek> ReadSeek for T {}

const LOCAL_HEADER: &[u8; 4] = b"PK\x03\x04";
const CENTRAL_HEADER: &[u8; 4] = b"PK\x01\x02";
const END_RECORD: &[u8; 4] = b"PK\x05\x06";
const ZIP64_END_RECORD: &[u8; 4] = b"PK\x06\x06";
const ZIP64_LOCATOR: &[u8; 4] = b"PK\x06\x07";
const END_RECORD_LEN: u64 = 22;
const CENTRAL_HEADER_LEN: usize = 46;
const LOCAL_HEADER_LEN: u64 = 30;
/// The read window over the central directory and the compressed-data buffer.
const WINDOW: usize = 64 * 1024;

/// What is wrong with an archive or an entry, before it gets its [`crate::ItemPath`].
#[derive(Debug)]
pub(crate) enum ZipError {
    /// The structure is broken (message for [`crate::Error::ZipMalformed`]).
    Malformed(String),
    /// Two entries share bytes: the local header at `offset` lies inside another entry.
    Overlap { offset: u64 },
    /// Reading failed.
    Io(std::io::Error),
}

impl From<std::io::Error> for ZipError {
    fn from(e: std::io::Error) -> Self {
        ZipError::Io(e)
    }
}

fn malformed(message: impl Into<String>) -> ZipError {
    ZipError::Malformed(message.into())
}

fn u16_at(bytes: &[u8], at: usize) -> u16 {
    bytes
        .get(at..at.saturating_add(2))
        .and_then(|b| <[u8; 2]>::try_from(b).ok())
        .map_or(0, u16::from_le_bytes)
}

fn u32_at(bytes: &[u8], at: usize) -> u32 {
    bytes
        .get(at..at.saturating_add(4))
        .and_then(|b| <[u8; 4]>::try_from(b).ok())
        .map_or(0, u32::from_le_bytes)
}

fn u64_at(bytes: &[u8], at: usize) -> u64 {
    bytes
        .get(at..at.saturating_add(8))
        .and_then(|b| <[u8; 8]>::try_from(b).ok())
        .map_or(0, u64::from_le_bytes)
}

fn to_u64(n: usize) -> u64 {
    u64::try_from(n).unwrap_or(u64::MAX)
}

fn to_usize(n: u64) -> usize {
    usize::try_from(n).unwrap_or(usize::MAX)
}

/// The central directory's place, from the end records.
#[derive(Debug, Clone, Copy)]
struct Directory {
    entries: u64,
    start: u64,
    end: u64,
    /// Added to every offset the archive states: bytes prepended to the archive (a
    /// self-extracting stub) shift everything.
    shift: u64,
}

/// The fields of one central-directory record this reader uses.
#[derive(Debug)]
pub(crate) struct Entry {
    pub name: String,
    pub flags: u16,
    pub method: u16,
    pub crc: u32,
    pub compressed: u64,
    pub size: u64,
    /// Offset of the local header (already shifted).
    pub offset: u64,
}

impl Entry {
    pub fn is_dir(&self) -> bool {
        self.name.ends_with('/')
    }
}

/// A zip archive read entry by entry through its central directory.
pub(crate) struct ZipReader {
    source: Box<dyn ReadSeek>,
    length: u64,
    directory: Directory,
    /// The window over the central directory: `window` holds the bytes from `window_at`.
    window: Vec<u8>,
    window_at: u64,
    /// Offset of the next central-directory record, and how many were read.
    cursor: u64,
    read: u64,
    /// Whether local headers appear in central-directory order, so that the precise data
    /// ranges can be checked one after the other; `end` is where the previous entry's data ended.
    in_order: bool,
    end: u64,
    inflater: Decompress,
    input: Vec<u8>,
}

impl std::fmt::Debug for ZipReader {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("ZipReader")
            .field("entries", &self.directory.entries)
            .field("read", &self.read)
            .finish()
    }
}

/// What the end records say, without reading the central directory: the entry count is
/// checked against its limit before anything else.
fn find_directory(source: &mut dyn ReadSeek, length: u64) -> Result<Directory, ZipError> {
    let window = length.min(END_RECORD_LEN + 0xFFFF);
    let tail_at = length.saturating_sub(window);
    source.seek(SeekFrom::Start(tail_at))?;
    let mut tail = Vec::new();
    Read::take(&mut *source, window).read_to_end(&mut tail)?;
    // The last end record whose comment length reaches exactly the end of the file (or, for
    // archives with trailing bytes, the last one that fits).
    let candidates = tail.windows(4).enumerate().filter(|(_, w)| w == END_RECORD);
    let mut found = None;
    for (at, _) in candidates {
        if to_u64(at).saturating_add(END_RECORD_LEN) <= to_u64(tail.len()) {
            found = Some(at);
        }
    }
    let Some(at) = found else {
        return Err(malformed("no end of central directory record"));
    };
    let record = tail.get(at..).unwrap_or_default();
    let record_at = tail_at.saturating_add(to_u64(at));
    let mut entries = u64::from(u16_at(record, 10));
    let mut size = u64::from(u32_at(record, 12));
    let mut start = u64::from(u32_at(record, 16));
    let mut directory_end = record_at;
    // ZIP64: a locator right before the end record points at the ZIP64 end record.
    let locator = at
        .checked_sub(20)
        .and_then(|l| tail.get(l..at))
        .filter(|l| l.starts_with(ZIP64_LOCATOR));
    if let Some(locator) = locator {
        let zip64_at = u64_at(locator, 8);
        let mut record = [0u8; 56];
        if zip64_at.saturating_add(56) > length {
            return Err(malformed("ZIP64 end record outside the file"));
        }
        source.seek(SeekFrom::Start(zip64_at))?;
        source.read_exact(&mut record)?;
        if !record.starts_with(ZIP64_END_RECORD) {
            return Err(malformed("ZIP64 locator points at no ZIP64 end record"));
        }
        entries = u64_at(&record, 32);
        size = u64_at(&record, 40);
        start = u64_at(&record, 48);
        directory_end = zip64_at;
    }
    // Bytes in front of the archive shift every offset it states.
    let actual_start = directory_end
        .checked_sub(size)
        .ok_or_else(|| malformed("central directory larger than the file"))?;
    let shift = actual_start
        .checked_sub(start)
        .ok_or_else(|| malformed("central directory offset past its end"))?;
    Ok(Directory {
        entries,
        start: actual_start,
        end: directory_end,
        shift,
    })
}

/// How inflating one entry went, for the caller's limit checks.
pub(crate) trait InflateBudget {
    /// Called after each step with the entry's inflated and consumed compressed bytes so far;
    /// an `Err` stops the entry.
    fn check(&mut self, inflated: u64, consumed: u64) -> Result<(), crate::error::Error>;
}

/// Where an entry's local header and compressed data end at the least (the local header's
/// name and extra field can only make it longer).
fn minimal_end(entry: &Entry) -> u64 {
    entry
        .offset
        .saturating_add(LOCAL_HEADER_LEN)
        .saturating_add(entry.compressed)
}

/// What reading an entry's bytes ended with.
pub(crate) enum Read2 {
    /// The entry's bytes, complete and checked.
    Bytes(Vec<u8>),
    /// The entry is larger than the cap: its real size (it was inflated to the end without
    /// being held, under the same budget).
    TooLarge(u64),
}

impl ZipReader {
    /// Opens an archive: finds the central directory, refuses more entries than `max_entries`
    /// (returning the declared count), and checks that no two entries overlap.
    pub fn open(mut source: Box<dyn ReadSeek>, max_entries: u64) -> Result<ZipReader, OpenError> {
        let length = source.seek(SeekFrom::End(0))?;
        let directory = find_directory(source.as_mut(), length)?;
        if directory.entries > max_entries {
            return Err(OpenError::TooManyEntries(directory.entries));
        }
        let mut reader = ZipReader {
            source,
            length,
            directory,
            window: Vec::new(),
            window_at: directory.start,
            cursor: directory.start,
            read: 0,
            in_order: true,
            end: 0,
            inflater: Decompress::new(false),
            input: Vec::new(),
        };
        reader.check_overlaps()?;
        Ok(reader)
    }

    /// The archive's size in bytes.
    pub fn archive_bytes(&self) -> u64 {
        self.length
    }

    /// Stops the walk of this archive: [`ZipReader::next_entry`] returns `None` from now on.
    pub fn finish(&mut self) {
        self.read = self.directory.entries;
    }

    /// One pass over the central directory: every entry's minimal range (its local header
    /// and its compressed data) must lie before the central directory and apart from every
    /// other one. In the usual case (local headers in directory order) this needs no memory;
    /// otherwise 16 bytes per entry are sorted.
    fn check_overlaps(&mut self) -> Result<(), ZipError> {
        let mut previous_end = 0u64;
        for _ in 0..self.directory.entries {
            let entry = self.record(false)?;
            let end = minimal_end(&entry);
            if end > self.directory.start {
                return Err(malformed(format!(
                    "entry data at offset {} runs into the central directory",
                    entry.offset
                )));
            }
            if entry.offset < previous_end {
                // Out of order, or overlapping: decided on the sorted ranges below.
                self.in_order = false;
            }
            previous_end = previous_end.max(end);
        }
        if !self.in_order {
            self.rewind_to_directory();
            let mut ranges: Vec<(u64, u64)> = Vec::new();
            for _ in 0..self.directory.entries {
                let entry = self.record(false)?;
                ranges.push((entry.offset, minimal_end(&entry)));
            }
            ranges.sort_unstable();
            for pair in ranges.windows(2) {
                if let [(_, end), (next, _)] = pair
                    && next < end
                {
                    return Err(ZipError::Overlap { offset: *next });
                }
            }
        }
        self.rewind_to_directory();
        Ok(())
    }

    fn rewind_to_directory(&mut self) {
        self.cursor = self.directory.start;
        self.read = 0;
        self.end = 0;
    }

    /// Makes `len` bytes from `at` available in the window; returns them.
    fn window_bytes(&mut self, at: u64, len: usize) -> Result<&[u8], ZipError> {
        let end = at.saturating_add(to_u64(len));
        if end > self.directory.end {
            return Err(malformed("central directory record runs past its end"));
        }
        let window_end = self.window_at.saturating_add(to_u64(self.window.len()));
        if at < self.window_at || end > window_end {
            let fill = to_u64(len.max(WINDOW)).min(self.directory.end.saturating_sub(at));
            self.window.clear();
            self.source.seek(SeekFrom::Start(at))?;
            Read::take(&mut self.source, fill).read_to_end(&mut self.window)?;
            self.window_at = at;
            if to_u64(self.window.len()) < to_u64(len) {
                return Err(malformed("central directory is truncated"));
            }
        }
        let from = to_usize(at.saturating_sub(self.window_at));
        self.window
            .get(from..from.saturating_add(len))
            .ok_or_else(|| malformed("central directory is truncated"))
    }

    /// Reads the next central-directory record.
    fn next_record(&mut self) -> Result<Entry, ZipError> {
        self.record(true)
    }

    /// Reads the next central-directory record; its name only if `with_name` (the overlap
    /// pass needs none, and allocates nothing per entry).
    fn record(&mut self, with_name: bool) -> Result<Entry, ZipError> {
        let at = self.cursor;
        let fixed = self.window_bytes(at, CENTRAL_HEADER_LEN)?;
        if !fixed.starts_with(CENTRAL_HEADER) {
            return Err(malformed(format!(
                "no central directory record at offset {at}"
            )));
        }
        let flags = u16_at(fixed, 8);
        let method = u16_at(fixed, 10);
        let crc = u32_at(fixed, 16);
        let mut compressed = u64::from(u32_at(fixed, 20));
        let mut size = u64::from(u32_at(fixed, 24));
        let name_len = usize::from(u16_at(fixed, 28));
        let extra_len = usize::from(u16_at(fixed, 30));
        let comment_len = usize::from(u16_at(fixed, 32));
        let mut offset = u64::from(u32_at(fixed, 42));
        let variable = self.window_bytes(
            at.saturating_add(to_u64(CENTRAL_HEADER_LEN)),
            name_len.saturating_add(extra_len),
        )?;
        let (name, extra) = variable.split_at(name_len.min(variable.len()));
        // ZIP64 extended information (APPNOTE 4.5.3): the 64-bit values of the fields that
        // are 0xFFFFFFFF, in this order.
        let mut rest = extra;
        while let (Some(id), Some(len)) = (
            rest.get(..2).map(|_| u16_at(rest, 0)),
            rest.get(2..4).map(|_| usize::from(u16_at(rest, 2))),
        ) {
            let body = rest.get(4..4usize.saturating_add(len)).unwrap_or_default();
            if id == 0x0001 {
                let mut at = 0;
                for field in [&mut size, &mut compressed, &mut offset] {
                    if *field == u64::from(u32::MAX) {
                        if body.len() < at + 8 {
                            return Err(malformed("ZIP64 extra field too short"));
                        }
                        *field = u64_at(body, at);
                        at += 8;
                    }
                }
            }
            rest = rest.get(4usize.saturating_add(len)..).unwrap_or_default();
        }
        let name = if with_name {
            String::from_utf8_lossy(name).into_owned()
        } else {
            String::new()
        };
        self.cursor = at
            .saturating_add(to_u64(CENTRAL_HEADER_LEN))
            .saturating_add(to_u64(name_len))
            .saturating_add(to_u64(extra_len))
            .saturating_add(to_u64(comment_len));
        self.read = self.read.saturating_add(1);
        Ok(Entry {
            name,
            flags,
            method,
            crc,
            compressed,
            size,
            offset: offset.saturating_add(self.directory.shift),
        })
    }

    /// The next entry of the central directory, `None` after the last one. An `Err` is
    /// about the archive (its directory can't be read further).
    pub fn next_entry(&mut self) -> Option<Result<Entry, ZipError>> {
        if self.read >= self.directory.entries {
            return None;
        }
        Some(self.next_record())
    }

    /// Reads the bytes of `entry`, at most `cap` of them held: stored or deflated, checked
    /// against its CRC-32 and its declared size, with `budget` consulted after each step.
    pub fn read_entry(
        &mut self,
        entry: &Entry,
        cap: u64,
        budget: &mut dyn InflateBudget,
    ) -> Result<Read2, EntryError> {
        if entry.flags & 1 != 0 {
            return Err(EntryError::Zip(malformed("encrypted entries are not read")));
        }
        if entry.method != 0 && entry.method != 8 {
            return Err(EntryError::Zip(malformed(format!(
                "compression method {} is not supported (only stored and deflated)",
                entry.method
            ))));
        }
        // The local header: its name and extra field lengths say where the data starts.
        let mut header = [0u8; 30];
        self.source.seek(SeekFrom::Start(entry.offset))?;
        self.source.read_exact(&mut header)?;
        if !header.starts_with(LOCAL_HEADER) {
            return Err(EntryError::Zip(malformed(format!(
                "no local header at offset {}",
                entry.offset
            ))));
        }
        let data_at = entry
            .offset
            .saturating_add(LOCAL_HEADER_LEN)
            .saturating_add(u64::from(u16_at(&header, 26)))
            .saturating_add(u64::from(u16_at(&header, 28)));
        let data_end = data_at.saturating_add(entry.compressed);
        if data_end > self.directory.start || data_end > self.length {
            return Err(EntryError::Zip(malformed(
                "entry data runs past the end of the entries",
            )));
        }
        if self.in_order {
            if entry.offset < self.end {
                return Err(EntryError::Zip(ZipError::Overlap {
                    offset: entry.offset,
                }));
            }
            self.end = data_end;
        }
        self.source.seek(SeekFrom::Start(data_at))?;
        // Sized by the declared size (exact for an honest archive, so a small entry's blob
        // holds no spare capacity), and grown in steps if the entry holds more.
        let mut bytes = Vec::with_capacity(
            to_usize(entry.size.min(cap))
                .min(WINDOW * 16)
                .saturating_add(64),
        );
        let mut held = true;
        let mut crc = crc32fast::Hasher::new();
        let (inflated, consumed) = if entry.method == 0 {
            self.copy_stored(entry, cap, &mut bytes, &mut held, &mut crc, budget)?
        } else {
            self.inflate(entry, cap, &mut bytes, &mut held, &mut crc, budget)?
        };
        if inflated != entry.size {
            return Err(EntryError::Zip(malformed(format!(
                "entry declares {} bytes but holds {inflated}",
                entry.size
            ))));
        }
        if consumed != entry.compressed {
            return Err(EntryError::Zip(malformed(format!(
                "entry declares {} compressed bytes but its stream ends after {consumed}",
                entry.compressed
            ))));
        }
        if crc.finalize() != entry.crc {
            return Err(EntryError::Zip(malformed("CRC-32 mismatch")));
        }
        Ok(if held {
            Read2::Bytes(bytes)
        } else {
            Read2::TooLarge(inflated)
        })
    }

    fn copy_stored(
        &mut self,
        entry: &Entry,
        cap: u64,
        bytes: &mut Vec<u8>,
        held: &mut bool,
        crc: &mut crc32fast::Hasher,
        budget: &mut dyn InflateBudget,
    ) -> Result<(u64, u64), EntryError> {
        let mut done = 0u64;
        let mut chunk = std::mem::take(&mut self.input);
        while done < entry.compressed {
            let step = (entry.compressed - done).min(to_u64(WINDOW));
            chunk.clear();
            Read::take(&mut self.source, step).read_to_end(&mut chunk)?;
            if chunk.is_empty() {
                self.input = chunk;
                return Err(EntryError::Zip(malformed("entry data is truncated")));
            }
            done = done.saturating_add(to_u64(chunk.len()));
            crc.update(&chunk);
            if done > cap {
                *held = false;
                *bytes = Vec::new();
            } else {
                bytes.reserve_exact(chunk.len());
                bytes.extend_from_slice(&chunk);
            }
            if let Err(e) = budget.check(done, done) {
                self.input = chunk;
                return Err(EntryError::Limit(e));
            }
        }
        self.input = chunk;
        Ok((done, done))
    }

    fn inflate(
        &mut self,
        entry: &Entry,
        cap: u64,
        bytes: &mut Vec<u8>,
        held: &mut bool,
        crc: &mut crc32fast::Hasher,
        budget: &mut dyn InflateBudget,
    ) -> Result<(u64, u64), EntryError> {
        self.inflater.reset(false);
        let mut input = std::mem::take(&mut self.input);
        input.clear();
        let mut input_at = 0usize;
        let mut remaining = entry.compressed;
        let mut discard: Vec<u8> = Vec::new();
        let result = loop {
            if input_at >= input.len() && remaining > 0 {
                input.clear();
                input_at = 0;
                let step = remaining.min(to_u64(WINDOW));
                if let Err(e) = Read::take(&mut self.source, step).read_to_end(&mut input) {
                    break Err(EntryError::Io(e));
                }
                remaining = remaining.saturating_sub(to_u64(input.len()));
                if input.is_empty() {
                    break Err(EntryError::Zip(malformed("entry data is truncated")));
                }
            }
            let before_in = self.inflater.total_in();
            let before_out = self.inflater.total_out();
            let out: &mut Vec<u8> = if *held { &mut *bytes } else { &mut discard };
            let start = out.len();
            if out.capacity().saturating_sub(out.len()) < 64 {
                // The end of the stream may still need a little room; beyond the declared
                // size, grow by a window at a time.
                let declared_rest = to_usize(entry.size).saturating_sub(out.len());
                out.reserve_exact(declared_rest.clamp(64, WINDOW));
            }
            let pending = input.get(input_at..).unwrap_or_default();
            let status = self
                .inflater
                .decompress_vec(pending, out, FlushDecompress::None);
            let produced = out.get(start..).unwrap_or_default();
            crc.update(produced);
            if !*held {
                discard.clear();
            } else if to_u64(bytes.len()) > cap {
                *held = false;
                *bytes = Vec::new();
            }
            let used = to_usize(self.inflater.total_in().saturating_sub(before_in));
            input_at = input_at.saturating_add(used);
            let (inflated, consumed) = (self.inflater.total_out(), self.inflater.total_in());
            if let Err(e) = budget.check(inflated, consumed) {
                break Err(EntryError::Limit(e));
            }
            match status {
                Ok(Status::StreamEnd) => break Ok((inflated, consumed)),
                Ok(Status::Ok | Status::BufError) => {
                    let progress = self.inflater.total_in() != before_in
                        || self.inflater.total_out() != before_out;
                    if !progress && input_at >= input.len() && remaining == 0 {
                        break Err(EntryError::Zip(malformed(
                            "the deflate stream ends before its end marker",
                        )));
                    }
                }
                Err(e) => {
                    break Err(EntryError::Zip(malformed(format!(
                        "corrupt deflate data: {e}"
                    ))));
                }
            }
        };
        self.input = input;
        result
    }
}

/// Why an archive could not be opened.
#[derive(Debug)]
pub(crate) enum OpenError {
    /// More entries declared than allowed.
    TooManyEntries(u64),
    /// Anything else.
    Zip(ZipError),
}

impl From<ZipError> for OpenError {
    fn from(e: ZipError) -> Self {
        OpenError::Zip(e)
    }
}

impl From<std::io::Error> for OpenError {
    fn from(e: std::io::Error) -> Self {
        OpenError::Zip(ZipError::Io(e))
    }
}

/// Why an entry could not be read.
#[derive(Debug)]
pub(crate) enum EntryError {
    /// A structural defect.
    Zip(ZipError),
    /// A limit the budget enforces.
    Limit(crate::error::Error),
    /// Reading failed.
    Io(std::io::Error),
}

impl From<std::io::Error> for EntryError {
    fn from(e: std::io::Error) -> Self {
        EntryError::Io(e)
    }
}
