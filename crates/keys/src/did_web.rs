//! The pure part of `did:web` (<https://w3c-ccg.github.io/did-method-web/>): DID → the https URL
//! of its document. Fetching lives in the `fetch` crate, which parses the result with
//! [`crate::ControllerDocument::parse`].

use crate::ResolveError;

/// The method prefix.
pub const DID_WEB_PREFIX: &str = "did:web:";

/// Maps a did:web DID (or DID URL; the fragment is ignored) to its document URL (did:web §3.2
/// "Read"): `did:web:example.com` → `https://example.com/.well-known/did.json`,
/// `did:web:example.com%3A3000:user:alice` → `https://example.com:3000/user/alice/did.json`.
pub fn did_web_to_url(did: &str) -> Result<String, ResolveError> {
    let invalid = |reason: &str| ResolveError::InvalidDid {
        did: did.to_owned(),
        reason: reason.to_owned(),
    };
    let did_only = crate::controller_document::document_id_of(did);
    let rest = did_only
        .strip_prefix(DID_WEB_PREFIX)
        .ok_or_else(|| ResolveError::NotHandled { id: did.to_owned() })?;
    let mut parts = rest.split(':');
    let domain = parts.next().unwrap_or_default();
    // The only percent-encoding the method defines is the port separator.
    let host = domain.replace("%3A", ":").replace("%3a", ":");
    let (name, port) = match host.split_once(':') {
        Some((name, port)) => (name, Some(port)),
        None => (host.as_str(), None),
    };
    if name.is_empty()
        || !name
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || c == '.' || c == '-')
    {
        return Err(invalid(
            "the domain must be a host name (letters, digits, '.', '-')",
        ));
    }
    if let Some(port) = port
        && port.parse::<u16>().is_err()
    {
        return Err(invalid("the port after %3A must be a number up to 65535"));
    }
    let path: Vec<&str> = parts.collect();
    if path
        .iter()
        .any(|p| p.is_empty() || p.contains('/') || *p == "..")
    {
        return Err(invalid(
            "path segments must be non-empty and contain no '/' or '..'",
        ));
    }
    let mut url = format!("https://{host}/");
    if path.is_empty() {
        url.push_str(".well-known/");
    } else {
        for segment in path {
            url.push_str(segment);
            url.push('/');
        }
    }
    url.push_str("did.json");
    Ok(url)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn spec_examples() {
        assert_eq!(
            did_web_to_url("did:web:w3c-ccg.github.io").unwrap(),
            "https://w3c-ccg.github.io/.well-known/did.json"
        );
        assert_eq!(
            did_web_to_url("did:web:w3c-ccg.github.io:user:alice").unwrap(),
            "https://w3c-ccg.github.io/user/alice/did.json"
        );
        assert_eq!(
            did_web_to_url("did:web:example.com%3A3000:user:alice#key-1").unwrap(),
            "https://example.com:3000/user/alice/did.json"
        );
        assert!(did_web_to_url("did:web:exa/mple.com").is_err());
        assert!(did_web_to_url("did:web:example.com::x").is_err());
        assert!(did_web_to_url("did:key:z6Mk").unwrap_err().is_not_handled());
    }
}
