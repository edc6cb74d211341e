//! Credential-supplied strings are shown as text: escaped, with terminal escapes and
//! bidirectional overrides made visible, and links only to http(s).

use credbridge_pages::{ImageView, PageContext, results_page};
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
