//! Entry points for the `fuzz/` crate and the property tests: each takes arbitrary bytes,
//! must never panic on any input, and asserts the round trips that must hold.

use crate::canon::{CanonOptions, canonicalize};
use crate::nquads::{NQuadsLimits, parse_nquads, parse_nquads_with_limits, to_nquads};

/// Limits small enough that a fuzzer iteration stays fast.
const LIMITS: NQuadsLimits = NQuadsLimits {
    max_input_bytes: 1 << 20,
    max_quads: 10_000,
};

/// Parses `data` as N-Quads; if it parses, serializing and re-parsing gives the same quads.
pub fn parse(data: &[u8]) {
    let Ok(text) = std::str::from_utf8(data) else {
        return;
    };
    if let Ok(quads) = parse_nquads_with_limits(text, &LIMITS) {
        let written = to_nquads(&quads);
        assert_eq!(parse_nquads(&written).as_ref(), Ok(&quads), "{written}");
    }
}

/// Parses `data` and canonicalizes it under tight work limits; a canonical result
/// re-parses to exactly its canonical quads.
pub fn parse_and_canonicalize(data: &[u8]) {
    let Ok(text) = std::str::from_utf8(data) else {
        return;
    };
    let Ok(quads) = parse_nquads_with_limits(text, &LIMITS) else {
        return;
    };
    let options = CanonOptions {
        max_hndq_calls: 200,
        max_permutations: 2_000,
        ..CanonOptions::default()
    };
    if let Ok(canonical) = canonicalize(&quads, &options) {
        assert_eq!(
            parse_nquads(&canonical.nquads).as_ref(),
            Ok(&canonical.quads),
            "{}",
            canonical.nquads
        );
    }
}
