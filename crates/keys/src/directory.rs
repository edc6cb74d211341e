//! An offline directory of DID documents, controller documents and bare key documents (OB 2.0
//! `CryptographicKey`), keyed by DID or URL. Used for tests, air-gapped verification and as the
//! cache layer the `fetch` crate fills.

use std::collections::HashMap;
use std::path::Path;

use serde_json::Value;

use crate::controller_document::document_id_of;
use crate::verification_method::parse_verification_method;
use crate::{ControllerDocument, ResolveError, Resolver, VerificationMethod};

/// Largest document file [`OfflineDirectory::insert_file`] reads.
pub const MAX_DOCUMENT_FILE_BYTES: u64 = 1024 * 1024;

/// DID / URL → document, resolved without any network.
#[derive(Debug, Clone, Default)]
pub struct OfflineDirectory {
    documents: HashMap<String, Value>,
}

impl OfflineDirectory {
    /// An empty directory.
    #[must_use]
    pub fn new() -> OfflineDirectory {
        OfflineDirectory::default()
    }

    /// Adds a document under `id` (a DID, a controller-document URL, or a key URL).
    pub fn insert(&mut self, id: impl Into<String>, document: Value) {
        self.documents.insert(id.into(), document);
    }

    /// Reads a JSON document from `path` (explicitly, at the caller's request) and adds it
    /// under `id`.
    pub fn insert_file(&mut self, id: impl Into<String>, path: &Path) -> Result<(), ResolveError> {
        let io = |reason: String| ResolveError::Io {
            path: path.display().to_string(),
            reason,
        };
        let len = std::fs::metadata(path)
            .map_err(|e| io(e.to_string()))?
            .len();
        if len > MAX_DOCUMENT_FILE_BYTES {
            return Err(io(format!(
                "file is {len} bytes, more than the limit of {MAX_DOCUMENT_FILE_BYTES}"
            )));
        }
        let bytes = std::fs::read(path).map_err(|e| io(e.to_string()))?;
        let doc = serde_json::from_slice(&bytes).map_err(|e| io(format!("not JSON: {e}")))?;
        self.insert(id, doc);
        Ok(())
    }

    /// The number of documents held.
    #[must_use]
    pub fn len(&self) -> usize {
        self.documents.len()
    }

    /// Whether the directory is empty.
    #[must_use]
    pub fn is_empty(&self) -> bool {
        self.documents.is_empty()
    }

    fn lookup(&self, id: &str) -> Option<&Value> {
        self.documents
            .get(id)
            // did:web documents may be stored under their https URL.
            .or_else(|| {
                crate::did_web_to_url(id)
                    .ok()
                    .and_then(|url| self.documents.get(&url))
            })
    }

    fn parse_checked(
        &self,
        requested: &str,
        doc: &Value,
    ) -> Result<ControllerDocument, ResolveError> {
        let parsed = ControllerDocument::parse(doc)?;
        if parsed.id != requested {
            return Err(ResolveError::DocumentIdMismatch {
                requested: requested.to_owned(),
                found: parsed.id,
            });
        }
        Ok(parsed)
    }
}

impl Resolver for OfflineDirectory {
    fn resolve_verification_method(&self, id: &str) -> Result<VerificationMethod, ResolveError> {
        // A bare key document stored under the method's own id (OB 2.0 CryptographicKey).
        if let Some(doc) = self.documents.get(id)
            && doc.get("verificationMethod").is_none()
            && doc.get("assertionMethod").is_none()
            && (doc.get("publicKeyPem").is_some()
                || doc.get("publicKeyMultibase").is_some()
                || doc.get("publicKeyJwk").is_some()
                || doc.get("publicKeyBase58").is_some())
        {
            if let Some(found) = doc.get("id").and_then(Value::as_str)
                && found != id
            {
                return Err(ResolveError::DocumentIdMismatch {
                    requested: id.to_owned(),
                    found: found.to_owned(),
                });
            }
            return parse_verification_method(id, doc);
        }
        let doc_id = document_id_of(id);
        let doc = self
            .lookup(doc_id)
            .ok_or_else(|| ResolveError::NotHandled { id: id.to_owned() })?;
        self.parse_checked(doc_id, doc)?.verification_method(id)
    }

    fn resolve_document(&self, id: &str) -> Result<ControllerDocument, ResolveError> {
        let doc_id = document_id_of(id);
        let doc = self
            .lookup(doc_id)
            .ok_or_else(|| ResolveError::NotHandled { id: id.to_owned() })?;
        self.parse_checked(doc_id, doc)
    }
}
