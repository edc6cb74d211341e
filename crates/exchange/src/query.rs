//! Verifiable Presentation Requests (W3C CCG VPR): checking a request a workflow carries, and
//! whether a verified presentation satisfies it.
//!
//! # The rules
//! - `query` is one object or an array of them; each has a `type`. Top-level queries are all
//!   required ("AND", VPR §Logical Operations). The types understood are `QueryByExample` and
//!   `DIDAuthentication`; a workflow naming another type is refused when it is created, since
//!   its presentations could not be checked.
//! - `QueryByExample`: each `credentialQuery` entry (one or an array) is required unless it
//!   says `"required": false`; when every entry is optional they are alternatives ("OR") and
//!   none has to match. A credential matches an entry when every `@context` and `type` of the
//!   `example` is among the credential's, the `example.issuer` (if any) is its issuer, the
//!   `example.credentialSubject` members are present on a subject (a subject `id` that is an
//!   IRI must be equal), `example.credentialSchema.id` (if any) is one of its schemas, and the
//!   issuer is one of `trustedIssuer[].issuer` when that list is given.
//! - `DIDAuthentication`: the presentation's `holder` is a DID whose method is among
//!   `acceptedMethods` (when given), an authentication proof uses one of
//!   `acceptedCryptosuites` (its `cryptosuite`, or its `type` for the older suites, with
//!   VCALM's `ed25519-2020` standing for `Ed25519Signature2020`), and the
//!   proof's key is the holder's (the verifier's `holder.key-binding` check passed).

use serde_json::Value;

use crate::error::ExchangeError;

/// The query types this crate can check.
pub const QUERY_TYPES: [&str; 2] = ["QueryByExample", "DIDAuthentication"];

/// Limit: queries in one request.
pub const MAX_QUERIES: usize = 16;
/// Limit: `credentialQuery` entries in one `QueryByExample`.
pub const MAX_CREDENTIAL_QUERIES: usize = 32;

fn invalid(pointer: String, rule: impl Into<String>) -> ExchangeError {
    ExchangeError::InvalidConfig {
        pointer,
        rule: rule.into(),
    }
}

/// One or many: a JSON value that may be a single item or an array of them.
pub(crate) fn one_or_many(value: &Value) -> Vec<&Value> {
    match value {
        Value::Array(items) => items.iter().collect(),
        Value::Null => Vec::new(),
        other => vec![other],
    }
}

fn strings(value: Option<&Value>) -> Vec<&str> {
    value
        .map(one_or_many)
        .unwrap_or_default()
        .into_iter()
        .filter_map(Value::as_str)
        .collect()
}

fn id_of(value: Option<&Value>) -> Option<&str> {
    match value? {
        Value::String(s) => Some(s),
        Value::Object(o) => o.get("id").and_then(Value::as_str),
        _ => None,
    }
}

/// Checks a request as a workflow step carries it (`pointer`: where it sits in the workflow).
pub fn validate_request(request: &Value, pointer: &str) -> Result<(), ExchangeError> {
    let Some(object) = request.as_object() else {
        return Err(invalid(
            pointer.to_owned(),
            "a verifiablePresentationRequest must be an object",
        ));
    };
    let Some(query) = object.get("query") else {
        return Err(invalid(
            format!("{pointer}/query"),
            "a verifiablePresentationRequest needs a query (VPR: query is REQUIRED)",
        ));
    };
    if let Some(domain) = object.get("domain")
        && !domain.is_string()
    {
        return Err(invalid(
            format!("{pointer}/domain"),
            "domain must be a string",
        ));
    }
    let queries = one_or_many(query);
    if queries.is_empty() {
        return Err(invalid(
            format!("{pointer}/query"),
            "query must hold at least one query",
        ));
    }
    if queries.len() > MAX_QUERIES {
        return Err(ExchangeError::LimitExceeded {
            what: "number of queries in a presentation request",
            found: queries.len(),
            limit: MAX_QUERIES,
        });
    }
    let many = query.is_array();
    for (index, query) in queries.into_iter().enumerate() {
        let here = if many {
            format!("{pointer}/query/{index}")
        } else {
            format!("{pointer}/query")
        };
        match query.get("type").and_then(Value::as_str) {
            Some("QueryByExample") => validate_qbe(query, &here)?,
            Some("DIDAuthentication") => validate_did_auth(query, &here)?,
            Some(other) => {
                return Err(invalid(
                    format!("{here}/type"),
                    format!(
                        "query type {other:?} is not supported (supported: {})",
                        QUERY_TYPES.join(", ")
                    ),
                ));
            }
            None => {
                return Err(invalid(
                    format!("{here}/type"),
                    "each query must have a string type",
                ));
            }
        }
    }
    Ok(())
}

fn validate_qbe(query: &Value, here: &str) -> Result<(), ExchangeError> {
    let Some(entries) = query.get("credentialQuery") else {
        return Err(invalid(
            format!("{here}/credentialQuery"),
            "a QueryByExample needs credentialQuery",
        ));
    };
    let list = one_or_many(entries);
    if list.is_empty() {
        return Err(invalid(
            format!("{here}/credentialQuery"),
            "credentialQuery must hold at least one entry",
        ));
    }
    if list.len() > MAX_CREDENTIAL_QUERIES {
        return Err(ExchangeError::LimitExceeded {
            what: "number of credentialQuery entries",
            found: list.len(),
            limit: MAX_CREDENTIAL_QUERIES,
        });
    }
    for (index, entry) in list.into_iter().enumerate() {
        let at = if entries.is_array() {
            format!("{here}/credentialQuery/{index}")
        } else {
            format!("{here}/credentialQuery")
        };
        let Some(example) = entry.get("example") else {
            return Err(invalid(
                format!("{at}/example"),
                "each credentialQuery entry needs an example object",
            ));
        };
        if !example.is_object() {
            return Err(invalid(
                format!("{at}/example"),
                "example must be an object",
            ));
        }
        if let Some(required) = entry.get("required")
            && !required.is_boolean()
        {
            return Err(invalid(
                format!("{at}/required"),
                "required must be true or false",
            ));
        }
        if let Some(trusted) = entry.get("trustedIssuer") {
            for (i, issuer) in one_or_many(trusted).into_iter().enumerate() {
                if issuer.get("issuer").and_then(Value::as_str).is_none() {
                    return Err(invalid(
                        format!("{at}/trustedIssuer/{i}/issuer"),
                        "each trustedIssuer entry needs an issuer string",
                    ));
                }
            }
        }
    }
    Ok(())
}

fn validate_did_auth(query: &Value, here: &str) -> Result<(), ExchangeError> {
    if let Some(methods) = query.get("acceptedMethods") {
        for (i, method) in one_or_many(methods).into_iter().enumerate() {
            if method.get("method").and_then(Value::as_str).is_none() {
                return Err(invalid(
                    format!("{here}/acceptedMethods/{i}/method"),
                    "each acceptedMethods entry needs a method name (e.g. \"key\")",
                ));
            }
        }
    }
    if let Some(suites) = query.get("acceptedCryptosuites") {
        for (i, suite) in one_or_many(suites).into_iter().enumerate() {
            if suite.get("cryptosuite").and_then(Value::as_str).is_none() {
                return Err(invalid(
                    format!("{here}/acceptedCryptosuites/{i}/cryptosuite"),
                    "each acceptedCryptosuites entry needs a cryptosuite name",
                ));
            }
        }
    }
    Ok(())
}

/// What a presentation showed, after verification: the presentation, the authentication
/// proof that carried the exchange's challenge, the credentials (their JSON, each verified)
/// and whether the holder's key binding passed.
pub(crate) struct Presented<'a> {
    pub presentation: &'a Value,
    pub proof: &'a Value,
    pub credentials: Vec<&'a Value>,
    pub holder_bound: bool,
}

fn unmet(pointer: String, rule: impl Into<String>) -> ExchangeError {
    ExchangeError::QueryNotSatisfied {
        pointer,
        rule: rule.into(),
    }
}

/// Whether `presented` satisfies `request` (checked by [`validate_request`] already).
pub(crate) fn check_satisfied(
    request: &Value,
    presented: &Presented<'_>,
) -> Result<(), ExchangeError> {
    let Some(query) = request.get("query") else {
        return Ok(());
    };
    let many = query.is_array();
    for (index, query) in one_or_many(query).into_iter().enumerate() {
        let here = if many {
            format!("/query/{index}")
        } else {
            "/query".to_owned()
        };
        match query.get("type").and_then(Value::as_str) {
            Some("QueryByExample") => check_qbe(query, &here, presented)?,
            Some("DIDAuthentication") => check_did_auth(query, &here, presented)?,
            other => {
                return Err(unmet(
                    format!("{here}/type"),
                    format!("query type {other:?} cannot be checked"),
                ));
            }
        }
    }
    Ok(())
}

fn check_did_auth(
    query: &Value,
    here: &str,
    presented: &Presented<'_>,
) -> Result<(), ExchangeError> {
    let Some(holder) = presented
        .presentation
        .get("holder")
        .and_then(|h| id_of(Some(h)))
    else {
        return Err(unmet(
            here.to_owned(),
            "DID Authentication: the presentation must name its holder (a DID)",
        ));
    };
    let Some(rest) = holder.strip_prefix("did:") else {
        return Err(unmet(
            here.to_owned(),
            format!("DID Authentication: the holder {holder:?} is not a DID"),
        ));
    };
    let method = rest.split(':').next().unwrap_or_default();
    let accepted: Vec<&str> = query
        .get("acceptedMethods")
        .map(one_or_many)
        .unwrap_or_default()
        .into_iter()
        .filter_map(|m| m.get("method").and_then(Value::as_str))
        .collect();
    if !accepted.is_empty() && !accepted.contains(&method) {
        return Err(unmet(
            format!("{here}/acceptedMethods"),
            format!(
                "DID Authentication: the holder's DID method {method:?} is not among the accepted methods ({})",
                accepted.join(", ")
            ),
        ));
    }
    let suites: Vec<&str> = query
        .get("acceptedCryptosuites")
        .map(one_or_many)
        .unwrap_or_default()
        .into_iter()
        .filter_map(|m| m.get("cryptosuite").and_then(Value::as_str))
        .collect();
    let used = presented
        .proof
        .get("cryptosuite")
        .or_else(|| presented.proof.get("type"))
        .and_then(Value::as_str)
        .unwrap_or_default();
    // VCALM's own example names the 2020 suite `ed25519-2020`; its proofs say it in `type`.
    let accepted =
        |name: &str| name == used || (name == "ed25519-2020" && used == "Ed25519Signature2020");
    if !suites.is_empty() && !suites.iter().any(|s| accepted(s)) {
        return Err(unmet(
            format!("{here}/acceptedCryptosuites"),
            format!(
                "DID Authentication: the proof's cryptosuite {used:?} is not among the accepted ({})",
                suites.join(", ")
            ),
        ));
    }
    if !presented.holder_bound {
        return Err(unmet(
            here.to_owned(),
            format!(
                "DID Authentication: the proof's key is not shown to belong to the holder {holder} (holder.key-binding did not pass)"
            ),
        ));
    }
    Ok(())
}

fn check_qbe(query: &Value, here: &str, presented: &Presented<'_>) -> Result<(), ExchangeError> {
    let Some(entries) = query.get("credentialQuery") else {
        return Ok(());
    };
    let list = one_or_many(entries);
    for (index, entry) in list.iter().enumerate() {
        let required = entry
            .get("required")
            .and_then(Value::as_bool)
            .unwrap_or(true);
        if !required {
            continue;
        }
        let at = if entries.is_array() {
            format!("{here}/credentialQuery/{index}")
        } else {
            format!("{here}/credentialQuery")
        };
        let mut first_miss = None;
        let found =
            presented
                .credentials
                .iter()
                .any(|credential| match mismatch(entry, credential) {
                    None => true,
                    Some(reason) => {
                        first_miss.get_or_insert(reason);
                        false
                    }
                });
        if !found {
            let rule = match first_miss {
                Some(reason) => format!(
                    "no credential in the presentation matches this required example ({} presented; the first differs: {reason})",
                    presented.credentials.len()
                ),
                None => "no credential in the presentation matches this required example (none presented)".to_owned(),
            };
            return Err(unmet(at, rule));
        }
    }
    Ok(())
}

/// Why `credential` does not match the credentialQuery `entry` (`None`: it matches).
fn mismatch(entry: &Value, credential: &Value) -> Option<String> {
    let example = entry.get("example")?;
    let contexts = strings(credential.get("@context"));
    for wanted in strings(example.get("@context")) {
        if !contexts.contains(&wanted) {
            return Some(format!("@context {wanted:?} is not among its contexts"));
        }
    }
    let types = strings(credential.get("type"));
    for wanted in strings(example.get("type")) {
        if !types.contains(&wanted) {
            return Some(format!("type {wanted:?} is not among its types {types:?}"));
        }
    }
    let issuer = id_of(credential.get("issuer"));
    if let Some(wanted) = id_of(example.get("issuer"))
        && issuer != Some(wanted)
    {
        return Some(format!("its issuer {issuer:?} is not {wanted:?}"));
    }
    if let Some(wanted) = example.get("credentialSubject").and_then(Value::as_object) {
        let subjects = credential
            .get("credentialSubject")
            .map(one_or_many)
            .unwrap_or_default();
        let any = subjects.iter().any(|subject| {
            wanted.iter().all(|(key, value)| match subject.get(key) {
                None => false,
                Some(found) => {
                    key != "id"
                        || !value.as_str().is_some_and(|v| v.contains(':'))
                        || found == value
                }
            })
        });
        if !any {
            let keys: Vec<&String> = wanted.keys().collect();
            return Some(format!(
                "no credentialSubject has the members {keys:?} the example asks for"
            ));
        }
    }
    if let Some(wanted) = id_of(example.get("credentialSchema")) {
        let schemas = credential
            .get("credentialSchema")
            .map(one_or_many)
            .unwrap_or_default();
        if !schemas.iter().any(|s| id_of(Some(s)) == Some(wanted)) {
            return Some(format!(
                "credentialSchema {wanted:?} is not among its schemas"
            ));
        }
    }
    if let Some(trusted) = entry.get("trustedIssuer") {
        let listed: Vec<&str> = one_or_many(trusted)
            .into_iter()
            .filter_map(|t| t.get("issuer").and_then(Value::as_str))
            .collect();
        if !listed.is_empty() && !issuer.is_some_and(|i| listed.contains(&i)) {
            return Some(format!(
                "its issuer {issuer:?} is not among the trusted issuers {listed:?}"
            ));
        }
    }
    None
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    use super::*;

    fn presented<'a>(vp: &'a Value, proof: &'a Value, creds: Vec<&'a Value>) -> Presented<'a> {
        Presented {
            presentation: vp,
            proof,
            credentials: creds,
            holder_bound: true,
        }
    }

    #[test]
    fn unknown_query_types_and_shapes_are_refused_with_their_pointer() {
        let cases = [
            (json!({"query": {"type": "ZcapQuery"}}), "/s/query/type"),
            (
                json!({"query": [{"type": "QueryByExample"}]}),
                "/s/query/0/credentialQuery",
            ),
            (
                json!({"query": [{"type": "QueryByExample", "credentialQuery": [{"example": 3}]}]}),
                "/s/query/0/credentialQuery/0/example",
            ),
            (
                json!({"query": {"type": "DIDAuthentication", "acceptedMethods": [{}]}}),
                "/s/query/acceptedMethods/0/method",
            ),
            (json!({"challenge": "x"}), "/s/query"),
        ];
        for (request, pointer) in cases {
            match validate_request(&request, "/s") {
                Err(ExchangeError::InvalidConfig { pointer: got, .. }) => {
                    assert_eq!(got, pointer, "{request}")
                }
                other => panic!("{request}: expected InvalidConfig at {pointer}, got {other:?}"),
            }
        }
    }

    #[test]
    fn query_by_example_matches_type_context_issuer_subject_and_trusted_issuer() {
        let request = json!({"query": [{"type": "QueryByExample", "credentialQuery": [{
            "example": {
                "@context": ["https://www.w3.org/ns/credentials/v2"],
                "type": "OpenBadgeCredential",
                "credentialSubject": {"achievement": {}}
            },
            "trustedIssuer": [{"issuer": "did:example:uni", "required": true}]
        }]}]});
        validate_request(&request, "").unwrap();
        let good = json!({
            "@context": ["https://www.w3.org/ns/credentials/v2", "https://purl.imsglobal.org/spec/ob/v3p0/context-3.0.3.json"],
            "type": ["VerifiableCredential", "OpenBadgeCredential"],
            "issuer": {"id": "did:example:uni"},
            "credentialSubject": {"achievement": {"name": "x"}}
        });
        let vp = json!({});
        let proof = json!({});
        check_satisfied(&request, &presented(&vp, &proof, vec![&good])).unwrap();

        let mut other_issuer = good.clone();
        other_issuer["issuer"] = json!("did:example:mill");
        let mut other_type = good.clone();
        other_type["type"] = json!(["VerifiableCredential"]);
        let mut no_achievement = good.clone();
        no_achievement["credentialSubject"] = json!({"name": "Sam"});
        for (bad, words) in [
            (&other_issuer, "did:example:mill"),
            (&other_type, "OpenBadgeCredential"),
            (&no_achievement, "achievement"),
        ] {
            match check_satisfied(&request, &presented(&vp, &proof, vec![bad])) {
                Err(ExchangeError::QueryNotSatisfied { pointer, rule }) => {
                    assert_eq!(pointer, "/query/0/credentialQuery/0");
                    assert!(rule.contains(words), "{rule}");
                }
                other => panic!("expected QueryNotSatisfied, got {other:?}"),
            }
        }
        // One good credential among others satisfies it.
        check_satisfied(&request, &presented(&vp, &proof, vec![&other_type, &good])).unwrap();
    }

    #[test]
    fn optional_entries_are_alternatives_and_need_no_match() {
        let request = json!({"query": {"type": "QueryByExample", "credentialQuery": [
            {"required": false, "example": {"type": "A"}},
            {"required": false, "example": {"type": "B"}}
        ]}});
        validate_request(&request, "").unwrap();
        let vp = json!({});
        let proof = json!({});
        check_satisfied(&request, &presented(&vp, &proof, vec![])).unwrap();
    }

    #[test]
    fn did_authentication_checks_method_suite_and_binding() {
        let request = json!({"query": {"type": "DIDAuthentication",
            "acceptedMethods": [{"method": "key"}],
            "acceptedCryptosuites": [{"cryptosuite": "eddsa-rdfc-2022"}]}});
        validate_request(&request, "").unwrap();
        let vp = json!({"holder": "did:key:z6Mk"});
        let proof = json!({"cryptosuite": "eddsa-rdfc-2022"});
        check_satisfied(&request, &presented(&vp, &proof, vec![])).unwrap();

        let web = json!({"holder": "did:web:example.com"});
        let jcs = json!({"cryptosuite": "eddsa-jcs-2022"});
        let none = json!({});
        let not_did = json!({"holder": "https://example.com"});
        for (vp, proof, words) in [
            (&web, &proof, "\"web\""),
            (&vp, &jcs, "eddsa-jcs-2022"),
            (&none, &proof, "must name its holder"),
            (&not_did, &proof, "not a DID"),
        ] {
            match check_satisfied(&request, &presented(vp, proof, vec![])) {
                Err(ExchangeError::QueryNotSatisfied { rule, .. }) => {
                    assert!(rule.contains(words), "{rule}")
                }
                other => panic!("expected QueryNotSatisfied, got {other:?}"),
            }
        }
        let ed2020 = json!({"query": {"type": "DIDAuthentication",
            "acceptedCryptosuites": [{"cryptosuite": "ed25519-2020"}]}});
        let proof_2020 = json!({"type": "Ed25519Signature2020"});
        check_satisfied(&ed2020, &presented(&vp, &proof_2020, vec![])).unwrap();
        assert!(check_satisfied(&ed2020, &presented(&vp, &proof, vec![])).is_err());
        let mut unbound = presented(&vp, &proof, vec![]);
        unbound.holder_bound = false;
        assert!(matches!(
            check_satisfied(&request, &unbound),
            Err(ExchangeError::QueryNotSatisfied { .. })
        ));
    }
}
