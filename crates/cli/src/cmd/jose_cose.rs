//! `credbridge vc-jose-cose issue|verify`: secure or verify one VCDM 2.0 credential or
//! presentation with JOSE, SD-JWT or COSE and one given key, writing the W3C VC-JOSE-COSE test
//! suite's result file (`{"result": "success"|"failure"|"error", "data": …}`).

use std::path::{Path, PathBuf};

use anyhow::{Context, Result};
use clap::{Args, ValueEnum};
use credbridge_keys::{Algorithm, PublicKey, SecretKey};
use credbridge_proofs::vc_jose_cose::{self, DocumentKind, SecureOptions, Securing};
use serde_json::{Value, json};

use crate::cmd::input::{read_json, read_limited};
use crate::exit::Status;

const MAX_INPUT_BYTES: u64 = 4 * 1024 * 1024;

#[derive(Debug, Clone, Copy, ValueEnum)]
pub enum Action {
    /// Secure an unsecured credential or presentation (`--input` is JSON).
    Issue,
    /// Verify a secured one (`--input` holds the compact JWS, SD-JWT or base64 COSE_Sign1).
    Verify,
}

/// What is secured, and how (the suite's feature names).
#[derive(Debug, Clone, Copy, ValueEnum)]
#[value(rename_all = "snake_case")]
pub enum Feature {
    CredentialJose,
    PresentationJose,
    CredentialSdjwt,
    PresentationSdjwt,
    CredentialCose,
    PresentationCose,
}

impl Feature {
    fn split(self) -> (DocumentKind, Securing) {
        use DocumentKind::{Credential, Presentation};
        match self {
            Feature::CredentialJose => (Credential, Securing::Jose),
            Feature::PresentationJose => (Presentation, Securing::Jose),
            Feature::CredentialSdjwt => (Credential, Securing::SdJwt),
            Feature::PresentationSdjwt => (Presentation, Securing::SdJwt),
            Feature::CredentialCose => (Credential, Securing::Cose),
            Feature::PresentationCose => (Presentation, Securing::Cose),
        }
    }
}

/// Exit status: 0 success, 1 failure (refused or not verified), 2 error (unreadable input or
/// key); the result file is written in every case where `--output` can be written.
#[derive(Debug, Args)]
pub struct JoseCoseArgs {
    /// `issue` or `verify`.
    #[arg(value_enum)]
    pub action: Action,
    /// The document (issue: JSON) or the secured text (verify).
    #[arg(long)]
    pub input: PathBuf,
    /// A verification method with `publicKeyJwk` and, to issue, `secretKeyJwk` (ES256, ES384,
    /// ES512 or EdDSA); its `id` becomes the `kid`.
    #[arg(long)]
    pub key: PathBuf,
    /// What is secured and how.
    #[arg(long, value_enum)]
    pub feature: Feature,
    /// SD-JWT only: a JSON array of the paths to make selectively disclosable, e.g.
    /// `["credentialSubject.address.street","credentialSubject.phoneNumbers[0]"]`.
    #[arg(long)]
    pub sd: Option<String>,
    /// Where the result JSON is written.
    #[arg(long)]
    pub output: PathBuf,
}

enum Outcome {
    Success(String),
    Failure(String),
}

pub fn run(args: &JoseCoseArgs) -> Result<Status> {
    let (result, data, status) = match outcome(args) {
        Ok(Outcome::Success(data)) => ("success", data, Status::Ok),
        Ok(Outcome::Failure(reason)) => ("failure", reason, Status::CheckFailed),
        Err(e) => ("error", format!("{e:#}"), Status::InputError),
    };
    write_result(&args.output, result, &data)?;
    Ok(status)
}

fn write_result(path: &Path, result: &str, data: &str) -> Result<()> {
    let body = json!({ "result": result, "data": data }).to_string();
    std::fs::write(path, body).with_context(|| format!("writing {}", path.display()))
}

fn outcome(args: &JoseCoseArgs) -> Result<Outcome> {
    let (kind, securing) = args.feature.split();
    let method = read_json(&args.key, MAX_INPUT_BYTES)?;
    let kid = method.get("id").and_then(Value::as_str).map(str::to_owned);
    match args.action {
        Action::Issue => {
            let secret = method.get("secretKeyJwk").with_context(|| {
                format!("{} has no secretKeyJwk to sign with", args.key.display())
            })?;
            let key = SecretKey::from_jwk(secret)
                .with_context(|| format!("the secretKeyJwk in {}", args.key.display()))?;
            let disclosable = match &args.sd {
                None => Vec::new(),
                Some(text) => serde_json::from_str::<Vec<String>>(text)
                    .context("--sd must be a JSON array of path strings")?,
            };
            let document: Value =
                match serde_json::from_slice(&read_limited(&args.input, MAX_INPUT_BYTES)?) {
                    Ok(v) => v,
                    Err(e) => return Ok(Outcome::Failure(format!("the input is not JSON: {e}"))),
                };
            let options = SecureOptions {
                kid,
                alg: jwk_alg(secret)?,
                disclosable,
            };
            Ok(
                match vc_jose_cose::secure(&document, kind, securing, &key, &options) {
                    Ok(secured) => Outcome::Success(secured),
                    Err(e) => Outcome::Failure(e.to_string()),
                },
            )
        }
        Action::Verify => {
            let public = method.get("publicKeyJwk").with_context(|| {
                format!("{} has no publicKeyJwk to verify with", args.key.display())
            })?;
            let key = PublicKey::from_jwk(public)
                .with_context(|| format!("the publicKeyJwk in {}", args.key.display()))?;
            let bytes = read_limited(&args.input, MAX_INPUT_BYTES)?;
            let Ok(text) = std::str::from_utf8(&bytes) else {
                return Ok(Outcome::Failure("the input is not UTF-8 text".into()));
            };
            Ok(match vc_jose_cose::verify(text, kind, securing, &key) {
                Ok(verified) => Outcome::Success(Value::Object(verified.document).to_string()),
                Err(e) => Outcome::Failure(e.to_string()),
            })
        }
    }
}

/// The JWK's `alg`, when it names one (`ES512` for a P-521 key, say).
fn jwk_alg(jwk: &Value) -> Result<Option<Algorithm>> {
    match jwk.get("alg").and_then(Value::as_str) {
        None => Ok(None),
        Some(name) => Algorithm::from_jose_name(name)
            .map(Some)
            .with_context(|| format!("the key's alg {name:?} is not supported")),
    }
}
