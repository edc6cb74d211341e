//! Shared helpers: test-data paths, a fixture canonicalizer, standard options.

use std::collections::HashMap;
use std::path::PathBuf;

use credbridge_keys::{ChainResolver, Resolver};
use credbridge_proofs::{
    AssertionMethodPurpose, CanonicalizeCause, CanonicalizeError, Canonicalizer, Cryptosuite,
    VerifyOptions, jcs,
};
use serde_json::Value;

pub fn testdata(rel: &str) -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("../../testdata")
        .join(rel)
}

pub fn read_json(rel: &str) -> Value {
    let path = testdata(rel);
    serde_json::from_slice(&std::fs::read(&path).unwrap_or_else(|e| panic!("{path:?}: {e}")))
        .unwrap()
}

pub fn read_text(rel: &str) -> String {
    let path = testdata(rel);
    std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("{path:?}: {e}"))
}

pub fn hex(b: &[u8]) -> String {
    b.iter().map(|x| format!("{x:02x}")).collect()
}

/// Stands in for JSON-LD → RDFC until `credbridge-jsonld` has `to_rdf`: documents the vectors
/// publish canonical N-Quads for map to that text; any other document maps to its JCS text,
/// so a tampered document hashes differently and the signature check fails as it would with
/// real RDFC.
#[derive(Default)]
pub struct FixtureCanonicalizer {
    known: HashMap<String, String>,
}

impl FixtureCanonicalizer {
    pub fn add(&mut self, document: &Value, nquads: String) {
        self.known
            .insert(jcs::canonicalize(document).unwrap(), nquads);
    }
}

impl Canonicalizer for FixtureCanonicalizer {
    fn canonize(&self, document: &Value) -> Result<String, CanonicalizeError> {
        let key = jcs::canonicalize(document).map_err(|e| CanonicalizeError {
            stage: "fixture",
            cause: CanonicalizeCause::Document,
            reason: e.to_string(),
        })?;
        Ok(self.known.get(&key).cloned().unwrap_or(key))
    }
}

/// 2024-01-01T00:00:00Z.
pub const NOW: i64 = 1_704_067_200;

pub fn offline() -> ChainResolver {
    ChainResolver::offline_default()
}

pub fn options<'a>(
    suites: &'a [&'a Cryptosuite],
    resolver: &'a dyn Resolver,
    canonicalizer: Option<&'a dyn Canonicalizer>,
) -> VerifyOptions<'a> {
    VerifyOptions {
        suites,
        resolver,
        canonicalizer,
        purpose: &AssertionMethodPurpose,
        now: NOW,
        max_clock_skew: 300,
    }
}

/// Prints a per-folder tally the way the conformance runners do.
pub fn tally(name: &str, passed: usize, failed: usize, unsupported: usize) {
    println!("{name}: {passed} passed, {failed} failed, {unsupported} unsupported");
}
