//! Login, inbox list, stored credential and error pages.

use credbridge_pages::{
    Flash, FlashKind, InboxFilters, InboxPaging, InboxRow, PageContext, StoredCredential,
    VerdictView, credential_page, error_page, inbox_page, login_page,
};

use crate::common::{example, preview, visible_text};

fn signed_in() -> PageContext {
    PageContext {
        title: "Inbox".into(),
        user: Some("recruiter@example.com".into()),
        csrf_token: Some("tok\"en".into()),
        flash: Some(Flash {
            kind: FlashKind::Success,
            message: "2 credentials added".into(),
        }),
        dev: false,
    }
}

fn rows() -> Vec<InboxRow> {
    vec![
        InboxRow {
            id: "c-1".into(),
            received_at: "2026-12-07T10:00:00Z".into(),
            verdict: VerdictView::Valid,
            achievement: Some("Data Analysis with Python".into()),
            issuer: Some("Riverside Community College".into()),
            subject: Some("an email address (hashed)".into()),
            format: "Open Badges 3.0 credential".into(),
            source: "upload".into(),
        },
        InboxRow {
            id: "c/2".into(),
            received_at: "2026-12-07T10:01:00Z".into(),
            verdict: VerdictView::Invalid,
            achievement: Some("<b>Forged</b>".into()),
            issuer: None,
            subject: None,
            format: "Open Badges 3.0 credential".into(),
            source: "api".into(),
        },
    ]
}

#[test]
fn inbox_lists_rows_with_verdicts_links_filters_and_paging() {
    let paging = InboxPaging {
        page: 2,
        has_next: true,
        total: Some(57),
        filters: InboxFilters {
            verdict: Some("invalid".into()),
            issuer: Some("did:web:a.example&x=1".into()),
            ..InboxFilters::default()
        },
    };
    let html = inbox_page(&signed_in(), &rows(), &paging);
    preview("inbox", &html);
    let text = visible_text(&html);
    assert!(text.contains("Signed in as recruiter@example.com"));
    assert!(text.contains("2 credentials added"));
    assert!(
        text.contains("✓ valid Data Analysis with Python Riverside Community College"),
        "{text}"
    );
    assert!(text.contains("✗ invalid <b>Forged</b>"), "{text}");
    assert!(html.contains(r#"href="/inbox/view/c-1""#));
    assert!(
        html.contains(r#"href="/inbox/view/c%2F2""#),
        "ids are encoded in paths"
    );
    assert!(
        html.contains(r#"<option value="invalid" selected>invalid</option>"#),
        "{html}"
    );
    assert!(
        html.contains(
            r#"href="/inbox?page=1&amp;verdict=invalid&amp;issuer=did%3Aweb%3Aa.example%26x%3D1""#
        ),
        "{html}"
    );
    assert!(html.contains(r#"href="/inbox?page=3&amp;"#));
    assert!(
        html.contains(r#"value="tok&quot;en""#),
        "the csrf token is an escaped attribute"
    );
    assert!(html.contains(r#"action="/inbox/upload" enctype="multipart/form-data""#));
    assert!(text.contains("57 in all"));
}

#[test]
fn empty_inbox_says_so_and_forms_carry_a_csrf_token_only_when_given() {
    let html = inbox_page(&signed_in(), &[], &InboxPaging::default());
    assert!(visible_text(&html).contains("No credentials match."));
    assert!(!html.contains("rel=\"prev\""));
    assert!(html.contains(r#"name="csrf_token""#));
    let without = PageContext {
        csrf_token: None,
        ..signed_in()
    };
    let html = inbox_page(&without, &[], &InboxPaging::default());
    assert!(
        html.contains(r#"action="/inbox/upload""#),
        "the form is still there"
    );
    assert!(html.contains(r#"action="/logout""#));
    assert!(!html.contains("csrf_token"));
}

#[test]
fn login_page_has_labelled_fields_and_keeps_only_local_next() {
    let ctx = PageContext {
        csrf_token: Some("t".into()),
        ..PageContext::new("Log in")
    };
    let html = login_page(
        &ctx,
        Some("/inbox?page=2"),
        Some("wrong user name or password"),
    );
    preview("login", &html);
    assert!(html.contains(r#"<form method="post" action="/login">"#));
    assert!(html.contains(r#"<label for="login-email">"#));
    assert!(html.contains(r#"type="email" name="email""#));
    assert!(html.contains(r#"<label for="login-password">"#));
    assert!(html.contains(r#"name="next" value="/inbox?page=2""#));
    assert!(html.contains(r#"role="alert""#));
    for open_redirect in ["https://evil.example/", "//evil.example/"] {
        let html = login_page(&ctx, Some(open_redirect), None);
        assert!(!html.contains("evil.example"), "{open_redirect}");
    }
}

#[test]
fn credential_page_shows_record_actions_verdict_and_history() {
    let (item, _) = example("ob3-tampered.json");
    let record = StoredCredential {
        id: "c-2".into(),
        received_at: "2026-12-07T10:01:00Z".into(),
        source: "upload".into(),
        sha256: "ab".repeat(32),
        history: vec![("2026-12-07T10:01:00Z".into(), VerdictView::Invalid)],
    };
    let html = credential_page(&signed_in(), &record, &item);
    preview("credential", &html);
    let text = visible_text(&html);
    assert!(html.contains(r#"href="/inbox/credentials/c-2/original""#));
    assert!(html.contains(r#"action="/inbox/view/c-2/reverify""#));
    assert!(html.contains(r#"action="/inbox/view/c-2/delete""#));
    assert!(text.contains("✗ invalid"));
    assert!(
        text.contains("Earlier verifications 2026-12-07T10:01:00Z : invalid"),
        "{text}"
    );
}

#[test]
fn error_page_names_status_and_what_to_do() {
    let html = error_page(404, "Not found", "There is no page at this address.");
    preview("error", &html);
    let text = visible_text(&html);
    assert!(
        text.contains("Not found Error 404 There is no page at this address."),
        "{text}"
    );
    assert!(html.contains("<title>Not found – credbridge</title>"));
}
