//! Accessibility and safety properties every page shares: language, landmarks, one heading,
//! labelled fields, no inline script or style (the CSP forbids them), embedded assets, and
//! colour contrast of at least 4.5:1 for every text colour on every background it is used on.

use std::sync::OnceLock;

use credbridge_matching::JobIndex;
use credbridge_pages::{
    CONTENT_SECURITY_POLICY, CandidateFilters, InboxPaging, JobRow, PageContext, RankedCandidate,
    assets, candidate_page, candidates_page, consent_page, error_page, inbox_page, job_page,
    jobs_page, login_page, results_page, verifier_page,
};
use credbridge_profile::{
    Origin, SkillsProfile, Verification, VerificationStatus, build_profile, group_people, normalize,
};
use credbridge_skills::Frameworks;

use crate::common::{example, root};

fn frameworks() -> &'static Frameworks {
    static FW: OnceLock<Frameworks> = OnceLock::new();
    FW.get_or_init(|| Frameworks::load_bundled().unwrap())
}

/// The example credential's profile (its Python alignment resolves to ESCO).
fn profile() -> SkillsProfile {
    let json: serde_json::Value = serde_json::from_slice(
        &std::fs::read(root().join("examples/ob3-eddsa-rdfc-2022.json")).unwrap(),
    )
    .unwrap();
    let records = normalize(
        &json,
        &Origin {
            item: "/inbox/credentials/1",
            ..Origin::default()
        },
        &Verification::of(VerificationStatus::ValidWithWarnings),
    )
    .records;
    let people = group_people(&records, &[]);
    build_profile(&people[0], &records, frameworks())
}

fn employer_pages(ctx: &PageContext) -> Vec<(&'static str, String)> {
    let fw = frameworks();
    let profile = profile();
    assert!(!profile.skills.is_empty());
    let job =
        credbridge_matching::job::from_text(fw, "Analyst", "computer programming\nSQL").unwrap();
    let report = JobIndex::new(job.clone(), fw).report(&profile, fw);
    let link = |_: &str| Some("/inbox/view/1".to_owned());
    let ranked = [RankedCandidate {
        person: &profile.person.id,
        label: "Candidate".into(),
        report: &report,
    }];
    vec![
        (
            "candidates",
            candidates_page(ctx, &[&profile], 1, &CandidateFilters::default()),
        ),
        (
            "candidate",
            candidate_page(ctx, &profile, &link, &[("j1".into(), "Analyst".into())]),
        ),
        (
            "jobs",
            jobs_page(
                ctx,
                &[JobRow {
                    id: "j1".into(),
                    title: "Analyst".into(),
                    requirements: 2,
                    source: "text".into(),
                }],
            ),
        ),
        ("job", job_page(ctx, "j1", &job, &ranked, &link, &|_| None)),
    ]
}

fn all_pages() -> Vec<(&'static str, String)> {
    let ctx = PageContext {
        user: Some("r".into()),
        csrf_token: Some("t".into()),
        ..PageContext::new("Page")
    };
    let (valid, _) = example("ob3-eddsa-rdfc-2022.json");
    let (tampered, _) = example("ob3-tampered.json");
    let valid = valid.with_lint(crate::hostile::sample_lint());
    let mut pages = employer_pages(&ctx);
    pages.extend([
        ("verifier", verifier_page(&PageContext::new("Verify"))),
        ("results", results_page(&ctx, &[valid, tampered])),
        (
            "login",
            login_page(&PageContext::new("Log in"), None, Some("no")),
        ),
        ("inbox", inbox_page(&ctx, &[], &InboxPaging::default())),
        ("consent", consent_page(&ctx, &crate::consent::example())),
        (
            "error",
            error_page(500, "Something went wrong", "Try again later."),
        ),
    ]);
    pages
}

/// The values of `attr` on every tag named `tag`.
fn attrs<'a>(html: &'a str, tag: &str, attr: &str) -> Vec<Option<&'a str>> {
    let open = format!("<{tag} ");
    html.match_indices(&open)
        .map(|(start, _)| {
            let rest = &html[start..];
            let end = rest.find('>').unwrap();
            let tag_text = &rest[..end];
            let needle = format!(" {attr}=\"");
            tag_text.find(&needle).map(|i| {
                let value = &tag_text[i + needle.len()..];
                &value[..value.find('"').unwrap()]
            })
        })
        .collect()
}

#[test]
fn every_page_has_language_landmarks_and_one_h1() {
    for (name, html) in all_pages() {
        assert!(
            html.starts_with("<!DOCTYPE html><html lang=\"en\">"),
            "{name}"
        );
        assert!(
            html.contains(r##"<a class="skip" href="#main">"##),
            "{name}: skip link"
        );
        for landmark in [
            "<header",
            "<nav aria-label=\"Main\">",
            "<main id=\"main\"",
            "<footer",
        ] {
            assert!(html.contains(landmark), "{name}: {landmark}");
        }
        assert_eq!(html.matches("<h1").count(), 1, "{name}: one h1");
        assert!(
            html.contains(r#"role="status" aria-live="polite""#),
            "{name}: live region"
        );
    }
}

#[test]
fn every_form_field_has_a_label() {
    for (name, html) in all_pages() {
        for tag in ["input", "select", "textarea"] {
            let types = attrs(&html, tag, "type");
            let ids = attrs(&html, tag, "id");
            for (kind, id) in types.iter().zip(&ids) {
                if *kind == Some("hidden") {
                    continue;
                }
                let id = id.unwrap_or_else(|| panic!("{name}: a {tag} without id"));
                assert!(
                    html.contains(&format!("<label for=\"{id}\"")),
                    "{name}: {id} has no label"
                );
            }
        }
    }
}

#[test]
fn no_inline_script_or_style_and_every_asset_is_embedded() {
    assert!(!CONTENT_SECURITY_POLICY.contains("unsafe"));
    let served: Vec<&str> = assets().iter().map(|a| a.path).collect();
    for (name, html) in all_pages() {
        assert!(!html.contains(" style=\""), "{name}: inline style");
        assert!(!html.contains("<style"), "{name}: style element");
        for (start, _) in html.match_indices("<script") {
            let tag = &html[start..start + html[start..].find("</script>").unwrap()];
            assert!(
                tag.contains(" src=\"/assets/") && tag.ends_with('>'),
                "{name}: inline script {tag}"
            );
        }
        for (start, _) in html.match_indices("\"/assets/") {
            let path = &html[start + 1..];
            let path = &path[..path.find('"').unwrap()];
            assert!(served.contains(&path), "{name}: {path} is not embedded");
        }
    }
    for asset in assets() {
        assert!(!asset.bytes.is_empty(), "{}", asset.path);
    }
}

/// WCAG 2.x relative luminance of `#rrggbb`.
fn luminance(hex: &str) -> f64 {
    let hex = hex.trim_start_matches('#');
    let channel = |i: usize| {
        let c = f64::from(u8::from_str_radix(&hex[i..i + 2], 16).unwrap()) / 255.0;
        if c <= 0.039_28 {
            c / 12.92
        } else {
            ((c + 0.055) / 1.055).powf(2.4)
        }
    };
    0.2126 * channel(0) + 0.7152 * channel(2) + 0.0722 * channel(4)
}

fn contrast(a: &str, b: &str) -> f64 {
    let (la, lb) = (luminance(a), luminance(b));
    (la.max(lb) + 0.05) / (la.min(lb) + 0.05)
}

#[test]
fn text_colours_reach_4_5_to_1_on_every_background() {
    let css = std::str::from_utf8(
        assets()
            .iter()
            .find(|a| a.path.ends_with("style.css"))
            .unwrap()
            .bytes,
    )
    .unwrap();
    let var = |name: &str| {
        let needle = format!("--{name}: ");
        let at = css
            .find(&needle)
            .unwrap_or_else(|| panic!("--{name} not defined"));
        css[at + needle.len()..at + needle.len() + 7].to_owned()
    };
    let foregrounds = [
        "text", "muted", "link", "brand", "ok", "warn", "bad", "unknown",
    ];
    let backgrounds = ["bg", "surface", "ok-bg", "warn-bg", "bad-bg", "unknown-bg"];
    for fg in foregrounds {
        for bg in backgrounds {
            let ratio = contrast(&var(fg), &var(bg));
            assert!(ratio >= 4.5, "--{fg} on --{bg}: {ratio:.2}");
        }
    }
    // White text on the verdict badges and the header.
    for bg in ["brand", "ok", "warn", "bad", "unknown"] {
        let ratio = contrast("#ffffff", &var(bg));
        assert!(ratio >= 4.5, "white on --{bg}: {ratio:.2}");
    }
    // The focus ring is not text: 3:1 against the page (WCAG 1.4.11).
    assert!(contrast(&var("focus"), &var("bg")) >= 3.0);
}
