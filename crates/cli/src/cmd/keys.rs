//! `credbridge keys generate`: a new signing key as a JWK (with its secret), plus the DID that
//! names its public half.

use std::io::Write;
use std::path::Path;

use anyhow::{Context, Result};
use credbridge_keys::{KeyType, SecretKey, did_for};
use serde_json::json;

use crate::args::{KeyKind, KeysGenerateArgs};
use crate::exit::Status;

pub fn generate(args: &KeysGenerateArgs, as_json: bool) -> Result<Status> {
    let key_type = match args.kind {
        KeyKind::Ed25519 => KeyType::Ed25519,
        KeyKind::P256 => KeyType::P256,
        KeyKind::P384 => KeyType::P384,
        KeyKind::Rsa => KeyType::Rsa,
    };
    let secret = SecretKey::generate(key_type).context("generating the key")?;
    let public = secret.public_key();
    let (did, verification_method) = did_for(&public);
    let secret_jwk = secret.to_jwk();

    let mut out = std::io::stdout().lock();
    match &args.output {
        Some(path) => {
            write_secret(path, &serde_json::to_vec_pretty(&secret_jwk)?)?;
            let info = json!({
                "key_file": path.display().to_string(),
                "key_type": key_type.name(),
                "did": did,
                "verification_method": verification_method,
                "public_jwk": public.to_jwk(),
            });
            if as_json {
                writeln!(out, "{info}")?;
            } else {
                writeln!(
                    out,
                    "wrote a new {} secret key to {}",
                    key_type.name(),
                    path.display()
                )?;
                writeln!(out, "did:                 {did}")?;
                writeln!(out, "verification method: {verification_method}")?;
            }
        }
        None => {
            let info = json!({
                "key_type": key_type.name(),
                "did": did,
                "verification_method": verification_method,
                "jwk": secret_jwk,
            });
            writeln!(out, "{}", serde_json::to_string_pretty(&info)?)?;
        }
    }
    Ok(Status::Ok)
}

/// Writes a secret so that only the owner can read it, refusing to overwrite an existing file.
fn write_secret(path: &Path, bytes: &[u8]) -> Result<()> {
    let mut options = std::fs::OpenOptions::new();
    options.write(true).create_new(true);
    #[cfg(unix)]
    {
        use std::os::unix::fs::OpenOptionsExt;
        options.mode(0o600);
    }
    let mut file = options
        .open(path)
        .with_context(|| format!("creating {} (it must not exist yet)", path.display()))?;
    file.write_all(bytes)?;
    Ok(())
}
