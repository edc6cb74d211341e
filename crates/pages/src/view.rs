//! View models: what a page shows about one verified item, built once from a
//! [`VerificationReport`] and the credential's typed view ([`credbridge_model::Document`]).
//!
//! Every string that came from a credential (or from a check message that quotes one) passes
//! through [`clean`] here, so the templates only ever see text that is safe to show: HTML
//! escaping is maud's job, and `clean` removes what escaping does not (terminal escapes,
//! bidirectional overrides that reorder a name on screen, unbounded length).

use credbridge_formats::{Item, Payload};
use credbridge_model::ob3::{Achievement, Image};
use credbridge_model::summary::{AchievementSummary, SubjectSummary};
use credbridge_model::{Document, IdOr, LangString, OneOrMany, Summary, Typed, ob2};
use credbridge_verify::{Check, Outcome, Severity, Verdict, VerificationReport};

/// The longest text taken from a credential that a page shows, in characters (longer text is
/// cut and ends in `…`).
pub const MAX_TEXT_CHARS: usize = 2_000;

/// The most entries of one list (checks, alignments, evidence, endorsements) shown for one item.
pub const MAX_LIST_ENTRIES: usize = 50;

/// The longest `data:` image URL shown inline, in bytes; a longer one is described, not shown.
pub const MAX_DATA_IMAGE_BYTES: usize = 512 * 1024;

/// Image types a `data:` URL may carry to be shown inline. SVG is included: inside `<img>` a
/// browser runs no script and loads nothing from an SVG.
const INLINE_IMAGE_TYPES: [&str; 5] = [
    "data:image/png",
    "data:image/jpeg",
    "data:image/gif",
    "data:image/webp",
    "data:image/svg+xml",
];

/// The verdict of one item, including "unreadable" (no report could be made).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum VerdictView {
    /// Every check passed.
    Valid,
    /// Genuine, with warnings (an advisory check failed or could not run).
    ValidWithWarnings,
    /// A check that matters could not be run.
    Indeterminate,
    /// A check that matters failed.
    Invalid,
    /// The input could not be read as a credential.
    Unreadable,
}

impl VerdictView {
    /// The verdict in plain words, as `credbridge verify` prints it (without the mark).
    ///
    /// The CLI keeps its own copy in `cmd/verify.rs` (`verdict_words`); it should call this.
    pub fn words(self) -> &'static str {
        match self {
            VerdictView::Valid => "valid",
            VerdictView::ValidWithWarnings => "valid, with warnings",
            VerdictView::Indeterminate => "could not be fully checked",
            VerdictView::Invalid => "invalid",
            VerdictView::Unreadable => "unreadable",
        }
    }

    /// The mark shown before the words (decorative: the words carry the meaning).
    pub fn mark(self) -> &'static str {
        match self {
            VerdictView::Valid | VerdictView::ValidWithWarnings => "✓",
            VerdictView::Indeterminate => "?",
            VerdictView::Invalid | VerdictView::Unreadable => "✗",
        }
    }

    /// The CSS class naming the verdict (`verdict-valid`, …).
    pub fn class(self) -> &'static str {
        match self {
            VerdictView::Valid => "verdict-valid",
            VerdictView::ValidWithWarnings => "verdict-warnings",
            VerdictView::Indeterminate => "verdict-indeterminate",
            VerdictView::Invalid => "verdict-invalid",
            VerdictView::Unreadable => "verdict-unreadable",
        }
    }

    /// The machine name, as the report's JSON spells it (`valid-with-warnings`, …).
    pub fn machine_name(self) -> &'static str {
        match self {
            VerdictView::Valid => "valid",
            VerdictView::ValidWithWarnings => "valid-with-warnings",
            VerdictView::Indeterminate => "indeterminate",
            VerdictView::Invalid => "invalid",
            VerdictView::Unreadable => "unreadable",
        }
    }
}

impl From<Verdict> for VerdictView {
    fn from(verdict: Verdict) -> VerdictView {
        match verdict {
            Verdict::Valid => VerdictView::Valid,
            Verdict::ValidWithWarnings => VerdictView::ValidWithWarnings,
            Verdict::Indeterminate => VerdictView::Indeterminate,
            Verdict::Invalid => VerdictView::Invalid,
        }
    }
}

/// How one check ended, for display.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Mark {
    /// The check passed.
    Passed,
    /// The check failed.
    Failed,
    /// The check could not be run to a conclusion.
    CouldNotCheck,
    /// The check does not apply to this credential.
    NotApplicable,
}

impl Mark {
    /// The outcome in words (read by screen readers before the sentence).
    pub fn words(self) -> &'static str {
        match self {
            Mark::Passed => "passed",
            Mark::Failed => "failed",
            Mark::CouldNotCheck => "could not check",
            Mark::NotApplicable => "does not apply",
        }
    }

    /// The symbol `credbridge verify` prints.
    pub fn symbol(self) -> &'static str {
        match self {
            Mark::Passed => "✓",
            Mark::Failed => "✗",
            Mark::CouldNotCheck => "?",
            Mark::NotApplicable => "–",
        }
    }

    /// The CSS class (`check-passed`, …).
    pub fn class(self) -> &'static str {
        match self {
            Mark::Passed => "check-passed",
            Mark::Failed => "check-failed",
            Mark::CouldNotCheck => "check-unknown",
            Mark::NotApplicable => "check-na",
        }
    }
}

/// One check, in the words of the report.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CheckView {
    /// The stable check id (`proof`, `validity.expiration`, …).
    pub id: String,
    /// How it ended.
    pub mark: Mark,
    /// Whether a failure only warns.
    pub advisory: bool,
    /// The sentence for a person.
    pub message: String,
    /// Why it failed or could not run.
    pub reason: Option<String>,
}

impl CheckView {
    fn new(check: &Check) -> CheckView {
        let (mark, reason) = match &check.outcome {
            Outcome::Passed => (Mark::Passed, None),
            Outcome::Failed(reason) => (Mark::Failed, Some(clean(reason))),
            Outcome::CouldNotCheck(reason) => (Mark::CouldNotCheck, Some(clean(reason))),
            Outcome::NotApplicable => (Mark::NotApplicable, None),
        };
        CheckView {
            id: clean(&check.id),
            mark,
            advisory: check.severity == Severity::Advisory,
            message: clean(&check.message),
            reason,
        }
    }
}

/// Whether, and how, the issuer's identity is known (issue 12: "the signature is genuine" is
/// not "we know who the issuer is").
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum IdentityStatus {
    /// A source the verifier trusts confirms the issuer; the sentence says which.
    Confirmed(String),
    /// The key belongs to the issuer's identifier, but nothing confirms who that is: the name is
    /// the issuer's own claim.
    Unconfirmed,
    /// The signing key could not be tied to the issuer's identifier at all.
    KeyNotTied,
    /// The credential was signed with a key that does not belong to the issuer it names.
    NotTheIssuersKey,
    /// The issuer is on the verifier's list of issuers not to accept.
    Denied,
}

impl IdentityStatus {
    /// A short label (`confirmed`, `not confirmed`, …).
    pub fn label(&self) -> &'static str {
        match self {
            IdentityStatus::Confirmed(_) => "confirmed",
            IdentityStatus::Unconfirmed | IdentityStatus::KeyNotTied => "not confirmed",
            IdentityStatus::NotTheIssuersKey => "not the issuer's key",
            IdentityStatus::Denied => "on your deny list",
        }
    }

    /// The CSS class (`identity-confirmed`, …).
    pub fn class(&self) -> &'static str {
        match self {
            IdentityStatus::Confirmed(_) => "identity-confirmed",
            IdentityStatus::Unconfirmed | IdentityStatus::KeyNotTied => "identity-unconfirmed",
            IdentityStatus::NotTheIssuersKey | IdentityStatus::Denied => "identity-bad",
        }
    }
}

/// The issuer as the credential names it, and whether that is confirmed.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct IssuerIdentity {
    /// The name the issuer gives itself.
    pub name: Option<String>,
    /// The issuer's identifier (a DID or URL).
    pub id: Option<String>,
    /// The homepage the issuer claims.
    pub url: Option<String>,
    /// Whether anything confirms it.
    pub status: IdentityStatus,
}

impl IssuerIdentity {
    /// What the name is called on screen: the name, else the id, else "an unnamed issuer".
    pub fn display_name(&self) -> &str {
        self.name
            .as_deref()
            .or(self.id.as_deref())
            .unwrap_or("an unnamed issuer")
    }

    /// One plain sentence on how far the issuer's identity is known.
    pub fn sentence(&self) -> String {
        let name = self.display_name();
        match &self.status {
            IdentityStatus::Confirmed(how) => format!("Confirmed: {how}."),
            IdentityStatus::Unconfirmed => format!(
                "Signed by a key that calls itself “{name}”; no registry or domain confirms it. \
                 The name is the issuer's own claim."
            ),
            IdentityStatus::KeyNotTied => format!(
                "The signing key could not be tied to the issuer, and no registry or domain \
                 confirms the name “{name}”."
            ),
            IdentityStatus::NotTheIssuersKey => format!(
                "Signed with a key that does not belong to “{name}”: someone other than the \
                 issuer it names signed it."
            ),
            IdentityStatus::Denied => {
                format!("“{name}” is on your list of issuers not to accept.")
            }
        }
    }
}

/// Check ids whose passing confirms who the issuer is.
///
/// SEAM(issue 12): `issuer.trust` is the only such check today. When credbridge-verify lands
/// its `issuer_identity` summary (registry, did:web domain, linked domains), read that instead
/// and drop this list; the ids below are the ones it is expected to use.
const IDENTITY_CHECKS: [&str; 4] = [
    "issuer.trust",
    "issuer.identity",
    "issuer.domain",
    "issuer.linked-domains",
];

fn identity_status(report: &VerificationReport) -> IdentityStatus {
    let find = |id: &str| report.checks.iter().find(|c| c.id == id);
    if let Some(trust) = find("issuer.trust")
        && matches!(trust.outcome, Outcome::Failed(_))
        && trust.severity == Severity::Fatal
    {
        return IdentityStatus::Denied;
    }
    let binding = find("issuer.key-binding").map(|c| &c.outcome);
    if matches!(binding, Some(Outcome::Failed(_))) {
        return IdentityStatus::NotTheIssuersKey;
    }
    if let Some(confirmed) = report
        .checks
        .iter()
        .find(|c| IDENTITY_CHECKS.contains(&c.id.as_str()) && c.outcome == Outcome::Passed)
    {
        return IdentityStatus::Confirmed(clean(&confirmed.message));
    }
    match binding {
        Some(Outcome::Passed) => IdentityStatus::Unconfirmed,
        _ => IdentityStatus::KeyNotTied,
    }
}

/// An image a credential points to, and how the page may show it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ImageView {
    /// A `data:` image, shown inline (nothing is fetched).
    Inline {
        /// The `data:` URL.
        data_url: String,
        /// The caption, if the credential gives one.
        caption: Option<String>,
    },
    /// An `https:` image: shown as a link only. The page never fetches an image from a host the
    /// credential chose (that would tell the host who looked at the credential, and when).
    Link {
        /// The URL.
        url: String,
    },
    /// An image that is neither (another scheme, or a `data:` URL too large or not an image).
    Withheld {
        /// Why it is not shown.
        why: &'static str,
    },
}

impl ImageView {
    fn new(image: &IdOr<Image>) -> Option<ImageView> {
        let (id, caption) = match image {
            IdOr::Iri(iri) => (iri.as_str(), None),
            IdOr::Object(image) => (image.id.as_deref()?, text(image.caption.as_ref())),
        };
        Some(image_view(id, caption))
    }

    fn ob2(image: &IdOr<ob2::Image>) -> Option<ImageView> {
        let (id, caption) = match image {
            IdOr::Iri(iri) => (iri.as_str(), None),
            IdOr::Object(image) => (image.id.as_deref()?, text(image.caption.as_ref())),
        };
        Some(image_view(id, caption))
    }
}

fn image_view(id: &str, caption: Option<String>) -> ImageView {
    let lower = id.get(..24).unwrap_or(id).to_ascii_lowercase();
    if lower.starts_with("data:") {
        if id.len() > MAX_DATA_IMAGE_BYTES {
            return ImageView::Withheld {
                why: "the embedded image is larger than this page shows",
            };
        }
        if INLINE_IMAGE_TYPES.iter().any(|t| lower.starts_with(t)) {
            return ImageView::Inline {
                data_url: id.to_owned(),
                caption,
            };
        }
        return ImageView::Withheld {
            why: "the embedded data is not an image type this page shows",
        };
    }
    if lower.starts_with("https://") {
        return ImageView::Link { url: clean(id) };
    }
    ImageView::Withheld {
        why: "the image is not at an https address",
    }
}

/// What the page adds to the model's [`AchievementSummary`]: the description and the image.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct AchievementExtra {
    /// `description`.
    pub description: Option<String>,
    /// `image`.
    pub image: Option<ImageView>,
}

impl AchievementExtra {
    fn new(achievement: &Achievement) -> AchievementExtra {
        AchievementExtra {
            description: text(achievement.description.as_ref()),
            image: achievement.image.as_ref().and_then(ImageView::new),
        }
    }
}

/// One `evidence` entry.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct EvidenceView {
    /// `name`.
    pub name: Option<String>,
    /// `description` or `narrative`.
    pub description: Option<String>,
    /// `id`: where the evidence is (shown as a link when it is an http(s) URL).
    pub url: Option<String>,
}

/// One embedded endorsement.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct EndorsementView {
    /// The endorser's name, else its id.
    pub endorser: Option<String>,
    /// `endorsementComment`.
    pub comment: Option<String>,
}

/// What the credential says, for display: the model's [`Summary`] with every string cleaned,
/// plus what the summary does not carry.
#[derive(Debug, Clone, PartialEq)]
pub struct CredentialView {
    /// The model's digest (the same data `credbridge inspect` prints), strings cleaned.
    pub summary: Summary,
    /// The credential's own `description`.
    pub description: Option<String>,
    /// For each entry of `summary.achievements` (same order): description and image.
    pub achievement_extras: Vec<AchievementExtra>,
    /// The `evidence` entries (at most [`MAX_LIST_ENTRIES`]).
    pub evidence: Vec<EvidenceView>,
    /// The embedded `endorsement` entries of the credential and its achievement (at most
    /// [`MAX_LIST_ENTRIES`]; JWT endorsements are counted in the summary only).
    pub endorsements: Vec<EndorsementView>,
}

impl CredentialView {
    /// Builds the view of a parsed document.
    pub fn new(doc: &Document) -> CredentialView {
        let mut summary = credbridge_model::summarize(doc);
        clean_summary(&mut summary);
        let mut view = CredentialView {
            summary,
            description: None,
            achievement_extras: Vec::new(),
            evidence: Vec::new(),
            endorsements: Vec::new(),
        };
        match &doc.typed {
            Typed::OpenBadges3(credential) => {
                view.description = text(credential.description.as_ref());
                view.evidence = evidence(credential.evidence.as_ref());
                let achievement = credential
                    .subjects()
                    .first()
                    .and_then(|s| s.achievement.as_ref())
                    .and_then(IdOr::object);
                let mut endorsements = endorsements(credential.endorsement.as_ref());
                if let Some(achievement) = achievement {
                    view.achievement_extras
                        .push(AchievementExtra::new(achievement));
                    endorsements.extend(self::endorsements(achievement.endorsement.as_ref()));
                }
                endorsements.truncate(MAX_LIST_ENTRIES);
                view.endorsements = endorsements;
            }
            Typed::Clr2(credential) => {
                view.description = text(credential.description.as_ref());
                view.evidence = evidence(credential.evidence.as_ref());
                view.endorsements = endorsements(credential.endorsement.as_ref());
                if let Some(subject) = credential.subjects().first() {
                    view.achievement_extras = subject
                        .achievement
                        .iter()
                        .flatten()
                        .map(AchievementExtra::new)
                        .collect();
                }
            }
            Typed::Credential(credential) => {
                view.description = text(credential.description.as_ref());
                view.evidence = evidence(credential.evidence.as_ref());
            }
            Typed::Ob2Assertion(assertion) => {
                if let Some(IdOr::Object(class)) = &assertion.badge {
                    view.achievement_extras.push(AchievementExtra {
                        description: text(class.description.as_ref()),
                        image: class.image.as_ref().and_then(ImageView::ob2),
                    });
                }
                view.evidence = assertion
                    .evidence
                    .iter()
                    .flatten()
                    .take(MAX_LIST_ENTRIES)
                    .map(|e| match e {
                        IdOr::Iri(iri) => EvidenceView {
                            url: Some(clean(iri)),
                            ..EvidenceView::default()
                        },
                        IdOr::Object(e) => EvidenceView {
                            name: text(e.name.as_ref()),
                            description: text(e.description.as_ref().or(e.narrative.as_ref())),
                            url: e.id.as_deref().map(clean),
                        },
                    })
                    .collect();
            }
            Typed::Ob2BadgeClass(class) => {
                view.achievement_extras.push(AchievementExtra {
                    description: text(class.description.as_ref()),
                    image: class.image.as_ref().and_then(ImageView::ob2),
                });
            }
            _ => {}
        }
        // Many issuers repeat the achievement's description on the credential; say it once.
        let first = view.achievement_extras.first();
        if view.description.is_some()
            && first.and_then(|e| e.description.as_ref()) == view.description.as_ref()
        {
            view.description = None;
        }
        view
    }

    /// The headline: the first achievement's name, else the credential's name (for a CLR, its
    /// own name first: it names the whole record, not one achievement).
    pub fn title(&self) -> Option<&str> {
        let achievement = self
            .summary
            .achievements
            .iter()
            .find_map(|a| a.name.as_deref());
        if self.summary.clr.is_some() {
            self.summary.name.as_deref().or(achievement)
        } else {
            achievement.or(self.summary.name.as_deref())
        }
    }

    /// The recipient, as the credential identifies them, in words.
    pub fn recipient(&self) -> Option<String> {
        self.summary.subject.as_ref().map(recipient_words)
    }
}

fn recipient_words(subject: &SubjectSummary) -> String {
    let mut parts: Vec<String> = Vec::new();
    if let Some(id) = &subject.id {
        parts.push(id.clone());
    }
    for identifier in &subject.identifiers {
        let kind = match identifier.identity_type.as_deref() {
            Some("emailAddress" | "email") => "an email address",
            Some("url") => "a URL",
            Some("telephone") => "a telephone number",
            Some("did") => "a DID",
            Some(_) | None => "an identifier",
        };
        let words = match (identifier.hashed, &identifier.identity) {
            (Some(true), _) => format!(
                "{kind}, given only as a hash{} (enter the address you expect to compare)",
                if identifier.salted { " with salt" } else { "" }
            ),
            (_, Some(identity)) => format!("{kind}: {identity}"),
            (_, None) => kind.to_owned(),
        };
        parts.push(words);
    }
    if parts.is_empty() {
        "not named in the credential".to_owned()
    } else {
        parts.join("; ")
    }
}

fn evidence(entries: Option<&OneOrMany<credbridge_model::ob3::Evidence>>) -> Vec<EvidenceView> {
    entries
        .into_iter()
        .flatten()
        .take(MAX_LIST_ENTRIES)
        .map(|e| EvidenceView {
            name: text(e.name.as_ref()),
            description: text(e.description.as_ref().or(e.narrative.as_ref())),
            url: e.id.as_deref().map(clean),
        })
        .collect()
}

fn endorsements(entries: Option<&credbridge_model::ob3::Endorsements>) -> Vec<EndorsementView> {
    entries
        .into_iter()
        .flatten()
        .take(MAX_LIST_ENTRIES)
        .map(|e| EndorsementView {
            endorser: e.issuer.as_ref().and_then(|issuer| match issuer {
                IdOr::Iri(iri) => Some(clean(iri)),
                IdOr::Object(p) => text(p.name.as_ref()).or_else(|| p.id.as_deref().map(clean)),
            }),
            comment: e
                .subjects()
                .first()
                .and_then(|s| text(s.endorsement_comment.as_ref())),
        })
        .collect()
}

fn text(value: Option<&LangString>) -> Option<String> {
    value.and_then(LangString::best).map(clean)
}

/// Makes credential-supplied text safe to show beyond HTML escaping: control characters
/// (terminal escapes such as ESC `[31m`) and the Unicode bidirectional controls (which can
/// display "gpj.exe" as "exe.jpg" or reorder an issuer's name) become U+FFFD, visibly; text
/// longer than [`MAX_TEXT_CHARS`] is cut and ends in `…`. Line breaks and tabs stay.
pub fn clean(text: &str) -> String {
    let mut out = String::with_capacity(text.len().min(MAX_TEXT_CHARS * 4));
    for (count, c) in text.chars().enumerate() {
        if count >= MAX_TEXT_CHARS {
            out.push('…');
            break;
        }
        let unsafe_char = (c.is_control() && c != '\n' && c != '\t')
            || matches!(c, '\u{061C}' | '\u{200E}' | '\u{200F}' | '\u{202A}'..='\u{202E}' | '\u{2066}'..='\u{2069}');
        out.push(if unsafe_char { '\u{FFFD}' } else { c });
    }
    out
}

fn clean_opt(value: &mut Option<String>) {
    if let Some(text) = value {
        *text = clean(text);
    }
}

/// Cleans every string of a summary that a page shows.
fn clean_summary(s: &mut Summary) {
    clean_opt(&mut s.id);
    clean_opt(&mut s.name);
    clean_opt(&mut s.typed_error);
    for t in &mut s.types {
        *t = clean(t);
    }
    if let Some(issuer) = &mut s.issuer {
        clean_opt(&mut issuer.id);
        clean_opt(&mut issuer.name);
        clean_opt(&mut issuer.url);
        clean_opt(&mut issuer.email);
    }
    if let Some(subject) = &mut s.subject {
        clean_opt(&mut subject.id);
        subject.identifiers.truncate(MAX_LIST_ENTRIES);
        for i in &mut subject.identifiers {
            clean_opt(&mut i.identity_type);
            clean_opt(&mut i.identity);
        }
    }
    s.achievements.truncate(MAX_LIST_ENTRIES);
    for a in &mut s.achievements {
        clean_achievement(a);
    }
    let d = &mut s.dates;
    for date in [
        &mut d.issued,
        &mut d.valid_from,
        &mut d.valid_until,
        &mut d.expires,
        &mut d.awarded,
    ] {
        clean_opt(date);
    }
    s.proofs.truncate(MAX_LIST_ENTRIES);
    for p in &mut s.proofs {
        clean_opt(&mut p.proof_type);
        clean_opt(&mut p.cryptosuite);
        clean_opt(&mut p.verification_method);
        clean_opt(&mut p.proof_purpose);
        clean_opt(&mut p.created);
    }
    s.credential_status.truncate(MAX_LIST_ENTRIES);
    for st in &mut s.credential_status {
        clean_opt(&mut st.id);
        clean_opt(&mut st.status_type);
        clean_opt(&mut st.purpose);
        clean_opt(&mut st.list_url);
    }
    s.credential_schemas.truncate(MAX_LIST_ENTRIES);
    for schema in &mut s.credential_schemas {
        *schema = clean(schema);
    }
    let inner = s
        .clr
        .as_mut()
        .map(|c| &mut c.inner)
        .into_iter()
        .chain(s.presentation.as_mut().map(|p| &mut p.inner));
    for list in inner {
        list.truncate(MAX_LIST_ENTRIES);
        for i in list {
            clean_opt(&mut i.id);
            clean_opt(&mut i.achievement_name);
        }
    }
    if let Some(p) = &mut s.presentation {
        clean_opt(&mut p.holder);
    }
}

fn clean_achievement(a: &mut AchievementSummary) {
    clean_opt(&mut a.id);
    clean_opt(&mut a.name);
    clean_opt(&mut a.achievement_type);
    clean_opt(&mut a.criteria_id);
    clean_opt(&mut a.criteria_narrative);
    for t in &mut a.types {
        *t = clean(t);
    }
    a.alignments.truncate(MAX_LIST_ENTRIES);
    for al in &mut a.alignments {
        clean_opt(&mut al.target_name);
        clean_opt(&mut al.target_url);
        clean_opt(&mut al.target_framework);
        clean_opt(&mut al.target_code);
        clean_opt(&mut al.target_type);
    }
    a.result_descriptions.truncate(MAX_LIST_ENTRIES);
    for rd in &mut a.result_descriptions {
        clean_opt(&mut rd.id);
        clean_opt(&mut rd.name);
        clean_opt(&mut rd.result_type);
        rd.levels.truncate(MAX_LIST_ENTRIES);
        for level in &mut rd.levels {
            *level = clean(level);
        }
    }
    a.results.truncate(MAX_LIST_ENTRIES);
    for r in &mut a.results {
        clean_opt(&mut r.result_description);
        clean_opt(&mut r.value);
        clean_opt(&mut r.status);
        clean_opt(&mut r.achieved_level);
    }
}

/// Everything a page shows about one input item: its verdict, every check, the issuer's
/// identity status and what the credential says.
#[derive(Debug, Clone, PartialEq)]
pub struct ItemView {
    /// Where the item came from (file → zip entry → inner credential).
    pub item: String,
    /// The format's name for a person.
    pub format: String,
    /// The verdict.
    pub verdict: VerdictView,
    /// When the checks were made (RFC 3339), for a report.
    pub checked_at: Option<String>,
    /// Why the input could not be read, for an unreadable item.
    pub error: Option<String>,
    /// Every check, in the order it ran (at most [`MAX_LIST_ENTRIES`]).
    pub checks: Vec<CheckView>,
    /// The issuer and whether its identity is confirmed (`None` when the item is unreadable).
    pub issuer: Option<IssuerIdentity>,
    /// What the credential says (`None` when its JSON could not be read).
    pub credential: Option<CredentialView>,
    /// The data-quality lint of the credential, when the server ran it (issuer side's rules:
    /// required and recommended data, alignments, levels, evidence, issuer identity).
    pub lint: Option<LintView>,
}

/// How severe a lint finding is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum LintSeverity {
    /// The spec or a verifier rejects it.
    Error,
    /// Data an employer relies on is missing.
    Warning,
    /// Nice to have.
    Info,
}

impl LintSeverity {
    /// The word shown before the finding.
    pub fn words(self) -> &'static str {
        match self {
            LintSeverity::Error => "Error",
            LintSeverity::Warning => "Warning",
            LintSeverity::Info => "Suggestion",
        }
    }

    /// The CSS class.
    pub fn class(self) -> &'static str {
        match self {
            LintSeverity::Error => "lint-error",
            LintSeverity::Warning => "lint-warning",
            LintSeverity::Info => "lint-info",
        }
    }
}

/// One lint finding, ready to show.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LintFindingView {
    /// The rule id (documented in `docs/lint-rules.md`).
    pub rule: String,
    /// Its severity.
    pub severity: LintSeverity,
    /// RFC 6901 pointer to where the data is or should be.
    pub pointer: String,
    /// What was found.
    pub message: String,
    /// How to fix it, in plain words.
    pub hint: String,
}

/// The data-quality lint of one credential: its score and findings (the page shows at most
/// [`MAX_LIST_ENTRIES`] of them).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LintView {
    /// 0–100.
    pub score: u8,
    /// The version of the rules that scored it.
    pub rules_version: String,
    /// The findings, most severe first.
    pub findings: Vec<LintFindingView>,
    /// Findings left out by the linter.
    pub truncated: usize,
}

impl LintView {
    /// A new lint view; findings are sorted most severe first and cleaned for display.
    pub fn new(
        score: u8,
        rules_version: &str,
        findings: impl IntoIterator<Item = LintFindingView>,
        truncated: usize,
    ) -> LintView {
        let mut findings: Vec<LintFindingView> = findings
            .into_iter()
            .take(MAX_LIST_ENTRIES)
            .map(|f| LintFindingView {
                rule: clean(&f.rule),
                severity: f.severity,
                pointer: clean(&f.pointer),
                message: clean(&f.message),
                hint: clean(&f.hint),
            })
            .collect();
        findings.sort_by_key(|f| f.severity);
        LintView {
            score: score.min(100),
            rules_version: clean(rules_version),
            findings,
            truncated,
        }
    }

    /// How many findings have this severity.
    pub fn count(&self, severity: LintSeverity) -> usize {
        self.findings
            .iter()
            .filter(|f| f.severity == severity)
            .count()
    }
}

impl ItemView {
    /// Builds the view of a report and, when there is one, the credential's parsed document.
    pub fn new(report: &VerificationReport, doc: Option<&Document>) -> ItemView {
        let credential = doc.map(CredentialView::new);
        let party = credential.as_ref().and_then(|c| c.summary.issuer.as_ref());
        let issuer = IssuerIdentity {
            name: party.and_then(|p| p.name.clone()),
            id: party
                .and_then(|p| p.id.clone())
                .or_else(|| report.issuer.as_deref().map(clean)),
            url: party.and_then(|p| p.url.clone()),
            status: identity_status(report),
        };
        let format = credential.as_ref().map_or_else(
            || clean(report.format_name),
            |c| c.summary.format_name.to_owned(),
        );
        ItemView {
            item: clean(&report.item),
            format,
            verdict: report.verdict.into(),
            checked_at: Some(clean(&report.checked_at)),
            error: None,
            checks: report
                .checks
                .iter()
                .take(MAX_LIST_ENTRIES)
                .map(CheckView::new)
                .collect(),
            issuer: Some(issuer),
            credential,
            lint: None,
        }
    }

    /// The same view with the credential's data-quality lint attached.
    pub fn with_lint(mut self, lint: LintView) -> ItemView {
        self.lint = Some(lint);
        self
    }

    /// Builds the view of a decoded item and its report (the credential JSON is read from the
    /// item: a JSON value, or the credential inside a JWT).
    pub fn from_item(item: &Item, report: &VerificationReport) -> ItemView {
        let doc = match &item.payload {
            Payload::Json { value, .. } => credbridge_model::parse(value).ok(),
            Payload::Jws {
                credential: Some(credential),
                claims,
                ..
            } => credbridge_model::parse_jwt(credential, claims).ok(),
            _ => None,
        };
        ItemView::new(report, doc.as_ref())
    }

    /// An input that could not be read: its path when known, and why.
    pub fn unreadable(item: Option<&str>, error: &str) -> ItemView {
        ItemView {
            item: item.map_or_else(|| "(input)".to_owned(), clean),
            format: "unreadable".to_owned(),
            verdict: VerdictView::Unreadable,
            checked_at: None,
            error: Some(clean(error)),
            checks: Vec::new(),
            issuer: None,
            credential: None,
            lint: None,
        }
    }

    /// The headline: the achievement's (or credential's) name, else the format.
    pub fn title(&self) -> &str {
        self.credential
            .as_ref()
            .and_then(CredentialView::title)
            .unwrap_or(&self.format)
    }

    /// The checks that did not pass (failed or could not run), most decisive first: fatal
    /// failures, then fatal could-not-check, then warnings.
    pub fn problems(&self) -> Vec<&CheckView> {
        let mut problems: Vec<&CheckView> = self
            .checks
            .iter()
            .filter(|c| matches!(c.mark, Mark::Failed | Mark::CouldNotCheck))
            .collect();
        problems.sort_by_key(|c| (c.advisory, c.mark != Mark::Failed));
        problems
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn clean_replaces_terminal_and_bidi_controls_and_cuts_long_text() {
        assert_eq!(clean("a\u{1b}[31mb"), "a\u{FFFD}[31mb");
        assert_eq!(clean("x\u{202E}gpj.exe"), "x\u{FFFD}gpj.exe");
        assert_eq!(clean("line\nnext\ttab"), "line\nnext\ttab");
        let long = "é".repeat(MAX_TEXT_CHARS + 5);
        let cut = clean(&long);
        assert_eq!(cut.chars().count(), MAX_TEXT_CHARS + 1);
        assert!(cut.ends_with('…'));
    }

    #[test]
    fn images_are_inline_only_from_data_urls() {
        assert!(matches!(
            image_view("data:image/png;base64,iVBORw0KGgo=", None),
            ImageView::Inline { .. }
        ));
        assert!(matches!(
            image_view("https://example.edu/badge.png", None),
            ImageView::Link { .. }
        ));
        assert!(matches!(
            image_view("javascript:alert(1)", None),
            ImageView::Withheld { .. }
        ));
        assert!(matches!(
            image_view("data:text/html,<script>", None),
            ImageView::Withheld { .. }
        ));
        let huge = format!("data:image/png;base64,{}", "A".repeat(MAX_DATA_IMAGE_BYTES));
        assert!(matches!(
            image_view(&huge, None),
            ImageView::Withheld { .. }
        ));
    }
}
