//! Every alignment in every credential under `testdata/` resolves to a concept or is reported unresolved
//! with its reason (issue 13's acceptance table).

use std::path::{Path, PathBuf};

use credbridge_skills::{Framework, Method, Resolution, UnresolvedReason};
use serde_json::Value;

use crate::bundled;

/// One alignment found in a test credential.
#[derive(Debug)]
struct Found {
    file: String,
    pointer: String,
    url: Option<String>,
    name: Option<String>,
    framework: Option<String>,
    code: Option<String>,
}

fn walk(dir: &Path, out: &mut Vec<PathBuf>) {
    for entry in std::fs::read_dir(dir).unwrap().flatten() {
        let p = entry.path();
        if p.is_dir() {
            walk(&p, out);
        } else if p.extension().is_some_and(|e| e == "json") {
            out.push(p);
        }
    }
}

fn escape(key: &str) -> String {
    key.replace('~', "~0").replace('/', "~1")
}

fn text(v: &Value, keys: &[&str]) -> Option<String> {
    keys.iter()
        .find_map(|k| v.get(*k).and_then(Value::as_str))
        .map(str::to_owned)
}

/// Alignment objects: OB 2.0/3.0 `alignment` (targetUrl, targetName, ...), OB 1.x `alignment` (url, name),
/// ELM `relatedESCOSkill` (IRIs or objects with `id`). JSON-LD context term definitions are not alignments.
fn collect(v: &Value, pointer: &str, file: &str, out: &mut Vec<Found>) {
    match v {
        Value::Object(map) => {
            for (k, child) in map {
                let here = format!("{pointer}/{}", escape(k));
                if k == "alignment" || k == "relatedESCOSkill" {
                    let items: Vec<(String, &Value)> = match child {
                        Value::Array(a) => a
                            .iter()
                            .enumerate()
                            .map(|(i, x)| (format!("{here}/{i}"), x))
                            .collect(),
                        other => vec![(here.clone(), other)],
                    };
                    for (p, item) in items {
                        let found = match item {
                            Value::String(s) if k == "relatedESCOSkill" => Some(Found {
                                file: file.to_owned(),
                                pointer: p,
                                url: Some(s.clone()),
                                name: None,
                                framework: Some("ESCO".into()),
                                code: None,
                            }),
                            Value::Object(_) => {
                                let url = text(item, &["targetUrl", "url", "id"]);
                                let name = text(item, &["targetName", "name"]);
                                (url.is_some() || name.is_some()).then(|| Found {
                                    file: file.to_owned(),
                                    pointer: p,
                                    url,
                                    name,
                                    framework: text(item, &["targetFramework", "framework"]),
                                    code: text(item, &["targetCode", "code"]),
                                })
                            }
                            _ => None,
                        };
                        out.extend(found);
                    }
                }
                collect(child, &here, file, out);
            }
        }
        Value::Array(a) => {
            for (i, x) in a.iter().enumerate() {
                collect(x, &format!("{pointer}/{i}"), file, out);
            }
        }
        _ => {}
    }
}

fn outcome(r: &Resolution) -> String {
    match r {
        Resolution::Resolved { concept, .. } => {
            format!("resolved:{:?}:{}", concept.method, concept.framework)
        }
        Resolution::Unresolved { reason, .. } => match reason {
            UnresolvedReason::FrameworkNotLoaded { framework } => {
                format!("unresolved:not_loaded:{framework}")
            }
            UnresolvedReason::NotInFramework { framework, .. } => {
                format!("unresolved:not_in:{framework}")
            }
            UnresolvedReason::UnrecognisedTarget => "unresolved:unrecognised".into(),
            UnresolvedReason::MissingTarget => "unresolved:missing".into(),
            other => format!("unresolved:{other:?}"),
        },
        other => format!("{other:?}"),
    }
}

/// What each distinct target must resolve to. A new alignment in `testdata/` fails the test until it is
/// added here, so the table stays complete.
const EXPECTED: &[(&str, &str)] = &[
    (
        "https://1edtech.edu/catalog/degree",
        "unresolved:unrecognised",
    ),
    (
        "https://1edtech.edu/catalog/degree/project",
        "unresolved:unrecognised",
    ),
    (
        "https://1edtech.edu/catalog/degree/project/result/1",
        "unresolved:unrecognised",
    ),
    (
        "https://1edtech.edu/catalog/degree/project/rubric/levels/basic",
        "unresolved:unrecognised",
    ),
    (
        "https://1edtech.edu/catalog/degree/project/rubric/levels/mastered",
        "unresolved:unrecognised",
    ),
    (
        "https://credentialfinder.org/credential/20229/Requirements_Analysis",
        "unresolved:unrecognised",
    ),
    (
        "https://credentialengineregistry.org/resources/ce-98cb027b-95ef-4494-908d-6f7790ec6b6b",
        "unresolved:not_loaded:CTDL-ASN",
    ),
    (
        "https://robotics-competencies.example.com/competencies/robot-programming",
        "unresolved:unrecognised",
    ),
    (
        "https://credentialfinder.org/competency/ce-6369c51f-4d86-4592-a761-8b32ae70a045",
        "unresolved:not_loaded:CTDL-ASN",
    ),
    (
        "https://caseregistry.imsglobal.org/uri/74f5bb7d-d7cc-11e8-824f-0242ac160002",
        "unresolved:not_loaded:CASE",
    ),
    ("http://example.com", "unresolved:unrecognised"),
];

#[test]
fn every_testdata_alignment_resolves_or_says_why_not() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../testdata");
    let mut files = Vec::new();
    walk(&root, &mut files);
    files.sort();
    let mut found = Vec::new();
    for f in &files {
        let Ok(bytes) = std::fs::read(f) else {
            continue;
        };
        let Ok(v) = serde_json::from_slice::<Value>(&bytes) else {
            continue;
        };
        let rel = f.strip_prefix(&root).unwrap_or(f).display().to_string();
        collect(&v, "", &rel, &mut found);
    }
    assert!(
        found.len() >= 20,
        "only {} alignments found under testdata/",
        found.len()
    );
    let fw = bundled();
    let mut table = String::new();
    let mut problems = Vec::new();
    for a in &found {
        let r = fw.resolve_alignment(
            a.url.as_deref(),
            a.name.as_deref(),
            a.framework.as_deref(),
            a.code.as_deref(),
        );
        let got = outcome(&r);
        let message = match &r {
            Resolution::Unresolved { message, .. } => message.clone(),
            Resolution::Resolved { concept, .. } => format!("{} ({})", concept.label, concept.iri),
            _ => String::new(),
        };
        table.push_str(&format!(
            "{}#{}\t{:?}\t{:?}\t{got}\t{message}\n",
            a.file, a.pointer, a.url, a.name
        ));
        if message.is_empty() {
            problems.push(format!("{}#{}: no reason", a.file, a.pointer));
        }
        if let Resolution::Resolved { concept, .. } = &r
            && concept.method.is_inferred() != concept.inferred
        {
            problems.push(format!(
                "{}#{}: inferred flag disagrees with method",
                a.file, a.pointer
            ));
        }
        let key = a.url.as_deref().unwrap_or("");
        match EXPECTED.iter().find(|(u, _)| *u == key) {
            Some((_, want)) if *want == got => {}
            Some((_, want)) => problems.push(format!(
                "{}#{} {key}: want {want}, got {got}",
                a.file, a.pointer
            )),
            None => problems.push(format!(
                "{}#{} {key}: not in EXPECTED (got {got})",
                a.file, a.pointer
            )),
        }
    }
    println!("{table}");
    assert!(problems.is_empty(), "{}\n\n{table}", problems.join("\n"));
}

#[test]
fn esco_and_onet_targets_resolve_by_iri_and_by_code() {
    let fw = bundled();
    let python = "http://data.europa.eu/esco/skill/ccd0a1d9-afda-43d9-b901-96344886e14d";
    let r = fw.resolve_alignment(
        Some(&python.replace("http:", "https:")),
        Some("Python"),
        Some("ESCO"),
        None,
    );
    let m = r.concept().expect("https variant of an ESCO IRI");
    assert_eq!(
        (m.iri.as_str(), m.method, m.inferred),
        (python, Method::ExactIri, false)
    );
    let r = fw.resolve_alignment(
        Some("https://example.edu/skills/programming"),
        Some("Programming"),
        Some("O*NET"),
        Some("2.B.3.e"),
    );
    let m = r.concept().expect("O*NET element by code");
    assert_eq!((m.framework, m.method), (Framework::Onet, Method::ExactIri));
    let unknown = "http://data.europa.eu/esco/skill/00000000-0000-0000-0000-000000000000";
    match fw.resolve_alignment(Some(unknown), None, None, None) {
        Resolution::Unresolved {
            reason: UnresolvedReason::NotInFramework { framework, version },
            message,
            ..
        } => {
            assert_eq!((framework, version.as_str()), (Framework::Esco, "1.1.1"));
            assert_eq!(message, "no ESCO 1.1.1 concept has this IRI");
        }
        other => panic!("{other:?}"),
    }
    // An issuer's own catalog IRI whose name equals an ESCO label resolves by label, marked inferred.
    let r = fw.resolve_alignment(
        Some("https://example.edu/catalog/sql-101"),
        Some("SQL"),
        None,
        None,
    );
    let m = r.concept().expect("label match");
    assert_eq!(
        (m.method, m.inferred, m.label.as_str()),
        (Method::ExactLabel, true, "SQL")
    );
    match fw.resolve_alignment(None, None, None, None) {
        Resolution::Unresolved { reason, .. } => {
            assert_eq!(reason, UnresolvedReason::MissingTarget)
        }
        other => panic!("{other:?}"),
    }
}
