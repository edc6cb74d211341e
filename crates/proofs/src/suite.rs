//! The shape every cryptosuite fills in: a spec table, not code. The engine in
//! [`crate::data_integrity`] reads it.

use credbridge_keys::{Algorithm, KeyType};

/// How the document and the proof configuration become bytes before hashing.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[non_exhaustive]
pub enum Transform {
    /// RDF Dataset Canonicalization (RDFC-1.0 / URDNA2015) of the JSON-LD, as N-Quads; needs a
    /// [`crate::Canonicalizer`].
    Rdfc,
    /// JSON Canonicalization Scheme (RFC 8785).
    Jcs,
}

/// Which hash is applied to the transformed document and proof configuration.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[non_exhaustive]
pub enum HashRule {
    /// SHA-256 always.
    Sha256,
    /// SHA-384 for P-384 keys, SHA-256 otherwise (the ecdsa-* suites).
    Sha384ForP384,
}

/// How the signature is carried in the proof.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[non_exhaustive]
pub enum ProofValueFormat {
    /// `proofValue`: multibase base58btc (`z…`) of the raw signature.
    MultibaseBase58Btc,
    /// `jws`: a detached, unencoded-payload JWS (RFC 7797 `b64: false`) over the hashes
    /// (Ed25519Signature2018, JsonWebSignature2020).
    DetachedJws,
    /// `proofValue`: multibase base64url (`u…`) of a CBOR-encoded ecdsa-sd-2023 derived proof
    /// (base signature, ephemeral key, per-statement signatures, label map, mandatory
    /// indexes); verified by the selective-disclosure path of the engine.
    EcdsaSdDerived,
    /// `proofValue`: multibase base64url (`u…`) of a CBOR-encoded bbs-2023 derived proof (BBS
    /// proof, label map, mandatory and selective indexes, presentation header).
    BbsDerived,
}

/// One cryptosuite, as its spec's summary table.
#[derive(Debug)]
pub struct Cryptosuite {
    /// The proof `type`.
    pub proof_type: &'static str,
    /// The `cryptosuite` value (`None` for the legacy suites, which have only a `type`).
    pub cryptosuite: Option<&'static str>,
    /// Key types the suite accepts.
    pub key_types: &'static [KeyType],
    /// Document / proof-configuration transform.
    pub transform: Transform,
    /// Hash.
    pub hash: HashRule,
    /// Where the signature goes.
    pub proof_value: ProofValueFormat,
    /// The signature algorithm for a key type the suite accepts.
    pub algorithm: fn(KeyType) -> Option<Algorithm>,
}

impl Cryptosuite {
    /// The name used in reports: the `cryptosuite` value, or the proof `type` for legacy suites.
    #[must_use]
    pub fn name(&self) -> &'static str {
        self.cryptosuite.unwrap_or(self.proof_type)
    }

    /// Whether this suite handles a proof with this `type` and `cryptosuite`.
    #[must_use]
    pub fn matches(&self, proof_type: &str, cryptosuite: Option<&str>) -> bool {
        self.proof_type == proof_type && self.cryptosuite == cryptosuite
    }

    /// Whether `key_type` fits this suite.
    #[must_use]
    pub fn accepts(&self, key_type: KeyType) -> bool {
        self.key_types.contains(&key_type)
    }
}

/// The algorithm the ECDSA suites use for each curve.
pub(crate) fn ecdsa_algorithm(key_type: KeyType) -> Option<Algorithm> {
    match key_type {
        KeyType::P256 => Some(Algorithm::Es256),
        KeyType::P384 => Some(Algorithm::Es384),
        _ => None,
    }
}

/// The "algorithm" of bbs-2023: a BBS proof of knowledge (not a JOSE algorithm).
pub(crate) fn bbs_algorithm(key_type: KeyType) -> Option<Algorithm> {
    (key_type == KeyType::Bls12381G2).then_some(Algorithm::Bbs)
}

/// The algorithm the EdDSA suites use.
pub(crate) fn eddsa_algorithm(key_type: KeyType) -> Option<Algorithm> {
    (key_type == KeyType::Ed25519).then_some(Algorithm::EdDsa)
}

/// Suites that are recognised by name but not implemented; proofs using them are reported
/// unsupported with this reason.
pub const KNOWN_UNSUPPORTED: [(&str, &str); 1] = [(
    "bbs-2023",
    "BBS selective-disclosure suite; not implemented",
)];
