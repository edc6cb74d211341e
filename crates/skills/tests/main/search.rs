//! Search and the lexical/semantic layers.

use credbridge_skills::{
    Error, Framework, Frameworks, HashedNgramEmbedder, LabelField, Method, SearchOptions, limits,
};

use crate::bundled;

const PYTHON: &str = "http://data.europa.eu/esco/skill/ccd0a1d9-afda-43d9-b901-96344886e14d";

#[test]
fn python_resolves_by_alternative_label() {
    let top = bundled().search("Python", 5).unwrap();
    let m = &top[0];
    assert_eq!(m.iri, PYTHON);
    assert_eq!(m.method, Method::ExactLabel);
    assert_eq!(m.matched_field, Some(LabelField::Alternative));
    assert_eq!(m.matched_label.as_deref(), Some("Python"));
    assert!(m.inferred);
    assert_eq!(&*m.version, "1.1.1");
    let exact = bundled().exact_label("python");
    assert!(exact.iter().any(|m| m.iri == PYTHON));
}

#[test]
fn search_normalizes_case_punctuation_and_word_forms() {
    let fw = bundled();
    let esco = SearchOptions {
        top_n: 5,
        frameworks: vec![Framework::Esco],
        kinds: Vec::new(),
    };
    for (query, want) in [
        ("TEAMWORK PRINCIPLES!", "teamwork principles"),
        ("working in a team", "work in teams"),
        ("JavaScript", "JavaScript"),
        ("SQL databases", "SQL"),
        (
            "customer relationship management",
            "customer relationship management",
        ),
    ] {
        let labels: Vec<String> = fw
            .search_with(query, &esco)
            .unwrap()
            .into_iter()
            .map(|m| m.label)
            .collect();
        assert!(labels.iter().any(|l| l == want), "{query:?}: {labels:?}");
    }
}

#[test]
fn filters_restrict_frameworks() {
    let fw = bundled();
    let onet = SearchOptions {
        top_n: 3,
        frameworks: vec![Framework::Onet],
        kinds: Vec::new(),
    };
    let top = fw.search_with("Python", &onet).unwrap();
    assert!(top.iter().all(|m| m.framework == Framework::Onet));
    assert_eq!(top[0].label, "Python");
}

#[test]
fn limits_are_named_errors() {
    let long = "a".repeat(limits::MAX_QUERY_BYTES + 1);
    let err = bundled().search(&long, 5).unwrap_err();
    assert!(
        matches!(
            err,
            Error::LimitExceeded {
                what: "query bytes",
                ..
            }
        ),
        "{err}"
    );
    let err = bundled().search("x", limits::MAX_TOP_N + 1).unwrap_err();
    assert!(
        matches!(err, Error::LimitExceeded { what: "top_n", .. }),
        "{err}"
    );
    assert!(bundled().search("", 5).unwrap().is_empty());
}

#[test]
fn the_semantic_layer_runs_with_the_weights_free_embedder() {
    let fw = Frameworks::builder()
        .case_package(&crate::fixture("opensalt-sample-cfpackage-case1p0.json"))
        .unwrap()
        .embedder(Box::new(HashedNgramEmbedder::new(128)))
        .build()
        .unwrap();
    assert_eq!(fw.model_id(), Some("hashed-ngram-128-v1"));
    // A misspelling no label contains still finds the item through character n-grams.
    let top = fw.search("ratio resoning", 3).unwrap();
    assert!(top[0].label.to_lowercase().contains("ratio"), "{top:?}");
    assert!(top.iter().all(|m| m.inferred));
    let semantic_only = fw.search("proportionality", 16).unwrap();
    assert!(
        semantic_only.iter().any(|m| m.method == Method::Semantic),
        "{semantic_only:?}"
    );
}

/// With `--features embed` and `CREDBRIDGE_MINILM_DIR` pointing at the directory `bench/setup-embed.sh`
/// filled, the MiniLM embedder loads and ranks paraphrases above unrelated phrases. Skipped (passes) without
/// the weights, which are never downloaded by tests.
#[cfg(feature = "embed")]
#[test]
fn minilm_embeds_paraphrases_close_together() {
    use credbridge_skills::{Embedder, MiniLmEmbedder};
    let Some(dir) = std::env::var_os("CREDBRIDGE_MINILM_DIR") else {
        eprintln!("CREDBRIDGE_MINILM_DIR not set: skipping the MiniLM test");
        return;
    };
    let e = MiniLmEmbedder::load(std::path::Path::new(&dir)).unwrap();
    assert_eq!(e.dim(), 384);
    let v = e
        .embed(&[
            "Python programming",
            "write computer code in Python",
            "operate a forklift",
        ])
        .unwrap();
    let dot = |a: &[f32], b: &[f32]| a.iter().zip(b).map(|(x, y)| x * y).sum::<f32>();
    let close = dot(&v[0], &v[1]);
    let far = dot(&v[0], &v[2]);
    assert!(
        close > 0.6 && far < 0.3,
        "paraphrase {close}, unrelated {far}"
    );
}
