//! The OAuth consent page: who asks and for what, the form that answers, hostile client
//! metadata shown inert, and the CSP that lets the answer's redirect through.

use credbridge_pages::{CONTENT_SECURITY_POLICY, ConsentView, PageContext, consent_page, paths};

use crate::common::{preview, visible_text};

pub fn example() -> ConsentView {
    ConsentView {
        client_name: "Harbour HR".into(),
        client_uri: "https://hr.example/".into(),
        logo_uri: Some("https://hr.example/logo.png".into()),
        tos_uri: Some("https://hr.example/terms".into()),
        policy_uri: Some("https://hr.example/privacy".into()),
        scope_sentences: vec![
            "See every Open Badge in your account.".into(),
            "Add Open Badges to your account, or replace them.".into(),
        ],
        redirect_uri: "https://hr.example:8443/callback?x=1".into(),
        query: "response_type=code&client_id=abc&state=s%26t".into(),
    }
}

fn ctx() -> PageContext {
    PageContext {
        user: Some("alice@example.org".into()),
        csrf_token: Some("csrf-123".into()),
        ..PageContext::new("Allow access")
    }
}

#[test]
fn the_consent_page_names_the_client_each_scope_and_where_the_answer_goes() {
    let html = consent_page(&ctx(), &example());
    preview("consent", &html);
    let text = visible_text(&html);
    assert!(
        text.contains("Allow Harbour HR to use your account?"),
        "{text}"
    );
    assert!(text.contains("See every Open Badge in your account."));
    assert!(text.contains("Add Open Badges to your account, or replace them."));
    assert!(
        text.contains("hr.example:8443"),
        "the redirect host is shown"
    );
    // The links the client registered; the logo is a link, not an image.
    for href in [
        "https://hr.example/",
        "https://hr.example/logo.png",
        "https://hr.example/terms",
        "https://hr.example/privacy",
    ] {
        assert!(html.contains(&format!("href=\"{href}\"")), "{href}");
    }
    assert!(!html.contains("<img"), "nothing is loaded from the client");
    // One POST form back to the authorization endpoint with the same query, the CSRF field,
    // and two submit buttons (keyboard-reachable, no script needed).
    assert_eq!(
        html.matches("<form method=\"post\"").count(),
        2,
        "consent + logout"
    );
    assert!(html.contains(&format!(
        "action=\"{}?response_type=code&amp;client_id=abc&amp;state=s%26t\"",
        paths::OAUTH_AUTHORIZE
    )));
    assert!(html.contains("name=\"csrf_token\" value=\"csrf-123\""));
    assert!(html.contains("name=\"decision\" value=\"approve\">Approve</button>"));
    assert!(html.contains("name=\"decision\" value=\"deny\">Deny</button>"));
    assert!(!html.contains("tabindex=\"-1\" type=\"submit\""));
}

#[test]
fn the_consent_csp_lets_the_redirect_through_and_nothing_else() {
    let csp = example().content_security_policy();
    assert_eq!(
        csp,
        CONTENT_SECURITY_POLICY.replace(
            "form-action 'self'",
            "form-action 'self' https://hr.example:8443"
        )
    );
    // A redirect URI that could smuggle a directive adds nothing.
    for bad in [
        "https://a.example;script-src *",
        "https://a.example 'unsafe-inline'/x",
        "https://user@a.example/",
        "javascript:alert(1)",
        "",
    ] {
        let view = ConsentView {
            redirect_uri: bad.into(),
            ..example()
        };
        assert_eq!(
            view.content_security_policy(),
            CONTENT_SECURITY_POLICY,
            "{bad}"
        );
        assert_eq!(view.redirect_host(), None, "{bad}");
    }
}

const HOSTILE: &str = "<script>alert('x')</script>\u{1b}[31mHarbour\u{202E}gpj.exe";

#[test]
fn hostile_client_metadata_is_inert() {
    let view = ConsentView {
        client_name: HOSTILE.into(),
        client_uri: "javascript:alert(1)".into(),
        logo_uri: Some("data:image/svg+xml,<svg onload=alert(2)>".into()),
        tos_uri: Some("\"><script>alert(3)</script>".into()),
        policy_uri: Some("http://plain.example/privacy".into()),
        scope_sentences: vec!["<b>everything</b>\u{202E}".into()],
        redirect_uri: "https://hr.example/\"><img src=x>".into(),
        query: "state=\"><script>alert(4)</script>".into(),
    };
    let html = consent_page(&ctx(), &view);
    preview("consent-hostile", &html);
    assert!(!html.contains("<script>alert"), "{html}");
    assert!(!html.contains("<img"), "{html}");
    assert!(!html.contains("<b>everything"), "{html}");
    assert!(!html.contains("href=\"javascript:"), "{html}");
    assert!(!html.contains("href=\"data:"), "{html}");
    assert!(!html.contains("href=\"http://plain"), "only https links");
    assert!(!html.contains('\u{1b}') && !html.contains('\u{202E}'));
    // The name is text, inside <bdi>, with the overrides made visible.
    assert!(html.contains("<bdi>&lt;script&gt;alert("), "{html}");
    assert!(visible_text(&html).contains("\u{FFFD}[31mHarbour\u{FFFD}gpj.exe"));
    // The redirect's host is still shown, and the CSP names only it.
    assert!(visible_text(&html).contains("hr.example"));
    assert!(
        view.content_security_policy()
            .contains("form-action 'self' https://hr.example;")
    );
}
