//! The OB 2.0 context's aliases, read in one place. The context
//! (`https://w3id.org/openbadges/v2`) defines `verify` as an alias of `verification`, and, like
//! every JSON-LD document, `id`/`type` stand for the keywords `@id`/`@type`, which a document
//! may also write directly. A reader that asks for a term by its usual name gets the value under
//! any of its spellings; the usual name wins when both are present.

use serde_json::Value;

/// Term → its other spellings in the OB 2.0 context (`ob-v2p0-context.json`).
const ALIASES: [(&str, &[&str]); 3] = [
    ("verification", &["verify"]),
    ("id", &["@id"]),
    ("type", &["@type"]),
];

/// The value of `name` in `object`, under its usual name or any OB 2.0 alias of it.
pub(crate) fn term<'a>(object: &'a Value, name: &str) -> Option<&'a Value> {
    if let Some(found) = object.get(name) {
        return Some(found);
    }
    let (_, aliases) = ALIASES.iter().find(|(term, _)| *term == name)?;
    aliases.iter().find_map(|alias| object.get(*alias))
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    use super::term;

    #[test]
    fn every_alias_of_the_context_reads_as_its_term() {
        let doc =
            json!({"@id": "https://e.org/a", "@type": "Assertion", "verify": {"type": "hosted"}});
        assert_eq!(term(&doc, "id"), Some(&json!("https://e.org/a")));
        assert_eq!(term(&doc, "type"), Some(&json!("Assertion")));
        assert_eq!(term(&doc, "verification"), Some(&json!({"type": "hosted"})));
        let both = json!({"verification": 1, "verify": 2});
        assert_eq!(term(&both, "verification"), Some(&json!(1)));
        assert_eq!(term(&both, "badge"), None);
    }
}
