//! The inbox: raw and multipart uploads, idempotence, filters, original bytes, re-verification
//! history, erasure.

use axum::body::Body;
use axum::http::{Request, header};

use crate::both;
use crate::fixtures::{Backend, TestApp, repo};

const CREDENTIAL: &str = include_str!("../../../../examples/ob3-eddsa-rdfc-2022.json");
const TAMPERED: &str = include_str!("../../../../examples/ob3-tampered.json");

fn multipart(files: &[(&str, &str, &[u8])]) -> (String, Vec<u8>) {
    let boundary = "credbridge-test-boundary";
    let mut body = Vec::new();
    for (name, content_type, bytes) in files {
        body.extend_from_slice(
            format!(
                "--{boundary}\r\nContent-Disposition: form-data; name=\"file\"; filename=\"{name}\"\r\nContent-Type: {content_type}\r\n\r\n"
            )
            .as_bytes(),
        );
        body.extend_from_slice(bytes);
        body.extend_from_slice(b"\r\n");
    }
    body.extend_from_slice(format!("--{boundary}--\r\n").as_bytes());
    (format!("multipart/form-data; boundary={boundary}"), body)
}

async fn upload_list_read(backend: Backend) {
    let t = TestApp::new(backend, false).await;
    let token = t.token("acme", &[]).await;
    let first = t
        .post(
            "/inbox",
            Some(&token),
            "application/json",
            CREDENTIAL.as_bytes().to_vec(),
        )
        .await;
    assert_eq!(first.status, 201, "{}", first.text());
    let item = first.json()["items"][0].clone();
    assert_eq!(item["created"], true);
    // Genuine, from an issuer no registry or domain confirms: valid with warnings.
    assert_eq!(item["verdict"], "valid-with-warnings");
    let id = item["id"].as_str().unwrap().to_owned();

    // Idempotent: the same bytes again are the same credential.
    let again = t
        .post(
            "/inbox",
            Some(&token),
            "application/json",
            CREDENTIAL.as_bytes().to_vec(),
        )
        .await;
    assert_eq!(again.status, 200, "{}", again.text());
    assert_eq!(again.json()["items"][0]["id"], id.as_str());
    assert_eq!(again.json()["items"][0]["created"], false);

    // Multipart: a PNG with a baked credential and the tampered copy.
    let png =
        std::fs::read(repo().join("testdata/examples/1edtech-validator/ob30/simple-json.png"))
            .unwrap();
    let (content_type, body) = multipart(&[
        ("badge.png", "image/png", &png),
        ("tampered.json", "application/json", TAMPERED.as_bytes()),
    ]);
    let multi = t.post("/inbox", Some(&token), &content_type, body).await;
    assert_eq!(multi.status, 201, "{}", multi.text());
    let items = multi.json()["items"].as_array().unwrap().clone();
    assert_eq!(items.len(), 2, "{items:?}");
    assert!(items[0]["path"].as_str().unwrap().starts_with("badge.png"));
    assert_eq!(items[1]["verdict"], "invalid");
    let tampered_id = items[1]["id"].as_str().unwrap().to_owned();

    // Filters and paging.
    let all = t.get("/inbox/credentials", Some(&token)).await.json();
    assert_eq!(all["total"], 3);
    let invalid = t
        .get("/inbox/credentials?verdict=invalid", Some(&token))
        .await
        .json();
    assert_eq!(invalid["total"], 1);
    assert_eq!(invalid["items"][0]["id"], tampered_id.as_str());
    let issuer = all["items"][2]["issuer"].as_str().unwrap().to_owned();
    let by_issuer = t
        .get(
            &format!("/inbox/credentials?issuer={}", urlencode(&issuer)),
            Some(&token),
        )
        .await
        .json();
    assert!(by_issuer["total"].as_u64().unwrap() >= 1);
    let subject = all["items"][2]["subjects"][0].as_str().unwrap().to_owned();
    let by_subject = t
        .get(
            &format!("/inbox/credentials?subject={}", urlencode(&subject)),
            Some(&token),
        )
        .await
        .json();
    assert!(
        by_subject["items"]
            .as_array()
            .unwrap()
            .iter()
            .any(|c| c["id"] == id.as_str())
    );
    let future = t
        .get(
            "/inbox/credentials?since=2999-01-01T00:00:00Z",
            Some(&token),
        )
        .await
        .json();
    assert_eq!(future["total"], 0);
    let page = t
        .get("/inbox/credentials?limit=1&offset=1", Some(&token))
        .await
        .json();
    assert_eq!(page["items"].as_array().unwrap().len(), 1);
    assert_eq!(page["total"], 3);
    t.get("/inbox/credentials?since=yesterday", Some(&token))
        .await
        .assert_problem(400, "invalid-request");

    // One credential, its exact bytes.
    let one = t
        .get(&format!("/inbox/credentials/{id}"), Some(&token))
        .await
        .json();
    assert_eq!(one["credential"]["format"], "Open Badges 3.0 credential");
    assert_eq!(one["report"]["verdict"], "valid-with-warnings");
    assert!(
        !one["credential"]["achievements"]
            .as_array()
            .unwrap()
            .is_empty(),
        "{one}"
    );
    let original = t
        .get(&format!("/inbox/credentials/{id}/original"), Some(&token))
        .await;
    assert_eq!(original.status, 200);
    assert_eq!(original.body, CREDENTIAL.as_bytes());
    assert_eq!(original.headers[header::CONTENT_TYPE], "application/json");
    let png_original = t
        .get(
            &format!(
                "/inbox/credentials/{}/original",
                items[0]["id"].as_str().unwrap()
            ),
            Some(&token),
        )
        .await;
    assert_eq!(png_original.body, png);
    assert_eq!(png_original.headers[header::CONTENT_TYPE], "image/png");

    // Re-verify: a new report, the history kept.
    let again = t
        .send(
            Request::post(format!("/inbox/credentials/{id}/reverify"))
                .header(header::AUTHORIZATION, format!("Bearer {token}"))
                .body(Body::empty())
                .unwrap(),
        )
        .await;
    assert_eq!(again.status, 201, "{}", again.text());
    assert_eq!(again.json()["verdict"], "valid-with-warnings");
    let history = t
        .get(&format!("/inbox/credentials/{id}"), Some(&token))
        .await
        .json()["history"]
        .clone();
    assert_eq!(history.as_array().unwrap().len(), 2);

    // Erasure: the record, the reports and the bytes.
    let gone = t
        .delete(&format!("/inbox/credentials/{id}"), Some(&token))
        .await;
    assert_eq!(gone.status, 204);
    t.get(&format!("/inbox/credentials/{id}"), Some(&token))
        .await
        .assert_problem(404, "not-found");
    t.get(&format!("/inbox/credentials/{id}/original"), Some(&token))
        .await
        .assert_problem(404, "not-found");
    assert!(
        t.state
            .store
            .reports(
                &t.state
                    .store
                    .tenant_by_name("acme")
                    .await
                    .unwrap()
                    .unwrap()
                    .id,
                &id
            )
            .await
            .unwrap()
            .is_empty()
    );
    assert_eq!(
        t.get("/inbox/credentials", Some(&token)).await.json()["total"],
        2
    );
    t.cleanup().await;
}
both!(upload_list_read_reverify_erase, upload_list_read);

fn urlencode(text: &str) -> String {
    text.bytes()
        .map(|b| match b {
            b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'-' | b'.' | b'_' | b'~' => {
                (b as char).to_string()
            }
            _ => format!("%{b:02X}"),
        })
        .collect()
}

async fn json_lines_and_zip(backend: Backend) {
    let t = TestApp::new(backend, false).await;
    let token = t.token("acme", &[]).await;
    let compact: serde_json::Value = serde_json::from_str(CREDENTIAL).unwrap();
    let tampered: serde_json::Value = serde_json::from_str(TAMPERED).unwrap();
    let lines = format!("{compact}\n{tampered}\n");
    let answer = t
        .post(
            "/inbox",
            Some(&token),
            "application/x-ndjson",
            lines.into_bytes(),
        )
        .await;
    assert_eq!(answer.status, 201, "{}", answer.text());
    let verdicts: Vec<_> = answer.json()["items"]
        .as_array()
        .unwrap()
        .iter()
        .map(|i| i["verdict"].clone())
        .collect();
    assert_eq!(verdicts, vec!["valid-with-warnings", "invalid"]);

    let mut zip = zip::ZipWriter::new(std::io::Cursor::new(Vec::new()));
    zip.start_file::<_, ()>("a/badge.json", zip::write::SimpleFileOptions::default())
        .unwrap();
    std::io::Write::write_all(&mut zip, CREDENTIAL.as_bytes()).unwrap();
    let bytes = zip.finish().unwrap().into_inner();
    let answer = t
        .post("/inbox", Some(&token), "application/zip", bytes)
        .await;
    assert_eq!(answer.status, 201, "{}", answer.text());
    assert_eq!(answer.json()["items"][0]["path"], "body!a/badge.json");
    t.cleanup().await;
}
both!(json_lines_and_zip_uploads, json_lines_and_zip);

/// Issue 11, per-entry originals: every credential of a zip archive or a JSON Lines upload
/// keeps the exact bytes of its own entry or line (with their SHA-256), not the whole upload;
/// re-verification reads those bytes alone, and the same entry uploaded on its own later is
/// the same credential.
async fn per_entry_originals(backend: Backend) {
    let t = TestApp::new(backend, false).await;
    let token = t.token("acme", &[]).await;
    let png =
        std::fs::read(repo().join("testdata/examples/1edtech-validator/ob30/simple-json.png"))
            .unwrap();
    let simple =
        std::fs::read(repo().join("testdata/examples/1edtech-validator/ob30/simple.json")).unwrap();
    let entries: [(&str, &[u8]); 3] = [
        ("good.json", CREDENTIAL.as_bytes()),
        ("nested/tampered.json", TAMPERED.as_bytes()),
        ("badge.png", &png),
    ];
    let mut zip = zip::ZipWriter::new(std::io::Cursor::new(Vec::new()));
    for (name, bytes) in entries {
        zip.start_file::<_, ()>(name, zip::write::SimpleFileOptions::default())
            .unwrap();
        std::io::Write::write_all(&mut zip, bytes).unwrap();
    }
    let archive = zip.finish().unwrap().into_inner();

    let one_line = |bytes: &[u8]| {
        serde_json::from_slice::<serde_json::Value>(bytes)
            .unwrap()
            .to_string()
    };
    let lines = [
        one_line(CREDENTIAL.as_bytes()),
        one_line(TAMPERED.as_bytes()),
        one_line(&simple),
    ];
    // Blank space around a line and a CRLF break are not part of the line.
    let jsonl = format!("{}\r\n\n  {}\n{}\n", lines[0], lines[1], lines[2]);

    /// Content type, body, and each expected item's path and original bytes.
    type Upload<'a> = (&'a str, Vec<u8>, Vec<(String, Vec<u8>)>);
    let uploads: [Upload<'_>; 2] = [
        (
            "application/zip",
            archive,
            entries
                .iter()
                .map(|(name, bytes)| (format!("body!{name}"), bytes.to_vec()))
                .collect(),
        ),
        (
            "application/x-ndjson",
            jsonl.into_bytes(),
            vec![
                ("body:1".to_owned(), lines[0].clone().into_bytes()),
                ("body:3".to_owned(), lines[1].clone().into_bytes()),
                ("body:4".to_owned(), lines[2].clone().into_bytes()),
            ],
        ),
    ];
    for (content_type, body, expected) in uploads {
        let answer = t
            .post("/inbox", Some(&token), content_type, body.clone())
            .await;
        assert_eq!(answer.status, 201, "{}", answer.text());
        let items = answer.json()["items"].as_array().unwrap().clone();
        let paths: Vec<&str> = items.iter().map(|i| i["path"].as_str().unwrap()).collect();
        let expected_paths: Vec<&str> = expected.iter().map(|(p, _)| p.as_str()).collect();
        assert_eq!(paths, expected_paths);
        for (item, (path, bytes)) in items.iter().zip(&expected) {
            let id = item["id"].as_str().unwrap();
            let original = t
                .get(&format!("/inbox/credentials/{id}/original"), Some(&token))
                .await;
            assert_eq!(original.status, 200, "{path}: {}", original.text());
            assert_eq!(
                original.body,
                *bytes,
                "{path}: the original is the entry, not the {} bytes of the upload",
                body.len()
            );
            let record = t
                .get(&format!("/inbox/credentials/{id}"), Some(&token))
                .await
                .json();
            assert_eq!(
                record["credential"]["sha256"],
                credbridge_server::record::sha256_hex(bytes),
                "{path}"
            );
            assert_eq!(record["credential"]["container_path"], path.as_str());
            assert_eq!(record["credential"]["item_key"], "", "{path}");
        }
        // Re-verifying a credential of the upload reads its entry alone: same verdict.
        let second = items[1]["id"].as_str().unwrap();
        let again = t
            .send(
                Request::post(format!("/inbox/credentials/{second}/reverify"))
                    .header(header::AUTHORIZATION, format!("Bearer {token}"))
                    .body(Body::empty())
                    .unwrap(),
            )
            .await;
        assert_eq!(again.status, 201, "{}", again.text());
        assert_eq!(again.json()["verdict"], items[1]["verdict"]);
    }

    // The tampered copy that came in the zip, uploaded on its own: the same credential.
    let zip_items = t
        .get("/inbox/credentials?verdict=invalid", Some(&token))
        .await
        .json();
    let alone = t
        .post(
            "/inbox",
            Some(&token),
            "application/json",
            TAMPERED.as_bytes().to_vec(),
        )
        .await;
    assert_eq!(alone.status, 200, "{}", alone.text());
    assert_eq!(alone.json()["items"][0]["created"], false);
    assert!(
        zip_items["items"]
            .as_array()
            .unwrap()
            .iter()
            .any(|c| c["id"] == alone.json()["items"][0]["id"]),
        "{zip_items}"
    );
    t.cleanup().await;
}
both!(
    zip_and_json_lines_entries_keep_their_own_bytes,
    per_entry_originals
);
