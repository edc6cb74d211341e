//! credbridge-verify: turns a decoded credential into a [`VerificationReport`].
//!
//! It owns the checks and how they combine into one verdict: decoding, data-model rules, schema
//! findings, proofs (through `credbridge-proofs`), issuer ↔ key binding, validity windows and,
//! as they land, status lists, issuer trust, OB 2.0, CLR trees and presentations.
//!
//! **Not here:** sockets and HTTP (status lists and DID documents arrive through source traits
//! that a `fetch` crate implements), printing (the CLI formats reports), SQL.
//!
//! A key design decision: a failed check is not an `Err`. Every check yields an [`Outcome`]
//! (`Passed`, `Failed`, `CouldNotCheck`, `NotApplicable`) and the [`Verdict`] is derived from the
//! checks, so "could not check" can never be shown as "passed".
#![forbid(unsafe_code)]

pub mod report;

pub use report::{Check, Outcome, Severity, Verdict, VerificationReport, REPORT_VERSION};
