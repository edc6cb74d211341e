//! Test helpers: a small N-Quads parser for expected outputs and an RDF dataset
//! isomorphism check (blank nodes may be renamed).

use std::collections::{BTreeMap, HashMap};

use credbridge_rdf::{Literal, Quad, Term};

fn unescape(s: &str) -> String {
    let mut out = String::new();
    let mut chars = s.chars();
    while let Some(c) = chars.next() {
        if c != '\\' {
            out.push(c);
            continue;
        }
        match chars.next() {
            Some('t') => out.push('\t'),
            Some('b') => out.push('\u{8}'),
            Some('n') => out.push('\n'),
            Some('r') => out.push('\r'),
            Some('f') => out.push('\u{c}'),
            Some('"') => out.push('"'),
            Some('\'') => out.push('\''),
            Some('\\') => out.push('\\'),
            Some('u') => {
                let hex: String = chars.by_ref().take(4).collect();
                out.push(char::from_u32(u32::from_str_radix(&hex, 16).unwrap()).unwrap());
            }
            Some('U') => {
                let hex: String = chars.by_ref().take(8).collect();
                out.push(char::from_u32(u32::from_str_radix(&hex, 16).unwrap()).unwrap());
            }
            other => panic!("bad escape {other:?}"),
        }
    }
    out
}

fn term(s: &str) -> (Term, &str) {
    let s = s.trim_start();
    if let Some(rest) = s.strip_prefix('<') {
        let end = rest.find('>').unwrap();
        return (Term::Iri(unescape(&rest[..end])), &rest[end + 1..]);
    }
    if let Some(rest) = s.strip_prefix("_:") {
        let end = rest.find(|c: char| c.is_whitespace()).unwrap_or(rest.len());
        return (Term::BlankNode(rest[..end].to_owned()), &rest[end..]);
    }
    let rest = s.strip_prefix('"').expect("literal");
    let mut end = 0;
    let bytes = rest.as_bytes();
    while bytes[end] != b'"' {
        end += if bytes[end] == b'\\' { 2 } else { 1 };
    }
    let value = unescape(&rest[..end]);
    let after = &rest[end + 1..];
    if let Some(dt) = after.strip_prefix("^^<") {
        let e = dt.find('>').unwrap();
        return (
            Term::Literal(Literal {
                value,
                datatype: unescape(&dt[..e]),
                language: None,
            }),
            &dt[e + 1..],
        );
    }
    if let Some(lang) = after.strip_prefix('@') {
        let e = lang.find(|c: char| c.is_whitespace()).unwrap_or(lang.len());
        return (
            Term::Literal(Literal {
                value,
                datatype: "http://www.w3.org/1999/02/22-rdf-syntax-ns#langString".to_owned(),
                language: Some(lang[..e].to_lowercase()),
            }),
            &lang[e..],
        );
    }
    (
        Term::Literal(Literal {
            value,
            datatype: "http://www.w3.org/2001/XMLSchema#string".to_owned(),
            language: None,
        }),
        after,
    )
}

/// Parses N-Quads text.
pub fn parse(text: &str) -> Vec<Quad> {
    let mut out = Vec::new();
    for line in text.lines() {
        let line = line.trim();
        if line.is_empty() || line.starts_with('#') {
            continue;
        }
        let (subject, rest) = term(line);
        let (predicate, rest) = term(rest);
        let (object, rest) = term(rest);
        let rest = rest.trim_start();
        let graph = if rest.starts_with('.') {
            None
        } else {
            Some(term(rest).0)
        };
        out.push(Quad {
            subject,
            predicate,
            object,
            graph,
        });
    }
    out
}

/// Serialises quads as N-Quads (for diagnostics).
pub fn to_nquads(quads: &[Quad]) -> String {
    fn t(term: &Term) -> String {
        match term {
            Term::Iri(i) => format!("<{i}>"),
            Term::BlankNode(b) => format!("_:{b}"),
            Term::Literal(l) => {
                let v = l
                    .value
                    .replace('\\', "\\\\")
                    .replace('"', "\\\"")
                    .replace('\n', "\\n")
                    .replace('\r', "\\r");
                match &l.language {
                    Some(lang) => format!("\"{v}\"@{lang}"),
                    None if l.datatype == "http://www.w3.org/2001/XMLSchema#string" => {
                        format!("\"{v}\"")
                    }
                    None => format!("\"{v}\"^^<{}>", l.datatype),
                }
            }
        }
    }
    let mut lines: Vec<String> = quads
        .iter()
        .map(|q| match &q.graph {
            Some(g) => format!(
                "{} {} {} {} .",
                t(&q.subject),
                t(&q.predicate),
                t(&q.object),
                t(g)
            ),
            None => format!("{} {} {} .", t(&q.subject), t(&q.predicate), t(&q.object)),
        })
        .collect();
    lines.sort();
    lines.join("\n")
}

fn normalise(quads: &[Quad]) -> Vec<Quad> {
    let mut q: Vec<Quad> = quads
        .iter()
        .map(|q| {
            let fix = |t: &Term| match t {
                Term::Literal(l) => Term::Literal(Literal {
                    value: l.value.clone(),
                    datatype: l.datatype.clone(),
                    language: l.language.as_ref().map(|s| s.to_lowercase()),
                }),
                other => other.clone(),
            };
            Quad {
                subject: fix(&q.subject),
                predicate: fix(&q.predicate),
                object: fix(&q.object),
                graph: q.graph.as_ref().map(fix),
            }
        })
        .collect();
    q.sort();
    q.dedup();
    q
}

fn blanks(quads: &[Quad]) -> Vec<String> {
    let mut out: Vec<String> = Vec::new();
    for q in quads {
        for t in [
            Some(&q.subject),
            Some(&q.predicate),
            Some(&q.object),
            q.graph.as_ref(),
        ]
        .into_iter()
        .flatten()
        {
            if let Term::BlankNode(b) = t
                && !out.contains(b)
            {
                out.push(b.clone());
            }
        }
    }
    out
}

/// Colour refinement: a hash per blank node from its neighbourhood, iterated.
fn colours(quads: &[Quad], nodes: &[String]) -> HashMap<String, u64> {
    use std::hash::{DefaultHasher, Hash, Hasher};
    let mut colour: HashMap<String, u64> = nodes.iter().map(|n| (n.clone(), 0)).collect();
    let tag = |t: &Term, colour: &HashMap<String, u64>| -> String {
        match t {
            Term::BlankNode(b) => format!("_{}", colour[b]),
            Term::Iri(i) => format!("<{i}>"),
            Term::Literal(l) => format!("{l:?}"),
        }
    };
    for _ in 0..4 {
        let mut sigs: HashMap<String, Vec<String>> = HashMap::new();
        for q in quads {
            let parts = [
                Some(&q.subject),
                Some(&q.predicate),
                Some(&q.object),
                q.graph.as_ref(),
            ];
            let rendered: Vec<String> = parts
                .iter()
                .map(|p| p.map_or("-".to_owned(), |t| tag(t, &colour)))
                .collect();
            for (pos, p) in parts.iter().enumerate() {
                if let Some(Term::BlankNode(b)) = p {
                    sigs.entry(b.clone())
                        .or_default()
                        .push(format!("{pos}:{}", rendered.join(" ")));
                }
            }
        }
        for n in nodes {
            let mut s = sigs.remove(n).unwrap_or_default();
            s.sort();
            let mut h = DefaultHasher::new();
            colour[n].hash(&mut h);
            s.hash(&mut h);
            colour.insert(n.clone(), h.finish());
        }
    }
    colour
}

fn apply(quads: &[Quad], map: &BTreeMap<String, String>) -> Vec<Quad> {
    let f = |t: &Term| match t {
        Term::BlankNode(b) => Term::BlankNode(map.get(b).cloned().unwrap_or_else(|| b.clone())),
        other => other.clone(),
    };
    let mut out: Vec<Quad> = quads
        .iter()
        .map(|q| Quad {
            subject: f(&q.subject),
            predicate: f(&q.predicate),
            object: f(&q.object),
            graph: q.graph.as_ref().map(f),
        })
        .collect();
    out.sort();
    out
}

/// Whether two datasets are equal up to blank-node renaming.
pub fn isomorphic(a: &[Quad], b: &[Quad]) -> bool {
    let a = normalise(a);
    let b = normalise(b);
    if a.len() != b.len() {
        return false;
    }
    let na = blanks(&a);
    let nb = blanks(&b);
    if na.len() != nb.len() {
        return false;
    }
    let ca = colours(&a, &na);
    let cb = colours(&b, &nb);
    let mut map = BTreeMap::new();
    let mut used = Vec::new();
    search(&a, &b, &na, &nb, &ca, &cb, 0, &mut map, &mut used, &mut 0)
}

#[allow(clippy::too_many_arguments)]
fn search(
    a: &[Quad],
    b: &[Quad],
    na: &[String],
    nb: &[String],
    ca: &HashMap<String, u64>,
    cb: &HashMap<String, u64>,
    i: usize,
    map: &mut BTreeMap<String, String>,
    used: &mut Vec<String>,
    budget: &mut usize,
) -> bool {
    *budget += 1;
    if *budget > 100_000 {
        return false;
    }
    if i == na.len() {
        return apply(a, map) == b;
    }
    let x = &na[i];
    for y in nb {
        if used.contains(y) || ca[x] != cb[y] {
            continue;
        }
        map.insert(x.clone(), y.clone());
        used.push(y.clone());
        if search(a, b, na, nb, ca, cb, i + 1, map, used, budget) {
            return true;
        }
        used.pop();
        map.remove(x);
    }
    false
}
