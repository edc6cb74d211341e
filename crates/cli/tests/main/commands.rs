//! The other commands: inspect, canonize, sign (then verify), and usage errors.

use crate::common::*;

#[test]
fn inspect_detects_containers_and_reports_schema_findings() {
    let out = credbridge(&[
        "inspect",
        "--json",
        "testdata/examples/1edtech-spec-examples/complete-openbadgecredential.json",
    ]);
    assert_eq!(out.status.code(), Some(0));
    let line = &json_lines(&out)[0];
    assert_eq!(line["summary"]["format"], "OpenBadges3");
    assert_eq!(line["schema"]["verdict"], "pass");

    // A folder: one JSON line per item, errors included, exit code 2 for unreadable files.
    let out = credbridge(&[
        "inspect",
        "--json",
        "testdata/examples/1edtech-spec-test-vectors",
    ]);
    let lines = json_lines(&out);
    assert!(lines.len() >= 4, "{lines:?}");
    assert!(lines.iter().any(|l| l.get("error").is_some()));
    assert_eq!(out.status.code(), Some(2));
}

#[test]
fn canonize_reproduces_the_ob3_vector_byte_for_byte() {
    let dir = tempdir("canon");
    let vectors: Value = serde_json::from_slice(
        &std::fs::read(repo().join("testdata/vectors/openbadges-3.0/eddsa-rdfc-2022-vectors.json"))
            .unwrap(),
    )
    .unwrap();
    let signed = dir.join("signed.json");
    std::fs::write(&signed, vectors["obv3p0"]["signedCredential"].to_string()).unwrap();
    let document = credbridge(&["canonize", signed.to_str().unwrap()]);
    assert_eq!(document.status.code(), Some(0));
    let expected = std::fs::read_to_string(
        repo().join("testdata/vectors/openbadges-3.0/obv3p0/document-canon.txt"),
    )
    .unwrap();
    assert_eq!(stdout(&document), expected);
    let proof = credbridge(&["canonize", "--proof", signed.to_str().unwrap()]);
    let expected = std::fs::read_to_string(
        repo().join("testdata/vectors/openbadges-3.0/obv3p0/proof-canon.txt"),
    )
    .unwrap();
    assert_eq!(stdout(&proof), expected);
}

fn sign_and_verify(dir: &Path, key_type: &str, suite: &str) {
    let key = dir.join(format!("{key_type}-{suite}.jwk"));
    let generated = credbridge(&[
        "keys",
        "generate",
        "--type",
        key_type,
        "-o",
        key.to_str().unwrap(),
    ]);
    assert_eq!(
        generated.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&generated.stderr)
    );
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        let mode = std::fs::metadata(&key).unwrap().permissions().mode();
        assert_eq!(mode & 0o077, 0, "secret key must not be readable by others");
    }
    let info = credbridge(&[
        "keys",
        "generate",
        "--type",
        key_type,
        "--json",
        "-o",
        dir.join(format!("x-{key_type}-{suite}.jwk"))
            .to_str()
            .unwrap(),
    ]);
    assert_eq!(info.status.code(), Some(0));

    // The issuer must be the key's DID for the key binding to hold: read it from the JWK.
    let jwk: Value = serde_json::from_slice(&std::fs::read(&key).unwrap()).unwrap();
    assert!(jwk.get("d").is_some());
    let unsigned = dir.join(format!("unsigned-{key_type}-{suite}.json"));
    let signed = dir.join(format!("signed-{key_type}-{suite}.json"));
    let mut credential: Value = serde_json::from_slice(
        &std::fs::read(
            repo().join("testdata/examples/1edtech-spec-examples/basic-openbadgecredential.json"),
        )
        .unwrap(),
    )
    .unwrap();
    // Sign once to learn the verification method the CLI picks, then set the issuer to its DID.
    std::fs::write(&unsigned, credential.to_string()).unwrap();
    let first = credbridge(&[
        "sign",
        unsigned.to_str().unwrap(),
        "--key",
        key.to_str().unwrap(),
        "--suite",
        suite,
    ]);
    assert_eq!(
        first.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&first.stderr)
    );
    let did = if suite.starts_with("vc-") {
        let token = stdout(&first);
        let header = token.split('.').next().unwrap();
        let header: Value = serde_json::from_slice(&base64_url_decode(header)).unwrap();
        header["kid"]
            .as_str()
            .unwrap()
            .split('#')
            .next()
            .unwrap()
            .to_owned()
    } else {
        let value: Value = serde_json::from_str(&stdout(&first)).unwrap();
        value["proof"]["verificationMethod"]
            .as_str()
            .unwrap()
            .split('#')
            .next()
            .unwrap()
            .to_owned()
    };
    credential["issuer"]["id"] = Value::String(did);
    std::fs::write(&unsigned, credential.to_string()).unwrap();
    let out = credbridge(&[
        "sign",
        unsigned.to_str().unwrap(),
        "--key",
        key.to_str().unwrap(),
        "--suite",
        suite,
        "-o",
        signed.to_str().unwrap(),
    ]);
    assert_eq!(out.status.code(), Some(0));
    let verified = credbridge(&["verify", "--offline", "--json", signed.to_str().unwrap()]);
    let report = &json_lines(&verified)[0];
    // A key made a moment ago is genuine but nobody confirms who holds it: valid with warnings.
    assert_eq!(
        report["verdict"], "valid-with-warnings",
        "{key_type} {suite}: {report:#}"
    );
    let proof = report["checks"]
        .as_array()
        .unwrap()
        .iter()
        .find(|c| c["id"] == "proof")
        .unwrap();
    assert_eq!(proof["outcome"], "passed", "{key_type} {suite}: {report:#}");
    assert_eq!(verified.status.code(), Some(0));
}

fn base64_url_decode(text: &str) -> Vec<u8> {
    const ALPHABET: &[u8] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";
    let mut bits = 0u32;
    let mut count = 0;
    let mut out = Vec::new();
    for byte in text.bytes() {
        let value = ALPHABET.iter().position(|&c| c == byte).unwrap() as u32;
        bits = (bits << 6) | value;
        count += 6;
        if count >= 8 {
            count -= 8;
            out.push((bits >> count) as u8);
        }
    }
    out
}

#[test]
fn sign_then_verify_every_suite_and_key_type() {
    let dir = tempdir("sign");
    for (key_type, suite) in [
        ("ed25519", "eddsa-rdfc-2022"),
        ("ed25519", "eddsa-jcs-2022"),
        ("ed25519", "Ed25519Signature2020"),
        ("p256", "ecdsa-rdfc-2019"),
        ("p384", "ecdsa-rdfc-2019"),
        ("p256", "ecdsa-jcs-2019"),
        ("ed25519", "vc-jose"),
        ("p256", "vc-jose"),
        ("rsa", "vc-jose"),
    ] {
        sign_and_verify(&dir, key_type, suite);
    }
}

#[test]
fn bad_usage_exits_with_code_2() {
    let out = credbridge(&["verify"]);
    assert_eq!(out.status.code(), Some(2));
    let out = credbridge(&[
        "sign",
        "examples/ob3-eddsa-rdfc-2022.json",
        "--key",
        "nope.jwk",
        "--suite",
        "eddsa-rdfc-2022",
    ]);
    assert_eq!(out.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&out.stderr).contains("nope.jwk"));
}

/// A presentation we sign is a holder's authentication, and verifies (issue 12: it used to be
/// reported as tampered, because it was signed for `assertionMethod`).
#[test]
fn a_presentation_signed_by_credbridge_verifies() {
    let dir = tempdir("sign-vp");
    let key = dir.join("holder.jwk");
    let out = credbridge(&[
        "keys",
        "generate",
        "--type",
        "ed25519",
        "-o",
        key.to_str().unwrap(),
    ]);
    assert_eq!(out.status.code(), Some(0));
    let credential: serde_json::Value = serde_json::from_slice(
        &std::fs::read(repo().join("examples/ob3-eddsa-rdfc-2022.json")).unwrap(),
    )
    .unwrap();
    let vp = serde_json::json!({
        "@context": ["https://www.w3.org/ns/credentials/v2"],
        "type": ["VerifiablePresentation"],
        "verifiableCredential": [credential]
    });
    let unsigned = dir.join("vp.json");
    std::fs::write(&unsigned, vp.to_string()).unwrap();
    let signed = dir.join("vp-signed.json");
    let out = credbridge(&[
        "sign",
        unsigned.to_str().unwrap(),
        "--key",
        key.to_str().unwrap(),
        "--suite",
        "eddsa-rdfc-2022",
        "-o",
        signed.to_str().unwrap(),
    ]);
    assert_eq!(
        out.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let written: serde_json::Value =
        serde_json::from_slice(&std::fs::read(&signed).unwrap()).unwrap();
    assert_eq!(written["proof"]["proofPurpose"], "authentication");
    let verified = credbridge(&["verify", "--offline", "--json", signed.to_str().unwrap()]);
    let reports = json_lines(&verified);
    let presentation = reports
        .iter()
        .find(|r| r["format"] == "VerifiablePresentation")
        .unwrap();
    assert_eq!(presentation["verdict"], "valid", "{presentation:#}");
    assert_eq!(verified.status.code(), Some(0));
}
