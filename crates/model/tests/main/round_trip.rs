//! Typed views write back exactly the JSON they were read from, for every example document.

use credbridge_model::{Format, Typed};

use crate::fixtures::{all_example_files, extract};

/// Example documents whose specific typed view is expected to fail, with the reason.
const EXPECTED_TYPED_ERRORS: &[(&str, &str)] = &[];

#[test]
fn typed_views_write_back_their_input() {
    let mut compared = 0;
    let mut failures = Vec::new();
    for relative in all_example_files() {
        let Some(extracted) = extract(&relative) else {
            continue;
        };
        let Ok(doc) = extracted.parse() else {
            continue;
        };
        let expected_error = EXPECTED_TYPED_ERRORS.iter().any(|(p, _)| *p == relative);
        if let Some(error) = &doc.typed_error
            && !expected_error
        {
            failures.push(format!("{relative}: typed view failed: {error}"));
        }
        if doc.format() == Format::OpenBadges05Assertion || matches!(doc.typed, Typed::Unknown) {
            continue;
        }
        let written = doc.typed.to_json().unwrap();
        compared += 1;
        if &written != doc.json() {
            failures.push(format!(
                "{relative}: written JSON differs\nwritten:  {written}\noriginal: {}",
                doc.json()
            ));
        }
    }
    println!("{compared} typed views written back unchanged");
    assert!(compared >= 200, "only {compared} compared");
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}
