//! The 1EdTech Revocation List Status Method (`1EdTechRevocationList`, OB 3.0 §9.10 and
//! 1EdTech VCRL 1.0): `GET` the entry's `id` URL; the answer lists revoked credentials, and a
//! credential is revoked when its `id` is listed with `revoked` true or omitted.
//!
//! The spec's class is `RevocationList` with `revokedCredentials` (the 1EdTech validator's
//! `RevocationListProbe` reads that name); `revokedCredential` (singular) is accepted too.
//! The list is plain JSON, not a signed credential: it is trusted as served by the URL the
//! signed credential names.

use serde_json::Value;

/// Most items read from one revocation list (the fetch body limit bounds it before this).
pub const MAX_REVOKED_CREDENTIALS: usize = 1_000_000;

/// What the list says about one credential.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Listing {
    /// Listed with `revoked` true or omitted; the `revocationReason`, if given.
    Revoked(Option<String>),
    /// Listed, but with `revoked: false`.
    ListedNotRevoked,
    /// Not listed.
    NotListed,
}

/// Looks `credential_id` up in the revocation list `list`.
pub fn lookup(list: &Value, credential_id: Option<&str>) -> Result<Listing, String> {
    let items = ["revokedCredentials", "revokedCredential"]
        .iter()
        .find_map(|field| list.get(field))
        .ok_or("the document is not a 1EdTech revocation list (it has no revokedCredentials)")?;
    let items: Vec<&Value> = match items {
        Value::Array(items) => items.iter().collect(),
        single @ Value::Object(_) => vec![single],
        _ => {
            return Err("revokedCredentials in the 1EdTech revocation list is not an array".into());
        }
    };
    if items.len() > MAX_REVOKED_CREDENTIALS {
        return Err(format!(
            "the 1EdTech revocation list has {} items, more than the limit of {MAX_REVOKED_CREDENTIALS}",
            items.len()
        ));
    }
    let credential_id = credential_id
        .map(str::trim)
        .filter(|id| !id.is_empty())
        .ok_or(
            "the credential has no id, so it cannot be looked up in its 1EdTech revocation list",
        )?;
    let mut listed_not_revoked = false;
    for item in items {
        let id = item.get("id").and_then(Value::as_str).map(str::trim);
        if id != Some(credential_id) {
            continue;
        }
        let revoked = match item.get("revoked") {
            None | Some(Value::Null) => true,
            Some(Value::Bool(b)) => *b,
            Some(Value::String(s)) => !s.trim().eq_ignore_ascii_case("false"),
            Some(_) => true,
        };
        if revoked {
            let reason = item
                .get("revocationReason")
                .and_then(Value::as_str)
                .map(str::to_owned);
            return Ok(Listing::Revoked(reason));
        }
        listed_not_revoked = true;
    }
    Ok(if listed_not_revoked {
        Listing::ListedNotRevoked
    } else {
        Listing::NotListed
    })
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    use super::*;

    #[test]
    fn listed_revoked_default_true() {
        let list = json!({"revokedCredentials": [
            {"id": "urn:uuid:1", "revocationReason": "issued in error"},
            {"id": "urn:uuid:2", "revoked": false},
            {"id": "urn:uuid:3", "revoked": true}
        ]});
        assert_eq!(
            lookup(&list, Some("urn:uuid:1")),
            Ok(Listing::Revoked(Some("issued in error".into())))
        );
        assert_eq!(
            lookup(&list, Some("urn:uuid:2")),
            Ok(Listing::ListedNotRevoked)
        );
        assert_eq!(
            lookup(&list, Some("urn:uuid:3")),
            Ok(Listing::Revoked(None))
        );
        assert_eq!(lookup(&list, Some("urn:uuid:4")), Ok(Listing::NotListed));
    }

    #[test]
    fn not_a_list_or_no_id() {
        assert!(lookup(&json!({"id": "x"}), Some("a")).is_err());
        assert!(lookup(&json!({"revokedCredentials": "x"}), Some("a")).is_err());
        let err = lookup(&json!({"revokedCredential": []}), None).unwrap_err();
        assert!(err.contains("no id"), "{err}");
    }
}
