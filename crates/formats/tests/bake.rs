//! Baking into real badge images and taking the credential out again, byte for byte.

use credbridge_formats::{
    BakeFamily, BakePayload, Error, bake_png, bake_svg, unbake_png, unbake_svg,
};

use crate::{codes, decode_ok, example, example_str};

const PNG_CARRIERS: &[&str] = &[
    "ob20-baking-mozilla-bakery/unbaked.png",
    "1edtech-validator/ob20/assets/beths-robot-badge.png",
    "1edtech-validator/ob20/simple-badge.png", // already baked (OB 2.0)
    "1edtech-validator/ob30/simple-json.png",  // already baked (OB 3.0 JSON)
    "1edtech-validator/ob30/simple-jwt.png",   // already baked (OB 3.0 JWT)
];

const SVG_CARRIERS: &[&str] = &[
    "ob20-baking-mozilla-bakery/unbaked.svg",
    "ob20-baking-mozilla-bakery/baked.svg", // binds xmlns:openbadges to the OB 2.0 namespace
    "1edtech-validator/ob30/simple-json.svg",
    "1edtech-validator/ob30/simple-jwt.svg",
];

/// (payload file, is JWS, expected family, expected payload kind after decoding)
const PAYLOADS: &[(&str, bool, BakeFamily, &str)] = &[
    (
        "1edtech-validator/ob30/simple.json",
        false,
        BakeFamily::OpenBadges3,
        "json",
    ),
    (
        "1edtech-validator/clr20/simple.json",
        false,
        BakeFamily::Clr2,
        "json",
    ),
    (
        "1edtech-validator/ob20/basic-assertion.json",
        false,
        BakeFamily::OpenBadges2,
        "json",
    ),
    (
        "1edtech-validator-derived/ob30-vcjwt-vcdm2-from-simple-jwt.png.jwt",
        true,
        BakeFamily::OpenBadges3,
        "jws:VcJose",
    ),
    (
        "1edtech-validator-derived/ob30-vcjwt-vcdm11-from-simple-jwt_v1.png.jwt",
        true,
        BakeFamily::OpenBadges3,
        "jws:VcJwt11",
    ),
    (
        "1edtech-validator/clr20/simple.jwt",
        true,
        BakeFamily::Clr2,
        "jws:VcJwt11",
    ),
    (
        "1edtech-validator/ob20/simple.jwt",
        true,
        BakeFamily::OpenBadges2,
        "jws:Ob2Signed",
    ),
];

fn payload_bytes(file: &str, is_jws: bool) -> Vec<u8> {
    if is_jws {
        example_str(file).into_bytes()
    } else {
        example(file)
    }
}

fn payload_of(bytes: &[u8], is_jws: bool) -> BakePayload<'_> {
    if is_jws {
        BakePayload::CompactJws(std::str::from_utf8(bytes).unwrap())
    } else {
        BakePayload::Json(bytes)
    }
}

/// The PNG chunks as (type, whole chunk bytes), minus the credential text chunks.
fn other_chunks(png: &[u8]) -> Vec<([u8; 4], Vec<u8>)> {
    let mut out = Vec::new();
    let mut pos = 8;
    while pos + 12 <= png.len() {
        let len = u32::from_be_bytes(png[pos..pos + 4].try_into().unwrap()) as usize;
        let kind: [u8; 4] = png[pos + 4..pos + 8].try_into().unwrap();
        let data = &png[pos + 8..pos + 8 + len];
        let keyword = data.split(|&b| b == 0).next().unwrap();
        let baked = matches!(&kind, b"iTXt" | b"tEXt" | b"zTXt")
            && [&b"openbadgecredential"[..], b"clrcredential", b"openbadges"].contains(&keyword);
        if !baked {
            out.push((kind, png[pos..pos + 12 + len].to_vec()));
        }
        pos += 12 + len;
    }
    out
}

#[test]
fn png_bake_unbake_is_identity_for_json_and_jwt() {
    for carrier in PNG_CARRIERS {
        let image = example(carrier);
        for (file, is_jws, family, payload_kind) in PAYLOADS {
            let bytes = payload_bytes(file, *is_jws);
            let payload = payload_of(&bytes, *is_jws);
            assert_eq!(payload.family().unwrap(), *family, "{file}");
            let baked = bake_png(&image, &payload).unwrap();
            assert_eq!(unbake_png(&baked).unwrap(), bytes, "{carrier} ← {file}");
            // Every other chunk is kept as it was, in order.
            assert_eq!(
                other_chunks(&baked),
                other_chunks(&image),
                "{carrier} ← {file}"
            );
            let items = decode_ok(&baked, "baked.png");
            let inner = if *is_jws { "jwt" } else { "json" };
            assert_eq!(
                codes(&items[0]),
                format!("png:iTXt:{} > {inner}", family.png_keyword()),
                "{carrier} ← {file}"
            );
            assert_eq!(crate::payload_code(&items[0]), *payload_kind);
        }
    }
}

#[test]
fn png_rebake_replaces_the_credential() {
    let image = example("1edtech-validator/ob20/simple-badge.png");
    let first = payload_bytes("1edtech-validator/ob30/simple.json", false);
    let second = payload_bytes("1edtech-validator/ob20/simple.jwt", true);
    let once = bake_png(&image, &BakePayload::Json(&first)).unwrap();
    let twice = bake_png(&once, &payload_of(&second, true)).unwrap();
    assert_eq!(unbake_png(&twice).unwrap(), second);
    let itxt_chunks = |png: &[u8]| {
        let mut n = 0;
        let mut pos = 8;
        while pos + 12 <= png.len() {
            let len = u32::from_be_bytes(png[pos..pos + 4].try_into().unwrap()) as usize;
            n += usize::from(&png[pos + 4..pos + 8] == b"iTXt");
            pos += 12 + len;
        }
        n
    };
    assert_eq!(itxt_chunks(&twice), 1, "one iTXt chunk, not one per bake");
}

#[test]
fn svg_bake_unbake_is_identity_for_json_and_jwt() {
    for carrier in SVG_CARRIERS {
        let image = example(carrier);
        for (file, is_jws, family, payload_kind) in PAYLOADS {
            let bytes = payload_bytes(file, *is_jws);
            let baked = bake_svg(&image, &payload_of(&bytes, *is_jws)).unwrap();
            assert_eq!(unbake_svg(&baked).unwrap(), bytes, "{carrier} ← {file}");
            let items = decode_ok(&baked, "baked.svg");
            let ns = match family {
                BakeFamily::OpenBadges3 => "ob3",
                BakeFamily::Clr2 => "clr2",
                BakeFamily::OpenBadges2 => "ob2",
                other => panic!("{other:?}"),
            };
            let how = if *is_jws { "verify" } else { "cdata" };
            let inner = if *is_jws { "jwt" } else { "json" };
            assert_eq!(
                codes(&items[0]),
                format!("svg:{how}:{ns} > {inner}"),
                "{carrier} ← {file}"
            );
            assert_eq!(crate::payload_code(&items[0]), *payload_kind);
            // Exactly one baked element, and the drawing is still there.
            let text = String::from_utf8(baked.clone()).unwrap();
            let elements = text.matches(":credential").count() + text.matches(":assertion").count();
            assert_eq!(
                elements,
                if *is_jws { 1 } else { 2 },
                "{carrier} ← {file}: {text}"
            );
            let original = String::from_utf8(image.clone()).unwrap();
            for marker in ["<title>", "<polygon", "viewBox"] {
                assert_eq!(
                    text.matches(marker).count(),
                    original.matches(marker).count(),
                    "{marker}"
                );
            }
        }
    }
}

#[test]
fn svg_bake_declares_the_namespace_on_the_root_when_free() {
    let image = example("ob20-baking-mozilla-bakery/unbaked.svg");
    let json = example("1edtech-validator/ob30/simple.json");
    let baked = String::from_utf8(bake_svg(&image, &BakePayload::Json(&json)).unwrap()).unwrap();
    assert!(baked.contains(
        r#"<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 512 512" xmlns:openbadges="https://purl.imsglobal.org/ob/v3p0">"#
    ), "{baked}");
    assert!(baked.contains("<openbadges:credential><![CDATA["));
    // The OB 2.0 bakery image already binds `openbadges` to http://openbadges.org: the OB 3.0
    // element declares its own namespace instead of clashing.
    let ob2_image = example("ob20-baking-mozilla-bakery/baked.svg");
    let baked =
        String::from_utf8(bake_svg(&ob2_image, &BakePayload::Json(&json)).unwrap()).unwrap();
    assert!(baked.contains(
        r#"<openbadges:credential xmlns:openbadges="https://purl.imsglobal.org/ob/v3p0">"#
    ));
    assert!(
        !baked.contains("<openbadges:assertion"),
        "the old OB 2.0 element is removed"
    );
    // OB 2.0 JSON gets the hosted URL (the assertion id) in `verify` next to the body.
    let assertion = example("1edtech-validator/ob20/basic-assertion.json");
    let baked =
        String::from_utf8(bake_svg(&image, &BakePayload::Json(&assertion)).unwrap()).unwrap();
    assert!(baked.contains(r#"<openbadges:assertion verify="https://example.org/beths-robotics-badge.json"><![CDATA["#), "{baked}");
}

#[test]
fn bake_refuses_bad_payloads_and_images() {
    let png = example("ob20-baking-mozilla-bakery/unbaked.png");
    let svg = example("ob20-baking-mozilla-bakery/unbaked.svg");
    for payload in [
        BakePayload::Json(b"[1, 2]"),
        BakePayload::Json(b"{not json"),
        BakePayload::CompactJws("not-a-jws"),
        BakePayload::CompactJws(" eyJhbGciOiJub25lIn0.e30. "),
    ] {
        assert!(bake_png(&png, &payload).is_err(), "{payload:?}");
        assert!(bake_svg(&svg, &payload).is_err(), "{payload:?}");
    }
    let json = BakePayload::Json(br#"{"type": "VerifiableCredential"}"#);
    assert!(matches!(
        bake_png(&svg, &json),
        Err(Error::PngMalformed { offset: 0, .. })
    ));
    assert!(matches!(
        bake_svg(&png, &json),
        Err(Error::SvgXml { .. } | Error::NotACredentialContainer { .. })
    ));
    let html = b"<html><body/></html>";
    assert!(matches!(
        bake_svg(html, &json),
        Err(Error::NotACredentialContainer { .. })
    ));
    assert!(matches!(unbake_png(&png), Err(Error::PngNotBaked { .. })));
    assert!(matches!(unbake_svg(&svg), Err(Error::SvgNotBaked { .. })));
    // A truncated PNG is refused, not half-baked.
    assert!(matches!(
        bake_png(&png[..png.len() - 20], &json),
        Err(Error::PngMalformed { .. })
    ));
}

#[test]
fn unbake_returns_what_the_spec_fixtures_hold() {
    // The OB 2.0 fixture PNG holds the assertion JSON in iTXt `openbadges`.
    let value = unbake_png(&example("1edtech-validator/ob20/simple-badge.png")).unwrap();
    let json: serde_json::Value = serde_json::from_slice(&value).unwrap();
    assert_eq!(json["type"], "Assertion");
    // The JWT SVG carries a compact JWS in `verify`.
    let value = unbake_svg(&example("1edtech-validator/ob30/simple-jwt.svg")).unwrap();
    assert!(value.starts_with(b"eyJ") && value.iter().filter(|&&b| b == b'.').count() == 2);
}
