//! The OAuth consent page of the OB 3.0 / CLR 2.0 API's authorization server: who asks, for
//! what (each scope as a sentence), where the answer goes, and Approve / Deny in one `POST`
//! form. No script, no image from the client (its logo is a link: loading it would tell the
//! client's host who is looking, and the CSP forbids it).

use maud::{Markup, html};

use crate::layout::{csrf_field, page};
use crate::{PageContext, clean, paths};

/// What the consent page shows, built by the server from the authorization server's validated
/// request (`credbridge_obapi::ConsentRequest`): plain strings, so this crate does not depend
/// on the protocol crate. Every string is the client's own (from its registration) and is
/// shown as inert text.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct ConsentView {
    /// The client's `client_name`.
    pub client_name: String,
    /// The client's home page (`client_uri`).
    pub client_uri: String,
    /// The client's `logo_uri`, shown as a link, never loaded.
    pub logo_uri: Option<String>,
    /// The client's terms of service (`tos_uri`).
    pub tos_uri: Option<String>,
    /// The client's privacy policy (`policy_uri`).
    pub policy_uri: Option<String>,
    /// One plain sentence per requested scope, in request order.
    pub scope_sentences: Vec<String>,
    /// Where the answer is sent (the validated `redirect_uri`); the page shows its host.
    pub redirect_uri: String,
    /// The authorization request's query string, unchanged: the form posts back to
    /// [`paths::OAUTH_AUTHORIZE`] with it, and the server validates it again.
    pub query: String,
}

impl ConsentView {
    /// The host (with port, if any) of [`ConsentView::redirect_uri`], or `None` when it has
    /// none a person could read.
    pub fn redirect_host(&self) -> Option<String> {
        origin_parts(&self.redirect_uri).map(|(_, host)| host)
    }

    /// The Content-Security-Policy to send with this page: [`crate::CONTENT_SECURITY_POLICY`]
    /// with the redirect URI's origin added to `form-action`. Browsers apply `form-action` to
    /// the redirect that answers the form, so with `'self'` alone the 302 back to the client
    /// would be blocked.
    pub fn content_security_policy(&self) -> String {
        let extra = origin_parts(&self.redirect_uri)
            .map(|(scheme, host)| format!(" {scheme}://{host}"))
            .unwrap_or_default();
        crate::CONTENT_SECURITY_POLICY
            .replace("form-action 'self'", &format!("form-action 'self'{extra}"))
    }
}

/// `(scheme, host[:port])` of an `http`/`https` URL whose authority is plain (letters, digits,
/// `.-:[]`; no user info), else `None`.
fn origin_parts(url: &str) -> Option<(&'static str, String)> {
    let (scheme, rest) = if let Some(rest) = url.strip_prefix("https://") {
        ("https", rest)
    } else if let Some(rest) = url.strip_prefix("http://") {
        ("http", rest)
    } else {
        return None;
    };
    let authority = rest.split(['/', '?', '#']).next().unwrap_or("");
    let plain = !authority.is_empty()
        && authority
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || matches!(c, '.' | '-' | ':' | '[' | ']'));
    plain.then(|| (scheme, authority.to_ascii_lowercase()))
}

/// A link when `url` is `https:`, else the cleaned text (a client's page is never a
/// `javascript:` or `data:` link).
fn link_or_text(url: &str, label: &str) -> Markup {
    html! {
        @if url.starts_with("https://") {
            a href=(url) rel="noopener noreferrer" { (label) }
        } @else {
            span { (clean(url)) }
        }
    }
}

/// The consent page: `ctx.csrf_token` goes into the form (field [`paths::FIELD_CSRF`]); the
/// buttons post [`paths::FIELD_DECISION`] = [`paths::DECISION_APPROVE`] or
/// [`paths::DECISION_DENY`] to [`paths::OAUTH_AUTHORIZE`] with the request's query. Send it
/// with [`ConsentView::content_security_policy`].
pub fn consent_page(ctx: &PageContext, consent: &ConsentView) -> String {
    let name = clean(&consent.client_name);
    let action = format!("{}?{}", paths::OAUTH_AUTHORIZE, consent.query);
    let host = consent.redirect_host();
    page(
        ctx,
        html! {
            section.narrow aria-labelledby="consent-title" {
                h1 id="consent-title" { "Allow " bdi { (name) } " to use your account?" }
                p {
                    bdi { (name) } " asks for permission to:"
                }
                ul.consent-scopes {
                    @for sentence in &consent.scope_sentences {
                        li { (clean(sentence)) }
                    }
                }
                dl.facts {
                    dt { "Application" }
                    dd { (link_or_text(&consent.client_uri, &clean(&consent.client_uri))) }
                    @if let Some(logo) = &consent.logo_uri {
                        dt { "Logo" }
                        dd { (link_or_text(logo, "Open the logo")) " (not loaded here)" }
                    }
                    dt { "Terms of service" }
                    dd {
                        @if let Some(tos) = &consent.tos_uri {
                            (link_or_text(tos, "Read the terms"))
                        } @else { "None given" }
                    }
                    dt { "Privacy policy" }
                    dd {
                        @if let Some(policy) = &consent.policy_uri {
                            (link_or_text(policy, "Read the privacy policy"))
                        } @else { "None given" }
                    }
                    dt { "Your answer goes to" }
                    dd {
                        @if let Some(host) = &host {
                            strong { bdi { (host) } }
                        } @else {
                            (clean(&consent.redirect_uri))
                        }
                    }
                }
                p {
                    "Approve only if you trust " bdi { (name) } ". "
                    "You can revoke its access later; until then it can act as described above."
                }
                form method="post" action=(action) {
                    (csrf_field(ctx))
                    div.actions {
                        button.primary type="submit" name=(paths::FIELD_DECISION)
                            value=(paths::DECISION_APPROVE) { "Approve" }
                        button type="submit" name=(paths::FIELD_DECISION)
                            value=(paths::DECISION_DENY) { "Deny" }
                    }
                }
            }
        },
    )
}
