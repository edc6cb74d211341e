//! Credential-supplied strings are shown as text: escaped, with terminal escapes and
//! bidirectional overrides made visible, and links only to http(s).

use credbridge_pages::{
    ImageView, LintFindingView, LintSeverity, LintView, PageContext, VerdictView, results_page,
};
use serde_json::json;

use crate::common::{preview, root, verify_json, visible_text};

const HOSTILE_NAME: &str = "<script>alert('issuer')</script>\u{1b}[31mHarvard\u{202E}gpj.exe";

#[test]
fn hostile_issuer_and_achievement_strings_are_inert() {
    let mut doc: serde_json::Value = serde_json::from_slice(
        &std::fs::read(root().join("examples/ob3-eddsa-rdfc-2022.json")).unwrap(),
    )
    .unwrap();
    doc["issuer"]["name"] = json!(HOSTILE_NAME);
    doc["issuer"]["url"] = json!("javascript:alert(1)");
    let achievement = &mut doc["credentialSubject"]["achievement"];
    achievement["name"] = json!("<img src=x onerror=alert(1)>");
    achievement["criteria"]["id"] = json!("javascript:alert(2)");
    achievement["image"] = json!({"id": "https://tracker.example/pixel.png", "type": "Image"});
    achievement["alignment"][0]["targetUrl"] = json!("\"><script>alert(3)</script>");

    let (view, _) = verify_json(&doc, "hostile.json");
    let html = results_page(&PageContext::new("Result"), std::slice::from_ref(&view));
    preview("results-hostile", &html);

    // Nothing the credential wrote became markup.
    assert!(!html.contains("<script>alert"), "{html}");
    assert!(!html.contains("<img src=x"), "{html}");
    assert!(
        html.contains("&lt;script&gt;alert("),
        "escaped name shown as text"
    );
    assert!(!html.contains("href=\"javascript:"), "no javascript: link");
    // Terminal escapes and the right-to-left override are replaced by a visible mark.
    assert!(!html.contains('\u{1b}'));
    assert!(!html.contains('\u{202E}'));
    assert!(visible_text(&html).contains("</script>\u{FFFD}[31mHarvard\u{FFFD}gpj.exe"));
    // The name sits in a <bdi>, so a right-to-left name cannot reorder the sentence.
    assert!(
        html.contains("<bdi class=\"issuer-name\">&lt;script&gt;"),
        "{html}"
    );
    // The https image is a link, never an <img> the browser would load.
    let achievement = view.credential.as_ref().unwrap();
    assert!(matches!(
        achievement.achievement_extras[0].image,
        Some(ImageView::Link { .. })
    ));
    assert!(
        !html.contains("<img src=\"https://tracker.example"),
        "{html}"
    );
    assert!(html.contains(r#"href="https://tracker.example/pixel.png""#));
    // It was changed after signing, so it is invalid, whatever it says.
    assert!(html.contains("verdict-invalid"));
}

#[test]
fn data_url_images_are_shown_inline() {
    let mut doc: serde_json::Value = serde_json::from_slice(
        &std::fs::read(root().join("examples/ob3-eddsa-rdfc-2022.json")).unwrap(),
    )
    .unwrap();
    let png = "data:image/png;base64,iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNkYPhfDwAChwGA60e6kgAAAABJRU5ErkJggg==";
    doc["credentialSubject"]["achievement"]["image"] =
        json!({"id": png, "type": "Image", "caption": "Badge"});
    let (view, _) = verify_json(&doc, "image.json");
    let html = results_page(&PageContext::new("Result"), std::slice::from_ref(&view));
    assert!(
        html.contains(&format!(
            r#"<img src="{png}" alt="Image of Data Analysis with Python""#
        )),
        "{html}"
    );
    assert!(visible_text(&html).contains("Badge"));
}

/// A lint with one finding of each severity, given out of order, one of them hostile.
pub fn sample_lint() -> LintView {
    let finding =
        |rule: &str, severity, pointer: &str, message: &str, hint: &str| LintFindingView {
            rule: rule.into(),
            severity,
            pointer: pointer.into(),
            message: message.into(),
            hint: hint.into(),
        };
    LintView::new(
        61,
        "credbridge-lint/1",
        [
            finding(
                "image-alt",
                LintSeverity::Info,
                "/credentialSubject/achievement/image/caption",
                "the image has no caption",
                "add a caption",
            ),
            finding(
                "alignment-present",
                LintSeverity::Warning,
                "/credentialSubject/achievement/alignment",
                "no alignment to a skills framework <b>bold</b>",
                "align the achievement to an ESCO, O*NET, CASE or RSD skill",
            ),
            finding(
                "criteria-present",
                LintSeverity::Error,
                "/credentialSubject/achievement/criteria",
                "criteria are missing",
                "describe what the learner had to do",
            ),
        ],
        2,
    )
}

#[test]
fn the_lint_is_shown_beside_the_checks_without_changing_the_verdict() {
    let (view, _) = crate::common::example("ob3-eddsa-rdfc-2022.json");
    let verdict = view.verdict;
    let view = view.with_lint(sample_lint());
    assert_eq!(view.verdict, verdict);
    let html = results_page(&PageContext::new("Result"), std::slice::from_ref(&view));
    preview("results-lint", &html);
    let text = visible_text(&html);

    assert!(text.contains("Data quality"), "{text}");
    assert!(
        text.contains("Score 61/100 : 1 error, 1 warning, 1 suggestion."),
        "{text}"
    );
    // Most severe first, each with where and how to fix it.
    let error = text
        .find("Error: criteria are missing")
        .expect("error shown");
    let warning = text.find("Warning: no alignment").expect("warning shown");
    let info = text
        .find("Suggestion: the image has no caption")
        .expect("info shown");
    assert!(error < warning && warning < info, "{text}");
    assert!(
        text.contains("where: /credentialSubject/achievement/criteria"),
        "{text}"
    );
    assert!(
        text.contains("fix: describe what the learner had to do"),
        "{text}"
    );
    assert!(text.contains("2 more findings were left out."), "{text}");
    // A finding's text is text, not markup.
    assert!(!html.contains("<b>bold</b>"), "{html}");
    // The checks come first; the lint does not make a valid credential look invalid.
    assert!(html.find("Checks").unwrap() < html.find("Data quality").unwrap());
    assert!(!matches!(view.verdict, VerdictView::Invalid));
}
