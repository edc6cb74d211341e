//! The results page rendered from real reports: the bundled examples and every example file
//! under `testdata/examples`.

use credbridge_pages::{
    IdentityStatus, Mark, PageContext, VerdictView, results_page, verifier_page,
};
use credbridge_verify::{Outcome, Verdict};

use crate::common::{example, offline_options, preview, root, views_of_path, visible_text};

#[test]
fn valid_example_says_valid_names_the_achievement_and_what_the_credential_says() {
    let (view, report) = example("ob3-eddsa-rdfc-2022.json");
    assert_eq!(report.verdict, Verdict::Valid);
    assert_eq!(view.verdict, VerdictView::Valid);
    let html = results_page(&PageContext::new("Result"), std::slice::from_ref(&view));
    preview("results-valid", &html);
    let text = visible_text(&html);
    assert!(html.contains("verdict-valid"), "verdict class");
    // The header says what was verified: the verdict, the achievement, the issuer with its
    // identity status, the recipient, the dates.
    assert!(text.contains("✓ valid Data Analysis with Python"), "{text}");
    assert!(
        text.contains("Issued by Riverside Community College (not confirmed)"),
        "{text}"
    );
    assert!(text.contains("no registry or domain confirms it"), "{text}");
    assert!(
        text.contains("Homepage it gives: https://riverside.example.edu"),
        "{text}"
    );
    assert!(!text.contains("Do not rely"), "{text}");
    assert!(
        text.contains("Awarded to an email address, given only as a hash with salt"),
        "{text}"
    );
    assert!(text.contains("valid from 2026-06-12T00:00:00Z"), "{text}");
    // Every check, in the report's words.
    for check in &report.checks {
        assert!(
            text.contains(&check.message),
            "check {} missing: {text}",
            check.id
        );
    }
    // What the credential says.
    assert!(text.contains("A 12-week course in cleaning, analysing and visualising data"));
    assert!(text.contains("Completed four graded projects"));
    assert!(
        text.contains("Python (computer programming) · ESCO"),
        "{text}"
    );
    assert!(html.contains(
        r#"href="http://data.europa.eu/esco/skill/ccd0a1d9-afda-43d9-b901-96344886e14d""#
    ));
    assert!(text.contains("Credits available 4"), "{text}");
    assert!(
        text.contains("Data Analysis with Python: valid"),
        "the status line: {text}"
    );
}

#[test]
fn tampered_example_says_invalid_and_names_the_failing_check_in_words() {
    let (view, report) = example("ob3-tampered.json");
    assert_eq!(report.verdict, Verdict::Invalid);
    let failed: Vec<_> = report
        .checks
        .iter()
        .filter(|c| matches!(c.outcome, Outcome::Failed(_)))
        .collect();
    assert!(!failed.is_empty());
    let html = results_page(&PageContext::new("Result"), std::slice::from_ref(&view));
    preview("results-tampered", &html);
    let text = visible_text(&html);
    assert!(html.contains("verdict-invalid"));
    assert!(text.contains("✗ invalid"), "{text}");
    assert!(
        text.contains("Do not rely on what this credential says"),
        "{text}"
    );
    assert!(text.contains("What needs attention:"), "{text}");
    for check in failed {
        assert!(
            text.contains(&format!("failed: {}", check.message)),
            "failing check {} not in words: {text}",
            check.id
        );
        if let Outcome::Failed(reason) = &check.outcome {
            assert!(text.contains(&format!("why: {reason}")), "{text}");
        }
    }
    // The proof check is the one that fails, and its sentence is the first problem listed.
    let proof = view.checks.iter().find(|c| c.id == "proof").unwrap();
    assert_eq!(proof.mark, Mark::Failed);
    assert_eq!(
        view.problems().first().map(|c| c.id.as_str()),
        Some("proof")
    );
}

#[test]
fn identity_is_confirmed_only_by_a_trusted_source() {
    let (view, _) = example("ob3-eddsa-rdfc-2022.json");
    let issuer = view.issuer.as_ref().unwrap();
    assert_eq!(issuer.status, IdentityStatus::Unconfirmed);
    assert_eq!(issuer.name.as_deref(), Some("Riverside Community College"));

    // The same credential with its issuer on the verifier's allow list: confirmed, and the
    // sentence says how.
    let mut options = offline_options();
    options.trust.allow = vec!["did:key:z6MkgD4uqHMGqGqKm2oU7E2Uf2dRbY5RjeEkJ1mu5s5wVjro".into()];
    let views = views_of_path(&root().join("examples/ob3-eddsa-rdfc-2022.json"), &options);
    let (trusted, _) = &views[0];
    let status = &trusted.issuer.as_ref().unwrap().status;
    assert!(
        matches!(status, IdentityStatus::Confirmed(how) if how.contains("trusted issuers")),
        "{status:?}"
    );
    let html = results_page(&PageContext::new("Result"), std::slice::from_ref(trusted));
    assert!(visible_text(&html).contains("Riverside Community College (confirmed)"));

    // On the deny list: said so.
    options.trust.allow.clear();
    options.trust.deny = vec!["did:key:z6MkgD4uqHMGqGqKm2oU7E2Uf2dRbY5RjeEkJ1mu5s5wVjro".into()];
    let views = views_of_path(&root().join("examples/ob3-eddsa-rdfc-2022.json"), &options);
    assert_eq!(
        views[0].0.issuer.as_ref().unwrap().status,
        IdentityStatus::Denied
    );
    assert_eq!(views[0].0.verdict, VerdictView::Invalid);
}

#[test]
fn every_testdata_example_renders_with_its_verdict() {
    let dir = root().join("testdata/examples");
    let mut files: Vec<_> = walk(&dir);
    files.sort();
    let options = offline_options();
    let mut all = Vec::new();
    for file in &files {
        let views = views_of_path(file, &options);
        for (view, report) in &views {
            let html = results_page(&PageContext::new("Result"), std::slice::from_ref(view));
            assert!(html.contains(view.verdict.class()), "{}", file.display());
            let text = visible_text(&html);
            assert!(
                text.contains(view.verdict.words()),
                "{}: {text}",
                file.display()
            );
            if let Some(report) = report {
                assert_eq!(view.verdict, VerdictView::from(report.verdict));
                // Every check that did not pass is on the page with its sentence.
                for check in &report.checks {
                    if matches!(
                        check.outcome,
                        Outcome::Failed(_) | Outcome::CouldNotCheck(_)
                    ) {
                        let message = credbridge_pages::clean(&check.message);
                        assert!(
                            text.contains(&message),
                            "{}: {} missing",
                            file.display(),
                            check.id
                        );
                    }
                }
            }
        }
        all.extend(views.into_iter().map(|(v, _)| v));
    }
    assert!(all.len() > 200, "{} items rendered", all.len());
    for verdict in [
        VerdictView::Valid,
        VerdictView::Invalid,
        VerdictView::Indeterminate,
    ] {
        assert!(
            all.iter().any(|v| v.verdict == verdict),
            "no {verdict:?} example"
        );
    }
    // The whole batch on one page: the summary line counts every class.
    let html = results_page(&PageContext::new("Results"), &all);
    let text = visible_text(&html);
    assert!(
        text.contains(&format!("{} items:", all.len())),
        "{}",
        &text[..200.min(text.len())]
    );
}

#[test]
fn verifier_page_offers_file_paste_and_url_as_plain_forms() {
    let html = verifier_page(&PageContext::new("Verify a credential"));
    preview("verifier", &html);
    assert!(
        html.contains(
            r#"<form class="verify" method="post" action="/verify" enctype="multipart/form-data">"#
        ),
        "{html}"
    );
    assert!(html.contains(r#"type="file" name="file""#));
    assert!(html.contains(r#"<textarea id="verify-text" name="text""#));
    assert!(html.contains(r#"type="url" name="url""#));
    assert!(html.contains(r#"<button class="primary" type="submit">Verify</button>"#));
    assert!(html.contains(r#"<script src="/assets/verifier.js" defer></script>"#));
}

fn walk(dir: &std::path::Path) -> Vec<std::path::PathBuf> {
    let mut out = Vec::new();
    for entry in std::fs::read_dir(dir).unwrap() {
        let path = entry.unwrap().path();
        if path.is_dir() {
            // DID documents and status lists are inputs to verification, not credentials.
            if !matches!(
                path.file_name().and_then(|n| n.to_str()),
                Some("dids" | "statusLists")
            ) {
                out.extend(walk(&path));
            }
        } else if matches!(
            path.extension().and_then(|e| e.to_str()),
            Some("json" | "jwt" | "png" | "svg")
        ) && !path.ends_with("expectations.json")
        {
            out.push(path);
        }
    }
    out
}

#[test]
fn clr_ob2_jwt_and_complete_examples_show_their_contents() {
    let options = offline_options();
    let dir = root().join("testdata/examples");
    let mut views = Vec::new();
    for file in [
        "1edtech-validator/clr20/complex.json",
        "1edtech-validator/ob30/complete.json",
        "1edtech-validator/ob20/assertion-with-endorsements.json",
        "1edtech-validator/ob20/simple-badge.png",
        "1edtech-validator/clr20/simple.jwt",
    ] {
        let found = views_of_path(&dir.join(file), &options);
        assert!(!found.is_empty(), "{file}");
        views.extend(found.into_iter().map(|(v, _)| v));
    }
    let html = results_page(&PageContext::new("Results"), &views);
    preview("results-mixed", &html);
    let text = visible_text(&html);
    // A CLR says it is a learner record and lists its achievements.
    assert!(text.contains("Learner record"), "{text}");
    // The complete OB 3.0 example carries results, evidence and endorsements.
    let complete = views
        .iter()
        .find(|v| v.item.ends_with("complete.json"))
        .unwrap();
    let says = complete.credential.as_ref().unwrap();
    assert!(!says.evidence.is_empty());
    assert!(says.summary.endorsement_count > 0);
    assert!(text.contains("Evidence"));
    assert!(text.contains("Endorsements"));
    // Every item has its verdict header.
    assert_eq!(html.matches("class=\"verdict-words\"").count(), views.len());
}

#[test]
fn unreadable_input_and_large_batches_are_reported_not_dropped() {
    use credbridge_pages::{ItemView, MAX_ITEMS_SHOWN};
    let bad = ItemView::unreadable(Some("notes.txt"), "not JSON, a JWT, an image or an archive");
    let many = vec![bad; MAX_ITEMS_SHOWN + 5];
    let html = results_page(&PageContext::new("Results"), &many);
    let text = visible_text(&html);
    assert_eq!(html.matches("<article").count(), MAX_ITEMS_SHOWN);
    assert!(
        text.contains(&format!("{} items: 0 valid", MAX_ITEMS_SHOWN + 5)),
        "{}",
        &text[..300]
    );
    assert!(text.contains(&format!("{} unreadable", MAX_ITEMS_SHOWN + 5)));
    assert!(text.contains(&format!("The first {MAX_ITEMS_SHOWN} items are shown")));
    assert!(text.contains("This could not be read as a credential: not JSON, a JWT"));
    let none = results_page(&PageContext::new("Results"), &[]);
    assert!(visible_text(&none).contains("No credential was found in what you sent."));
}
