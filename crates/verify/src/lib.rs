//! credbridge-verify: turns a decoded credential into a [`VerificationReport`].
//!
//! It owns the checks and how they combine into one verdict: decoding, data-model rules,
//! JSON-LD safety, schema findings, proofs (through `credbridge-proofs`), issuer ↔ key binding,
//! validity windows, credential status, issuer trust, recipient identity, endorsements,
//! OB 2.0, CLR associations and presentations.
//!
//! **Not here:** sockets and HTTP (status lists, OB 2.0 documents and DID documents arrive
//! through the `credbridge_keys::DocumentSource` and `credbridge_keys::Resolver` seams, which the
//! caller builds: the guarded client online, local files offline), printing (the CLI formats
//! reports), SQL, the clock (the verification time is a value in [`VerifyOptions`]).
//!
//! # Main types
//! - [`VerifyOptions`]: the verification time and skew, resolver, canonicalizer, allowed
//!   suites, document source, [`TrustPolicy`] (allow/deny lists, registries;
//!   [`TrustPolicy::bundled`] gives the DCC member and community registries), recipient,
//!   presentation challenge/domain.
//! - [`verify_item`] → [`VerificationReport`]: checks, each a [`Check`] with an [`Outcome`]
//!   and a [`Severity`]; the [`Verdict`] is derived from them. `format` is a machine name
//!   beside `format_name` for people; [`IssuerIdentity`] says who the issuer is as far as
//!   anything outside the credential confirms; [`Disposition`] marks unreadable and skipped
//!   items, which are reports too ([`VerificationReport::unreadable`],
//!   [`VerificationReport::skipped`]).
//! - [`CHECKS`]: the table of every check id with its severity and question; the report schema
//!   (`docs/verification-report.schema.json`) is tested against it.
//!
//! # Design decisions
//! - **A failed check is not an `Err`.** Every check yields an [`Outcome`] (`Passed`,
//!   `Failed`, `CouldNotCheck`, `NotApplicable`) and the [`Verdict`] is derived from the checks,
//!   so "could not check" can never be shown as "passed".
//! - **Advisory vs fatal.** Schema findings, issuer trust and endorsements are advisory: they
//!   warn, but a genuine credential from an unlisted issuer is not a forgery. Proofs, key
//!   binding, validity and status are fatal.
//! - **Every verified signature ends in the key binding.** Whatever the signer turned out to be
//!   (a resolved method, a key from the token's own `jwk` header, nothing identifiable), the
//!   `issuer.key-binding` / `holder.key-binding` check runs. A key the credential brings with it
//!   is the issuer's only when the issuer is `did:jwk` of it or the issuer's resolved document
//!   lists it. Binding is tri-state: an issuer id that can't be resolved is an advisory
//!   could-not-check (valid-with-warnings), evidence of a mismatch fails.
//! - **A genuine signature is not a known issuer.** `issuer.identity` says whether a registry,
//!   an allow list or a domain (did:web = issuer `url`; an OB 2.0 profile on its own site; a
//!   DIF Well-Known DID Configuration on the issuer `url`'s origin linking its DID) confirms
//!   the issuer's name; with trust sources configured and no signal, the verdict is
//!   valid-with-warnings and the words say the name is the issuer's own claim.
//! - **The most decisive failure first.** A report that is not valid lists the checks that
//!   decide it first (a bad signature before an expiry before a schema note), so the first line
//!   a person reads is the reason.
#![forbid(unsafe_code)]

mod binding;
pub mod bulk;
pub mod checks;
mod clr;
mod data_model;
mod endorsement;
mod holder;
mod identity;
pub mod inspect;
mod linked_domain;
mod ob2;
mod options;
mod pipeline;
mod proof;
mod recipient;
mod related;
pub mod report;
mod status;
pub mod trust;
mod validity;

pub use checks::{CHECKS, CheckKind, check_kind};
pub use endorsement::MAX_ENDORSEMENTS;
pub use identity::{ConfirmedBy, IdentityStatus, IssuerIdentity};
pub use inspect::{INSPECT_VERSION, InspectOutcome, Inspection, inspect, inspect_error_json};
pub use linked_domain::{DID_CONFIGURATION_PATH, MAX_LINKED_DIDS};
pub use options::{DEFAULT_MAX_CLOCK_SKEW, VerifyOptions};
pub use pipeline::{MAX_ENDORSEMENT_DEPTH, issuer_id, verify_item, verify_value};
pub use report::{
    Check, Disposition, Outcome, REPORT_VERSION, Severity, Verdict, VerificationReport,
};
pub use status::{MAX_CACHED_STATUS_LISTS, StatusListCache};
pub use trust::{
    DCC_REGISTRIES, DccRegistry, Registry, RegistryError, Standing, TrustPolicy, UpdatedRegistry,
};

/// Entry points for fuzzers and property tests: each takes arbitrary bytes and must never panic.
#[doc(hidden)]
pub mod fuzzing {
    use crate::status::{StatusListKind, decode_bitstring};

    /// Decodes `data` as an `encodedList` of every status-list kind and reads a few entries.
    pub fn decode_status_list(data: &[u8]) {
        let text = String::from_utf8_lossy(data);
        for kind in [
            StatusListKind::BitstringStatusList,
            StatusListKind::StatusList2021,
            StatusListKind::RevocationList2020,
        ] {
            if let Ok(list) = decode_bitstring(&text, kind) {
                let _ = list.get(0, 1);
                let _ = list.get(list.bit_len().saturating_sub(1), 1);
                let _ = list.get(3, 8);
            }
        }
    }

    /// Reads `data` as an issuer registry in the DCC format.
    pub fn registry(data: &[u8]) {
        if let Ok(value) = serde_json::from_slice::<serde_json::Value>(data) {
            let _ = crate::Registry::from_dcc_json("fuzz", &value);
        }
    }

    #[cfg(test)]
    mod tests {
        use proptest::prelude::*;

        proptest! {
            #![proptest_config(ProptestConfig::with_cases(300))]
            #[test]
            fn status_list_and_registry_decoders_never_panic(data in proptest::collection::vec(any::<u8>(), 0..512)) {
                super::decode_status_list(&data);
                super::registry(&data);
                // Mutations of a real encoded list (gzip of zeros) reach the decompressor.
                let mut real = b"uH4sIAAAAAAAAA-3BMQEAAADCoPVPbQwfoAAAAAAAAAAAAAAAAAAAAIC3AYbSVKsAQAAA".to_vec();
                for (i, byte) in data.iter().enumerate().take(8) {
                    if let Some(slot) = real.get_mut((i * 7 + usize::from(*byte)) % 60) {
                        *slot = *byte;
                    }
                }
                super::decode_status_list(&real);
            }
        }
    }
}
