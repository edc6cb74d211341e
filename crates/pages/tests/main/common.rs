//! Shared setup: offline verification of real files, and a few HTML probes.

use std::path::{Path, PathBuf};
use std::sync::Arc;

use credbridge_formats::{Limits, decode_bytes, decode_path};
use credbridge_keys::ChainResolver;
use credbridge_pages::ItemView;
use credbridge_proofs::{JsonLdCanonicalizer, suites};
use credbridge_verify::{TrustPolicy, VerificationReport, VerifyOptions, verify_item};

/// 2026-11-24T00:00:00Z: after the examples' issuance.
pub const NOW: i64 = 1_795_478_400;

/// The repository root.
pub fn root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../..")
}

/// Offline options: did:key/did:jwk only, no document source, no trust lists.
pub fn offline_options() -> VerifyOptions {
    VerifyOptions {
        now: NOW,
        max_clock_skew: credbridge_verify::DEFAULT_MAX_CLOCK_SKEW,
        resolver: Arc::new(ChainResolver::offline_default()),
        canonicalizer: Arc::new(JsonLdCanonicalizer::with_bundled_contexts()),
        suites: suites::ALL_SUITES,
        documents: None,
        trust: TrustPolicy::default(),
        known_recipient: None,
        challenge: None,
        domain: None,
        status_lists: Default::default(),
    }
}

/// Every item of a file, verified with `options` and turned into views (with the reports).
pub fn views_of_path(
    path: &Path,
    options: &VerifyOptions,
) -> Vec<(ItemView, Option<VerificationReport>)> {
    decode_path(path, &Limits::default())
        .map(|item| match item {
            Ok(item) => {
                let report = verify_item(&item, options);
                (ItemView::from_item(&item, &report), Some(report))
            }
            Err(err) => (
                ItemView::unreadable(
                    err.path().map(|p| p.to_string()).as_deref(),
                    &err.to_string(),
                ),
                None,
            ),
        })
        .collect()
}

/// One example file under `examples/`, verified offline: its only item.
pub fn example(name: &str) -> (ItemView, VerificationReport) {
    let mut views = views_of_path(&root().join("examples").join(name), &offline_options());
    assert_eq!(views.len(), 1, "{name} holds one credential");
    let (view, report) = views.remove(0);
    (view, report.unwrap())
}

/// A JSON document verified as if read from the file `name`.
pub fn verify_json(document: &serde_json::Value, name: &str) -> (ItemView, VerificationReport) {
    let bytes = serde_json::to_vec(document).unwrap();
    let item = decode_bytes(&bytes, name, &Limits::default())
        .next()
        .unwrap()
        .unwrap();
    let report = verify_item(&item, &offline_options());
    (ItemView::from_item(&item, &report), report)
}

/// The text content of the HTML, tags removed and entities of `&<>"'` decoded: what a
/// person reads (roughly; enough to assert on sentences).
pub fn visible_text(html: &str) -> String {
    let mut out = String::with_capacity(html.len());
    let mut in_tag = false;
    for c in html.chars() {
        match c {
            '<' => in_tag = true,
            '>' => {
                in_tag = false;
                out.push(' ');
            }
            _ if !in_tag => out.push(c),
            _ => {}
        }
    }
    let out = out
        .replace("&lt;", "<")
        .replace("&gt;", ">")
        .replace("&quot;", "\"")
        .replace("&#39;", "'")
        .replace("&amp;", "&");
    out.split_whitespace().collect::<Vec<_>>().join(" ")
}

/// Writes a page to `$PAGES_PREVIEW_DIR/<name>.html` (with the assets beside it) when that
/// variable is set, for looking at the pages in a browser without a server.
pub fn preview(name: &str, html: &str) {
    let Some(dir) = std::env::var_os("PAGES_PREVIEW_DIR") else {
        return;
    };
    let dir = PathBuf::from(dir);
    std::fs::create_dir_all(dir.join("assets")).unwrap();
    for asset in credbridge_pages::assets() {
        let file = asset.path.trim_start_matches("/assets/");
        std::fs::write(dir.join("assets").join(file), asset.bytes).unwrap();
    }
    // Root-relative asset paths become relative, so the file opens from disk.
    let local = html.replace("\"/assets/", "\"assets/");
    std::fs::write(dir.join(format!("{name}.html")), local).unwrap();
}
