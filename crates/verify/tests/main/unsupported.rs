//! SD-JWT and COSE credentials: recognised, reported as not supported yet (indeterminate, a
//! `format.supported` check that names the format), never "unreadable" and never "valid".
//!
//! The inputs are built per the specifications and signed with a fresh P-256 key:
//! - SD-JWT VC (draft-ietf-oauth-sd-jwt-vc, RFC 9901): an issuer-signed JWT with `typ`
//!   `dc+sd-jwt` (or `vc+sd-jwt`), `_sd` digests (base64url SHA-256 of each disclosure) and
//!   `_sd_alg`, then `~`-separated disclosures `[salt, name, value]`, ending in `~` or in a
//!   key-binding JWT (`typ` `kb+jwt`, with `sd_hash`).
//! - COSE_Sign1 (RFC 9052 §4.2, VC-JOSE-COSE §3.3): tag 18 around `[protected, unprotected,
//!   payload, signature]`, protected header `{1: -7 (ES256), 3: "application/vc", 16:
//!   "application/vc+cose"}`, signed over `Sig_structure = ["Signature1", protected, h'',
//!   payload]`.

use base64::Engine as _;
use base64::engine::general_purpose::{STANDARD, URL_SAFE_NO_PAD};
use credbridge_formats::{Limits, Payload, UnsupportedFormat, decode_bytes};
use credbridge_keys::{Algorithm, KeyType, SecretKey};
use credbridge_verify::{Outcome, Verdict, verify_item};
use serde_json::{Value, json};

use crate::common::{assert_in_table, offline_options};

const NOW: i64 = 1_790_000_000;

fn b64(bytes: &[u8]) -> String {
    URL_SAFE_NO_PAD.encode(bytes)
}

fn jwt(key: &SecretKey, header: &Value, claims: &Value) -> String {
    let input = format!(
        "{}.{}",
        b64(&serde_json::to_vec(header).unwrap()),
        b64(&serde_json::to_vec(claims).unwrap())
    );
    let signature = key.sign(Algorithm::Es256, input.as_bytes()).unwrap();
    format!("{input}.{}", b64(&signature))
}

/// An SD-JWT VC with two disclosures, and a key-binding JWT when `key_binding`.
pub fn sd_jwt(typ: &str, key_binding: bool) -> String {
    let issuer = SecretKey::generate(KeyType::P256).unwrap();
    let disclosures: Vec<String> = [
        json!(["2GLC42sKQveCfGfryNRN9w", "given_name", "Jordan"]),
        json!([
            "eluV5Og3gSNII8EYnsxA_A",
            "achievement",
            "Data Analysis with Python"
        ]),
    ]
    .iter()
    .map(|d| b64(&serde_json::to_vec(d).unwrap()))
    .collect();
    let digests: Vec<String> = disclosures
        .iter()
        .map(|d| b64(&credbridge_fetch::sha256(d.as_bytes())))
        .collect();
    let claims = json!({
        "iss": "https://issuer.example.edu",
        "iat": 1_780_000_000,
        "vct": "https://credentials.example.edu/course-completion",
        "_sd": digests,
        "_sd_alg": "sha-256",
        "cnf": {"jwk": {"kty": "EC", "crv": "P-256",
            "x": "TCAER19Zvu3OHF4j4W4vfSVoHIP1ILilDls7vCeGemc",
            "y": "ZxjiWWbZMQGHVWKVQ4hbSIirsVfuecCE6t4jT9F2HZQ"}}
    });
    let header = json!({"alg": "ES256", "typ": typ, "kid": "issuer-key-1"});
    let mut sd = jwt(&issuer, &header, &claims);
    for d in &disclosures {
        sd.push('~');
        sd.push_str(d);
    }
    sd.push('~');
    if key_binding {
        let holder = SecretKey::generate(KeyType::P256).unwrap();
        let sd_hash = b64(&credbridge_fetch::sha256(sd.as_bytes()));
        let kb = jwt(
            &holder,
            &json!({"alg": "ES256", "typ": "kb+jwt"}),
            &json!({"nonce": "1234567890", "aud": "https://verifier.example", "iat": 1_780_000_100, "sd_hash": sd_hash}),
        );
        sd.push_str(&kb);
    }
    sd
}

/// CBOR head: major type `major` with argument `n`.
fn cbor_head(major: u8, n: u64, out: &mut Vec<u8>) {
    let m = major << 5;
    match n {
        0..=23 => out.push(m | n as u8),
        24..=0xff => out.extend([m | 24, n as u8]),
        0x100..=0xffff => {
            out.push(m | 25);
            out.extend((n as u16).to_be_bytes());
        }
        _ => {
            out.push(m | 26);
            out.extend((n as u32).to_be_bytes());
        }
    }
}

fn cbor_bytes(bytes: &[u8], out: &mut Vec<u8>) {
    cbor_head(2, bytes.len() as u64, out);
    out.extend(bytes);
}

fn cbor_text(text: &str, out: &mut Vec<u8>) {
    cbor_head(3, text.len() as u64, out);
    out.extend(text.as_bytes());
}

/// A COSE_Sign1 (tag 18) over a VCDM 2.0 credential, signed with ES256.
pub fn cose_sign1() -> Vec<u8> {
    let key = SecretKey::generate(KeyType::P256).unwrap();
    let credential = json!({
        "@context": ["https://www.w3.org/ns/credentials/v2"],
        "type": ["VerifiableCredential"],
        "issuer": "https://issuer.example.edu",
        "validFrom": "2026-01-01T00:00:00Z",
        "credentialSubject": {"id": "did:example:learner", "name": "Jordan"}
    });
    let payload = serde_json::to_vec(&credential).unwrap();
    // Protected header {1: -7, 3: "application/vc", 16: "application/vc+cose"}.
    let mut protected = Vec::new();
    cbor_head(5, 3, &mut protected);
    cbor_head(0, 1, &mut protected);
    cbor_head(1, 6, &mut protected); // -7
    cbor_head(0, 3, &mut protected);
    cbor_text("application/vc", &mut protected);
    cbor_head(0, 16, &mut protected);
    cbor_text("application/vc+cose", &mut protected);
    // Sig_structure = ["Signature1", protected, external_aad h'', payload].
    let mut to_sign = Vec::new();
    cbor_head(4, 4, &mut to_sign);
    cbor_text("Signature1", &mut to_sign);
    cbor_bytes(&protected, &mut to_sign);
    cbor_bytes(&[], &mut to_sign);
    cbor_bytes(&payload, &mut to_sign);
    let signature = key.sign(Algorithm::Es256, &to_sign).unwrap();
    let mut message = vec![0xd2];
    cbor_head(4, 4, &mut message);
    cbor_bytes(&protected, &mut message);
    // Unprotected header {4 (kid): h'6b6579'}.
    cbor_head(5, 1, &mut message);
    cbor_head(0, 4, &mut message);
    cbor_bytes(b"key", &mut message);
    cbor_bytes(&payload, &mut message);
    cbor_bytes(&signature, &mut message);
    message
}

fn only_item(bytes: &[u8], name: &str) -> credbridge_formats::Item {
    let mut items: Vec<_> = decode_bytes(bytes, name, &Limits::default()).collect();
    assert_eq!(items.len(), 1, "{items:?}");
    items.remove(0).unwrap_or_else(|e| panic!("{name}: {e}"))
}

fn assert_unsupported(bytes: &[u8], name: &str, format: UnsupportedFormat, detail_has: &str) {
    let item = only_item(bytes, name);
    let Payload::Unsupported {
        format: found,
        detail,
    } = &item.payload
    else {
        panic!("{name}: {:?}", item.payload);
    };
    assert_eq!(*found, format, "{name}");
    assert!(detail.contains(detail_has), "{name}: {detail}");

    let report = verify_item(&item, &offline_options(NOW));
    assert_in_table(&report);
    assert_eq!(
        report.verdict,
        Verdict::Indeterminate,
        "{name}: {report:#?}"
    );
    let check = report
        .checks
        .iter()
        .find(|c| c.id == "format.supported")
        .unwrap();
    let Outcome::CouldNotCheck(reason) = &check.outcome else {
        panic!("{name}: {check:?}");
    };
    assert!(reason.contains("not yet supported"), "{reason}");
    assert!(
        check.message.contains(format.display_name()),
        "{}",
        check.message
    );
    assert_eq!(check.evidence["format"], format.machine_name());
    assert_eq!(check.evidence["media_type"], format.media_type());
    assert_eq!(report.format_name, format.display_name());
    let json = serde_json::to_value(&report).unwrap();
    assert!(
        json.get("disposition").is_none(),
        "read, not unreadable: {json}"
    );
}

#[test]
fn sd_jwt_credentials_are_recognised_and_not_supported() {
    let dc = sd_jwt("dc+sd-jwt", false);
    assert_unsupported(
        dc.as_bytes(),
        "pid.sd-jwt",
        UnsupportedFormat::SdJwt,
        "typ dc+sd-jwt, 2 disclosures",
    );
    let vc = sd_jwt("vc+sd-jwt", true);
    assert_unsupported(
        vc.as_bytes(),
        "vc.sd-jwt",
        UnsupportedFormat::SdJwt,
        "with a key-binding JWT",
    );
    // Without a typ, the `_sd` digests say what it is.
    let untyped = sd_jwt("JWT", false);
    assert_unsupported(
        untyped.as_bytes(),
        "untyped.txt",
        UnsupportedFormat::SdJwt,
        "typ JWT",
    );
    // Enveloped (VCDM 2.0 §4.13) in a data: URL.
    let enveloped = json!({
        "@context": ["https://www.w3.org/ns/credentials/v2"],
        "type": "EnvelopedVerifiableCredential",
        "id": format!("data:application/vc+sd-jwt,{vc}")
    });
    let bytes = serde_json::to_vec(&enveloped).unwrap();
    let items: Vec<_> = decode_bytes(&bytes, "enveloped.json", &Limits::default())
        .map(Result::unwrap)
        .collect();
    assert!(
        items.iter().any(|i| matches!(
            i.payload,
            Payload::Unsupported {
                format: UnsupportedFormat::SdJwt,
                ..
            }
        )),
        "{items:?}"
    );
}

#[test]
fn cose_sign1_credentials_are_recognised_and_not_supported() {
    let cose = cose_sign1();
    assert_unsupported(
        &cose,
        "credential.cose",
        UnsupportedFormat::Cose,
        "COSE_Sign1 (CBOR tag 18), typ application/vc+cose, content type application/vc",
    );
    // Self-described CBOR first (tag 55799).
    let mut described = vec![0xd9, 0xd9, 0xf7];
    described.extend(&cose);
    assert_unsupported(
        &described,
        "described.cbor",
        UnsupportedFormat::Cose,
        "tag 18",
    );
    // Untagged: the protected header map is what tells it apart.
    assert_unsupported(
        &cose[1..],
        "untagged.cose",
        UnsupportedFormat::Cose,
        "untagged",
    );
    // Enveloped in a base64 data: URL.
    let enveloped = json!({
        "@context": ["https://www.w3.org/ns/credentials/v2"],
        "type": "EnvelopedVerifiableCredential",
        "id": format!("data:application/vc+cose;base64,{}", STANDARD.encode(&cose))
    });
    let bytes = serde_json::to_vec(&enveloped).unwrap();
    let items: Vec<_> = decode_bytes(&bytes, "enveloped.json", &Limits::default())
        .map(Result::unwrap)
        .collect();
    assert!(
        items.iter().any(|i| matches!(
            i.payload,
            Payload::Unsupported {
                format: UnsupportedFormat::Cose,
                ..
            }
        )),
        "{items:?}"
    );
}

#[test]
fn damaged_sd_jwt_and_other_cbor_stay_unreadable() {
    // A `~` after something that is no JWT: still a malformed token, not an SD-JWT.
    let err = decode_bytes(b"eyJub3QtanNvbg~abc~", "bad.txt", &Limits::default())
        .next()
        .unwrap()
        .unwrap_err();
    assert!(
        err.to_string().contains("SD-JWT") || err.to_string().contains("malformed"),
        "{err}"
    );
    // A CBOR array of three is not COSE_Sign1.
    let err = decode_bytes(
        &[0xd2, 0x83, 0x40, 0xa0, 0xf6],
        "three.cbor",
        &Limits::default(),
    )
    .next()
    .unwrap()
    .unwrap_err();
    assert!(
        err.to_string().contains("not a credential container"),
        "{err}"
    );
}
