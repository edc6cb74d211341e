//! IRI helpers: keyword tests, absolute-IRI test and RFC 3986 reference resolution.

/// Every JSON-LD 1.1 keyword.
const KEYWORDS: &[&str] = &[
    "@base",
    "@container",
    "@context",
    "@default",
    "@direction",
    "@embed",
    "@explicit",
    "@graph",
    "@id",
    "@import",
    "@included",
    "@index",
    "@json",
    "@language",
    "@list",
    "@nest",
    "@none",
    "@null",
    "@omitDefault",
    "@prefix",
    "@preserve",
    "@propagate",
    "@protected",
    "@requireAll",
    "@reverse",
    "@set",
    "@type",
    "@value",
    "@version",
    "@vocab",
];

/// Whether `s` is a JSON-LD keyword.
pub(crate) fn is_keyword(s: &str) -> bool {
    s.starts_with('@') && KEYWORDS.contains(&s)
}

/// Whether `s` has the form of a keyword (`@` followed by ASCII letters only); such strings
/// are reserved and ignored with a warning.
/// See <https://www.w3.org/TR/json-ld11/#terms> ("reserved for future use").
pub(crate) fn has_keyword_form(s: &str) -> bool {
    match s.strip_prefix('@') {
        Some(rest) => !rest.is_empty() && rest.bytes().all(|b| b.is_ascii_alphabetic()),
        None => false,
    }
}

/// Whether a byte may not appear anywhere in an IRI (RFC 3987 excludes these; a JSON-LD
/// processor must not emit them as IRIs in RDF). All are ASCII, so scanning UTF-8 bytes is
/// exact.
#[inline]
fn is_forbidden_iri_byte(b: u8) -> bool {
    matches!(
        b,
        0..=0x20 | b'<' | b'>' | b'"' | b'{' | b'}' | b'|' | b'\\' | b'^' | b'`'
    )
}

/// The scheme of `s`, if `s` starts with one (`ALPHA *( ALPHA / DIGIT / "+" / "-" / "." ) ":"`).
fn scheme_len(s: &str) -> Option<usize> {
    let bytes = s.as_bytes();
    let first = *bytes.first()?;
    if !first.is_ascii_alphabetic() {
        return None;
    }
    for (i, b) in bytes.iter().enumerate().skip(1) {
        match b {
            b':' => return Some(i),
            b if b.is_ascii_alphanumeric() || matches!(b, b'+' | b'-' | b'.') => {}
            _ => return None,
        }
    }
    None
}

/// Whether `s` is an absolute IRI: a scheme, a colon, and no character IRIs forbid.
pub(crate) fn is_absolute_iri(s: &str) -> bool {
    if scheme_len(s).is_none() {
        return false;
    }
    let mut fragments = 0u32;
    for &b in s.as_bytes() {
        if is_forbidden_iri_byte(b) {
            return false;
        }
        fragments += u32::from(b == b'#');
    }
    fragments <= 1
}

/// Whether `s` is a blank node identifier (`_:` prefix).
pub(crate) fn is_blank_node(s: &str) -> bool {
    s.starts_with("_:")
}

struct Parts<'a> {
    scheme: Option<&'a str>,
    authority: Option<&'a str>,
    path: &'a str,
    query: Option<&'a str>,
    fragment: Option<&'a str>,
}

/// RFC 3986 appendix B, without the regex.
fn parse(s: &str) -> Parts<'_> {
    let (rest, fragment) = match s.find('#') {
        Some(i) => (s.get(..i).unwrap_or(""), s.get(i + 1..)),
        None => (s, None),
    };
    let (rest, query) = match rest.find('?') {
        Some(i) => (rest.get(..i).unwrap_or(""), rest.get(i + 1..)),
        None => (rest, None),
    };
    let (scheme, rest) = match scheme_len(rest) {
        Some(i) => (rest.get(..i), rest.get(i + 1..).unwrap_or("")),
        None => (None, rest),
    };
    let (authority, path) = match rest.strip_prefix("//") {
        Some(after) => {
            let end = after.find('/').unwrap_or(after.len());
            (after.get(..end), after.get(end..).unwrap_or(""))
        }
        None => (None, rest),
    };
    Parts {
        scheme,
        authority,
        path,
        query,
        fragment,
    }
}

/// RFC 3986 §5.2.4.
fn remove_dot_segments(path: &str) -> String {
    let mut input = path;
    let mut output: Vec<&str> = Vec::new();
    // Each output entry is a segment including its leading '/' (if any).
    while !input.is_empty() {
        if let Some(rest) = input.strip_prefix("../") {
            input = rest;
        } else if let Some(rest) = input.strip_prefix("./") {
            input = rest;
        } else if input.starts_with("/./") {
            input = input.get(2..).unwrap_or("");
        } else if input == "/." {
            input = "/";
        } else if input.starts_with("/../") {
            input = input.get(3..).unwrap_or("");
            output.pop();
        } else if input == "/.." {
            input = "/";
            output.pop();
        } else if input == "." || input == ".." {
            input = "";
        } else {
            let start = usize::from(input.starts_with('/'));
            let end = input
                .get(start..)
                .and_then(|s| s.find('/'))
                .map_or(input.len(), |i| i + start);
            output.push(input.get(..end).unwrap_or(""));
            input = input.get(end..).unwrap_or("");
        }
    }
    output.concat()
}

/// Resolves `reference` against `base` (RFC 3986 §5.2.2). A base without a scheme cannot
/// resolve anything, so the reference is returned unchanged.
pub(crate) fn resolve(reference: &str, base: &str) -> String {
    let r = parse(reference);
    if r.scheme.is_some() {
        return recompose(
            r.scheme,
            r.authority,
            &remove_dot_segments(r.path),
            r.query,
            r.fragment,
        );
    }
    let b = parse(base);
    if b.scheme.is_none() {
        return reference.to_owned();
    }
    if r.authority.is_some() {
        return recompose(
            b.scheme,
            r.authority,
            &remove_dot_segments(r.path),
            r.query,
            r.fragment,
        );
    }
    if r.path.is_empty() {
        let query = if r.query.is_some() { r.query } else { b.query };
        return recompose(b.scheme, b.authority, b.path, query, r.fragment);
    }
    let path = if r.path.starts_with('/') {
        remove_dot_segments(r.path)
    } else {
        // RFC 3986 §5.2.3 merge.
        let merged = if b.authority.is_some() && b.path.is_empty() {
            format!("/{}", r.path)
        } else {
            match b.path.rfind('/') {
                Some(i) => format!("{}{}", b.path.get(..=i).unwrap_or(""), r.path),
                None => r.path.to_owned(),
            }
        };
        remove_dot_segments(&merged)
    };
    recompose(b.scheme, b.authority, &path, r.query, r.fragment)
}

fn recompose(
    scheme: Option<&str>,
    authority: Option<&str>,
    path: &str,
    query: Option<&str>,
    fragment: Option<&str>,
) -> String {
    let mut out = String::with_capacity(64);
    if let Some(s) = scheme {
        out.push_str(s);
        out.push(':');
    }
    if let Some(a) = authority {
        out.push_str("//");
        out.push_str(a);
    }
    out.push_str(path);
    if let Some(q) = query {
        out.push('?');
        out.push_str(q);
    }
    if let Some(f) = fragment {
        out.push('#');
        out.push_str(f);
    }
    out
}

/// Whether `tag` is a well-formed BCP 47 language tag (the syntax only:
/// `1*8ALPHA *("-" 1*8alphanum)`).
pub(crate) fn is_well_formed_language_tag(tag: &str) -> bool {
    let mut parts = tag.split('-');
    let Some(primary) = parts.next() else {
        return false;
    };
    if primary.is_empty() || primary.len() > 8 || !primary.bytes().all(|b| b.is_ascii_alphabetic())
    {
        return false;
    }
    parts.all(|p| !p.is_empty() && p.len() <= 8 && p.bytes().all(|b| b.is_ascii_alphanumeric()))
}

#[cfg(test)]
mod tests {
    use super::*;

    // RFC 3986 §5.4 examples.
    macro_rules! resolves {
        ($($r:literal => $e:literal,)*) => {
            #[test]
            fn rfc3986_examples() {
                let base = "http://a/b/c/d;p?q";
                $(assert_eq!(resolve($r, base), $e, "reference {}", $r);)*
            }
        };
    }

    resolves! {
        "g:h" => "g:h", "g" => "http://a/b/c/g", "./g" => "http://a/b/c/g",
        "g/" => "http://a/b/c/g/", "/g" => "http://a/g", "//g" => "http://g",
        "?y" => "http://a/b/c/d;p?y", "g?y" => "http://a/b/c/g?y", "#s" => "http://a/b/c/d;p?q#s",
        "g#s" => "http://a/b/c/g#s", "g?y#s" => "http://a/b/c/g?y#s", ";x" => "http://a/b/c/;x",
        "g;x" => "http://a/b/c/g;x", "" => "http://a/b/c/d;p?q", "." => "http://a/b/c/",
        "./" => "http://a/b/c/", ".." => "http://a/b/", "../" => "http://a/b/",
        "../g" => "http://a/b/g", "../.." => "http://a/", "../../" => "http://a/",
        "../../g" => "http://a/g", "../../../g" => "http://a/g", "../../../../g" => "http://a/g",
        "/./g" => "http://a/g", "/../g" => "http://a/g", "g." => "http://a/b/c/g.",
        ".g" => "http://a/b/c/.g", "g.." => "http://a/b/c/g..", "..g" => "http://a/b/c/..g",
        "./../g" => "http://a/b/g", "./g/." => "http://a/b/c/g/", "g/./h" => "http://a/b/c/g/h",
        "g/../h" => "http://a/b/c/h", "g;x=1/./y" => "http://a/b/c/g;x=1/y",
        "g;x=1/../y" => "http://a/b/c/y",
    }

    #[test]
    fn keyword_forms() {
        assert!(is_keyword("@id"));
        assert!(!is_keyword("@foo"));
        assert!(has_keyword_form("@foo"));
        assert!(!has_keyword_form("@"));
        assert!(!has_keyword_form("@foo.bar"));
    }

    #[test]
    fn language_tags() {
        assert!(is_well_formed_language_tag("en"));
        assert!(is_well_formed_language_tag("en-US"));
        assert!(!is_well_formed_language_tag("en US"));
        assert!(!is_well_formed_language_tag(""));
    }
}
