//! The public verifier page and the results page, and the markup of one verified item that the
//! stored-credential page reuses.

use maud::{Markup, html};

use crate::layout::{csrf_field, page};
use crate::view::{
    CredentialView, ImageView, IssuerIdentity, ItemView, LintSeverity, LintView, MAX_LIST_ENTRIES,
    Mark, VerdictView,
};
use crate::{MAX_ITEMS_SHOWN, PageContext, paths};

/// What the file picker offers (it still accepts any file: the server decides by content).
const ACCEPT: &str = ".json,.jsonld,.jsonl,.ndjson,.jwt,.jws,.txt,.png,.svg,.zip,application/json,application/ld+json,image/png,image/svg+xml,application/zip";

/// The public page at `/`: drop or pick a file, paste text, or give a URL.
pub fn verifier_page(ctx: &PageContext) -> String {
    page(
        ctx,
        html! {
            h1 { "Verify a credential" }
            p.lead {
                "Check an Open Badge, a Comprehensive Learner Record or any W3C Verifiable Credential: "
                "whether it is intact, in force, not revoked, and who issued it. "
                "What you verify here is not kept."
            }
            form.verify method="post" action=(paths::VERIFY) enctype="multipart/form-data" {
                (csrf_field(ctx))
                (file_field("verify-file", "A file", true))
                fieldset {
                    legend { "Or paste it" }
                    label for="verify-text" { "Credential text (JSON, a JWT, or JSON Lines)" }
                    textarea id="verify-text" name=(paths::FIELD_TEXT) rows="6" spellcheck="false"
                        autocomplete="off" {}
                }
                fieldset {
                    legend { "Or give its web address" }
                    label for="verify-url" { "URL of a hosted credential or badge image" }
                    input id="verify-url" type="url" name=(paths::FIELD_URL) inputmode="url"
                        placeholder="https://" autocomplete="off";
                }
                p { button.primary type="submit" { "Verify" } }
            }
        },
    )
}

/// The file field with its drop zone (the label is the zone: clicking or pressing Enter on the
/// input opens the picker; `verifier.js` adds dropping onto it).
pub(crate) fn file_field(id: &str, legend: &str, multiple: bool) -> Markup {
    let status_id = format!("{id}-status");
    html! {
        fieldset {
            legend { (legend) }
            div.dropzone data-dropzone {
                label for=(id) {
                    span.drop-title { "Choose a file" }
                    span.drop-hint { " or drop it here. JSON, JWT, PNG or SVG badge images, zip archives." }
                }
                input id=(id) type="file" name=(paths::FIELD_FILE) accept=(ACCEPT) multiple[multiple]
                    aria-describedby=(status_id);
                p.drop-status id=(status_id) role="status" aria-live="polite" {}
            }
        }
    }
}

/// The verdicts of every item that was submitted.
pub fn results_page(ctx: &PageContext, items: &[ItemView]) -> String {
    page(
        ctx,
        html! {
            h1 { @if items.len() == 1 { "Verification result" } @else { "Verification results" } }
            p.summary role="status" { (summary_line(items)) }
            @for (index, item) in items.iter().take(MAX_ITEMS_SHOWN).enumerate() {
                (item_markup(item, index, items.len() == 1))
            }
            @if items.len() > MAX_ITEMS_SHOWN {
                p { "The first " (MAX_ITEMS_SHOWN) " items are shown; the counts above cover all "
                    (items.len()) "." }
            }
            p.again { a href=(paths::HOME) { "Verify another credential" } }
        },
    )
}

fn summary_line(items: &[ItemView]) -> String {
    if let [item] = items {
        return format!("{}: {}", item.title(), item.verdict.words());
    }
    if items.is_empty() {
        return "No credential was found in what you sent.".to_owned();
    }
    let count = |verdict| items.iter().filter(|i| i.verdict == verdict).count();
    format!(
        "{} items: {} valid, {} valid with warnings, {} invalid, {} could not be fully checked, {} unreadable",
        items.len(),
        count(VerdictView::Valid),
        count(VerdictView::ValidWithWarnings),
        count(VerdictView::Invalid),
        count(VerdictView::Indeterminate),
        count(VerdictView::Unreadable),
    )
}

/// One item: the verdict header (what was verified: achievement, issuer with its identity
/// status, recipient, dates), then every check, then what the credential says.
///
/// `open`: whether the full list of checks starts unfolded (one item), or folded under its
/// problems (a batch, where every item's ten checks would bury the verdicts).
pub(crate) fn item_markup(item: &ItemView, index: usize, open: bool) -> Markup {
    let title_id = format!("item-{index}-title");
    html! {
        article class={ "item " (item.verdict.class()) } aria-labelledby=(title_id) {
            header.verdict-header {
                p.verdict {
                    span.verdict-mark aria-hidden="true" { (item.verdict.mark()) }
                    " "
                    span.verdict-words { (item.verdict.words()) }
                }
                h2 id=(title_id) { bdi { (item.title()) } }
                @if item.verdict == VerdictView::Invalid {
                    p.claim-warning {
                        "Do not rely on what this credential says: it failed a check that matters."
                    }
                }
                dl.facts {
                    @if let Some(issuer) = &item.issuer {
                        (issuer_fact(issuer))
                    }
                    @if let Some(credential) = &item.credential {
                        @if let Some(recipient) = credential.recipient() {
                            dt { "Awarded to" }
                            dd { bdi { (recipient) } }
                        }
                        (dates_fact(credential))
                    }
                    dt { "Kind" }
                    dd { (item.format) }
                    dt { "Item" }
                    dd.mono { bdi { (item.item) } }
                }
            }
            @if let Some(error) = &item.error {
                p.error-text { "This could not be read as a credential: " bdi { (error) } }
            }
            @if !item.checks.is_empty() {
                (checks_markup(item, index, open))
            }
            @if let Some(lint) = &item.lint {
                (lint_markup(lint, index))
            }
            @if let Some(credential) = &item.credential {
                (credential_markup(credential, index))
            }
        }
    }
}

fn issuer_fact(issuer: &IssuerIdentity) -> Markup {
    html! {
        dt { "Issued by" }
        dd {
            bdi.issuer-name { (issuer.display_name()) }
            " "
            span class={ "identity " (issuer.status.class()) } { "(" (issuer.status.label()) ")" }
            @if issuer.name.is_some() {
                @if let Some(id) = &issuer.id {
                    br;
                    span.mono.small { bdi { (id) } }
                }
            }
            @if let Some(url) = &issuer.url {
                br;
                span.small { "Homepage it gives: " (link_or_text(url)) }
            }
            p.identity-sentence { bdi { (issuer.sentence()) } }
        }
    }
}

fn dates_fact(credential: &CredentialView) -> Markup {
    let d = &credential.summary.dates;
    let dates: Vec<(&str, &String)> = [
        ("issued", &d.issued),
        ("awarded", &d.awarded),
        ("valid from", &d.valid_from),
        ("valid until", &d.valid_until),
        ("expires", &d.expires),
    ]
    .into_iter()
    .filter_map(|(label, value)| value.as_ref().map(|v| (label, v)))
    .collect();
    html! {
        @if !dates.is_empty() {
            dt { "Dates" }
            dd {
                @for (i, (label, value)) in dates.iter().enumerate() {
                    @if i > 0 { "; " }
                    (label) " " time { (value) }
                }
            }
        }
    }
}

fn checks_markup(item: &ItemView, index: usize, open: bool) -> Markup {
    let problems = item.problems();
    html! {
        section.checks aria-labelledby={ "item-" (index) "-checks" } {
            h3 id={ "item-" (index) "-checks" } { "Checks" }
            @if !problems.is_empty() {
                p.problems-lead { "What needs attention:" }
                ul.problems {
                    @for check in &problems {
                        li class=(check.mark.class()) {
                            strong { (check.message) }
                            @if check.advisory { " (a warning)" }
                        }
                    }
                }
            }
            details.all-checks open[open] {
            summary { "All " (item.checks.len()) " checks" }
            ul.check-list {
                @for check in &item.checks {
                    li class=(check.mark.class()) {
                        span.check-mark aria-hidden="true" { (check.mark.symbol()) }
                        " "
                        span.check-outcome { (check.mark.words()) ": " }
                        span.check-message { (check.message) }
                        " "
                        code.check-id { (check.id) }
                        @if check.advisory && matches!(check.mark, Mark::Failed | Mark::CouldNotCheck) {
                            " " span.small { "(a warning: it does not make the credential invalid)" }
                        }
                        @if let Some(reason) = &check.reason {
                            @if check.mark != Mark::Passed {
                                br;
                                span.check-why { "why: " bdi { (reason) } }
                            }
                        }
                    }
                }
            }
            }
            @if let Some(at) = &item.checked_at {
                p.small { "Checked against the time " time { (at) } "." }
            }
        }
    }
}

/// The data-quality lint beside the checks: what an employer will find missing or unclear,
/// each with where it is and how the issuer can fix it. It never changes the verdict.
pub(crate) fn lint_markup(lint: &LintView, index: usize) -> Markup {
    let heading = format!("item-{index}-lint");
    let errors = lint.count(LintSeverity::Error);
    let warnings = lint.count(LintSeverity::Warning);
    let suggestions = lint.count(LintSeverity::Info);
    html! {
        section.lint aria-labelledby=(heading) {
            h3 id=(heading) { "Data quality" }
            p.lint-score {
                "Score " strong { (lint.score) "/100" }
                @if lint.findings.is_empty() {
                    ": nothing an employer needs is missing."
                } @else {
                    ": " (errors) " error" @if errors != 1 { "s" } ", "
                    (warnings) " warning" @if warnings != 1 { "s" } ", "
                    (suggestions) " suggestion" @if suggestions != 1 { "s" } "."
                }
                " " span.small { "This does not change the verdict; it says what the issuer could add. Rules "
                    code { (lint.rules_version) } "." }
            }
            @if !lint.findings.is_empty() {
                ul.lint-findings {
                    @for finding in &lint.findings {
                        li class=(finding.severity.class()) {
                            strong { (finding.severity.words()) ": " }
                            bdi { (finding.message) }
                            " " code.check-id { (finding.rule) }
                            @if !finding.pointer.is_empty() {
                                br;
                                span.small { "where: " code { (finding.pointer) } }
                            }
                            @if !finding.hint.is_empty() {
                                br;
                                span.check-why { "fix: " bdi { (finding.hint) } }
                            }
                        }
                    }
                }
                @if lint.truncated > 0 {
                    p.small { (lint.truncated) " more findings were left out." }
                }
            }
        }
    }
}

fn link_or_text(url: &str) -> Markup {
    let lower = url.get(..8).unwrap_or(url).to_ascii_lowercase();
    html! {
        @if lower.starts_with("https://") || lower.starts_with("http://") {
            a href=(url) rel="noopener noreferrer nofollow" { bdi { (url) } }
        } @else {
            span.mono { bdi { (url) } }
        }
    }
}

fn image_markup(image: &ImageView, name: &str) -> Markup {
    html! {
        @match image {
            ImageView::Inline { data_url, caption } => {
                figure.badge-image {
                    img src=(data_url) alt={ "Image of " (name) } width="120" height="120";
                    @if let Some(caption) = caption { figcaption { bdi { (caption) } } }
                }
            }
            ImageView::Link { url } => {
                p.small { "Image (not loaded, to keep your visit private): " (link_or_text(url)) }
            }
            ImageView::Withheld { why } => {
                p.small { "Image not shown: " (why) "." }
            }
        }
    }
}

fn credential_markup(credential: &CredentialView, index: usize) -> Markup {
    let s = &credential.summary;
    let section_id = format!("item-{index}-says");
    html! {
        section.says aria-labelledby=(section_id) {
            h3 id=(section_id) { "What the credential says" }
            @if let Some(description) = &credential.description {
                p { bdi { (description) } }
            }
            @for (a_index, achievement) in s.achievements.iter().enumerate() {
                @let extra = credential.achievement_extras.get(a_index);
                @let name = achievement.name.as_deref().unwrap_or("(no name)");
                div.achievement {
                    h4 {
                        bdi { (name) }
                        @if let Some(kind) = &achievement.achievement_type {
                            " " span.tag { (kind) }
                        }
                    }
                    @if let Some(image) = extra.and_then(|e| e.image.as_ref()) {
                        (image_markup(image, name))
                    }
                    dl.details {
                        @if let Some(description) = extra.and_then(|e| e.description.as_ref()) {
                            dt { "Description" } dd { bdi { (description) } }
                        }
                        @if achievement.criteria_narrative.is_some() || achievement.criteria_id.is_some() {
                            dt { "Criteria" }
                            dd {
                                @if let Some(narrative) = &achievement.criteria_narrative {
                                    bdi { (narrative) }
                                    @if achievement.criteria_id.is_some() { br; }
                                }
                                @if let Some(url) = &achievement.criteria_id { (link_or_text(url)) }
                            }
                        }
                        @if !achievement.alignments.is_empty() {
                            dt { "Skills and alignments" }
                            dd {
                                ul {
                                    @for al in &achievement.alignments {
                                        li {
                                            bdi { (al.target_name.as_deref().unwrap_or("(unnamed)")) }
                                            @for part in [&al.target_framework, &al.target_code, &al.target_type].into_iter().flatten() {
                                                " · " span.small { (part) }
                                            }
                                            @if let Some(url) = &al.target_url {
                                                br; (link_or_text(url))
                                            }
                                        }
                                    }
                                }
                            }
                        }
                        @if !achievement.result_descriptions.is_empty() {
                            dt { "Results expected" }
                            dd {
                                ul {
                                    @for rd in &achievement.result_descriptions {
                                        li {
                                            bdi { (rd.name.as_deref().unwrap_or("(unnamed)")) }
                                            @if let Some(kind) = &rd.result_type { " " span.tag { (kind) } }
                                            @if !rd.levels.is_empty() {
                                                br; span.small { "levels: " (rd.levels.join(", ")) }
                                            }
                                        }
                                    }
                                }
                            }
                        }
                        @if !achievement.results.is_empty() {
                            dt { "Results" }
                            dd {
                                ul {
                                    @for r in &achievement.results {
                                        li {
                                            (result_words(r))
                                        }
                                    }
                                }
                            }
                        }
                        @if let Some(credits) = &achievement.credits_available {
                            dt { "Credits available" } dd { (credits) }
                        }
                        @if let Some(credits) = &achievement.credits_earned {
                            dt { "Credits earned" } dd { (credits) }
                        }
                        @if let Some(id) = &achievement.id {
                            dt { "Achievement id" } dd { (link_or_text(id)) }
                        }
                    }
                }
            }
            @if !credential.evidence.is_empty() {
                h4 { "Evidence" }
                ul.evidence {
                    @for e in &credential.evidence {
                        li {
                            @if let Some(name) = &e.name { strong { bdi { (name) } } " " }
                            @if let Some(d) = &e.description { bdi { (d) } " " }
                            @if let Some(url) = &e.url { (link_or_text(url)) }
                        }
                    }
                }
            } @else if s.evidence_count > 0 {
                p { "Evidence: " (s.evidence_count) " entries." }
            }
            @if s.endorsement_count > 0 {
                h4 { "Endorsements" }
                p.small {
                    (s.endorsement_count) " endorsement(s) embedded; each is checked on its own "
                    "(see the endorsements check above)."
                }
                @if !credential.endorsements.is_empty() {
                    ul {
                        @for e in &credential.endorsements {
                            li {
                                "by " bdi { (e.endorser.as_deref().unwrap_or("(unnamed endorser)")) }
                                @if let Some(comment) = &e.comment { ": " q { bdi { (comment) } } }
                            }
                        }
                    }
                }
            }
            @if let Some(clr) = &s.clr {
                h4 { "Learner record" }
                p { (clr.inner_credential_count) " credentials, " (clr.achievement_count)
                    " achievement definitions, " (clr.association_count) " associations." }
                (inner_list(&clr.inner))
            }
            @if let Some(presentation) = &s.presentation {
                h4 { "Presentation" }
                dl.details {
                    dt { "Holder" } dd { bdi { (presentation.holder.as_deref().unwrap_or("not named")) } }
                    dt { "Credentials" } dd { (presentation.credential_count) }
                }
                (inner_list(&presentation.inner))
            }
            details.technical {
                summary { "Technical details" }
                dl.details {
                    dt { "Format" } dd { (s.format_name) }
                    @if let Some(id) = &s.id { dt { "Credential id" } dd.mono { bdi { (id) } } }
                    @if !s.types.is_empty() { dt { "Types" } dd { (s.types.join(", ")) } }
                    @for p in &s.proofs {
                        dt { "Proof" }
                        dd.mono {
                            (p.proof_type.as_deref().unwrap_or("proof"))
                            @if let Some(suite) = &p.cryptosuite { " " (suite) }
                            @if let Some(method) = &p.verification_method { " by " bdi { (method) } }
                            @if let Some(created) = &p.created { ", created " (created) }
                        }
                    }
                    @for st in s.credential_status.iter().take(MAX_LIST_ENTRIES) {
                        dt { "Status entry" }
                        dd.mono {
                            (st.status_type.as_deref().unwrap_or("status"))
                            @if let Some(purpose) = &st.purpose { " " (purpose) }
                            @if let Some(url) = &st.list_url { " " bdi { (url) } }
                            @if let Some(index) = st.index { " #" (index) }
                        }
                    }
                    @for schema in &s.credential_schemas {
                        dt { "Schema" } dd.mono { bdi { (schema) } }
                    }
                    @if let Some(warning) = &s.typed_error {
                        dt { "Reading note" } dd { bdi { (warning) } }
                    }
                }
            }
        }
    }
}

fn result_words(r: &credbridge_model::summary::ResultSummary) -> Markup {
    let parts: Vec<&str> = [&r.value, &r.status, &r.achieved_level]
        .into_iter()
        .flatten()
        .map(String::as_str)
        .collect();
    html! {
        bdi { (parts.join(", ")) }
        @if let Some(description) = &r.result_description {
            " " span.small { "(for " bdi { (description) } ")" }
        }
    }
}

fn inner_list(inner: &[credbridge_model::summary::InnerCredentialSummary]) -> Markup {
    html! {
        @if !inner.is_empty() {
            ul {
                @for i in inner {
                    li {
                        bdi { (i.achievement_name.as_deref().unwrap_or("(no name)")) }
                        " " span.small { "[" (i.format.map_or("unreadable", |f| f.display_name())) "]" }
                    }
                }
            }
        }
    }
}
