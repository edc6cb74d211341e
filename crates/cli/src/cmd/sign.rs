//! `credbridge sign`: secure a credential with a Data Integrity cryptosuite or as a JWT.

use std::io::Write;

use anyhow::{Context, Result, bail};
use credbridge_config::unix_time;
use credbridge_keys::{SecretKey, did_for};
use credbridge_proofs::{
    Canonicalizer, JsonLdCanonicalizer, JwtSignOptions, SignOptions, SigningSuite,
    sign_data_integrity, sign_jwt, signing_suite,
};

use crate::args::SignArgs;
use crate::cmd::input::{read_json, read_limited};
use crate::exit::Status;

/// Credentials and keys are small documents; this only guards against a wrong path.
const MAX_INPUT_BYTES: u64 = 16 * 1024 * 1024;

pub fn run(args: &SignArgs) -> Result<Status> {
    let credential = read_json(&args.credential, MAX_INPUT_BYTES)?;
    let jwk_bytes = read_limited(&args.key, MAX_INPUT_BYTES)?;
    let jwk: serde_json::Value = serde_json::from_slice(&jwk_bytes)
        .with_context(|| format!("{} is not a JSON Web Key", args.key.display()))?;
    let key = SecretKey::from_jwk(&jwk)
        .with_context(|| format!("reading the secret key in {}", args.key.display()))?;
    let verification_method = match &args.verification_method {
        Some(vm) => vm.clone(),
        None => did_for(&key.public_key()).1,
    };
    let created = unix_time(args.created.as_deref(), "--created")?;

    let output = match signing_suite(&args.suite)? {
        SigningSuite::Jwt(kind) => {
            let token = sign_jwt(
                &credential,
                &key,
                &JwtSignOptions {
                    kind,
                    alg: None,
                    kid: Some(verification_method),
                    embed_jwk: false,
                    audience: None,
                    nonce: None,
                    issued_at: Some(created),
                },
            )?;
            format!("{token}\n")
        }
        SigningSuite::DataIntegrity(suite) => {
            if !suite.accepts(key.key_type()) {
                bail!(
                    "{} cannot sign with a {} key",
                    suite.name(),
                    key.key_type().name()
                );
            }
            let canonicalizer = JsonLdCanonicalizer::with_bundled_contexts();
            // A holder signs a presentation to authenticate (VC Data Integrity §2.1, and what
            // verifiers check a presentation's proof against); an issuer asserts a credential.
            let is_presentation = credbridge_model::classify(&credential).format
                == credbridge_model::Format::VerifiablePresentation;
            let proof_purpose = if is_presentation {
                "authentication"
            } else {
                "assertionMethod"
            };
            let signed = sign_data_integrity(
                &credential,
                suite,
                &key,
                &SignOptions {
                    verification_method,
                    proof_purpose: proof_purpose.into(),
                    created: Some(created),
                    canonicalizer: Some(&canonicalizer as &dyn Canonicalizer),
                    ..SignOptions::default()
                },
            )?;
            format!("{}\n", serde_json::to_string_pretty(&signed)?)
        }
        other => bail!("{other:?} is not a form this command signs with"),
    };

    match &args.output {
        Some(path) => {
            std::fs::write(path, output).with_context(|| format!("writing {}", path.display()))?
        }
        None => std::io::stdout().lock().write_all(output.as_bytes())?,
    }
    Ok(Status::Ok)
}
