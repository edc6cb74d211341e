//! Issuer identity by linked domain (issue 12): a `did:key` or `did:jwk` issuer whose website
//! publishes a valid DIF Well-Known DID Configuration linking its DID is confirmed; a website
//! that links another DID, another origin, an expired or badly signed entry, no file at all,
//! or a verifier offline without a local copy does not confirm, and the words say why.
//!
//! Served by the testkit's loopback fixture server, signed by the testkit's signers.

use std::net::TcpListener;
use std::sync::Arc;
use std::time::UNIX_EPOCH;

use credbridge_fetch::{FetchPolicy, FixedClock, GuardedClient, OfflineDocuments};
use credbridge_proofs::{JoseVerifyOptions, JwtKind, JwtSignOptions, sign_jwt, suites};
use credbridge_testkit::did_configuration::{
    JwkSigner, did_configuration, domain_linkage_credential, sign_domain_linkage_jwt,
};
use credbridge_testkit::http::{FixtureServer, Limits, Reply};
use credbridge_testkit::{Signer, ob3_credential};
use credbridge_verify::{
    Check, ConfirmedBy, IdentityStatus, Outcome, TrustPolicy, Verdict, VerificationReport,
    VerifyOptions, verify_item,
};
use serde_json::{Value, json};

use crate::common::{assert_in_table, offline_options};

/// 2027-01-15T08:00:00Z: after the template's validFrom, inside the linkage's window.
const NOW: i64 = 1_800_000_000;
const CREATED: i64 = 1_790_000_000;
const ISSUED: &str = "2026-01-01T00:00:00Z";
const EXPIRES: &str = "2028-01-01T00:00:00Z";

fn did_key_signer() -> Signer {
    Signer::ed25519([0x4d; 32]).unwrap()
}

fn did_jwk_signer() -> JwkSigner {
    JwkSigner::p256([0x2a; 32]).unwrap()
}

/// A listener bound first, so that its origin can go into the bodies it serves.
fn listener() -> (TcpListener, String) {
    let listener = TcpListener::bind("127.0.0.1:0").unwrap();
    let origin = format!("http://{}", listener.local_addr().unwrap());
    (listener, origin)
}

/// Serves `configuration` (or a 404 when `None`) at the well-known path.
fn serve(listener: TcpListener, configuration: Option<Value>) -> FixtureServer {
    let body = configuration.map(|c| serde_json::to_vec(&c).unwrap());
    FixtureServer::on_listener(listener, Limits::default(), move |path, _| {
        match (&body, path) {
            (Some(body), "/.well-known/did-configuration.json") => {
                Reply::ok("application/json", body.clone())
            }
            _ => Reply::status(404),
        }
    })
    .unwrap()
}

/// An OB 3.0 credential from `issuer` naming `url` as its website, signed by the testkit's
/// did:key signer.
fn did_key_credential(signer: &Signer, url: &str) -> Value {
    let mut credential = ob3_credential(&signer.did.did);
    credential["id"] = json!("urn:uuid:11d0a1e5-0000-4000-8000-000000000001");
    credential["issuer"]["url"] = json!(url);
    signer
        .sign_data_integrity(&credential, suites::EDDSA_RDFC_2022, CREATED)
        .unwrap()
}

/// The same from a did:jwk issuer, as a VC-JOSE token (the key is the issuer's own `#0`).
fn did_jwk_credential(signer: &JwkSigner, url: &str) -> String {
    let mut credential = ob3_credential(&signer.did);
    credential["id"] = json!("urn:uuid:11d0a1e5-0000-4000-8000-000000000002");
    credential["issuer"]["url"] = json!(url);
    sign_jwt(
        &credential,
        &signer.key,
        &JwtSignOptions {
            kind: JwtKind::VcJose,
            alg: None,
            kid: Some(signer.verification_method_id()),
            embed_jwk: false,
            audience: None,
            nonce: None,
            issued_at: None,
        },
    )
    .unwrap()
}

/// Loopback options (http and 127.0.0.1 allowed) with the bundled registries as trust.
fn loopback() -> VerifyOptions {
    let mut options = offline_options(NOW);
    options.documents = Some(Arc::new(GuardedClient::new(
        FetchPolicy::dangerous_loopback_for_tests(),
        Arc::new(FixedClock(UNIX_EPOCH)),
    )));
    options.trust = TrustPolicy::bundled(false).unwrap();
    options
}

fn verify(bytes: &[u8], name: &str, options: &VerifyOptions) -> VerificationReport {
    let item =
        credbridge_formats::decode_bytes(bytes, name, &credbridge_formats::Limits::default())
            .next()
            .unwrap()
            .unwrap();
    let report = verify_item(&item, options);
    assert_in_table(&report);
    report
}

fn verify_json(credential: &Value, options: &VerifyOptions) -> VerificationReport {
    verify(
        &serde_json::to_vec(credential).unwrap(),
        "credential.json",
        options,
    )
}

fn identity(report: &VerificationReport) -> &Check {
    report
        .checks
        .iter()
        .find(|c| c.id == "issuer.identity")
        .unwrap_or_else(|| panic!("no issuer.identity in {report:#?}"))
}

/// The report is unconfirmed, valid-with-warnings, and the identity's words (the message or
/// the reason) contain `words`.
fn assert_unconfirmed(report: &VerificationReport, words: &str) {
    let check = identity(report);
    let Outcome::CouldNotCheck(reason) = &check.outcome else {
        panic!("{check:#?}");
    };
    assert!(
        check.message.contains("no registry or domain confirms it")
            && (check.message.contains(words) || reason.contains(words)),
        "expected {words:?} in: {}\nwhy: {reason}",
        check.message
    );
    let summary = report.issuer_identity.as_ref().unwrap();
    assert_eq!(summary.status, IdentityStatus::Unconfirmed);
    assert_eq!(summary.confirmed_by, None);
    assert_eq!(report.verdict, Verdict::ValidWithWarnings, "{report:#?}");
}

fn assert_linked(report: &VerificationReport, origin: &str) {
    let check = identity(report);
    assert_eq!(check.outcome, Outcome::Passed, "{check:#?}");
    assert!(
        check.message.contains(&format!(
            "confirmed by its linked domain: its website {origin}"
        )),
        "{}",
        check.message
    );
    assert_eq!(check.evidence["confirmed_by"], "linked-domain");
    assert_eq!(check.evidence["linked_domain"]["outcome"], "linked");
    let summary = report.issuer_identity.as_ref().unwrap();
    assert_eq!(summary.status, IdentityStatus::Confirmed);
    assert_eq!(summary.confirmed_by, Some(ConfirmedBy::LinkedDomain));
    assert_eq!(
        summary.source.as_deref(),
        origin
            .strip_prefix("http://")
            .or(origin.strip_prefix("https://"))
    );
    // The name is confirmed, so the verdict no longer carries the identity warning.
    assert_eq!(report.verdict, Verdict::Valid, "{report:#?}");
    let json = serde_json::to_value(report).unwrap();
    assert_eq!(json["issuer_identity"]["confirmed_by"], "linked-domain");
}

#[test]
fn a_did_key_issuer_linked_by_a_jwt_entry_is_confirmed() {
    let signer = did_key_signer();
    let (listener, origin) = listener();
    let linkage = domain_linkage_credential(&signer.did.did, &origin, ISSUED, EXPIRES);
    let jwt = sign_domain_linkage_jwt(&signer.key, &signer.did.verification_method_id(), &linkage)
        .unwrap();
    // Another DID's entry comes first: entries are independent, the first is skipped.
    let other = did_jwk_signer();
    let other_entry = sign_domain_linkage_jwt(
        &other.key,
        &other.verification_method_id(),
        &domain_linkage_credential(&other.did, &origin, ISSUED, EXPIRES),
    )
    .unwrap();
    let server = serve(
        listener,
        Some(did_configuration(vec![json!(other_entry), json!(jwt)])),
    );

    let credential = did_key_credential(&signer, &format!("{origin}/about"));
    let options = loopback();
    let report = verify_json(&credential, &options);
    assert_linked(&report, &origin);
    let entries = identity(&report).evidence["linked_domain"]["entries"].clone();
    assert_eq!(entries[0]["outcome"], "other-did", "{entries:#}");
    assert_eq!(entries[1]["outcome"], "links", "{entries:#}");
    assert_eq!(entries[1]["format"], "jwt");
    assert_eq!(server.requests("/.well-known/did-configuration.json"), 1);

    // Without the linkage the same credential is the issuer's own claim.
    let unlinked = did_key_credential(&signer, "https://nowhere.invalid/");
    let mut offline = offline_options(NOW);
    offline.trust = TrustPolicy::bundled(false).unwrap();
    assert_eq!(
        verify_json(&unlinked, &offline).verdict,
        Verdict::ValidWithWarnings
    );
}

#[test]
fn a_did_jwk_issuer_linked_by_a_json_ld_entry_is_confirmed() {
    // The JSON-LD form needs an Ed25519 key for Ed25519Signature2020: the linking DID is the
    // did:key; the did:jwk's own entry is a JWT. Both forms, both methods.
    let jwk = did_jwk_signer();
    let key = did_key_signer();
    let (listener, origin) = listener();
    let ld = key
        .sign_data_integrity(
            &domain_linkage_credential(&key.did.did, &origin, ISSUED, EXPIRES),
            suites::ED25519_SIGNATURE_2020,
            CREATED,
        )
        .unwrap();
    let jwt = sign_domain_linkage_jwt(
        &jwk.key,
        &jwk.verification_method_id(),
        &domain_linkage_credential(&jwk.did, &origin, ISSUED, EXPIRES),
    )
    .unwrap();
    let _server = serve(listener, Some(did_configuration(vec![ld, json!(jwt)])));
    let options = loopback();

    let token = did_jwk_credential(&jwk, &origin);
    let report = verify(token.as_bytes(), "credential.jwt", &options);
    assert_linked(&report, &origin);

    let report = verify_json(&did_key_credential(&key, &origin), &options);
    assert_linked(&report, &origin);
    let entries = identity(&report).evidence["linked_domain"]["entries"].clone();
    assert_eq!(entries[0]["format"], "json-ld", "{entries:#}");
    assert_eq!(entries[0]["outcome"], "links", "{entries:#}");
}

#[test]
fn an_entry_for_another_origin_does_not_confirm() {
    let signer = did_key_signer();
    let (listener, origin) = listener();
    let elsewhere = domain_linkage_credential(
        &signer.did.did,
        "https://harvard.example.edu",
        ISSUED,
        EXPIRES,
    );
    let jwt = sign_domain_linkage_jwt(
        &signer.key,
        &signer.did.verification_method_id(),
        &elsewhere,
    )
    .unwrap();
    let _server = serve(listener, Some(did_configuration(vec![json!(jwt)])));
    let report = verify_json(&did_key_credential(&signer, &origin), &loopback());
    assert_unconfirmed(
        &report,
        &format!(
            "its website {origin} publishes a DID configuration whose entry for this DID is not valid: it links the origin https://harvard.example.edu, not {origin} where it was published"
        ),
    );
}

#[test]
fn a_configuration_that_links_another_did_does_not_confirm() {
    let signer = did_key_signer();
    let other = Signer::ed25519([0x5e; 32]).unwrap();
    let (listener, origin) = listener();
    let ld = other
        .sign_data_integrity(
            &domain_linkage_credential(&other.did.did, &origin, ISSUED, EXPIRES),
            suites::ED25519_SIGNATURE_2020,
            CREATED,
        )
        .unwrap();
    let _server = serve(listener, Some(did_configuration(vec![ld])));
    let report = verify_json(&did_key_credential(&signer, &origin), &loopback());
    assert_unconfirmed(
        &report,
        &format!("its website {origin} publishes a DID configuration that does not link this DID"),
    );
    let entries = &identity(&report).evidence["linked_domain"]["entries"];
    assert_eq!(entries[0]["did"], json!(other.did.did));
    assert_eq!(entries[0]["outcome"], "other-did");
}

#[test]
fn an_expired_entry_does_not_confirm_and_at_is_honoured() {
    let signer = did_key_signer();
    let (listener, origin) = listener();
    // Valid through 2026-12-31: expired at NOW (2027-01-15), valid at 2026-11-18.
    let linkage =
        domain_linkage_credential(&signer.did.did, &origin, ISSUED, "2026-12-31T00:00:00Z");
    let ld = signer
        .sign_data_integrity(
            &linkage,
            suites::ED25519_SIGNATURE_2020,
            CREATED - 20_000_000,
        )
        .unwrap();
    let jwt = sign_domain_linkage_jwt(&signer.key, &signer.did.verification_method_id(), &linkage)
        .unwrap();
    let _server = serve(listener, Some(did_configuration(vec![ld, json!(jwt)])));
    let credential = did_key_credential(&signer, &origin);

    let report = verify_json(&credential, &loopback());
    assert_unconfirmed(&report, "it expired at 2026-12-31T00:00:00Z");
    let entries = &identity(&report).evidence["linked_domain"]["entries"];
    assert_eq!(entries.as_array().unwrap().len(), 2, "{entries:#}");
    assert!(
        entries
            .as_array()
            .unwrap()
            .iter()
            .all(|e| e["outcome"] == "invalid"),
        "{entries:#}"
    );

    // The same file, verified as of 2026-11-18 (`--at`): linked.
    let mut then = loopback();
    then.now = 1_795_000_000;
    assert_linked(&verify_json(&credential, &then), &origin);
}

#[test]
fn a_badly_signed_entry_does_not_confirm() {
    let signer = did_key_signer();
    let (listener, origin) = listener();
    let linkage = domain_linkage_credential(&signer.did.did, &origin, ISSUED, EXPIRES);
    // JSON-LD: signed for another origin, then edited to name this one.
    let mut ld = signer
        .sign_data_integrity(
            &domain_linkage_credential(&signer.did.did, "https://other.example", ISSUED, EXPIRES),
            suites::ED25519_SIGNATURE_2020,
            CREATED,
        )
        .unwrap();
    ld["credentialSubject"]["origin"] = json!(origin);
    // JWT: signed by another key under this DID's kid.
    let impostor = Signer::ed25519([0x66; 32]).unwrap();
    let jwt = sign_domain_linkage_jwt(
        &impostor.key,
        &signer.did.verification_method_id(),
        &linkage,
    )
    .unwrap();
    let _server = serve(listener, Some(did_configuration(vec![ld, json!(jwt)])));
    let report = verify_json(&did_key_credential(&signer, &origin), &loopback());
    assert_unconfirmed(&report, "its signature does not verify");
    let entries = &identity(&report).evidence["linked_domain"]["entries"];
    for entry in entries.as_array().unwrap() {
        assert_eq!(entry["outcome"], "invalid", "{entries:#}");
        assert!(
            entry["reason"]
                .as_str()
                .unwrap()
                .contains("its signature does not verify"),
            "{entries:#}"
        );
    }
}

#[test]
fn a_jwt_entry_breaking_the_format_rules_does_not_confirm() {
    let signer = did_key_signer();
    let (listener, origin) = listener();
    let linkage = domain_linkage_credential(&signer.did.did, &origin, ISSUED, EXPIRES);
    // A VC-JWT with `typ: JWT` and `jti`-less but `typ`-bearing header: the spec's header is
    // `alg` and `kid` only.
    let typed = sign_jwt(
        &linkage,
        &signer.key,
        &JwtSignOptions {
            kind: JwtKind::VcJwt,
            alg: None,
            kid: Some(signer.did.verification_method_id()),
            embed_jwk: false,
            audience: None,
            nonce: None,
            issued_at: None,
        },
    )
    .unwrap();
    // The token itself is a well-signed VC-JWT: only the linkage rules refuse it.
    let verified = credbridge_proofs::verify_jwt(
        &typed,
        &JoseVerifyOptions {
            resolver: &credbridge_keys::ChainResolver::offline_default(),
            pinned_key: None,
            allow_embedded_jwk: false,
            now: NOW,
            max_clock_skew: 300,
        },
    )
    .unwrap();
    assert!(verified.proof.outcome.is_verified());
    let _server = serve(listener, Some(did_configuration(vec![json!(typed)])));
    let report = verify_json(&did_key_credential(&signer, &origin), &loopback());
    assert_unconfirmed(
        &report,
        "the JWT header has typ, which a Domain Linkage Credential must not have",
    );
}

#[test]
fn a_website_without_a_did_configuration_does_not_confirm() {
    let signer = did_key_signer();
    let (listener, origin) = listener();
    let server = serve(listener, None);
    let report = verify_json(&did_key_credential(&signer, &origin), &loopback());
    assert_unconfirmed(
        &report,
        &format!("its website {origin} publishes no DID configuration"),
    );
    assert_eq!(
        identity(&report).evidence["linked_domain"]["outcome"],
        "not-linked"
    );
    assert_eq!(server.requests("/.well-known/did-configuration.json"), 1);
}

#[test]
fn offline_without_a_copy_says_the_linkage_could_not_be_checked() {
    let signer = did_key_signer();
    let url = "https://credentials.example.edu/";
    let credential = did_key_credential(&signer, url);
    let mut options = offline_options(NOW);
    options.trust = TrustPolicy::bundled(false).unwrap();
    let report = verify_json(&credential, &options);
    assert_unconfirmed(
        &report,
        "whether its website https://credentials.example.edu links this DID could not be checked",
    );
    assert_unconfirmed(
        &report,
        "its DID configuration could not be checked: https://credentials.example.edu/.well-known/did-configuration.json: not fetched because verification is offline (--offline); supply a local copy with --documents",
    );
    assert_eq!(
        identity(&report).evidence["linked_domain"]["outcome"],
        "could-not-check"
    );

    // A document map that does not hold the URL says the same.
    let mut mapped = options.clone();
    mapped.documents = Some(Arc::new(OfflineDocuments::new(Arc::new(FixedClock(
        UNIX_EPOCH,
    )))));
    assert_unconfirmed(
        &verify_json(&credential, &mapped),
        "not fetched because verification is offline (--offline); supply a local copy with --documents",
    );
}

#[test]
fn offline_with_a_local_copy_confirms() {
    let signer = did_key_signer();
    let origin = "https://credentials.example.edu";
    let jwt = sign_domain_linkage_jwt(
        &signer.key,
        &signer.did.verification_method_id(),
        &domain_linkage_credential(&signer.did.did, origin, ISSUED, EXPIRES),
    )
    .unwrap();
    let dir = std::env::temp_dir().join(format!("credbridge-linked-domain-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let file = dir.join("did-configuration.json");
    std::fs::write(&file, did_configuration(vec![json!(jwt)]).to_string()).unwrap();
    let mut documents = OfflineDocuments::new(Arc::new(FixedClock(UNIX_EPOCH)));
    documents.insert(
        format!("{origin}/.well-known/did-configuration.json"),
        &file,
    );
    let mut options = offline_options(NOW);
    options.trust = TrustPolicy::bundled(false).unwrap();
    options.documents = Some(Arc::new(documents));
    let report = verify_json(
        &did_key_credential(&signer, "https://credentials.example.edu/about"),
        &options,
    );
    assert_linked(&report, origin);
    std::fs::remove_dir_all(&dir).unwrap();
}

#[test]
fn http_is_refused_unless_the_verifier_allowed_it() {
    // The spec fetches over https; the guarded client's default policy refuses http (and
    // loopback), so the linkage is not checked rather than trusted.
    let signer = did_key_signer();
    let (listener, origin) = listener();
    let jwt = sign_domain_linkage_jwt(
        &signer.key,
        &signer.did.verification_method_id(),
        &domain_linkage_credential(&signer.did.did, &origin, ISSUED, EXPIRES),
    )
    .unwrap();
    let server = serve(listener, Some(did_configuration(vec![json!(jwt)])));
    let mut options = loopback();
    options.documents = Some(Arc::new(GuardedClient::new(
        FetchPolicy::default(),
        Arc::new(FixedClock(UNIX_EPOCH)),
    )));
    let report = verify_json(&did_key_credential(&signer, &origin), &options);
    assert_unconfirmed(
        &report,
        "its DID configuration could not be checked: it could not be fetched",
    );
    assert_eq!(server.requests("/.well-known/did-configuration.json"), 0);
}
