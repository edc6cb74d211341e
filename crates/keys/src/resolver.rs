//! The [`Resolver`] seam and [`ChainResolver`], which tries several in order.

use crate::{ControllerDocument, ResolveError, VerificationMethod};

/// Turns a verification-method id into a key, and a DID (or controller-document URL) into its
/// document.
///
/// Implementations are one file each (`did:key`, `did:jwk`, offline directory here; did:web and
/// https in the `fetch` crate). A resolver that does not handle an id returns
/// [`ResolveError::NotHandled`] so that a [`ChainResolver`] can try the next one.
pub trait Resolver: Send + Sync {
    /// Resolves a verification-method id (a DID URL or an https URL with a fragment) to the
    /// method, with the relationships its controller document gives it.
    fn resolve_verification_method(&self, id: &str) -> Result<VerificationMethod, ResolveError>;

    /// Resolves a DID or controller-document URL to its document.
    fn resolve_document(&self, id: &str) -> Result<ControllerDocument, ResolveError>;
}

/// Tries each resolver in turn; the first that does not answer
/// [`ResolveError::NotHandled`] decides.
pub struct ChainResolver {
    resolvers: Vec<Box<dyn Resolver>>,
}

impl ChainResolver {
    /// A chain over `resolvers`, tried in order.
    #[must_use]
    pub fn new(resolvers: Vec<Box<dyn Resolver>>) -> ChainResolver {
        ChainResolver { resolvers }
    }

    /// The offline default: did:key then did:jwk.
    #[must_use]
    pub fn offline_default() -> ChainResolver {
        ChainResolver::new(vec![
            Box::new(crate::DidKeyResolver),
            Box::new(crate::DidJwkResolver),
        ])
    }

    /// Appends a resolver to the end of the chain.
    #[must_use]
    pub fn with(mut self, resolver: Box<dyn Resolver>) -> ChainResolver {
        self.resolvers.push(resolver);
        self
    }

    fn first<T>(
        &self,
        id: &str,
        f: impl Fn(&dyn Resolver) -> Result<T, ResolveError>,
    ) -> Result<T, ResolveError> {
        for r in &self.resolvers {
            match f(r.as_ref()) {
                Err(e) if e.is_not_handled() => continue,
                other => return other,
            }
        }
        Err(ResolveError::NotHandled { id: id.to_owned() })
    }
}

impl Resolver for ChainResolver {
    fn resolve_verification_method(&self, id: &str) -> Result<VerificationMethod, ResolveError> {
        self.first(id, |r| r.resolve_verification_method(id))
    }

    fn resolve_document(&self, id: &str) -> Result<ControllerDocument, ResolveError> {
        self.first(id, |r| r.resolve_document(id))
    }
}
