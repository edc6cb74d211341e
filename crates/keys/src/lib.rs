//! Keys and key resolution for credbridge: the key types credentials are signed with (Ed25519,
//! P-256, P-384, secp256k1, RSA; BLS12-381 G2 for verifying BBS proofs), their encodings
//! (Multikey `publicKeyMultibase`, JWK, `publicKeyBase58`, PEM/SPKI), signing and signature checks, and the [`Resolver`] seam that
//! turns a verification-method id into a key — with `did:key`, `did:jwk` and an offline
//! directory of DID / controller documents implemented here.
//!
//! **Not here:** HTTP of any kind — did:web and https controller documents are fetched by the
//! `fetch` crate, which implements [`Resolver`] and reuses [`did_web_to_url`] and
//! [`ControllerDocument::parse`] from here. Proof formats (Data Integrity, JOSE) live in
//! `credbridge-proofs`; whether an issuer is trusted lives in `verify`.
//!
//! # Main types
//! - [`PublicKey`] / [`SecretKey`]: plain enums over the supported key types, with
//!   [`PublicKey::verify`] and [`SecretKey::sign`] taking an [`Algorithm`] (JOSE names).
//! - [`SignatureVerified`]: the token only a passing signature check can produce.
//! - [`Resolver`]: `resolve_verification_method(id)` → [`VerificationMethod`] (id, type,
//!   controller, key, and the controller document's [`VerificationRelationship`]s for it), and
//!   `resolve_document(id)` → [`ControllerDocument`].
//! - Resolvers: [`DidKeyResolver`], [`DidJwkResolver`], [`OfflineDirectory`], and
//!   [`ChainResolver`] to combine them.
//!
//! # Example
//! ```
//! use credbridge_keys::{Algorithm, DidKey, KeyType, Resolver, SecretKey, ChainResolver,
//!     VerificationRelationship};
//!
//! let secret = SecretKey::generate(KeyType::Ed25519)?;
//! let did_key = DidKey::from_public_key(&secret.public_key());
//! let signature = secret.sign(Algorithm::EdDsa, b"message")?;
//!
//! let resolver = ChainResolver::offline_default();
//! let method = resolver.resolve_verification_method(&did_key.verification_method_id())?;
//! assert_eq!(method.allows(VerificationRelationship::AssertionMethod), Some(true));
//! let verified = method.public_key.verify(Algorithm::EdDsa, b"message", &signature)?;
//! assert_eq!(verified.algorithm(), Algorithm::EdDsa);
//! # Ok::<(), Box<dyn std::error::Error>>(())
//! ```
//!
//! # Design decisions
//! - **Enums, not trait objects, for keys.** The set of key types is closed and small; an enum
//!   makes "does this key fit this algorithm" one `match` and keeps signatures out of generic
//!   code (STYLE §11).
//! - **Verification is a type.** [`PublicKey::verify`] returns [`SignatureVerified`] whose field
//!   is private, so no caller can claim a check that did not run (STYLE §5).
//! - **Ed25519 uses `verify_strict`**, which rejects small-order keys and malleable encodings;
//!   credentials are untrusted input.
//! - **Relationships travel with the method.** [`VerificationMethod::relationships`] is `None`
//!   when no controller document was consulted (a bare key file), so a proof-purpose check can
//!   say "could not check" instead of guessing.
//! - **BBS is verify-only** and uses `zkryptium` (bbsplus, BLS12-381-SHA-256) behind
//!   [`PublicKey::verify_bbs_proof`], which checks every length and index first: the
//!   library's decoders slice without checking.
//! - **RustCrypto crates** (ed25519-dalek 2, p256/p384/k256 0.13, rsa 0.9) share the digest-0.10
//!   generation, so the tree has one copy of each primitive.
#![forbid(unsafe_code)]
#![deny(missing_docs)]

mod bbs;
mod controller_document;
mod did_jwk;
mod did_key;
pub mod did_resolution;
mod did_web;
mod directory;
mod error;
pub mod issuer_did;
mod jwk;
mod key;
pub mod multikey;
mod pem;
mod resolver;
pub mod source;
mod verification_method;

pub use bbs::MAX_BBS_MESSAGES;
pub use controller_document::{ControllerDocument, MAX_VERIFICATION_METHODS, document_id_of};
pub use did_jwk::{DID_JWK_PREFIX, DidJwkResolver, did_jwk_document, did_jwk_from_public_key};
pub use did_key::{DID_KEY_PREFIX, DidKey, DidKeyResolver};
pub use did_web::{DID_WEB_PREFIX, did_web_to_url};
pub use directory::{MAX_DOCUMENT_FILE_BYTES, OfflineDirectory};
pub use error::{KeyError, KeyTypeName, ResolveError};
pub use issuer_did::did_for;
pub use key::{
    Algorithm, KeyType, MAX_RSA_BITS, MIN_RSA_BITS, PublicKey, SecretKey, SignatureVerified,
};
pub use pem::{decode_pem, encode_pem};
pub use resolver::{CachingResolver, ChainResolver, MAX_CACHED_METHODS, Resolver};
pub use source::{
    DocumentSource, Purpose, Snapshot, SourceError, SourcedBody, SourcedDocument, body_to_value,
    not_fetched_offline, sha256,
};
pub use verification_method::{
    SUPPORTED_METHOD_TYPES, VerificationMethod, VerificationRelationship, parse_verification_method,
};

/// Longest key encoding accepted (multibase, base58, JWK member, PEM, DER), in bytes. An
/// 8192-bit RSA key in PEM is about 1.5 kB; 16 KiB leaves room without letting a hostile
/// document make base58 decoding (quadratic) expensive.
pub const MAX_KEY_INPUT_BYTES: usize = 16 * 1024;

/// Entry points for fuzzers and property tests: each takes arbitrary bytes and must never panic.
#[doc(hidden)]
pub mod fuzzing {
    use crate::{DidJwkResolver, DidKeyResolver, PublicKey, Resolver, SecretKey};

    /// Parses `data` as a Multikey (public and secret) and round-trips what parses.
    pub fn decode_multikey(data: &[u8]) {
        let text = String::from_utf8_lossy(data);
        if let Ok(key) = PublicKey::from_multikey(&text) {
            let again = PublicKey::from_multikey(&key.to_multikey());
            assert_eq!(again.ok(), Some(key), "multikey round trip");
        }
        let _ = SecretKey::from_multikey(&text);
        let _ = PublicKey::from_ed25519_base58(&text);
    }

    /// Parses `data` as a JWK (public and secret) and round-trips what parses.
    pub fn decode_jwk(data: &[u8]) {
        let Ok(value) = serde_json::from_slice::<serde_json::Value>(data) else {
            return;
        };
        if let Ok(key) = PublicKey::from_jwk(&value) {
            assert_eq!(
                PublicKey::from_jwk(&key.to_jwk()).ok(),
                Some(key),
                "jwk round trip"
            );
        }
        let _ = SecretKey::from_jwk(&value);
    }

    /// Parses `data` as PEM and as raw SPKI DER.
    pub fn decode_pem(data: &[u8]) {
        let _ = PublicKey::from_pem(&String::from_utf8_lossy(data));
        let _ = PublicKey::from_spki_der(data);
    }

    /// Resolves `data` as a did:key / did:jwk DID URL and as a controller document.
    pub fn resolve_did(data: &[u8]) {
        let text = String::from_utf8_lossy(data);
        let _ = DidKeyResolver.resolve_verification_method(&text);
        let _ = DidJwkResolver.resolve_verification_method(&text);
        let _ = crate::did_web_to_url(&text);
        if let Ok(value) = serde_json::from_slice::<serde_json::Value>(data)
            && let Ok(doc) = crate::ControllerDocument::parse(&value)
        {
            let ids: Vec<String> = doc.method_ids().map(str::to_owned).collect();
            for id in ids {
                let _ = doc.verification_method(&id);
            }
        }
    }
}
