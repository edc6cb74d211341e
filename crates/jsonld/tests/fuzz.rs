//! Bounded property test over the fuzzing entry point: random JSON-LD-shaped documents and
//! mutations of the toRdf suite inputs must never panic.

use std::path::PathBuf;
use std::sync::OnceLock;

use proptest::prelude::*;
use serde_json::Value;

fn corpus() -> &'static Vec<Value> {
    static CORPUS: OnceLock<Vec<Value>> = OnceLock::new();
    CORPUS.get_or_init(|| {
        let dir = PathBuf::from(env!("CARGO_MANIFEST_DIR"))
            .join("../../testdata/vectors/json-ld-api/tests/toRdf");
        let mut files: Vec<PathBuf> = std::fs::read_dir(dir)
            .unwrap()
            .map(|e| e.unwrap().path())
            .filter(|p| p.to_string_lossy().ends_with("-in.jsonld"))
            .collect();
        files.sort();
        files
            .iter()
            .filter_map(|p| serde_json::from_slice(&std::fs::read(p).ok()?).ok())
            .collect()
    })
}

const KEYS: &[&str] = &[
    "@context",
    "@id",
    "@type",
    "@value",
    "@language",
    "@list",
    "@set",
    "@graph",
    "@reverse",
    "@index",
    "@nest",
    "@included",
    "@json",
    "@vocab",
    "@base",
    "@container",
    "@protected",
    "@propagate",
    "@direction",
    "@prefix",
    "@version",
    "@import",
    "name",
    "ex:p",
    "_:b",
    "http://ex.org/p",
    "type",
    "id",
];

fn arb_json() -> impl Strategy<Value = Value> {
    let leaf = prop_oneof![
        Just(Value::Null),
        any::<bool>().prop_map(Value::Bool),
        any::<i32>().prop_map(Value::from),
        (-1e30f64..1e30).prop_map(Value::from),
        prop::sample::select(KEYS).prop_map(|s| Value::String(s.to_owned())),
        "[a-z:/#@_.]{0,12}".prop_map(Value::String),
    ];
    leaf.prop_recursive(5, 48, 6, |inner| {
        prop_oneof![
            prop::collection::vec(inner.clone(), 0..5).prop_map(Value::Array),
            prop::collection::vec((prop::sample::select(KEYS), inner), 0..6).prop_map(|kv| {
                Value::Object(kv.into_iter().map(|(k, v)| (k.to_owned(), v)).collect())
            }),
        ]
    })
}

/// Replaces the node at `path_choice` (a pre-order index) in `doc` with `replacement`.
fn mutate(doc: &mut Value, target: &mut usize, replacement: &Value) -> bool {
    if *target == 0 {
        *doc = replacement.clone();
        return true;
    }
    *target -= 1;
    match doc {
        Value::Array(a) => a.iter_mut().any(|v| mutate(v, target, replacement)),
        Value::Object(m) => m.values_mut().any(|v| mutate(v, target, replacement)),
        _ => false,
    }
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 300, ..ProptestConfig::default() })]

    #[test]
    fn random_documents_never_panic(doc in arb_json()) {
        credbridge_jsonld::fuzzing::to_rdf(doc.to_string().as_bytes());
    }

    #[test]
    fn mutated_suite_inputs_never_panic(
        index in any::<prop::sample::Index>(),
        target in 0usize..64,
        replacement in arb_json(),
        cut in any::<prop::sample::Index>(),
    ) {
        let corpus = corpus();
        let mut doc = corpus[index.index(corpus.len())].clone();
        let mut t = target;
        mutate(&mut doc, &mut t, &replacement);
        let text = doc.to_string();
        credbridge_jsonld::fuzzing::to_rdf(text.as_bytes());
        // Truncated bytes as well (mostly invalid JSON, must be rejected quietly).
        let at = cut.index(text.len().max(1));
        credbridge_jsonld::fuzzing::to_rdf(&text.as_bytes()[..at]);
    }
}
