//! Securing VCDM 2.0 credentials and presentations with JOSE, SD-JWT and COSE (W3C
//! VC-JOSE-COSE, 2025), with one caller-supplied key: what `credbridge vc-jose-cose` does, and
//! the W3C test suite's command-line contract calls.
//!
//! | securing | credential | presentation |
//! |---|---|---|
//! | JOSE (§3.1) | `vc+jwt`, compact JWS over the credential | `vp+jwt` |
//! | SD-JWT (§3.2) | `vc+sd-jwt`, [`crate::sd_jwt`] | `vp+sd-jwt` |
//! | COSE (§3.3) | `vc+cose`, COSE_Sign1 ([`crate::cose`]), base64 | `vp+cose` |
//!
//! Both directions check the document itself: a VCDM 2.0 `@context` first, the right `type`,
//! an issuer and a subject (credentials), no `vc`/`vp` claim (§3.1.1), `iss` equal to the
//! issuer or holder id when present, and every credential in a presentation enveloped
//! (`EnvelopedVerifiableCredential` with a `data:` URL of a VC-JOSE-COSE media type, §3.x.2).
//! Verifying a presentation verifies the presentation: its securing, and that each credential
//! in it is enveloped. Each enveloped credential is then decoded as far as its media type
//! allows without a key and reported in [`Verified::enveloped`], with the reason when it does
//! not decode. Its signature belongs to its own issuer, whose key is not the one given here,
//! so verifying it is the job of the verifier that resolves issuers (`credbridge verify`).

use base64::Engine as _;
use base64::engine::DecodePaddingMode;
use base64::engine::general_purpose::{GeneralPurpose, GeneralPurposeConfig, STANDARD};
use credbridge_keys::{Algorithm, PublicKey, SecretKey};
use serde_json::{Map, Value};

use crate::ProofError;
use crate::jose::{decode_compact_jws, sign_compact_jws};
use crate::{cose, sd_jwt};

/// Standard base64 (RFC 4648 §4), read with or without its `=` padding: the VC-JOSE-COSE
/// examples and test suite leave it out, RFC 2397 `data:` URLs usually keep it.
const BASE64_ANY_PADDING: GeneralPurpose = GeneralPurpose::new(
    &base64::alphabet::STANDARD,
    GeneralPurposeConfig::new().with_decode_padding_mode(DecodePaddingMode::Indifferent),
);

/// The VCDM 2.0 base context, which must come first.
pub const VCDM2_CONTEXT: &str = "https://www.w3.org/ns/credentials/v2";

/// How a document is secured.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Securing {
    /// Compact JWS (`+jwt`).
    Jose,
    /// SD-JWT (`+sd-jwt`).
    SdJwt,
    /// COSE_Sign1 (`+cose`), carried as base64 text.
    Cose,
}

/// What is secured.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum DocumentKind {
    /// A verifiable credential.
    Credential,
    /// A verifiable presentation.
    Presentation,
}

impl DocumentKind {
    fn short(self) -> &'static str {
        match self {
            DocumentKind::Credential => "vc",
            DocumentKind::Presentation => "vp",
        }
    }

    fn type_name(self) -> &'static str {
        match self {
            DocumentKind::Credential => "VerifiableCredential",
            DocumentKind::Presentation => "VerifiablePresentation",
        }
    }
}

/// The media type (without `application/`) of a securing and a kind: `vc+jwt`, `vp+sd-jwt`, …
#[must_use]
pub fn media_type(securing: Securing, kind: DocumentKind) -> String {
    let suffix = match securing {
        Securing::Jose => "jwt",
        Securing::SdJwt => "sd-jwt",
        Securing::Cose => "cose",
    };
    format!("{}+{suffix}", kind.short())
}

/// Why a document is refused, to sign or as verified.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{rule}: {reason}")]
pub struct Rejected {
    /// The rule, e.g. `VC-JOSE-COSE §3.1.1` or `signature`.
    pub rule: &'static str,
    /// What is wrong, in words.
    pub reason: String,
}

fn reject(rule: &'static str, reason: impl Into<String>) -> Rejected {
    Rejected {
        rule,
        reason: reason.into(),
    }
}

fn id_of(v: Option<&Value>) -> Option<&str> {
    match v? {
        Value::String(s) => Some(s),
        Value::Object(o) => o.get("id").and_then(Value::as_str),
        _ => None,
    }
}

fn has_type(doc: &Map<String, Value>, name: &str) -> bool {
    match doc.get("type") {
        Some(Value::String(t)) => t == name,
        Some(Value::Array(ts)) => ts.iter().any(|t| t.as_str() == Some(name)),
        _ => false,
    }
}

/// The media types an enveloped credential may have (VC-JOSE-COSE: COSE is carried in
/// base64, the others as their compact text).
fn envelope_securing(media: &str) -> Option<Securing> {
    match media {
        "application/vc+jwt" => Some(Securing::Jose),
        "application/vc+sd-jwt" => Some(Securing::SdJwt),
        "application/vc+cose;base64" => Some(Securing::Cose),
        _ => None,
    }
}

/// Checks the document against the VCDM 2.0 and VC-JOSE-COSE rules that do not need a key.
pub fn check_document(doc: &Map<String, Value>, kind: DocumentKind) -> Result<(), Rejected> {
    let first_context = match doc.get("@context") {
        Some(Value::Array(a)) => a.first(),
        Some(v @ Value::String(_)) => Some(v),
        _ => None,
    };
    if first_context.and_then(Value::as_str) != Some(VCDM2_CONTEXT) {
        return Err(reject(
            "VCDM 2.0 §4.3",
            format!("@context must start with {VCDM2_CONTEXT}"),
        ));
    }
    if !has_type(doc, kind.type_name()) {
        return Err(reject(
            "VCDM 2.0 §4.5",
            format!("type must include {}", kind.type_name()),
        ));
    }
    for claim in ["vc", "vp"] {
        if doc.contains_key(claim) {
            return Err(reject(
                "VC-JOSE-COSE §3.1.1",
                format!(
                    "the JWT claim {claim:?} must not be present in a secured VCDM 2.0 document"
                ),
            ));
        }
    }
    match kind {
        DocumentKind::Credential => {
            let Some(issuer) = id_of(doc.get("issuer")) else {
                return Err(reject(
                    "VCDM 2.0 §4.7",
                    "issuer must be a URL or an object with an id",
                ));
            };
            if let Some(iss) = doc.get("iss")
                && iss.as_str() != Some(issuer)
            {
                return Err(reject(
                    "VC-JOSE-COSE §3.1.2",
                    format!("iss {iss} does not match the issuer {issuer:?}"),
                ));
            }
            match doc.get("credentialSubject") {
                Some(Value::Object(o)) if !o.is_empty() => {}
                Some(Value::Array(a)) if !a.is_empty() && a.iter().all(Value::is_object) => {}
                _ => {
                    return Err(reject(
                        "VCDM 2.0 §4.8",
                        "credentialSubject must be a non-empty object or array of objects",
                    ));
                }
            }
        }
        DocumentKind::Presentation => {
            if let (Some(iss), Some(holder)) = (doc.get("iss"), id_of(doc.get("holder")))
                && iss.as_str() != Some(holder)
            {
                return Err(reject(
                    "VC-JOSE-COSE §3.1.2",
                    format!("iss {iss} does not match the holder {holder:?}"),
                ));
            }
            for (index, entry) in enveloped_entries(doc).iter().enumerate() {
                envelope_of(index, entry)?;
            }
        }
    }
    Ok(())
}

fn enveloped_entries(doc: &Map<String, Value>) -> Vec<Value> {
    match doc.get("verifiableCredential") {
        None => Vec::new(),
        Some(Value::Array(a)) => a.clone(),
        Some(other) => vec![other.clone()],
    }
}

/// An enveloped credential's media type and data, or why it is not one.
fn envelope_of(index: usize, entry: &Value) -> Result<(Securing, String), Rejected> {
    let rule = "VC-JOSE-COSE §3 (credentials in presentations)";
    let Some(o) = entry.as_object() else {
        return Err(reject(
            rule,
            format!("verifiableCredential[{index}] is not an object"),
        ));
    };
    if !has_type(o, "EnvelopedVerifiableCredential") {
        return Err(reject(
            rule,
            format!(
                "verifiableCredential[{index}] must be an EnvelopedVerifiableCredential (a secured credential), not an unsecured one"
            ),
        ));
    }
    let id = o.get("id").and_then(Value::as_str).unwrap_or_default();
    let Some((media, data)) = id.strip_prefix("data:").and_then(|r| r.split_once(',')) else {
        return Err(reject(
            rule,
            format!("verifiableCredential[{index}].id {id:?} is not a data: URL"),
        ));
    };
    let Some(securing) = envelope_securing(media) else {
        return Err(reject(
            rule,
            format!(
                "verifiableCredential[{index}] has media type {media:?}, not application/vc+jwt, vc+sd-jwt or vc+cose;base64"
            ),
        ));
    };
    Ok((securing, data.to_owned()))
}

/// Options for [`secure`].
#[derive(Debug, Clone, Default)]
pub struct SecureOptions {
    /// `kid` for the header: the verification method's URL.
    pub kid: Option<String>,
    /// The algorithm; `None` picks the key's default.
    pub alg: Option<Algorithm>,
    /// SD-JWT only: the paths made selectively disclosable.
    pub disclosable: Vec<String>,
}

/// Secures `document` as `securing` after [`check_document`]. JOSE and SD-JWT give compact
/// text; COSE gives the COSE_Sign1 in standard base64.
pub fn secure(
    document: &Value,
    kind: DocumentKind,
    securing: Securing,
    key: &SecretKey,
    options: &SecureOptions,
) -> Result<String, SecureError> {
    let doc = document
        .as_object()
        .ok_or_else(|| reject("VCDM 2.0", "the document is not a JSON object"))?;
    check_document(doc, kind)?;
    if securing != Securing::SdJwt && !options.disclosable.is_empty() {
        return Err(reject(
            "options",
            "disclosable paths are only meaningful for SD-JWT",
        )
        .into());
    }
    let alg = options.alg.unwrap_or_else(|| key.default_algorithm());
    let typ = media_type(securing, kind);
    let mut header = Map::new();
    header.insert("alg".into(), alg.jose_name().into());
    if let Some(kid) = &options.kid {
        header.insert("kid".into(), kid.clone().into());
    }
    header.insert("typ".into(), typ.clone().into());
    header.insert("cty".into(), kind.short().into());
    Ok(match securing {
        Securing::Jose => sign_compact_jws(&header, document.to_string().as_bytes(), key, alg)?,
        Securing::SdJwt => sd_jwt::issue(doc, &header, key, alg, &options.disclosable)?,
        Securing::Cose => STANDARD.encode(cose::sign1(
            document.to_string().as_bytes(),
            key,
            alg,
            &format!("application/{typ}"),
            &format!("application/{}", kind.short()),
            options.kid.as_deref(),
        )?),
    })
}

/// Why [`secure`] failed.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum SecureError {
    /// The document breaks a rule.
    #[error(transparent)]
    Rejected(#[from] Rejected),
    /// Signing failed (the key does not fit the algorithm, a bad path, …).
    #[error(transparent)]
    Proof(#[from] ProofError),
}

/// What an enveloped credential in a verified presentation turned out to be.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct EnvelopeCheck {
    /// Position in `verifiableCredential`.
    pub index: usize,
    /// Its securing.
    pub securing: Securing,
    /// The credential inside, decoded and checked against [`check_document`] (its signature
    /// unchecked: see the module docs), or why it could not be.
    pub credential: Result<Map<String, Value>, String>,
}

/// A document whose securing verified with the given key.
#[derive(Debug, Clone, PartialEq)]
pub struct Verified {
    /// The algorithm that verified.
    pub alg: Algorithm,
    /// The document: for SD-JWT with the disclosures put back, without `_sd_alg`.
    pub document: Map<String, Value>,
    /// The enveloped credentials of a presentation, decoded.
    pub enveloped: Vec<EnvelopeCheck>,
}

fn typ_matches(found: Option<&str>, expected: &str) -> bool {
    found.is_some_and(|t| {
        let t = t.to_ascii_lowercase();
        t == expected || t.strip_prefix("application/") == Some(expected)
    })
}

fn check_alg(alg: Algorithm, key: &PublicKey) -> Result<(), Rejected> {
    if alg.key_type() == key.key_type() {
        Ok(())
    } else {
        Err(reject(
            "signature",
            format!(
                "signed with {alg}, which a {} key cannot have made",
                key.key_type()
            ),
        ))
    }
}

fn jose_header_checks(
    header: &Map<String, Value>,
    expected: &str,
    kind: DocumentKind,
) -> Result<Algorithm, Rejected> {
    let alg_name = header.get("alg").and_then(Value::as_str).unwrap_or("none");
    let alg = Algorithm::from_jose_name(alg_name).ok_or_else(|| {
        reject(
            "RFC 7515 §4.1.1",
            format!("alg {alg_name:?} is not accepted (unsecured or unsupported)"),
        )
    })?;
    if header.contains_key("crit") {
        return Err(reject(
            "RFC 7515 §4.1.11",
            "critical header parameters are not understood",
        ));
    }
    let typ = header.get("typ").and_then(Value::as_str);
    if !typ_matches(typ, expected) {
        return Err(reject(
            "VC-JOSE-COSE media type",
            format!("typ {typ:?} is not {expected}"),
        ));
    }
    if let Some(cty) = header.get("cty").and_then(Value::as_str)
        && !typ_matches(Some(cty), kind.short())
    {
        return Err(reject(
            "VC-JOSE-COSE media type",
            format!("cty {cty:?} is not {}", kind.short()),
        ));
    }
    Ok(alg)
}

/// Verifies `text` (a compact JWS, an SD-JWT, or base64 COSE_Sign1) as a `kind` secured with
/// `securing`, with `key`. Anything unsecured, malformed, of another media type, signed by
/// another key or breaking [`check_document`] is [`Rejected`].
pub fn verify(
    text: &str,
    kind: DocumentKind,
    securing: Securing,
    key: &PublicKey,
) -> Result<Verified, Rejected> {
    let text = text.trim();
    let expected = media_type(securing, kind);
    let (alg, document) = match securing {
        Securing::Jose => {
            let jws =
                decode_compact_jws(text).map_err(|e| reject("RFC 7515 §7.1", e.to_string()))?;
            let alg = jose_header_checks(&jws.header, &expected, kind)?;
            check_alg(alg, key)?;
            let _checked = key
                .verify(alg, jws.signing_input.as_bytes(), &jws.signature)
                .map_err(|e| reject("signature", e.to_string()))?;
            let doc = jws
                .payload_json()
                .map_err(|e| reject("RFC 7515 §7.1", e.to_string()))?;
            (alg, doc)
        }
        Securing::SdJwt => {
            let sd = sd_jwt::decode(text).map_err(|e| reject("RFC 9901 §4", e.to_string()))?;
            let alg = jose_header_checks(&sd.jws.header, &expected, kind)?;
            check_alg(alg, key)?;
            let _checked = key
                .verify(alg, sd.jws.signing_input.as_bytes(), &sd.jws.signature)
                .map_err(|e| reject("signature", e.to_string()))?;
            let payload = sd
                .jws
                .payload_json()
                .map_err(|e| reject("RFC 7515 §7.1", e.to_string()))?;
            if sd.key_binding.is_some() {
                sd_jwt::check_key_binding(&sd, &payload)
                    .map_err(|reason| reject("RFC 9901 §4.3", reason))?;
            }
            let doc = sd_jwt::reconstruct(&payload, &sd.disclosures)
                .map_err(|e| reject("RFC 9901 §7.1", e.to_string()))?;
            (alg, doc)
        }
        Securing::Cose => {
            let bytes = BASE64_ANY_PADDING
                .decode(text)
                .map_err(|e| reject("VC-JOSE-COSE §3.3", format!("not base64: {e}")))?;
            let v = cose::verify1(&bytes, key).map_err(|e| reject("RFC 9052", e.to_string()))?;
            if !typ_matches(v.typ.as_deref(), &expected) {
                return Err(reject(
                    "VC-JOSE-COSE media type",
                    format!("typ {:?} is not application/{expected}", v.typ),
                ));
            }
            if let Some(ct) = &v.content_type
                && !typ_matches(Some(ct), kind.short())
            {
                return Err(reject(
                    "VC-JOSE-COSE media type",
                    format!("content type {ct:?} is not application/{}", kind.short()),
                ));
            }
            let doc = match serde_json::from_slice::<Value>(&v.payload) {
                Ok(Value::Object(o)) => o,
                _ => {
                    return Err(reject(
                        "VC-JOSE-COSE §3.3",
                        "the payload is not a JSON object",
                    ));
                }
            };
            (v.alg, doc)
        }
    };
    check_document(&document, kind)?;
    let mut enveloped = Vec::new();
    if kind == DocumentKind::Presentation {
        for (index, entry) in enveloped_entries(&document).iter().enumerate() {
            let (securing, data) = envelope_of(index, entry)?;
            let credential = decode_enveloped(securing, &data).and_then(|credential| {
                check_document(&credential, DocumentKind::Credential)
                    .map(|()| credential)
                    .map_err(|e| e.to_string())
            });
            enveloped.push(EnvelopeCheck {
                index,
                securing,
                credential,
            });
        }
    }
    Ok(Verified {
        alg,
        document,
        enveloped,
    })
}

/// Decodes an enveloped credential as its media type says, checking its own `typ`, without a
/// key.
fn decode_enveloped(securing: Securing, data: &str) -> Result<Map<String, Value>, String> {
    let expected = media_type(securing, DocumentKind::Credential);
    match securing {
        Securing::Jose => {
            let jws = decode_compact_jws(data).map_err(|e| e.to_string())?;
            jose_header_checks(&jws.header, &expected, DocumentKind::Credential)
                .map_err(|e| e.to_string())?;
            jws.payload_json().map_err(|e| e.to_string())
        }
        Securing::SdJwt => {
            let sd = sd_jwt::decode(data).map_err(|e| e.to_string())?;
            jose_header_checks(&sd.jws.header, &expected, DocumentKind::Credential)
                .map_err(|e| e.to_string())?;
            let payload = sd.jws.payload_json().map_err(|e| e.to_string())?;
            sd_jwt::reconstruct(&payload, &sd.disclosures).map_err(|e| e.to_string())
        }
        Securing::Cose => {
            let bytes = BASE64_ANY_PADDING
                .decode(data.trim())
                .map_err(|e| format!("not base64: {e}"))?;
            let sign1 = cose::decode1(&bytes).map_err(|e| e.to_string())?;
            let typ = cose::typ_of(&sign1);
            if !typ_matches(typ, &expected) {
                return Err(format!("typ {typ:?} is not application/{expected}"));
            }
            match sign1
                .payload
                .as_deref()
                .map(serde_json::from_slice::<Value>)
            {
                Some(Ok(Value::Object(o))) => Ok(o),
                _ => Err("the COSE payload is not a JSON object".into()),
            }
        }
    }
}
