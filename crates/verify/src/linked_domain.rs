//! The linked-domain signal of `issuer.identity`: the DIF Well-Known DID Configuration
//! (v1.0, <https://identity.foundation/.well-known/resources/did-configuration/>).
//!
//! A website proves that it and a DID have the same controller by publishing, at
//! `<origin>/.well-known/did-configuration.json`, a Domain Linkage Credential that the DID
//! signed and that names the origin. Only the controller of the origin can put it there, and
//! only the controller of the DID can sign it, so a valid one ties the two together in both
//! directions. An issuer whose DID is not on its website's domain (`did:key`, `did:jwk`, or a
//! `did:web` hosted elsewhere) is confirmed this way when its `url`'s origin links its DID.
//!
//! # The rules, as read here
//! - **Resource** (§ DID Configuration Resource): a JSON object with `@context` and a
//!   `linked_dids` array and no other member; anything else is not a DID configuration.
//! - **Each entry is judged on its own** (§ Verification: "one being valid or invalid does not
//!   affect the state of the others"): an invalid entry is skipped with its reason kept for the
//!   report. Entries are read in order from index 0, at most [`MAX_LINKED_DIDS`]; an entry for
//!   another DID is noted without verifying its signature.
//! - **Entry** (§ Domain Linkage Credential, § Verification): type `DomainLinkageCredential`;
//!   no `id`; `issuanceDate` and `expirationDate` present and the verification instant between
//!   them (with the allowed clock skew); `credentialSubject.id` a DID equal to the issuer and to
//!   the DID looked for; `credentialSubject.origin` equal to the origin the resource was
//!   requested from. The spec's own JWT example writes the origin without its scheme
//!   (`identity.foundation`); such a bare host is read as `https://` + host.
//! - **Linked Data Proof Format**: the embedded proof verifies for `assertionMethod` with a
//!   method of that DID (any suite the verifier allows, resolved through its resolver).
//! - **JSON Web Token Proof Format**: header `alg` and `kid` and nothing else (no `typ`);
//!   payload `iss`, `sub`, `vc`, `nbf`, `exp` and nothing else, `iss` = `sub` =
//!   `credentialSubject.id`, a `vc` without `proof`; the signature verifies with the `kid`
//!   method of that DID, listed under `assertionMethod`; `nbf` / `exp` hold at the verification
//!   instant.
//! - **https**: the spec fetches over https. The URL is handed to the document source, whose
//!   policy refuses `http://` unless the verifier allowed it (a loopback test does).
//! - **`LinkedDomains` service** (§ Linked Domain Service Endpoint): a DID document may list
//!   origins where its DID configurations are; the spec introduces it "to enable discovery of
//!   linked domains from the resolution of a DID", and the DID configuration alone proves the
//!   link both ways. Here the origin comes from the credential's own issuer `url`, so nothing
//!   needs discovering and the service is not required or consulted, for any DID method.

use credbridge_keys::{Purpose, SourceError, VerificationRelationship};
use credbridge_model::{Zone, format_unix, parse_xsd};
use credbridge_proofs::{
    AssertionMethodPurpose, ClaimFinding, JoseVerifyOptions, ProofOutcome, ProofResult,
    jose::decode_compact_jws, verify_data_integrity, verify_jwt,
};
use serde_json::{Map, Value, json};

use crate::VerifyOptions;

/// The well-known path of the DID Configuration resource (RFC 8615).
pub const DID_CONFIGURATION_PATH: &str = "/.well-known/did-configuration.json";

/// Most `linked_dids` entries read from one resource; those after it are not examined. A
/// website links a handful of DIDs; each entry for the DID looked for costs a signature check
/// (and a JSON-LD canonicalization for the Linked Data format).
pub const MAX_LINKED_DIDS: usize = 64;

/// The members a JWT Domain Linkage Credential's payload may have.
const JWT_PAYLOAD_MEMBERS: [&str; 5] = ["exp", "iss", "nbf", "sub", "vc"];
/// The members a JWT Domain Linkage Credential's header must have, and the only ones.
const JWT_HEADER_MEMBERS: [&str; 2] = ["alg", "kid"];

/// The origin (`scheme://host[:port]`, default port left out) of an `http`/`https` URL, with
/// the well-known URL of its DID configuration.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Site {
    /// The ASCII serialization of the origin.
    pub origin: String,
    /// `host[:port]`, as the identity summary names a domain.
    pub domain: String,
    /// `<origin>/.well-known/did-configuration.json`.
    pub configuration_url: String,
}

/// The site of an issuer's `url`, when it is an `http` or `https` URL with a host.
pub(crate) fn site_of(url: &str) -> Option<Site> {
    let parsed = url::Url::parse(url.trim()).ok()?;
    if !matches!(parsed.scheme(), "https" | "http") || parsed.host_str().is_none() {
        return None;
    }
    let origin = parsed.origin().ascii_serialization();
    let host = parsed.host_str()?.to_owned();
    let domain = match parsed.port() {
        Some(port) => format!("{host}:{port}"),
        None => host,
    };
    Some(Site {
        configuration_url: format!("{origin}{DID_CONFIGURATION_PATH}"),
        origin,
        domain,
    })
}

/// The origin a `credentialSubject.origin` value names: an `http(s)` URL with no path beyond
/// `/`, or a bare host (read as `https://`, as the spec's JWT example writes it).
fn origin_claimed(value: &str) -> Option<String> {
    let text = value.trim();
    let candidate = if text.contains("://") {
        text.to_owned()
    } else if !text.is_empty() && !text.contains('/') {
        format!("https://{text}")
    } else {
        return None;
    };
    let parsed = url::Url::parse(&candidate).ok()?;
    let bare = matches!(parsed.path(), "" | "/")
        && parsed.query().is_none()
        && parsed.fragment().is_none()
        && parsed.username().is_empty()
        && parsed.password().is_none();
    if !bare || !matches!(parsed.scheme(), "https" | "http") {
        return None;
    }
    Some(parsed.origin().ascii_serialization())
}

/// How a Domain Linkage Credential is secured.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum EntryFormat {
    /// Linked Data Proof Format: a credential object with an embedded proof.
    LinkedData,
    /// JSON Web Token Proof Format: a compact JWS.
    Jwt,
    /// Neither.
    Unknown,
}

impl EntryFormat {
    fn name(self) -> &'static str {
        match self {
            EntryFormat::LinkedData => "json-ld",
            EntryFormat::Jwt => "jwt",
            EntryFormat::Unknown => "unknown",
        }
    }
}

/// What became of one `linked_dids` entry.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum EntryVerdict {
    /// Valid: it links the DID to the origin.
    Links,
    /// It is about another DID (not verified further).
    OtherDid,
    /// Invalid, with the rule it breaks.
    Invalid(String),
    /// Its signature could not be checked (the DID could not be resolved, a suite not
    /// supported here).
    CouldNotCheck(String),
}

/// One `linked_dids` entry and what became of it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Entry {
    /// Its index in `linked_dids`.
    pub index: usize,
    /// How it is secured.
    pub format: EntryFormat,
    /// The DID it names as its subject, if it names one.
    pub did: Option<String>,
    /// What became of it.
    pub verdict: EntryVerdict,
}

impl Entry {
    fn to_json(&self) -> Value {
        let (outcome, reason) = match &self.verdict {
            EntryVerdict::Links => ("links", None),
            EntryVerdict::OtherDid => ("other-did", None),
            EntryVerdict::Invalid(reason) => ("invalid", Some(reason.as_str())),
            EntryVerdict::CouldNotCheck(reason) => ("could-not-check", Some(reason.as_str())),
        };
        let mut entry = json!({
            "index": self.index,
            "format": self.format.name(),
            "did": self.did,
            "outcome": outcome,
        });
        if let (Some(reason), Some(map)) = (reason, entry.as_object_mut()) {
            map.insert("reason".into(), reason.into());
        }
        entry
    }
}

/// What the issuer's website says about its DID.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum Linkage {
    /// A valid Domain Linkage Credential links the DID to the origin.
    Linked {
        /// The site asked.
        site: Site,
        /// Every entry read, the linking one last.
        entries: Vec<Entry>,
    },
    /// The site was asked and does not link the DID: no resource, not a DID configuration, or
    /// no valid entry for the DID.
    NotLinked {
        /// The site asked.
        site: Site,
        /// Why, in words that finish "the website …".
        reason: String,
        /// Every entry read.
        entries: Vec<Entry>,
    },
    /// Nothing is known: offline, the host unreachable, or the only entries for the DID could
    /// not be checked.
    CouldNotCheck {
        /// The site asked.
        site: Site,
        /// Why.
        reason: String,
        /// Every entry read.
        entries: Vec<Entry>,
    },
}

impl Linkage {
    /// The `linked_domain` evidence of the identity check.
    pub(crate) fn evidence(&self) -> Value {
        let (site, outcome, reason, entries) = match self {
            Linkage::Linked { site, entries } => (site, "linked", None, entries),
            Linkage::NotLinked {
                site,
                reason,
                entries,
            } => (site, "not-linked", Some(reason), entries),
            Linkage::CouldNotCheck {
                site,
                reason,
                entries,
            } => (site, "could-not-check", Some(reason), entries),
        };
        let mut evidence = json!({
            "origin": site.origin,
            "url": site.configuration_url,
            "outcome": outcome,
            "entries": entries.iter().map(Entry::to_json).collect::<Vec<_>>(),
        });
        if let (Some(reason), Some(map)) = (reason, evidence.as_object_mut()) {
            map.insert("reason".into(), reason.as_str().into());
        }
        evidence
    }
}

/// Asks the issuer's website (`site`) whether it links `did`, through the verifier's document
/// source.
pub(crate) fn check(did: &str, site: Site, options: &VerifyOptions) -> Linkage {
    let url = site.configuration_url.clone();
    let Some(source) = &options.documents else {
        return Linkage::CouldNotCheck {
            reason: credbridge_keys::not_fetched_offline(&url, Purpose::DidConfiguration),
            site,
            entries: Vec::new(),
        };
    };
    let document = match source.get_document(&url, Purpose::DidConfiguration) {
        Ok(document) => document,
        Err(err) => {
            let reason = match &err {
                SourceError::Offline { .. } => {
                    credbridge_keys::not_fetched_offline(&url, Purpose::DidConfiguration)
                }
                SourceError::NotFound { .. } | SourceError::Gone { .. } => {
                    return Linkage::NotLinked {
                        reason: format!("publishes no DID configuration ({err})"),
                        site,
                        entries: Vec::new(),
                    };
                }
                SourceError::InvalidJson { .. } => {
                    return Linkage::NotLinked {
                        reason: format!("serves a DID configuration that is not JSON ({err})"),
                        site,
                        entries: Vec::new(),
                    };
                }
                _ => format!("it could not be fetched: {err}"),
            };
            return Linkage::CouldNotCheck {
                reason,
                site,
                entries: Vec::new(),
            };
        }
    };
    let linked_dids = match resource_entries(&document.value) {
        Ok(entries) => entries,
        Err(defect) => {
            return Linkage::NotLinked {
                reason: format!(
                    "serves a DID configuration that breaks the specification: {defect}"
                ),
                site,
                entries: Vec::new(),
            };
        }
    };
    let mut entries = Vec::new();
    for (index, value) in linked_dids.iter().enumerate().take(MAX_LINKED_DIDS) {
        let entry = judge_entry(index, value, did, &site.origin, options);
        let links = entry.verdict == EntryVerdict::Links;
        entries.push(entry);
        if links {
            return Linkage::Linked { site, entries };
        }
    }
    let mine: Vec<&Entry> = entries
        .iter()
        .filter(|e| e.did.as_deref() == Some(did))
        .collect();
    let unchecked = mine.iter().find_map(|e| match &e.verdict {
        EntryVerdict::CouldNotCheck(reason) => Some(reason.clone()),
        _ => None,
    });
    let skipped = linked_dids.len().saturating_sub(MAX_LINKED_DIDS);
    let past_limit = if skipped > 0 {
        format!(" ({skipped} entries after the first {MAX_LINKED_DIDS} were not examined)")
    } else {
        String::new()
    };
    if let Some(reason) = unchecked {
        return Linkage::CouldNotCheck {
            reason: format!(
                "it names this DID, but the entry could not be checked: {reason}{past_limit}"
            ),
            site,
            entries,
        };
    }
    let reason = match mine.first() {
        None => format!(
            "publishes a DID configuration that does not link this DID{}{past_limit}",
            if entries.is_empty() {
                " (it lists no DIDs)".to_owned()
            } else {
                format!(" (it lists {} other entries)", entries.len())
            }
        ),
        Some(first) => {
            let why = match &first.verdict {
                EntryVerdict::Invalid(reason) => reason.as_str(),
                _ => "",
            };
            format!(
                "publishes a DID configuration whose entry for this DID is not valid: {why}{past_limit}"
            )
        }
    };
    Linkage::NotLinked {
        reason,
        site,
        entries,
    }
}

/// The `linked_dids` of a DID Configuration resource, or the rule it breaks.
fn resource_entries(resource: &Value) -> Result<&Vec<Value>, String> {
    let Value::Object(map) = resource else {
        return Err("it is not a JSON object".into());
    };
    if !map.contains_key("@context") {
        return Err("@context is missing".into());
    }
    let Some(linked) = map.get("linked_dids") else {
        return Err("linked_dids is missing".into());
    };
    let Value::Array(entries) = linked else {
        return Err("linked_dids is not an array".into());
    };
    let extra: Vec<&str> = map
        .keys()
        .map(String::as_str)
        .filter(|k| !matches!(*k, "@context" | "linked_dids"))
        .collect();
    if !extra.is_empty() {
        return Err(format!(
            "it has members the specification does not allow: {}",
            extra.join(", ")
        ));
    }
    Ok(entries)
}

/// The DID a Domain Linkage Credential is about: its `credentialSubject.id`.
fn subject_id(credential: &Value) -> Option<&str> {
    credential.get("credentialSubject")?.get("id")?.as_str()
}

fn issuer_of(credential: &Value) -> Option<&str> {
    match credential.get("issuer")? {
        Value::String(id) => Some(id),
        Value::Object(map) => map.get("id").and_then(Value::as_str),
        _ => None,
    }
}

fn judge_entry(
    index: usize,
    value: &Value,
    did: &str,
    origin: &str,
    options: &VerifyOptions,
) -> Entry {
    let entry = |format, subject: Option<&str>, verdict| Entry {
        index,
        format,
        did: subject.map(str::to_owned),
        verdict,
    };
    match value {
        Value::Object(_) => {
            let subject = subject_id(value);
            if subject != Some(did) && issuer_of(value) != Some(did) {
                let verdict = match subject {
                    Some(_) => EntryVerdict::OtherDid,
                    None => EntryVerdict::Invalid("credentialSubject.id is missing".into()),
                };
                return entry(EntryFormat::LinkedData, subject, verdict);
            }
            let verdict = match linked_data_entry(value, did, origin, options) {
                Ok(()) => EntryVerdict::Links,
                Err(verdict) => verdict,
            };
            entry(EntryFormat::LinkedData, subject, verdict)
        }
        Value::String(token) => {
            let Ok(jws) = decode_compact_jws(token) else {
                return entry(
                    EntryFormat::Jwt,
                    None,
                    EntryVerdict::Invalid("the entry is a string but not a compact JWS".into()),
                );
            };
            let Ok(payload) = jws.payload_json() else {
                return entry(
                    EntryFormat::Jwt,
                    None,
                    EntryVerdict::Invalid("the JWT payload is not a JSON object".into()),
                );
            };
            let vc = payload.get("vc");
            let subject = vc.and_then(subject_id).map(str::to_owned);
            let names_did = subject.as_deref() == Some(did)
                || ["iss", "sub"]
                    .iter()
                    .any(|c| payload.get(*c).and_then(Value::as_str) == Some(did));
            if !names_did {
                let verdict = match subject {
                    Some(_) => EntryVerdict::OtherDid,
                    None => EntryVerdict::Invalid("vc.credentialSubject.id is missing".into()),
                };
                return entry(EntryFormat::Jwt, subject.as_deref(), verdict);
            }
            let verdict = match jwt_entry(token, &jws.header, &payload, did, origin, options) {
                Ok(()) => EntryVerdict::Links,
                Err(verdict) => verdict,
            };
            entry(EntryFormat::Jwt, subject.as_deref(), verdict)
        }
        _ => entry(
            EntryFormat::Unknown,
            None,
            EntryVerdict::Invalid("the entry is neither a credential object nor a JWT".into()),
        ),
    }
}

fn invalid(reason: impl Into<String>) -> EntryVerdict {
    EntryVerdict::Invalid(reason.into())
}

/// The rules every Domain Linkage Credential follows, whatever secures it (§ Domain Linkage
/// Credential, § Verification steps 1 and 3), and its dates at the verification instant.
fn credential_rules(
    credential: &Value,
    did: &str,
    origin: &str,
    options: &VerifyOptions,
) -> Result<(), EntryVerdict> {
    let Value::Object(map) = credential else {
        return Err(invalid("the credential is not a JSON object"));
    };
    let types = credbridge_model::json::one_or_many(map.get("type").unwrap_or(&Value::Null))
        .filter_map(Value::as_str)
        .collect::<Vec<_>>();
    if !types.contains(&"DomainLinkageCredential") {
        return Err(invalid("its type does not include DomainLinkageCredential"));
    }
    if map.contains_key("id") {
        return Err(invalid(
            "it has an id, which a Domain Linkage Credential must not have",
        ));
    }
    let subject =
        subject_id(credential).ok_or_else(|| invalid("credentialSubject.id is missing"))?;
    if !subject.starts_with("did:") {
        return Err(invalid(format!(
            "credentialSubject.id {subject} is not a DID"
        )));
    }
    match issuer_of(credential) {
        Some(issuer) if issuer == subject => {}
        Some(issuer) => {
            return Err(invalid(format!(
                "its issuer {issuer} is not its subject {subject}"
            )));
        }
        None => return Err(invalid("its issuer is missing")),
    }
    if subject != did {
        return Err(EntryVerdict::OtherDid);
    }
    let claimed = credential
        .get("credentialSubject")
        .and_then(|s| s.get("origin"))
        .ok_or_else(|| invalid("credentialSubject.origin is missing"))?;
    let claimed_text = claimed.as_str().unwrap_or_default();
    match origin_claimed(claimed_text) {
        Some(claimed_origin) if claimed_origin == origin => {}
        Some(claimed_origin) => {
            return Err(invalid(format!(
                "it links the origin {claimed_origin}, not {origin} where it was published"
            )));
        }
        None => {
            return Err(invalid(format!(
                "credentialSubject.origin {claimed} is not an origin"
            )));
        }
    }
    let date = |field: &str| -> Result<i64, EntryVerdict> {
        let text = map
            .get(field)
            .and_then(Value::as_str)
            .ok_or_else(|| invalid(format!("{field} is missing")))?;
        parse_xsd(text, Zone::Optional)
            .ok()
            .flatten()
            .map(|t| t.unix_seconds)
            .ok_or_else(|| invalid(format!("{field} {text:?} is not a date and time")))
    };
    let issued = date("issuanceDate")?;
    let expires = date("expirationDate")?;
    if issued > options.now.saturating_add(options.max_clock_skew) {
        return Err(invalid(format!(
            "it is not valid before {} (verification time {})",
            format_unix(issued),
            format_unix(options.now)
        )));
    }
    if expires < options.now.saturating_sub(options.max_clock_skew) {
        return Err(invalid(format!(
            "it expired at {} (verification time {})",
            format_unix(expires),
            format_unix(options.now)
        )));
    }
    Ok(())
}

/// The verification method of a verified signature must be one of the DID's own (§
/// Verification steps 4 and 5: the DID's document, its `assertionMethod`).
fn method_of_did(result: &ProofResult, did: &str) -> Result<(), EntryVerdict> {
    let Some(method) = &result.method else {
        return Err(invalid(
            "no verification method of the DID made the signature",
        ));
    };
    let base = method.id.split('#').next().unwrap_or(&method.id);
    if base != did {
        return Err(invalid(format!(
            "it was signed with {}, which is not a key of {did}",
            method.id
        )));
    }
    match method.allows(VerificationRelationship::AssertionMethod) {
        Some(true) => Ok(()),
        Some(false) => Err(invalid(format!(
            "{} is not listed under assertionMethod in {did}'s document",
            method.id
        ))),
        None => Err(EntryVerdict::CouldNotCheck(format!(
            "{}: {did}'s document was not consulted",
            method.id
        ))),
    }
}

fn signature_outcome(result: &ProofResult, did: &str) -> Result<(), EntryVerdict> {
    match &result.outcome {
        ProofOutcome::Verified => method_of_did(result, did),
        ProofOutcome::Failed(reason) => {
            Err(invalid(format!("its signature does not verify: {reason}")))
        }
        ProofOutcome::Unsupported { reason } | ProofOutcome::CouldNotCheck { reason } => {
            Err(EntryVerdict::CouldNotCheck(reason.clone()))
        }
        _ => Err(EntryVerdict::CouldNotCheck(
            "the signature could not be checked".into(),
        )),
    }
}

/// A Linked Data Proof Format entry.
fn linked_data_entry(
    credential: &Value,
    did: &str,
    origin: &str,
    options: &VerifyOptions,
) -> Result<(), EntryVerdict> {
    credential_rules(credential, did, origin, options)?;
    if credential.get("proof").is_none() {
        return Err(invalid("it carries no proof"));
    }
    let results = verify_data_integrity(
        credential,
        &credbridge_proofs::VerifyOptions {
            suites: options.suites,
            resolver: options.resolver.as_ref(),
            canonicalizer: Some(options.canonicalizer.as_ref()),
            purpose: &AssertionMethodPurpose,
            now: options.now,
            max_clock_skew: options.max_clock_skew,
        },
    )
    .map_err(|err| invalid(format!("its proof is malformed: {err}")))?;
    // Any failed proof fails the entry; otherwise one verified proof by the DID suffices.
    if let Some(failed) = results
        .iter()
        .find(|r| matches!(r.outcome, ProofOutcome::Failed(_)))
    {
        return signature_outcome(failed, did);
    }
    let mut first_problem = None;
    for result in &results {
        match signature_outcome(result, did) {
            Ok(()) => return Ok(()),
            Err(problem) => {
                first_problem.get_or_insert(problem);
            }
        }
    }
    Err(first_problem.unwrap_or_else(|| invalid("it carries no proof")))
}

/// A JSON Web Token Proof Format entry.
fn jwt_entry(
    token: &str,
    header: &Map<String, Value>,
    payload: &Map<String, Value>,
    did: &str,
    origin: &str,
    options: &VerifyOptions,
) -> Result<(), EntryVerdict> {
    for member in JWT_HEADER_MEMBERS {
        if !header.contains_key(member) {
            return Err(invalid(format!("the JWT header has no {member}")));
        }
    }
    if let Some(extra) = header
        .keys()
        .find(|k| !JWT_HEADER_MEMBERS.contains(&k.as_str()))
    {
        return Err(invalid(format!(
            "the JWT header has {extra}, which a Domain Linkage Credential must not have"
        )));
    }
    if let Some(extra) = payload
        .keys()
        .find(|k| !JWT_PAYLOAD_MEMBERS.contains(&k.as_str()))
    {
        return Err(invalid(format!(
            "the JWT payload has {extra}, which a Domain Linkage Credential must not have"
        )));
    }
    let vc = payload
        .get("vc")
        .filter(|vc| vc.is_object())
        .ok_or_else(|| invalid("the JWT has no vc claim object"))?;
    credential_rules(vc, did, origin, options)?;
    if vc.get("proof").is_some() {
        return Err(invalid(
            "its vc claim has a proof, which the JWT format leaves out",
        ));
    }
    for claim in ["iss", "sub"] {
        match payload.get(claim).and_then(Value::as_str) {
            Some(value) if value == did => {}
            Some(value) => {
                return Err(invalid(format!(
                    "the JWT's {claim} is {value}, not credentialSubject.id {did}"
                )));
            }
            None => return Err(invalid(format!("the JWT has no {claim}"))),
        }
    }
    let verification = verify_jwt(
        token,
        &JoseVerifyOptions {
            resolver: options.resolver.as_ref(),
            pinned_key: None,
            allow_embedded_jwk: false,
            now: options.now,
            max_clock_skew: options.max_clock_skew,
        },
    )
    .map_err(|err| invalid(format!("the JWT is malformed: {err}")))?;
    signature_outcome(&verification.proof, did)?;
    match verification.claim_findings.first() {
        None => Ok(()),
        Some(ClaimFinding::Expired { exp }) => Err(invalid(format!(
            "the JWT expired at {} (verification time {})",
            format_unix(*exp),
            format_unix(options.now)
        ))),
        Some(ClaimFinding::NotYetValid { nbf }) => Err(invalid(format!(
            "the JWT is not valid before {} (verification time {})",
            format_unix(*nbf),
            format_unix(options.now)
        ))),
        Some(ClaimFinding::Mismatch {
            claim,
            property,
            claim_value,
            property_value,
        }) => Err(invalid(format!(
            "the JWT's {claim} is {claim_value} but its vc's {property} is {property_value}"
        ))),
        Some(_) => Err(invalid("the JWT's claims disagree with its vc")),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sites_and_origins() {
        let site = site_of("https://WWW.Example.edu:443/about?x#y").unwrap();
        assert_eq!(site.origin, "https://www.example.edu");
        assert_eq!(site.domain, "www.example.edu");
        assert_eq!(
            site.configuration_url,
            "https://www.example.edu/.well-known/did-configuration.json"
        );
        let site = site_of("http://127.0.0.1:8080/x").unwrap();
        assert_eq!(site.origin, "http://127.0.0.1:8080");
        assert_eq!(site.domain, "127.0.0.1:8080");
        assert_eq!(site_of("mailto:registrar@example.edu"), None);
        assert_eq!(site_of("not a url"), None);

        assert_eq!(
            origin_claimed("https://identity.foundation").as_deref(),
            Some("https://identity.foundation")
        );
        assert_eq!(
            origin_claimed("https://identity.foundation/").as_deref(),
            Some("https://identity.foundation")
        );
        // The spec's own JWT example writes a bare host.
        assert_eq!(
            origin_claimed("identity.foundation").as_deref(),
            Some("https://identity.foundation")
        );
        assert_eq!(origin_claimed("https://identity.foundation/path"), None);
        assert_eq!(origin_claimed("https://user@identity.foundation"), None);
        assert_eq!(origin_claimed(""), None);
    }

    /// The examples of the specification (DIF Well Known DID Configuration, § DID Configuration
    /// Resource and § JSON Web Token Proof Format, decentralized-identity/.well-known
    /// `resources/did-configuration/index.html`): the did:key
    /// `z6MkoTHsgNNrby8JzCNQ1iRLyW5QQ6R8Xuu6AA8igGrMVPUM` links https://identity.foundation,
    /// valid 2020-12-04 to 2025-12-04.
    mod spec_examples {
        use std::sync::Arc;

        use credbridge_fetch::{FixedClock, OfflineDocuments};
        use credbridge_keys::ChainResolver;
        use credbridge_proofs::{JsonLdCanonicalizer, suites};
        use serde_json::{Value, json};

        use super::super::*;
        use crate::{TrustPolicy, VerifyOptions};

        pub(super) const DID: &str = "did:key:z6MkoTHsgNNrby8JzCNQ1iRLyW5QQ6R8Xuu6AA8igGrMVPUM";
        /// 2021-06-01T00:00:00Z.
        const IN_WINDOW: i64 = 1_622_505_600;

        /// § JSON Web Token Proof Format: header `alg` + `kid`; `origin` written as a bare host.
        pub(super) const JWT_WITH_KID: &str = "eyJhbGciOiJFZERTQSIsImtpZCI6ImRpZDprZXk6ejZNa29USHNnTk5yYnk4SnpDTlExaVJMeVc1UVE2UjhYdXU2QUE4aWdHck1WUFVNI3o2TWtvVEhzZ05OcmJ5OEp6Q05RMWlSTHlXNVFRNlI4WHV1NkFBOGlnR3JNVlBVTSJ9.eyJleHAiOjE3NjQ4NzkxMzksImlzcyI6ImRpZDprZXk6ejZNa29USHNnTk5yYnk4SnpDTlExaVJMeVc1UVE2UjhYdXU2QUE4aWdHck1WUFVNIiwibmJmIjoxNjA3MTEyNzM5LCJzdWIiOiJkaWQ6a2V5Ono2TWtvVEhzZ05OcmJ5OEp6Q05RMWlSTHlXNVFRNlI4WHV1NkFBOGlnR3JNVlBVTSIsInZjIjp7IkBjb250ZXh0IjpbImh0dHBzOi8vd3d3LnczLm9yZy8yMDE4L2NyZWRlbnRpYWxzL3YxIiwiaHR0cHM6Ly9pZGVudGl0eS5mb3VuZGF0aW9uLy53ZWxsLWtub3duL2RpZC1jb25maWd1cmF0aW9uL3YxIl0sImNyZWRlbnRpYWxTdWJqZWN0Ijp7ImlkIjoiZGlkOmtleTp6Nk1rb1RIc2dOTnJieThKekNOUTFpUkx5VzVRUTZSOFh1dTZBQThpZ0dyTVZQVU0iLCJvcmlnaW4iOiJpZGVudGl0eS5mb3VuZGF0aW9uIn0sImV4cGlyYXRpb25EYXRlIjoiMjAyNS0xMi0wNFQxNDoxMjoxOS0wNjowMCIsImlzc3VhbmNlRGF0ZSI6IjIwMjAtMTItMDRUMTQ6MTI6MTktMDY6MDAiLCJpc3N1ZXIiOiJkaWQ6a2V5Ono2TWtvVEhzZ05OcmJ5OEp6Q05RMWlSTHlXNVFRNlI4WHV1NkFBOGlnR3JNVlBVTSIsInR5cGUiOlsiVmVyaWZpYWJsZUNyZWRlbnRpYWwiLCJEb21haW5MaW5rYWdlQ3JlZGVudGlhbCJdfX0.aUFNReA4R5rcX_oYm3sPXqWtso_gjPHnWZsB6pWcGv6m3K8-4JIAvFov3ZTM8HxPOrOL17Qf4vBFdY9oK0HeCQ";

        /// § DID Configuration Resource example, second entry: header `alg` only (no `kid`).
        pub(super) const JWT_WITHOUT_KID: &str = "eyJhbGciOiJFZERTQSJ9.eyJleHAiOjE3NjQ4Nzg5MDgsImlzcyI6ImRpZDprZXk6ejZNa29USHNnTk5yYnk4SnpDTlExaVJMeVc1UVE2UjhYdXU2QUE4aWdHck1WUFVNIiwibmJmIjoxNjA3MTEyNTA4LCJzdWIiOiJkaWQ6a2V5Ono2TWtvVEhzZ05OcmJ5OEp6Q05RMWlSTHlXNVFRNlI4WHV1NkFBOGlnR3JNVlBVTSIsInZjIjp7IkBjb250ZXh0IjpbImh0dHBzOi8vd3d3LnczLm9yZy8yMDE4L2NyZWRlbnRpYWxzL3YxIiwiaHR0cHM6Ly9pZGVudGl0eS5mb3VuZGF0aW9uLy53ZWxsLWtub3duL2RpZC1jb25maWd1cmF0aW9uL3YxIl0sImNyZWRlbnRpYWxTdWJqZWN0Ijp7ImlkIjoiZGlkOmtleTp6Nk1rb1RIc2dOTnJieThKekNOUTFpUkx5VzVRUTZSOFh1dTZBQThpZ0dyTVZQVU0iLCJvcmlnaW4iOiJpZGVudGl0eS5mb3VuZGF0aW9uIn0sImV4cGlyYXRpb25EYXRlIjoiMjAyNS0xMi0wNFQxNDowODoyOC0wNjowMCIsImlzc3VhbmNlRGF0ZSI6IjIwMjAtMTItMDRUMTQ6MDg6MjgtMDY6MDAiLCJpc3N1ZXIiOiJkaWQ6a2V5Ono2TWtvVEhzZ05OcmJ5OEp6Q05RMWlSTHlXNVFRNlI4WHV1NkFBOGlnR3JNVlBVTSIsInR5cGUiOlsiVmVyaWZpYWJsZUNyZWRlbnRpYWwiLCJEb21haW5MaW5rYWdlQ3JlZGVudGlhbCJdfX0.6ovgQ-T_rmYueviySqXhzMzgqJMAizOGUKAObQr2iikoRNsb8DHfna4rh1puwWqYwgT3QJVpzdO_xZARAYM9Dw";

        /// Checks `entries` as https://identity.foundation's resource, at `now`, from a local
        /// copy (the offline document map).
        pub(super) fn linkage_of(name: &str, entries: Vec<Value>, now: i64) -> Linkage {
            let dir = std::env::temp_dir().join(format!(
                "credbridge-spec-did-configuration-{}",
                std::process::id(),
            ));
            std::fs::create_dir_all(&dir).unwrap();
            let file = dir.join(format!("{name}-{now}.json"));
            let resource = json!({
                "@context": "https://identity.foundation/.well-known/did-configuration/v1",
                "linked_dids": entries
            });
            std::fs::write(&file, resource.to_string()).unwrap();
            let mut documents = OfflineDocuments::new(Arc::new(FixedClock(std::time::UNIX_EPOCH)));
            let site = site_of("https://identity.foundation").unwrap();
            documents.insert(site.configuration_url.clone(), &file);
            let options = VerifyOptions {
                now,
                max_clock_skew: crate::DEFAULT_MAX_CLOCK_SKEW,
                resolver: Arc::new(ChainResolver::offline_default()),
                canonicalizer: Arc::new(JsonLdCanonicalizer::with_bundled_contexts()),
                suites: suites::ALL_SUITES,
                documents: Some(Arc::new(documents)),
                trust: TrustPolicy::default(),
                known_recipient: None,
                challenge: None,
                domain: None,
                status_lists: Default::default(),
            };
            let linkage = check(DID, site, &options);
            let _ = std::fs::remove_file(&file);
            linkage
        }

        pub(super) fn entries_of(linkage: &Linkage) -> &[Entry] {
            match linkage {
                Linkage::Linked { entries, .. }
                | Linkage::NotLinked { entries, .. }
                | Linkage::CouldNotCheck { entries, .. } => entries,
            }
        }

        #[test]
        fn the_jwt_example_links_its_did_to_identity_foundation() {
            let linkage = linkage_of("jwt", vec![json!(JWT_WITH_KID)], IN_WINDOW);
            assert!(matches!(linkage, Linkage::Linked { .. }), "{linkage:#?}");
            // After its exp (2025-12-04) the same entry no longer links.
            let later = linkage_of("jwt", vec![json!(JWT_WITH_KID)], 1_800_000_000);
            let Linkage::NotLinked { reason, .. } = &later else {
                panic!("{later:#?}");
            };
            assert!(reason.contains("expired"), "{reason}");
        }

        #[test]
        fn the_resource_example_jwt_without_kid_is_refused_by_the_header_rule() {
            let linkage = linkage_of("jwt-without-kid", vec![json!(JWT_WITHOUT_KID)], IN_WINDOW);
            let entries = entries_of(&linkage);
            assert_eq!(
                entries.first().map(|e| &e.verdict),
                Some(&EntryVerdict::Invalid("the JWT header has no kid".into())),
                "{linkage:#?}"
            );
        }
    }

    #[test]
    fn a_resource_with_extra_members_or_no_array_is_refused() {
        assert!(resource_entries(&json!({"@context": "x", "linked_dids": []})).is_ok());
        assert!(resource_entries(&json!({"linked_dids": []})).is_err());
        assert!(resource_entries(&json!({"@context": "x", "linked_dids": {}})).is_err());
        let err =
            resource_entries(&json!({"@context": "x", "linked_dids": [], "dids": 1})).unwrap_err();
        assert!(err.contains("dids"), "{err}");
    }
}
