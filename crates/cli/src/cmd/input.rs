//! Reading a single input file (or standard input) with the same size limit the decoders use.

use std::io::Read;
use std::path::Path;

use anyhow::{Context, Result, bail};

/// Reads `path` (`-` is standard input), refusing anything over `limit` bytes.
pub fn read_limited(path: &Path, limit: u64) -> Result<Vec<u8>> {
    let mut bytes = Vec::new();
    let read = if path == Path::new("-") {
        std::io::stdin()
            .take(limit + 1)
            .read_to_end(&mut bytes)
            .context("reading standard input")?
    } else {
        let file =
            std::fs::File::open(path).with_context(|| format!("opening {}", path.display()))?;
        file.take(limit + 1)
            .read_to_end(&mut bytes)
            .with_context(|| format!("reading {}", path.display()))?
    };
    if read as u64 > limit {
        bail!(
            "{} is larger than the {limit}-byte input limit",
            path.display()
        );
    }
    Ok(bytes)
}

/// Reads and parses a JSON file, naming the line and column of a syntax error.
pub fn read_json(path: &Path, limit: u64) -> Result<serde_json::Value> {
    let bytes = read_limited(path, limit)?;
    serde_json::from_slice(&bytes).with_context(|| format!("{} is not valid JSON", path.display()))
}
