//! CSS, script and icon, embedded in the binary (no CDN, no npm build step): served by the
//! server under [`crate::paths::ASSETS`].

/// One embedded file.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Asset {
    /// The path it is served at (`/assets/style.css`).
    pub path: &'static str,
    /// Its `Content-Type`.
    pub content_type: &'static str,
    /// Its bytes.
    pub bytes: &'static [u8],
}

const ASSETS: [Asset; 3] = [
    Asset {
        path: "/assets/style.css",
        content_type: "text/css; charset=utf-8",
        bytes: include_bytes!("../assets/style.css"),
    },
    Asset {
        path: "/assets/verifier.js",
        content_type: "text/javascript; charset=utf-8",
        bytes: include_bytes!("../assets/verifier.js"),
    },
    Asset {
        path: "/assets/favicon.svg",
        content_type: "image/svg+xml",
        bytes: include_bytes!("../assets/favicon.svg"),
    },
];

/// Every embedded asset.
pub fn assets() -> &'static [Asset] {
    &ASSETS
}

/// The `Content-Security-Policy` to send with every page: scripts and styles only from this
/// server (the pages have no inline script or style), images only from this server or `data:`
/// URLs (a credential's `https:` image is a link, never loaded), forms only to this server, no
/// framing.
pub const CONTENT_SECURITY_POLICY: &str = "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self' data:; form-action 'self'; frame-ancestors 'none'; base-uri 'none'";
