//! `issuer.identity`: "the signature is genuine" is not "we know who the issuer is". A
//! credential names its issuer and the issuer's name itself; this check says whether anything
//! outside the credential confirms that name, and the report carries the answer as its
//! [`IssuerIdentity`] summary.
//!
//! # Signals (each needs the signing key to be bound to the issuer id first)
//! - **registry / allow list**: the issuer id is in a registry or list the verifier trusts
//!   ([`crate::TrustPolicy`]; the bundled DCC member and community registries by default).
//! - **domain**: the issuer is `did:web` on a domain, and the issuer's `url` is on that same
//!   domain (DID Web §3.1; a `www.` prefix is the same site).
//! - **hosted domain** (OB 2.0): the issuer profile is hosted on its own domain and the
//!   assertion was fetched from it.
//! - **linked domain**: the issuer is a DID not on its `url`'s domain (`did:key`, `did:jwk`, a
//!   `did:web` hosted elsewhere), and that site's `/.well-known/did-configuration.json` holds a
//!   valid Domain Linkage Credential signed by the DID for the site's origin (DIF Well-Known
//!   DID Configuration; [`crate::linked_domain`]). It is fetched through the verifier's
//!   document source only when no earlier signal confirmed the issuer; offline, or without a
//!   local copy, the words say it could not be checked and why.
//!
//! With no signal the check is an advisory could-not-check when the verifier configured trust
//! sources (so the verdict is valid-with-warnings and `--strict` fails), and not-applicable
//! when none is configured; either way the words say plainly that the name is the issuer's own
//! claim.

use serde::Serialize;
use serde_json::Value;

use crate::VerifyOptions;
use crate::linked_domain::{self, Linkage};
use crate::report::{Check, Outcome, Severity};
use crate::trust::Standing;

const ID: &str = "issuer.identity";

/// Whether the issuer's identity is confirmed.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum IdentityStatus {
    /// A registry, list or domain confirms the issuer.
    Confirmed,
    /// Nothing outside the credential confirms the issuer's name: it is its own claim.
    Unconfirmed,
    /// The issuer is on the verifier's deny list.
    Denied,
}

/// How the issuer's identity was confirmed.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum ConfirmedBy {
    /// Listed in a registry the verifier trusts.
    Registry,
    /// On the verifier's allow list.
    AllowList,
    /// A `did:web` issuer whose `url` is on the DID's domain.
    Domain,
    /// An OB 2.0 issuer profile hosted on the domain the assertion was fetched from.
    HostedDomain,
    /// The issuer's website (its `url`'s origin) publishes a valid DIF Well-Known DID
    /// Configuration linking the issuer's DID.
    LinkedDomain,
}

/// The `issuer_identity` summary of a report: the name as claimed, and how it was confirmed or
/// that it was not.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct IssuerIdentity {
    /// The issuer's name as the credential states it.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub name: Option<String>,
    /// Confirmed, unconfirmed or denied.
    pub status: IdentityStatus,
    /// How it was confirmed, when it was.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub confirmed_by: Option<ConfirmedBy>,
    /// The registry's name, or the domain, that confirmed it.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub source: Option<String>,
}

/// The issuer's name: `issuer.name` as a string, or the first string of a language map or
/// array.
pub(crate) fn issuer_name(document: &Value) -> Option<&str> {
    name_of(document.get("issuer")?.get("name")?)
}

fn name_of(value: &Value) -> Option<&str> {
    match value {
        Value::String(s) => Some(s),
        Value::Array(items) => items.iter().find_map(name_of),
        Value::Object(map) => map
            .get("@value")
            .and_then(Value::as_str)
            .or_else(|| map.values().find_map(Value::as_str)),
        _ => None,
    }
}

/// The host (with port) of an http(s) URL, lower-cased, without a leading `www.`.
fn site_of_url(url: &str) -> Option<String> {
    let rest = url
        .strip_prefix("https://")
        .or_else(|| url.strip_prefix("http://"))?;
    let authority = rest.split(['/', '?', '#']).next()?;
    let host = authority.rsplit('@').next()?;
    Some(normalize_site(host))
}

fn normalize_site(host: &str) -> String {
    let lower = host.to_ascii_lowercase();
    match lower.strip_prefix("www.") {
        Some(bare) => bare.to_owned(),
        None => lower,
    }
}

/// The domain (with port) of a `did:web` DID: the first method-specific segment,
/// percent-decoded (`%3A` → `:`).
pub(crate) fn did_web_domain(did: &str) -> Option<String> {
    let specific = did.strip_prefix("did:web:")?;
    let domain = specific.split([':', '#', '?']).next()?;
    if domain.is_empty() {
        return None;
    }
    Some(normalize_site(
        &domain.replace("%3A", ":").replace("%3a", ":"),
    ))
}

fn is_self_certifying(id: &str) -> bool {
    id.starts_with("did:key:") || id.starts_with("did:jwk:")
}

/// What confirms an issuer, if anything: a site the verifier established (OB 2.0 hosted
/// documents) is passed in as `hosted_site`.
pub(crate) struct Signals<'a> {
    /// The issuer id.
    pub issuer: Option<&'a str>,
    /// The issuer's name as claimed.
    pub name: Option<&'a str>,
    /// The issuer's `url`.
    pub url: Option<&'a str>,
    /// Whether the key that signed is bound to the issuer id (`issuer.key-binding` passed).
    pub bound: bool,
    /// OB 2.0: whether the issuer profile came from the issuer id's own site.
    pub hosted_on_own_domain: bool,
}

/// The `issuer.identity` check and the report's [`IssuerIdentity`] summary.
pub(crate) fn check(signals: &Signals<'_>, options: &VerifyOptions) -> (Check, IssuerIdentity) {
    let trust = &options.trust;
    let claimed = signals.name.unwrap_or("(no name given)");
    let summary = |status, confirmed_by, source: Option<String>| IssuerIdentity {
        name: signals.name.map(str::to_owned),
        status,
        confirmed_by,
        source,
    };
    let Some(issuer) = signals.issuer else {
        return (
            Check::new(
                ID,
                Severity::Advisory,
                Outcome::CouldNotCheck("the credential names no issuer id".into()),
                format!(
                    "the credential calls its issuer {claimed}, but gives no issuer id, so nothing can confirm it"
                ),
            ),
            summary(IdentityStatus::Unconfirmed, None, None),
        );
    };
    match trust.standing(issuer) {
        Standing::Denied => {
            return (
                Check::new(
                    ID,
                    Severity::Advisory,
                    Outcome::Failed(format!("{issuer} is on the deny list")),
                    "this issuer is on your list of issuers not to accept",
                ),
                summary(IdentityStatus::Denied, None, None),
            );
        }
        Standing::Allowed if signals.bound => {
            return (
                Check::new(
                    ID,
                    Severity::Advisory,
                    Outcome::Passed,
                    format!("the issuer {claimed} is on your list of trusted issuers"),
                )
                .with_evidence("confirmed_by", "allow-list"),
                summary(
                    IdentityStatus::Confirmed,
                    Some(ConfirmedBy::AllowList),
                    None,
                ),
            );
        }
        Standing::Registered { registry, name } if signals.bound => {
            let listed = name.unwrap_or(claimed);
            return (
                Check::new(
                    ID,
                    Severity::Advisory,
                    Outcome::Passed,
                    format!("the issuer is confirmed by {registry}, which lists it as {listed}"),
                )
                .with_evidence("confirmed_by", "registry")
                .with_evidence("registry", registry)
                .with_evidence("registered_name", name),
                summary(
                    IdentityStatus::Confirmed,
                    Some(ConfirmedBy::Registry),
                    Some(registry.to_owned()),
                ),
            );
        }
        _ => {}
    }
    if signals.bound
        && let Some(domain) = did_web_domain(issuer)
        && let Some(site) = signals.url.and_then(site_of_url)
        && site == domain
    {
        return (
            Check::new(
                ID,
                Severity::Advisory,
                Outcome::Passed,
                format!(
                    "the issuer is confirmed by its domain: its DID is on {domain}, the same site as its website"
                ),
            )
            .with_evidence("confirmed_by", "domain")
            .with_evidence("domain", domain.as_str()),
            summary(IdentityStatus::Confirmed, Some(ConfirmedBy::Domain), Some(domain)),
        );
    }
    if signals.bound && signals.hosted_on_own_domain {
        let site = site_of_url(issuer);
        return (
            Check::new(
                ID,
                Severity::Advisory,
                Outcome::Passed,
                "the issuer is confirmed by its domain: its profile and the badge are published on the issuer's own site",
            )
            .with_evidence("confirmed_by", "hosted-domain"),
            summary(IdentityStatus::Confirmed, Some(ConfirmedBy::HostedDomain), site),
        );
    }
    // The linked domain last: it is the only signal that may need a fetch.
    let linkage = if signals.bound && issuer.starts_with("did:") {
        signals
            .url
            .and_then(linked_domain::site_of)
            .map(|site| linked_domain::check(issuer, site, options))
    } else {
        None
    };
    if let Some(Linkage::Linked { site, .. }) = &linkage {
        let evidence = linkage.as_ref().map(Linkage::evidence);
        return (
            Check::new(
                ID,
                Severity::Advisory,
                Outcome::Passed,
                format!(
                    "the issuer is confirmed by its linked domain: its website {} publishes a DID configuration, signed with the issuer's key, that links this DID to it",
                    site.origin
                ),
            )
            .with_evidence("confirmed_by", "linked-domain")
            .with_evidence("domain", site.domain.as_str())
            .with_evidence("linked_domain", evidence),
            summary(
                IdentityStatus::Confirmed,
                Some(ConfirmedBy::LinkedDomain),
                Some(site.domain.clone()),
            ),
        );
    }
    let who = if !signals.bound || is_self_certifying(issuer) {
        "an unknown key".to_owned()
    } else {
        issuer.to_owned()
    };
    // The words for a person say what the website showed; the reason adds the technical
    // detail (which URL, which option supplies it offline) once.
    let (linkage_words, linkage_reason) = match &linkage {
        Some(Linkage::NotLinked { site, reason, .. }) => {
            let words = format!("; its website {} {reason}", site.origin);
            (words.clone(), words)
        }
        Some(Linkage::CouldNotCheck { site, reason, .. }) => (
            format!(
                "; whether its website {} links this DID could not be checked",
                site.origin
            ),
            format!("; its DID configuration could not be checked: {reason}"),
        ),
        _ => (String::new(), String::new()),
    };
    let message = format!(
        "signed by {who} that calls itself {claimed}; no registry or domain confirms it, so the name is the issuer's own claim{linkage_words}"
    );
    let outcome = if trust.is_configured() {
        Outcome::CouldNotCheck(format!(
            "{issuer} is in none of the configured registries or lists, and no domain confirms it{linkage_reason}"
        ))
    } else {
        Outcome::NotApplicable
    };
    let mut check = Check::new(ID, Severity::Advisory, outcome, message);
    if let Some(linkage) = &linkage {
        check = check.with_evidence("linked_domain", linkage.evidence());
    }
    (check, summary(IdentityStatus::Unconfirmed, None, None))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn domains_of_did_web_and_urls() {
        assert_eq!(
            did_web_domain("did:web:example.edu").as_deref(),
            Some("example.edu")
        );
        assert_eq!(
            did_web_domain("did:web:www.Example.edu%3A8443:issuers:1").as_deref(),
            Some("example.edu:8443")
        );
        assert_eq!(did_web_domain("did:key:z6Mk"), None);
        assert_eq!(
            site_of_url("https://www.example.edu/about").as_deref(),
            Some("example.edu")
        );
        assert_eq!(site_of_url("mailto:x@example.edu"), None);
    }
}
