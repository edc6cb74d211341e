//! credbridge-exchange: VCALM (W3C VC API) workflows and exchanges between credbridge and a
//! wallet.
//!
//! It owns the workflow configuration and its rules, the exchange state machine
//! (`pending` → `active` → `complete` | `invalid`, `expired` once `expires` passes; single
//! use), the Verifiable Presentation Requests sent to wallets (`QueryByExample`,
//! `DIDAuthentication`, a fresh challenge per request), the checks on the presentation a
//! wallet sends back (challenge and domain, replay, signature and holder binding through
//! `credbridge-verify`, every credential inside, the query), the delivery of offered
//! credentials, and the exchange link as a QR code in SVG. Two flows come out of it:
//! 1. **Request** (an employer asks a learner's wallet): the step's request asks for
//!    credentials by example plus DID Authentication; the accepted presentation's credentials
//!    come back as [`ReceivedCredential`]s, each with its report, for the inbox (source
//!    `exchange`).
//! 2. **Offer** (an issuer hands credentials to a wallet, e.g. a learner's pickup link): a
//!    DID Authentication step, then a delivering step whose answer is
//!    `{"verifiablePresentation": {…, "verifiableCredential": [the offered credentials]}}`.
//!
//! **Not here:** HTTP (the server's routes are thin calls into [`ExchangeService`], which
//! returns bodies as JSON values and errors with their problem `type` slug and status), SQL
//! (`credbridge-store` implements [`ExchangeStore`] for SQLite and PostgreSQL; [`MemoryStore`]
//! is the in-memory one), the clock (every call takes `now`, Unix seconds), issuing the offered
//! credentials (`credbridge-issue`; an exchange delivers credentials given to it), and
//! verification rules (`credbridge-verify`, behind [`PresentationVerifier`]).
//!
//! # Main types
//! - [`ExchangeService`]: `create_workflow`, `workflow`, `create_exchange`, `exchange`,
//!   `participate_bytes` (the body as received) / `participate` → [`Participation`]
//!   (the answer for the wallet, the exchange after, the received credentials, the
//!   authenticated holder), `current_request`, `exchange_url`, `exchange_qr_svg`, `protocols`.
//! - [`WorkflowConfig`] / [`Step`] (VCALM `CreateWorkflowRequest` / `StepData`, with the
//!   `credentialsVariable` extension), [`Workflow`], [`Exchange`], [`ExchangeState`].
//! - [`ExchangeStore`] (workflows, exchanges with compare-and-swap, used challenges) and
//!   [`MemoryStore`].
//! - [`PresentationVerifier`] and [`LocalVerifier`] (runs `credbridge-verify` on given
//!   [`credbridge_verify::VerifyOptions`]).
//! - [`ExchangeError`]: each refusal with [`ExchangeError::slug`] and
//!   [`ExchangeError::status`] for an RFC 9457 problem detail, the message naming the rule.
//! - [`qr_svg`]; with the `testing` feature, `testing::TestWallet`.
//!
//! # Example
//! ```
//! use std::sync::Arc;
//! use credbridge_exchange::{ExchangeService, LocalVerifier, MemoryStore, ServiceConfig};
//! use credbridge_exchange::testing::TestWallet;
//! use credbridge_keys::ChainResolver;
//! use credbridge_proofs::{JsonLdCanonicalizer, suites};
//! use credbridge_verify::{TrustPolicy, VerifyOptions};
//! use serde_json::json;
//!
//! # tokio::runtime::Builder::new_current_thread().build().unwrap().block_on(async {
//! let now = 1_800_000_000;
//! let verifier = LocalVerifier::new(VerifyOptions {
//!     now,
//!     max_clock_skew: credbridge_verify::DEFAULT_MAX_CLOCK_SKEW,
//!     resolver: Arc::new(ChainResolver::offline_default()),
//!     canonicalizer: Arc::new(JsonLdCanonicalizer::with_bundled_contexts()),
//!     suites: suites::ALL_SUITES,
//!     documents: None,
//!     trust: TrustPolicy::default(),
//!     known_recipient: None,
//!     challenge: None,
//!     domain: None,
//!     status_lists: Default::default(),
//! });
//! let service = ExchangeService::new(
//!     Arc::new(MemoryStore::new()),
//!     Arc::new(verifier),
//!     ServiceConfig::for_base_url("https://credbridge.example").unwrap(),
//! );
//! // An offer: DID Authentication, then the exchange's credentials are delivered.
//! let workflow = service.create_workflow("tenant", &json!({
//!     "initialStep": "auth",
//!     "steps": {
//!         "auth": {
//!             "verifiablePresentationRequest": {"query": {"type": "DIDAuthentication"}},
//!             "nextStep": "deliver"
//!         },
//!         "deliver": {"credentialsVariable": "credentials"}
//!     }
//! }), now).await.unwrap();
//! let credential = json!({"@context": ["https://www.w3.org/ns/credentials/v2"],
//!     "type": ["VerifiableCredential"], "issuer": "did:example:uni",
//!     "credentialSubject": {"name": "Sam"}});
//! let exchange = service.create_exchange("tenant", &workflow.id,
//!     &json!({"ttl": 3600, "variables": {"credentials": [credential]}}), now).await.unwrap();
//! let link = service.exchange_url(&workflow.id, &exchange.id);
//! assert!(service.exchange_qr_svg(&workflow.id, &exchange.id).unwrap().starts_with("<?xml"));
//!
//! // The wallet follows the link: POST {} → a request; it answers with a signed presentation.
//! let wallet = TestWallet::from_seed([7; 32]).unwrap();
//! let asked = service.participate(&workflow.id, &exchange.id, &json!({}), now).await.unwrap();
//! let answer = wallet.answer(&asked.response, vec![], now).unwrap();
//! let done = service.participate(&workflow.id, &exchange.id, &answer, now).await.unwrap();
//! assert_eq!(done.response["verifiablePresentation"]["verifiableCredential"][0]["issuer"], "did:example:uni");
//! assert_eq!(done.holder.as_deref(), Some(wallet.did()));
//! # let _ = link;
//! # });
//! ```
//!
//! # Design decisions
//! - **The link is the capability.** Exchange ids are 32 random bytes; a wallet needs
//!   nothing else (VCALM). Coordinators read exchanges through their tenant.
//! - **Single use, enforced by the store.** Updates are compare-and-swap on `sequence`, and a
//!   challenge is spent by an insert-if-absent, so two copies of one presentation racing each
//!   other cannot both be accepted.
//! - **Whose fault decides what a refusal does.** A presentation with another exchange's (or a
//!   spent) challenge, or the wrong domain, is refused and leaves the exchange as it was: it
//!   is probably not the wallet's, and must not end the wallet's exchange. A presentation made
//!   for this exchange that fails its checks (unsigned, bad signature, a tampered credential,
//!   the query not met) ends it as `invalid`.
//! - **No templates.** VCALM credential templates are JSONata; an offer here delivers the
//!   credentials given in the exchange's variables (issued beforehand by `credbridge-issue`),
//!   which needs no template language and keeps issuing out of this crate.
#![forbid(unsafe_code)]
#![deny(missing_docs)]

mod error;
mod model;
pub mod qr;
pub mod query;
mod service;
mod store;
#[cfg(feature = "testing")]
pub mod testing;
mod verifier;

pub use error::{ExchangeError, Problem, StorageError};
pub use model::{Exchange, ExchangeState, Step, Workflow, WorkflowConfig};
pub use qr::qr_svg;
pub use service::{
    DEFAULT_TTL_SECONDS, ExchangeService, MAX_MESSAGE_BYTES, MAX_OFFERED_CREDENTIALS,
    MAX_PRESENTATION_BYTES, MAX_STEPS, MAX_TTL_SECONDS, MAX_VARIABLES_BYTES, MAX_WORKFLOW_BYTES,
    Participation, RESULTS_VARIABLE, ReceivedCredential, ServiceConfig,
};
pub use store::{ExchangeStore, MAX_MEMORY_EXCHANGES, MemoryStore};
pub use verifier::{LocalVerifier, PRESENTATION_NAME, PresentationVerifier, VerifiedItem};
