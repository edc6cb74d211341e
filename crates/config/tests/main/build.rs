//! Building real services from real files: the bundled example verifies offline with built
//! options; the document map serves each file's bytes once.

use std::sync::Arc;

use credbridge_config::{ConfigError, Settings};
use credbridge_keys::{Purpose, SourceError};
use credbridge_verify::Verdict;

use crate::{repo, tempdir};

fn offline() -> Settings {
    let mut settings = Settings::default();
    settings.offline = true;
    // After the bundled example's validFrom (2026-06-12).
    settings.at = Some("2027-01-01T00:00:00Z".into());
    settings
}

#[test]
fn the_bundled_example_verifies_with_built_options() {
    // The example's issuer is in examples/registry.json, which confirms who it is.
    let mut settings = offline();
    settings.registries = vec![repo().join("examples/registry.json")];
    let built = settings.build().unwrap();
    assert!(built.client.is_none());
    let bytes = std::fs::read(repo().join("examples/ob3-eddsa-rdfc-2022.json")).unwrap();
    let limits = credbridge_formats::Limits::default();
    let items = credbridge_formats::decode_bytes(&bytes, "ob3.json", &limits);
    let item = items.into_iter().next().unwrap().unwrap();
    let report = credbridge_verify::verify_item(&item, &built.options);
    assert_eq!(report.verdict, Verdict::Valid, "{report:?}");
}

#[test]
fn offline_did_web_keys_say_why_they_were_not_fetched() {
    let built = offline().build().unwrap();
    let err = built
        .options
        .resolver
        .resolve_verification_method("did:web:issuer.example#key-1")
        .unwrap_err();
    assert!(err.to_string().contains("--did-dir"), "{err}");
    // did:key still resolves offline.
    assert!(
        built
            .options
            .resolver
            .resolve_verification_method(
                "did:key:z6MkhaXgBZDvotDkL5257faiztiGiC2QtKLGpbnnEGta2doK#z6MkhaXgBZDvotDkL5257faiztiGiC2QtKLGpbnnEGta2doK"
            )
            .is_ok()
    );
}

#[test]
fn the_document_map_reads_each_file_once_and_shares_its_bytes() {
    let dir = tempdir("documents");
    let list = dir.join("list.json");
    std::fs::write(&list, br#"{"type":["VerifiableCredential"]}"#).unwrap();
    let map = dir.join("map.json");
    std::fs::write(&map, r#"{"https://issuer.example/status/1": "list.json"}"#).unwrap();
    let mut settings = offline();
    settings.documents = Some(map);
    let built = settings.build().unwrap();
    let documents = built.options.documents.clone().unwrap();

    let url = "https://issuer.example/status/1";
    let first = documents.get_body(url, Purpose::StatusList).unwrap();
    // Change the file: a source that re-read it would now serve other bytes.
    std::fs::write(&list, b"{}").unwrap();
    let second = documents.get_body(url, Purpose::StatusList).unwrap();
    assert!(
        Arc::ptr_eq(&first.body, &second.body),
        "the bytes are shared, not re-read"
    );
    assert_eq!(
        first.body_sha256,
        credbridge_keys::sha256(br#"{"type":["VerifiableCredential"]}"#)
    );
    let parsed = documents.get_document(url, Purpose::StatusList).unwrap();
    assert_eq!(parsed.value["type"][0], "VerifiableCredential");

    // A URL not in the map, offline: the seam's offline error.
    let err = documents
        .get_body("https://elsewhere.example/", Purpose::StatusList)
        .unwrap_err();
    assert!(matches!(err, SourceError::Offline { .. }), "{err:?}");
}

#[test]
fn a_date_alone_is_the_start_of_that_day_in_utc() {
    let mut settings = offline();
    settings.at = Some("2024-05-01".into());
    assert_eq!(settings.now().unwrap(), 1_714_521_600);
    settings.at = Some("2024-05-01T00:00:00Z".into());
    assert_eq!(settings.now().unwrap(), 1_714_521_600);
    settings.at = Some("2024-05-01T02:00:00+02:00".into());
    assert_eq!(settings.now().unwrap(), 1_714_521_600);
    // A missing offset reads as UTC, as the model's xsd:dateTime grammar says.
    settings.at = Some("2024-05-01T00:00:00".into());
    assert_eq!(settings.now().unwrap(), 1_714_521_600);
    for bad in [
        "2024-02-30",
        "2024-5-1",
        "20240501",
        "2024-05-01Z",
        "2024-05-01T00:00Z",
    ] {
        settings.at = Some(bad.into());
        let err = settings.now().unwrap_err();
        assert!(matches!(err, ConfigError::Time { .. }), "{bad}: {err:?}");
        assert!(err.to_string().contains("2025-06-01"), "{err}");
    }
}

#[test]
fn a_bad_at_and_a_bad_registry_name_their_setting() {
    let mut settings = offline();
    settings.at = Some("yesterday".into());
    let err = settings.build().unwrap_err();
    assert!(matches!(err, ConfigError::Time { .. }));
    assert!(err.to_string().contains("\"yesterday\""), "{err}");

    let dir = tempdir("registry");
    let registry = dir.join("registry.json");
    std::fs::write(&registry, "[1, 2]").unwrap();
    let mut settings = offline();
    settings.registries = vec![registry];
    let err = settings.build().unwrap_err();
    assert!(matches!(err, ConfigError::Registry { .. }), "{err:?}");
    assert!(err.to_string().contains("registry.json"), "{err}");
}

#[test]
fn online_settings_build_a_client_and_the_network_source() {
    let mut settings = Settings::default();
    settings.at = Some("2026-01-01T00:00:00Z".into());
    let built = settings.build().unwrap();
    assert!(built.client.is_some());
    assert!(built.options.documents.is_some());
}
