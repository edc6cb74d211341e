//! The `status` check end to end: credentials through `verify_value`, status lists from the
//! spec vectors (signed here), the DCC and 1EdTech fixtures (read offline), and a loopback
//! HTTP server behind the guarded client (down, slow, garbage, wrong type, 404, too large,
//! revoked, not revoked, expired, snapshots).

use std::collections::HashMap;
use std::io::{Read, Write};
use std::net::{SocketAddr, TcpListener, TcpStream};
use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
use std::thread::JoinHandle;
use std::time::{Duration, Instant, SystemTime, UNIX_EPOCH};

use base64::Engine;
use base64::engine::general_purpose::{STANDARD, URL_SAFE_NO_PAD};
use credbridge_fetch::{FetchPolicy, FixedClock, GuardedClient, OfflineDocuments, SnapshotStore};
use credbridge_keys::{ChainResolver, DidKey, KeyType, OfflineDirectory, SecretKey};
use credbridge_keys::{DocumentSource, Purpose, Snapshot, SourceError, SourcedDocument};
use credbridge_proofs::{
    JwtKind, JwtSignOptions, SignOptions, sign_data_integrity, sign_jwt, suites,
};
use credbridge_verify::{Check, Outcome, Severity, VerifyOptions};
use proptest::prelude::*;
use serde_json::{Value, json};

use crate::common::{offline_options, testdata};

/// 2026-11-24T00:00:00Z: after every fixture list's issuance.
const NOW: i64 = 1_795_478_400;
/// 2025-01-01T00:00:00Z: when the lists signed here were made.
const CREATED: i64 = 1_735_689_600;

const DCC_STATUS: &str = "https://digitalcredentials.github.io/vc-test-fixtures/statusLists/didkey-ed25519Signature2020/";
const ONE_EDTECH_TESTLIST: &str = "https://raw.githubusercontent.com/1EdTech/digital-credentials-public-validator/refs/heads/main/inspector-vc/src/test/resources/ob30/bit-string-list/testlist";

// ---------------------------------------------------------------------------------------------
// Helpers
// ---------------------------------------------------------------------------------------------

/// Runs the whole pipeline on `credential` and returns its `status` check.
fn status(credential: &Value, options: &VerifyOptions) -> Check {
    let decode = Check::new("decode", Severity::Fatal, Outcome::Passed, "test input");
    let report =
        credbridge_verify::verify_value("test".into(), credential, None, decode, options, 0);
    report
        .checks
        .into_iter()
        .find(|c| c.id == "status")
        .expect("every credential gets a status check")
}

fn entries(check: &Check) -> &Vec<Value> {
    check.evidence["entries"].as_array().unwrap()
}

fn assert_could_not_check(check: &Check, needle: &str) {
    match &check.outcome {
        Outcome::CouldNotCheck(reason) => {
            assert!(reason.contains(needle), "expected {needle:?} in {reason:?}")
        }
        other => panic!("expected could-not-check ({needle}), got {other:?}: {check:#?}"),
    }
}

fn assert_revoked(check: &Check) {
    assert!(
        matches!(check.outcome, Outcome::Failed(ref r) if r.contains("revoked")),
        "expected revoked, got {check:#?}"
    );
    assert_eq!(check.severity, Severity::Fatal);
    assert_eq!(check.message, "the issuer has revoked this credential");
}

fn credential(status: Value) -> Value {
    json!({
        "@context": ["https://www.w3.org/ns/credentials/v2"],
        "id": "urn:uuid:7a1e3f0c-8c55-4b8e-9d7e-2f1b6c1d0a11",
        "type": ["VerifiableCredential"],
        "issuer": "did:example:issuer",
        "validFrom": "2025-01-01T00:00:00Z",
        "credentialSubject": {"id": "did:example:subject"},
        "credentialStatus": status
    })
}

fn bitstring_entry(url: &str, index: u64, purpose: &str) -> Value {
    json!({
        "id": format!("{url}#{index}"),
        "type": "BitstringStatusListEntry",
        "statusPurpose": purpose,
        "statusListIndex": index.to_string(),
        "statusListCredential": url
    })
}

fn gzip(bytes: &[u8]) -> Vec<u8> {
    let mut encoder = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::default());
    encoder.write_all(bytes).unwrap();
    encoder.finish().unwrap()
}

/// A 16 KiB (131,072-entry) MSB-first list with `set` indexes set, as `u` + base64url(GZIP):
/// the one encoder, `model::status_list`.
fn encoded_list(set: &[usize]) -> String {
    use credbridge_model::status_list::{ListKind, SPEC_MINIMUM_ENTRIES, encode_bitstring};
    let set: Vec<(u64, u64)> = set.iter().map(|&i| (i as u64, 1)).collect();
    encode_bitstring(ListKind::BitstringStatusList, 1, SPEC_MINIMUM_ENTRIES, &set).unwrap()
}

/// An issuer with a did:key that signs status lists (eddsa-jcs-2022 or VC-JWT).
struct Issuer {
    key: SecretKey,
    did: DidKey,
}

impl Issuer {
    fn new() -> Issuer {
        let key = SecretKey::generate(KeyType::Ed25519).unwrap();
        let did = DidKey::from_public_key(&key.public_key());
        Issuer { key, did }
    }

    fn sign(&self, mut document: Value) -> Value {
        document["issuer"] = json!(self.did.did);
        sign_data_integrity(
            &document,
            suites::EDDSA_JCS_2022,
            &self.key,
            &SignOptions {
                verification_method: self.did.verification_method_id(),
                proof_purpose: "assertionMethod".into(),
                created: Some(CREATED),
                ..SignOptions::default()
            },
        )
        .unwrap()
    }

    fn sign_jwt(&self, mut document: Value) -> String {
        document["issuer"] = json!(self.did.did);
        sign_jwt(
            &document,
            &self.key,
            &JwtSignOptions {
                kind: JwtKind::VcJwt,
                alg: None,
                kid: Some(self.did.verification_method_id()),
                embed_jwk: false,
                audience: None,
                nonce: None,
                issued_at: Some(CREATED),
            },
        )
        .unwrap()
    }

    /// A signed `BitstringStatusListCredential`.
    fn bitstring_list(&self, url: &str, purpose: &str, encoded: &str) -> Value {
        self.sign(json!({
            "@context": ["https://www.w3.org/ns/credentials/v2"],
            "id": url,
            "type": ["VerifiableCredential", "BitstringStatusListCredential"],
            "validFrom": "2025-01-01T00:00:00Z",
            "credentialSubject": {
                "id": format!("{url}#list"),
                "type": "BitstringStatusList",
                "statusPurpose": purpose,
                "encodedList": encoded
            }
        }))
    }
}

/// A document source over in-memory documents that counts requests.
#[derive(Default)]
struct MapSource {
    documents: HashMap<String, Value>,
    snapshots: HashMap<String, Snapshot>,
    gets: AtomicUsize,
}

impl MapSource {
    fn with(mut self, url: &str, document: Value) -> MapSource {
        self.documents.insert(url.to_owned(), document);
        self
    }
}

impl DocumentSource for MapSource {
    fn get_document(&self, url: &str, _purpose: Purpose) -> Result<SourcedDocument, SourceError> {
        self.gets.fetch_add(1, Ordering::SeqCst);
        let value = self
            .documents
            .get(url)
            .cloned()
            .ok_or_else(|| SourceError::NotFound {
                url: url.to_owned(),
            })?;
        Ok(SourcedDocument {
            body: serde_json::to_vec(&value).unwrap().into(),
            value,
            origin: url.to_owned(),
            fetched_at: UNIX_EPOCH + Duration::from_secs(NOW as u64),
            from_cache: false,
        })
    }

    fn last_snapshot(&self, url: &str) -> Option<Snapshot> {
        self.snapshots.get(url).cloned()
    }
}

fn options_with(source: impl DocumentSource + 'static) -> VerifyOptions {
    let mut options = offline_options(NOW);
    options.documents = Some(Arc::new(source));
    options
}

// ---------------------------------------------------------------------------------------------
// Not applicable, offline, unknown, malformed
// ---------------------------------------------------------------------------------------------

#[test]
fn no_credential_status_is_not_applicable() {
    let mut doc = credential(json!(null));
    doc.as_object_mut().unwrap().remove("credentialStatus");
    let check = status(&doc, &offline_options(NOW));
    assert_eq!(check.outcome, Outcome::NotApplicable);
}

#[test]
fn offline_is_could_not_check_never_passed() {
    let url = "https://issuer.example/status/1";
    let check = status(
        &credential(bitstring_entry(url, 7, "revocation")),
        &offline_options(NOW),
    );
    assert_could_not_check(
        &check,
        &format!(
            "{url}: not fetched because verification is offline (--offline); supply a local copy with --documents"
        ),
    );
    assert_eq!(entries(&check)[0]["list_url"], url);
    assert_eq!(entries(&check)[0]["index"], 7);
}

#[test]
fn offline_source_with_a_snapshot_reports_last_seen_but_stays_could_not_check() {
    let issuer = Issuer::new();
    let url = "https://issuer.example/status/2";
    let list = issuer.bitstring_list(url, "revocation", &encoded_list(&[3]));
    let mut source = MapSource::default();
    source.snapshots.insert(
        url.to_owned(),
        Snapshot {
            url: url.to_owned(),
            final_url: url.to_owned(),
            content_type: "application/vc+ld+json".into(),
            fetched_at: UNIX_EPOCH + Duration::from_secs(1_780_000_000),
            sha256: String::new(),
            body: serde_json::to_vec(&list).unwrap(),
        },
    );
    let options = options_with(source);
    let clear = status(&credential(bitstring_entry(url, 7, "revocation")), &options);
    assert_could_not_check(&clear, "HTTP status 404");
    assert_eq!(
        entries(&clear)[0]["last_seen"],
        "last seen 2026-05-28T20:26:40Z: not revoked"
    );
    let revoked = status(&credential(bitstring_entry(url, 3, "revocation")), &options);
    assert_could_not_check(&revoked, "HTTP status 404");
    assert_eq!(
        entries(&revoked)[0]["last_seen"],
        "last seen 2026-05-28T20:26:40Z: revoked"
    );
}

#[test]
fn unknown_status_types_are_named() {
    let check = status(
        &credential(json!({"id": "https://x.example/1", "type": "TokenStatusListEntry"})),
        &options_with(MapSource::default()),
    );
    assert_could_not_check(
        &check,
        "status method TokenStatusListEntry is not supported",
    );
}

#[test]
fn malformed_entries_are_could_not_check() {
    let check = status(
        &credential(json!({
            "type": "BitstringStatusListEntry",
            "statusPurpose": "revocation",
            "statusListIndex": "seven",
            "statusListCredential": "https://x.example/1"
        })),
        &options_with(MapSource::default()),
    );
    assert_could_not_check(&check, "statusListIndex must be a non-negative integer");
}

#[test]
fn too_many_entries_are_bounded() {
    let entries: Vec<Value> = (0..20)
        .map(|i| bitstring_entry("https://x.example/1", i, "revocation"))
        .collect();
    let source = Arc::new(MapSource::default());
    let mut options = offline_options(NOW);
    options.documents = Some(source.clone());
    let check = status(&credential(json!(entries)), &options);
    assert_could_not_check(&check, "only the first 16 were checked");
    assert_eq!(self::entries(&check).len(), 16);
    assert_eq!(source.gets.load(Ordering::SeqCst), 1, "one URL, one fetch");
}

// ---------------------------------------------------------------------------------------------
// Lists signed here: the spec vectors, every purpose, StatusList2021, RevocationList2020, JWT
// ---------------------------------------------------------------------------------------------

/// Every vector of `vectors/bitstring-status-list`, as a signed list behind a document source:
/// each listed index comes out as the vector says.
#[test]
fn bitstring_vectors_through_the_pipeline() {
    let path = testdata().join("vectors/bitstring-status-list/vectors.json");
    let doc: Value = serde_json::from_slice(&std::fs::read(path).unwrap()).unwrap();
    let issuer = Issuer::new();
    let mut ran = 0;
    for vector in doc["vectors"].as_array().unwrap() {
        let name = vector["name"].as_str().unwrap();
        let size = vector["statusSize"].as_u64().unwrap();
        let url = format!("https://issuer.example/vectors/{name}");
        let purpose = if size == 1 { "revocation" } else { "message" };
        let list = issuer.bitstring_list(&url, purpose, vector["encodedList"].as_str().unwrap());
        let options = options_with(MapSource::default().with(&url, list));
        for case in vector["checks"].as_array().unwrap() {
            let index: u64 = case["statusListIndex"].as_str().unwrap().parse().unwrap();
            let expected = case["status"].as_u64().unwrap();
            let mut entry = bitstring_entry(&url, index, purpose);
            if size > 1 {
                entry["statusSize"] = json!(size);
                entry["statusMessage"] = json!([
                    {"status": "0x0", "message": "pending review"},
                    {"status": "0x1", "message": "accepted"},
                    {"status": "0x2", "message": "rejected"},
                    {"status": "0x3", "message": "undefined"}
                ]);
            }
            let check = status(&credential(entry), &options);
            let facts = &entries(&check)[0];
            println!("{name} [{index}] = {expected}: {:?}", check.outcome);
            assert_eq!(facts["value"], expected, "{name} [{index}]: {check:#?}");
            assert_eq!(facts["list_verdict"], "valid", "{name}");
            if size == 1 && expected == 1 {
                assert_revoked(&check);
            } else {
                assert_eq!(check.outcome, Outcome::Passed, "{name} [{index}]");
            }
            if size > 1 {
                let message = ["pending review", "accepted", "rejected", "undefined"]
                    [usize::try_from(expected).unwrap()];
                assert_eq!(facts["status_message"], message, "{name} [{index}]");
                assert_eq!(facts["status_value"], format!("0x{expected:x}"));
                assert!(
                    check
                        .message
                        .ends_with(&format!("its status message: {message}"))
                );
            }
            ran += 1;
        }
    }
    assert!(ran >= 20, "only {ran} vector checks ran");
}

#[test]
fn suspension_purpose_and_purpose_mismatch() {
    let issuer = Issuer::new();
    let url = "https://issuer.example/status/suspension";
    let list = issuer.bitstring_list(url, "suspension", &encoded_list(&[5]));
    let options = options_with(MapSource::default().with(url, list));
    let suspended = status(&credential(bitstring_entry(url, 5, "suspension")), &options);
    assert!(matches!(suspended.outcome, Outcome::Failed(ref r) if r.contains("suspended")));
    assert!(suspended.message.contains("suspended"));
    let clear = status(&credential(bitstring_entry(url, 4, "suspension")), &options);
    assert_eq!(clear.outcome, Outcome::Passed);
    // A revocation entry pointing at a suspension list cannot be answered by it.
    let mismatch = status(&credential(bitstring_entry(url, 5, "revocation")), &options);
    assert_could_not_check(
        &mismatch,
        "not for the entry's statusPurpose \"revocation\"",
    );
}

#[test]
fn two_entries_share_one_fetch_and_revoked_wins() {
    let issuer = Issuer::new();
    let revocation = "https://issuer.example/status/r";
    let suspension = "https://issuer.example/status/s";
    let source = Arc::new(
        MapSource::default()
            .with(
                revocation,
                issuer.bitstring_list(revocation, "revocation", &encoded_list(&[9])),
            )
            .with(
                suspension,
                issuer.bitstring_list(suspension, "suspension", &encoded_list(&[])),
            ),
    );
    let mut options = offline_options(NOW);
    options.documents = Some(source.clone());
    let both = json!([
        bitstring_entry(revocation, 9, "revocation"),
        bitstring_entry(suspension, 9, "suspension"),
        bitstring_entry(revocation, 10, "revocation"),
        {"type": "SomethingElse"}
    ]);
    let check = status(&credential(both), &options);
    assert_revoked(&check);
    let outcomes: Vec<&str> = entries(&check)
        .iter()
        .map(|e| e["outcome"].as_str().unwrap())
        .collect();
    assert_eq!(
        outcomes,
        ["revoked", "not revoked", "not revoked", "could not check"]
    );
    assert_eq!(
        source.gets.load(Ordering::SeqCst),
        2,
        "each URL fetched once"
    );
}

#[test]
fn index_out_of_range_and_unreadable_lists() {
    let issuer = Issuer::new();
    let url = "https://issuer.example/status/small";
    let garbled = "https://issuer.example/status/garbled";
    let options = options_with(
        MapSource::default()
            .with(
                url,
                issuer.bitstring_list(url, "revocation", &encoded_list(&[])),
            )
            .with(
                garbled,
                issuer.bitstring_list(garbled, "revocation", "uH4sIAAAAAAAAA-I-CHANGED"),
            ),
    );
    let check = status(
        &credential(bitstring_entry(url, 131_072, "revocation")),
        &options,
    );
    assert_could_not_check(&check, "statusListIndex 131072 is outside the list");
    // Signed by the issuer but not a GZIP bitstring: still could-not-check, never passed.
    let check = status(
        &credential(bitstring_entry(garbled, 1, "revocation")),
        &options,
    );
    assert_could_not_check(&check, "the status list cannot be read");
}

#[test]
fn tampered_and_wrong_type_and_expired_lists_are_could_not_check() {
    let issuer = Issuer::new();
    let url = "https://issuer.example/status/t";
    let good = issuer.bitstring_list(url, "revocation", &encoded_list(&[1]));
    // Tampered: the bit is cleared after signing.
    let mut tampered = good.clone();
    tampered["credentialSubject"]["encodedList"] = json!(encoded_list(&[]));
    // Wrong type, correctly signed.
    let mut wrong = good.clone();
    wrong.as_object_mut().unwrap().remove("proof");
    wrong["type"] = json!(["VerifiableCredential"]);
    let wrong = issuer.sign(wrong);
    // Expired, correctly signed.
    let mut expired = good.clone();
    expired.as_object_mut().unwrap().remove("proof");
    expired["validUntil"] = json!("2026-01-01T00:00:00Z");
    let expired = issuer.sign(expired);
    // Unsigned.
    let mut unsigned = good.clone();
    unsigned.as_object_mut().unwrap().remove("proof");
    // Signed by someone else's key while naming this issuer.
    let other = Issuer::new();
    let mut forged = good.clone();
    forged.as_object_mut().unwrap().remove("proof");
    forged["credentialSubject"]["encodedList"] = json!(encoded_list(&[]));
    let mut forged = other.sign(forged);
    forged["issuer"] = json!(issuer.did.did);
    for (name, list, needle) in [
        ("tampered", tampered, "signature is not valid"),
        (
            "wrong-type",
            wrong,
            "is not a BitstringStatusListCredential",
        ),
        ("expired", expired, "not in force"),
        ("unsigned", unsigned, "signature is not valid"),
        ("forged", forged, "signature is not valid"),
    ] {
        let options = options_with(MapSource::default().with(url, list));
        for index in [0, 1] {
            let check = status(
                &credential(bitstring_entry(url, index, "revocation")),
                &options,
            );
            println!("{name} [{index}]: {:?}", check.outcome);
            assert_could_not_check(&check, needle);
        }
    }
    let options = options_with(MapSource::default().with(url, good));
    assert_revoked(&status(
        &credential(bitstring_entry(url, 1, "revocation")),
        &options,
    ));
}

#[test]
fn status_list_2021_with_plain_base64() {
    let issuer = Issuer::new();
    let url = "https://issuer.example/status/2021";
    let mut bytes = vec![0u8; 16 * 1024];
    bytes[1] = 0b0010_0000; // index 10, MSB-first
    let list = issuer.sign(json!({
        "@context": [
            "https://www.w3.org/2018/credentials/v1",
            "https://w3id.org/vc/status-list/2021/v1"
        ],
        "id": url,
        "type": ["VerifiableCredential", "StatusList2021Credential"],
        "issuanceDate": "2025-01-01T00:00:00Z",
        "credentialSubject": {
            "id": format!("{url}#list"),
            "type": "StatusList2021",
            "statusPurpose": "revocation",
            "encodedList": STANDARD.encode(gzip(&bytes))
        }
    }));
    let options = options_with(MapSource::default().with(url, list));
    let entry = |index: u64| {
        json!({
            "id": format!("{url}#{index}"),
            "type": "StatusList2021Entry",
            "statusPurpose": "revocation",
            "statusListIndex": index.to_string(),
            "statusListCredential": url
        })
    };
    let revoked = status(&credential(entry(10)), &options);
    assert_revoked(&revoked);
    assert_eq!(
        entries(&revoked)[0]["list_encoding"],
        "base64 without multibase prefix + GZIP"
    );
    assert_eq!(
        status(&credential(entry(13)), &options).outcome,
        Outcome::Passed
    );
}

#[test]
fn revocation_list_2020_reads_lsb_first() {
    let issuer = Issuer::new();
    let url = "https://issuer.example/status/rl2020";
    let mut bytes = vec![0u8; 16 * 1024];
    bytes[1] = 0b0000_0100; // index 10 LSB-first (it would be index 13 MSB-first)
    let list = issuer.sign(json!({
        "@context": [
            "https://www.w3.org/2018/credentials/v1",
            "https://w3id.org/vc-revocation-list-2020/v1"
        ],
        "id": url,
        "type": ["VerifiableCredential", "RevocationList2020Credential"],
        "issuanceDate": "2025-01-01T00:00:00Z",
        "credentialSubject": {
            "id": format!("{url}#list"),
            "type": "RevocationList2020",
            "encodedList": URL_SAFE_NO_PAD.encode(gzip(&bytes))
        }
    }));
    let options = options_with(MapSource::default().with(url, list));
    let entry = |index: u64| {
        json!({
            "id": format!("{url}#{index}"),
            "type": "RevocationList2020Status",
            "revocationListIndex": index.to_string(),
            "revocationListCredential": url
        })
    };
    assert_revoked(&status(&credential(entry(10)), &options));
    assert_eq!(
        status(&credential(entry(13)), &options).outcome,
        Outcome::Passed
    );
}

#[test]
fn vc_jwt_status_lists_are_verified_too() {
    let issuer = Issuer::new();
    let url = "https://issuer.example/status/jwt";
    let document = json!({
        "@context": ["https://www.w3.org/2018/credentials/v1", "https://w3id.org/vc/status-list/2021/v1"],
        "id": url,
        "type": ["VerifiableCredential", "StatusList2021Credential"],
        "issuanceDate": "2025-01-01T00:00:00Z",
        "credentialSubject": {
            "id": format!("{url}#list"),
            "type": "StatusList2021",
            "statusPurpose": "revocation",
            "encodedList": encoded_list(&[4])
        }
    });
    let jwt = issuer.sign_jwt(document);
    let entry = |index: u64| {
        json!({
            "type": "StatusList2021Entry",
            "statusPurpose": "revocation",
            "statusListIndex": index.to_string(),
            "statusListCredential": url
        })
    };
    let options = options_with(MapSource::default().with(url, Value::String(jwt.clone())));
    assert_revoked(&status(&credential(entry(4)), &options));
    assert_eq!(
        status(&credential(entry(5)), &options).outcome,
        Outcome::Passed
    );
    // One flipped signature character: could-not-check.
    let mut bad = jwt.into_bytes();
    let last = bad.len() - 2;
    bad[last] = if bad[last] == b'A' { b'B' } else { b'A' };
    let options = options_with(
        MapSource::default().with(url, Value::String(String::from_utf8(bad).unwrap())),
    );
    assert_could_not_check(&status(&credential(entry(5)), &options), "status list");
}

// ---------------------------------------------------------------------------------------------
// Fixtures: DCC vc-test-fixtures and the 1EdTech validator
// ---------------------------------------------------------------------------------------------

fn json_file(path: &Path) -> Value {
    serde_json::from_slice(&std::fs::read(path).unwrap()).unwrap()
}

fn walk(dir: &Path, out: &mut Vec<PathBuf>) {
    for entry in std::fs::read_dir(dir).unwrap() {
        let path = entry.unwrap().path();
        if path.is_dir() {
            walk(&path, out);
        } else if path.extension().is_some_and(|e| e == "json") {
            out.push(path);
        }
    }
}

/// The DCC fixtures' lists served offline under the URLs their credentials name, and their
/// did:web documents. The lists at raw.githubusercontent.com/…/verifier-core are not in
/// testdata and stay unmapped.
fn dcc_options() -> VerifyOptions {
    let root = testdata().join("examples/dcc-vc-test-fixtures");
    let mut directory = OfflineDirectory::new();
    for name in ["legacy", "oidf"] {
        let document = json_file(&root.join("dids").join(name).join("did.json"));
        directory.insert(document["id"].as_str().unwrap().to_owned(), document);
    }
    let mut documents = OfflineDocuments::new(Arc::new(FixedClock(UNIX_EPOCH)));
    for entry in std::fs::read_dir(root.join("statusLists/didkey-ed25519Signature2020")).unwrap() {
        let path = entry.unwrap().path();
        let stem = path.file_stem().unwrap().to_str().unwrap().to_owned();
        documents.insert(format!("{DCC_STATUS}{stem}"), &path);
    }
    let mut options = offline_options(NOW);
    options.resolver = Arc::new(ChainResolver::offline_default().with(Box::new(directory)));
    options.documents = Some(Arc::new(documents));
    options
}

#[test]
fn dcc_fixture_credentials_by_name() {
    let options = dcc_options();
    let mut files = Vec::new();
    walk(
        &testdata().join("examples/dcc-vc-test-fixtures/verifiableCredentials"),
        &mut files,
    );
    files.sort();
    let (mut revoked, mut valid, mut unusable_list, mut missing_list) = (0, 0, 0, 0);
    for path in &files {
        let name = path.file_name().unwrap().to_str().unwrap();
        if name.contains("noStatus") || !(name.contains("Status") || name.contains("Staus")) {
            continue;
        }
        let doc = json_file(path);
        let url = doc["credentialStatus"]["statusListCredential"]
            .as_str()
            .unwrap()
            .to_owned();
        let check = status(&doc, &options);
        println!("{name}: {:?}", check.outcome);
        if !url.starts_with(DCC_STATUS) {
            // The verifier-core copy of the list is not in testdata.
            assert_could_not_check(
                &check,
                &format!(
                    "{url}: not fetched because verification is offline (--offline); supply a local copy with --documents"
                ),
            );
            missing_list += 1;
        } else if name.contains("revokedStat") || name.contains("revokedStaus") {
            assert_revoked(&check);
            assert_eq!(entries(&check)[0]["value"], 1, "{name}");
            revoked += 1;
        } else if name.contains("validStatus") {
            assert_eq!(check.outcome, Outcome::Passed, "{name}: {check:#?}");
            assert_eq!(entries(&check)[0]["value"], 0, "{name}");
            valid += 1;
        } else {
            let needle = if name.contains("tampered") {
                "signature is not valid"
            } else if name.contains("expired") || name.contains("notYetValid") {
                "not in force"
            } else if name.contains("missingType") {
                "is not a BitstringStatusListCredential"
            } else {
                panic!("{name}: no expectation for this fixture name")
            };
            assert_could_not_check(&check, needle);
            unusable_list += 1;
        }
    }
    println!(
        "DCC: {revoked} revoked, {valid} valid, {unusable_list} unusable lists, {missing_list} lists not in testdata"
    );
    assert!(revoked >= 8, "revoked {revoked}");
    assert!(valid >= 8, "valid {valid}");
    assert_eq!(unusable_list, 4);
    assert!(missing_list >= 10, "missing {missing_list}");
}

#[test]
fn dcc_list_evidence() {
    let options = dcc_options();
    let doc = json_file(&testdata().join(
        "examples/dcc-vc-test-fixtures/verifiableCredentials/v1/ed25519/didWeb/legacy-revokedStatus-noExpiry.json",
    ));
    let check = status(&doc, &options);
    assert_revoked(&check);
    let facts = &entries(&check)[0];
    assert_eq!(facts["type"], "BitstringStatusListEntry");
    assert_eq!(facts["purpose"], "revocation");
    assert_eq!(facts["index"], 6);
    assert_eq!(facts["list_verdict"], "valid");
    assert_eq!(facts["list_proof"], "passed");
    assert_eq!(
        facts["list_issuer"],
        "did:key:z6MknNQD1WHLGGraFi6zcbGevuAgkVfdyCdtZnQTGWVVvR5Q"
    );
    assert_eq!(facts["list_issuer_is_credential_issuer"], false);
    assert_eq!(facts["list_encoding"], "multibase base64 (u) + GZIP");
    assert_eq!(facts["list_bits"], 100_000);
    assert!(
        facts["list_note"]
            .as_str()
            .unwrap()
            .contains("herd privacy")
    );
    assert_eq!(facts["fetched_at"], "1970-01-01T00:00:00Z");
    assert_eq!(facts["from_cache"], false);
    assert!(
        facts["origin"]
            .as_str()
            .unwrap()
            .ends_with("e5WK8CbZ1GjycuPombrj.json")
    );
}

/// The 1EdTech validator's `bit-string-list` fixtures (`BitstringStatusListProbe: revoked`).
/// The list's key is a fragment of the issuer's https URL; its controller document is built
/// here from the key the fragment names (there is no hosted copy in testdata).
#[test]
fn one_edtech_validator_bitstring_fixture_is_revoked() {
    let dir = testdata().join("examples/1edtech-validator/ob30/bit-string-list");
    let list = json_file(&dir.join("testlist"));
    let method = list["proof"][0]["verificationMethod"]
        .as_str()
        .unwrap()
        .to_owned();
    let (controller, key) = method.split_once('#').unwrap();
    let mut directory = OfflineDirectory::new();
    directory.insert(
        controller,
        json!({
            "@context": ["https://www.w3.org/ns/cid/v1"],
            "id": controller,
            "verificationMethod": [{
                "id": method, "type": "Multikey", "controller": controller, "publicKeyMultibase": key
            }],
            "assertionMethod": [method]
        }),
    );
    let mut documents = OfflineDocuments::new(Arc::new(FixedClock(UNIX_EPOCH)));
    documents.insert(ONE_EDTECH_TESTLIST, dir.join("testlist"));
    let mut options = offline_options(NOW);
    options.resolver = Arc::new(ChainResolver::offline_default().with(Box::new(directory)));
    options.documents = Some(Arc::new(documents));
    for name in [
        "credential-status-revoked.json",
        "credential-status-revoked-blank-nodes.json",
    ] {
        let mut doc = json_file(&dir.join(name));
        let check = status(&doc, &options);
        assert_revoked(&check);
        assert_eq!(entries(&check)[0]["index"], 23, "{name}");
        assert_eq!(entries(&check)[0]["list_proof"], "passed", "{name}");
        assert_eq!(
            entries(&check)[0]["list_issuer_is_credential_issuer"],
            true,
            "{name}"
        );
        // Only bit 23 is set.
        for index in [0, 22, 24, 131_071] {
            doc["credentialStatus"]["statusListIndex"] = json!(index);
            let check = status(&doc, &options);
            assert_eq!(
                check.outcome,
                Outcome::Passed,
                "{name} [{index}]: {check:#?}"
            );
        }
    }
    // Without the controller document the list's proof cannot be checked: could-not-check.
    let mut without_key = offline_options(NOW);
    let mut documents = OfflineDocuments::new(Arc::new(FixedClock(UNIX_EPOCH)));
    documents.insert(ONE_EDTECH_TESTLIST, dir.join("testlist"));
    without_key.documents = Some(Arc::new(documents));
    let doc = json_file(&dir.join("credential-status-revoked.json"));
    assert_could_not_check(
        &status(&doc, &without_key),
        "signature could not be checked",
    );
}

// ---------------------------------------------------------------------------------------------
// Loopback HTTP behind the guarded client
// ---------------------------------------------------------------------------------------------

/// A tiny HTTP/1.1 server on 127.0.0.1: one accept thread, one short thread per connection,
/// `Connection: close`. Bounded: [`SERVER_MAX_CONNECTIONS`] connections, [`SERVER_LIFETIME`]
/// of life, [`SERVER_MAX_DELAY`] per answer; it stops when dropped.
struct Server {
    addr: SocketAddr,
    stop: Arc<AtomicBool>,
    accept: Option<JoinHandle<()>>,
}

const SERVER_MAX_CONNECTIONS: usize = 64;
const SERVER_LIFETIME: Duration = Duration::from_secs(60);
const SERVER_MAX_DELAY: Duration = Duration::from_secs(3);

#[derive(Clone)]
struct Reply {
    status: u16,
    content_type: &'static str,
    body: Vec<u8>,
    delay: Duration,
}

impl Reply {
    fn ok(content_type: &'static str, body: impl Into<Vec<u8>>) -> Reply {
        Reply {
            status: 200,
            content_type,
            body: body.into(),
            delay: Duration::ZERO,
        }
    }

    fn json(value: &Value) -> Reply {
        Reply::ok("application/json", serde_json::to_vec(value).unwrap())
    }
}

impl Server {
    fn start(routes: HashMap<&'static str, Reply>) -> Server {
        let listener = TcpListener::bind("127.0.0.1:0").unwrap();
        listener.set_nonblocking(true).unwrap();
        let addr = listener.local_addr().unwrap();
        let stop = Arc::new(AtomicBool::new(false));
        let routes = Arc::new(routes);
        let accept = {
            let stop = stop.clone();
            std::thread::spawn(move || {
                let started = Instant::now();
                let mut connections = 0;
                while !stop.load(Ordering::SeqCst)
                    && started.elapsed() < SERVER_LIFETIME
                    && connections < SERVER_MAX_CONNECTIONS
                {
                    match listener.accept() {
                        Ok((stream, _)) => {
                            connections += 1;
                            let routes = routes.clone();
                            std::thread::spawn(move || answer(stream, &routes));
                        }
                        Err(_) => std::thread::sleep(Duration::from_millis(5)),
                    }
                }
            })
        };
        Server {
            addr,
            stop,
            accept: Some(accept),
        }
    }

    fn url(&self, path: &str) -> String {
        format!("http://{}{path}", self.addr)
    }
}

impl Drop for Server {
    fn drop(&mut self) {
        self.stop.store(true, Ordering::SeqCst);
        if let Some(accept) = self.accept.take() {
            let _ = accept.join();
        }
    }
}

fn answer(mut stream: TcpStream, routes: &HashMap<&'static str, Reply>) {
    let _ = stream.set_nonblocking(false);
    let _ = stream.set_read_timeout(Some(Duration::from_secs(5)));
    let mut head = Vec::new();
    let mut buf = [0u8; 1024];
    while !head.windows(4).any(|w| w == b"\r\n\r\n") && head.len() < 16 * 1024 {
        match stream.read(&mut buf) {
            Ok(0) | Err(_) => break,
            Ok(n) => head.extend_from_slice(&buf[..n]),
        }
    }
    let text = String::from_utf8_lossy(&head);
    let path = text
        .strip_prefix("GET ")
        .and_then(|rest| rest.split(' ').next())
        .unwrap_or("");
    let reply = routes.get(path).cloned().unwrap_or(Reply {
        status: 404,
        content_type: "text/plain",
        body: b"not found".to_vec(),
        delay: Duration::ZERO,
    });
    std::thread::sleep(reply.delay.min(SERVER_MAX_DELAY));
    let head = format!(
        "HTTP/1.1 {} X\r\nConnection: close\r\nContent-Type: {}\r\nContent-Length: {}\r\n\r\n",
        reply.status,
        reply.content_type,
        reply.body.len()
    );
    let _ = stream.write_all(head.as_bytes());
    let _ = stream.write_all(&reply.body);
    let _ = stream.flush();
}

fn loopback_policy() -> FetchPolicy {
    FetchPolicy {
        timeout_connect: Duration::from_millis(800),
        timeout_total: Duration::from_millis(800),
        max_body_bytes: 64 * 1024,
        cache_max_entries: 0,
        ..FetchPolicy::dangerous_loopback_for_tests()
    }
}

fn loopback_options(client: GuardedClient) -> VerifyOptions {
    let mut options = offline_options(NOW);
    options.documents = Some(Arc::new(client));
    options
}

fn fixed_clock() -> Arc<FixedClock> {
    Arc::new(FixedClock(
        SystemTime::UNIX_EPOCH + Duration::from_secs(1_795_000_000),
    ))
}

/// The DCC list (entries 2, 6 and 8 set, signed by a did:key) and its expired twin, served
/// over HTTP; every way the fetch can fail is could-not-check, never passed.
#[test]
fn loopback_lists_and_every_fetch_failure() {
    let lists =
        testdata().join("examples/dcc-vc-test-fixtures/statusLists/didkey-ed25519Signature2020");
    let list = std::fs::read(lists.join("e5WK8CbZ1GjycuPombrj.json")).unwrap();
    let expired = std::fs::read(lists.join("expired.json")).unwrap();
    let mut routes = HashMap::new();
    routes.insert("/list", Reply::ok("application/vc+ld+json", list.clone()));
    routes.insert("/expired", Reply::ok("application/json", expired));
    routes.insert(
        "/garbage",
        Reply::ok("application/json", "this is not a status list"),
    );
    routes.insert("/html", Reply::ok("text/html", list.clone()));
    routes.insert(
        "/slow",
        Reply {
            delay: Duration::from_secs(2),
            ..Reply::ok("application/json", list.clone())
        },
    );
    routes.insert(
        "/big",
        Reply::ok("application/json", vec![b' '; 128 * 1024]),
    );
    routes.insert("/not-a-credential", Reply::json(&json!({"hello": "world"})));
    let server = Server::start(routes);
    let options = loopback_options(GuardedClient::new(loopback_policy(), fixed_clock()));
    let check_at = |path: &str, index: u64| {
        status(
            &credential(bitstring_entry(&server.url(path), index, "revocation")),
            &options,
        )
    };

    let revoked = check_at("/list", 6);
    assert_revoked(&revoked);
    let facts = &entries(&revoked)[0];
    assert_eq!(facts["origin"], server.url("/list"));
    assert_eq!(facts["fetched_at"], "2026-11-18T11:06:40Z");
    assert_eq!(facts["value"], 1);
    let clear = check_at("/list", 7);
    assert_eq!(clear.outcome, Outcome::Passed, "{clear:#?}");
    assert_eq!(entries(&clear)[0]["value"], 0);

    assert_could_not_check(&check_at("/expired", 7), "not in force");
    assert_could_not_check(&check_at("/garbage", 7), "body is not JSON");
    assert_could_not_check(&check_at("/html", 7), "served as \"text/html\"");
    assert_could_not_check(&check_at("/missing", 7), "HTTP status 404");
    assert_could_not_check(&check_at("/slow", 7), "timed out");
    assert_could_not_check(&check_at("/big", 7), "exceeds the limit of 65536 bytes");
    assert_could_not_check(
        &check_at("/not-a-credential", 7),
        "is not a BitstringStatusListCredential",
    );

    // A closed port: nothing listens.
    let closed = {
        let listener = TcpListener::bind("127.0.0.1:0").unwrap();
        listener.local_addr().unwrap()
    };
    let url = format!("http://{closed}/list");
    let down = status(
        &credential(bitstring_entry(&url, 7, "revocation")),
        &options,
    );
    assert_could_not_check(&down, "could not connect");
    assert!(entries(&down)[0].get("last_seen").is_none());
}

/// With a snapshot store, a list seen once is reported ("last seen …: not revoked") when the
/// host is gone, and the outcome stays could-not-check.
#[test]
fn loopback_snapshot_after_the_host_goes_away() {
    let lists =
        testdata().join("examples/dcc-vc-test-fixtures/statusLists/didkey-ed25519Signature2020");
    let list = std::fs::read(lists.join("e5WK8CbZ1GjycuPombrj.json")).unwrap();
    let dir = std::env::temp_dir().join(format!(
        "credbridge-verify-status-snapshots-{}",
        std::process::id()
    ));
    let _ = std::fs::remove_dir_all(&dir);
    let client = GuardedClient::new(loopback_policy(), fixed_clock())
        .with_snapshots(SnapshotStore::open(&dir).unwrap());
    let options = loopback_options(client);
    let server = Server::start(HashMap::from([(
        "/list",
        Reply::ok("application/vc+ld+json", list),
    )]));
    let url = server.url("/list");
    let first = status(
        &credential(bitstring_entry(&url, 7, "revocation")),
        &options,
    );
    assert_eq!(first.outcome, Outcome::Passed, "{first:#?}");
    drop(server);

    let later = status(
        &credential(bitstring_entry(&url, 7, "revocation")),
        &options,
    );
    assert_could_not_check(&later, "could not connect");
    assert_eq!(
        entries(&later)[0]["last_seen"],
        "last seen 2026-11-18T11:06:40Z: not revoked"
    );
    let revoked_later = status(
        &credential(bitstring_entry(&url, 6, "revocation")),
        &options,
    );
    assert_could_not_check(&revoked_later, "could not connect");
    assert_eq!(
        entries(&revoked_later)[0]["last_seen"],
        "last seen 2026-11-18T11:06:40Z: revoked"
    );
    let _ = std::fs::remove_dir_all(&dir);
}

/// `1EdTechRevocationList`: the OB 3.0 validator fixture's credential, pointed at a loopback
/// copy of its revocation list.
#[test]
fn loopback_1edtech_revocation_list() {
    let mut doc = json_file(
        &testdata().join("examples/1edtech-validator/ob30/credential-status-revoked.json"),
    );
    let id = doc["id"].as_str().unwrap().to_owned();
    let server = Server::start(HashMap::from([
        (
            "/revoked",
            Reply::json(&json!({
                "id": "https://issuer.example/revocations",
                "revokedCredentials": [
                    {"id": "urn:uuid:someone-else"},
                    {"id": id, "revoked": true, "revocationReason": "awarded in error"}
                ]
            })),
        ),
        (
            "/reinstated",
            Reply::json(&json!({"revokedCredentials": [{"id": id, "revoked": false}]})),
        ),
        ("/empty", Reply::json(&json!({"revokedCredentials": []}))),
        ("/wrong", Reply::json(&json!({"revocations": [id]}))),
    ]));
    let options = loopback_options(GuardedClient::new(loopback_policy(), fixed_clock()));
    let mut at = |path: &str| {
        doc["credentialStatus"]["id"] = json!(server.url(path));
        status(&doc, &options)
    };
    let revoked = at("/revoked");
    assert_revoked(&revoked);
    assert!(matches!(revoked.outcome, Outcome::Failed(ref r) if r.contains("awarded in error")));
    assert_eq!(
        entries(&revoked)[0]["revocation_reason"],
        "awarded in error"
    );
    assert_eq!(at("/reinstated").outcome, Outcome::Passed);
    assert_eq!(at("/empty").outcome, Outcome::Passed);
    assert_could_not_check(&at("/wrong"), "not a 1EdTech revocation list");
    assert_could_not_check(&at("/missing"), "HTTP status 404");
    // Offline: the real URL is not fetched.
    let original = json_file(
        &testdata().join("examples/1edtech-validator/ob30/credential-status-revoked.json"),
    );
    assert_could_not_check(
        &status(&original, &offline_options(NOW)),
        "not fetched because verification is offline (--offline); supply a local copy with --documents",
    );
}

// ---------------------------------------------------------------------------------------------
// Random lists never make a credential pass by accident
// ---------------------------------------------------------------------------------------------

proptest! {
    #![proptest_config(ProptestConfig::with_cases(48))]

    /// Random (and randomly corrupted) `encodedList`s in correctly signed lists: no panic, and
    /// a pass only when the entry was read as 0.
    #[test]
    fn random_encoded_lists_never_pass_unread(
        bytes in proptest::collection::vec(any::<u8>(), 0..48),
        corrupt in any::<Option<usize>>(),
        gzip_it in any::<bool>(),
        index in 0u64..512,
    ) {
        let issuer = Issuer::new();
        let url = "https://issuer.example/status/random";
        let mut payload = if gzip_it { gzip(&bytes) } else { bytes.clone() };
        if let Some(at) = corrupt.filter(|_| !payload.is_empty()) {
            let at = at % payload.len();
            payload[at] ^= 0xa5;
        }
        let encoded = format!("u{}", URL_SAFE_NO_PAD.encode(&payload));
        let list = issuer.bitstring_list(url, "revocation", &encoded);
        let options = options_with(MapSource::default().with(url, list));
        let check = status(&credential(bitstring_entry(url, index, "revocation")), &options);
        match &check.outcome {
            Outcome::Passed => prop_assert_eq!(&entries(&check)[0]["value"], &json!(0)),
            Outcome::Failed(_) => prop_assert_eq!(&entries(&check)[0]["value"], &json!(1)),
            Outcome::CouldNotCheck(_) => {}
            Outcome::NotApplicable => prop_assert!(false, "not applicable"),
        }
    }
}
