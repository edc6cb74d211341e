//! Bounded property tests over the fuzzing entry points: random and mutated real inputs never
//! panic, and baking always round-trips.

use credbridge_formats::fuzzing;
use proptest::prelude::*;

use crate::example;

/// Real inputs of every container kind, to mutate.
const SEEDS: &[&str] = &[
    "1edtech-validator/ob30/simple.json",
    "1edtech-validator/clr20/simple.json",
    "1edtech-validator/clr20/simple.jwt",
    "1edtech-validator/ob20/simple.jwt",
    "1edtech-validator/ob20/simple-badge.png",
    "1edtech-validator/ob30/simple-json.svg",
    "1edtech-validator/ob30/simple-jwt.svg",
    "ob20-baking-mozilla-bakery/baked.svg",
];

fn seeds() -> Vec<Vec<u8>> {
    let mut seeds: Vec<Vec<u8>> = SEEDS.iter().map(|s| example(s)).collect();
    // A zip archive and a JSON Lines text, so mutations reach those decoders too.
    seeds.push(crate::zip_of(&[
        ("a.json", &seeds[0], true),
        ("b.png", &seeds[4], false),
    ]));
    let line =
        serde_json::to_string(&serde_json::from_slice::<serde_json::Value>(&seeds[0]).unwrap())
            .unwrap();
    seeds.push(format!("{line}\n{line}\n").into_bytes());
    seeds
}

#[derive(Debug, Clone)]
enum Mutation {
    Flip {
        at: usize,
        mask: u8,
    },
    Truncate {
        at: usize,
    },
    Insert {
        at: usize,
        byte: u8,
    },
    /// Wrap in a JSON array / presentation / one-key object (as text).
    Nest(u8),
}

fn mutation() -> impl Strategy<Value = Mutation> {
    prop_oneof![
        (any::<usize>(), 1u8..).prop_map(|(at, mask)| Mutation::Flip { at, mask }),
        any::<usize>().prop_map(|at| Mutation::Truncate { at }),
        (any::<usize>(), any::<u8>()).prop_map(|(at, byte)| Mutation::Insert { at, byte }),
        (0u8..3).prop_map(Mutation::Nest),
    ]
}

fn apply(mut data: Vec<u8>, mutation: &Mutation) -> Vec<u8> {
    let len = data.len().max(1);
    match *mutation {
        Mutation::Flip { at, mask } => {
            if let Some(b) = data.get_mut(at % len) {
                *b ^= mask;
            }
        }
        Mutation::Truncate { at } => data.truncate(at % len),
        Mutation::Insert { at, byte } => data.insert(at % len.min(data.len() + 1), byte),
        Mutation::Nest(kind) => {
            let text = String::from_utf8_lossy(&data).into_owned();
            data = match kind {
                0 => format!("[{text}, {text}]"),
                1 => format!(
                    r#"{{"type": "VerifiablePresentation", "verifiableCredential": [{text}, {text:?}]}}"#
                ),
                _ => format!(r#"{{"jwt": {text:?}}}"#),
            }
            .into_bytes();
        }
    }
    data
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 256, failure_persistence: None, ..ProptestConfig::default() })]

    #[test]
    fn random_bytes_never_panic(data in proptest::collection::vec(any::<u8>(), 0..2048)) {
        fuzzing::decode(&data);
        fuzzing::decode_stream(&data);
    }

    #[test]
    fn mutated_examples_never_panic(
        seed in 0usize..10,
        mutations in proptest::collection::vec(mutation(), 1..4),
    ) {
        let seeds = seeds();
        let mut data = seeds[seed % seeds.len()].clone();
        for m in &mutations {
            data = apply(data, m);
        }
        fuzzing::decode(&data);
    }
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 64, failure_persistence: None, ..ProptestConfig::default() })]

    /// The structured fuzz target's entry point, bounded: attribute and namespace storms,
    /// many keys, long ids, nested and overlapping archives, JSON Lines and arrays built from
    /// a random unit never panic.
    #[test]
    fn amplified_shapes_never_panic(
        shape in 0u8..8,
        count in 0u16..200,
        unit in proptest::collection::vec(any::<u8>(), 0..64),
    ) {
        let mut data = vec![shape];
        data.extend_from_slice(&count.to_le_bytes());
        data.extend_from_slice(&unit);
        fuzzing::decode_amplified(&data);
    }

    #[test]
    fn baking_round_trips_any_json_credential(
        carrier in prop_oneof![
            Just("ob20-baking-mozilla-bakery/unbaked.png"),
            Just("1edtech-validator/ob30/simple-jwt.png"),
            Just("ob20-baking-mozilla-bakery/unbaked.svg"),
            Just("1edtech-validator/ob30/simple-json.svg"),
        ],
        name in "[ -~]{0,40}",
        extra in "\\PC{0,60}",
        kind in 0u8..3,
    ) {
        let types = ["OpenBadgeCredential", "ClrCredential", "Assertion"];
        let payload = serde_json::to_vec(&serde_json::json!({
            "@context": ["https://www.w3.org/ns/credentials/v2"],
            "type": ["VerifiableCredential", types[usize::from(kind)]],
            "name": name,
            "description": format!("{extra} ]]> <![CDATA[ & </svg>"),
        })).unwrap();
        fuzzing::bake_roundtrip(&example(carrier), &payload);
    }

    #[test]
    fn baking_into_mutated_images_never_panics(
        carrier in 0usize..4,
        mutation in mutation(),
    ) {
        let carriers = [
            "ob20-baking-mozilla-bakery/unbaked.png",
            "1edtech-validator/ob30/simple-json.svg",
            "ob20-baking-mozilla-bakery/baked.svg",
            "1edtech-validator/ob20/simple-badge.png",
        ];
        let image = apply(example(carriers[carrier]), &mutation);
        fuzzing::bake_roundtrip(&image, br#"{"type": "VerifiableCredential"}"#);
        fuzzing::bake_roundtrip(&image, crate::example_str("1edtech-validator/ob20/simple.jwt").as_bytes());
    }
}

/// Pieces of line-based texts: credential lines, blank and CRLF lines, a broken line, a
/// pretty-printed document, two values on one line, an array line, a byte order mark.
fn json_lines_pieces() -> Vec<String> {
    let one_line = |relative: &str| {
        serde_json::to_string(
            &serde_json::from_slice::<serde_json::Value>(&example(relative)).unwrap(),
        )
        .unwrap()
    };
    let vc = one_line("1edtech-validator/ob30/simple.json");
    let clr = one_line("1edtech-validator/clr20/simple.json");
    let jwt = crate::example_str("1edtech-validator/clr20/simple.jwt");
    vec![
        format!("{vc}\n"),
        format!("{clr}\r\n"),
        format!("\"{jwt}\"\n"),
        "\n".into(),
        "  \t \n".into(),
        "{\"broken\": \n".into(),
        format!("[{vc}, {vc}]\n"),
        format!("{vc} {vc}\n"),
        String::from_utf8(example("1edtech-validator/ob30/simple.json")).unwrap(),
        "\u{feff}".into(),
        "{}\n".into(),
        format!("{vc}"),
    ]
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 256, failure_persistence: None, ..ProptestConfig::default() })]

    /// The fuzzing entry point of the streamed path: line-based texts and mutated examples.
    #[test]
    fn streamed_decoding_never_panics_and_matches_in_memory(
        picks in proptest::collection::vec(0usize..12, 0..8),
        seed in proptest::option::of(0usize..10),
        mutations in proptest::collection::vec(mutation(), 0..3),
    ) {
        let pieces = json_lines_pieces();
        let mut data: Vec<u8> = match seed {
            Some(seed) => { let seeds = seeds(); seeds[seed % seeds.len()].clone() }
            None => picks.iter().flat_map(|&i| pieces[i].bytes()).collect(),
        };
        for m in &mutations {
            data = apply(data, m);
        }
        fuzzing::decode_stream(&data);
    }
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 200, failure_persistence: None, ..ProptestConfig::default() })]

    /// A file decoded from disk (streamed line by line when it is JSON Lines) gives exactly
    /// what the same bytes give in memory: the streaming decision and line numbers match.
    #[test]
    fn streamed_files_decode_like_the_same_bytes_in_memory(
        picks in proptest::collection::vec(0usize..12, 0..8),
        mutation in proptest::option::of(mutation()),
    ) {
        let pieces = json_lines_pieces();
        let mut data: Vec<u8> = picks.iter().flat_map(|&i| pieces[i].bytes()).collect();
        if let Some(m) = &mutation {
            data = apply(data, m);
        }
        let path = crate::scratch_dir("prop-streamed").join("in.jsonl");
        std::fs::write(&path, &data).unwrap();
        let limits = credbridge_formats::Limits::default();
        let streamed: Vec<_> = credbridge_formats::decode_path(&path, &limits).collect();
        let in_memory: Vec<_> =
            credbridge_formats::decode_bytes(&data, path.to_str().unwrap(), &limits).collect();
        prop_assert_eq!(crate::summary(&streamed), crate::summary(&in_memory));
    }
}
