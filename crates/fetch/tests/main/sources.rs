//! The keys crate's document seam as fetch implements it: the client (errors mapped onto
//! `SourceError`), the offline map (each file read and hashed once), and `FirstOf`.

use credbridge_fetch::{
    DocumentSource, FirstOf, OfflineDocuments, SourceError, sha256, source_error,
};

use crate::common::*;

#[test]
fn the_client_answers_as_a_document_source_with_seam_errors() {
    let server = FixtureServer::routes([
        (
            STATUS_PATH,
            Reply::ok("application/vc+ld+json", status_list_json()),
        ),
        ("/gone", Reply::status(410)),
        ("/jws", Reply::ok("application/jwt", "eyJh.eyJi.c2ln")),
    ])
    .unwrap();
    let client = loopback_client();
    let url = server.url(STATUS_PATH);

    let body = client.get_body(&url, Purpose::StatusList).unwrap();
    assert_eq!(body.body_sha256, sha256(&status_list_json()));
    let document = client.get_document(&url, Purpose::StatusList).unwrap();
    assert_eq!(
        document.value["id"],
        serde_json::json!(
            serde_json::from_slice::<serde_json::Value>(&status_list_json()).unwrap()["id"]
        )
    );
    // A compact JWS body is a JSON string.
    let jws = client
        .get_document(&server.url("/jws"), Purpose::StatusList)
        .unwrap();
    assert_eq!(jws.value, serde_json::json!("eyJh.eyJi.c2ln"));

    let gone = client
        .get_document(&server.url("/gone"), Purpose::Ob2Assertion)
        .unwrap_err();
    assert!(matches!(gone, SourceError::Gone { .. }), "{gone:?}");
    let missing = client
        .get_body(&server.url("/nothing"), Purpose::StatusList)
        .unwrap_err();
    assert!(
        matches!(missing, SourceError::NotFound { .. }),
        "{missing:?}"
    );
    assert!(
        missing.to_string().ends_with("HTTP status 404"),
        "{missing}"
    );

    let offline = client_offline()
        .get_body(&url, Purpose::StatusList)
        .unwrap_err();
    assert!(
        matches!(offline, SourceError::Offline { .. }),
        "{offline:?}"
    );
    assert_eq!(
        offline.to_string(),
        format!(
            "{url}: not fetched because verification is offline (--offline); supply a local copy with --documents"
        )
    );
}

fn client_offline() -> GuardedClient {
    client(FetchPolicy::offline())
}

#[test]
fn other_fetch_errors_keep_their_message_and_url() {
    let err = source_error(FetchError::TooLarge {
        url: "https://issuer.example/list".into(),
        limit: 10,
    });
    assert_eq!(err.url(), "https://issuer.example/list");
    assert_eq!(
        err.to_string(),
        "https://issuer.example/list: response body exceeds the limit of 10 bytes"
    );
    let invalid = source_error(FetchError::InvalidJson {
        url: "https://issuer.example/list".into(),
        reason: "eof".into(),
    });
    assert!(matches!(invalid, SourceError::InvalidJson { .. }));
}

#[test]
fn offline_documents_read_and_hash_each_file_once() {
    let dir = temp_dir("offline-documents");
    std::fs::create_dir_all(&dir).unwrap();
    let file = dir.join("list.json");
    std::fs::write(&file, status_list_json()).unwrap();
    let mut documents = OfflineDocuments::new(Arc::new(FixedClock(fixed_time())));
    let url = "https://issuer.example/status/1";
    documents.insert(url, &file);

    let first = documents.get_body(url, Purpose::StatusList).unwrap();
    assert_eq!(first.body_sha256, sha256(&status_list_json()));
    assert_eq!(first.fetched_at, fixed_time());
    // The file is gone: a source that re-read it would fail now.
    std::fs::remove_file(&file).unwrap();
    let again = documents.get_body(url, Purpose::StatusList).unwrap();
    assert!(Arc::ptr_eq(&first.body, &again.body));
    let parsed = documents.get_document(url, Purpose::StatusList).unwrap();
    assert!(Arc::ptr_eq(&first.body, &parsed.body));
    assert!(parsed.value.is_object());

    // A mapped file that cannot be read is an error naming the file, not "offline".
    documents.insert("https://issuer.example/missing", dir.join("missing.json"));
    let err = documents
        .get_body("https://issuer.example/missing", Purpose::StatusList)
        .unwrap_err();
    assert!(matches!(err, SourceError::Unavailable { .. }), "{err:?}");
    assert!(err.to_string().contains("missing.json"), "{err}");
}

#[test]
fn first_of_passes_on_only_when_a_source_lacks_the_url() {
    let dir = temp_dir("first-of");
    std::fs::create_dir_all(&dir).unwrap();
    std::fs::write(dir.join("list.json"), status_list_json()).unwrap();
    let mut local = OfflineDocuments::new(Arc::new(FixedClock(fixed_time())));
    local.insert("https://issuer.example/local", dir.join("list.json"));
    let server = FixtureServer::routes([("/down", Reply::status(503))]).unwrap();
    let chain = FirstOf(vec![Arc::new(local), Arc::new(loopback_client())]);

    // The local file answers without the network.
    assert!(
        chain
            .get_body("https://issuer.example/local", Purpose::StatusList)
            .is_ok()
    );
    assert_eq!(server.connections(), 0);
    // Not local: the network answers, and its failure is the answer (not masked).
    let err = chain
        .get_body(&server.url("/down"), Purpose::StatusList)
        .unwrap_err();
    assert!(matches!(err, SourceError::Unavailable { .. }), "{err:?}");
    assert!(err.to_string().contains("503"), "{err}");
    assert_eq!(server.requests("/down"), 1);
}
