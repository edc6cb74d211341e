//! `check_safe_mode` (toRdf + term checks, no RDFC) accepts and refuses exactly what
//! `canonize` does, for the same reason, over every JSON document of the VCDM 2.0 suite's
//! fixtures and the example credentials — except `@direction`, which the check keeps (as an
//! i18n-datatype literal) where canonicalization refuses it.

use std::path::Path;

use credbridge_proofs::{Canonicalizer, JsonLdCanonicalizer};
use serde_json::Value;

use crate::support::testdata;

fn json_files(dir: &Path, out: &mut Vec<std::path::PathBuf>) {
    let mut entries: Vec<_> = std::fs::read_dir(dir)
        .unwrap()
        .map(|e| e.unwrap().path())
        .collect();
    entries.sort();
    for path in entries {
        if path.is_dir() {
            json_files(&path, out);
        } else if path
            .extension()
            .is_some_and(|e| e == "json" || e == "jsonld")
        {
            out.push(path);
        }
    }
}

#[test]
fn check_safe_mode_agrees_with_canonize() {
    let canonicalizer = JsonLdCanonicalizer::with_bundled_contexts();
    let mut files = Vec::new();
    json_files(
        &testdata("vectors/vc-data-model-2.0-test-suite/input"),
        &mut files,
    );
    json_files(&testdata("examples"), &mut files);
    let (mut accepted, mut refused, mut direction_kept) = (0, 0, 0);
    for file in &files {
        let Ok(document) = serde_json::from_slice::<Value>(&std::fs::read(file).unwrap()) else {
            continue;
        };
        if !document.is_object() {
            continue;
        }
        let full = canonicalizer.canonize(&document);
        let quick = canonicalizer.check_safe_mode(&document);
        match (&full, &quick) {
            (Ok(_), Ok(())) => accepted += 1,
            (Err(a), Err(b)) => {
                assert_eq!(a.cause, b.cause, "{}", file.display());
                // A work limit is RDFC's own; every refusal of the document itself is
                // found before RDFC starts, with the same message.
                assert_eq!(a.to_string(), b.to_string(), "{}", file.display());
                refused += 1;
            }
            (Err(refusal), Ok(()))
                if refusal.reason.contains("rdf_direction")
                    && serde_json::to_string(&document)
                        .unwrap()
                        .contains("\"@direction\"") =>
            {
                direction_kept += 1;
            }
            _ => panic!(
                "{}: canonize {full:?} but check_safe_mode {quick:?}",
                file.display()
            ),
        }
    }
    assert!(accepted > 150, "accepted {accepted}");
    assert!(refused > 20, "refused {refused}");
    // The VCDM 2.0 suite's *-language-direction-*-ok fixtures.
    assert!(direction_kept >= 2, "direction kept {direction_kept}");
    eprintln!(
        "check_safe_mode: {accepted} accepted, {refused} refused, as canonize; \
         {direction_kept} with @direction accepted where canonize refuses"
    );
}
