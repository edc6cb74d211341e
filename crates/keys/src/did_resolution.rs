//! DID resolution results (W3C DID Resolution: `didDocument`, `didDocumentMetadata`,
//! `didResolutionMetadata`, or `didDereferencingMetadata` for a DID URL) for `did:key`, with
//! the did:key specification's options and errors, and for any DID a [`Resolver`] resolves.
//!
//! `did:key` (W3C CCG did:key v0.7 §3.1 "Read"): the document is made from the key, in the
//! `publicKeyFormat` asked for — `Multikey` (default), `JsonWebKey2020`,
//! `Ed25519VerificationKey2020`, and, only with `enableExperimentalPublicKeyTypes`,
//! `Ed25519VerificationKey2018`. An Ed25519 key also gets its X25519 `keyAgreement` method
//! (the birational map of RFC 7748 §4.1). A DID URL with a fragment dereferences to the method
//! it names.
//!
//! Errors are the spec's codes: `invalidDid`, `invalidDidUrl`, `methodNotSupported`,
//! `invalidPublicKeyLength`, `invalidPublicKey`, `unsupportedPublicKeyType`,
//! `invalidPublicKeyType`, `notFound`, `internalError`.

use serde_json::{Map, Value, json};

use crate::did_key::{DID_KEY_PREFIX, DidKey};
use crate::multikey::{encode_multibase_base58btc, varint};
use crate::{PublicKey, ResolveError, Resolver};

/// The JSON-LD context of a resolution result.
pub const RESOLUTION_CONTEXT: &str = "https://w3id.org/did-resolution/v1";
/// multicodec `x25519-pub`.
pub const X25519_PUB: u64 = 0xec;

/// The did:key resolution options.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ResolutionOptions {
    /// `publicKeyFormat`: the verification method type to express keys in.
    pub public_key_format: Option<String>,
    /// `enableExperimentalPublicKeyTypes`.
    pub enable_experimental_public_key_types: bool,
    /// `enableEncryptionKeyDerivation`: add the X25519 `keyAgreement` of an Ed25519 key.
    pub enable_encryption_key_derivation: bool,
}

impl Default for ResolutionOptions {
    fn default() -> Self {
        ResolutionOptions {
            public_key_format: None,
            enable_experimental_public_key_types: false,
            enable_encryption_key_derivation: true,
        }
    }
}

/// A resolution or dereferencing result, ready to serve.
#[derive(Debug, Clone, PartialEq)]
pub struct Resolution {
    /// The error code, when it failed.
    pub error: Option<&'static str>,
    /// The result document.
    pub body: Value,
}

impl Resolution {
    /// The HTTP status the DID Resolution HTTP(S) binding gives this result.
    #[must_use]
    pub fn http_status(&self) -> u16 {
        match self.error {
            None => 200,
            Some("notFound") => 404,
            Some("methodNotSupported") => 501,
            Some("internalError") => 500,
            Some(_) => 400,
        }
    }
}

fn result(
    dereferencing: bool,
    document: Value,
    error: Option<(&'static str, String)>,
) -> Resolution {
    let mut metadata = Map::new();
    if error.is_none() {
        metadata.insert("contentType".into(), "application/did+ld+json".into());
    }
    if let Some((code, message)) = &error {
        metadata.insert("error".into(), (*code).into());
        metadata.insert("errorMessage".into(), message.clone().into());
    }
    let key = if dereferencing {
        "didDereferencingMetadata"
    } else {
        "didResolutionMetadata"
    };
    let mut body = Map::new();
    body.insert("@context".into(), RESOLUTION_CONTEXT.into());
    // The did:key test suite wants a `didDocument` member even on error; it is empty then.
    body.insert("didDocument".into(), document);
    body.insert("didDocumentMetadata".into(), json!({}));
    body.insert(key.into(), Value::Object(metadata));
    Resolution {
        error: error.map(|(code, _)| code),
        body: Value::Object(body),
    }
}

fn failed(dereferencing: bool, code: &'static str, message: impl Into<String>) -> Resolution {
    result(dereferencing, json!({}), Some((code, message.into())))
}

/// The spec's error code for a resolution error.
#[must_use]
pub fn error_code(error: &ResolveError) -> &'static str {
    match error {
        ResolveError::InvalidDid { .. } => "invalidDid",
        ResolveError::InvalidDidUrl { .. } => "invalidDidUrl",
        ResolveError::InvalidPublicKeyLength { .. } => "invalidPublicKeyLength",
        ResolveError::UnsupportedPublicKeyType { .. } => "unsupportedPublicKeyType",
        ResolveError::InvalidPublicKey { .. } => "invalidPublicKey",
        ResolveError::NotHandled { .. } => "methodNotSupported",
        ResolveError::NotFound { .. } | ResolveError::VerificationMethodNotFound { .. } => {
            "notFound"
        }
        _ => "internalError",
    }
}

/// Checks a DID's syntax (DID Core §3.1): `did:` method-name `:` method-specific-id.
fn did_syntax(did: &str) -> Result<(), String> {
    let Some(rest) = did.strip_prefix("did:") else {
        return Err("the scheme must be \"did\"".into());
    };
    let Some((method, id)) = rest.split_once(':') else {
        return Err("a DID is did:<method>:<method-specific-id>".into());
    };
    if method.is_empty()
        || !method
            .bytes()
            .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit())
    {
        return Err("the method name must be lower-case letters and digits".into());
    }
    let idchar = |b: u8| b.is_ascii_alphanumeric() || b".-_:%".contains(&b);
    if id.is_empty() || !id.bytes().all(idchar) || id.ends_with(':') {
        return Err("the method-specific id has characters a DID may not have".into());
    }
    Ok(())
}

/// Checks the path, query and fragment of a DID URL (RFC 3986 characters only).
fn did_url_syntax(tail: &str) -> Result<(), String> {
    let allowed = |b: u8| b.is_ascii_alphanumeric() || b"-._~!$&'()*+,;=:@/?#%".contains(&b);
    if tail.bytes().all(allowed) {
        Ok(())
    } else {
        Err("the path, query or fragment has characters a URL may not have".into())
    }
}

const SIGNATURE_FORMATS: [&str; 3] = ["Multikey", "JsonWebKey2020", "Ed25519VerificationKey2020"];
const EXPERIMENTAL_FORMATS: [&str; 2] = ["Ed25519VerificationKey2018", "X25519KeyAgreementKey2019"];
const ENCRYPTION_FORMATS: [&str; 3] = ["Multikey", "JsonWebKey2020", "X25519KeyAgreementKey2020"];

/// One verification method of a did:key document in `format`.
fn method(
    did: &str,
    fragment: &str,
    key: Key<'_>,
    format: &str,
) -> Result<Value, (&'static str, String)> {
    let id = format!("{did}#{fragment}");
    let mut vm = Map::new();
    vm.insert("id".into(), id.into());
    vm.insert("type".into(), format.into());
    vm.insert("controller".into(), did.into());
    match (format, key) {
        ("Multikey", Key::Signing(_) | Key::X25519(_)) => {
            vm.insert("publicKeyMultibase".into(), fragment.into());
        }
        ("JsonWebKey2020", Key::Signing(pk)) => {
            vm.insert("publicKeyJwk".into(), pk.to_jwk());
        }
        ("JsonWebKey2020", Key::X25519(bytes)) => {
            use base64::Engine as _;
            let x = base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(bytes);
            vm.insert(
                "publicKeyJwk".into(),
                json!({"kty": "OKP", "crv": "X25519", "x": x}),
            );
        }
        ("Ed25519VerificationKey2020", Key::Signing(PublicKey::Ed25519(_)))
        | ("X25519KeyAgreementKey2020", Key::X25519(_)) => {
            vm.insert("publicKeyMultibase".into(), fragment.into());
        }
        ("Ed25519VerificationKey2018", Key::Signing(PublicKey::Ed25519(k))) => {
            vm.insert(
                "publicKeyBase58".into(),
                bs58::encode(k.as_bytes()).into_string().into(),
            );
        }
        ("X25519KeyAgreementKey2019", Key::X25519(bytes)) => {
            vm.insert(
                "publicKeyBase58".into(),
                bs58::encode(bytes).into_string().into(),
            );
        }
        (format, _) => {
            return Err((
                "invalidPublicKeyType",
                format!("a {format} cannot express this key"),
            ));
        }
    }
    Ok(Value::Object(vm))
}

#[derive(Clone, Copy)]
enum Key<'a> {
    Signing(&'a PublicKey),
    X25519(&'a [u8; 32]),
}

/// Resolves (or, with a fragment, dereferences) a `did:key` DID or DID URL.
#[must_use]
pub fn resolve_did_key(input: &str, options: &ResolutionOptions) -> Resolution {
    let split = input.find(['/', '?', '#']).unwrap_or(input.len());
    let (did, tail) = input.split_at(split);
    let dereferencing = !tail.is_empty();
    if let Err(reason) = did_syntax(did) {
        return failed(dereferencing, "invalidDid", reason);
    }
    if !did.starts_with(DID_KEY_PREFIX) {
        return failed(
            dereferencing,
            "methodNotSupported",
            format!("{did}: only did:key is resolved here"),
        );
    }
    if let Err(reason) = did_url_syntax(tail) {
        return failed(dereferencing, "invalidDidUrl", reason);
    }
    let fragment = tail.split_once('#').map(|(_, f)| f);
    if dereferencing && (fragment.is_none() || !tail.starts_with('#')) {
        return failed(
            dereferencing,
            "invalidDidUrl",
            "a did:key URL can only name a verification method by its fragment",
        );
    }
    let key = match DidKey::parse(did) {
        Ok(k) => k,
        Err(e) => return failed(dereferencing, error_code(&e), e.to_string()),
    };
    let format = options.public_key_format.as_deref().unwrap_or("Multikey");
    let experimental = EXPERIMENTAL_FORMATS.contains(&format);
    if !SIGNATURE_FORMATS.contains(&format)
        && !ENCRYPTION_FORMATS.contains(&format)
        && !experimental
    {
        return failed(
            dereferencing,
            "unsupportedPublicKeyType",
            format!("publicKeyFormat {format:?} is not known"),
        );
    }
    if experimental && !options.enable_experimental_public_key_types {
        return failed(
            dereferencing,
            "invalidPublicKeyType",
            format!("{format} is experimental; set enableExperimentalPublicKeyTypes to use it"),
        );
    }
    let signing = match method(
        &key.did,
        &key.multibase,
        Key::Signing(&key.public_key),
        format,
    ) {
        Ok(vm) => vm,
        Err((code, reason)) => return failed(dereferencing, code, reason),
    };
    let signing_id = format!("{}#{}", key.did, key.multibase);
    let mut document = json!({
        "@context": ["https://www.w3.org/ns/did/v1", "https://w3id.org/security/multikey/v1"],
        "id": key.did,
        "verificationMethod": [signing],
        "authentication": [signing_id],
        "assertionMethod": [signing_id],
        "capabilityInvocation": [signing_id],
        "capabilityDelegation": [signing_id],
    });
    if let (PublicKey::Ed25519(ed), true) =
        (&key.public_key, options.enable_encryption_key_derivation)
    {
        let x25519 = ed.to_montgomery().to_bytes();
        let mut bytes = varint(X25519_PUB);
        bytes.extend_from_slice(&x25519);
        let mb = encode_multibase_base58btc(&bytes);
        let agreement_format = if format == "Ed25519VerificationKey2020" {
            "X25519KeyAgreementKey2020"
        } else if format == "Ed25519VerificationKey2018" {
            "X25519KeyAgreementKey2019"
        } else {
            format
        };
        if let (Ok(vm), Some(doc)) = (
            method(&key.did, &mb, Key::X25519(&x25519), agreement_format),
            document.as_object_mut(),
        ) {
            if let Some(Value::Array(vms)) = doc.get_mut("verificationMethod") {
                vms.push(vm);
            }
            doc.insert("keyAgreement".into(), json!([format!("{}#{mb}", key.did)]));
        }
    }
    let Some(fragment) = fragment else {
        return result(false, document, None);
    };
    let wanted = format!("{}#{fragment}", key.did);
    match document
        .get("verificationMethod")
        .and_then(Value::as_array)
        .and_then(|vms| vms.iter().find(|vm| id_of(vm) == Some(wanted.as_str())))
    {
        Some(vm) => result(true, vm.clone(), None),
        None => failed(
            true,
            "notFound",
            format!("{wanted} names no verification method of the document"),
        ),
    }
}

fn id_of(vm: &Value) -> Option<&str> {
    vm.get("id").and_then(Value::as_str)
}

/// Resolves any DID a resolver handles (did:jwk offline, did:web through the guarded client),
/// returning the document as published. did:key goes through [`resolve_did_key`].
#[must_use]
pub fn resolve_with(
    input: &str,
    resolver: &dyn Resolver,
    options: &ResolutionOptions,
) -> Resolution {
    if input.starts_with(DID_KEY_PREFIX) {
        return resolve_did_key(input, options);
    }
    let split = input.find(['/', '?', '#']).unwrap_or(input.len());
    let (did, tail) = input.split_at(split);
    let dereferencing = !tail.is_empty();
    if let Err(reason) = did_syntax(did) {
        return failed(dereferencing, "invalidDid", reason);
    }
    if dereferencing {
        return match resolver.resolve_verification_method(input) {
            Ok(_) => match resolver.resolve_document(did) {
                Ok(doc) => {
                    let found = doc
                        .document
                        .get("verificationMethod")
                        .and_then(Value::as_array)
                        .and_then(|vms| {
                            vms.iter().find(|vm| {
                                id_of(vm).is_some_and(|id| {
                                    id == input
                                        || (id.starts_with('#') && format!("{did}{id}") == input)
                                })
                            })
                        })
                        .cloned();
                    match found {
                        Some(vm) => result(true, vm, None),
                        None => failed(true, "notFound", format!("{input} is not in the document")),
                    }
                }
                Err(e) => failed(true, error_code(&e), e.to_string()),
            },
            Err(e) => failed(true, error_code(&e), e.to_string()),
        };
    }
    match resolver.resolve_document(did) {
        Ok(doc) => result(false, doc.document, None),
        Err(e) => failed(false, error_code(&e), e.to_string()),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const DID: &str = "did:key:z6MktKwz7Ge1Yxzr4JHavN33wiwa8y81QdcMRLXQsrH9T53b";

    fn code(r: &Resolution, member: &str) -> Option<String> {
        r.body[member]["error"].as_str().map(str::to_owned)
    }

    #[test]
    fn ed25519_document_has_its_x25519_key_agreement() {
        let r = resolve_did_key(DID, &ResolutionOptions::default());
        assert_eq!(r.error, None, "{}", r.body);
        let doc = &r.body["didDocument"];
        assert_eq!(doc["id"], DID);
        let vms = doc["verificationMethod"].as_array().unwrap();
        assert_eq!(vms.len(), 2);
        // The did:key spec's own example pairs this key with this X25519 key.
        assert_eq!(
            doc["keyAgreement"][0],
            format!("{DID}#z6LSfHfAMAopsuBxaBzvp51GXrPf38Az13j2fmwqadbwwrzJ")
        );
        assert_eq!(
            r.body["didResolutionMetadata"]["contentType"],
            "application/did+ld+json"
        );
    }

    #[test]
    fn errors_carry_the_spec_codes() {
        let o = ResolutionOptions::default();
        let cases = [
            ("notDid:key:z6Mk", "didResolutionMetadata", "invalidDid"),
            (
                "did:experimental:z6MktKwz",
                "didResolutionMetadata",
                "methodNotSupported",
            ),
            (
                "did:key:-4:z6MktKwz7Ge1Yxzr4JHavN33wiwa8y81QdcMRLXQsrH9T53b",
                "didResolutionMetadata",
                "invalidDid",
            ),
            (
                "did:key:6MktKwz7Ge1Yxzr4JHavN33wiwa8y81QdcMRLXQsrH9T53b",
                "didResolutionMetadata",
                "invalidDid",
            ),
            ("did:key:@", "didResolutionMetadata", "invalidDid"),
            (
                "did:key:zTjsVPtY",
                "didResolutionMetadata",
                "invalidPublicKeyLength",
            ),
        ];
        for (input, member, expected) in cases {
            let r = resolve_did_key(input, &o);
            assert_eq!(
                code(&r, member).as_deref(),
                Some(expected),
                "{input}: {}",
                r.body
            );
            assert!(r.body.get("didDocument").is_some());
            assert!(r.http_status() >= 400);
        }
        let url = format!("{DID}/^bar^/?query=`#z6Mk");
        let r = resolve_did_key(&url, &o);
        assert_eq!(
            code(&r, "didDereferencingMetadata").as_deref(),
            Some("invalidDidUrl")
        );
        let r = resolve_did_key(
            DID,
            &ResolutionOptions {
                public_key_format: Some("unknown".into()),
                ..o.clone()
            },
        );
        assert_eq!(
            code(&r, "didResolutionMetadata").as_deref(),
            Some("unsupportedPublicKeyType")
        );
        let r = resolve_did_key(
            &format!("{DID}#z6MktKwz7Ge1Yxzr4JHavN33wiwa8y81QdcMRLXQsrH9T53b"),
            &ResolutionOptions {
                public_key_format: Some("Ed25519VerificationKey2018".into()),
                ..o.clone()
            },
        );
        assert_eq!(
            code(&r, "didDereferencingMetadata").as_deref(),
            Some("invalidPublicKeyType")
        );
    }

    #[test]
    fn a_fragment_dereferences_to_its_method_in_the_format_asked() {
        let fragment = "z6MktKwz7Ge1Yxzr4JHavN33wiwa8y81QdcMRLXQsrH9T53b";
        let r = resolve_did_key(
            &format!("{DID}#{fragment}"),
            &ResolutionOptions {
                public_key_format: Some("JsonWebKey2020".into()),
                ..ResolutionOptions::default()
            },
        );
        assert_eq!(r.error, None, "{}", r.body);
        let vm = &r.body["didDocument"];
        assert_eq!(vm["controller"], DID);
        assert_eq!(vm["type"], "JsonWebKey2020");
        assert_eq!(vm["publicKeyJwk"]["crv"], "Ed25519");
        // A P-256 key cannot be an Ed25519VerificationKey2020.
        let p256 = "did:key:zDnaepBuvsQ8cpsWrVKw8fbpGpvPeNSjVPTWoq6cRqaYzBKVP";
        let r = resolve_did_key(
            p256,
            &ResolutionOptions {
                public_key_format: Some("Ed25519VerificationKey2020".into()),
                ..ResolutionOptions::default()
            },
        );
        assert_eq!(
            code(&r, "didResolutionMetadata").as_deref(),
            Some("invalidPublicKeyType")
        );
    }
}
