//! The pages, through the routes: the public verifier (upload valid and tampered), login, the
//! inbox list, uploads with CSRF, one stored credential, re-verify, erase, assets.

use axum::body::Body;
use axum::http::{Request, header};
use credbridge_server::admin::Admin;

use crate::both;
use crate::fixtures::{Answer, Backend, TestApp};

const CREDENTIAL: &str = include_str!("../../../../examples/ob3-eddsa-rdfc-2022.json");
const TAMPERED: &str = include_str!("../../../../examples/ob3-tampered.json");

fn form(fields: &[(&str, Option<&str>, &[u8])]) -> (String, Vec<u8>) {
    let boundary = "page-boundary";
    let mut body = Vec::new();
    for (name, file, bytes) in fields {
        let file = file
            .map(|f| format!("; filename=\"{f}\""))
            .unwrap_or_default();
        body.extend_from_slice(
            format!(
                "--{boundary}\r\nContent-Disposition: form-data; name=\"{name}\"{file}\r\n\r\n"
            )
            .as_bytes(),
        );
        body.extend_from_slice(bytes);
        body.extend_from_slice(b"\r\n");
    }
    body.extend_from_slice(format!("--{boundary}--\r\n").as_bytes());
    (format!("multipart/form-data; boundary={boundary}"), body)
}

async fn send_with_cookie(
    t: &TestApp,
    request: axum::http::request::Builder,
    cookie: &str,
    body: Body,
) -> Answer {
    t.send(request.header(header::COOKIE, cookie).body(body).unwrap())
        .await
}

fn csrf_of(html: &str) -> String {
    let at = html
        .find("name=\"csrf_token\" value=\"")
        .expect("a CSRF field")
        + 25;
    html[at..at + 64].to_owned()
}

async fn verifier_page(backend: Backend) {
    let t = TestApp::new(backend, false).await;
    let home = t.get("/", None).await;
    assert_eq!(home.status, 200);
    assert!(
        home.headers[header::CONTENT_SECURITY_POLICY]
            .to_str()
            .unwrap()
            .contains("default-src 'none'")
    );
    assert!(
        home.text().contains("action=\"/verify\""),
        "{}",
        home.text()
    );

    let (content_type, body) = form(&[("file", Some("badge.json"), CREDENTIAL.as_bytes())]);
    let valid = t.post("/verify", None, &content_type, body).await;
    assert_eq!(valid.status, 200, "{}", valid.text());
    let page = valid.text();
    assert!(
        page.contains("valid") && page.contains("Data Analysis with Python"),
        "{page}"
    );
    assert!(!page.contains("verdict-invalid"));
    // The data-quality lint sits beside the report, scored as `credbridge lint` scores it.
    let checker = credbridge_config::FrameworkAlignmentChecker::bundled().unwrap();
    let lint =
        credbridge_issue::lint_document(&serde_json::from_str(CREDENTIAL).unwrap(), &checker);
    assert!(page.contains("Data quality"), "{page}");
    assert!(
        page.contains(&format!("Score <strong>{}/100</strong>", lint.score)),
        "{page}"
    );
    for finding in &lint.findings {
        assert!(
            page.contains(finding.rule),
            "{} missing: {page}",
            finding.rule
        );
    }
    assert!(page.find("Checks").unwrap() < page.find("Data quality").unwrap());

    let (content_type, body) = form(&[("text", None, TAMPERED.as_bytes())]);
    let tampered = t.post("/verify", None, &content_type, body).await.text();
    assert!(tampered.contains("verdict-invalid"), "{tampered}");
    // Offline: a URL is refused in words, not fetched.
    let (content_type, body) = form(&[("url", None, b"https://example.org/badge.json")]);
    let url = t.post("/verify", None, &content_type, body).await.text();
    assert!(url.contains("fetches no URLs"), "{url}");
    let (content_type, body) = form(&[("text", None, b"")]);
    assert_eq!(
        t.post("/verify", None, &content_type, body).await.status,
        400
    );

    for asset in credbridge_pages::assets() {
        let answer = t.get(asset.path, None).await;
        assert_eq!(answer.status, 200);
        assert_eq!(answer.body, asset.bytes);
    }
    t.cleanup().await;
}
both!(verifier_page_verifies_without_storing, verifier_page);

async fn inbox_pages(backend: Backend) {
    let t = TestApp::new(backend, false).await;
    // Not logged in: to the login page, coming back afterwards.
    let away = t.get("/inbox", None).await;
    assert_eq!(away.status, 303);
    assert_eq!(away.headers[header::LOCATION], "/login?next=%2Finbox");
    assert!(
        t.get("/login?next=%2Finbox", None)
            .await
            .text()
            .contains("name=\"password\"")
    );

    let location = t.location.clone();
    tokio::task::spawn_blocking(move || {
        Admin::open_at(location)
            .unwrap()
            .users_add("acme", "ann@acme.example", "pw-for-ann")
            .unwrap()
    })
    .await
    .unwrap();
    let login = t
        .send(
            Request::post("/login")
                .header(header::CONTENT_TYPE, "application/x-www-form-urlencoded")
                .body(Body::from(
                    "email=ann%40acme.example&password=pw-for-ann&next=%2Finbox",
                ))
                .unwrap(),
        )
        .await;
    assert_eq!(login.status, 303, "{}", login.text());
    assert_eq!(login.headers[header::LOCATION], "/inbox");
    let cookie = login.headers[header::SET_COOKIE]
        .to_str()
        .unwrap()
        .split(';')
        .next()
        .unwrap()
        .to_owned();

    let inbox = send_with_cookie(&t, Request::get("/inbox"), &cookie, Body::empty()).await;
    assert_eq!(inbox.status, 200, "{}", inbox.text());
    let csrf = csrf_of(&inbox.text());

    // An upload without the CSRF field is refused; with it, stored.
    let (content_type, body) = form(&[("file", Some("badge.json"), CREDENTIAL.as_bytes())]);
    let forged = send_with_cookie(
        &t,
        Request::post("/inbox/upload").header(header::CONTENT_TYPE, &content_type),
        &cookie,
        Body::from(body),
    )
    .await;
    assert_eq!(forged.status, 400, "{}", forged.text());
    let (content_type, body) = form(&[
        ("csrf_token", None, csrf.as_bytes()),
        ("file", Some("badge.json"), CREDENTIAL.as_bytes()),
        ("file", Some("tampered.json"), TAMPERED.as_bytes()),
    ]);
    let stored = send_with_cookie(
        &t,
        Request::post("/inbox/upload").header(header::CONTENT_TYPE, &content_type),
        &cookie,
        Body::from(body),
    )
    .await;
    assert_eq!(stored.status, 303, "{}", stored.text());
    assert_eq!(stored.headers[header::LOCATION], "/inbox?stored=2&failed=0");
    let list = send_with_cookie(
        &t,
        Request::get("/inbox?stored=2&failed=0"),
        &cookie,
        Body::empty(),
    )
    .await
    .text();
    assert!(list.contains("Data Analysis with Python"), "{list}");
    let invalid_only = send_with_cookie(
        &t,
        Request::get("/inbox?verdict=invalid"),
        &cookie,
        Body::empty(),
    )
    .await
    .text();
    let at = invalid_only
        .find("/inbox/view/")
        .expect("a link to the credential's page");
    let id: String = invalid_only[at + 12..]
        .chars()
        .take_while(|c| *c != '"')
        .collect();

    let view = send_with_cookie(
        &t,
        Request::get(format!("/inbox/view/{id}")),
        &cookie,
        Body::empty(),
    )
    .await;
    assert_eq!(view.status, 200, "{}", view.text());
    assert!(view.text().contains("verdict-invalid"));
    // The stored credential's page shows its lint too (a tampered badge is still a badge).
    assert!(view.text().contains("Data quality"), "{}", view.text());
    let reverify = send_with_cookie(
        &t,
        Request::post(format!("/inbox/view/{id}/reverify"))
            .header(header::CONTENT_TYPE, "application/x-www-form-urlencoded"),
        &cookie,
        Body::from(format!("csrf_token={csrf}")),
    )
    .await;
    assert_eq!(reverify.status, 303, "{}", reverify.text());
    let tenant = t
        .state
        .store
        .tenant_by_name("acme")
        .await
        .unwrap()
        .unwrap()
        .id;
    assert_eq!(t.state.store.reports(&tenant, &id).await.unwrap().len(), 2);
    let delete = send_with_cookie(
        &t,
        Request::post(format!("/inbox/view/{id}/delete"))
            .header(header::CONTENT_TYPE, "application/x-www-form-urlencoded"),
        &cookie,
        Body::from(format!("csrf_token={csrf}")),
    )
    .await;
    assert_eq!(delete.status, 303);
    assert_eq!(t.state.store.credential(&tenant, &id).await.unwrap(), None);
    // Another tenant's person cannot open it (nor anything of acme's).
    let other = send_with_cookie(
        &t,
        Request::get(format!("/inbox/view/{id}")),
        &cookie,
        Body::empty(),
    )
    .await;
    assert_eq!(other.status, 404);
    t.cleanup().await;
}
both!(login_inbox_upload_view_reverify_delete, inbox_pages);
