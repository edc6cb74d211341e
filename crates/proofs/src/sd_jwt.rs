//! Selective Disclosure for JWTs (SD-JWT, RFC 9901), as VC-JOSE-COSE §3.2 uses it for
//! `application/vc+sd-jwt` and `application/vp+sd-jwt`.
//!
//! Issuing replaces each disclosable member by a digest: an object member goes into the
//! object's `_sd` array, an array element becomes `{"...": digest}`, and the member itself
//! travels beside the JWS as a *disclosure*, `base64url(JSON [salt, name, value])` (or
//! `[salt, value]` for an array element). Verifying checks the JWS, then puts every disclosure
//! back where its digest stands. A disclosure whose digest the payload does not hold, a digest
//! held twice, a name that is already there: each is a reason to reject the whole SD-JWT
//! (RFC 9901 §7.1). Digests with no disclosure are decoys, or members the holder chose not to
//! show, and are dropped.
//!
//! Only `sha-256` is implemented as `_sd_alg` (the RFC's default and the only one VC-JOSE-COSE
//! examples use); any other is refused, never skipped.

use base64::Engine as _;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use credbridge_keys::{Algorithm, PublicKey, SecretKey};
use serde_json::{Map, Value};
use sha2::{Digest as _, Sha256};

use crate::ProofError;
use crate::jose::{CompactJws, decode_compact_jws, sign_compact_jws};

/// Most disclosures read from one SD-JWT.
pub const MAX_DISCLOSURES: usize = 1024;
/// Deepest nesting of disclosures inside disclosures followed while reconstructing.
pub const MAX_DISCLOSURE_DEPTH: usize = 32;
/// The `_sd_alg` implemented.
pub const SD_ALG: &str = "sha-256";

/// One step of a disclosable path: a member name or an array index.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord)]
pub enum PathStep {
    /// An object member.
    Member(String),
    /// An array element.
    Index(usize),
}

/// Parses a path as the VC-JOSE-COSE test suite and most SD-JWT tooling write them:
/// `credentialSubject.address.street`, `credentialSubject.phoneNumbers[0]`,
/// `verifiableCredential[0]`. Member names may not contain `.`, `[` or `]`.
pub fn parse_path(path: &str) -> Result<Vec<PathStep>, ProofError> {
    let bad = |reason: &str| ProofError::InvalidSignInput {
        what: "disclosable path",
        reason: format!("{path:?}: {reason}"),
    };
    let mut steps = Vec::new();
    for part in path.split('.') {
        let (name, mut rest) = match part.find('[') {
            Some(i) => part.split_at(i),
            None => (part, ""),
        };
        if name.is_empty() && (steps.is_empty() || rest.is_empty()) {
            return Err(bad("empty member name"));
        }
        if !name.is_empty() {
            steps.push(PathStep::Member(name.to_owned()));
        }
        while let Some(tail) = rest.strip_prefix('[') {
            let Some((index, after)) = tail.split_once(']') else {
                return Err(bad("unclosed '['"));
            };
            let index = index
                .parse::<usize>()
                .map_err(|_| bad("an index must be a non-negative whole number"))?;
            steps.push(PathStep::Index(index));
            rest = after;
        }
        if !rest.is_empty() {
            return Err(bad("text after ']'"));
        }
    }
    Ok(steps)
}

/// Member names SD-JWT reserves; they can be neither disclosed nor disclosed into.
const RESERVED: [&str; 3] = ["_sd", "...", "_sd_alg"];

/// The digest of one disclosure: `base64url(SHA-256(ASCII(disclosure)))`.
#[must_use]
pub fn disclosure_digest(disclosure: &str) -> String {
    URL_SAFE_NO_PAD.encode(Sha256::digest(disclosure.as_bytes()))
}

fn new_salt() -> Result<String, ProofError> {
    let mut salt = [0u8; 16];
    getrandom::getrandom(&mut salt).map_err(|e| ProofError::InvalidSignInput {
        what: "salt",
        reason: format!("the operating system's random source failed: {e}"),
    })?;
    Ok(URL_SAFE_NO_PAD.encode(salt))
}

/// Makes the member at `path` of `payload` disclosable; returns its disclosure.
fn conceal(payload: &mut Value, path: &[PathStep], shown: &str) -> Result<String, ProofError> {
    let bad = |reason: String| ProofError::InvalidSignInput {
        what: "disclosable path",
        reason: format!("{shown:?}: {reason}"),
    };
    let Some((last, parents)) = path.split_last() else {
        return Err(bad("empty path".into()));
    };
    let mut node = payload;
    for step in parents {
        node = match (step, node) {
            (PathStep::Member(name), Value::Object(o)) => o
                .get_mut(name)
                .ok_or_else(|| bad(format!("no member {name:?}")))?,
            (PathStep::Index(i), Value::Array(a)) => {
                let len = a.len();
                a.get_mut(*i)
                    .ok_or_else(|| bad(format!("index {i} is past the end ({len} elements)")))?
            }
            (PathStep::Member(name), _) => {
                return Err(bad(format!(
                    "{name:?} is looked up in something not an object"
                )));
            }
            (PathStep::Index(i), _) => {
                return Err(bad(format!("[{i}] is looked up in something not an array")));
            }
        };
    }
    let salt = new_salt()?;
    match (last, node) {
        (PathStep::Member(name), Value::Object(o)) => {
            if RESERVED.contains(&name.as_str()) || name == "@context" {
                return Err(bad(format!("{name:?} cannot be made disclosable")));
            }
            let value = o
                .remove(name)
                .ok_or_else(|| bad(format!("no member {name:?}")))?;
            let disclosure = URL_SAFE_NO_PAD
                .encode(Value::Array(vec![salt.into(), name.clone().into(), value]).to_string());
            let digest = disclosure_digest(&disclosure);
            match o.entry("_sd").or_insert_with(|| Value::Array(Vec::new())) {
                Value::Array(sd) => sd.push(digest.into()),
                _ => return Err(bad("the object has a non-array \"_sd\" member".into())),
            }
            Ok(disclosure)
        }
        (PathStep::Index(i), Value::Array(a)) => {
            let len = a.len();
            let slot = a
                .get_mut(*i)
                .ok_or_else(|| bad(format!("index {i} is past the end ({len} elements)")))?;
            let value = std::mem::take(slot);
            let disclosure =
                URL_SAFE_NO_PAD.encode(Value::Array(vec![salt.into(), value]).to_string());
            let mut marker = Map::new();
            marker.insert("...".into(), disclosure_digest(&disclosure).into());
            *slot = Value::Object(marker);
            Ok(disclosure)
        }
        (PathStep::Member(name), _) => Err(bad(format!(
            "{name:?} is looked up in something not an object"
        ))),
        (PathStep::Index(i), _) => {
            Err(bad(format!("[{i}] is looked up in something not an array")))
        }
    }
}

/// Sorts every `_sd` array so that the order of the digests says nothing about the order of
/// the members (RFC 9901 §4.2.4.1 allows sorting as well as shuffling).
fn sort_digests(value: &mut Value) {
    match value {
        Value::Object(o) => {
            if let Some(Value::Array(sd)) = o.get_mut("_sd") {
                sd.sort_by(|a, b| a.as_str().cmp(&b.as_str()));
            }
            o.values_mut().for_each(sort_digests);
        }
        Value::Array(a) => a.iter_mut().for_each(sort_digests),
        _ => {}
    }
}

/// Issues `document` as an SD-JWT: `header` is completed with `alg`, the members at
/// `disclosable` paths are concealed (deepest first, so a member inside a disclosable object
/// is concealed within its parent's disclosure), and `_sd_alg` is set. Returns
/// `<JWS>~<disclosure>~…~` (no key binding: the issuer has none to add).
pub fn issue(
    document: &Map<String, Value>,
    header: &Map<String, Value>,
    key: &SecretKey,
    alg: Algorithm,
    disclosable: &[String],
) -> Result<String, ProofError> {
    if document.contains_key("_sd_alg") {
        return Err(ProofError::InvalidSignInput {
            what: "document",
            reason: "already has an \"_sd_alg\" member".into(),
        });
    }
    let mut paths = disclosable
        .iter()
        .map(|p| parse_path(p).map(|steps| (steps, p.as_str())))
        .collect::<Result<Vec<_>, _>>()?;
    // Deepest first; among equals, later array indexes first, though replacing an element by
    // its marker keeps the indexes of the others anyway.
    paths.sort_by(|(a, _), (b, _)| b.len().cmp(&a.len()).then_with(|| b.cmp(a)));
    paths.dedup_by(|(a, _), (b, _)| a == b);
    let mut payload = Value::Object(document.clone());
    let mut disclosures = Vec::with_capacity(paths.len());
    for (steps, shown) in &paths {
        disclosures.push(conceal(&mut payload, steps, shown)?);
    }
    sort_digests(&mut payload);
    if let Value::Object(o) = &mut payload {
        o.insert("_sd_alg".into(), SD_ALG.into());
    }
    let mut out = sign_compact_jws(header, payload.to_string().as_bytes(), key, alg)?;
    out.push('~');
    for d in disclosures {
        out.push_str(&d);
        out.push('~');
    }
    Ok(out)
}

/// An SD-JWT split into its parts. Nothing is verified yet.
#[derive(Debug, Clone)]
pub struct SdJwt {
    /// The issuer-signed JWT.
    pub jws: CompactJws,
    /// The disclosures, as sent (base64url).
    pub disclosures: Vec<String>,
    /// The key-binding JWT, when the holder added one.
    pub key_binding: Option<String>,
    /// `<JWS>~<disclosures>~`: what a key-binding JWT's `sd_hash` covers.
    pub presented: String,
}

/// Splits an SD-JWT (`<JWS>~<D1>~…~<Dn>~[<KB-JWT>]`).
pub fn decode(text: &str) -> Result<SdJwt, ProofError> {
    let text = text.trim();
    let malformed = |reason: String| ProofError::MalformedJws { reason };
    let Some(last_tilde) = text.rfind('~') else {
        return Err(malformed(
            "an SD-JWT has '~' after the JWS (and after each disclosure)".into(),
        ));
    };
    let (presented, kb) = text.split_at(last_tilde + 1);
    let mut parts = presented.trim_end_matches('~').split('~');
    let jws = decode_compact_jws(parts.next().unwrap_or_default())?;
    let disclosures: Vec<String> = parts.map(str::to_owned).collect();
    if disclosures.len() > MAX_DISCLOSURES {
        return Err(ProofError::LimitExceeded {
            what: "SD-JWT disclosures",
            found: disclosures.len(),
            limit: MAX_DISCLOSURES,
        });
    }
    if disclosures.iter().any(String::is_empty) {
        return Err(malformed("an empty disclosure (two '~' in a row)".into()));
    }
    Ok(SdJwt {
        jws,
        disclosures,
        key_binding: (!kb.is_empty()).then(|| kb.to_owned()),
        presented: presented.to_owned(),
    })
}

/// Why an SD-JWT's disclosures do not fit its payload (RFC 9901 §7.1).
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum DisclosureError {
    /// Not base64url JSON of `[salt, name, value]` or `[salt, value]`.
    #[error("disclosure {index} is malformed: {reason}")]
    Malformed {
        /// Position among the disclosures.
        index: usize,
        /// Why.
        reason: String,
    },
    /// `_sd_alg` names a hash not implemented here.
    #[error("_sd_alg {0:?} is not supported (only sha-256)")]
    UnsupportedAlg(String),
    /// The same digest stands twice in the payload and disclosures.
    #[error("digest {0} appears more than once")]
    DuplicateDigest(String),
    /// A disclosure whose digest the payload does not hold.
    #[error("disclosure {index} is not referenced by any digest in the payload")]
    Unreferenced {
        /// Position among the disclosures.
        index: usize,
    },
    /// A member disclosure referenced from an array, or an element disclosure from `_sd`.
    #[error("disclosure {index} is of the wrong kind for where its digest stands")]
    WrongKind {
        /// Position among the disclosures.
        index: usize,
    },
    /// A disclosed name that the object already has, or a reserved one.
    #[error("disclosed member {name:?} clashes with a member already there or is reserved")]
    NameClash {
        /// The name.
        name: String,
    },
    /// `_sd` that is not an array of strings, or a `...` marker that is not a string.
    #[error("malformed digest container: {0}")]
    Container(String),
    /// Disclosures nested deeper than [`MAX_DISCLOSURE_DEPTH`].
    #[error("disclosures nest deeper than {MAX_DISCLOSURE_DEPTH}")]
    TooDeep,
}

struct Parsed {
    digest: String,
    name: Option<String>,
    value: Value,
    used: bool,
}

fn parse_disclosure(index: usize, text: &str) -> Result<Parsed, DisclosureError> {
    let malformed = |reason: &str| DisclosureError::Malformed {
        index,
        reason: reason.to_owned(),
    };
    let bytes = URL_SAFE_NO_PAD
        .decode(text)
        .map_err(|_| malformed("not base64url without padding"))?;
    let Ok(Value::Array(mut items)) = serde_json::from_slice::<Value>(&bytes) else {
        return Err(malformed("not a JSON array"));
    };
    let (name, value) = match items.len() {
        2 => (None, items.pop().unwrap_or(Value::Null)),
        3 => {
            let value = items.pop().unwrap_or(Value::Null);
            let Some(Value::String(name)) = items.pop() else {
                return Err(malformed("the member name is not a string"));
            };
            if RESERVED.contains(&name.as_str()) {
                return Err(DisclosureError::NameClash { name });
            }
            (Some(name), value)
        }
        _ => return Err(malformed("not [salt, name, value] or [salt, value]")),
    };
    if !items.first().is_some_and(Value::is_string) {
        return Err(malformed("the salt is not a string"));
    }
    Ok(Parsed {
        digest: disclosure_digest(text),
        name,
        value,
        used: false,
    })
}

/// Puts the disclosures back into `payload` (the verified JWS payload) and returns the
/// document they stand for, without `_sd`, `...` markers and `_sd_alg`.
pub fn reconstruct(
    payload: &Map<String, Value>,
    disclosures: &[String],
) -> Result<Map<String, Value>, DisclosureError> {
    match payload.get("_sd_alg") {
        None => {}
        Some(Value::String(alg)) if alg == SD_ALG => {}
        Some(other) => {
            return Err(DisclosureError::UnsupportedAlg(
                other
                    .as_str()
                    .map_or_else(|| other.to_string(), str::to_owned),
            ));
        }
    }
    let mut parsed = disclosures
        .iter()
        .enumerate()
        .map(|(i, d)| parse_disclosure(i, d))
        .collect::<Result<Vec<_>, _>>()?;
    let mut seen = std::collections::HashSet::new();
    for p in &parsed {
        if !seen.insert(p.digest.clone()) {
            return Err(DisclosureError::DuplicateDigest(p.digest.clone()));
        }
    }
    let mut referenced = std::collections::HashSet::new();
    let mut doc = Value::Object(payload.clone());
    if let Value::Object(o) = &mut doc {
        o.remove("_sd_alg");
    }
    let doc = restore(doc, &mut parsed, &mut referenced, 0)?;
    if let Some(index) = parsed.iter().position(|p| !p.used) {
        return Err(DisclosureError::Unreferenced { index });
    }
    match doc {
        Value::Object(o) => Ok(o),
        _ => Err(DisclosureError::Container(
            "the payload is not an object".into(),
        )),
    }
}

/// Takes the disclosure with `digest` out of `parsed` (marking it used): `None` when there is
/// none, an error when it is of the other kind (`member`: a `[salt, name, value]` one).
fn take(
    parsed: &mut [Parsed],
    digest: &str,
    member: bool,
) -> Result<Option<(Option<String>, Value)>, DisclosureError> {
    let Some((index, p)) = parsed
        .iter_mut()
        .enumerate()
        .find(|(_, p)| p.digest == digest)
    else {
        return Ok(None);
    };
    if p.name.is_some() != member {
        return Err(DisclosureError::WrongKind { index });
    }
    p.used = true;
    Ok(Some((p.name.clone(), std::mem::take(&mut p.value))))
}

/// Records that `digest` stands in the payload; a second time is an error (RFC 9901 §7.1).
fn note(
    referenced: &mut std::collections::HashSet<String>,
    digest: &str,
) -> Result<(), DisclosureError> {
    if referenced.insert(digest.to_owned()) {
        Ok(())
    } else {
        Err(DisclosureError::DuplicateDigest(digest.to_owned()))
    }
}

fn restore(
    value: Value,
    parsed: &mut [Parsed],
    referenced: &mut std::collections::HashSet<String>,
    depth: usize,
) -> Result<Value, DisclosureError> {
    if depth > MAX_DISCLOSURE_DEPTH {
        return Err(DisclosureError::TooDeep);
    }
    match value {
        Value::Object(mut o) => {
            let digests = match o.remove("_sd") {
                None => Vec::new(),
                Some(Value::Array(a)) => a
                    .into_iter()
                    .map(|d| match d {
                        Value::String(s) => Ok(s),
                        _ => Err(DisclosureError::Container(
                            "an \"_sd\" entry is not a string".into(),
                        )),
                    })
                    .collect::<Result<Vec<_>, _>>()?,
                Some(_) => {
                    return Err(DisclosureError::Container("\"_sd\" is not an array".into()));
                }
            };
            let mut out = Map::new();
            for (k, v) in o {
                out.insert(k, restore(v, parsed, referenced, depth)?);
            }
            for digest in digests {
                note(referenced, &digest)?;
                let Some((name, value)) = take(parsed, &digest, true)? else {
                    continue; // a decoy, or a member the holder did not disclose
                };
                let name = name.unwrap_or_default();
                if out.contains_key(&name) {
                    return Err(DisclosureError::NameClash { name });
                }
                out.insert(name, restore(value, parsed, referenced, depth + 1)?);
            }
            Ok(Value::Object(out))
        }
        Value::Array(items) => {
            let mut out = Vec::with_capacity(items.len());
            for item in items {
                let marker = match &item {
                    Value::Object(o) if o.len() == 1 && o.contains_key("...") => Some(
                        o.get("...")
                            .and_then(Value::as_str)
                            .map(str::to_owned)
                            .ok_or_else(|| {
                                DisclosureError::Container(
                                    "a \"...\" marker is not a string".into(),
                                )
                            })?,
                    ),
                    _ => None,
                };
                let Some(digest) = marker else {
                    out.push(restore(item, parsed, referenced, depth)?);
                    continue;
                };
                note(referenced, &digest)?;
                let Some((_, value)) = take(parsed, &digest, false)? else {
                    continue; // an undisclosed element is left out
                };
                out.push(restore(value, parsed, referenced, depth + 1)?);
            }
            Ok(Value::Array(out))
        }
        other => Ok(other),
    }
}

/// Checks a key-binding JWT (RFC 9901 §4.3): signed by the key in the issuer-signed payload's
/// `cnf.jwk`, `typ` `kb+jwt`, and `sd_hash` over the presented SD-JWT. Audience and nonce are
/// the caller's to compare with what it asked for.
pub fn check_key_binding(
    sd: &SdJwt,
    payload: &Map<String, Value>,
) -> Result<Map<String, Value>, String> {
    let Some(kb) = &sd.key_binding else {
        return Err("no key-binding JWT".into());
    };
    let jwk = payload
        .get("cnf")
        .and_then(|c| c.get("jwk"))
        .ok_or("a key-binding JWT came, but the payload has no cnf.jwk to check it with")?;
    let key = PublicKey::from_jwk(jwk).map_err(|e| format!("cnf.jwk: {e}"))?;
    let jws = decode_compact_jws(kb).map_err(|e| format!("key-binding JWT: {e}"))?;
    if jws.header.get("typ").and_then(Value::as_str) != Some("kb+jwt") {
        return Err("the key-binding JWT's typ is not kb+jwt".into());
    }
    let alg = jws
        .alg()
        .and_then(Algorithm::from_jose_name)
        .ok_or("the key-binding JWT's alg is missing or not supported")?;
    let _checked = key
        .verify(alg, jws.signing_input.as_bytes(), &jws.signature)
        .map_err(|e| format!("key-binding JWT: {e}"))?;
    let claims = jws
        .payload_json()
        .map_err(|e| format!("key-binding JWT: {e}"))?;
    let expected = URL_SAFE_NO_PAD.encode(Sha256::digest(sd.presented.as_bytes()));
    if claims.get("sd_hash").and_then(Value::as_str) != Some(expected.as_str()) {
        return Err("the key-binding JWT's sd_hash does not match the presented SD-JWT".into());
    }
    Ok(claims)
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn paths_parse_members_and_indexes() {
        assert_eq!(
            parse_path("credentialSubject.phoneNumbers[0]").unwrap(),
            vec![
                PathStep::Member("credentialSubject".into()),
                PathStep::Member("phoneNumbers".into()),
                PathStep::Index(0)
            ]
        );
        assert_eq!(
            parse_path("verifiableCredential[2][1]").unwrap(),
            vec![
                PathStep::Member("verifiableCredential".into()),
                PathStep::Index(2),
                PathStep::Index(1)
            ]
        );
        for bad in ["", "a..b", "a[", "a[x]", "a[1]b", "a[-1]"] {
            assert!(parse_path(bad).is_err(), "{bad:?}");
        }
    }

    fn sample() -> Map<String, Value> {
        json!({
            "@context": ["https://www.w3.org/ns/credentials/v2"],
            "type": ["VerifiableCredential"],
            "issuer": "https://issuer.example",
            "credentialSubject": {
                "id": "did:example:1",
                "address": {"street": "1 Main St", "city": "Springfield"},
                "phoneNumbers": ["+1 555 0100", "+1 555 0101"]
            }
        })
        .as_object()
        .cloned()
        .unwrap()
    }

    #[test]
    fn issue_then_reconstruct_gives_the_document_back() {
        let key = SecretKey::generate(credbridge_keys::KeyType::P256).unwrap();
        let paths: Vec<String> = [
            "credentialSubject.address.street",
            "credentialSubject.address",
            "credentialSubject.phoneNumbers[1]",
        ]
        .map(String::from)
        .to_vec();
        let token = issue(&sample(), &Map::new(), &key, Algorithm::Es256, &paths).unwrap();
        let sd = decode(&token).unwrap();
        assert_eq!(sd.disclosures.len(), 3);
        assert!(sd.key_binding.is_none());
        let payload = sd.jws.payload_json().unwrap();
        // Concealed members are gone from the signed payload.
        assert!(payload["credentialSubject"].get("address").is_none());
        assert_eq!(
            payload["credentialSubject"]["phoneNumbers"][0],
            "+1 555 0100"
        );
        assert!(
            payload["credentialSubject"]["phoneNumbers"][1]
                .get("...")
                .is_some()
        );
        assert_eq!(reconstruct(&payload, &sd.disclosures).unwrap(), sample());

        // The holder may leave disclosures out: the members are simply not there.
        let street_only: Vec<String> = sd
            .disclosures
            .iter()
            .filter(|d| {
                let bytes = URL_SAFE_NO_PAD.decode(d.as_str()).unwrap();
                !String::from_utf8(bytes).unwrap().contains("Springfield")
            })
            .cloned()
            .collect();
        // Without its parent's disclosure the street's digest is nowhere: rejected.
        assert!(matches!(
            reconstruct(&payload, &street_only),
            Err(DisclosureError::Unreferenced { .. })
        ));
        let phones_only: Vec<String> = sd
            .disclosures
            .iter()
            .filter(|d| {
                let bytes = URL_SAFE_NO_PAD.decode(d.as_str()).unwrap();
                String::from_utf8(bytes).unwrap().contains("0101")
            })
            .cloned()
            .collect();
        let shown = reconstruct(&payload, &phones_only).unwrap();
        assert!(shown["credentialSubject"].get("address").is_none());
        assert_eq!(shown["credentialSubject"]["phoneNumbers"][1], "+1 555 0101");
    }

    #[test]
    fn tampered_disclosures_are_rejected() {
        let key = SecretKey::generate(credbridge_keys::KeyType::Ed25519).unwrap();
        let paths = vec!["credentialSubject.id".to_owned()];
        let token = issue(&sample(), &Map::new(), &key, Algorithm::EdDsa, &paths).unwrap();
        let sd = decode(&token).unwrap();
        let payload = sd.jws.payload_json().unwrap();
        // A disclosure made up by someone else has a digest the payload does not hold.
        let forged = URL_SAFE_NO_PAD.encode(json!(["salt", "id", "did:example:evil"]).to_string());
        assert!(matches!(
            reconstruct(&payload, &[forged]),
            Err(DisclosureError::Unreferenced { .. })
        ));
        // The same disclosure twice.
        let twice = vec![sd.disclosures[0].clone(), sd.disclosures[0].clone()];
        assert!(matches!(
            reconstruct(&payload, &twice),
            Err(DisclosureError::DuplicateDigest(_))
        ));
        // Another hash algorithm is refused, not ignored.
        let mut other = payload.clone();
        other.insert("_sd_alg".into(), "sha-512".into());
        assert!(matches!(
            reconstruct(&other, &sd.disclosures),
            Err(DisclosureError::UnsupportedAlg(_))
        ));
    }

    #[test]
    fn a_missing_path_is_a_specific_error() {
        let key = SecretKey::generate(credbridge_keys::KeyType::Ed25519).unwrap();
        let err = issue(
            &sample(),
            &Map::new(),
            &key,
            Algorithm::EdDsa,
            &["credentialSubject.phoneNumbers[5]".to_owned()],
        )
        .unwrap_err();
        assert!(err.to_string().contains("past the end"), "{err}");
    }
}
