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

fn ratio_fixture() -> credbridge_skills::FrameworksBuilder {
    Frameworks::builder()
        .case_package(&crate::fixture("opensalt-sample-cfpackage-case1p0.json"))
        .unwrap()
        .embedder(Box::new(HashedNgramEmbedder::new(256)))
}

/// The description view: a misspelt word that only an item's notes contain (no label has it, and the
/// lexical layer matches descriptions by whole stems) reaches the item semantically once the description
/// cosine is weighted in, and not before.
#[test]
fn the_description_view_finds_words_only_a_description_has() {
    const NOTES: &str = "gratuties and comissions";
    let is_percent_item = |m: &credbridge_skills::Match| m.label.contains("multistep ratio");
    let labels_only = ratio_fixture()
        .fusion(credbridge_skills::Fusion {
            description: 0.0,
            ..Default::default()
        })
        .build()
        .unwrap();
    let before = labels_only.search(NOTES, 3).unwrap();
    assert!(!before.iter().any(is_percent_item), "{before:?}");
    let fusion = credbridge_skills::Fusion {
        semantic: 0.0,
        alt_mean: 0.0,
        description: 1.0,
        best_label: 0.0,
        ..Default::default()
    };
    let with_desc = ratio_fixture().fusion(fusion).build().unwrap();
    let after = with_desc.search(NOTES, 3).unwrap();
    let hit = after.iter().find(|m| is_percent_item(m)).expect("found");
    assert_eq!(hit.method, Method::Semantic);
    assert!(hit.inferred);
}

/// View weights are folded into one vector per concept at build time: changing them later needs a tunable
/// index, and a tunable index re-weighted gives what a fresh build with those weights gives.
#[test]
fn fusion_weights_change_only_on_a_tunable_index() {
    let heavy = credbridge_skills::Fusion {
        alt_mean: 0.5,
        description: 0.7,
        best_label: 0.3,
        ..Default::default()
    };
    let mut fixed = ratio_fixture().build().unwrap();
    assert!(fixed.set_fusion(heavy).is_err());
    let mut tunable = ratio_fixture().tunable_fusion().build().unwrap();
    tunable.set_fusion(heavy).unwrap();
    let fresh = ratio_fixture().fusion(heavy).build().unwrap();
    for q in [
        "unit pricing",
        "proportional relationships graph",
        "percent",
    ] {
        let a = tunable.search(q, 5).unwrap();
        let b = fresh.search(q, 5).unwrap();
        assert_eq!(
            a.iter().map(|m| &m.iri).collect::<Vec<_>>(),
            b.iter().map(|m| &m.iri).collect::<Vec<_>>(),
            "{q}"
        );
    }
}

/// The vector cache is written once, read back to the same ranking, and rebuilt (not misread) when the
/// model id differs.
#[test]
fn the_vector_cache_round_trips_and_is_keyed_by_model() {
    let dir = std::env::temp_dir().join(format!("credbridge-skills-cache-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).unwrap();
    let first = ratio_fixture()
        .embedding_cache(dir.clone())
        .build()
        .unwrap();
    // One file, named by the framework and its version.
    let files: Vec<_> = std::fs::read_dir(&dir)
        .unwrap()
        .map(|e| e.unwrap().path())
        .collect();
    assert_eq!(files.len(), 1, "{files:?}");
    let path = files[0].clone();
    let name = path.file_name().unwrap().to_string_lossy().into_owned();
    assert!(
        name.starts_with("vectors-CASE-") && name.ends_with(".bin"),
        "{name}"
    );
    let written = std::fs::read(&path).unwrap();
    assert!(written.starts_with(b"credbridge-skills vectors v2 model=hashed-ngram-256-v1 dim=256"));
    let second = ratio_fixture()
        .embedding_cache(dir.clone())
        .build()
        .unwrap();
    assert_eq!(
        first.search("ratio resoning", 5).unwrap(),
        second.search("ratio resoning", 5).unwrap()
    );
    let other = Frameworks::builder()
        .case_package(&crate::fixture("opensalt-sample-cfpackage-case1p0.json"))
        .unwrap()
        .embedder(Box::new(HashedNgramEmbedder::new(128)))
        .embedding_cache(dir.clone())
        .build()
        .unwrap();
    assert_eq!(other.model_id(), Some("hashed-ngram-128-v1"));
    assert!(
        other.search("ratio resoning", 3).unwrap()[0]
            .label
            .to_lowercase()
            .contains("ratio")
    );
    assert!(
        std::fs::read(&path)
            .unwrap()
            .starts_with(b"credbridge-skills vectors v2 model=hashed-ngram-128-v1")
    );
    let _ = std::fs::remove_dir_all(&dir);
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

/// `MiniLmEmbedder` keeps each dense layer's weights transposed (a layout choice for speed); its vectors
/// must equal those of candle's `BertModel` loaded straight from the published weights, mean-pooled and
/// normalized, for a single text and inside a padded batch. Skipped without `CREDBRIDGE_MINILM_DIR`.
#[cfg(feature = "embed")]
#[test]
fn minilm_vectors_equal_the_reference_forward_pass() {
    use candle_core::{DType, Device, Tensor};
    use credbridge_skills::{Embedder, MiniLmEmbedder};
    let Some(dir) = std::env::var_os("CREDBRIDGE_MINILM_DIR") else {
        eprintln!("CREDBRIDGE_MINILM_DIR not set: skipping the MiniLM test");
        return;
    };
    let dir = std::path::Path::new(&dir);
    let ours = MiniLmEmbedder::load(dir).unwrap();
    let config: candle_transformers::models::bert::Config =
        serde_json::from_slice(&std::fs::read(dir.join("config.json")).unwrap()).unwrap();
    let vb = candle_nn::VarBuilder::from_buffered_safetensors(
        std::fs::read(dir.join("model.safetensors")).unwrap(),
        DType::F32,
        &Device::Cpu,
    )
    .unwrap();
    let reference = candle_transformers::models::bert::BertModel::load(vb, &config).unwrap();
    let vocab: std::collections::HashMap<String, u32> =
        std::fs::read_to_string(dir.join("vocab.txt"))
            .unwrap()
            .lines()
            .enumerate()
            .map(|(i, t)| (t.to_owned(), i as u32))
            .collect();
    // Whole-word pieces only, so the reference needs no tokenizer of its own.
    let texts = ["python programming", "manage a team of engineers"];
    let singles: Vec<Vec<f32>> = texts
        .iter()
        .map(|t| ours.embed(&[t]).unwrap().remove(0))
        .collect();
    let batch = ours.embed(&texts).unwrap();
    for (i, text) in texts.iter().enumerate() {
        let mut ids = vec![vocab["[CLS]"]];
        ids.extend(text.split(' ').map(|w| vocab[w]));
        ids.push(vocab["[SEP]"]);
        let n = ids.len();
        let ids = Tensor::from_vec(ids, (1, n), &Device::Cpu).unwrap();
        let out = reference
            .forward(&ids, &ids.zeros_like().unwrap(), None)
            .unwrap();
        let mut want: Vec<f32> = (out.sum(1).unwrap() / n as f64)
            .unwrap()
            .squeeze(0)
            .unwrap()
            .to_vec1()
            .unwrap();
        let norm = want.iter().map(|x| x * x).sum::<f32>().sqrt();
        want.iter_mut().for_each(|x| *x /= norm);
        for got in [&singles[i], &batch[i]] {
            let worst = got
                .iter()
                .zip(&want)
                .map(|(a, b)| (a - b).abs())
                .fold(0.0f32, f32::max);
            assert!(worst < 1e-4, "{text}: differs by {worst}");
        }
    }
}
