//! The bundled contexts: complete, byte-for-byte, hashed; and the other loaders.

use std::collections::BTreeMap;
use std::path::PathBuf;
use std::sync::Arc;

use credbridge_jsonld::{
    BundledLoader, ChainLoader, DirectoryLoader, DocumentLoader, LoadError, Options, Processor,
    bundled_contexts,
};
use serde_json::Value;
use sha2::Digest;

fn contexts_dir() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("contexts")
}

fn hex(bytes: &[u8]) -> String {
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}

#[test]
fn manifest_hashes_match_the_bundled_bytes_and_the_files() {
    for c in bundled_contexts() {
        assert_eq!(hex(&sha2::Sha256::digest(c.bytes)), c.sha256, "{}", c.url);
        let on_disk = std::fs::read(contexts_dir().join(c.file)).unwrap();
        assert_eq!(on_disk, c.bytes, "{} differs from {}", c.url, c.file);
    }
}

#[test]
fn every_mapped_url_is_bundled() {
    let dir = contexts_dir();
    let map: Value =
        serde_json::from_slice(&std::fs::read(dir.join("context-map.json")).unwrap()).unwrap();
    let mut expected: BTreeMap<String, Vec<u8>> = BTreeMap::new();
    for section in ["contexts", "inferred"] {
        for (url, file) in map[section].as_object().unwrap() {
            let bytes = std::fs::read(dir.join(file.as_str().unwrap())).unwrap();
            expected.insert(url.clone(), bytes);
        }
    }
    let vectors: Value =
        serde_json::from_slice(&std::fs::read(dir.join("vectors/index.json")).unwrap()).unwrap();
    for (url, file) in vectors.as_object().unwrap() {
        let bytes = std::fs::read(dir.join("vectors").join(file.as_str().unwrap())).unwrap();
        // context-map.json wins where both name a URL (only ed25519-2020/v1 differs).
        expected.entry(url.clone()).or_insert(bytes);
    }
    let bundled: BTreeMap<String, Vec<u8>> = bundled_contexts()
        .iter()
        .map(|c| (c.url.to_owned(), c.bytes.to_vec()))
        .collect();
    assert_eq!(
        bundled.keys().collect::<Vec<_>>(),
        expected.keys().collect::<Vec<_>>()
    );
    for (url, bytes) in &expected {
        assert!(bundled[url] == *bytes, "{url} bundled bytes differ");
    }
    let loader = BundledLoader::new();
    for url in expected.keys() {
        let doc = loader.load(url).unwrap();
        assert!(
            doc.document.get("@context").is_some(),
            "{url} has no @context"
        );
    }
}

fn has_key(v: &Value, key: &str) -> bool {
    match v {
        Value::Object(m) => m.contains_key(key) || m.values().any(|x| has_key(x, key)),
        Value::Array(a) => a.iter().any(|x| has_key(x, key)),
        _ => false,
    }
}

/// The OB 3.0.3 context changed after publication; the bundled copy must be the current
/// one, which defines `inLanguage` (2024-01) and `awardedDate` (2024-03).
#[test]
fn ob_303_is_the_current_version() {
    let doc = BundledLoader::new()
        .load("https://purl.imsglobal.org/spec/ob/v3p0/context-3.0.3.json")
        .unwrap();
    assert!(has_key(&doc.document, "inLanguage"));
    assert!(has_key(&doc.document, "awardedDate"));
}

#[test]
fn not_found_names_the_url_and_the_fix() {
    let processor = Processor::with_bundled_contexts();
    let doc = serde_json::json!({
        "@context": "https://example.org/unknown-context.jsonld",
        "name": "x"
    });
    let err = processor.to_rdf(&doc, &Options::safe()).unwrap_err();
    let msg = err.to_string();
    assert!(
        msg.contains("https://example.org/unknown-context.jsonld"),
        "{msg}"
    );
    assert!(msg.contains("context directory"), "{msg}");
    assert!(matches!(
        BundledLoader::new().load("https://example.org/unknown-context.jsonld"),
        Err(LoadError::NotFound { .. })
    ));
}

#[test]
fn directory_loader_serves_a_user_directory_after_the_bundle() {
    let dir = std::env::temp_dir().join(format!("credbridge-jsonld-test-{}", std::process::id()));
    std::fs::create_dir_all(dir.join("sub")).unwrap();
    std::fs::write(
        dir.join("sub/my.jsonld"),
        r#"{"@context": {"myTerm": "https://example.org/vocab#myTerm"}}"#,
    )
    .unwrap();
    std::fs::write(
        dir.join("map.json"),
        r#"{"contexts": {"https://example.org/my-context": "sub/my.jsonld"}}"#,
    )
    .unwrap();
    let user = DirectoryLoader::from_map_file(&dir, &dir.join("map.json")).unwrap();
    assert_eq!(user.len(), 1);
    let chain = ChainLoader::new(vec![Arc::new(BundledLoader::new()), Arc::new(user)]);
    let processor = Processor::new(Arc::new(chain));
    let doc = serde_json::json!({
        "@context": ["https://www.w3.org/ns/credentials/v2", "https://example.org/my-context"],
        "id": "https://example.org/thing",
        "myTerm": "value"
    });
    let quads = processor.to_rdf(&doc, &Options::safe()).unwrap();
    assert_eq!(quads.len(), 1);
    // A map naming a missing file fails when the loader is built, naming the file.
    std::fs::write(
        dir.join("bad-map.json"),
        r#"{"contexts": {"https://example.org/x": "missing.jsonld"}}"#,
    )
    .unwrap();
    let err = DirectoryLoader::from_map_file(&dir, &dir.join("bad-map.json")).unwrap_err();
    assert!(err.to_string().contains("missing.jsonld"), "{err}");
    std::fs::remove_dir_all(&dir).unwrap();
}

/// A credential that uses only bundled contexts never re-processes them: after one warm-up
/// run the number of cached contexts stays the same.
#[test]
fn warm_cache_is_not_extended_by_repeat_documents() {
    let processor = Processor::with_bundled_contexts();
    let vectors: Value = serde_json::from_slice(
        &std::fs::read(
            PathBuf::from(env!("CARGO_MANIFEST_DIR"))
                .join("../../testdata/vectors/openbadges-3.0/eddsa-rdfc-2022-vectors.json"),
        )
        .unwrap(),
    )
    .unwrap();
    let mut doc = vectors["clrv2p0"]["signedCredential"].clone();
    doc.as_object_mut().unwrap().remove("proof");
    let first = processor.to_rdf(&doc, &Options::safe()).unwrap();
    let cached = processor.cached_contexts();
    assert!(cached > 0);
    for _ in 0..3 {
        let again = processor.to_rdf(&doc, &Options::safe()).unwrap();
        assert_eq!(again, first);
    }
    assert_eq!(processor.cached_contexts(), cached);
}

/// The earlier revisions are byte-for-byte their files, hashed as recorded, named in SOURCES.md,
/// never served by the loader, and listed after the bundled bytes of their URL.
#[test]
fn earlier_revisions_are_hashed_sourced_and_never_served() {
    let sources = std::fs::read_to_string(contexts_dir().join("SOURCES.md")).unwrap();
    let loader = BundledLoader::new();
    assert!(!credbridge_jsonld::earlier_revisions().is_empty());
    for r in credbridge_jsonld::earlier_revisions() {
        assert_eq!(hex(&sha2::Sha256::digest(r.bytes)), r.sha256, "{}", r.file);
        let on_disk = std::fs::read(contexts_dir().join(r.file)).unwrap();
        assert_eq!(on_disk, r.bytes, "{} differs from its file", r.file);
        assert!(
            sources.contains(&format!("`contexts/{}`", r.file)),
            "{} has no SOURCES.md row",
            r.file
        );
        let served = loader.load(r.url).unwrap();
        let earlier: Value = serde_json::from_slice(r.bytes).unwrap();
        assert_ne!(*served.document, earlier, "{} is served", r.file);
        let held = credbridge_jsonld::published_revisions(r.url);
        assert_eq!(held.first().map(|h| h.0), Some("bundled"));
        assert!(held.iter().skip(1).any(|h| h.1 == r.bytes));
    }
    assert!(credbridge_jsonld::published_revisions("https://example.org/unknown").is_empty());
}

/// The VCDM 2.0 CR2 base context: the digests VCDM 2.0 CR2 printed for
/// https://www.w3.org/ns/credentials/v2, and that the W3C VCDM 2.0 test suite's
/// `relatedResource` fixture carries, are over the 2024-07-20 revision, not the REC bytes.
#[test]
fn the_cr2_base_context_is_the_revision_behind_the_published_digests() {
    let held = credbridge_jsonld::published_revisions("https://www.w3.org/ns/credentials/v2");
    let sha256 = |b: &[u8]| hex(&sha2::Sha256::digest(b));
    assert_eq!(
        sha256(held[0].1),
        "59955ced6697d61e03f2b2556febe5308ab16842846f5b586d7f1f7adec92734"
    );
    assert_eq!(
        sha256(held[1].1),
        "24a18c90e9856d526111f29376e302d970b2bd10182e33959995b0207d7043b9"
    );
    assert_eq!(
        hex(&sha2::Sha384::digest(held[1].1)),
        "35239c36999d2155312091af194a1edb61634d6ad789a5e5b19f2aebdd762dd9d1dcaada40eda7ef921c6b8c0ae107a0"
    );
}
