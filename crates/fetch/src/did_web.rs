//! did:web resolution over the guarded client (<https://w3c-ccg.github.io/did-method-web/>).
//! The DID → URL mapping and document parsing are the keys crate's; this file only fetches.

use std::sync::Arc;

use credbridge_keys::{
    ControllerDocument, ResolveError, Resolver, VerificationMethod, did_web_to_url, document_id_of,
};

use crate::{GuardedClient, Purpose};

/// Resolves `did:web` DIDs and DID URLs by fetching `did.json` through a [`GuardedClient`].
/// Other ids answer [`ResolveError::NotHandled`].
#[derive(Debug, Clone)]
pub struct DidWebResolver {
    client: Arc<GuardedClient>,
    origin_overrides: Vec<(String, String)>,
}

impl DidWebResolver {
    /// A resolver fetching through `client`.
    #[must_use]
    pub fn new(client: Arc<GuardedClient>) -> DidWebResolver {
        DidWebResolver {
            client,
            origin_overrides: Vec::new(),
        }
    }

    /// Fetches documents whose URL starts with `from` (e.g. `https://issuer.example`) from `to`
    /// instead (e.g. `http://127.0.0.1:8080`): for tests and mirrors. The document must still
    /// state the original DID as its `id`.
    #[must_use]
    pub fn dangerous_with_origin_override(mut self, from: &str, to: &str) -> DidWebResolver {
        self.origin_overrides.push((from.to_owned(), to.to_owned()));
        self
    }

    /// The URL the DID document of `did` is fetched from.
    pub fn document_url(&self, did: &str) -> Result<String, ResolveError> {
        let url = did_web_to_url(did)?;
        for (from, to) in &self.origin_overrides {
            if let Some(rest) = url.strip_prefix(from.as_str())
                && (rest.is_empty() || rest.starts_with('/'))
            {
                return Ok(format!("{to}{rest}"));
            }
        }
        Ok(url)
    }
}

impl Resolver for DidWebResolver {
    fn resolve_verification_method(&self, id: &str) -> Result<VerificationMethod, ResolveError> {
        self.resolve_document(id)?.verification_method(id)
    }

    fn resolve_document(&self, id: &str) -> Result<ControllerDocument, ResolveError> {
        let did = document_id_of(id);
        let url = self.document_url(did)?;
        let (value, _) = self
            .client
            .get_json(&url, Purpose::DidDocument)
            .map_err(|e| crate::resolve_error(did, e))?;
        let document = ControllerDocument::parse(&value)?;
        // DID Core §7.1.2: the resolved document's id must be the DID that was resolved.
        if document.id != did {
            return Err(ResolveError::DocumentIdMismatch {
                requested: did.to_owned(),
                found: document.id,
            });
        }
        Ok(document)
    }
}
