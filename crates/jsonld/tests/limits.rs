//! Every bound answers with its own error, not a panic or a stack overflow.

use std::collections::HashMap;
use std::sync::Arc;

use credbridge_jsonld::{
    DirectoryLoader, ErrorCode, JsonLdError, MAX_CONTEXT_IMPORT_DEPTH, MAX_DEPTH, Options,
    Processor,
};
use serde_json::{Value, json};

#[test]
fn deep_nesting_hits_the_depth_limit() {
    let mut doc = json!({"@id": "https://example.org/leaf"});
    for _ in 0..(MAX_DEPTH + 20) {
        doc = json!({"https://example.org/p": doc});
    }
    let err = Processor::with_bundled_contexts()
        .to_rdf(&doc, &Options::default())
        .unwrap_err();
    assert!(
        matches!(err, JsonLdError::DepthLimit { limit, .. } if limit == MAX_DEPTH),
        "{err}"
    );
}

fn loader(docs: Vec<(String, Value)>) -> Arc<DirectoryLoader> {
    let map: HashMap<String, Arc<Value>> =
        docs.into_iter().map(|(k, v)| (k, Arc::new(v))).collect();
    Arc::new(DirectoryLoader::from_documents(map))
}

#[test]
fn a_context_that_includes_itself_is_rejected() {
    let url = "https://example.org/self";
    let processor = Processor::new(loader(vec![(
        url.to_owned(),
        json!({"@context": [url, {"a": "https://example.org/a"}]}),
    )]));
    let err = processor
        .to_rdf(&json!({"@context": url, "a": 1}), &Options::default())
        .unwrap_err();
    assert_eq!(
        err.code(),
        Some(ErrorCode::RecursiveContextInclusion),
        "{err}"
    );
}

#[test]
fn long_context_chains_hit_the_import_depth_limit() {
    let n = MAX_CONTEXT_IMPORT_DEPTH + 5;
    let docs = (0..n)
        .map(|i| {
            let next = format!("https://example.org/ctx/{}", i + 1);
            let ctx = if i + 1 < n { json!([next]) } else { json!({}) };
            (
                format!("https://example.org/ctx/{i}"),
                json!({"@context": ctx}),
            )
        })
        .collect();
    let processor = Processor::new(loader(docs));
    let err = processor
        .to_rdf(
            &json!({"@context": "https://example.org/ctx/0", "@id": "https://example.org/x"}),
            &Options::default(),
        )
        .unwrap_err();
    assert!(
        matches!(err, JsonLdError::ContextImportDepth { limit, .. } if limit == MAX_CONTEXT_IMPORT_DEPTH),
        "{err}"
    );
}

#[test]
fn non_json_input_is_an_error_at_the_byte_entry_point() {
    // The fuzzing entry point must swallow anything; this only checks it returns.
    credbridge_jsonld::fuzzing::to_rdf(b"{\"@context\": [");
    credbridge_jsonld::fuzzing::to_rdf(&[0xff, 0xfe, 0x00]);
}

#[test]
fn deeply_nested_scoped_contexts_hit_the_nesting_limit() {
    let mut ctx = json!({"leaf": "https://example.org/leaf"});
    for i in 0..(credbridge_jsonld::MAX_CONTEXT_NESTING + 10) {
        ctx = json!({format!("t{i}"): {"@id": "https://example.org/t", "@context": ctx}});
    }
    let result = Processor::with_bundled_contexts().to_rdf(
        &json!({"@context": ctx, "@id": "https://example.org/x"}),
        &Options::default(),
    );
    let err = result.unwrap_err();
    assert!(
        matches!(
            err,
            JsonLdError::DepthLimit { .. } | JsonLdError::Syntax { .. }
        ),
        "{err}"
    );
}
