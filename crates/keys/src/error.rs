//! The crate's error types: [`KeyError`] for key material and signatures, [`ResolveError`] for
//! turning a verification-method id into a key.

/// What went wrong with key material, an algorithm or a signature.
///
/// Bad input (a malformed key, a signature of the wrong size) and API misuse (asking a P-256 key
/// to sign with EdDSA) are separate variants; a signature that does not verify is
/// [`KeyError::SignatureMismatch`], which callers turn into a failed check, not an abort.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum KeyError {
    /// A multibase string does not start with the base58btc prefix `z`.
    #[error("multibase value must start with 'z' (base58btc), found {found:?}")]
    MultibasePrefix {
        /// The first character found, if any.
        found: Option<char>,
    },
    /// Base58btc decoding failed.
    #[error("invalid base58btc encoding: {reason}")]
    Base58 {
        /// The decoder's message.
        reason: String,
    },
    /// Base64 / base64url decoding failed.
    #[error("{field}: invalid base64url: {reason}")]
    Base64 {
        /// Which field was being decoded.
        field: &'static str,
        /// The decoder's message.
        reason: String,
    },
    /// Hex decoding failed.
    #[error("{field}: invalid hex")]
    Hex {
        /// Which field was being decoded.
        field: &'static str,
    },
    /// A key encoding is longer than [`crate::MAX_KEY_INPUT_BYTES`].
    #[error("key input is {found} bytes, more than the limit of {limit}")]
    KeyInputTooLong {
        /// Bytes found.
        found: usize,
        /// The limit.
        limit: usize,
    },
    /// The multicodec header is not one this crate knows.
    #[error(
        "unsupported multicodec 0x{code:x} (known: ed25519-pub 0xed, p256-pub 0x1200, p384-pub 0x1201, secp256k1-pub 0xe7, rsa-pub 0x1205 and the matching -priv codes)"
    )]
    UnsupportedMulticodec {
        /// The varint-decoded codec.
        code: u64,
    },
    /// The multicodec varint is truncated or too long.
    #[error("truncated or overlong multicodec varint")]
    MulticodecVarint,
    /// The key bytes have the wrong length for the key type.
    #[error("{key_type} key must be {expected} bytes, found {found}")]
    KeyLength {
        /// The key type.
        key_type: KeyTypeName,
        /// The expected length (or lengths) as text.
        expected: &'static str,
        /// The length found.
        found: usize,
    },
    /// The key bytes have the right length but are not a valid key (not on the curve, …).
    #[error("{key_type} key bytes are not a valid key: {reason}")]
    InvalidKeyBytes {
        /// The key type.
        key_type: KeyTypeName,
        /// Why.
        reason: String,
    },
    /// A secret key's embedded public key does not match the one derived from it.
    #[error("{key_type} secret key: embedded public key does not match the secret")]
    KeyPairMismatch {
        /// The key type.
        key_type: KeyTypeName,
    },
    /// A JWK is missing a member.
    #[error("jwk: missing member {member:?}")]
    JwkMissingMember {
        /// The missing member.
        member: &'static str,
    },
    /// A JWK member has an unsupported value.
    #[error("jwk: unsupported {member} {found:?} (supported: {supported})")]
    JwkUnsupported {
        /// The member (`kty`, `crv`).
        member: &'static str,
        /// What was found.
        found: String,
        /// What is supported.
        supported: &'static str,
    },
    /// The JWK is not a JSON object or not valid JSON.
    #[error("jwk: {reason}")]
    JwkShape {
        /// Why.
        reason: String,
    },
    /// PEM armour is malformed.
    #[error("pem: {reason}")]
    Pem {
        /// Why.
        reason: String,
    },
    /// The SubjectPublicKeyInfo / PKCS#1 DER could not be decoded as any supported key type.
    #[error("spki: not a supported public key (Ed25519, P-256, P-384, secp256k1 or RSA): {reason}")]
    Spki {
        /// Why.
        reason: String,
    },
    /// The algorithm cannot be used with this key type (API misuse or a mismatched header).
    #[error("algorithm {alg} cannot be used with a {key_type} key")]
    AlgorithmKeyMismatch {
        /// The algorithm.
        alg: &'static str,
        /// The key type.
        key_type: KeyTypeName,
    },
    /// The signature has the wrong size or encoding for the algorithm.
    #[error("{alg} signature is malformed: {reason}")]
    MalformedSignature {
        /// The algorithm.
        alg: &'static str,
        /// Why.
        reason: String,
    },
    /// The signature is well formed but does not verify with this key over this message.
    #[error("{alg} signature does not match the key and message")]
    SignatureMismatch {
        /// The algorithm.
        alg: &'static str,
    },
    /// The RSA key is too small or too large to be accepted.
    #[error("rsa modulus is {bits} bits; accepted range is {min}..={max}")]
    RsaKeySize {
        /// Bits found.
        bits: usize,
        /// Minimum accepted.
        min: usize,
        /// Maximum accepted.
        max: usize,
    },
    /// Signing failed inside the crypto library (environment, e.g. no randomness).
    #[error("{alg} signing failed: {reason}")]
    SigningFailed {
        /// The algorithm.
        alg: &'static str,
        /// The library's message.
        reason: String,
    },
}

/// A key type's display name inside errors (`Ed25519`, `P-256`, …).
pub type KeyTypeName = &'static str;

/// Why a verification method or DID document could not be resolved.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum ResolveError {
    /// This resolver does not handle the id (another DID method or URL scheme); a
    /// [`crate::ChainResolver`] moves on to its next resolver.
    #[error("{id}: no resolver handles this id (method or scheme not configured)")]
    NotHandled {
        /// The id asked for.
        id: String,
    },
    /// The resolver handles ids like this one but has no document for it (for a fetching
    /// resolver: the server answered 404 / 410).
    #[error("{id}: not found")]
    NotFound {
        /// The id asked for.
        id: String,
    },
    /// The DID is malformed (did:key `invalidDid`).
    #[error("{did}: invalidDid: {reason}")]
    InvalidDid {
        /// The DID.
        did: String,
        /// Why.
        reason: String,
    },
    /// The DID URL is malformed (did:key `invalidDidUrl`), e.g. its fragment names another key.
    #[error("{id}: invalidDidUrl: {reason}")]
    InvalidDidUrl {
        /// The DID URL.
        id: String,
        /// Why.
        reason: String,
    },
    /// did:key `invalidPublicKeyLength`.
    #[error("{did}: invalidPublicKeyLength: {reason}")]
    InvalidPublicKeyLength {
        /// The DID.
        did: String,
        /// Why.
        reason: String,
    },
    /// did:key `unsupportedPublicKeyType`.
    #[error("{did}: unsupportedPublicKeyType: {reason}")]
    UnsupportedPublicKeyType {
        /// The DID.
        did: String,
        /// Why.
        reason: String,
    },
    /// did:key `invalidPublicKey`: right length, not a valid key.
    #[error("{did}: invalidPublicKey: {reason}")]
    InvalidPublicKey {
        /// The DID.
        did: String,
        /// Why.
        reason: String,
    },
    /// The DID URL's fragment names no verification method of the document.
    #[error("{id}: the document has no verification method with this id")]
    VerificationMethodNotFound {
        /// The verification-method id.
        id: String,
    },
    /// The verification method's `type` is not one this crate can read.
    #[error(
        "{id}: unsupported verification method type {method_type:?} (supported: Multikey, JsonWebKey, JsonWebKey2020, Ed25519VerificationKey2018, Ed25519VerificationKey2020, EcdsaSecp256k1VerificationKey2019, CryptographicKey)"
    )]
    UnsupportedVerificationMethodType {
        /// The verification-method id.
        id: String,
        /// The type found.
        method_type: String,
    },
    /// The verification method's key material could not be read.
    #[error("{id}: {source}")]
    KeyMaterial {
        /// The verification-method id.
        id: String,
        /// The key error.
        source: KeyError,
    },
    /// The DID / controller document is malformed.
    #[error("{id}: controller document: {reason}")]
    Document {
        /// The document id (or the id that was asked for).
        id: String,
        /// Why.
        reason: String,
    },
    /// The document's `id` is not the id it was fetched for (DID Core §7.1, controller documents §3.3).
    #[error("document for {requested} has id {found:?}")]
    DocumentIdMismatch {
        /// The id asked for.
        requested: String,
        /// The `id` the document states.
        found: String,
    },
    /// The document could not be fetched (offline, refused by policy, unreachable, timed out,
    /// an HTTP error, a limit): an environment failure that says nothing about the id. Set by
    /// resolvers that fetch (the `fetch` crate).
    #[error("{id}: could not fetch the document: {reason}")]
    Fetch {
        /// The id asked for (DID or controller-document URL).
        id: String,
        /// Why, naming the URL (the fetch error's message).
        reason: String,
    },
    /// Reading an offline document failed (environment).
    #[error("{path}: {reason}")]
    Io {
        /// The file path.
        path: String,
        /// The I/O error text.
        reason: String,
    },
    /// An input exceeds a limit of this crate.
    #[error("{what} exceeds the limit of {limit}")]
    LimitExceeded {
        /// Which input.
        what: &'static str,
        /// The limit.
        limit: usize,
    },
}

impl ResolveError {
    /// True when the resolver declined the id, so that the next resolver in a chain may try it.
    #[must_use]
    pub fn is_not_handled(&self) -> bool {
        matches!(self, ResolveError::NotHandled { .. })
    }
}

#[cfg(test)]
mod tests {
    use super::ResolveError;

    #[test]
    fn fetch_error_names_the_id_and_ends_the_chain() {
        let err = ResolveError::Fetch {
            id: "did:web:issuer.example".into(),
            reason: "https://issuer.example/.well-known/did.json: timed out after 10s (total)"
                .into(),
        };
        let text = err.to_string();
        assert!(
            text.starts_with("did:web:issuer.example: could not fetch"),
            "{text}"
        );
        assert!(text.ends_with("(total)"), "{text}");
        // Only NotHandled lets a ChainResolver try the next resolver.
        assert!(!err.is_not_handled());
    }
}
