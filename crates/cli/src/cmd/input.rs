//! What several commands read the same way: input files and standard input, decoded items,
//! the progress bar, and the verification / signing time.

use std::io::{IsTerminal, Read};
use std::path::Path;

use anyhow::{Context, Result, bail};
use credbridge_formats::{Blobs, Items, Limits};
use indicatif::{ProgressBar, ProgressDrawTarget, ProgressStyle};

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

/// The decoded items under `path`; `-` is standard input, read whole (up to the file limit)
/// and decoded by content like any file.
pub fn items(path: &Path, limits: &Limits) -> Result<Items> {
    if path == Path::new("-") {
        let bytes = read_limited(path, limits.max_file_bytes)?;
        Ok(credbridge_formats::decode_bytes(&bytes, "<stdin>", limits))
    } else {
        Ok(credbridge_formats::decode_path(path, limits))
    }
}

/// [`items`], read but not decoded: for decoding on many threads. Standard input is streamed
/// (JSON Lines line by line as it arrives), so a pipe of any length is verified as it flows.
/// A URL is fetched through `built`'s guarded client and decoded like a file named by the URL.
pub fn blobs(path: &Path, limits: &Limits, built: &credbridge_config::Built) -> Result<Blobs> {
    if let Some(url) = path.to_str().filter(|p| credbridge_config::is_url(p)) {
        let fetched = built.fetch_input(url)?;
        let body = std::io::Cursor::new(fetched.body);
        return Ok(credbridge_formats::read_stream(Box::new(body), url, limits));
    }
    if path == Path::new("-") {
        Ok(credbridge_formats::read_stream(
            Box::new(std::io::stdin()),
            "<stdin>",
            limits,
        ))
    } else {
        Ok(credbridge_formats::read_path(path, limits))
    }
}

/// A spinner counting items on stderr, drawn only when stderr is a terminal.
pub fn progress_bar(disabled: bool, template: &str) -> ProgressBar {
    if disabled || !std::io::stderr().is_terminal() {
        return ProgressBar::hidden();
    }
    let bar = ProgressBar::with_draw_target(None, ProgressDrawTarget::stderr());
    bar.set_style(
        ProgressStyle::with_template(template).unwrap_or_else(|_| ProgressStyle::default_spinner()),
    );
    bar
}
