//! Verification methods named by https URLs: `https://issuer.example/keys#key-1` names a method
//! in the controller document at `https://issuer.example/keys` (Controlled Identifiers 1.0 §3),
//! and a fragment-less URL may be a key document of its own (OB 2.0 `CryptographicKey`).

use std::sync::Arc;

use credbridge_keys::{
    ControllerDocument, OfflineDirectory, ResolveError, Resolver, VerificationMethod,
};

use crate::{GuardedClient, Purpose};

/// Resolves `https://` verification-method ids and controller-document URLs through a
/// [`GuardedClient`] (and `http://` ones when its policy has `allow_http`). Other ids answer
/// [`ResolveError::NotHandled`].
#[derive(Debug, Clone)]
pub struct HttpsControllerResolver {
    client: Arc<GuardedClient>,
}

impl HttpsControllerResolver {
    /// A resolver fetching through `client`.
    #[must_use]
    pub fn new(client: Arc<GuardedClient>) -> HttpsControllerResolver {
        HttpsControllerResolver { client }
    }

    /// The document URL of `id` (everything before `#`), or `NotHandled`.
    fn document_url<'a>(&self, id: &'a str) -> Result<&'a str, ResolveError> {
        let handled = id.starts_with("https://")
            || (self.client.policy().allow_http && id.starts_with("http://"));
        if !handled {
            return Err(ResolveError::NotHandled { id: id.to_owned() });
        }
        // Unlike a DID URL, an https URL's query is part of the document's address.
        Ok(id.split_once('#').map_or(id, |(url, _)| url))
    }

    /// Fetches `url` and files it in a one-document directory, whose lookup rules (the `id`
    /// must match, bare key documents, embedded methods) are the keys crate's.
    fn fetch_directory(&self, url: &str) -> Result<OfflineDirectory, ResolveError> {
        let (value, _) = self
            .client
            .get_json(url, Purpose::ControllerDocument)
            .map_err(|e| crate::resolve_error(url, e))?;
        let mut directory = OfflineDirectory::new();
        directory.insert(url, value);
        Ok(directory)
    }
}

/// The one-document directory cannot decline an id we filed it under; if it does, the
/// document simply does not hold it.
fn not_handled_to_not_found(id: &str, err: ResolveError) -> ResolveError {
    if err.is_not_handled() {
        ResolveError::NotFound { id: id.to_owned() }
    } else {
        err
    }
}

impl Resolver for HttpsControllerResolver {
    fn resolve_verification_method(&self, id: &str) -> Result<VerificationMethod, ResolveError> {
        let url = self.document_url(id)?;
        self.fetch_directory(url)?
            .resolve_verification_method(id)
            .map_err(|e| not_handled_to_not_found(id, e))
    }

    fn resolve_document(&self, id: &str) -> Result<ControllerDocument, ResolveError> {
        let url = self.document_url(id)?;
        self.fetch_directory(url)?
            .resolve_document(url)
            .map_err(|e| not_handled_to_not_found(id, e))
    }
}
