//! The single-thread benchmarks: throughput of the verification pipeline, each figure next to a baseline
//! measured in the same run on the same core, so numbers from different machines (or a busy
//! machine) can still be compared as ratios.
//!
//! Every benchmark runs on one thread. Output: one JSON line per benchmark with `name`,
//! `per_second`, `micros_per_op`, `baseline` (`name`, `per_second`) and `ratio_to_baseline`.

use std::hint::black_box;
use std::io::Write;
use std::time::{Duration, Instant};

use anyhow::{Context, Result, anyhow, bail};
use credbridge_jsonld::{Options, Processor};
use credbridge_keys::{Algorithm, ChainResolver, DidKey, KeyType, SecretKey};
use credbridge_proofs::{
    AssertionMethodPurpose, Canonicalizer, JoseVerifyOptions, JsonLdCanonicalizer, SignOptions,
    VerifyOptions, sign_data_integrity, suites, verify_data_integrity,
};
use credbridge_rdf::{CanonOptions, HashAlgorithm};
use serde_json::{Value, json};

use crate::BenchArgs;

/// The signed OB 3.0 credential of the 1EdTech eddsa-rdfc-2022 test vector: the document every
/// figure in the research notes and issues was measured on.
const OB3_VECTORS: &str =
    include_str!("../../../testdata/vectors/openbadges-3.0/eddsa-rdfc-2022-vectors.json");

/// A fixed seed so every run signs the same bytes (and matches the research measurements).
const SEED: [u8; 32] = [0x2a; 32];

/// A fixed "now" for proof checks: the benchmark measures work, not the clock.
const NOW: i64 = 1_800_000_000;

struct Measurement {
    name: String,
    iterations: u64,
    elapsed: Duration,
}

impl Measurement {
    fn per_second(&self) -> f64 {
        self.iterations as f64 / self.elapsed.as_secs_f64().max(f64::MIN_POSITIVE)
    }
}

/// Runs `op` for about `seconds` (after a short warm-up) and counts completed operations.
fn measure(name: &str, seconds: f64, mut op: impl FnMut() -> Result<()>) -> Result<Measurement> {
    let warm_up = Instant::now();
    while warm_up.elapsed() < Duration::from_millis(200) {
        op()?;
    }
    let budget = Duration::from_secs_f64(seconds);
    let start = Instant::now();
    let mut iterations = 0u64;
    // Check the clock every 16 operations so timing overhead stays out of the figure.
    while start.elapsed() < budget {
        for _ in 0..16 {
            op()?;
        }
        iterations += 16;
    }
    Ok(Measurement {
        name: name.to_owned(),
        iterations,
        elapsed: start.elapsed(),
    })
}

fn report(out: &mut impl Write, m: &Measurement, baseline: &Measurement) -> Result<()> {
    let line = json!({
        "name": m.name,
        "per_second": m.per_second().round(),
        "micros_per_op": (1e6 / m.per_second() * 100.0).round() / 100.0,
        "iterations": m.iterations,
        "baseline": { "name": baseline.name, "per_second": baseline.per_second().round() },
        "ratio_to_baseline": (m.per_second() / baseline.per_second() * 1000.0).round() / 1000.0,
    });
    writeln!(out, "{line}")?;
    Ok(())
}

/// The OB 3.0 vector credential without its proof (what the pipeline benchmark hashes), and
/// the signed original.
fn ob3_credential() -> Result<(Value, Value)> {
    let vectors: Value = serde_json::from_str(OB3_VECTORS)?;
    let signed = vectors
        .pointer("/obv3p0/signedCredential")
        .cloned()
        .ok_or_else(|| anyhow!("bundled OB 3.0 vector has no signed credential"))?;
    let mut unsigned = signed.clone();
    if let Some(object) = unsigned.as_object_mut() {
        object.remove("proof");
    }
    Ok((unsigned, signed))
}

/// Makes the benchmark key the issuer, so key binding holds as in a real credential.
fn set_issuer_id(credential: &mut Value, did: &str) -> Result<()> {
    let id = credential
        .pointer_mut("/issuer/id")
        .ok_or_else(|| anyhow!("the bundled credential has no issuer.id"))?;
    *id = json!(did);
    Ok(())
}

/// Parse + verify a Data Integrity credential in a loop; every iteration must verify.
fn measure_data_integrity(
    name: &str,
    seconds: f64,
    signed: &Value,
    resolver: &ChainResolver,
    canonicalizer: &JsonLdCanonicalizer,
) -> Result<Measurement> {
    let text = serde_json::to_string(signed)?;
    measure(name, seconds, || {
        let doc: Value = serde_json::from_str(black_box(&text))?;
        let results = verify_data_integrity(
            &doc,
            &VerifyOptions {
                suites: suites::ALL_SUITES,
                resolver,
                canonicalizer: Some(canonicalizer),
                purpose: &AssertionMethodPurpose,
                now: NOW,
                max_clock_skew: 300,
            },
        )?;
        if !results.iter().all(|r| r.outcome.is_verified()) {
            bail!("{name}: benchmark credential did not verify: {results:?}");
        }
        Ok(())
    })
}

/// A suite row's name: `eddsa-rdfc-2022-verify` for the Ed25519-only suites (the names the
/// research notes use), `ecdsa-rdfc-2019-p256-verify` when a suite takes several key types.
fn suite_row_name(suite: &str, key_type: KeyType) -> String {
    let suite = suite.to_lowercase();
    if key_type == KeyType::Ed25519 {
        format!("{suite}-verify")
    } else {
        format!(
            "{suite}-{}-verify",
            key_type.name().to_lowercase().replace('-', "")
        )
    }
}

pub fn run(args: &BenchArgs) -> Result<()> {
    if !(args.seconds > 0.0 && args.seconds <= 600.0) {
        bail!("--seconds must be between 0 and 600, got {}", args.seconds);
    }
    if let Some(count) = args.bulk {
        return crate::bulk::run(count, &mut std::io::stdout().lock());
    }
    if let Some(count) = args.cli {
        return crate::cli::run(
            count,
            args.runs,
            &args.layouts,
            args.credbridge.as_deref(),
            &mut std::io::stdout().lock(),
        );
    }
    let wanted = |name: &str| args.filter.as_deref().is_none_or(|f| name.contains(f));
    let seconds = args.seconds;
    let mut out = std::io::stdout().lock();

    let ed_key = SecretKey::from_raw_bytes(KeyType::Ed25519, &SEED).context("seed key")?;
    let ed_public = ed_key.public_key();
    let message = [7u8; 64];
    let ed_signature = ed_key.sign(Algorithm::EdDsa, &message)?;
    let ed_baseline = measure("raw-ed25519-verify", seconds, || {
        let verified = ed_public.verify(Algorithm::EdDsa, black_box(&message), &ed_signature)?;
        black_box(&verified);
        Ok(())
    })?;
    report(&mut out, &ed_baseline, &ed_baseline)?;

    let (unsigned, _signed_vector) = ob3_credential()?;
    let unsigned_text = serde_json::to_string(&unsigned)?;

    if wanted("rdfc-pipeline") {
        // Parse + expansion + toRdf + RDFC-1.0 + SHA-256: the JSON-LD half of every RDFC proof.
        let processor = Processor::with_bundled_contexts();
        let options = Options::safe();
        let canon = CanonOptions::default();
        let pipeline = measure("jsonld-rdfc-sha256-pipeline", seconds, || {
            let doc: Value = serde_json::from_str(black_box(&unsigned_text))?;
            let quads = processor.to_rdf(&doc, &options)?;
            let nquads = credbridge_rdf::canonical_nquads(&quads, &canon)?;
            black_box(HashAlgorithm::Sha256.digest(nquads.as_bytes()));
            Ok(())
        })?;
        report(&mut out, &pipeline, &ed_baseline)?;
    }

    let did = DidKey::from_public_key(&ed_public);
    let mut credential = unsigned.clone();
    set_issuer_id(&mut credential, &did.did)?;
    let resolver = ChainResolver::offline_default();
    let canonicalizer = JsonLdCanonicalizer::with_bundled_contexts();
    let sign_options = SignOptions {
        verification_method: did.verification_method_id(),
        proof_purpose: "assertionMethod".into(),
        created: Some(NOW - 3600),
        ..SignOptions::default()
    };

    // One row per suite and key type we verify, each against the raw verification of its own
    // key type measured in this run (Ed25519 rows against the Ed25519 baseline above).
    // ecdsa-sd-2023 and bbs-2023 proofs are derived by a holder from a base proof, which we
    // do not sign (they are verified against the W3C vectors in the proofs tests); RSA keys
    // have no did:key, so RsaSignature2018 needs a controller document and is left out.
    let mut baselines: Vec<(KeyType, Measurement)> = Vec::new();
    for suite in suites::ALL_SUITES {
        if matches!(suite.name(), "ecdsa-sd-2023" | "bbs-2023") {
            continue;
        }
        for key_type in suite.key_types.iter().filter(|k| **k != KeyType::Rsa) {
            let name = suite_row_name(suite.name(), *key_type);
            if !wanted(&name) {
                continue;
            }
            let key = if *key_type == KeyType::Ed25519 {
                ed_key.clone()
            } else {
                SecretKey::generate(*key_type).with_context(|| format!("{key_type} key"))?
            };
            let public = key.public_key();
            if *key_type != KeyType::Ed25519 && !baselines.iter().any(|(k, _)| k == key_type) {
                let alg = key.default_algorithm();
                let signature = key.sign(alg, &message)?;
                let baseline_name = format!(
                    "raw-{}-verify",
                    key_type.name().to_lowercase().replace('-', "")
                );
                let baseline = measure(&baseline_name, seconds, || {
                    let verified = public.verify(alg, black_box(&message), &signature)?;
                    black_box(&verified);
                    Ok(())
                })?;
                report(&mut out, &baseline, &ed_baseline)?;
                baselines.push((*key_type, baseline));
            }
            let baseline = baselines
                .iter()
                .find(|(k, _)| k == key_type)
                .map_or(&ed_baseline, |(_, m)| m);
            let key_did = DidKey::from_public_key(&public);
            let mut subject = unsigned.clone();
            set_issuer_id(&mut subject, &key_did.did)?;
            let signed = sign_data_integrity(
                &subject,
                suite,
                &key,
                &SignOptions {
                    verification_method: key_did.verification_method_id(),
                    canonicalizer: Some(&canonicalizer as &dyn Canonicalizer),
                    ..sign_options.clone()
                },
            )
            .with_context(|| format!("signing for {name}"))?;
            let m = measure_data_integrity(&name, seconds, &signed, &resolver, &canonicalizer)?;
            report(&mut out, &m, baseline)?;
        }
    }

    if wanted("vc-jwt-eddsa-verify") {
        let jwt = credbridge_proofs::sign_jwt(
            &credential,
            &ed_key,
            &credbridge_proofs::JwtSignOptions {
                // The OB 3.0 credential is VCDM 2.0, so the payload is the credential itself.
                kind: credbridge_proofs::JwtKind::VcJose,
                alg: None,
                kid: Some(did.verification_method_id()),
                embed_jwk: false,
                audience: None,
                nonce: None,
                issued_at: None,
            },
        )?;
        let m = measure("vc-jwt-eddsa-verify", seconds, || {
            let verification = credbridge_proofs::verify_jwt(
                black_box(&jwt),
                &JoseVerifyOptions {
                    resolver: &resolver,
                    pinned_key: None,
                    allow_embedded_jwk: false,
                    now: NOW,
                    max_clock_skew: 300,
                },
            )?;
            if !verification.proof.outcome.is_verified() {
                bail!("vc-jwt benchmark credential did not verify");
            }
            Ok(())
        })?;
        report(&mut out, &m, &ed_baseline)?;
    }

    Ok(())
}
