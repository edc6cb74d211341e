//! The pages behind login: the login form, the tenant's inbox list and one stored credential.

use maud::html;

use crate::layout::{csrf_field, page};
use crate::verifier::{file_field, item_markup};
use crate::view::{ItemView, VerdictView, clean};
use crate::{PageContext, paths};

/// One row of the inbox list (the store's record, reduced to what the list shows).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct InboxRow {
    /// The stored credential's id (used in its page's path).
    pub id: String,
    /// When it was received (RFC 3339).
    pub received_at: String,
    /// The latest verdict.
    pub verdict: VerdictView,
    /// The achievement names (the first is shown).
    pub achievement: Option<String>,
    /// The issuer's name or id.
    pub issuer: Option<String>,
    /// The recipient, as identified in the credential.
    pub subject: Option<String>,
    /// The format's name.
    pub format: String,
    /// How it arrived (`upload`, `api`, `exchange`, `pull`).
    pub source: String,
}

/// The list filters, as the query string carried them (echoed back into the filter form and the
/// paging links).
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct InboxFilters {
    /// `verdict`: one of the report's verdict names.
    pub verdict: Option<String>,
    /// `issuer`: an issuer id.
    pub issuer: Option<String>,
    /// `subject`: a subject identifier.
    pub subject: Option<String>,
    /// `since`: received at or after (a date or RFC 3339 time).
    pub since: Option<String>,
}

/// Where the list is in the whole.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct InboxPaging {
    /// The page shown, from 1.
    pub page: u32,
    /// Whether a next page exists.
    pub has_next: bool,
    /// How many credentials match the filters, when known.
    pub total: Option<u64>,
    /// The filters in force.
    pub filters: InboxFilters,
}

impl InboxPaging {
    fn link(&self, page: u32) -> String {
        let f = &self.filters;
        let mut query = format!("{}?page={page}", paths::INBOX);
        for (name, value) in [
            ("verdict", &f.verdict),
            ("issuer", &f.issuer),
            ("subject", &f.subject),
            ("since", &f.since),
        ] {
            if let Some(value) = value.as_deref().filter(|v| !v.is_empty()) {
                query.push_str(&format!("&{name}={}", paths::encode(value)));
            }
        }
        query
    }
}

/// A stored credential's record: what the store knows beyond the report.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct StoredCredential {
    /// Its id.
    pub id: String,
    /// When it was received (RFC 3339).
    pub received_at: String,
    /// How it arrived.
    pub source: String,
    /// The SHA-256 of the original bytes, hex.
    pub sha256: String,
    /// The earlier verifications, newest first: (checked at, verdict).
    pub history: Vec<(String, VerdictView)>,
}

/// The login page. `next` is the local path to return to; `error` says why the last attempt
/// failed (shown in an alert).
pub fn login_page(ctx: &PageContext, next: Option<&str>, error: Option<&str>) -> String {
    // Only a local path may be carried on (an absolute URL would be an open redirect).
    let next = next.filter(|n| n.starts_with('/') && !n.starts_with("//"));
    page(
        ctx,
        html! {
            section.narrow aria-labelledby="login-title" {
                h1 id="login-title" { "Log in" }
                p { "Log in to see the credentials your organization has received." }
                @if let Some(error) = error {
                    p.flash.flash-error role="alert" id="login-error" { (error) }
                }
                form method="post" action=(paths::LOGIN) {
                    (csrf_field(ctx))
                    @if let Some(next) = next {
                        input type="hidden" name=(paths::FIELD_NEXT) value=(next);
                    }
                    p {
                        label for="login-email" { "Email" }
                        input id="login-email" type="email" name=(paths::FIELD_EMAIL)
                            autocomplete="username" required autofocus
                            aria-describedby=[error.map(|_| "login-error")];
                    }
                    p {
                        label for="login-password" { "Password" }
                        input id="login-password" type="password" name=(paths::FIELD_PASSWORD)
                            autocomplete="current-password" required;
                    }
                    p { button.primary type="submit" { "Log in" } }
                }
            }
        },
    )
}

const VERDICT_CHOICES: [VerdictView; 4] = [
    VerdictView::Valid,
    VerdictView::ValidWithWarnings,
    VerdictView::Indeterminate,
    VerdictView::Invalid,
];

/// The tenant's inbox: an upload form, filters, the list and paging links.
pub fn inbox_page(ctx: &PageContext, rows: &[InboxRow], paging: &InboxPaging) -> String {
    let f = &paging.filters;
    page(
        ctx,
        html! {
            h1 { "Inbox" }
            p.lead {
                "Credentials your organization has received, each with its latest verdict."
                @if let Some(total) = paging.total { " " (total) " in all." }
            }
            details.upload {
                summary { "Add credentials" }
                form method="post" action=(paths::INBOX_UPLOAD) enctype="multipart/form-data" {
                    (csrf_field(ctx))
                    (file_field("inbox-file", "Files to add", true))
                    p { button.primary type="submit" { "Add and verify" } }
                }
            }
            form.filters method="get" action=(paths::INBOX) role="search" aria-label="Filter the inbox" {
                p {
                    label for="filter-verdict" { "Verdict" }
                    select id="filter-verdict" name="verdict" {
                        option value="" { "any" }
                        @for choice in VERDICT_CHOICES {
                            option value=(choice.machine_name())
                                selected[f.verdict.as_deref() == Some(choice.machine_name())] {
                                (choice.words())
                            }
                        }
                    }
                }
                p {
                    label for="filter-issuer" { "Issuer id" }
                    input id="filter-issuer" type="text" name="issuer" value=[f.issuer.as_deref()];
                }
                p {
                    label for="filter-subject" { "Recipient" }
                    input id="filter-subject" type="text" name="subject" value=[f.subject.as_deref()];
                }
                p {
                    label for="filter-since" { "Received since" }
                    input id="filter-since" type="date" name="since" value=[f.since.as_deref()];
                }
                p { button type="submit" { "Filter" } }
            }
            @if rows.is_empty() {
                p.empty { "No credentials match." }
            } @else {
                div.table-wrap {
                    table.inbox {
                        caption { "Received credentials, page " (paging.page.max(1)) }
                        thead {
                            tr {
                                th scope="col" { "Verdict" }
                                th scope="col" { "Achievement" }
                                th scope="col" { "Issuer" }
                                th scope="col" { "Recipient" }
                                th scope="col" { "Received" }
                                th scope="col" { "Source" }
                            }
                        }
                        tbody {
                            @for row in rows {
                                tr {
                                    td class=(row.verdict.class()) {
                                        span aria-hidden="true" { (row.verdict.mark()) " " }
                                        (row.verdict.words())
                                    }
                                    th scope="row" {
                                        a href=(paths::credential(&row.id)) {
                                            bdi { (clean(row.achievement.as_deref().unwrap_or(&row.format))) }
                                        }
                                    }
                                    td { bdi { (clean(row.issuer.as_deref().unwrap_or("—"))) } }
                                    td { bdi { (clean(row.subject.as_deref().unwrap_or("—"))) } }
                                    td { time { (clean(&row.received_at)) } }
                                    td { (clean(&row.source)) }
                                }
                            }
                        }
                    }
                }
            }
            nav.paging aria-label="Pages" {
                @if paging.page > 1 {
                    a rel="prev" href=(paging.link(paging.page - 1)) { "← Previous page" }
                }
                @if paging.has_next {
                    a rel="next" href=(paging.link(paging.page.max(1) + 1)) { "Next page →" }
                }
            }
        },
    )
}

/// The page of one stored credential: its record, actions (download the original, verify
/// again, erase), the latest verdict with every check and what it says, and earlier verdicts.
pub fn credential_page(ctx: &PageContext, record: &StoredCredential, item: &ItemView) -> String {
    page(
        ctx,
        html! {
            p.breadcrumb { a href=(paths::INBOX) { "← Inbox" } }
            h1 { "Stored credential" }
            dl.facts.record {
                dt { "Received" } dd { time { (clean(&record.received_at)) } " (" (clean(&record.source)) ")" }
                dt { "SHA-256" } dd.mono { (clean(&record.sha256)) }
            }
            div.actions {
                a.button href=(paths::credential_original(&record.id)) download { "Download the original" }
                form method="post" action=(paths::credential_reverify(&record.id)) {
                    (csrf_field(ctx))
                    button type="submit" { "Verify again" }
                }
                form.danger method="post" action=(paths::credential_delete(&record.id)) data-confirm="Erase this credential and everything derived from it?" {
                    (csrf_field(ctx))
                    button.danger type="submit" { "Erase" }
                }
            }
            (item_markup(item, 0, true))
            @if !record.history.is_empty() {
                section aria-labelledby="history-title" {
                    h2 id="history-title" { "Earlier verifications" }
                    ul {
                        @for (at, verdict) in &record.history {
                            li { time { (clean(at)) } ": " (verdict.words()) }
                        }
                    }
                }
            }
        },
    )
}
