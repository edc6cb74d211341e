//! The page shell every page shares: `lang`, skip link, landmarks (banner, navigation, main,
//! contentinfo), the flash message in a live region, and the error page.

use maud::{DOCTYPE, Markup, html};

use crate::{FlashKind, PageContext, paths};

/// Wraps `body` in the shared page shell.
pub(crate) fn page(ctx: &PageContext, body: Markup) -> String {
    let markup = html! {
        (DOCTYPE)
        html lang="en" {
            head {
                meta charset="utf-8";
                meta name="viewport" content="width=device-width, initial-scale=1";
                meta name="referrer" content="no-referrer";
                title { (ctx.title) " – credbridge" }
                link rel="stylesheet" href={ (paths::ASSETS) "style.css" };
                link rel="icon" type="image/svg+xml" href={ (paths::ASSETS) "favicon.svg" };
                script src={ (paths::ASSETS) "verifier.js" } defer {}
            }
            body {
                a.skip href="#main" { "Skip to content" }
                header.site {
                    nav aria-label="Main" {
                        a.brand href=(paths::HOME) { "credbridge" }
                        ul {
                            li { a href=(paths::HOME) { "Verify" } }
                            @if ctx.user.is_some() || ctx.dev {
                                li { a href=(paths::INBOX) { "Inbox" } }
                                li { a href=(paths::CANDIDATES) { "Candidates" } }
                                li { a href=(paths::JOBS) { "Jobs" } }
                            }
                        }
                        div.account {
                            @if let Some(user) = &ctx.user {
                                span { "Signed in as " bdi { (user) } }
                                form method="post" action=(paths::LOGOUT) {
                                    (csrf_field(ctx))
                                    button.link type="submit" { "Log out" }
                                }
                            } @else {
                                a href=(paths::LOGIN) { "Log in" }
                            }
                        }
                    }
                    @if ctx.dev {
                        p.dev-banner { "Development mode: no login is needed on this machine." }
                    }
                }
                main id="main" tabindex="-1" {
                    // Always present, so that a message inserted later is announced.
                    div.flash-region role="status" aria-live="polite" {
                        @if let Some(flash) = &ctx.flash {
                            p class={ "flash " (flash_class(flash.kind)) } { (flash.message) }
                        }
                    }
                    (body)
                }
                footer.site {
                    p {
                        "credbridge checks signatures, dates, status and issuers of digital credentials "
                        "(Open Badges, CLR, W3C Verifiable Credentials). "
                        "“Valid” means the credential is intact and in force; it says who issued it only "
                        "when the issuer is confirmed."
                    }
                }
            }
        }
    };
    markup.into_string()
}

/// The hidden CSRF field, when the context carries a token (the server decides whether its
/// forms need one; a `SameSite` session cookie alone is its other option).
pub(crate) fn csrf_field(ctx: &PageContext) -> Markup {
    html! {
        @if let Some(token) = &ctx.csrf_token {
            input type="hidden" name=(paths::FIELD_CSRF) value=(token);
        }
    }
}

fn flash_class(kind: FlashKind) -> &'static str {
    match kind {
        FlashKind::Success => "flash-success",
        FlashKind::Info => "flash-info",
        FlashKind::Error => "flash-error",
    }
}

/// An error page: the HTTP status, a title and one sentence on what to do.
pub fn error_page(status: u16, title: &str, detail: &str) -> String {
    let ctx = PageContext::new(title);
    page(
        &ctx,
        html! {
            section.error aria-labelledby="error-title" {
                h1 id="error-title" { (title) }
                p.status-code { "Error " (status) }
                p { (detail) }
                p { a href=(paths::HOME) { "Back to the verifier" } }
            }
        },
    )
}
