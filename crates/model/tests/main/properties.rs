//! Bounded property tests: random and mutated real JSON through `fuzzing::parse_value`
//! (parse + summarize + Display + schema findings + write-back check) must never panic.

use proptest::prelude::*;
use serde_json::{Map, Value};

use crate::fixtures::{Extracted, all_example_files, extract};

fn examples() -> &'static [Value] {
    static EXAMPLES: std::sync::OnceLock<Vec<Value>> = std::sync::OnceLock::new();
    EXAMPLES.get_or_init(|| {
        all_example_files()
            .iter()
            .filter_map(|relative| match extract(relative)? {
                Extracted::Json(value) => Some(value),
                Extracted::Jwt { credential, .. } => Some(credential),
            })
            .collect()
    })
}

fn scalar() -> impl Strategy<Value = Value> {
    prop_oneof![
        Just(Value::Null),
        any::<bool>().prop_map(Value::Bool),
        any::<i64>().prop_map(Value::from),
        (-1e9f64..1e9).prop_map(Value::from),
        "[a-zA-Z0-9:/._$-]{0,12}".prop_map(Value::String),
        prop_oneof![
            Just("VerifiableCredential"),
            Just("OpenBadgeCredential"),
            Just("ClrCredential"),
            Just("Assertion"),
            Just("https://www.w3.org/ns/credentials/v2"),
            Just("https://w3id.org/openbadges/v2"),
            Just("2010-01-01T00:00:00Z"),
        ]
        .prop_map(|s| Value::String(s.to_owned())),
    ]
}

const KEYS: &[&str] = &[
    "@context",
    "type",
    "id",
    "issuer",
    "credentialSubject",
    "achievement",
    "validFrom",
    "issuanceDate",
    "proof",
    "credentialStatus",
    "recipient",
    "badge",
    "verify",
    "verification",
    "issuedOn",
    "alignment",
    "identifier",
    "result",
    "endorsement",
    "verifiableCredential",
    "name",
    "criteria",
    "evidence",
    "image",
    "origin",
];

fn json_value() -> impl Strategy<Value = Value> {
    scalar().prop_recursive(5, 64, 6, |inner| {
        prop_oneof![
            prop::collection::vec(inner.clone(), 0..4).prop_map(Value::Array),
            prop::collection::vec((prop::sample::select(KEYS), inner), 0..6).prop_map(|pairs| {
                Value::Object(
                    pairs
                        .into_iter()
                        .map(|(k, v)| (k.to_owned(), v))
                        .collect::<Map<_, _>>(),
                )
            }),
        ]
    })
}

/// Replaces the node reached by following `path` (indices taken modulo the children) with
/// `replacement`, or, with `wrap`, puts the node into a one-element array.
fn mutate(value: &mut Value, path: &[usize], replacement: Value, wrap: bool) {
    let child = match value {
        Value::Object(map) if !map.is_empty() && !path.is_empty() => {
            let index = path[0] % map.len();
            map.values_mut().nth(index)
        }
        Value::Array(items) if !items.is_empty() && !path.is_empty() => {
            let index = path[0] % items.len();
            items.get_mut(index)
        }
        _ => None,
    };
    match child {
        Some(child) => mutate(child, &path[1..], replacement, wrap),
        None if wrap => *value = Value::Array(vec![value.take()]),
        None => *value = replacement,
    }
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 256, ..ProptestConfig::default() })]

    #[test]
    fn random_json_never_panics(value in json_value()) {
        credbridge_model::fuzzing::parse_value(&value);
    }

    #[test]
    fn mutated_examples_never_panic(
        which in any::<prop::sample::Index>(),
        path in prop::collection::vec(any::<usize>(), 0..6),
        replacement in json_value(),
        wrap in any::<bool>(),
    ) {
        let mut value = which.get(examples()).clone();
        mutate(&mut value, &path, replacement, wrap);
        credbridge_model::fuzzing::parse_value(&value);
    }

    #[test]
    fn random_bytes_never_panic(bytes in prop::collection::vec(any::<u8>(), 0..256)) {
        credbridge_model::fuzzing::parse(&bytes);
    }
}

/// The worst nesting `parse` accepts, through the recursive typed views (credential → issuer
/// profile → endorsement → credential …), must not overflow the stack of a test thread
/// (2 MiB) in a debug build.
#[test]
fn deepest_accepted_nesting_does_not_overflow() {
    use serde_json::json;
    let mut endorsement = json!({"type": ["VerifiableCredential", "EndorsementCredential"]});
    // Each step adds 4 levels: {issuer: {endorsement: [ {…} ]}}.
    let steps = (credbridge_model::MAX_DEPTH - 8) / 4;
    for _ in 0..steps {
        endorsement = json!({
            "type": ["VerifiableCredential", "EndorsementCredential"],
            "issuer": {"id": "https://example.org", "endorsement": [endorsement]}
        });
    }
    let mut credential = json!({
        "@context": ["https://www.w3.org/ns/credentials/v2"],
        "type": ["VerifiableCredential", "OpenBadgeCredential"],
        "issuer": {"id": "https://example.org", "endorsement": [endorsement]}
    });
    credbridge_model::fuzzing::parse_value(&credential);
    let doc = credbridge_model::parse(&credential).unwrap();
    assert_eq!(doc.typed_error, None);
    assert_eq!(credbridge_model::summarize(&doc).endorsement_count, 1);

    // Too deep by one level more than the limit: refused, not overflowed.
    for _ in 0..credbridge_model::MAX_DEPTH {
        credential = json!({ "extra": credential });
    }
    assert!(credbridge_model::parse(&credential).is_err());
}
