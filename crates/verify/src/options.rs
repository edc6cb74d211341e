//! What a verification runs with: built objects, not flags (STYLE §2). The CLI turns its
//! arguments into a [`VerifyOptions`]; the server will do the same from its configuration.

use std::sync::Arc;

use credbridge_keys::DocumentSource;
use credbridge_keys::Resolver;
use credbridge_proofs::{Canonicalizer, Cryptosuite};

use crate::status::StatusListCache;
use crate::trust::TrustPolicy;

/// Default allowed clock skew between issuer and verifier, in seconds (5 minutes, as in the
/// Digital Bazaar `vc` library's `maxClockSkew`).
pub const DEFAULT_MAX_CLOCK_SKEW: i64 = 300;

/// Everything a verification needs, passed in explicitly.
#[derive(Clone)]
pub struct VerifyOptions {
    /// The verification time, Unix seconds (`--at`, or now).
    pub now: i64,
    /// Allowed clock skew, seconds.
    pub max_clock_skew: i64,
    /// Resolves verification methods (did:key, did:jwk, offline DID documents, and, when
    /// online, did:web and https controller documents).
    pub resolver: Arc<dyn Resolver>,
    /// JSON-LD → RDF → RDFC-1.0, for the RDFC suites.
    pub canonicalizer: Arc<dyn Canonicalizer>,
    /// The cryptosuites a proof may use; others are reported unsupported.
    pub suites: &'static [&'static Cryptosuite],
    /// Where status lists, OB 2.0 hosted documents and registries come from. `None` means
    /// offline: checks that need a document report could-not-check.
    pub documents: Option<Arc<dyn DocumentSource>>,
    /// Issuer allow/deny lists and registries.
    pub trust: TrustPolicy,
    /// A recipient identifier the caller knows (an email, a DID, a URL) to check the credential
    /// against (OB 3.0 `IdentityObject`, OB 2.0 `recipient`).
    pub known_recipient: Option<String>,
    /// Presentation checks: the `challenge` the verifier issued.
    pub challenge: Option<String>,
    /// Presentation checks: the `domain` the verifier expects.
    pub domain: Option<String>,
    /// Status lists already verified in this run, shared by every credential that points at
    /// them (start each run with `Default::default()`).
    pub status_lists: Arc<StatusListCache>,
}

impl std::fmt::Debug for VerifyOptions {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("VerifyOptions")
            .field("now", &self.now)
            .field("max_clock_skew", &self.max_clock_skew)
            .field("online", &self.documents.is_some())
            .finish_non_exhaustive()
    }
}
