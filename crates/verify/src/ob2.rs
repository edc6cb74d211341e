//! Open Badges 2.0 assertions — and OB 1.x / 0.5 ones through the same rules — verified as
//! OB 2.0 §Verification describes.
//!
//! - **Hosted** (`verification.type` `hosted`/`HostedBadge`; OB 1.x `verify.type` `hosted` with
//!   `verify.url`): the issuer's server is the source of truth. The assertion is fetched at its
//!   `id` (1.x: `verify.url`); the copy we hold must agree with it (id, recipient, badge,
//!   issuedOn), and from then on the fetched copy is the one checked ("the input data should only
//!   be trusted to identify the URI of the hosted verification file", OB 2.0 §HostedBadge
//!   Verification). Its address must be in the issuer's verification scope (`startsWith`,
//!   `allowedOrigins`, or by default the issuer id's host). `410 Gone` or `revoked: true` means
//!   revoked.
//! - **Signed** (`signed`/`SignedBadge`): a JWS over the assertion, checked with the key at
//!   `verification.creator` (1.x: `verify.url`), which must belong to the issuer (`owner`) and be
//!   listed in its Profile's `publicKey`; then the issuer's `revocationList`.
//! - **OB 0.5** assertions carry no address of their own: they can be checked only when they came
//!   from a baked URL ([`verify_hosted_reference`]), whose host must be the issuer's `origin`.
//!
//! Every document (assertion, BadgeClass, Profile, key, revocation list) comes through
//! `options.documents`; without it, or when a fetch fails, the checks that need it are
//! could-not-check with the reason, never passed.

mod dates;
mod documents;
mod hosted;
mod shape;
mod signed;
mod terms;

use credbridge_keys::Purpose;
use credbridge_model::Format;
use serde_json::Value;

use crate::VerifyOptions;
use crate::report::{Check, Outcome, Severity, VerificationReport, report};

use documents::{FetchFailure, Retrieved};
use terms::term;

/// The check ids this module writes, besides the shared `data-model`, `proof`,
/// `issuer.key-binding`, `validity.*`, `issuer.trust` and `recipient`.
const CHECK_DOCUMENTS: &str = "ob2.documents";
const CHECK_DOCUMENT_IDS: &str = "ob2.document-ids";
const CHECK_HOSTED_SCOPE: &str = "issuer.hosted-scope";
const CHECK_REVOCATION: &str = "status.revocation";

/// A baked URL whose assertion could not be read: an OB 2.0 assertion by reference.
const BAKED_URL: (Format, &str) = (
    Format::OpenBadges2Assertion,
    "Open Badges hosted assertion (baked URL)",
);

/// The Open Badges version an assertion is written in.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Version {
    V2_0,
    V1,
    V0_5,
}

impl Version {
    fn of(value: &Value) -> Version {
        match credbridge_model::classify(value).format {
            Format::OpenBadges1Assertion => Version::V1,
            Format::OpenBadges05Assertion => Version::V0_5,
            _ => Version::V2_0,
        }
    }

    /// The machine format and the name for people.
    fn format_name(self, signed: bool) -> (Format, &'static str) {
        let format = match self {
            Version::V2_0 => Format::OpenBadges2Assertion,
            Version::V1 => Format::OpenBadges1Assertion,
            Version::V0_5 => Format::OpenBadges05Assertion,
        };
        let name = match (self, signed) {
            (Version::V2_0, false) => "Open Badges 2.0 assertion",
            (Version::V2_0, true) => "Open Badges 2.0 signed assertion",
            (Version::V1, false) => "Open Badges 1.x assertion",
            (Version::V1, true) => "Open Badges 1.x signed assertion",
            (Version::V0_5, _) => "Open Badges 0.5 assertion",
        };
        (format, name)
    }
}

/// How the assertion says it is to be verified.
#[derive(Debug, Clone, PartialEq, Eq)]
enum Method {
    /// Hosted, at this URL (2.0: `id`; 1.x: `verify.url`; 0.5: unknown).
    Hosted(Option<String>),
    /// Signed, by this key (2.0: `verification.creator`; 1.x: `verify.url`), if named.
    Signed(Option<String>),
    /// A verification type we do not know.
    Unknown(String),
    /// No verification object at all.
    Missing,
}

/// The verification object: `verification`, or the OB 1.x alias `verify`.
fn verification_object(value: &Value) -> Option<&Value> {
    term(value, "verification")
}

/// The short name of a verification type: `HostedBadge`, `hosted`, `obi:HostedBadge` and
/// `https://w3id.org/openbadges#HostedBadge` are all `hosted`.
fn verification_kind(object: &Value) -> Option<String> {
    let names: Vec<&str> = match term(object, "type")? {
        Value::String(s) => vec![s.as_str()],
        Value::Array(items) => items.iter().filter_map(Value::as_str).collect(),
        _ => return None,
    };
    let short = |name: &str| {
        let tail = name.rsplit(['#', ':', '/']).next().unwrap_or(name);
        tail.to_ascii_lowercase()
    };
    let shorts: Vec<String> = names.iter().map(|n| short(n)).collect();
    if shorts.iter().any(|s| s == "hosted" || s == "hostedbadge") {
        return Some("hosted".into());
    }
    if shorts.iter().any(|s| s == "signed" || s == "signedbadge") {
        return Some("signed".into());
    }
    Some(names.join(","))
}

fn method(value: &Value, version: Version) -> Method {
    if version == Version::V0_5 {
        return Method::Hosted(None);
    }
    let Some(object) = verification_object(value) else {
        return Method::Missing;
    };
    let str_of = |key: &str| object.get(key).and_then(Value::as_str).map(str::to_owned);
    match verification_kind(object).as_deref() {
        Some("hosted") => Method::Hosted(match version {
            Version::V1 => str_of("url").or_else(|| str_of_value(value, "id")),
            _ => str_of_value(value, "id"),
        }),
        Some("signed") => Method::Signed(match version {
            Version::V1 => str_of("url").or_else(|| str_of("creator")),
            _ => str_of("creator"),
        }),
        Some(other) => Method::Unknown(other.to_owned()),
        None => Method::Missing,
    }
}

fn str_of_value(value: &Value, key: &str) -> Option<String> {
    term(value, key).and_then(Value::as_str).map(str::to_owned)
}

/// What one verification produced, before it becomes a report.
struct Findings {
    checks: Vec<Check>,
    credential_id: Option<String>,
    issuer: Option<String>,
    identity: Option<crate::identity::IssuerIdentity>,
}

/// What the checks established about the issuer, for `issuer.identity`.
#[derive(Default)]
struct IssuerEvidence {
    /// The signature (or hosted copy) is the issuer's: proof and binding/scope passed.
    bound: bool,
    /// The issuer profile was fetched from the issuer id's own site, and the assertion is
    /// hosted there too.
    hosted_on_own_domain: bool,
}

fn passed(checks: &[Check], id: &str) -> bool {
    checks
        .iter()
        .any(|c| c.id == id && c.outcome == Outcome::Passed)
}

fn site(url: &str) -> Option<&str> {
    let rest = url
        .strip_prefix("https://")
        .or_else(|| url.strip_prefix("http://"))?;
    rest.split(['/', '?', '#']).next()
}

/// A JSON OB 2.0 / 1.x / 0.5 assertion.
pub fn verify_assertion(
    path: String,
    value: &Value,
    decode: Check,
    options: &VerifyOptions,
) -> VerificationReport {
    let version = Version::of(value);
    let findings = assess(value, version, None, None, options);
    finish(path, version.format_name(false), decode, findings, options)
}

/// An OB 2.0 signed assertion (JWS): `claims` is its payload, the assertion.
pub fn verify_signed(
    path: String,
    compact: &str,
    claims: &Value,
    decode: Check,
    options: &VerifyOptions,
) -> VerificationReport {
    let version = Version::of(claims);
    let findings = assess(claims, version, None, Some(compact), options);
    finish(path, version.format_name(true), decode, findings, options)
}

/// A URL baked into an image: an OB 1.x/2.0 (or 0.5) hosted assertion, fetched and then
/// verified like any other.
pub fn verify_hosted_reference(
    path: String,
    url: &str,
    decode: Check,
    options: &VerifyOptions,
) -> VerificationReport {
    let fetched = documents::fetch(options, url, Purpose::Ob2Assertion);
    let retrieved = match fetched {
        Ok(retrieved) => retrieved,
        Err(failure) => {
            let findings = unreachable_reference(url, &failure);
            return finish(path, BAKED_URL, decode, findings, options);
        }
    };
    match &retrieved.value {
        Value::Object(_) => {
            let version = Version::of(&retrieved.value);
            let findings = assess(&retrieved.value, version, Some(&retrieved), None, options);
            finish(path, version.format_name(false), decode, findings, options)
        }
        // A host may serve the signed form of the assertion at the baked URL.
        Value::String(compact) => {
            match credbridge_proofs::jose::decode_compact_jws(compact)
                .and_then(|jws| jws.payload_json())
            {
                Ok(claims) => {
                    let claims = Value::Object(claims);
                    let version = Version::of(&claims);
                    let findings = assess(&claims, version, None, Some(compact), options);
                    finish(path, version.format_name(true), decode, findings, options)
                }
                Err(err) => {
                    let failure = FetchFailure::NotABadge {
                        url: url.to_owned(),
                        reason: format!("a signed token that cannot be read: {err}"),
                    };
                    let findings = unreachable_reference(url, &failure);
                    finish(path, BAKED_URL, decode, findings, options)
                }
            }
        }
        other => {
            let failure = FetchFailure::NotABadge {
                url: url.to_owned(),
                reason: format!("JSON {} instead of an assertion", json_kind(other)),
            };
            let findings = unreachable_reference(url, &failure);
            finish(path, BAKED_URL, decode, findings, options)
        }
    }
}

use credbridge_model::json::kind_with_article as json_kind;

/// The report for a baked URL whose assertion could not be obtained.
fn unreachable_reference(url: &str, failure: &FetchFailure) -> Findings {
    let mut checks = Vec::new();
    if failure.is_gone() {
        checks.push(hosted::revoked_by_gone(url));
    } else {
        checks.push(
            Check::new(
                "proof",
                Severity::Fatal,
                Outcome::CouldNotCheck(failure.to_string()),
                "the badge image only holds the web address of the badge, and the badge could not be fetched from it, so it could not be verified",
            )
            .with_evidence("url", url),
        );
    }
    Findings {
        checks,
        credential_id: Some(url.to_owned()),
        issuer: None,
        identity: None,
    }
}

fn finish(
    path: String,
    format: (Format, &'static str),
    decode: Check,
    findings: Findings,
    options: &VerifyOptions,
) -> VerificationReport {
    let mut checks = Vec::with_capacity(findings.checks.len().saturating_add(1));
    checks.push(decode);
    checks.extend(findings.checks);
    report(
        path,
        format,
        findings.credential_id,
        findings.issuer,
        options,
        checks,
    )
    .with_issuer_identity(findings.identity)
}

/// Every check for one assertion. `came_from` is the document a baked URL gave (the assertion
/// itself); `jws` is the compact JWS a signed assertion arrived in.
fn assess(
    value: &Value,
    version: Version,
    came_from: Option<&Retrieved>,
    jws: Option<&str>,
    options: &VerifyOptions,
) -> Findings {
    let mut checks = vec![shape::check(value, version)];
    let method = method(value, version);
    let mut credential_id = match version {
        Version::V2_0 => str_of_value(value, "id"),
        Version::V1 => str_of_value(value, "id").or_else(|| match &method {
            Method::Hosted(url) => url.clone(),
            _ => None,
        }),
        Version::V0_5 => came_from.map(|c| c.url.clone()),
    };

    // The assertion whose dates, recipient and badge are checked: the issuer's hosted copy
    // when there is one (OB 2.0 §HostedBadge Verification), otherwise the one we hold.
    let mut doc = value.clone();
    match (&method, jws) {
        (Method::Hosted(url), None) => {
            // OB 0.5: the only address is the baked URL it came from.
            let url = url.clone().or_else(|| {
                if version == Version::V0_5 {
                    came_from.map(|c| c.url.clone())
                } else {
                    None
                }
            });
            let outcome =
                hosted::fetch_and_compare(value, version, url.as_deref(), came_from, options);
            if credential_id.is_none() {
                credential_id.clone_from(&url);
            }
            if let Some(fetched) = outcome.authoritative {
                doc = fetched;
            }
            let graph = documents::resolve(&doc, version, options);
            checks.push(outcome.proof);
            checks.push(hosted::scope(url.as_deref(), &graph, version));
            checks.extend(graph.checks());
            checks.extend(dates::checks(&doc, version, options));
            checks.push(outcome.revocation);
            let issuer_id = graph.issuer_id();
            let bound = passed(&checks, "proof") && passed(&checks, CHECK_HOSTED_SCOPE);
            let own_site = issuer_id.as_deref().and_then(site);
            let profile_site = graph
                .issuer
                .as_ref()
                .ok()
                .and_then(|node| node.fetched_from.as_deref())
                .and_then(site);
            let hosted_on_own_domain = own_site.is_some()
                && own_site == profile_site
                && own_site == url.as_deref().and_then(site);
            let evidence = IssuerEvidence {
                bound,
                hosted_on_own_domain,
            };
            let name = issuer_name(&graph);
            return common_tail(
                &doc,
                issuer_id,
                credential_id,
                checks,
                name,
                evidence,
                options,
            );
        }
        (Method::Unknown(kind), None) => {
            checks.push(Check::new(
                "proof",
                Severity::Fatal,
                Outcome::CouldNotCheck(format!(
                    "verification type {kind:?} is neither hosted nor signed"
                )),
                "the badge names a way of checking it that credbridge does not know, so it could not be verified",
            ));
        }
        (Method::Missing, None) => {
            checks.push(Check::new(
                "proof",
                Severity::Fatal,
                Outcome::Failed("the assertion has no verification (hosted or signed)".into()),
                "the badge gives no way to check it with its issuer",
            ));
        }
        // Signed, or anything that arrived as a JWS: the signature decides.
        (_, _) => {
            let creator = match &method {
                Method::Signed(creator) => creator.clone(),
                _ => None,
            };
            let graph = documents::resolve(&doc, version, options);
            let outcome = signed::verify(creator.as_deref(), jws, &graph, options);
            checks.push(outcome.proof);
            checks.extend(outcome.key_binding);
            checks.extend(graph.checks());
            checks.extend(dates::checks(&doc, version, options));
            checks.push(signed::revocation(&doc, version, &graph, options));
            let evidence = IssuerEvidence {
                bound: passed(&checks, "proof") && passed(&checks, "issuer.key-binding"),
                hosted_on_own_domain: false,
            };
            let name = issuer_name(&graph);
            return common_tail(
                &doc,
                graph.issuer_id(),
                credential_id,
                checks,
                name,
                evidence,
                options,
            );
        }
    }
    let graph = documents::resolve(&doc, version, options);
    checks.extend(graph.checks());
    checks.extend(dates::checks(&doc, version, options));
    let name = issuer_name(&graph);
    common_tail(
        &doc,
        graph.issuer_id(),
        credential_id,
        checks,
        name,
        IssuerEvidence::default(),
        options,
    )
}

/// The issuer profile's `name` and `url`, when the profile is at hand.
fn issuer_name(graph: &documents::Graph) -> (Option<String>, Option<String>) {
    let Ok(profile) = &graph.issuer else {
        return (None, None);
    };
    let text = |key: &str| {
        profile
            .value
            .get(key)
            .and_then(Value::as_str)
            .map(str::to_owned)
    };
    (text("name"), text("url"))
}

/// Issuer trust and the recipient, then the findings.
fn common_tail(
    doc: &Value,
    issuer: Option<String>,
    credential_id: Option<String>,
    mut checks: Vec<Check>,
    (name, url): (Option<String>, Option<String>),
    evidence: IssuerEvidence,
    options: &VerifyOptions,
) -> Findings {
    checks.push(options.trust.check(issuer.as_deref()));
    let (identity_check, identity) = crate::identity::check(
        &crate::identity::Signals {
            issuer: issuer.as_deref(),
            name: name.as_deref(),
            url: url.as_deref(),
            bound: evidence.bound,
            hosted_on_own_domain: evidence.hosted_on_own_domain,
        },
        options,
    );
    checks.push(identity_check);
    if let Some(known) = &options.known_recipient {
        checks.push(crate::recipient::check(doc, known));
    }
    Findings {
        checks,
        credential_id,
        issuer,
        identity: Some(identity),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn verification_kinds_and_methods() {
        let hosted = json!({"id": "https://e.org/a", "verification": {"type": "HostedBadge"}});
        assert_eq!(
            method(&hosted, Version::V2_0),
            Method::Hosted(Some("https://e.org/a".into()))
        );
        let signed =
            json!({"verification": {"type": ["obi:SignedBadge"], "creator": "https://e.org/k"}});
        assert_eq!(
            method(&signed, Version::V2_0),
            Method::Signed(Some("https://e.org/k".into()))
        );
        let v1 = json!({"verify": {"type": "hosted", "url": "https://e.org/a.json"}});
        assert_eq!(
            method(&v1, Version::V1),
            Method::Hosted(Some("https://e.org/a.json".into()))
        );
        let odd = json!({"verification": {"type": "blockchain"}});
        assert_eq!(
            method(&odd, Version::V2_0),
            Method::Unknown("blockchain".into())
        );
        assert_eq!(method(&json!({}), Version::V2_0), Method::Missing);
        assert_eq!(method(&json!({}), Version::V0_5), Method::Hosted(None));
    }
}
