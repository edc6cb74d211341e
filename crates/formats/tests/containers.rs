//! Containers the example set does not hold as files (presentations, envelopes, arrays, JSON
//! Lines, zip archives, endorsement JWTs, JWT wrappers), built around the real examples.

use base64::Engine as _;
use credbridge_formats::{Error, JwsKind, Limits, Payload, decode_bytes, decode_path};
use serde_json::{Value, json};

use crate::{decode_all, decode_ok, example, example_str, summary, unsigned_jws, zip_of};

const VC2_JSON: &str = "1edtech-validator/ob30/simple.json";
const VC2_JWT: &str = "1edtech-validator-derived/ob30-vcjwt-vcdm2-from-simple-jwt.png.jwt";
const VC11_JWT: &str = "1edtech-validator-derived/ob30-vcjwt-vcdm11-from-simple-jwt_v1.png.jwt";

fn value_of(relative: &str) -> Value {
    serde_json::from_slice(&example(relative)).unwrap()
}

#[test]
fn presentation_yields_itself_and_each_credential_in_every_form() {
    let vc_json = value_of(VC2_JSON);
    let vc_jwt = example_str(VC2_JWT);
    let b64 = base64::engine::general_purpose::STANDARD.encode(example(VC2_JSON));
    // VCDM 2.0 §4.12/§4.13: embedded object, enveloped JWT, enveloped base64 JSON-LD; plus a
    // bare JWT string as VCDM 1.1-era wallets send them.
    let vp = json!({
        "@context": ["https://www.w3.org/ns/credentials/v2"],
        "type": ["VerifiablePresentation"],
        "verifiableCredential": [
            vc_json,
            vc_jwt,
            {"@context": ["https://www.w3.org/ns/credentials/v2"], "type": "EnvelopedVerifiableCredential",
             "id": format!("data:application/vc+jwt,{vc_jwt}")},
            {"@context": ["https://www.w3.org/ns/credentials/v2"], "type": ["EnvelopedVerifiableCredential"],
             "id": format!("data:application/vc+ld+json;base64,{b64}")},
        ]
    });
    let bytes = serde_json::to_vec_pretty(&vp).unwrap();
    let results = decode_all(&bytes, "vp.json");
    assert_eq!(
        summary(&results),
        [
            "vp.json | json | json",
            "vp.json#/verifiableCredential/0 | json > vp | json",
            "vp.json#/verifiableCredential/1 | json > vp > jwt | jws:VcJose",
            "vp.json#/verifiableCredential/2 | json > vp > data:application/vc+jwt > jwt | jws:VcJose",
            "vp.json#/verifiableCredential/3 | json > vp > data:application/vc+ld+json > json | json",
        ]
    );
    // The base64 envelope's raw bytes are the original file's bytes.
    let Ok(item) = &results[4] else { panic!() };
    let Payload::Json { raw, .. } = &item.payload else {
        panic!()
    };
    assert_eq!(&raw[..], example(VC2_JSON).trim_ascii());
}

#[test]
fn vp_jwt_and_enveloped_presentation() {
    let vc_jwt = example_str(VC11_JWT);
    let claims = json!({"iss": "did:example:holder", "vp": {
        "@context": ["https://www.w3.org/2018/credentials/v1"],
        "type": ["VerifiablePresentation"],
        "verifiableCredential": [vc_jwt]
    }});
    let vp_jwt = unsigned_jws(
        &json!({"alg": "none", "typ": "JWT"}),
        &serde_json::to_vec(&claims).unwrap(),
    );
    assert_eq!(
        summary(&decode_all(vp_jwt.as_bytes(), "vp.jwt")),
        [
            "vp.jwt | jwt | jws:VpJwt11",
            "vp.jwt#/vp/verifiableCredential/0 | jwt > vp > jwt | jws:VcJwt11",
        ]
    );
    // VC-JOSE presentation whose credential is enveloped, inside an enveloped presentation.
    let vc_jwt2 = example_str(VC2_JWT);
    let vp_claims = json!({
        "@context": ["https://www.w3.org/ns/credentials/v2"],
        "type": "VerifiablePresentation",
        "verifiableCredential": {"@context": ["https://www.w3.org/ns/credentials/v2"],
            "type": "EnvelopedVerifiableCredential", "id": format!("data:application/vc+jwt,{vc_jwt2}")}
    });
    let vp_jose = unsigned_jws(
        &json!({"alg": "none", "typ": "vp+jwt"}),
        &serde_json::to_vec(&vp_claims).unwrap(),
    );
    let envelope = json!({"@context": ["https://www.w3.org/ns/credentials/v2"],
        "type": "EnvelopedVerifiablePresentation", "id": format!("data:application/vp+jwt,{vp_jose}")});
    assert_eq!(
        summary(&decode_all(
            &serde_json::to_vec(&envelope).unwrap(),
            "env.json"
        )),
        [
            "env.json | data:application/vp+jwt > jwt | jws:VpJose",
            "env.json#/verifiableCredential | data:application/vp+jwt > jwt > vp > data:application/vc+jwt > jwt | jws:VcJose",
        ]
    );
}

#[test]
fn jwt_wrapped_in_a_one_key_object() {
    let vc_jwt = example_str(VC11_JWT);
    for key in ["jwt", "credential", "vc"] {
        let wrapped = serde_json::to_vec(&json!({ key: vc_jwt })).unwrap();
        assert_eq!(
            summary(&decode_all(&wrapped, "w.json")),
            ["w.json | jwt-in-object > jwt | jws:VcJwt11"]
        );
    }
    // Two keys: not a wrapper, and no credential shape either.
    let two = serde_json::to_vec(&json!({"jwt": vc_jwt, "x": 1})).unwrap();
    assert_eq!(
        summary(&decode_all(&two, "w.json")),
        ["ERR NotACredentialContainer @ w.json"]
    );
}

#[test]
fn endorsement_jwts_inside_a_credential_become_items() {
    let endorsement = example("1edtech-spec-examples/endorsementcredential.json");
    let endorsement_jwt = unsigned_jws(&json!({"alg": "none"}), &endorsement);
    let mut credential = value_of("1edtech-spec-examples/complete-openbadgecredential.json");
    credential["endorsementJwt"] = json!([endorsement_jwt]);
    credential["credentialSubject"]["achievement"]["endorsementJwt"] =
        json!([endorsement_jwt, "not-a-jws"]);
    credential["issuer"]["endorsementJwt"] = json!([endorsement_jwt]);
    let results = decode_all(&serde_json::to_vec(&credential).unwrap(), "c.json");
    // In document order: credentialSubject comes before issuer; the new top-level member last.
    assert_eq!(
        summary(&results),
        [
            "c.json | json | json",
            "c.json#/credentialSubject/achievement/endorsementJwt/0 | json > endorsement > jwt | jws:VcJose",
            "ERR JwsMalformed @ c.json#/credentialSubject/achievement/endorsementJwt/1",
            "c.json#/issuer/endorsementJwt/0 | json > endorsement > jwt | jws:VcJose",
            "c.json#/endorsementJwt/0 | json > endorsement > jwt | jws:VcJose",
        ]
    );
}

#[test]
fn clr_with_many_inner_credentials_keeps_each_ones_bytes() {
    let inner = String::from_utf8(example(VC2_JSON)).unwrap();
    let count = 400;
    // Each inner credential written differently, so the exact bytes can be told apart.
    let entries: Vec<String> = (0..count)
        .map(|i| {
            inner
                .replacen("\"id\"", &format!("{}\"id\"", " ".repeat(i % 7)), 1)
                .replace("3527", &i.to_string())
        })
        .collect();
    let clr = format!(
        r#"{{"type": ["VerifiableCredential", "ClrCredential"], "credentialSubject": {{"type": "ClrSubject", "verifiableCredential": [{}]}}}}"#,
        entries.join(",\n")
    );
    let items = decode_ok(clr.as_bytes(), "clr.json");
    assert_eq!(items.len(), count + 1);
    for (i, item) in items[1..].iter().enumerate() {
        assert_eq!(
            item.path.to_string(),
            format!("clr.json#/credentialSubject/verifiableCredential/{i}")
        );
        let Payload::Json { raw, .. } = &item.payload else {
            panic!()
        };
        assert_eq!(
            std::str::from_utf8(raw).unwrap(),
            entries[i].trim(),
            "entry {i}"
        );
    }
}

#[test]
fn api_response_bodies() {
    // OB 3.0 GetOpenBadgeCredentialsResponse (§6.2): `credential[]` and `compactJwsString[]`.
    let response = json!({
        "credential": [value_of(VC2_JSON)],
        "compactJwsString": [example_str(VC2_JWT), example_str(VC11_JWT)],
    });
    assert_eq!(
        summary(&decode_all(
            &serde_json::to_vec(&response).unwrap(),
            "r.json"
        )),
        [
            "r.json#/credential/0 | api | json",
            "r.json#/compactJwsString/0 | api > jwt | jws:VcJose",
            "r.json#/compactJwsString/1 | api > jwt | jws:VcJwt11",
        ]
    );
    // VC-API request/response body: {"verifiableCredential": {...}, "options": {...}}.
    let body =
        json!({"verifiableCredential": value_of(VC2_JSON), "options": {"checks": ["proof"]}});
    assert_eq!(
        summary(&decode_all(&serde_json::to_vec(&body).unwrap(), "b.json")),
        ["b.json#/verifiableCredential | api | json"]
    );
}

#[test]
fn json_array_of_credentials() {
    let array = format!(
        "[{}, \"{}\", {{\"name\": \"no type\"}}, 42]",
        String::from_utf8(example(VC2_JSON)).unwrap(),
        example_str(VC11_JWT)
    );
    let results = decode_all(array.as_bytes(), "all.json");
    assert_eq!(
        summary(&results),
        [
            "all.json#/0 | array | json",
            "all.json#/1 | array > jwt | jws:VcJwt11",
            "ERR NotACredentialContainer @ all.json#/2",
            "ERR NotACredentialContainer @ all.json#/3",
        ]
    );
    let Ok(first) = &results[0] else { panic!() };
    let Payload::Json { raw, .. } = &first.payload else {
        panic!()
    };
    assert_eq!(
        &raw[..],
        example(VC2_JSON).trim_ascii(),
        "array elements keep their exact bytes"
    );
}

#[test]
fn json_lines_with_a_broken_line() {
    let one_line = |relative: &str| serde_json::to_string(&value_of(relative)).unwrap();
    let text = format!(
        "{}\n{{\"broken\": \n\n{}\r\n\"{}\"\n",
        one_line(VC2_JSON),
        one_line("1edtech-validator/clr20/simple.json"),
        example_str(VC2_JWT)
    );
    let results = decode_all(text.as_bytes(), "creds.jsonl");
    assert_eq!(
        summary(&results),
        [
            "creds.jsonl:1 | lines | json",
            "ERR InvalidJson @ creds.jsonl:2",
            "creds.jsonl:4 | lines | json",
            "creds.jsonl:4#/credentialSubject/verifiableCredential/0 | lines > clr | json",
            "creds.jsonl:5 | lines > jwt | jws:VcJose",
        ]
    );
    // A pretty-printed document followed by garbage is not JSON Lines.
    let trailing = format!("{}\n{{}}", String::from_utf8(example(VC2_JSON)).unwrap());
    match &decode_all(trailing.as_bytes(), "x.json")[..] {
        [Err(Error::InvalidJson { message, .. })] => assert_eq!(message, "trailing characters"),
        other => panic!("{other:?}"),
    }
}

#[test]
fn zip_archives_stream_entries_and_nest() {
    let png = example("1edtech-validator/ob30/simple-jwt.png");
    let inner = zip_of(&[("deep/x.jwt", example_str(VC11_JWT).as_bytes(), true)]);
    let archive = zip_of(&[
        ("creds/", b"", false),
        ("creds/a.json", &example(VC2_JSON), true),
        (
            "creds/clr.json",
            &example("1edtech-validator/clr20/simple.json"),
            true,
        ),
        ("badge.png", &png, false),
        ("inner.zip", &inner, false),
        ("notes.txt", b"hello", true),
    ]);
    let results = decode_all(&archive, "bundle.zip");
    assert_eq!(
        summary(&results),
        [
            "bundle.zip!creds/a.json | zip > json | json",
            "bundle.zip!creds/clr.json | zip > json | json",
            "bundle.zip!creds/clr.json#/credentialSubject/verifiableCredential/0 | zip > json > clr | json",
            "bundle.zip!badge.png | zip > png:iTXt:openbadgecredential > jwt | jws:VcJose",
            "bundle.zip!inner.zip!deep/x.jwt | zip > zip > jwt | jws:VcJwt11",
            "ERR NotACredentialContainer @ bundle.zip!notes.txt",
        ]
    );
    // The same archive on disk is streamed from the file.
    let dir = crate::scratch_dir("zip-on-disk");
    std::fs::write(dir.join("bundle.zip"), &archive).unwrap();
    let from_disk: Vec<_> = decode_path(&dir.join("bundle.zip"), &Limits::default()).collect();
    assert_eq!(from_disk.len(), results.len());
    assert!(
        from_disk[0]
            .as_ref()
            .unwrap()
            .path
            .to_string()
            .ends_with("bundle.zip!creds/a.json")
    );
}

#[test]
fn corrupt_zip_is_one_error() {
    let mut archive = zip_of(&[("a.json", &example(VC2_JSON), true)]);
    let len = archive.len();
    archive.truncate(len - 10);
    let results = decode_all(&archive, "bad.zip");
    assert_eq!(summary(&results), ["ERR ZipMalformed @ bad.zip"]);
}

#[test]
fn baked_url_in_a_legacy_text_chunk() {
    // Pre-spec OB 1.x PNGs carried the hosted assertion URL in tEXt:openbadges.
    let png = example("ob20-baking-mozilla-bakery/unbaked.png");
    let data = b"openbadges\0https://example.org/assertions/1.json";
    let mut chunk = (data.len() as u32).to_be_bytes().to_vec();
    chunk.extend_from_slice(b"tEXt");
    chunk.extend_from_slice(data);
    let mut hasher = crc32fast::Hasher::new();
    hasher.update(b"tEXt");
    hasher.update(data);
    chunk.extend_from_slice(&hasher.finalize().to_be_bytes());
    let mut baked = png[..33].to_vec(); // signature + IHDR
    baked.extend_from_slice(&chunk);
    baked.extend_from_slice(&png[33..]);
    let items = decode_ok(&baked, "old.png");
    assert_eq!(crate::codes(&items[0]), "png:tEXt:openbadges");
    assert_eq!(
        items[0].payload,
        Payload::Url {
            url: "https://example.org/assertions/1.json".into()
        }
    );
}

#[test]
fn data_url_defects_are_reported() {
    for (id, expected) in [
        ("https://example.org/vc", "ERR DataUrlMalformed @ e.json"),
        ("data:application/vc+jwt", "ERR DataUrlMalformed @ e.json"),
        (
            "data:application/vc;base64,!!!",
            "ERR DataUrlMalformed @ e.json",
        ),
        (
            "data:application/vc+jwt,eyJhbGciOiJub25lIn0",
            "ERR JwsMalformed @ e.json",
        ),
        (
            "data:application/vc+ld+json,%7B%22type%22%3A%22VerifiableCredential%22%7D",
            "e.json | data:application/vc+ld+json > json | json",
        ),
    ] {
        let envelope = json!({"type": "EnvelopedVerifiableCredential", "id": id});
        let results = decode_all(&serde_json::to_vec(&envelope).unwrap(), "e.json");
        assert_eq!(summary(&results), [expected], "{id}");
    }
}

#[test]
fn jws_kind_and_credential_follow_the_payload() {
    let items = decode_ok(example_str(VC11_JWT).as_bytes(), "a.jwt");
    let Payload::Jws {
        kind,
        claims,
        credential,
        header,
        ..
    } = &items[0].payload
    else {
        panic!()
    };
    assert_eq!(*kind, JwsKind::VcJwt11);
    assert_eq!(credential.as_ref(), claims.get("vc"));
    assert_eq!(header["alg"], "RS256");
    assert!(claims.get("jti").is_some() && claims.get("nbf").is_some());
    let items = decode_ok(example_str(VC2_JWT).as_bytes(), "b.jwt");
    let Payload::Jws {
        kind,
        claims,
        credential,
        ..
    } = &items[0].payload
    else {
        panic!()
    };
    assert_eq!(*kind, JwsKind::VcJose);
    assert_eq!(credential.as_ref(), Some(claims));
    assert_eq!(
        items[0].credential_json().unwrap()["type"][1],
        "OpenBadgeCredential"
    );
}

#[test]
fn decode_bytes_collects_into_a_result() {
    let ok: Result<Vec<_>, _> = decode_bytes(&example(VC2_JSON), "a", &Limits::default()).collect();
    assert_eq!(ok.unwrap().len(), 1);
    let err: Result<Vec<_>, _> = decode_bytes(b"\x00\x01binary", "b", &Limits::default()).collect();
    match err {
        Err(Error::NotACredentialContainer { found, path }) => {
            assert_eq!(path.to_string(), "b");
            // Four bytes name a file type by its magic number; more would quote the content.
            assert_eq!(found, "binary data starting with 00 01 62 69");
        }
        other => panic!("{other:?}"),
    }
}
