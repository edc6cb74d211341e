//! Proofs for credbridge: the Data Integrity cryptosuites (eddsa-rdfc-2022, eddsa-jcs-2022,
//! ecdsa-rdfc-2019, ecdsa-jcs-2019, Ed25519Signature2020, Ed25519Signature2018,
//! JsonWebSignature2020, RsaSignature2018, EcdsaSecp256k1Signature2019, the draft name
//! eddsa-2022, and the verify side of the selective-disclosure suites ecdsa-sd-2023 and
//! bbs-2023 (derived proofs)), JCS (RFC 8785), JOSE (compact JWS, VC-JWT, the OB 3.0 JWT whose
//! payload is the credential, VC-JOSE `vc+jwt`, VP-JWT), proof purposes, and signing with
//! every suite but the two selective-disclosure ones.
//!
//! **Not here:** keys and DID resolution (`credbridge-keys`, reached through the
//! [`credbridge_keys::Resolver`] trait), JSON-LD processing and RDFC-1.0 (`credbridge-jsonld`,
//! `credbridge-rdf`, reached through the [`Canonicalizer`] trait; [`JsonLdCanonicalizer`] is the
//! implementation over them), status lists, trust and issuer binding, and reports (`verify`).
//! No network: resolvers and document loaders are passed in.
//!
//! # Main types
//! - [`Cryptosuite`]: one `static` per suite in [`suites`], a spec table (proof type,
//!   cryptosuite name, key types, transform, hash, proof-value format, algorithm).
//! - [`verify_data_integrity`] → one [`ProofResult`] per proof, whose [`ProofOutcome`] is
//!   `Verified`, `Failed(FailReason)`, `Unsupported` or `CouldNotCheck`; `Err` only when the
//!   document is unusable. [`sign_data_integrity`] adds a proof.
//! - [`ProofPurpose`]: [`AssertionMethodPurpose`], [`AuthenticationPurpose`].
//! - [`verify_jwt`] / [`sign_jwt`] for VC-JWT, the OB 3.0 credential-payload JWT, `vc+jwt`, VP-JWT
//!   and `vp+jwt` ([`JwtKind`]).
//!
//! # Example
//! ```
//! use credbridge_keys::{ChainResolver, DidKey, KeyType, SecretKey};
//! use credbridge_proofs::{sign_data_integrity, suites, verify_data_integrity,
//!     AssertionMethodPurpose, SignOptions, VerifyOptions};
//!
//! let key = SecretKey::generate(KeyType::Ed25519)?;
//! let did = DidKey::from_public_key(&key.public_key());
//! let credential = serde_json::json!({
//!     "@context": ["https://www.w3.org/ns/credentials/v2"],
//!     "type": ["VerifiableCredential"],
//!     "issuer": did.did,
//!     "credentialSubject": {"name": "Ada"}
//! });
//! let signed = sign_data_integrity(&credential, suites::EDDSA_JCS_2022, &key, &SignOptions {
//!     verification_method: did.verification_method_id(),
//!     proof_purpose: "assertionMethod".into(),
//!     created: Some(1_700_000_000),
//!     ..SignOptions::default()
//! })?;
//!
//! let resolver = ChainResolver::offline_default();
//! let results = verify_data_integrity(&signed, &VerifyOptions {
//!     suites: suites::ALL_SUITES,
//!     resolver: &resolver,
//!     canonicalizer: None,
//!     purpose: &AssertionMethodPurpose,
//!     now: 1_700_000_100,
//!     max_clock_skew: 300,
//! })?;
//! assert!(results[0].outcome.is_verified());
//! # Ok::<(), Box<dyn std::error::Error>>(())
//! ```
//!
//! # Design decisions
//! - **A suite is data.** Each file in `src/suites/` is a `static Cryptosuite` that reads like
//!   the spec's summary; the engine ([`data_integrity`]) is written once. Adding a suite is one
//!   file and one line in [`suites::ALL_SUITES`] (STYLE §6).
//! - **Only the document can fail a proof.** A key that cannot be resolved (not found,
//!   not fetched, no resolver), a context this build cannot load, or a processing limit gives
//!   `CouldNotCheck`; `Failed` means the proof or the document is wrong
//!   ([`CanonicalizeCause`] carries the distinction out of the canonicalizer).
//! - **Unknown is not invalid.** A proof whose suite is unknown, not allowed, or a feature not
//!   implemented (bbs-2023 holder binding and pseudonyms) is `Unsupported`, never `Failed` or
//!   `Verified`.
//! - **Selective disclosure is suite logic over shared parts**: `ecdsa_sd` and `bbs` parse the
//!   CBOR proof value, relabel the RDFC output with the proof's label map and split mandatory
//!   from disclosed statements; the BBS `ProofVerify` is `credbridge-keys`'
//!   `PublicKey::verify_bbs_proof` (over `zkryptium`), so its token is minted there too.
//! - **Only a signature check makes `Verified`.** [`ProofResult::signature`] holds the
//!   [`credbridge_keys::SignatureVerified`] token, which only the keys crate can mint.
//! - **The purpose is checked after the signature**, against the relationships the controller
//!   document gives the method; without a controller document the result is `CouldNotCheck`
//!   with the signature token present.
//! - **JCS is `credbridge_jsonld::jcs`** (re-exported as [`jcs`]), the one RFC 8785
//!   implementation of the workspace: hand-written over `serde_json::Value` with `ryu-js` for ES6
//!   numbers rather than `serde_jcs`, which re-serialises through `Serialize`; tested on the
//!   RFC 8785 examples and the W3C vectors.
//! - **Proof terms must mean what they say.** Before a Data Integrity proof's signature is
//!   trusted, its expanded form (the canonical N-Quads of the proof configuration, already
//!   computed for RDFC suites, so the check costs a line scan) must give `rdf:type` = the
//!   suite's IRI, `sec:proofPurpose` = the expected purpose, `sec:verificationMethod` = the
//!   method and `sec:cryptosuite` = the suite; an `@context` that remaps one fails the proof
//!   with [`FailReason::TermsRedefined`]. JCS proofs are expanded for this only when their
//!   `@context` is inline or from outside the standard families.
//! - **A JWT's own key proves nothing.** A `jwk` header is used only when it equals a key of
//!   the issuer's resolved document (a `did:jwk` issuer's document is that key); every key
//!   that verifies a JWT, except a caller-pinned one, comes back as
//!   [`ProofResult::method`] so the caller's issuer-binding check always runs.
//! - **JWT claim mismatches are findings, not failures**: `iss`/`jti`/`sub`/`nbf`/`exp` versus
//!   the credential are reported in [`JwtVerification::claim_findings`] for `verify` to weigh.
#![forbid(unsafe_code)]
#![deny(missing_docs)]

mod bbs;
mod canonicalizer;
pub mod cose;
pub mod data_integrity;
mod datetime;
mod ecdsa_sd;
mod error;
pub use credbridge_jsonld::jcs;
pub mod jose;
pub mod lookup;
mod outcome;
mod purpose;
mod rdfc;
pub mod sd_jwt;
mod suite;
pub mod suites;
pub mod vc_jose_cose;
mod vc_jwt;

pub use canonicalizer::{CanonicalizeCause, CanonicalizeError, Canonicalizer};
pub use data_integrity::{
    MAX_PROOFS, ProofIntermediates, SignOptions, VerifyOptions, proof_configuration,
    proof_intermediates, sign_data_integrity, verify_data_integrity,
};
pub use datetime::{format_datetime, parse_datetime};
pub use error::ProofError;
pub use lookup::{SigningSuite, UnknownSuite, signing_suite, suite_by_name};
pub use outcome::{FailReason, ProofOutcome, ProofResult};
pub use purpose::{AssertionMethodPurpose, AuthenticationPurpose, ProofPurpose, PurposeCheck};
pub use rdfc::JsonLdCanonicalizer;
pub use suite::{Cryptosuite, HashRule, KNOWN_UNSUPPORTED, ProofValueFormat, Transform};
pub use vc_jwt::{
    ClaimFinding, JoseVerifyOptions, JwtKind, JwtSignOptions, JwtVerification, KeySource,
    MAX_ENVELOPE_DEPTH, MAX_ENVELOPED_CREDENTIALS, sign_jwt, vc_jwt_credential, verify_jwt,
};

/// Entry points for fuzzers and property tests: each takes arbitrary bytes and must never panic.
#[doc(hidden)]
pub mod fuzzing {
    use credbridge_keys::ChainResolver;

    use crate::{AssertionMethodPurpose, JoseVerifyOptions, VerifyOptions};

    /// Decodes and verifies `data` as a compact JWS credential (offline resolvers only).
    pub fn verify_jws(data: &[u8]) {
        let resolver = ChainResolver::offline_default();
        let _ = crate::verify_jwt(
            &String::from_utf8_lossy(data),
            &JoseVerifyOptions {
                resolver: &resolver,
                pinned_key: None,
                allow_embedded_jwk: true,
                now: 1_700_000_000,
                max_clock_skew: 300,
            },
        );
    }

    /// Parses `data` as JSON and verifies its Data Integrity proofs (JCS suites; offline).
    pub fn verify_data_integrity(data: &[u8]) {
        let Ok(doc) = serde_json::from_slice::<serde_json::Value>(data) else {
            return;
        };
        let resolver = ChainResolver::offline_default();
        let _ = crate::verify_data_integrity(
            &doc,
            &VerifyOptions {
                suites: crate::suites::ALL_SUITES,
                resolver: &resolver,
                canonicalizer: None,
                purpose: &AssertionMethodPurpose,
                now: 1_700_000_000,
                max_clock_skew: 300,
            },
        );
        let _ = crate::jcs::canonicalize(&doc);
    }
}
