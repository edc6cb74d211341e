//! Document loaders: where remote contexts come from.
//!
//! A loader is one method, [`DocumentLoader::load`], and loaders compose with [`ChainLoader`].
//! The usual chain is [`BundledLoader`] (every context in `contexts/`, compiled into the
//! binary) followed by a [`DirectoryLoader`] over a user directory. There is deliberately no
//! network loader in this crate: a context that is neither bundled nor in a configured
//! directory is [`LoadError::NotFound`], never fetched.

mod bundled;

use std::collections::HashMap;
use std::path::{Path, PathBuf};
use std::sync::{Arc, OnceLock};

use serde_json::Value;

/// Largest context document a [`DirectoryLoader`] reads, in bytes.
pub const MAX_CONTEXT_FILE_BYTES: u64 = 4 * 1024 * 1024;
/// Most URL entries a [`DirectoryLoader`] map file may hold.
pub const MAX_DIRECTORY_ENTRIES: usize = 10_000;

/// A loaded document: the final URL (after any redirect the loader knows of) and the parsed
/// JSON, shared cheaply between threads and callers.
#[derive(Debug, Clone)]
pub struct RemoteDocument {
    /// The URL the document was found under; relative IRIs in it resolve against this.
    pub document_url: String,
    /// The parsed document.
    pub document: Arc<Value>,
}

/// Why a document could not be loaded.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum LoadError {
    /// No loader in the chain knows the URL.
    #[error(
        "context {url} is not available offline (hint: add it to a context directory and its map file)"
    )]
    NotFound {
        /// The URL asked for.
        url: String,
    },
    /// A file named in a directory map could not be read.
    #[error("cannot read context file {path}: {source}")]
    Io {
        /// The file.
        path: PathBuf,
        /// The I/O error.
        source: std::io::Error,
    },
    /// A context file or map file is not valid JSON.
    #[error("{path} is not valid JSON: {source}")]
    InvalidJson {
        /// The file (or, for bundled data, the URL).
        path: PathBuf,
        /// The parse error.
        source: serde_json::Error,
    },
    /// A map file does not have the shape of `contexts/context-map.json`.
    #[error("{path}: {detail} (expected {{\"contexts\": {{url: file}}}})")]
    InvalidMap {
        /// The map file.
        path: PathBuf,
        /// What is wrong.
        detail: String,
    },
    /// A context file is larger than [`MAX_CONTEXT_FILE_BYTES`].
    #[error("context file {path} has {size} bytes, more than the limit of {limit}")]
    FileTooLarge {
        /// The file.
        path: PathBuf,
        /// Its size.
        size: u64,
        /// The limit.
        limit: u64,
    },
    /// A map file names more than [`MAX_DIRECTORY_ENTRIES`] URLs.
    #[error("{path} maps {count} URLs, more than the limit of {limit}")]
    TooManyEntries {
        /// The map file.
        path: PathBuf,
        /// How many it maps.
        count: usize,
        /// The limit.
        limit: usize,
    },
}

/// Loads JSON-LD documents (in practice: remote contexts) by URL.
pub trait DocumentLoader: Send + Sync {
    /// Loads the document at `url`; an unknown URL is [`LoadError::NotFound`].
    fn load(&self, url: &str) -> Result<RemoteDocument, LoadError>;
}

/// One context compiled into the binary.
#[derive(Debug)]
pub struct BundledContext {
    /// The URL it is served under.
    pub url: &'static str,
    /// Its file, relative to the crate's `contexts/` directory.
    pub file: &'static str,
    /// The lower-case hex SHA-256 of `bytes`.
    pub sha256: &'static str,
    /// The file's bytes, exactly as published.
    pub bytes: &'static [u8],
}

/// Every bundled context, sorted by URL. Several URLs may share one file.
pub fn bundled_contexts() -> &'static [BundledContext] {
    bundled::BUNDLED
}

/// An earlier published revision of a bundled context: bytes once served at `url` and since
/// replaced by the bundled file. The loaders never serve it (documents are always processed
/// with the current bytes); it is kept so that a digest computed over it, such as a VCDM 2.0
/// `relatedResource` `digestSRI` written while it was current, is recognised as that revision
/// of the URL instead of being reported as an unknown resource.
#[derive(Debug)]
pub struct EarlierRevision {
    /// The URL it was published under.
    pub url: &'static str,
    /// Its file, relative to the crate's `contexts/` directory.
    pub file: &'static str,
    /// When and where from: the source repository, commit and date.
    pub revision: &'static str,
    /// The lower-case hex SHA-256 of `bytes`.
    pub sha256: &'static str,
    /// The file's bytes, exactly as published then.
    pub bytes: &'static [u8],
}

/// Every earlier revision kept (see [`EarlierRevision`]), sorted by URL.
pub fn earlier_revisions() -> &'static [EarlierRevision] {
    EARLIER
}

static EARLIER: &[EarlierRevision] = &[EarlierRevision {
    url: "https://www.w3.org/ns/credentials/v2",
    file: "w3c/history/credentials-v2-2024-07-20.jsonld",
    revision: "w3c/vc-data-model 8d0ee107 (2024-07-20), the base context of VCDM 2.0 CR2",
    sha256: "24a18c90e9856d526111f29376e302d970b2bd10182e33959995b0207d7043b9",
    bytes: include_bytes!("../contexts/w3c/history/credentials-v2-2024-07-20.jsonld"),
}];

/// The published bytes held for `url`, newest first: the bundled file (labelled `"bundled"`)
/// and then any [`EarlierRevision`]s (labelled with their revision). Empty when nothing is held.
pub fn published_revisions(url: &str) -> Vec<(&'static str, &'static [u8])> {
    let mut held = Vec::new();
    if let Ok(i) = bundled::BUNDLED.binary_search_by(|c| c.url.cmp(url))
        && let Some(current) = bundled::BUNDLED.get(i)
    {
        held.push(("bundled", current.bytes));
    }
    held.extend(
        EARLIER
            .iter()
            .filter(|r| r.url == url)
            .map(|r| (r.revision, r.bytes)),
    );
    held
}

/// Serves the contexts compiled into the binary (see [`bundled_contexts`]). Each file is
/// parsed once, on first use, and shared afterwards.
#[derive(Debug, Default)]
pub struct BundledLoader {
    parsed: OnceLock<HashMap<&'static str, Arc<Value>>>,
}

impl BundledLoader {
    /// A loader over the bundled contexts.
    pub fn new() -> Self {
        Self::default()
    }

    fn table(&self) -> &HashMap<&'static str, Arc<Value>> {
        self.parsed.get_or_init(|| {
            // Parse each distinct file once; URLs that share a file share the Arc.
            let mut by_file: HashMap<&'static str, Arc<Value>> = HashMap::new();
            let mut table = HashMap::new();
            for entry in bundled::BUNDLED {
                let doc = match by_file.get(entry.file) {
                    Some(doc) => doc.clone(),
                    None => {
                        // A bundled file that fails to parse is a build defect caught by the
                        // tests; at run time it is simply absent (NotFound).
                        let Ok(value) = serde_json::from_slice::<Value>(entry.bytes) else {
                            continue;
                        };
                        let doc = Arc::new(value);
                        by_file.insert(entry.file, doc.clone());
                        doc
                    }
                };
                table.insert(entry.url, doc);
            }
            table
        })
    }
}

impl DocumentLoader for BundledLoader {
    fn load(&self, url: &str) -> Result<RemoteDocument, LoadError> {
        match self.table().get(url) {
            Some(doc) => Ok(RemoteDocument {
                document_url: url.to_owned(),
                document: doc.clone(),
            }),
            None => Err(LoadError::NotFound {
                url: url.to_owned(),
            }),
        }
    }
}

/// Serves contexts from a user directory, mapped by a file in the format of
/// `contexts/context-map.json` (`{"contexts": {url: file}, "inferred": {url: file}}`, file
/// paths relative to the directory). Everything is read and parsed when the loader is built,
/// so loading never touches the file system afterwards.
#[derive(Debug, Default)]
pub struct DirectoryLoader {
    documents: HashMap<String, Arc<Value>>,
}

impl DirectoryLoader {
    /// Reads `map_file` and every file it names under `dir`.
    pub fn from_map_file(dir: &Path, map_file: &Path) -> Result<Self, LoadError> {
        let map_bytes = read_limited(map_file)?;
        let map: Value =
            serde_json::from_slice(&map_bytes).map_err(|source| LoadError::InvalidJson {
                path: map_file.to_owned(),
                source,
            })?;
        let invalid = |detail: &str| LoadError::InvalidMap {
            path: map_file.to_owned(),
            detail: detail.to_owned(),
        };
        let Some(obj) = map.as_object() else {
            return Err(invalid("the map is not a JSON object"));
        };
        let mut entries: Vec<(&str, &str)> = Vec::new();
        for section in ["contexts", "inferred"] {
            let Some(section_value) = obj.get(section) else {
                continue;
            };
            let Some(section_map) = section_value.as_object() else {
                return Err(invalid(&format!("\"{section}\" is not an object")));
            };
            for (url, file) in section_map {
                let Some(file) = file.as_str() else {
                    return Err(invalid(&format!("the file for {url} is not a string")));
                };
                entries.push((url.as_str(), file));
            }
        }
        if entries.len() > MAX_DIRECTORY_ENTRIES {
            return Err(LoadError::TooManyEntries {
                path: map_file.to_owned(),
                count: entries.len(),
                limit: MAX_DIRECTORY_ENTRIES,
            });
        }
        let mut by_file: HashMap<&str, Arc<Value>> = HashMap::new();
        let mut documents = HashMap::new();
        for (url, file) in entries {
            let doc = match by_file.get(file) {
                Some(doc) => doc.clone(),
                None => {
                    let path = dir.join(file);
                    let bytes = read_limited(&path)?;
                    let value: Value = serde_json::from_slice(&bytes)
                        .map_err(|source| LoadError::InvalidJson { path, source })?;
                    let doc = Arc::new(value);
                    by_file.insert(file, doc.clone());
                    doc
                }
            };
            documents.insert(url.to_owned(), doc);
        }
        Ok(Self { documents })
    }

    /// A loader over documents already in memory (URL → parsed document).
    pub fn from_documents(documents: HashMap<String, Arc<Value>>) -> Self {
        Self { documents }
    }

    /// How many URLs this loader serves.
    pub fn len(&self) -> usize {
        self.documents.len()
    }

    /// Whether this loader serves no URL at all.
    pub fn is_empty(&self) -> bool {
        self.documents.is_empty()
    }
}

fn read_limited(path: &Path) -> Result<Vec<u8>, LoadError> {
    let io = |source| LoadError::Io {
        path: path.to_owned(),
        source,
    };
    let size = std::fs::metadata(path).map_err(io)?.len();
    if size > MAX_CONTEXT_FILE_BYTES {
        return Err(LoadError::FileTooLarge {
            path: path.to_owned(),
            size,
            limit: MAX_CONTEXT_FILE_BYTES,
        });
    }
    std::fs::read(path).map_err(io)
}

impl DocumentLoader for DirectoryLoader {
    fn load(&self, url: &str) -> Result<RemoteDocument, LoadError> {
        match self.documents.get(url) {
            Some(doc) => Ok(RemoteDocument {
                document_url: url.to_owned(),
                document: doc.clone(),
            }),
            None => Err(LoadError::NotFound {
                url: url.to_owned(),
            }),
        }
    }
}

/// Tries each loader in order; the first that does not answer [`LoadError::NotFound`] wins.
pub struct ChainLoader {
    loaders: Vec<Arc<dyn DocumentLoader>>,
}

impl ChainLoader {
    /// A chain over `loaders`, tried first to last.
    pub fn new(loaders: Vec<Arc<dyn DocumentLoader>>) -> Self {
        Self { loaders }
    }
}

impl std::fmt::Debug for ChainLoader {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("ChainLoader")
            .field("loaders", &self.loaders.len())
            .finish()
    }
}

impl DocumentLoader for ChainLoader {
    fn load(&self, url: &str) -> Result<RemoteDocument, LoadError> {
        for loader in &self.loaders {
            match loader.load(url) {
                Err(LoadError::NotFound { .. }) => continue,
                other => return other,
            }
        }
        Err(LoadError::NotFound {
            url: url.to_owned(),
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn bundled_table_is_sorted_and_unique() {
        let urls: Vec<&str> = bundled_contexts().iter().map(|c| c.url).collect();
        let mut sorted = urls.clone();
        sorted.sort_unstable();
        sorted.dedup();
        assert_eq!(urls, sorted);
    }

    #[test]
    fn unknown_url_names_the_url() {
        let err = BundledLoader::new()
            .load("https://example.org/nope")
            .unwrap_err();
        assert!(matches!(err, LoadError::NotFound { .. }));
        let msg = err.to_string();
        assert!(msg.contains("https://example.org/nope"), "{msg}");
        assert!(msg.contains("context directory"), "{msg}");
    }

    #[test]
    fn chain_falls_through_not_found() {
        let mut docs = HashMap::new();
        docs.insert(
            "https://example.org/ctx".to_owned(),
            Arc::new(serde_json::json!({"@context": {}})),
        );
        let chain = ChainLoader::new(vec![
            Arc::new(BundledLoader::new()),
            Arc::new(DirectoryLoader::from_documents(docs)),
        ]);
        assert!(chain.load("https://example.org/ctx").is_ok());
        assert!(chain.load("https://www.w3.org/ns/credentials/v2").is_ok());
        assert!(matches!(
            chain.load("https://example.org/other"),
            Err(LoadError::NotFound { .. })
        ));
    }
}
