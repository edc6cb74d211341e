//! Classification of every example file, against a table written from the files' `@context`
//! and `type` and the rules of the specifications (see `credbridge_model::classify`).

use credbridge_model::{Format, VcdmVersion};

use crate::fixtures::{all_example_files, extract};

use Format::*;

const V1: Option<VcdmVersion> = Some(VcdmVersion::V1_1);
const V2: Option<VcdmVersion> = Some(VcdmVersion::V2_0);
const NO: Option<VcdmVersion> = None;

/// (path or directory prefix ending in `/`, expected format, expected VCDM version). The
/// longest matching entry decides.
const TABLE: &[(&str, Format, Option<VcdmVersion>)] = &[
    // OB 3.0 spec examples: VCDM 2.0 + OB 3.0.3 contexts.
    ("1edtech-spec-examples/", OpenBadges3, V2),
    (
        "1edtech-spec-examples/endorsementcredential.json",
        Endorsement3,
        V2,
    ),
    // Spec test vectors: the credentials, plus key material and bare proofs (no @context/type).
    ("1edtech-spec-test-vectors/clrv2p0/", Clr2, V2),
    ("1edtech-spec-test-vectors/obv3p0/", OpenBadges3, V2),
    (
        "1edtech-spec-test-vectors/clrv2p0/key-and-intermediates.json",
        Unknown,
        NO,
    ),
    ("1edtech-spec-test-vectors/clrv2p0/proof.json", Unknown, NO),
    (
        "1edtech-spec-test-vectors/obv3p0/key-and-intermediates.json",
        Unknown,
        NO,
    ),
    ("1edtech-spec-test-vectors/obv3p0/proof.json", Unknown, NO),
    // VC-JWTs: VCDM 2.0 payload = credential; VCDM 1.1 credential in the `vc` claim.
    (
        "1edtech-validator-derived/ob30-vcjwt-vcdm2-from-simple-jwt.png.jwt",
        OpenBadges3,
        V2,
    ),
    (
        "1edtech-validator-derived/ob30-vcjwt-vcdm11-from-simple-jwt_v1.png.jwt",
        OpenBadges3,
        V1,
    ),
    // CLR 2.0 validator fixtures: only simple.json is VCDM 2.0.
    ("1edtech-validator/clr20/", Clr2, V1),
    ("1edtech-validator/clr20/simple.json", Clr2, V2),
    // OB 2.0: assertions, and the validator's assets (badge classes, issuers, keys, lists).
    ("1edtech-validator/ob20/", OpenBadges2Assertion, NO),
    (
        "1edtech-validator/ob20/badge-class-with-language.json",
        OpenBadges2BadgeClass,
        NO,
    ),
    (
        "1edtech-validator/ob20/issuer-compact-iri-validation.json",
        OpenBadges2Issuer,
        NO,
    ),
    ("1edtech-validator/ob20/assets/", OpenBadges2BadgeClass, NO),
    (
        "1edtech-validator/ob20/assets/bad-issuer.json",
        OpenBadges2Issuer,
        NO,
    ),
    (
        "1edtech-validator/ob20/assets/badgecriteria.json",
        Unknown,
        NO,
    ),
    (
        "1edtech-validator/ob20/assets/criteria-no-type.json",
        Unknown,
        NO,
    ),
    (
        "1edtech-validator/ob20/assets/empty-revocation-list.json",
        Unknown,
        NO,
    ),
    ("1edtech-validator/ob20/assets/endorsement-", Unknown, NO),
    (
        "1edtech-validator/ob20/assets/issuer-invalid-type.json",
        Unknown,
        NO,
    ),
    (
        "1edtech-validator/ob20/assets/issuer-with-allowed-origins",
        OpenBadges2Issuer,
        NO,
    ),
    (
        "1edtech-validator/ob20/assets/issuer1.json",
        OpenBadges2Issuer,
        NO,
    ),
    ("1edtech-validator/ob20/assets/key", Unknown, NO),
    (
        "1edtech-validator/ob20/assets/organization",
        OpenBadges2Issuer,
        NO,
    ),
    (
        "1edtech-validator/ob20/assets/revocation-list.json",
        Unknown,
        NO,
    ),
    ("1edtech-validator/ob20/rdf-validation/", Unknown, NO),
    (
        "1edtech-validator/ob20/rdf-validation/badge-class-invalid-issuer-type.json",
        OpenBadges2BadgeClass,
        NO,
    ),
    (
        "1edtech-validator/ob20/rdf-validation/invalid-one-invalid-class.json",
        OpenBadges2Issuer,
        NO,
    ),
    (
        "1edtech-validator/ob20/rdf-validation/valid-badge-class",
        OpenBadges2BadgeClass,
        NO,
    ),
    (
        "1edtech-validator/ob20/rdf-validation/valid-issuer-extension.json",
        OpenBadges2Issuer,
        NO,
    ),
    // OB 3.0 validator fixtures: VCDM 2.0 unless named `_v1`/VCDM 1.1 contexts.
    ("1edtech-validator/ob30/", OpenBadges3, V2),
    (
        "1edtech-validator/ob30/bit-string-list/testlist",
        BitstringStatusListCredential,
        V2,
    ),
    ("1edtech-validator/ob30/complete_v1.json", OpenBadges3, V1),
    (
        "1edtech-validator/ob30/credential-status-revoked.json",
        OpenBadges3,
        V1,
    ),
    (
        "1edtech-validator/ob30/endorsement-err-schema-status-refresh.json",
        Endorsement3,
        V1,
    ),
    (
        "1edtech-validator/ob30/endorsement-valid.json",
        Endorsement3,
        V2,
    ),
    (
        "1edtech-validator/ob30/simple-eddsa-2022.json",
        OpenBadges3,
        V1,
    ),
    (
        "1edtech-validator/ob30/simple-err-context.json",
        OpenBadges3,
        NO,
    ),
    (
        "1edtech-validator/ob30/simple-err-type.json",
        VerifiableCredential,
        V2,
    ),
    ("1edtech-validator/ob30/simple-jwt_v1.", OpenBadges3, V1),
    (
        "1edtech-validator/ob30/simple-noproof.json",
        OpenBadges3,
        V1,
    ),
    ("1edtech-validator/ob30/simple.jwt", OpenBadges3, V1),
    ("1edtech-validator/ob30/simple_v1.json", OpenBadges3, V1),
    ("1edtech-validator/ob30/velocity.jwt", OpenBadges3, V1),
    // DCC fixtures: DID documents, status lists, credentials by VCDM version.
    ("dcc-vc-test-fixtures/dids/", Unknown, NO),
    (
        "dcc-vc-test-fixtures/statusLists/",
        BitstringStatusListCredential,
        V2,
    ),
    (
        "dcc-vc-test-fixtures/statusLists/didkey-ed25519Signature2020/missingBitStringType.json",
        VerifiableCredential,
        V2,
    ),
    (
        "dcc-vc-test-fixtures/verifiableCredentials/v1/",
        OpenBadges3,
        V1,
    ),
    (
        "dcc-vc-test-fixtures/verifiableCredentials/v1/dataIntegrityProof/didKey/legacyRegistry-noStatus-noExpiry-oldDCCExample.json",
        VerifiableCredential,
        V1,
    ),
    (
        "dcc-vc-test-fixtures/verifiableCredentials/v2/",
        OpenBadges3,
        V2,
    ),
    (
        "dcc-vc-test-fixtures/verifiableCredentials/v2/bothSignatureTypes/didkey/legacy-noStatus-notExpired-endorsement",
        Endorsement3,
        V2,
    ),
    (
        "dcc-vc-test-fixtures/verifiableCredentials/v2/bothSignatureTypes/didkey/legacy-noStatus-noExpiry-nonOBWithOBContext.json",
        VerifiableCredential,
        V2,
    ),
    (
        "dcc-vc-test-fixtures/verifiableCredentials/v2/dataIntegrityProof/didKey/legacyRegistry-noStatus-noExpiry-minimal.json",
        VerifiableCredential,
        V2,
    ),
    (
        "dcc-vc-test-fixtures/verifiableCredentials/v2/ed25519/didKey/legacy-expiredStatus-noExpiry.json",
        VerifiableCredential,
        V2,
    ),
    (
        "dcc-vc-test-fixtures/verifiableCredentials/v2/ed25519/didKey/legacy-missingTypeStatus-noExpiry.json",
        VerifiableCredential,
        V2,
    ),
    (
        "dcc-vc-test-fixtures/verifiableCredentials/v2/ed25519/didKey/legacy-notYetValidStatus-noExpiry.json",
        VerifiableCredential,
        V2,
    ),
    (
        "dcc-vc-test-fixtures/verifiableCredentials/v2/ed25519/didKey/legacy-tamperedStatus-noExpiry.json",
        VerifiableCredential,
        V2,
    ),
    // Mozilla bakery: the baked JSON is only `{"verify": {"url": …}}`, a fragment.
    ("ob20-baking-mozilla-bakery/baked.svg", Unknown, NO),
    // W3C vc-di-eddsa vectors: AlumniCredentials, proof configurations and a key pair.
    ("w3c-vc-di-eddsa/", VerifiableCredential, V2),
    (
        "w3c-vc-di-eddsa/Ed25519Signature2020/proofConfigEdSig.json",
        Unknown,
        V2,
    ),
    (
        "w3c-vc-di-eddsa/eddsa-rdfc-2022/proofConfigDataInt.json",
        Unknown,
        V2,
    ),
    ("w3c-vc-di-eddsa/keyPair.json", Unknown, NO),
];

/// Files that carry no document to classify, each with the reason.
const SKIPS: &[(&str, &str)] = &[
    ("expectations.json", "the expectations themselves"),
    ("SOURCES-standards.md", "provenance notes"),
    (
        "1edtech-validator/ob20/redirected-validation-subject.json",
        "JSON with comments (an HTTP mock fixture of the validator)",
    ),
    (
        "1edtech-validator/ob20/assets/openbadges_context.json",
        "a URL line followed by a context, not a document",
    ),
    (
        "1edtech-validator/ob20/assets/beths-robot-badge.png",
        "a badge image with nothing baked",
    ),
    (
        "1edtech-validator/ob20/assets/robotics-badge.png",
        "a badge image with nothing baked",
    ),
    (
        "1edtech-validator/ob20/assets/beths-robot-work.html",
        "evidence page",
    ),
    (
        "dcc-vc-test-fixtures/verifiableCredentials/v1/ed25519/didKey/legacy-noStatus-noExpiry.json",
        "an empty file in the upstream fixture set",
    ),
    (
        "ob20-baking-mozilla-bakery/bad-json.svg",
        "deliberately invalid JSON",
    ),
    (
        "ob20-baking-mozilla-bakery/no-json.svg",
        "only a hosted-assertion URL is baked",
    ),
    ("ob20-baking-mozilla-bakery/unbaked.png", "nothing baked"),
    ("ob20-baking-mozilla-bakery/unbaked.svg", "nothing baked"),
];

fn expected(relative: &str) -> Option<(Format, Option<VcdmVersion>)> {
    TABLE
        .iter()
        .filter(|(pattern, _, _)| {
            relative == *pattern || (!pattern.ends_with(".json") && relative.starts_with(pattern))
        })
        .max_by_key(|(pattern, _, _)| pattern.len())
        .map(|(_, format, vcdm)| (*format, *vcdm))
}

#[test]
fn every_example_is_classified_as_the_table_says() {
    let mut checked = 0;
    let mut failures = Vec::new();
    for relative in all_example_files() {
        if SKIPS.iter().any(|(skip, _)| *skip == relative) || relative.ends_with(".txt") {
            continue;
        }
        let Some(extracted) = extract(&relative) else {
            failures.push(format!(
                "{relative}: no document extracted (add it to SKIPS with a reason?)"
            ));
            continue;
        };
        let Some((format, vcdm)) = expected(&relative) else {
            failures.push(format!("{relative}: no table entry"));
            continue;
        };
        let doc = extracted
            .parse()
            .unwrap_or_else(|e| panic!("{relative}: {e}"));
        checked += 1;
        let got = (doc.format(), doc.vcdm());
        if got != (format, vcdm) {
            failures.push(format!(
                "{relative}: expected {format:?} {vcdm:?}, got {got:?} by rule {:?}",
                doc.classification.rule
            ));
        }
    }
    println!("classified {checked} example documents");
    assert!(checked >= 220, "only {checked} documents classified");
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}

#[test]
fn skipped_files_hide_no_credential() {
    for (relative, reason) in SKIPS {
        if let Some(extracted) = extract(relative) {
            let doc = extracted.parse().unwrap();
            assert_eq!(doc.format(), Format::Unknown, "{relative} ({reason})");
        }
    }
}
