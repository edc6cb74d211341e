//! credbridge-verify: turns a decoded credential into a [`VerificationReport`].
//!
//! It owns the checks and how they combine into one verdict: decoding, data-model rules,
//! JSON-LD safety, schema findings, proofs (through `credbridge-proofs`), issuer ↔ key binding,
//! validity windows, credential status, issuer trust, recipient identity, endorsements,
//! OB 2.0, CLR associations and presentations.
//!
//! **Not here:** sockets and HTTP (status lists, OB 2.0 documents and DID documents arrive
//! through `credbridge_fetch::DocumentSource` and `credbridge_keys::Resolver`, which the
//! caller builds: the guarded client online, local files offline), printing (the CLI formats
//! reports), SQL, the clock (the verification time is a value in [`VerifyOptions`]).
//!
//! # Main types
//! - [`VerifyOptions`]: the verification time and skew, resolver, canonicalizer, allowed
//!   suites, document source, [`TrustPolicy`], recipient, presentation challenge/domain.
//! - [`verify_item`] → [`VerificationReport`]: checks, each a [`Check`] with an [`Outcome`]
//!   and a [`Severity`]; the [`Verdict`] is derived from them.
//!
//! # Design decisions
//! - **A failed check is not an `Err`.** Every check yields an [`Outcome`] (`Passed`,
//!   `Failed`, `CouldNotCheck`, `NotApplicable`) and the [`Verdict`] is derived from the checks,
//!   so "could not check" can never be shown as "passed".
//! - **Advisory vs fatal.** Schema findings, issuer trust and endorsements are advisory: they
//!   warn, but a genuine credential from an unlisted issuer is not a forgery. Proofs, key
//!   binding, validity and status are fatal.
#![forbid(unsafe_code)]

mod clr;
mod credential;
mod data_model;
mod endorsement;
mod ob2;
mod options;
mod presentation;
mod proof;
mod recipient;
pub mod report;
mod status;
pub mod trust;
mod validity;

pub use credential::{MAX_ENDORSEMENT_DEPTH, issuer_id, verify_item, verify_value};
pub use options::{DEFAULT_MAX_CLOCK_SKEW, VerifyOptions};
pub use report::{Check, Outcome, REPORT_VERSION, Severity, Verdict, VerificationReport};
pub use status::{MAX_CACHED_STATUS_LISTS, StatusListCache};
pub use trust::{Registry, RegistryError, TrustPolicy};
