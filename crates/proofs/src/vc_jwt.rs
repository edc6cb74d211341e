//! Credentials and presentations secured with JOSE:
//! - **VC-JWT** (VCDM 1.1 §6.3.1, used by OB 3.0 / CLR 2.0 §8.2): the credential sits in the
//!   `vc` claim, and `iss`, `jti`, `nbf`, `sub`, `exp` mirror `issuer`, `id`,
//!   `issuanceDate`/`validFrom`, `credentialSubject.id`, `expirationDate`/`validUntil`;
//! - **OB 3.0 credential-payload JWT** (OB 3.0 §8.2 for VCDM 2.0 credentials, `typ` JWT or
//!   none): the payload is the credential itself with those claims added beside its
//!   properties; told apart from a malformed VC-JWT by its `@context` and
//!   `VerifiableCredential` type;
//! - **VC-JOSE** (W3C VC-JOSE-COSE, `typ: vc+jwt`): the payload is the credential itself;
//! - **VP-JWT** (`vp` claim) and `vp+jwt` presentations, whose enveloped credentials
//!   (`data:application/vc+jwt,…`) are verified too.
//!
//! Claim mismatches and time findings are reported in [`JwtVerification::claim_findings`]; they
//! do not change the signature outcome — the `verify` crate weighs them.

use credbridge_keys::{Algorithm, PublicKey, Resolver, SecretKey, VerificationMethod};
use serde_json::{Map, Value, json};

use crate::datetime::{format_datetime, parse_datetime};
use crate::jose::{CompactJws, decode_compact_jws, sign_compact_jws};
use crate::outcome::resolve_outcome;
use crate::purpose::PurposeCheck;
use crate::{FailReason, ProofError, ProofOutcome, ProofResult};

/// Deepest presentation → enveloped credential nesting followed.
pub const MAX_ENVELOPE_DEPTH: usize = 2;
/// Most enveloped credentials verified in one presentation.
pub const MAX_ENVELOPED_CREDENTIALS: usize = 64;

/// Which JOSE securing format a token uses.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[non_exhaustive]
pub enum JwtKind {
    /// VCDM 1.1 VC-JWT: `vc` claim (OB 3.0, CLR 2.0).
    VcJwt,
    /// VCDM 1.1 VP-JWT: `vp` claim.
    VpJwt,
    /// VC-JOSE-COSE `vc+jwt`: the payload is the credential.
    VcJose,
    /// VC-JOSE-COSE `vp+jwt`: the payload is the presentation.
    VpJose,
    /// The OB 3.0 / CLR 2.0 JWT proof format for VCDM 2.0 credentials (OB 3.0 §8.2): `typ`
    /// absent or `JWT`, and the payload is the credential itself with the registered claims
    /// (`iss`, `jti`, `nbf`, `sub`, `exp`, …) added beside its properties.
    /// [`JwtVerification::credential`] is the payload without the RFC 7519 registered claims.
    CredentialPayloadJwt,
}

/// Where the verification key came from. Every variant but [`KeySource::Pinned`] comes with
/// the verification method in [`ProofResult::method`] (`JwtVerification::proof.method`), so
/// that the caller's issuer-binding check always has a method to check.
///
/// A key the token carries in its own `jwk` header proves nothing by itself: it is used only
/// when it *is* the issuer (a `did:jwk` issuer whose document is that JWK) or equals a key
/// resolved from the issuer's identifier (its DID or controller document).
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub enum KeySource {
    /// The caller supplied the key (no method; the caller already trusts it).
    Pinned,
    /// Resolved from `kid` (with `iss` as base when `kid` is relative), or, without `kid`,
    /// from an issuer that is a `did:key` / `did:jwk` with a single method.
    Resolved {
        /// The verification-method id that was resolved.
        id: String,
    },
    /// The `jwk` header, bound to the issuer: the issuer is the `did:jwk` of that JWK, or the
    /// JWK equals the key of this method of the issuer's resolved document.
    EmbeddedJwkBound {
        /// The issuer's verification-method id whose key equals the `jwk` header.
        id: String,
    },
}

/// How a JWT claim relates to the credential it secures.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub enum ClaimFinding {
    /// A registered claim disagrees with the credential property it mirrors.
    Mismatch {
        /// The JWT claim.
        claim: &'static str,
        /// The credential property.
        property: &'static str,
        /// The claim's value.
        claim_value: Value,
        /// The property's value.
        property_value: Value,
    },
    /// `exp` is in the past at the verification time.
    Expired {
        /// `exp`, Unix seconds.
        exp: i64,
    },
    /// `nbf` is in the future at the verification time.
    NotYetValid {
        /// `nbf`, Unix seconds.
        nbf: i64,
    },
}

/// What the caller allows and expects.
pub struct JoseVerifyOptions<'a> {
    /// Resolves `kid`.
    pub resolver: &'a dyn Resolver,
    /// A key to use instead of resolving (the caller already trusts it).
    pub pinned_key: Option<&'a PublicKey>,
    /// Whether a `jwk` header may supply the key when `kid` is absent or names a method no
    /// resolver handles. Even then the key is used only when it is bound to the issuer (see
    /// [`KeySource::EmbeddedJwkBound`]); an unbound `jwk` never verifies.
    pub allow_embedded_jwk: bool,
    /// Verification time, Unix seconds.
    pub now: i64,
    /// Allowed clock skew, seconds.
    pub max_clock_skew: i64,
}

/// The result of verifying one token.
#[derive(Debug, Clone, PartialEq)]
pub struct JwtVerification {
    /// The format, when it could be told.
    pub kind: Option<JwtKind>,
    /// The protected header.
    pub header: Map<String, Value>,
    /// The payload.
    pub payload: Map<String, Value>,
    /// The credential (the `vc` claim, or the payload for `vc+jwt`).
    pub credential: Option<Value>,
    /// The presentation (the `vp` claim, or the payload for `vp+jwt`).
    pub presentation: Option<Value>,
    /// Where the key came from.
    pub key_source: Option<KeySource>,
    /// The signature outcome (with the resolved method).
    pub proof: ProofResult,
    /// Claim ↔ credential findings.
    pub claim_findings: Vec<ClaimFinding>,
    /// Results for `vc+jwt` credentials enveloped in a presentation.
    pub enveloped: Vec<JwtVerification>,
    /// Enveloped credentials in media types not implemented here (`vc+sd-jwt`, `vc+cose`, …):
    /// (index in `verifiableCredential`, media type). They neither pass nor fail the
    /// presentation; the caller decides.
    pub enveloped_unsupported: Vec<(usize, String)>,
}

/// Verifies a compact JWS credential or presentation. `Err` when the token is not a compact
/// JWS with a JSON header and payload; everything else is in the result.
pub fn verify_jwt(
    token: &str,
    options: &JoseVerifyOptions<'_>,
) -> Result<JwtVerification, ProofError> {
    verify_at_depth(token, options, 0)
}

fn verify_at_depth(
    token: &str,
    options: &JoseVerifyOptions<'_>,
    depth: usize,
) -> Result<JwtVerification, ProofError> {
    let jws = decode_compact_jws(token)?;
    let payload = jws.payload_json()?;
    let mut v = JwtVerification {
        kind: None,
        header: jws.header.clone(),
        payload: payload.clone(),
        credential: None,
        presentation: None,
        key_source: None,
        proof: ProofResult::new(0),
        claim_findings: Vec::new(),
        enveloped: Vec::new(),
        enveloped_unsupported: Vec::new(),
    };
    v.proof.proof_type = jws.alg().map(str::to_owned);
    v.proof.verification_method = jws
        .header
        .get("kid")
        .and_then(Value::as_str)
        .map(str::to_owned);
    v.proof.outcome = match check(&jws, &payload, options, depth, &mut v) {
        Ok(outcome) | Err(outcome) => outcome,
    };
    Ok(v)
}

fn jose_fail(rule: &'static str, reason: impl Into<String>) -> ProofOutcome {
    ProofOutcome::Failed(FailReason::JoseRule {
        rule,
        reason: reason.into(),
    })
}

fn media_type(header: &Map<String, Value>, name: &str) -> Option<String> {
    header.get(name).and_then(Value::as_str).map(|t| {
        let t = t.to_ascii_lowercase();
        t.strip_prefix("application/")
            .map(str::to_owned)
            .unwrap_or(t)
    })
}

fn detect_kind(
    header: &Map<String, Value>,
    payload: &Map<String, Value>,
) -> Result<JwtKind, ProofOutcome> {
    match media_type(header, "typ").as_deref() {
        Some("vc+jwt" | "vc+ld+jwt") => Ok(JwtKind::VcJose),
        Some("vp+jwt" | "vp+ld+jwt") => Ok(JwtKind::VpJose),
        None | Some("jwt") => {
            if payload.get("vc").is_some_and(Value::is_object) {
                Ok(JwtKind::VcJwt)
            } else if payload.get("vp").is_some_and(Value::is_object) {
                Ok(JwtKind::VpJwt)
            } else if is_credential(payload) {
                Ok(JwtKind::CredentialPayloadJwt)
            } else {
                Err(jose_fail(
                    "VCDM 1.1 §6.3.1",
                    "a JWT without a vc+jwt/vp+jwt typ must carry a vc or vp claim object, or be a credential (@context and type VerifiableCredential)",
                ))
            }
        }
        Some(other) => Err(jose_fail(
            "typ",
            format!("unsupported media type {other:?} (expected vc+jwt, vp+jwt or JWT)"),
        )),
    }
}

/// Whether a JWT payload is itself a credential: it has an `@context` and its `type` names
/// `VerifiableCredential`.
fn is_credential(payload: &Map<String, Value>) -> bool {
    let is_vc = |t: &Value| t.as_str() == Some("VerifiableCredential");
    payload.contains_key("@context")
        && match payload.get("type") {
            Some(Value::Array(types)) => types.iter().any(is_vc),
            Some(t) => is_vc(t),
            None => false,
        }
}

/// The RFC 7519 §4.1 registered claims. A VCDM 2.0 credential has no properties by these
/// names (its contexts do not define them), so removing them from a
/// [`JwtKind::CredentialPayloadJwt`] payload gives back the credential as issued, over which
/// an embedded Data Integrity proof was made.
const REGISTERED_CLAIMS: [&str; 7] = ["iss", "sub", "aud", "exp", "nbf", "iat", "jti"];

fn check(
    jws: &CompactJws,
    payload: &Map<String, Value>,
    options: &JoseVerifyOptions<'_>,
    depth: usize,
    v: &mut JwtVerification,
) -> Result<ProofOutcome, ProofOutcome> {
    let alg_name = jws.alg().ok_or(jose_fail("alg", "header has no alg"))?;
    if alg_name == "none" {
        return Err(jose_fail("alg", "unsecured JWT (alg none) is not accepted"));
    }
    let alg = Algorithm::from_jose_name(alg_name).ok_or_else(|| ProofOutcome::Unsupported {
        reason: format!("JOSE algorithm {alg_name:?} is not supported"),
    })?;
    if let Some(crit) = jws.header.get("crit") {
        return Err(jose_fail(
            "crit",
            format!("critical header parameters {crit} are not understood (RFC 7515 §4.1.11)"),
        ));
    }
    let kind = detect_kind(&jws.header, payload)?;
    v.kind = Some(kind);
    match kind {
        JwtKind::VcJose | JwtKind::VpJose => {
            // VC-JOSE-COSE §3.1: the payload is the document; JWT-encoded VCDM 1.1 claims are
            // not allowed alongside it.
            for claim in ["vc", "vp"] {
                if payload.contains_key(claim) {
                    return Err(jose_fail(
                        "VC-JOSE-COSE §3.1",
                        format!(
                            "a {} payload must not contain a {claim:?} claim",
                            kind_typ(kind)
                        ),
                    ));
                }
            }
            if kind == JwtKind::VcJose {
                v.credential = Some(Value::Object(payload.clone()));
            } else {
                v.presentation = Some(Value::Object(payload.clone()));
            }
        }
        JwtKind::VcJwt => v.credential = vc_jwt_credential(payload),
        JwtKind::VpJwt => v.presentation = payload.get("vp").cloned(),
        JwtKind::CredentialPayloadJwt => {
            let mut credential = payload.clone();
            credential.retain(|k, _| !REGISTERED_CLAIMS.contains(&k.as_str()));
            v.credential = Some(Value::Object(credential));
        }
    }

    let (key, method) = select_key(jws, payload, options, v)?;
    // The method whose key is used travels in the result from here on, as for Data
    // Integrity proofs, whatever the signature check says.
    v.proof.method.clone_from(&method);
    if key.key_type() != alg.key_type() {
        return Err(ProofOutcome::Failed(FailReason::KeyTypeMismatch {
            suite: alg.jose_name().to_owned(),
            key_type: key.key_type().name().to_owned(),
        }));
    }
    let verified = key
        .verify(alg, jws.signing_input.as_bytes(), &jws.signature)
        .map_err(|e| ProofOutcome::Failed(FailReason::Signature(e)))?;
    v.proof.signature = Some(verified);

    v.claim_findings = claim_findings(kind, payload, v.credential.as_ref(), options);
    if let Some(presentation) = v.presentation.clone() {
        verify_enveloped(&presentation, options, depth, v)?;
    }
    let purpose = match kind {
        JwtKind::VcJwt | JwtKind::VcJose | JwtKind::CredentialPayloadJwt => {
            credbridge_keys::VerificationRelationship::AssertionMethod
        }
        _ => credbridge_keys::VerificationRelationship::Authentication,
    };
    Ok(match method {
        None => ProofOutcome::Verified,
        Some(method) => {
            let check = match method.allows(purpose) {
                Some(true) => PurposeCheck::Authorized,
                Some(false) => PurposeCheck::NotAuthorized {
                    reason: format!(
                        "the controller document of {} does not list it under {}",
                        method.id,
                        purpose.name()
                    ),
                },
                None => PurposeCheck::Unknown {
                    reason: format!("{} came without a controller document", method.id),
                },
            };
            v.proof.method = Some(method);
            match check {
                PurposeCheck::Authorized => ProofOutcome::Verified,
                PurposeCheck::NotAuthorized { reason } => {
                    ProofOutcome::Failed(FailReason::NotAuthorized { reason })
                }
                PurposeCheck::Unknown { reason } => ProofOutcome::CouldNotCheck {
                    reason: format!("signature verified, but {reason}"),
                },
            }
        }
    })
}

/// The credential a VCDM 1.1 VC-JWT stands for (VCDM 1.1 §6.3.1, "JWT decoding"): the `vc`
/// claim, with what it lacks taken from the registered claims: `iss` → `issuer`, `sub` →
/// `credentialSubject.id`, `jti` → `id`, `nbf` → `issuanceDate`, `exp` → `expirationDate`
/// (`validFrom` / `validUntil` when the `vc` claim is a VCDM 2.0 credential). A property the
/// `vc` claim has is kept as it is; disagreements are [`ClaimFinding`]s. `None` when the
/// payload has no `vc` object.
#[must_use]
pub fn vc_jwt_credential(payload: &Map<String, Value>) -> Option<Value> {
    let mut vc = payload.get("vc")?.as_object()?.clone();
    let claim = |name: &str| payload.get(name).filter(|v| !v.is_null());
    if !vc.contains_key("issuer")
        && let Some(iss) = claim("iss")
    {
        vc.insert("issuer".into(), iss.clone());
    }
    if !vc.contains_key("id")
        && let Some(jti) = claim("jti")
    {
        vc.insert("id".into(), jti.clone());
    }
    if let Some(sub) = claim("sub") {
        match vc.get_mut("credentialSubject") {
            Some(Value::Object(subject)) => {
                subject.entry("id").or_insert_with(|| sub.clone());
            }
            None => {
                vc.insert("credentialSubject".into(), json!({ "id": sub }));
            }
            Some(_) => {}
        }
    }
    let v2 = match vc.get("@context") {
        Some(Value::Array(c)) => c.first(),
        other => other,
    }
    .and_then(Value::as_str)
        == Some("https://www.w3.org/ns/credentials/v2");
    let (from, until) = if v2 {
        ("validFrom", "validUntil")
    } else {
        ("issuanceDate", "expirationDate")
    };
    for (name, property, other) in [("nbf", from, "validFrom"), ("exp", until, "validUntil")] {
        if vc.contains_key(property) || vc.contains_key(other) {
            continue;
        }
        if let Some(t) = claim(name).and_then(Value::as_i64) {
            vc.insert(property.into(), format_datetime(t).into());
        }
    }
    Some(Value::Object(vc))
}

fn kind_typ(kind: JwtKind) -> &'static str {
    match kind {
        JwtKind::VcJose => "vc+jwt",
        JwtKind::VpJose => "vp+jwt",
        JwtKind::VcJwt | JwtKind::VpJwt | JwtKind::CredentialPayloadJwt => "JWT",
    }
}

/// The verification-method id for `kid`: absolute as is; relative to `iss` otherwise.
fn method_id(kid: &str, iss: Option<&str>) -> String {
    if kid.contains(':') {
        return kid.to_owned();
    }
    match iss {
        Some(iss) if kid.starts_with('#') => format!("{iss}{kid}"),
        Some(iss) => format!("{iss}#{kid}"),
        None => kid.to_owned(),
    }
}

/// The identifier the signing key must belong to: `iss`, else the credential's `issuer` (id),
/// else the presentation's `holder` (id).
fn signer_identifier(payload: &Map<String, Value>, v: &JwtVerification) -> Option<String> {
    if let Some(iss) = payload.get("iss").and_then(Value::as_str) {
        return Some(iss.to_owned());
    }
    let from = |doc: Option<&Value>, property: &str| {
        id_of(doc?.get(property))
            .and_then(Value::as_str)
            .map(str::to_owned)
    };
    from(v.credential.as_ref(), "issuer").or_else(|| from(v.presentation.as_ref(), "holder"))
}

fn select_key(
    jws: &CompactJws,
    payload: &Map<String, Value>,
    options: &JoseVerifyOptions<'_>,
    v: &mut JwtVerification,
) -> Result<(PublicKey, Option<VerificationMethod>), ProofOutcome> {
    if let Some(key) = options.pinned_key {
        v.key_source = Some(KeySource::Pinned);
        return Ok((key.clone(), None));
    }
    let issuer = signer_identifier(payload, v);
    let jwk = jws.header.get("jwk").filter(|_| options.allow_embedded_jwk);
    if let Some(kid) = jws.header.get("kid").and_then(Value::as_str) {
        let iss = payload.get("iss").and_then(Value::as_str);
        let id = method_id(kid, iss);
        match options.resolver.resolve_verification_method(&id) {
            Ok(method) => {
                v.key_source = Some(KeySource::Resolved { id });
                return Ok((method.public_key.clone(), Some(method)));
            }
            // A kid no resolver handles may still be the issuer's embedded key, but only if
            // the binding below holds; otherwise the resolution error stands.
            Err(e) if e.is_not_handled() => {
                return match jwk {
                    Some(jwk) => bind_embedded_jwk(jwk, issuer.as_deref(), options, v),
                    None => Err(resolve_outcome(e)),
                };
            }
            Err(e) => return Err(resolve_outcome(e)),
        }
    }
    if let Some(jwk) = jwk {
        return bind_embedded_jwk(jwk, issuer.as_deref(), options, v);
    }
    // VC-JWT: without kid, an issuer that is its own key (did:key, did:jwk) names the key.
    if let Some(issuer) = issuer.as_deref().filter(|i| is_self_certifying(i)) {
        let document = options
            .resolver
            .resolve_document(issuer)
            .map_err(resolve_outcome)?;
        let ids: Vec<String> = document.method_ids().map(str::to_owned).collect();
        let [id] = ids.as_slice() else {
            return Err(ProofOutcome::CouldNotCheck {
                reason: format!(
                    "the header has no kid and the issuer {issuer} has {} verification methods",
                    ids.len()
                ),
            });
        };
        let method = document.verification_method(id).map_err(resolve_outcome)?;
        v.key_source = Some(KeySource::Resolved { id: id.clone() });
        return Ok((method.public_key.clone(), Some(method)));
    }
    Err(ProofOutcome::CouldNotCheck {
        reason: "the header has neither a resolvable kid nor a jwk bound to the issuer".into(),
    })
}

/// Whether `id` is a DID whose document is derived from the identifier itself.
fn is_self_certifying(id: &str) -> bool {
    id.starts_with(credbridge_keys::DID_KEY_PREFIX)
        || id.starts_with(credbridge_keys::DID_JWK_PREFIX)
}

/// Issue 9 item 0: a key the token brings with it proves nothing. The `jwk` header is used
/// only when it equals a key of the issuer's resolved document (a `did:jwk` issuer's
/// document is the JWK itself, so this covers "the issuer is that key" too).
fn bind_embedded_jwk(
    jwk: &Value,
    issuer: Option<&str>,
    options: &JoseVerifyOptions<'_>,
    v: &mut JwtVerification,
) -> Result<(PublicKey, Option<VerificationMethod>), ProofOutcome> {
    let key = PublicKey::from_jwk(jwk).map_err(|e| {
        ProofOutcome::Failed(FailReason::MalformedProperty {
            property: "jwk",
            reason: e.to_string(),
        })
    })?;
    let Some(issuer) = issuer else {
        return Err(ProofOutcome::CouldNotCheck {
            reason: "the token carries its own key (jwk header) but names no issuer (iss) to tie it to; a key the token brings with it proves nothing".into(),
        });
    };
    let unbound = |why: String| ProofOutcome::CouldNotCheck {
        reason: format!(
            "the token carries its own key (jwk header), which proves nothing until the issuer's own keys list it, and {why}"
        ),
    };
    // Only a malformed DID is the token's fault; an identifier that leads to no controller
    // document (an OB 3.0 profile URL, a host that is down) leaves the key unbound, not
    // forged.
    let document = options
        .resolver
        .resolve_document(issuer)
        .map_err(|e| match e {
            credbridge_keys::ResolveError::InvalidDid { .. } => resolve_outcome(e),
            other => unbound(format!("the issuer's keys could not be resolved: {other}")),
        })?;
    let ids: Vec<String> = document.method_ids().map(str::to_owned).collect();
    if ids.is_empty() {
        return Err(unbound(format!("the document of {issuer} lists no keys")));
    }
    for id in ids {
        let Ok(method) = document.verification_method(&id) else {
            continue;
        };
        if method.public_key == key {
            v.key_source = Some(KeySource::EmbeddedJwkBound { id });
            return Ok((key, Some(method)));
        }
    }
    Err(ProofOutcome::Failed(FailReason::EmbeddedKeyNotIssuers {
        issuer: issuer.to_owned(),
    }))
}

fn id_of(v: Option<&Value>) -> Option<&Value> {
    match v? {
        s @ Value::String(_) => Some(s),
        Value::Object(o) => o.get("id"),
        _ => None,
    }
}

fn claim_findings(
    kind: JwtKind,
    payload: &Map<String, Value>,
    credential: Option<&Value>,
    options: &JoseVerifyOptions<'_>,
) -> Vec<ClaimFinding> {
    let mut out = Vec::new();
    let num = |claim: &str| payload.get(claim).and_then(Value::as_i64);
    if let Some(exp) = num("exp")
        && exp < options.now.saturating_sub(options.max_clock_skew)
    {
        out.push(ClaimFinding::Expired { exp });
    }
    if let Some(nbf) = num("nbf")
        && nbf > options.now.saturating_add(options.max_clock_skew)
    {
        out.push(ClaimFinding::NotYetValid { nbf });
    }
    let Some(credential) = credential.filter(|_| {
        matches!(
            kind,
            JwtKind::VcJwt | JwtKind::VcJose | JwtKind::CredentialPayloadJwt
        )
    }) else {
        return out;
    };
    let mut compare = |claim: &'static str, property: &'static str, prop: Option<&Value>| {
        if let (Some(c), Some(p)) = (payload.get(claim), prop)
            && c != p
        {
            out.push(ClaimFinding::Mismatch {
                claim,
                property,
                claim_value: c.clone(),
                property_value: p.clone(),
            });
        }
    };
    compare("iss", "issuer", id_of(credential.get("issuer")));
    compare("jti", "id", credential.get("id"));
    let subject = credential
        .get("credentialSubject")
        .filter(|s| s.is_object());
    compare(
        "sub",
        "credentialSubject.id",
        subject.and_then(|s| s.get("id")),
    );
    // Times compare as instants: the claim is NumericDate, the property a dateTime string.
    let mut compare_time = |claim: &'static str, properties: [&'static str; 2]| {
        let Some(c) = payload.get(claim) else { return };
        for property in properties {
            if let Some(p) = credential.get(property) {
                let same = c
                    .as_i64()
                    .is_some_and(|c| p.as_str().and_then(parse_datetime) == Some(c));
                if !same {
                    out.push(ClaimFinding::Mismatch {
                        claim,
                        property,
                        claim_value: c.clone(),
                        property_value: p.clone(),
                    });
                }
            }
        }
    };
    compare_time("nbf", ["issuanceDate", "validFrom"]);
    compare_time("exp", ["expirationDate", "validUntil"]);
    out
}

fn verify_enveloped(
    presentation: &Value,
    options: &JoseVerifyOptions<'_>,
    depth: usize,
    v: &mut JwtVerification,
) -> Result<(), ProofOutcome> {
    let credentials = match presentation.get("verifiableCredential") {
        None => return Ok(()),
        Some(Value::Array(a)) => a.clone(),
        Some(other) => vec![other.clone()],
    };
    if credentials.len() > MAX_ENVELOPED_CREDENTIALS {
        return Err(jose_fail(
            "limit",
            format!("more than {MAX_ENVELOPED_CREDENTIALS} credentials in one presentation"),
        ));
    }
    for (index, entry) in credentials.iter().enumerate() {
        let token = match entry {
            // VCDM 1.1 VP-JWT carries credential JWTs as strings.
            Value::String(s) => s.clone(),
            Value::Object(o)
                if o.get("type").and_then(Value::as_str)
                    == Some("EnvelopedVerifiableCredential") =>
            {
                let id = o.get("id").and_then(Value::as_str).unwrap_or_default();
                // VCDM 2.0 §4.13: the id is a data: URL carrying the secured credential.
                let Some((media_type, data)) = id
                    .strip_prefix("data:")
                    .and_then(|rest| rest.split_once(','))
                else {
                    return Err(ProofOutcome::Failed(FailReason::EnvelopedCredential {
                        index,
                        reason: format!("id {id:?} is not a data: URL"),
                    }));
                };
                if media_type != "application/vc+jwt" {
                    v.enveloped_unsupported.push((index, media_type.to_owned()));
                    continue;
                }
                data.to_owned()
            }
            // Embedded credentials secured by Data Integrity are verified by the caller.
            _ => continue,
        };
        if depth + 1 > MAX_ENVELOPE_DEPTH {
            return Err(jose_fail("limit", "presentations nest too deeply"));
        }
        let inner = verify_at_depth(
            &token,
            &JoseVerifyOptions {
                pinned_key: None,
                ..*options
            },
            depth + 1,
        )
        .map_err(|e| {
            ProofOutcome::Failed(FailReason::EnvelopedCredential {
                index,
                reason: e.to_string(),
            })
        })?;
        let outcome = inner.proof.outcome.clone();
        v.enveloped.push(inner);
        if let ProofOutcome::Failed(reason) = outcome {
            return Err(ProofOutcome::Failed(FailReason::EnvelopedCredential {
                index,
                reason: reason.to_string(),
            }));
        }
    }
    Ok(())
}

/// How to secure a document as a JWT.
#[derive(Debug, Clone)]
pub struct JwtSignOptions {
    /// The format.
    pub kind: JwtKind,
    /// The algorithm; `None` picks the key's default (RSA → RS256).
    pub alg: Option<Algorithm>,
    /// `kid` header.
    pub kid: Option<String>,
    /// Put the public key in a `jwk` header (OB 3.0 allows it).
    pub embed_jwk: bool,
    /// `aud` claim (presentations).
    pub audience: Option<String>,
    /// `nonce` claim (presentations).
    pub nonce: Option<String>,
    /// `iat` claim, Unix seconds.
    pub issued_at: Option<i64>,
}

/// Secures a credential or presentation as a compact JWS.
///
/// For [`JwtKind::VcJwt`] and [`JwtKind::CredentialPayloadJwt`] the registered claims are
/// derived from the credential (VCDM 1.1 §6.3.1 / OB 3.0 §8.2.4.1): `iss` ← issuer id, `jti` ←
/// id, `sub` ← credentialSubject.id, `nbf` ← validFrom / issuanceDate, `exp` ← validUntil /
/// expirationDate; the first puts the credential in a `vc` claim, the second adds the claims
/// to the credential itself.
pub fn sign_jwt(
    document: &Value,
    key: &SecretKey,
    options: &JwtSignOptions,
) -> Result<String, ProofError> {
    let doc = document
        .as_object()
        .ok_or_else(|| ProofError::DocumentNotObject {
            found: crate::error::json_type(document),
        })?;
    let alg = options.alg.unwrap_or_else(|| key.default_algorithm());
    let mut header = Map::new();
    header.insert("alg".into(), alg.jose_name().into());
    if let Some(kid) = &options.kid {
        header.insert("kid".into(), kid.clone().into());
    }
    if options.embed_jwk {
        header.insert("jwk".into(), key.public_key().to_jwk());
    }
    let time = |props: [&str; 2]| -> Result<Option<i64>, ProofError> {
        for p in props {
            if let Some(v) = doc.get(p) {
                return v.as_str().and_then(parse_datetime).map(Some).ok_or(
                    ProofError::InvalidSignInput {
                        what: "credential",
                        reason: format!("{p} is not a dateTime"),
                    },
                );
            }
        }
        Ok(None)
    };
    let payload = match options.kind {
        JwtKind::VcJose | JwtKind::VpJose => {
            if doc.contains_key("vc") || doc.contains_key("vp") {
                return Err(ProofError::InvalidSignInput {
                    what: "document",
                    reason: "a vc+jwt / vp+jwt payload must not contain vc or vp claims".into(),
                });
            }
            let (typ, cty) = if options.kind == JwtKind::VcJose {
                ("vc+jwt", "vc")
            } else {
                ("vp+jwt", "vp")
            };
            header.insert("typ".into(), typ.into());
            header.insert("cty".into(), cty.into());
            doc.clone()
        }
        JwtKind::VcJwt | JwtKind::CredentialPayloadJwt => {
            header.insert("typ".into(), "JWT".into());
            let mut claims = if options.kind == JwtKind::VcJwt {
                Map::new()
            } else {
                if let Some(clash) = REGISTERED_CLAIMS.iter().find(|c| doc.contains_key(**c)) {
                    return Err(ProofError::InvalidSignInput {
                        what: "credential",
                        reason: format!(
                            "has a property named like the JWT claim {clash:?}, which the payload would overwrite"
                        ),
                    });
                }
                doc.clone()
            };
            if let Some(iss) = id_of(doc.get("issuer")) {
                claims.insert("iss".into(), iss.clone());
            }
            if let Some(jti) = doc.get("id") {
                claims.insert("jti".into(), jti.clone());
            }
            if let Some(sub) = doc.get("credentialSubject").and_then(|s| s.get("id")) {
                claims.insert("sub".into(), sub.clone());
            }
            if let Some(nbf) = time(["validFrom", "issuanceDate"])? {
                claims.insert("nbf".into(), nbf.into());
            }
            if let Some(exp) = time(["validUntil", "expirationDate"])? {
                claims.insert("exp".into(), exp.into());
            }
            if options.kind == JwtKind::VcJwt {
                claims.insert("vc".into(), document.clone());
            }
            claims
        }
        JwtKind::VpJwt => {
            let mut claims = Map::new();
            header.insert("typ".into(), "JWT".into());
            if let Some(iss) = id_of(doc.get("holder")) {
                claims.insert("iss".into(), iss.clone());
            }
            if let Some(jti) = doc.get("id") {
                claims.insert("jti".into(), jti.clone());
            }
            claims.insert("vp".into(), document.clone());
            claims
        }
    };
    let mut payload = payload;
    if let Some(aud) = &options.audience {
        payload.insert("aud".into(), aud.clone().into());
    }
    if let Some(nonce) = &options.nonce {
        payload.insert("nonce".into(), nonce.clone().into());
    }
    if let Some(iat) = options.issued_at {
        payload.insert("iat".into(), json!(iat));
    }
    sign_compact_jws(
        &header,
        Value::Object(payload).to_string().as_bytes(),
        key,
        alg,
    )
}
