//! `credbridge-bench --bulk N`: the bulk verification benchmark. Generates N credentials with
//! our own signers (eddsa-rdfc-2022, eddsa-jcs-2022 and VC-JOSE EdDSA, in turn), every one
//! with a Bitstring status entry on a status list served by an HTTP server on loopback; some
//! revoked, some expired, some tampered after signing. Then verifies them exactly as
//! `credbridge verify` does (`credbridge_verify::bulk`: read the JSON Lines stream, decode and
//! verify each line on the worker threads) and
//! checks that every verdict is the one the generator intended.
//!
//! Reported: credentials per second over the verification phase, the same-run baseline (raw
//! Ed25519 verifications per second on the same threads), wrong verdicts, and the peak RSS of
//! the verification phase.

use std::io::{BufWriter, Write};
use std::net::TcpListener;
use std::path::Path;
use std::sync::Arc;
use std::time::{Duration, Instant};

use anyhow::{Context, Result, anyhow, bail};
use credbridge_fetch::{FetchPolicy, GuardedClient, SystemClock};
use credbridge_formats::Limits;
use credbridge_keys::{Algorithm, ChainResolver, DidKey, KeyType, SecretKey};
use credbridge_proofs::{
    Canonicalizer, JsonLdCanonicalizer, JwtKind, JwtSignOptions, SignOptions, sign_data_integrity,
    sign_jwt, suites,
};
use credbridge_testkit::http::{FixtureServer, Limits as ServerLimits, Reply};
use credbridge_testkit::{encoded_status_list, ob3_credential};
use credbridge_verify::{Outcome, TrustPolicy, Verdict, VerificationReport, VerifyOptions};
use rayon::prelude::*;
use serde_json::{Value, json};

/// Entries in the status list: the spec's minimum size (16 KiB of bits).
pub(crate) const LIST_BITS: usize = 131_072;

/// Where credential `i`'s status sits in the list: scattered, as when issuers assign indexes
/// at random so that they do not reveal issuance order (Bitstring Status List §6.4). The
/// revoked entries then spread over the whole list, which compresses about as a real one
/// does instead of into a pattern gzip reduces to almost nothing. Each step (multiplying by
/// an odd number, xor with a right shift) is a bijection on 17-bit values, so no two
/// credentials share an entry.
fn status_index(i: usize) -> usize {
    const MASK: usize = LIST_BITS - 1;
    let mut x = i & MASK;
    x = x.wrapping_mul(0x9E37_79B1) & MASK;
    x ^= x >> 9;
    x = x.wrapping_mul(0x85EB_CA6B) & MASK;
    x ^= x >> 7;
    x
}

pub(crate) const SEED: [u8; 32] = [0x2b; 32];
/// Credentials generated (in parallel) before they are written out.
const GENERATION_CHUNK: usize = 4096;
/// The verification time: after issuance, before the valid credentials expire.
pub(crate) const NOW: i64 = 1_800_000_000;

/// What the generator made each credential to be.
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
pub(crate) enum Intent {
    Valid,
    Revoked,
    Expired,
    Tampered,
}

pub(crate) fn intent(i: usize) -> Intent {
    match i % 10 {
        3 => Intent::Revoked,
        5 => Intent::Expired,
        7 => Intent::Tampered,
        _ => Intent::Valid,
    }
}

/// Peak resident set size of this process so far, in bytes (Linux `VmHWM`).
pub(crate) fn peak_rss() -> Option<u64> {
    let status = std::fs::read_to_string("/proc/self/status").ok()?;
    let line = status.lines().find(|l| l.starts_with("VmHWM:"))?;
    let kb: u64 = line.split_whitespace().nth(1)?.parse().ok()?;
    Some(kb * 1024)
}

/// Resets the kernel's peak-RSS counter so the figure covers only the verification phase.
fn reset_peak_rss() {
    let _ = std::fs::write("/proc/self/clear_refs", "5");
}

pub(crate) struct Generated {
    pub(crate) intents: Vec<Intent>,
}

pub(crate) fn generate(
    count: usize,
    list_url: &str,
    file: &Path,
    key: &SecretKey,
    did: &DidKey,
) -> Result<Generated> {
    let canonicalizer = JsonLdCanonicalizer::with_bundled_contexts();
    let vm = did.verification_method_id();
    let make = |i: usize| -> Result<String> {
        {
            let mut credential = ob3_credential(&did.did);
            credential["id"] = json!(format!("urn:uuid:5e1d7c1a-0000-4000-8000-{i:012}"));
            credential["credentialStatus"] = json!({
                "id": format!("{list_url}#{i}"),
                "type": "BitstringStatusListEntry",
                "statusPurpose": "revocation",
                "statusListIndex": status_index(i).to_string(),
                "statusListCredential": list_url,
            });
            if intent(i) == Intent::Expired {
                credential["validUntil"] = json!("2026-07-01T00:00:00Z");
            }
            let signed = match i % 3 {
                0 | 1 => {
                    let suite = if i.is_multiple_of(3) {
                        suites::EDDSA_RDFC_2022
                    } else {
                        suites::EDDSA_JCS_2022
                    };
                    let mut signed = sign_data_integrity(
                        &credential,
                        suite,
                        key,
                        &SignOptions {
                            verification_method: vm.clone(),
                            proof_purpose: "assertionMethod".into(),
                            created: Some(NOW - 86_400 * 30),
                            canonicalizer: Some(&canonicalizer as &dyn Canonicalizer),
                            ..SignOptions::default()
                        },
                    )?;
                    if intent(i) == Intent::Tampered {
                        signed["name"] = json!("Data Analysis with Python (Honours)");
                    }
                    serde_json::to_string(&signed)?
                }
                _ => {
                    let mut token = sign_jwt(
                        &credential,
                        key,
                        &JwtSignOptions {
                            kind: JwtKind::VcJose,
                            alg: None,
                            kid: Some(vm.clone()),
                            embed_jwk: false,
                            audience: None,
                            nonce: None,
                            issued_at: None,
                        },
                    )?;
                    if intent(i) == Intent::Tampered {
                        // Change the first character of the signature: still valid base64url
                        // (a leading character carries no padding bits), no longer the signature.
                        if let Some(dot) = token.rfind('.') {
                            let at = dot + 1;
                            let replacement = if token.get(at..=at) == Some("A") {
                                "B"
                            } else {
                                "A"
                            };
                            token.replace_range(at..=at, replacement);
                        }
                    }
                    serde_json::to_string(&Value::String(token))?
                }
            };
            Ok(signed)
        }
    };
    // Written chunk by chunk, so the generator never holds the whole set (the verification
    // phase's peak memory would otherwise include what the allocator kept from it).
    let mut out = BufWriter::new(std::fs::File::create(file)?);
    let mut start = 0;
    while start < count {
        let end = count.min(start + GENERATION_CHUNK);
        let lines: Vec<Result<String>> = (start..end).into_par_iter().map(make).collect();
        for line in lines {
            writeln!(out, "{}", line?)?;
        }
        start = end;
    }
    out.flush()?;
    Ok(Generated {
        intents: (0..count).map(intent).collect(),
    })
}

fn verdict_is_right(report: &VerificationReport, intent: Intent) -> bool {
    let failed = |id: &str| {
        report
            .checks
            .iter()
            .any(|c| c.id == id && matches!(c.outcome, Outcome::Failed(_)))
    };
    match intent {
        Intent::Valid => report.verdict == Verdict::Valid,
        Intent::Revoked => report.verdict == Verdict::Invalid && failed("status"),
        Intent::Expired => report.verdict == Verdict::Invalid && failed("validity.expiration"),
        Intent::Tampered => report.verdict == Verdict::Invalid && failed("proof"),
    }
}

/// The Bitstring status list every generated credential points at, signed by the same issuer
/// (eddsa-rdfc-2022), with the entries of the credentials meant to be revoked set.
pub(crate) fn signed_status_list(
    count: usize,
    list_url: &str,
    key: &SecretKey,
    did: &DidKey,
) -> Result<Value> {
    let revoked = (0..count)
        .filter(|i| intent(*i) == Intent::Revoked)
        .map(status_index);
    let list = json!({
        "@context": ["https://www.w3.org/ns/credentials/v2"],
        "id": list_url,
        "type": ["VerifiableCredential", "BitstringStatusListCredential"],
        "issuer": did.did,
        "validFrom": "2026-01-01T00:00:00Z",
        "credentialSubject": {
            "id": format!("{list_url}#list"),
            "type": "BitstringStatusList",
            "statusPurpose": "revocation",
            "encodedList": encoded_status_list(LIST_BITS, revoked)?,
        }
    });
    let canonicalizer = JsonLdCanonicalizer::with_bundled_contexts();
    Ok(sign_data_integrity(
        &list,
        suites::EDDSA_RDFC_2022,
        key,
        &SignOptions {
            verification_method: did.verification_method_id(),
            proof_purpose: "assertionMethod".into(),
            created: Some(NOW - 86_400 * 60),
            canonicalizer: Some(&canonicalizer as &dyn Canonicalizer),
            ..SignOptions::default()
        },
    )?)
}

/// Raw Ed25519 verifications per second, `count` of them spread over every core (rayon's
/// global pool): the same-run baseline the bulk figures are divided by.
pub(crate) fn parallel_ed25519_baseline(key: &SecretKey, count: usize) -> Result<f64> {
    let public = key.public_key();
    let message = [9u8; 64];
    let signature = key.sign(Algorithm::EdDsa, &message)?;
    let started = Instant::now();
    let ok = (0..count)
        .into_par_iter()
        .filter(|_| {
            public
                .verify(Algorithm::EdDsa, &message, &signature)
                .is_ok()
        })
        .count();
    Ok(ok as f64 / started.elapsed().as_secs_f64())
}

/// Runs the bulk benchmark and prints its JSON line.
pub fn run(count: usize, out: &mut impl Write) -> Result<()> {
    if count == 0 {
        bail!("--bulk needs at least one credential");
    }
    if count > LIST_BITS {
        bail!("--bulk takes at most {LIST_BITS} credentials (one status list's entries)");
    }
    let key = SecretKey::from_raw_bytes(KeyType::Ed25519, &SEED)?;
    let did = DidKey::from_public_key(&key.public_key());
    let dir = std::env::temp_dir().join(format!("credbridge-bulk-{}", std::process::id()));
    std::fs::create_dir_all(&dir)?;
    let file = dir.join("credentials.jsonl");

    // The status list, signed by the same issuer, served on loopback.
    let listener = TcpListener::bind("127.0.0.1:0").context("binding a loopback port")?;
    let list_url = format!("http://{}/status/1", listener.local_addr()?);
    let signed_list = signed_status_list(count, &list_url, &key, &did)?;
    let list_body = serde_json::to_vec(&signed_list)?;
    let list_bytes = list_body.len();
    // Served until dropped; the limits leave room for the longest bulk run.
    let _server = FixtureServer::on_listener(
        listener,
        ServerLimits {
            max_connections: 1024,
            lifetime: Duration::from_secs(600),
        },
        move |_, _| Reply::ok("application/vc+ld+json", list_body.clone()),
    )?;

    let started = Instant::now();
    let generated = generate(count, &list_url, &file, &key, &did)?;
    let generation = started.elapsed();

    // Baseline: raw Ed25519 verifications on the same worker threads.
    let baseline_per_second = parallel_ed25519_baseline(&key, count.clamp(1_000, 200_000))?;

    // The verification phase: the same path as `credbridge verify`.
    let canonicalizer = JsonLdCanonicalizer::with_bundled_contexts();
    let client = GuardedClient::new(
        FetchPolicy::dangerous_loopback_for_tests(),
        Arc::new(SystemClock),
    );
    let options = VerifyOptions {
        now: NOW,
        max_clock_skew: credbridge_verify::DEFAULT_MAX_CLOCK_SKEW,
        resolver: Arc::new(ChainResolver::offline_default()),
        canonicalizer: Arc::new(canonicalizer),
        suites: suites::ALL_SUITES,
        documents: Some(Arc::new(client)),
        trust: TrustPolicy::default(),
        known_recipient: None,
        challenge: None,
        domain: None,
        status_lists: Default::default(),
    };
    reset_peak_rss();
    let verify_started = Instant::now();
    let mut wrong = 0usize;
    let mut first_wrong: Option<String> = None;
    let mut seen = 0usize;
    let pool = rayon::ThreadPoolBuilder::new()
        .build()
        .context("starting worker threads")?;
    let blobs = credbridge_formats::read_path(&file, &Limits::default());
    credbridge_verify::bulk::verify_stream(blobs, &options, &pool, |report| {
        let intended = generated.intents.get(seen).copied();
        seen += 1;
        let right = match (&report, intended) {
            (Ok(report), Some(intended)) => verdict_is_right(report, intended),
            _ => false,
        };
        if !right {
            wrong += 1;
            if first_wrong.is_none() {
                let got = match &report {
                    Ok(report) => serde_json::to_string(report).unwrap_or_default(),
                    Err(unreadable) => unreadable.message.clone(),
                };
                first_wrong = Some(format!("item {} ({intended:?}): {got}", seen - 1));
            }
        }
        Ok::<(), std::convert::Infallible>(())
    })
    .map_err(|e| anyhow!("{e}"))?;
    let elapsed = verify_started.elapsed();
    let peak = peak_rss();
    let per_second = seen as f64 / elapsed.as_secs_f64();
    let _ = std::fs::remove_dir_all(&dir);
    let line = json!({
        "name": "bulk-verify-mixed",
        "credentials": seen,
        "threads": rayon::current_num_threads(),
        "per_second": per_second.round(),
        "seconds": (elapsed.as_secs_f64() * 100.0).round() / 100.0,
        "wrong_verdicts": wrong,
        "first_wrong": first_wrong,
        "peak_rss_mb": peak.map(|b| (b as f64 / 1_048_576.0 * 10.0).round() / 10.0),
        "generation_seconds": (generation.as_secs_f64() * 100.0).round() / 100.0,
        "mix": "1/3 eddsa-rdfc-2022, 1/3 eddsa-jcs-2022, 1/3 VC-JOSE EdDSA; 10% revoked, 10% expired, 10% tampered; all with a Bitstring status entry (scattered indexes) on a loopback list",
        "status_list_bytes": list_bytes,
        "baseline": {"name": "raw-ed25519-verify-parallel", "per_second": baseline_per_second.round()},
        "ratio_to_baseline": (per_second / baseline_per_second * 1000.0).round() / 1000.0,
    });
    writeln!(out, "{line}")?;
    if wrong > 0 {
        return Err(anyhow!("{wrong} of {seen} verdicts were wrong"));
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn status_indexes_are_a_permutation_of_the_list() {
        let mut seen = vec![false; LIST_BITS];
        for i in 0..LIST_BITS {
            let index = status_index(i);
            assert!(!seen[index], "{i} -> {index} taken");
            seen[index] = true;
        }
    }
}
