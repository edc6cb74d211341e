//! Bounded property tests over the fuzzing entry points and the defining property of
//! RDFC-1.0: the canonical form does not depend on blank-node labels or quad order.

use std::sync::OnceLock;

use credbridge_rdf::{
    CanonOptions, Quad, Term, canonical_nquads, canonicalize, fuzzing, parse_nquads,
};
use proptest::prelude::*;

use crate::suite_dir;

/// The suite's input documents except the poison graph (test074), which only fails.
fn suite_inputs() -> &'static [String] {
    static INPUTS: OnceLock<Vec<String>> = OnceLock::new();
    INPUTS.get_or_init(|| {
        let mut paths: Vec<_> = std::fs::read_dir(suite_dir().join("rdfc10"))
            .unwrap()
            .map(|e| e.unwrap().path())
            .filter(|p| {
                let name = p.file_name().unwrap().to_str().unwrap();
                name.ends_with("-in.nq") && !name.starts_with("test074")
            })
            .collect();
        paths.sort();
        paths
            .iter()
            .map(|p| std::fs::read_to_string(p).unwrap())
            .collect()
    })
}

/// Renames every blank node through `rename` and reorders quads by `order` (indices).
fn relabel(quads: &[Quad], salt: u64, order: &[usize]) -> Vec<Quad> {
    let rename = |t: &Term| match t {
        Term::BlankNode(label) => {
            // A salted hash as the new label changes both the labels and their order.
            let h = label.bytes().fold(salt, |h, b| {
                (h ^ u64::from(b)).wrapping_mul(0x100_0000_01b3)
            });
            Term::BlankNode(format!("n{h:x}"))
        }
        other => other.clone(),
    };
    order
        .iter()
        .map(|&i| {
            let q = &quads[i % quads.len()];
            Quad {
                subject: rename(&q.subject),
                predicate: q.predicate.clone(),
                object: rename(&q.object),
                graph: q.graph.as_ref().map(rename),
            }
        })
        .collect()
}

/// A permutation of `0..n` derived from `seed` (Fisher–Yates with a xorshift).
fn shuffled(n: usize, mut seed: u64) -> Vec<usize> {
    let mut v: Vec<usize> = (0..n).collect();
    for i in (1..n).rev() {
        seed ^= seed << 13;
        seed ^= seed >> 7;
        seed ^= seed << 17;
        v.swap(i, (seed % (i as u64 + 1)) as usize);
    }
    v
}

/// A small random dataset: up to 6 blank nodes linked by 2 predicates, with literals,
/// IRIs and named graphs, so that ties and Hash N-Degree Quads are common.
fn small_dataset() -> impl Strategy<Value = Vec<Quad>> {
    let term = prop_oneof![
        (0u8..6).prop_map(|b| Term::BlankNode(format!("b{b}"))),
        (0u8..2).prop_map(|i| Term::Iri(format!("urn:x:{i}"))),
    ];
    let object = prop_oneof![
        3 => term.clone(),
        1 => (0u8..2).prop_map(|v| Term::Literal(credbridge_rdf::Literal {
            value: v.to_string(),
            datatype: credbridge_rdf::term::XSD_STRING.to_owned(),
            language: None,
        })),
    ];
    let graph = prop_oneof![
        4 => Just(None),
        1 => term.clone().prop_map(Some),
    ];
    prop::collection::vec(
        (term, 0u8..2, object, graph).prop_map(|(subject, p, object, graph)| Quad {
            subject,
            predicate: Term::Iri(format!("urn:p:{p}")),
            object,
            graph,
        }),
        1..12,
    )
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 300, ..ProptestConfig::default() })]

    #[test]
    fn random_bytes_never_panic(data in prop::collection::vec(any::<u8>(), 0..300)) {
        fuzzing::parse(&data);
        fuzzing::parse_and_canonicalize(&data);
    }

    #[test]
    fn random_nquads_like_text_never_panics(
        text in r#"([<>_:"@^. \\#a-z0-9\n\t]|\\u00e9|\\U0001F303|<urn:x>|_:b[0-9]|"[a-z\\]*"@en|\^\^<urn:t>){0,60}"#
    ) {
        fuzzing::parse(text.as_bytes());
        fuzzing::parse_and_canonicalize(text.as_bytes());
    }

    #[test]
    fn mutated_suite_inputs_never_panic(
        file in any::<prop::sample::Index>(),
        edits in prop::collection::vec((any::<prop::sample::Index>(), 0u8..3, any::<u8>()), 1..8),
    ) {
        let mut data = file.get(suite_inputs()).as_bytes().to_vec();
        for (at, op, byte) in edits {
            if data.is_empty() {
                data.push(byte);
                continue;
            }
            let i = at.index(data.len());
            match op {
                0 => data[i] = byte,
                1 => data.insert(i, byte),
                _ => {
                    data.remove(i);
                }
            }
        }
        fuzzing::parse(&data);
        fuzzing::parse_and_canonicalize(&data);
    }

    #[test]
    fn suite_inputs_canonicalize_the_same_under_relabelling(
        file in any::<prop::sample::Index>(),
        salt in any::<u64>(),
        seed in 1u64..,
    ) {
        let quads = parse_nquads(file.get(suite_inputs()).as_str()).unwrap();
        let original = canonicalize(&quads, &CanonOptions::default()).unwrap();
        let scrambled = relabel(&quads, salt, &shuffled(quads.len(), seed));
        let again = canonicalize(&scrambled, &CanonOptions::default()).unwrap();
        prop_assert_eq!(&original.nquads, &again.nquads);
        prop_assert_eq!(original.issued_identifiers.len(), again.issued_identifiers.len());
    }

    #[test]
    fn random_datasets_canonicalize_the_same_under_relabelling(
        quads in small_dataset(),
        salt in any::<u64>(),
        seed in 1u64..,
    ) {
        let options = CanonOptions::default();
        let scrambled = relabel(&quads, salt, &shuffled(quads.len(), seed));
        // Datasets this small stay far below the default work limits.
        let a = canonical_nquads(&quads, &options).unwrap();
        let b = canonical_nquads(&scrambled, &options).unwrap();
        prop_assert_eq!(a, b);
    }
}
