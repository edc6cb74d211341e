//! Hosted verification (OB 2.0 §HostedBadge Verification): the issuer's server is the source
//! of truth for the assertion, and the assertion's address must be one the issuer vouches for.

use super::terms::term;
use credbridge_keys::Purpose;
use serde_json::Value;

use super::documents::{self, FetchFailure, Graph, Retrieved};
use super::{CHECK_HOSTED_SCOPE, CHECK_REVOCATION, Version, dates};
use crate::VerifyOptions;
use crate::report::{Check, Outcome, Severity};

/// What fetching the hosted assertion gave.
pub(super) struct HostedOutcome {
    /// `proof`: the hosted copy agrees with ours.
    pub proof: Check,
    /// `status.revocation`: `410 Gone` or `revoked: true`.
    pub revocation: Check,
    /// The hosted copy, to be checked from here on.
    pub authoritative: Option<Value>,
}

/// `status.revocation` for a hosted assertion whose URL answered `410 Gone`.
pub(super) fn revoked_by_gone(url: &str) -> Check {
    Check::new(
        CHECK_REVOCATION,
        Severity::Fatal,
        Outcome::Failed(format!(
            "{url} answered 410 Gone, which marks a hosted badge as revoked (OB 2.0 §Revoking Hosted Assertions)"
        )),
        "the issuer has revoked this badge",
    )
    .with_evidence("url", url)
}

fn both_could_not_check(reason: String, message: &str, url: Option<&str>) -> HostedOutcome {
    let proof = Check::new(
        "proof",
        Severity::Fatal,
        Outcome::CouldNotCheck(reason.clone()),
        message,
    );
    let revocation = Check::new(
        CHECK_REVOCATION,
        Severity::Fatal,
        Outcome::CouldNotCheck(reason),
        "whether the issuer has revoked this badge could not be checked",
    );
    match url {
        Some(url) => HostedOutcome {
            proof: proof.with_evidence("hosted_url", url),
            revocation: revocation.with_evidence("hosted_url", url),
            authoritative: None,
        },
        None => HostedOutcome {
            proof,
            revocation,
            authoritative: None,
        },
    }
}

/// Fetches the hosted assertion at `url` (unless `came_from` already is it) and compares it
/// with `ours`.
pub(super) fn fetch_and_compare(
    ours: &Value,
    version: Version,
    url: Option<&str>,
    came_from: Option<&Retrieved>,
    options: &VerifyOptions,
) -> HostedOutcome {
    let Some(url) = url else {
        let reason = if version == Version::V0_5 {
            "an Open Badges 0.5 assertion does not record its own web address; it can be verified from the badge image's URL".to_owned()
        } else {
            "the assertion does not say where its issuer hosts it (no id / verify.url)".to_owned()
        };
        return both_could_not_check(
            reason,
            "the badge could not be checked with its issuer because it does not say where the issuer publishes it",
            None,
        );
    };
    if !documents::is_web_url(url) {
        let mut outcome = both_could_not_check(
            format!("hosted assertion address {url:?} is not an http(s) URL"),
            "the badge could not be checked with its issuer",
            Some(url),
        );
        outcome.proof = Check::new(
            "proof",
            Severity::Fatal,
            Outcome::Failed(format!(
                "a hosted assertion must be published at an http(s) URL, found {url:?}"
            )),
            "the badge says its issuer publishes it, but gives no web address to check it at",
        )
        .with_evidence("hosted_url", url);
        return outcome;
    }
    let already = came_from.filter(|c| c.url == url || c.origin == url);
    let retrieved = match already {
        Some(retrieved) => retrieved.clone(),
        None => match documents::fetch(options, url, Purpose::Ob2Assertion) {
            Ok(retrieved) => retrieved,
            Err(failure) if failure.is_gone() => {
                let mut outcome = both_could_not_check(
                    failure.to_string(),
                    "the issuer's server no longer publishes this badge",
                    Some(url),
                );
                outcome.revocation = revoked_by_gone(url);
                return outcome;
            }
            Err(failure) => {
                return both_could_not_check(
                    failure.to_string(),
                    "the badge could not be checked with its issuer's server (see the reason); this is not the same as a forged badge",
                    Some(url),
                );
            }
        },
    };
    let Value::Object(hosted) = &retrieved.value else {
        let failure = FetchFailure::NotABadge {
            url: url.to_owned(),
            reason: "something other than a JSON assertion".to_owned(),
        };
        return both_could_not_check(
            failure.to_string(),
            "the issuer's server did not return a badge at the badge's address, so the badge could not be checked",
            Some(url),
        );
    };
    if hosted.get("revoked").and_then(Value::as_bool) == Some(true) {
        let reason = hosted
            .get("revocationReason")
            .and_then(Value::as_str)
            .map(|r| format!(" with reason: {r}"))
            .unwrap_or_default();
        let mut outcome = both_could_not_check(
            "the hosted copy is marked revoked, so it was not compared".into(),
            "the issuer's server marks this badge as revoked",
            Some(url),
        );
        outcome.revocation = Check::new(
            CHECK_REVOCATION,
            Severity::Fatal,
            Outcome::Failed(format!(
                "the hosted assertion at {url} has revoked: true{reason}"
            )),
            format!("the issuer has revoked this badge{reason}"),
        )
        .with_evidence("hosted_url", url);
        return outcome;
    }
    let differences = compare(ours, &retrieved.value, version);
    let proof = if differences.is_empty() {
        Check::new(
            "proof",
            Severity::Fatal,
            Outcome::Passed,
            "the issuer's server publishes this badge, unchanged, at its address",
        )
    } else {
        Check::new(
            "proof",
            Severity::Fatal,
            Outcome::Failed(format!(
                "the hosted assertion at {url} differs: {}",
                differences.join("; ")
            )),
            "the issuer's server holds a different badge at this address: this copy was changed or is not the one the issuer published",
        )
        .with_evidence("differences", differences)
    };
    HostedOutcome {
        proof: proof
            .with_evidence("hosted_url", url)
            .with_evidence("fetched_from", retrieved.origin.as_str()),
        revocation: Check::new(
            CHECK_REVOCATION,
            Severity::Fatal,
            Outcome::Passed,
            "the issuer's server does not mark this badge as revoked",
        )
        .with_evidence("hosted_url", url),
        authoritative: Some(retrieved.value),
    }
}

/// The id of a linked document given as an IRI or an object with an `id`.
fn link_id(value: &Value) -> Option<&str> {
    match value {
        Value::String(s) => Some(s),
        other => term(other, "id").and_then(Value::as_str),
    }
}

/// The fields of `ours` that the hosted copy must repeat (it may say more).
fn compare(ours: &Value, hosted: &Value, version: Version) -> Vec<String> {
    let fields: &[&str] = match version {
        Version::V2_0 => &["id", "recipient", "badge", "issuedOn"],
        Version::V1 => &["id", "uid", "recipient", "badge", "issuedOn"],
        Version::V0_5 => &["recipient", "salt", "badge", "issued_on"],
    };
    let mut differences = Vec::new();
    for &field in fields {
        let Some(mine) = ours.get(field) else {
            continue;
        };
        let Some(theirs) = hosted.get(field) else {
            differences.push(format!("{field} is missing from the hosted copy"));
            continue;
        };
        let same = match field {
            "badge" => match (link_id(mine), link_id(theirs)) {
                (Some(a), Some(b)) => a == b,
                _ => mine == theirs,
            },
            "issuedOn" | "issued_on" => match (dates::parse(mine), dates::parse(theirs)) {
                (Some(a), Some(b)) => a == b,
                _ => mine == theirs,
            },
            _ => mine == theirs,
        };
        if !same {
            differences.push(format!("{field} differs"));
        }
    }
    differences
}

/// `scheme://authority/…` → the lower-cased authority (`host[:port]`), without user info.
pub(super) fn authority(url: &str) -> Option<String> {
    let (scheme, rest) = url.split_once("://")?;
    if scheme.is_empty()
        || !scheme
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || b == b'+')
    {
        return None;
    }
    let end = rest.find(['/', '?', '#']).unwrap_or(rest.len());
    let authority = rest.get(..end)?;
    let authority = authority
        .rsplit_once('@')
        .map_or(authority, |(_, host)| host);
    (!authority.is_empty()).then(|| authority.to_ascii_lowercase())
}

/// The host of an authority (`[::1]:8080` → `[::1]`, `example.org:443` → `example.org`).
fn host_of(authority: &str) -> &str {
    if authority.starts_with('[') {
        return authority
            .find(']')
            .and_then(|i| authority.get(..=i))
            .unwrap_or(authority);
    }
    authority.split(':').next().unwrap_or(authority)
}

fn strings(value: Option<&Value>) -> Vec<String> {
    value
        .map(|v| {
            credbridge_model::json::strings(v)
                .map(str::to_owned)
                .collect()
        })
        .unwrap_or_default()
}

/// `issuer.hosted-scope`: the hosted address is one the issuer vouches for: it starts with one
/// of the issuer's `startsWith` values, and its host is in `allowedOrigins` — by default the
/// host of the issuer's `id` (OB 2.0 §VerificationObject, §HostedBadge Verification). Hosts
/// are compared with their port, as the 1EdTech reference validator compares URL authorities.
pub(super) fn scope(url: Option<&str>, graph: &Graph, version: Version) -> Check {
    let Some(url) = url else {
        return Check::new(
            CHECK_HOSTED_SCOPE,
            Severity::Fatal,
            Outcome::CouldNotCheck("the badge's hosted address is not known".into()),
            "whether the badge is published where its issuer says its badges live could not be checked",
        );
    };
    let issuer = match &graph.issuer {
        Ok(issuer) => issuer,
        Err(missing) => {
            return Check::new(
                CHECK_HOSTED_SCOPE,
                Severity::Fatal,
                Outcome::CouldNotCheck(format!(
                    "the issuer's profile is needed: {}",
                    missing.reason()
                )),
                "whether the badge is published where its issuer says its badges live could not be checked",
            )
            .with_evidence("hosted_url", url);
        }
    };
    let policy = term(&issuer.value, "verification").filter(|p| p.is_object());
    let starts_with = strings(policy.and_then(|p| p.get("startsWith")));
    if !starts_with.is_empty()
        && !starts_with
            .iter()
            .any(|prefix| url.starts_with(prefix.as_str()))
    {
        return Check::new(
            CHECK_HOSTED_SCOPE,
            Severity::Fatal,
            Outcome::Failed(format!(
                "{url} does not start with any of the issuer's allowed prefixes {starts_with:?}"
            )),
            "the badge is published at an address its issuer does not vouch for",
        )
        .with_evidence("hosted_url", url)
        .with_evidence("starts_with", starts_with);
    }
    let mut allowed = strings(policy.and_then(|p| p.get("allowedOrigins")));
    let mut default_policy = false;
    if allowed.is_empty() {
        default_policy = true;
        let mut sources: Vec<&str> = issuer.id().into_iter().collect();
        if version != Version::V2_0 {
            for key in ["url", "origin"] {
                sources.extend(issuer.value.get(key).and_then(Value::as_str));
            }
        }
        allowed = sources
            .into_iter()
            .filter(|s| documents::is_web_url(s))
            .filter_map(authority)
            .collect();
    }
    if allowed.is_empty() {
        return Check::new(
            CHECK_HOSTED_SCOPE,
            Severity::Advisory,
            Outcome::CouldNotCheck(format!(
                "the issuer {} has no web address to compare the badge's address with",
                issuer.id().unwrap_or("(no id)")
            )),
            "the issuer has no web address, so credbridge could not confirm the badge is published on the issuer's own site",
        )
        .with_evidence("hosted_url", url);
    }
    let Some(found) = authority(url) else {
        return Check::new(
            CHECK_HOSTED_SCOPE,
            Severity::Fatal,
            Outcome::Failed(format!("{url} has no host")),
            "the badge is published at an address its issuer does not vouch for",
        );
    };
    let matches = allowed.iter().any(|entry| {
        let entry = entry.to_ascii_lowercase();
        entry == found || (!entry.contains(':') && entry == host_of(&found))
    });
    let check = if matches {
        Check::new(
            CHECK_HOSTED_SCOPE,
            Severity::Fatal,
            Outcome::Passed,
            "the badge is published on a site its issuer vouches for",
        )
    } else {
        Check::new(
            CHECK_HOSTED_SCOPE,
            Severity::Fatal,
            Outcome::Failed(format!(
                "{url} is hosted on {found}, which is not among the issuer's allowed origins {allowed:?}"
            )),
            "the badge is published on a site that does not belong to its issuer",
        )
    };
    check
        .with_evidence("hosted_url", url)
        .with_evidence("allowed_origins", allowed)
        .with_evidence("default_policy", default_policy)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn authorities() {
        assert_eq!(
            authority("https://Example.org/a/b?c#d").as_deref(),
            Some("example.org")
        );
        assert_eq!(
            authority("http://user@127.0.0.1:8080/x").as_deref(),
            Some("127.0.0.1:8080")
        );
        assert_eq!(authority("urn:uuid:1234"), None);
        assert_eq!(host_of("[::1]:80"), "[::1]");
        assert_eq!(host_of("example.org:443"), "example.org");
    }

    #[test]
    fn comparison_allows_a_superset() {
        let ours = serde_json::json!({"id": "https://e.org/a", "badge": "https://e.org/b",
            "issuedOn": "2016-12-31T23:59:59Z", "recipient": {"identity": "x", "hashed": false}});
        let mut theirs = ours.clone();
        theirs["badge"] = serde_json::json!({"id": "https://e.org/b", "name": "B"});
        theirs["issuedOn"] = serde_json::json!("2016-12-31T23:59:59+00:00");
        theirs["narrative"] = serde_json::json!("more");
        assert!(compare(&ours, &theirs, Version::V2_0).is_empty());
        theirs["recipient"] = serde_json::json!({"identity": "y", "hashed": false});
        assert_eq!(
            compare(&ours, &theirs, Version::V2_0),
            vec!["recipient differs"]
        );
    }
}
