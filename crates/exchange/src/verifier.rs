//! The verification seam: [`PresentationVerifier`] turns a posted presentation into one
//! report per item (the presentation, then each credential in it), the way
//! `credbridge verify` does. [`LocalVerifier`] runs `credbridge-verify` inline on given
//! [`VerifyOptions`]; the server implements the trait over its own verifier (shared status
//! lists, guarded client, time budget, blocking pool).

use async_trait::async_trait;
use credbridge_formats::{Item, Limits};
use credbridge_verify::{VerificationReport, VerifyOptions};

/// One item of a verified presentation.
#[derive(Debug)]
pub struct VerifiedItem {
    /// Where it sits (`presentation`, `presentation#/verifiableCredential/0`).
    pub path: String,
    /// The decoded item, when it could be decoded.
    pub item: Option<Item>,
    /// Its report, or why there is none.
    pub report: Result<VerificationReport, String>,
}

/// Verifies presentations for exchanges.
#[async_trait]
pub trait PresentationVerifier: Send + Sync {
    /// Decodes `presentation` (JSON bytes) and verifies every item in input order (the
    /// presentation first), with the proof purpose `authentication` bound to `challenge` and
    /// `domain`, at `now` (Unix seconds).
    async fn verify(
        &self,
        presentation: Vec<u8>,
        challenge: String,
        domain: String,
        now: i64,
    ) -> Vec<VerifiedItem>;
}

/// [`PresentationVerifier`] running `credbridge-verify` on the calling thread.
pub struct LocalVerifier {
    options: VerifyOptions,
    limits: Limits,
}

impl std::fmt::Debug for LocalVerifier {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("LocalVerifier")
            .field("options", &self.options)
            .finish_non_exhaustive()
    }
}

/// The name the posted presentation gets in item paths.
pub const PRESENTATION_NAME: &str = "presentation";

impl LocalVerifier {
    /// A verifier over `options` (its `now`, `challenge` and `domain` are set per call) with
    /// the default decoding limits.
    pub fn new(options: VerifyOptions) -> LocalVerifier {
        LocalVerifier {
            options,
            limits: Limits::default(),
        }
    }

    /// The same, blocking: what [`PresentationVerifier::verify`] does.
    pub fn verify_blocking(
        &self,
        presentation: &[u8],
        challenge: String,
        domain: String,
        now: i64,
    ) -> Vec<VerifiedItem> {
        let options = VerifyOptions {
            now,
            challenge: Some(challenge),
            domain: Some(domain),
            ..self.options.clone()
        };
        credbridge_formats::decode_bytes(presentation, PRESENTATION_NAME, &self.limits)
            .map(|decoded| match decoded {
                Ok(item) => {
                    let report = credbridge_verify::verify_item(&item, &options);
                    VerifiedItem {
                        path: item.path.to_string(),
                        item: Some(item),
                        report: Ok(report),
                    }
                }
                Err(error) => VerifiedItem {
                    path: PRESENTATION_NAME.to_owned(),
                    item: None,
                    report: Err(error.to_string()),
                },
            })
            .collect()
    }
}

#[async_trait]
impl PresentationVerifier for LocalVerifier {
    async fn verify(
        &self,
        presentation: Vec<u8>,
        challenge: String,
        domain: String,
        now: i64,
    ) -> Vec<VerifiedItem> {
        self.verify_blocking(&presentation, challenge, domain, now)
    }
}
