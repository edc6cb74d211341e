//! The [`Resolver`] seam and [`ChainResolver`], which tries several in order.

use std::collections::HashMap;
use std::sync::Mutex;

use crate::{ControllerDocument, ResolveError, VerificationMethod};

/// Most verification methods a [`CachingResolver`] keeps; when full it starts over.
pub const MAX_CACHED_METHODS: usize = 4_096;

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
            Box::new(CachingResolver::new(Box::new(crate::DidKeyResolver))),
            Box::new(CachingResolver::new(Box::new(crate::DidJwkResolver))),
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

/// Remembers the methods a *deterministic* resolver returned (did:key, did:jwk: the key is the
/// identifier, so the answer can never change). Decoding the multibase key and decompressing
/// the curve point cost about a tenth of an Ed25519 proof verification (measured with
/// `credbridge bench`), and bulk verification meets the same issuer key thousands of times.
/// Never wrap a resolver whose answers can change (did:web, https): their freshness belongs
/// to the fetch cache.
pub struct CachingResolver {
    inner: Box<dyn Resolver>,
    methods: Mutex<HashMap<String, VerificationMethod>>,
}

impl CachingResolver {
    /// Caches what `inner` resolves successfully.
    #[must_use]
    pub fn new(inner: Box<dyn Resolver>) -> CachingResolver {
        CachingResolver {
            inner,
            methods: Mutex::new(HashMap::new()),
        }
    }
}

impl Resolver for CachingResolver {
    fn resolve_verification_method(&self, id: &str) -> Result<VerificationMethod, ResolveError> {
        if let Some(method) = self.methods.lock().ok().and_then(|m| m.get(id).cloned()) {
            return Ok(method);
        }
        let method = self.inner.resolve_verification_method(id)?;
        if let Ok(mut methods) = self.methods.lock() {
            if methods.len() >= MAX_CACHED_METHODS {
                methods.clear();
            }
            methods.insert(id.to_owned(), method.clone());
        }
        Ok(method)
    }

    fn resolve_document(&self, id: &str) -> Result<ControllerDocument, ResolveError> {
        self.inner.resolve_document(id)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn caching_resolver_returns_the_same_method_and_passes_errors_through() {
        let resolver = ChainResolver::offline_default();
        let id = "did:key:z6MkhaXgBZDvotDkL5257faiztiGiC2QtKLGpbnnEGta2doK#z6MkhaXgBZDvotDkL5257faiztiGiC2QtKLGpbnnEGta2doK";
        let first = resolver.resolve_verification_method(id).unwrap();
        let second = resolver.resolve_verification_method(id).unwrap();
        assert_eq!(first, second);
        assert!(
            resolver
                .resolve_verification_method("did:key:zBAD#x")
                .is_err()
        );
        assert!(
            resolver
                .resolve_verification_method("did:key:zBAD#x")
                .is_err()
        );
    }
}
