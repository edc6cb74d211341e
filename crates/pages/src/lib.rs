//! credbridge-pages renders the pages a person sees in `credbridge serve`, as HTML strings: the
//! public verifier page (drop or pick a file, paste text, or give a URL), the verdicts (every
//! check in the plain words the CLI prints, and what the credential says), the login page, the
//! tenant's inbox list and the page of one stored credential, the employer's pages (candidates,
//! one candidate's profile with its exports, jobs, one job's ranked and explained matches), and
//! error pages. It also holds the
//! CSS, the small progressive-enhancement script and the icon, embedded in the binary.
//!
//! **Not here:** HTTP types, routing, sessions and CSRF checking (the `server` crate calls these
//! functions from its handlers and sends [`CONTENT_SECURITY_POLICY`] with them), SQL (`store`),
//! verification (`verify`: a page only shows a [`credbridge_verify::VerificationReport`]), and
//! reading credentials (`formats`, `model`: a page shows the model's
//! [`credbridge_model::Summary`]).
//!
//! # Main types
//! - [`PageContext`] { title, user, csrf token, flash message, dev mode }: what every page needs.
//! - [`ItemView`]: one verified item, built by [`ItemView::from_item`] (or [`ItemView::new`])
//!   from a report and the credential's typed view; [`ItemView::unreadable`] for input that
//!   could not be read. It carries the verdict, every [`CheckView`], the issuer's
//!   [`IssuerIdentity`] and a [`CredentialView`].
//! - [`InboxRow`], [`InboxPaging`], [`StoredCredential`]: what the inbox pages show;
//!   [`report_from_json`] reads a stored report back for the stored credential's page.
//! - Pages: [`verifier_page`], [`results_page`], [`login_page`], [`inbox_page`],
//!   [`credential_page`], [`error_page`], [`consent_page`] (the OB/CLR API's OAuth consent, from
//!   a [`ConsentView`]); [`assets()`] and [`paths`] for the server's routes.
//!
//! # Example
//! ```
//! use credbridge_pages::{ItemView, PageContext, results_page};
//!
//! let ctx = PageContext::new("Result");
//! let html = results_page(&ctx, &[ItemView::unreadable(Some("note.txt"), "not JSON, a JWT or an image")]);
//! assert!(html.contains("unreadable"));
//! assert!(html.starts_with("<!DOCTYPE html>"));
//! ```
//!
//! # Design decisions
//! - **maud, not askama.** Templates are Rust expressions: checked by the compiler with the view
//!   types, escaped by default (`(text)` escapes; only `PreEscaped` does not, and this crate
//!   never passes credential text to it), no template files to find at run time. Its only build
//!   dependency is a proc-macro on `syn` 2, which the workspace already builds.
//! - **Escaping is not enough for hostile strings.** Every credential-supplied string is passed
//!   through [`clean`] when the view is built: terminal escapes and bidirectional overrides (a
//!   name that displays reversed) become a visible U+FFFD, and long text is cut
//!   ([`MAX_TEXT_CHARS`]). Names are also wrapped in `<bdi>` so a right-to-left name cannot
//!   reorder the sentence around it.
//! - **Images from credentials are never fetched by the page.** A `data:` image is shown inline
//!   (nothing leaves the browser); an `https:` image is a link the person may follow; anything
//!   else is described, not shown. Loading a credential-chosen URL would tell its host who is
//!   looking at the credential, and when. The [`CONTENT_SECURITY_POLICY`] enforces it
//!   (`img-src 'self' data:`).
//! - **Forms work without JavaScript.** The verifier form is a plain multipart `POST` to
//!   [`paths::VERIFY`]; `verifier.js` only adds drag-and-drop (it puts the dropped files into
//!   the file input and submits the same form) and announces the chosen file.
//! - **The issuer's identity is part of the verdict header** (issue 12): the name is shown with
//!   whether anything confirms it. Until the verify crate reports an `issuer_identity` summary,
//!   the status is derived from the `issuer.trust` and `issuer.key-binding` checks (see
//!   [`IdentityStatus`]; the seam is marked `SEAM(issue 12)` in `view.rs`).
#![forbid(unsafe_code)]
#![deny(missing_docs)]

mod assets;
mod consent;
mod employer;
mod inbox;
mod layout;
pub mod paths;
mod stored;
mod verifier;
mod view;

pub use assets::{Asset, CONTENT_SECURITY_POLICY, assets};
pub use consent::{ConsentView, consent_page};
pub use employer::{
    CandidateFilters, ConceptName, CredentialLink, EXPORT_FORMATS, JobRow, RankedCandidate,
    candidate_page, candidates_page, job_page, jobs_page, match_status_name, person_label,
};
pub use inbox::{
    InboxFilters, InboxPaging, InboxRow, StoredCredential, credential_page, inbox_page, login_page,
};
pub use layout::error_page;
pub use stored::{MAX_STORED_CHECKS, StoredReportError, report_from_json};
pub use verifier::{results_page, verifier_page};
pub use view::{
    AchievementExtra, CheckView, CredentialView, EndorsementView, EvidenceView, IdentityStatus,
    ImageView, IssuerIdentity, ItemView, LintFindingView, LintSeverity, LintView,
    MAX_DATA_IMAGE_BYTES, MAX_LIST_ENTRIES, MAX_TEXT_CHARS, Mark, VerdictView, clean,
};

/// The most items a results page shows one by one (a larger batch is counted, not listed).
pub const MAX_ITEMS_SHOWN: usize = 200;

/// What kind of message a [`Flash`] is.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum FlashKind {
    /// Something happened as asked.
    Success,
    /// Neutral information.
    Info,
    /// Something went wrong.
    Error,
}

/// A one-time message shown at the top of the next page (after a redirect).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Flash {
    /// Its kind.
    pub kind: FlashKind,
    /// The message.
    pub message: String,
}

/// What every page needs besides its content.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct PageContext {
    /// The page title (before " – credbridge").
    pub title: String,
    /// The logged-in person's name, if someone is logged in.
    pub user: Option<String>,
    /// The CSRF token that the page's state-changing forms carry (field
    /// [`paths::FIELD_CSRF`]); with `None` the forms carry none.
    pub csrf_token: Option<String>,
    /// A one-time message.
    pub flash: Option<Flash>,
    /// `credbridge serve --dev`: a banner says so.
    pub dev: bool,
}

impl PageContext {
    /// A context with a title and nothing else.
    pub fn new(title: impl Into<String>) -> PageContext {
        PageContext {
            title: title.into(),
            ..PageContext::default()
        }
    }
}
