//! DID folders: recursive, and a stray file is skipped with a warning naming it (issue 9 item
//! 10, issue 12) instead of refusing the run.

use credbridge_config::{ConfigError, Settings, Warning, read_did_dir};
use credbridge_keys::{OfflineDirectory, Resolver};
use serde_json::json;

use crate::tempdir;

/// A did:web DID document with one Ed25519 Multikey (the key of the did:key spec example).
fn did_web_document() -> serde_json::Value {
    json!({
        "@context": ["https://www.w3.org/ns/did/v1"],
        "id": "did:web:issuer.example",
        "verificationMethod": [{
            "id": "did:web:issuer.example#key-1",
            "type": "Multikey",
            "controller": "did:web:issuer.example",
            "publicKeyMultibase": "z6MkhaXgBZDvotDkL5257faiztiGiC2QtKLGpbnnEGta2doK"
        }],
        "assertionMethod": ["did:web:issuer.example#key-1"]
    })
}

#[test]
fn stray_files_are_skipped_with_a_warning_and_sub_folders_are_read() {
    let dir = tempdir("did-dir");
    let document = did_web_document();
    let id = document["id"].as_str().unwrap().to_owned();
    std::fs::create_dir_all(dir.join("nested/deeper")).unwrap();
    std::fs::write(dir.join("nested/deeper/issuer.json"), document.to_string()).unwrap();
    // An index map (no "id"), a document whose id is not a string, broken JSON, an array,
    // and a file that is not JSON by name (ignored silently).
    std::fs::write(
        dir.join("index.json"),
        json!({ &id: "nested/deeper/issuer.json" }).to_string(),
    )
    .unwrap();
    std::fs::write(dir.join("bad-id.json"), json!({ "id": 7 }).to_string()).unwrap();
    std::fs::write(dir.join("broken.jsonld"), "{ \"id\": ").unwrap();
    std::fs::write(dir.join("list.json"), "[]").unwrap();
    std::fs::write(dir.join("README.txt"), "not a document").unwrap();

    let mut directory = OfflineDirectory::new();
    let mut warnings = Vec::new();
    read_did_dir(&dir, &mut directory, &mut warnings).unwrap();

    assert_eq!(directory.len(), 1, "only the nested DID document is used");
    assert!(directory.resolve_document(&id).is_ok());
    let skipped: Vec<String> = warnings
        .iter()
        .map(|w| match w {
            Warning::SkippedDidFile { path, .. } => {
                path.file_name().unwrap().to_string_lossy().into_owned()
            }
            other => panic!("unexpected warning {other:?}"),
        })
        .collect();
    assert_eq!(
        skipped,
        ["bad-id.json", "broken.jsonld", "index.json", "list.json"]
    );
    let index_warning = warnings[2].to_string();
    assert!(
        index_warning.contains("index.json") && index_warning.contains("no \"id\""),
        "{index_warning}"
    );
}

#[test]
fn build_collects_the_warnings_and_still_resolves() {
    let dir = tempdir("did-dir-build");
    let document = did_web_document();
    let method = document["verificationMethod"][0]["id"]
        .as_str()
        .unwrap()
        .to_owned();
    std::fs::write(dir.join("issuer.json"), document.to_string()).unwrap();
    std::fs::write(dir.join("map.json"), "{}").unwrap();
    let mut settings = Settings::default();
    settings.offline = true;
    settings.did_dirs = vec![dir];
    let built = settings.build().unwrap();
    assert_eq!(built.warnings.len(), 1);
    assert!(built.warnings[0].to_string().contains("map.json"));
    assert!(
        built
            .options
            .resolver
            .resolve_verification_method(&method)
            .is_ok()
    );
}

#[test]
fn a_missing_folder_is_still_an_error() {
    let mut settings = Settings::default();
    settings.offline = true;
    settings.did_dirs = vec![tempdir("did-dir-missing").join("absent")];
    let err = settings.build().unwrap_err();
    assert!(matches!(err, ConfigError::DidFolder { .. }), "{err:?}");
    assert!(err.to_string().contains("absent"), "{err}");
}
