//! `credbridge vc-jose-cose`: the W3C VC-JOSE-COSE test suite's command-line contract, with
//! the suite's own inputs (testdata/vectors/vc-jose-cose): a result file in every case, and
//! exit codes that mean what they mean elsewhere.

use crate::common::*;

const INPUT: &str = "testdata/vectors/vc-jose-cose/input";

fn run(action: &str, input: &str, key: &str, feature: &str, sd: Option<&str>) -> (i32, Value) {
    let dir = tempdir(&format!("jose-{action}-{feature}"));
    let out = dir.join("result.json");
    let input = format!("{INPUT}/{input}");
    let key = format!("{INPUT}/{key}");
    let mut args = vec![
        "vc-jose-cose",
        action,
        "--input",
        &input,
        "--key",
        &key,
        "--feature",
        feature,
        "--output",
        out.to_str().unwrap(),
    ];
    if let Some(sd) = sd {
        args.extend(["--sd", sd]);
    }
    let output = credbridge(&args);
    let result: Value = serde_json::from_slice(&std::fs::read(&out).unwrap()).unwrap();
    (output.status.code().unwrap(), result)
}

#[test]
fn issue_then_verify_each_securing_through_the_binary() {
    let dir = tempdir("jose-roundtrip");
    for (feature, key, sd) in [
        ("credential_jose", "vm-p521.json", None),
        (
            "credential_sdjwt",
            "vm-p384.json",
            Some(r#"["credentialSubject.address.street","credentialSubject.phoneNumbers[0]"]"#),
        ),
        ("credential_cose", "vm-ed25519.json", None),
    ] {
        let (code, issued) = run(
            "issue",
            "credential-nested-selective.json",
            key,
            feature,
            sd,
        );
        assert_eq!(
            (code, &issued["result"]),
            (0, &"success".into()),
            "{issued}"
        );
        // The issued text, verified with the same method's public key.
        let secured = dir.join(format!("{feature}.txt"));
        std::fs::write(&secured, issued["data"].as_str().unwrap()).unwrap();
        let out = dir.join("verified.json");
        let output = credbridge(&[
            "vc-jose-cose",
            "verify",
            "--input",
            secured.to_str().unwrap(),
            "--key",
            &format!("{INPUT}/{key}"),
            "--feature",
            feature,
            "--output",
            out.to_str().unwrap(),
        ]);
        let verified: Value = serde_json::from_slice(&std::fs::read(&out).unwrap()).unwrap();
        assert_eq!(output.status.code(), Some(0), "{verified}");
        let document: Value = serde_json::from_str(verified["data"].as_str().unwrap()).unwrap();
        let original: Value = serde_json::from_slice(
            &std::fs::read(repo().join(INPUT).join("credential-nested-selective.json")).unwrap(),
        )
        .unwrap();
        assert_eq!(document, original, "{feature}");
    }
}

#[test]
fn refusals_are_failures_with_a_reason_and_exit_1() {
    for (input, key, feature, words) in [
        (
            "credential-jose-bad-signature.txt",
            "vm-ed25519.json",
            "credential_jose",
            "signature",
        ),
        (
            "credential-jose-vc-vp-claims.txt",
            "vm-ed25519.json",
            "credential_jose",
            "\"vc\"",
        ),
        (
            "credential-minimal.json",
            "vm-ed25519.json",
            "credential_jose",
            "compact JWS",
        ),
        (
            "presentation-jose-bad-credential.txt",
            "vm-ed25519.json",
            "presentation_jose",
            "data: URL",
        ),
        (
            "credential-cose-bad-media-type.txt",
            "vm-p384.json",
            "credential_cose",
            "typ",
        ),
        (
            "credential-sdjwt-bad-media-type.txt",
            "vm-ed25519.json",
            "credential_sdjwt",
            "typ",
        ),
    ] {
        let (code, result) = run("verify", input, key, feature, None);
        assert_eq!(result["result"], "failure", "{input}: {result}");
        assert!(
            result["data"].as_str().unwrap().contains(words),
            "{input}: {result}"
        );
        assert_eq!(code, 1, "{input}");
    }
}

#[test]
fn an_unreadable_key_is_an_error_result_and_exit_2() {
    let (code, result) = run(
        "verify",
        "credential-jose-minimal.txt",
        "no-such-key.json",
        "credential_jose",
        None,
    );
    assert_eq!(result["result"], "error", "{result}");
    assert_eq!(code, 2);
}
