//! Safe mode on the VCDM 2.0 test-suite fixtures: fixtures that are invalid because of
//! undefined terms must be rejected naming the term; valid ones must pass.

use std::path::{Path, PathBuf};

use credbridge_jsonld::{ErrorCode, JsonLdError, Options, Processor, RdfDirection};
use serde_json::Value;

fn input_dir() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("../../testdata/vectors/vc-data-model-2.0-test-suite/input")
}

fn fixtures() -> Vec<PathBuf> {
    let dir = input_dir();
    let mut files: Vec<PathBuf> = Vec::new();
    for d in [dir.clone(), dir.join("names-and-descriptions")] {
        for e in std::fs::read_dir(d).unwrap() {
            let p = e.unwrap().path();
            if p.extension().is_some_and(|x| x == "json") {
                files.push(p);
            }
        }
    }
    files.sort();
    files
}

fn run(processor: &Processor, path: &Path) -> Result<usize, JsonLdError> {
    let doc: Value = serde_json::from_slice(&std::fs::read(path).unwrap()).unwrap();
    let mut options = Options::safe();
    // VCDM 2.0 fixtures use @direction; i18n-datatype keeps it in the RDF (with no
    // rdf_direction, safe mode refuses to drop it).
    options.rdf_direction = Some(RdfDirection::I18nDatatype);
    processor.to_rdf(&doc, &options).map(|q| q.len())
}

/// `*-fail.json` fixtures that fail because of an undefined term: (file, term, pointer).
const UNDEFINED_TERM_FIXTURES: &[(&str, &str, &str)] = &[
    (
        "credential-type-unmapped-fail.json",
        "ExampleTestCredential",
        "/type/1",
    ),
    (
        "credential-type-mapped-nonurl-fail.json",
        "ExampleTestCredential",
        "/type/1",
    ),
    (
        "credential-no-type-fail.json",
        "credentialSubject",
        "/credentialSubject",
    ),
    ("credential-no-context-fail-or-inject.json", "type", "/type"),
    (
        "presentation-no-context-fail-or-inject.json",
        "type",
        "/type",
    ),
    (
        "credential-proof-missing-type-fail.json",
        "created",
        "/proof/created",
    ),
    (
        "presentation-vc-missing-required-type-fail.json",
        "issuer",
        "/verifiableCredential/0/issuer",
    ),
    (
        "credential-description-extra-prop-en-fail.json",
        "url",
        "/description/url",
    ),
    (
        "credential-name-extra-prop-en-fail.json",
        "url",
        "/name/url",
    ),
    (
        "issuer-description-extra-prop-en-fail.json",
        "url",
        "/issuer/description/url",
    ),
    (
        "issuer-name-extra-prop-en-fail.json",
        "url",
        "/issuer/name/url",
    ),
];

/// `*-fail.json` fixtures JSON-LD itself rejects for another reason: (file, what).
const OTHER_JSON_LD_FAILURES: &[(&str, &str)] = &[
    (
        "credential-redef-type-fail.json",
        "protected term redefinition",
    ),
    (
        "credential-redef-type2-fail.json",
        "protected term redefinition",
    ),
    (
        "credential-context-combo3-fail.json",
        "loading remote context failed",
    ),
    (
        "credential-context-combo4-fail.json",
        "invalid local context",
    ),
    ("credential-id-not-url-fail.json", "relative IRI"),
    ("credential-issuer-no-url-fail.json", "relative IRI"),
    (
        "credential-issuer-object-id-no-url-fail.json",
        "relative IRI",
    ),
    ("credential-schema-non-url-id-fail.json", "relative IRI"),
    ("credential-status-nonurl-id-fail.json", "relative IRI"),
    ("presentation-holder-fail.json", "relative IRI"),
    ("presentation-holder-object-fail.json", "relative IRI"),
    ("credential-id-multi-fail.json", "invalid @id value"),
    ("credential-id-subject-multi-fail.json", "invalid @id value"),
    (
        "credential-status-multiple-id-fail.json",
        "invalid @id value",
    ),
    ("credential-id-nonidentifier-fail.json", "invalid @id value"),
    (
        "credential-issuer-object-id-null-fail.json",
        "invalid @id value",
    ),
    (
        "credential-status-type-nonurl-fail.json",
        "invalid type value",
    ),
];

/// `*-ok.json` fixtures that safe mode rightly rejects: the VCDM suite checks the data model,
/// not JSON-LD, and these carry data the contexts do not define.
const OK_FIXTURES_WITH_UNDEFINED_TERMS: &[(&str, &str)] = &[
    // The proof type Ed25519Signature2020 is mapped to an IRI but brings no context, and
    // the VC v2 context has no @vocab, so `created` (and the rest) would be dropped.
    ("credential-proof-ok.json", "created"),
];

#[test]
fn vcdm_fixtures_in_safe_mode() {
    let processor = Processor::with_bundled_contexts();
    let mut checked = 0;
    for path in fixtures() {
        let name = path.file_name().unwrap().to_str().unwrap().to_owned();
        let result = run(&processor, &path);
        println!("{name}: {result:?}");
        if let Some((_, term, pointer)) =
            UNDEFINED_TERM_FIXTURES.iter().find(|(f, _, _)| *f == name)
        {
            match &result {
                Err(e @ JsonLdError::UndefinedTerm { path, term: t }) => {
                    assert_eq!(t, term, "{name}");
                    assert_eq!(path, pointer, "{name}");
                    assert!(e.to_string().contains(term), "{name}: {e}");
                }
                other => panic!("{name}: expected undefined term {term}, got {other:?}"),
            }
            checked += 1;
        } else if let Some((_, what)) = OTHER_JSON_LD_FAILURES.iter().find(|(f, _)| *f == name) {
            let err = result.expect_err(&name);
            let matches = match *what {
                "relative IRI" => matches!(err, JsonLdError::RelativeIri { .. }),
                "loading remote context failed" => matches!(err, JsonLdError::LoadContext { .. }),
                code => err.code().map(ErrorCode::as_str) == Some(code),
            };
            assert!(matches, "{name}: expected {what}, got {err}");
            checked += 1;
        } else if let Some((_, term)) = OK_FIXTURES_WITH_UNDEFINED_TERMS
            .iter()
            .find(|(f, _)| *f == name)
        {
            match &result {
                Err(JsonLdError::UndefinedTerm { term: t, .. }) => assert_eq!(t, term),
                other => panic!("{name}: expected undefined term {term}, got {other:?}"),
            }
            checked += 1;
        } else if name.ends_with("-ok.json") {
            let n = result.unwrap_or_else(|e| panic!("{name}: {e}"));
            assert!(n > 0, "{name}: no quads");
            checked += 1;
        }
        // The remaining *-fail fixtures are invalid at the data-model level (missing
        // issuer, bad dates…), which is not JSON-LD's to judge.
    }
    assert!(checked >= 80, "only {checked} fixtures checked");
}

#[test]
fn safe_mode_names_type_terms_and_relative_ids() {
    let processor = Processor::with_bundled_contexts();
    let doc = serde_json::json!({
        "@context": ["https://www.w3.org/ns/credentials/v2"],
        "type": ["VerifiableCredential", "MadeUpCredential"],
        "credentialSubject": {"id": "did:example:1"}
    });
    let err = processor.to_rdf(&doc, &Options::safe()).unwrap_err();
    assert!(
        matches!(&err, JsonLdError::UndefinedTerm { path, term } if path == "/type/1" && term == "MadeUpCredential"),
        "{err:?}"
    );
    // Without safe mode the same document expands, silently dropping the type.
    assert!(processor.to_rdf(&doc, &Options::default()).is_ok());
}
