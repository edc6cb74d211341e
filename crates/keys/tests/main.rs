//! Integration tests for credbridge-keys against spec vectors and repository test data.
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::indexing_slicing,
    clippy::panic
)]

use std::path::PathBuf;

use credbridge_keys::{
    Algorithm, ChainResolver, DidJwkResolver, DidKey, DidKeyResolver, KeyError, KeyType,
    OfflineDirectory, PublicKey, ResolveError, Resolver, SecretKey, VerificationRelationship,
    did_jwk_from_public_key,
};
use serde_json::{Value, json};

fn testdata(rel: &str) -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("../../testdata")
        .join(rel)
}

fn read_json(path: PathBuf) -> Value {
    serde_json::from_slice(&std::fs::read(&path).unwrap_or_else(|e| panic!("{path:?}: {e}")))
        .unwrap()
}

fn rsa_secret() -> SecretKey {
    let v = read_json(PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("tests/data/rsa-2048.json"));
    SecretKey::from_jwk(&v["secretKeyJwk"]).unwrap()
}

mod did_key {
    use super::*;

    /// did:key spec test vectors (w3c-ccg/did-method-key `test-vectors/nist-curves.json`,
    /// `secp256k1.json`) and an Ed25519 key with its `publicKeyBase58` (ed25519-x25519.json).
    #[test]
    fn spec_vectors_decode_to_the_published_keys() {
        let cases = [
            (
                "did:key:zDnaerx9CtbPJ1q36T5Ln5wYt3MQYeGRG5ehnPAmxcf5mDZpv",
                json!({"kty":"EC","crv":"P-256","x":"igrFmi0whuihKnj9R3Om1SoMph72wUGeFaBbzG2vzns","y":"efsX5b10x8yjyrj4ny3pGfLcY7Xby1KzgqOdqnsrJIM"}),
            ),
            (
                "did:key:zDnaerDaTF5BXEavCrfRZEk316dpbLsfPDZ3WJ5hRTPFU2169",
                json!({"kty":"EC","crv":"P-256","x":"fyNYMN0976ci7xqiSdag3buk-ZCwgXU4kz9XNkBlNUI","y":"hW2ojTNfH7Jbi8--CJUo3OCbH3y5n91g-IMA9MLMbTU"}),
            ),
            (
                "did:key:z82Lm1MpAkeJcix9K8TMiLd5NMAhnwkjjCBeWHXyu3U4oT2MVJJKXkcVBgjGhnLBn2Kaau9",
                json!({"kty":"EC","crv":"P-384","x":"lInTxl8fjLKp_UCrxI0WDklahi-7-_6JbtiHjiRvMvhedhKVdHBfi2HCY8t_QJyc","y":"y6N1IC-2mXxHreETBW7K3mBcw0qGr3CWHCs-yl09yCQRLcyfGv7XhqAngHOu51Zv"}),
            ),
        ];
        for (did, jwk) in cases {
            let key = DidKey::parse(did).unwrap();
            assert_eq!(key.public_key, PublicKey::from_jwk(&jwk).unwrap(), "{did}");
            assert_eq!(DidKey::from_public_key(&key.public_key).did, did);
        }
        let secp = [
            (
                "did:key:zQ3shokFTS3brHcDQrn82RUDfCZESWL1ZdCEJwekUDPQiYBme",
                "23o6Sau8NxxzXcgSc3PLcNxrzrZpbLeBn1izfv3jbKhuv",
            ),
            (
                "did:key:zQ3shtxV1FrJfhqE1dvxYRcCknWNjHc3c5X1y3ZSoPDi2aur2",
                "291KzQhqCPC18PqH83XKhxv1HdqrdnxyS7dh15t2uNRzJ",
            ),
        ];
        for (did, b58) in secp {
            let key = DidKey::parse(did).unwrap();
            assert_eq!(key.public_key.key_type(), KeyType::Secp256k1);
            assert_eq!(
                key.public_key.to_raw_bytes(),
                bs58_decode(b58),
                "{did} compressed point"
            );
        }
        let ed = DidKey::parse("did:key:z6MkmjY8GnV5i9YTDtPETC2uUAW6ejw3nk5mXF5yci5ab7th").unwrap();
        assert_eq!(
            ed.public_key,
            PublicKey::from_ed25519_base58("8HH5gYEeNc3z7PYXmd54d4x6qAfCNrqQqEB3nS7Zfu7K").unwrap()
        );
    }

    fn bs58_decode(s: &str) -> Vec<u8> {
        credbridge_keys::multikey::decode_base58(s).unwrap()
    }

    /// Every did:key that appears anywhere in the repository's test data resolves, and
    /// re-encodes to itself.
    #[test]
    fn every_did_key_in_testdata_resolves() {
        let mut found = std::collections::BTreeSet::new();
        for root in ["examples", "vectors"] {
            collect_did_keys(&testdata(root), &mut found);
        }
        assert!(found.len() >= 15, "found only {} did:keys", found.len());
        for did in &found {
            let method = DidKeyResolver
                .resolve_verification_method(did)
                .unwrap_or_else(|e| panic!("{did}: {e}"));
            assert_eq!(
                DidKey::from_public_key(&method.public_key).did,
                *did,
                "round trip"
            );
            println!("{did}: {}", method.public_key.key_type());
        }
    }

    fn collect_did_keys(dir: &std::path::Path, out: &mut std::collections::BTreeSet<String>) {
        for entry in std::fs::read_dir(dir).unwrap() {
            let path = entry.unwrap().path();
            if path.is_dir() {
                collect_did_keys(&path, out);
            } else if path
                .extension()
                .is_some_and(|e| e == "json" || e == "jsonld")
            {
                let text = std::fs::read_to_string(&path).unwrap_or_default();
                let mut rest = text.as_str();
                while let Some(i) = rest.find("did:key:z") {
                    let tail = &rest[i..];
                    let end = tail[8..]
                        .find(|c: char| !c.is_ascii_alphanumeric())
                        .map_or(tail.len(), |e| e + 8);
                    let did = &tail[..end];
                    // Skip truncated placeholders (`did:key:z6Mk...`) in prose.
                    if did.len() > 40 {
                        out.insert(did.to_owned());
                    }
                    rest = &tail[end..];
                }
            }
        }
    }

    #[test]
    fn spec_error_names() {
        let err =
            DidKey::parse("did:key:6MkmjY8GnV5i9YTDtPETC2uUAW6ejw3nk5mXF5yci5ab7th").unwrap_err();
        assert!(matches!(err, ResolveError::InvalidDid { .. }), "{err}");
        assert!(err.to_string().contains("invalidDid"));
        // Ed25519 codec with 31 key bytes.
        let mut short = vec![0xed, 0x01];
        short.extend_from_slice(&[7; 31]);
        let did = format!("did:key:z{}", bs58_encode(&short));
        assert!(matches!(
            DidKey::parse(&did),
            Err(ResolveError::InvalidPublicKeyLength { .. })
        ));
        // x25519-pub (0xec) is a key-agreement key, not a signing key: not supported.
        let mut x25519 = vec![0xec, 0x01];
        x25519.extend_from_slice(&[1; 32]);
        let did = format!("did:key:z{}", bs58_encode(&x25519));
        let err = DidKey::parse(&did).unwrap_err();
        assert!(
            matches!(err, ResolveError::UnsupportedPublicKeyType { .. }),
            "{err}"
        );
        // bls12_381-g2-pub (0xeb, bbs-2023) is read as 96 bytes; the point itself is checked
        // by the BBS verification.
        let mut bls = vec![0xeb, 0x01];
        bls.extend_from_slice(&[1; 96]);
        let did = format!("did:key:z{}", bs58_encode(&bls));
        assert_eq!(
            DidKey::parse(&did).unwrap().public_key.key_type(),
            credbridge_keys::KeyType::Bls12381G2
        );
        bls.pop();
        let did = format!("did:key:z{}", bs58_encode(&bls));
        assert!(DidKey::parse(&did).is_err());
        // A fragment naming a different key.
        let err = DidKeyResolver
            .resolve_verification_method(
                "did:key:z6MkmjY8GnV5i9YTDtPETC2uUAW6ejw3nk5mXF5yci5ab7th#z6Mkother",
            )
            .unwrap_err();
        assert!(matches!(err, ResolveError::InvalidDidUrl { .. }), "{err}");
        assert!(
            DidKeyResolver
                .resolve_verification_method("did:web:example.com#k")
                .unwrap_err()
                .is_not_handled()
        );
    }

    fn bs58_encode(b: &[u8]) -> String {
        credbridge_keys::multikey::encode_multibase_base58btc(b)[1..].to_owned()
    }

    #[test]
    fn document_lists_the_signing_relationships() {
        let did = "did:key:z6MkrJVnaZkeFzdQyMZu1cgjg7k1pZZ6pvBQ7XJPt4swbTQ2";
        let doc = DidKeyResolver.resolve_document(did).unwrap();
        let vm = format!("{did}#z6MkrJVnaZkeFzdQyMZu1cgjg7k1pZZ6pvBQ7XJPt4swbTQ2");
        assert_eq!(doc.method_ids().collect::<Vec<_>>(), vec![vm.as_str()]);
        let rels = doc.relationships_of(&vm);
        assert!(rels.contains(&VerificationRelationship::AssertionMethod));
        assert!(rels.contains(&VerificationRelationship::Authentication));
        assert!(!rels.contains(&VerificationRelationship::KeyAgreement));
    }
}

mod did_jwk {
    use super::*;

    /// The did:jwk spec's P-256 example.
    #[test]
    fn spec_p256_example() {
        let did = "did:jwk:eyJjcnYiOiJQLTI1NiIsImt0eSI6IkVDIiwieCI6ImFjYklRaXVNczNpOF91c3pFakoydHBUdFJNNEVVM3l6OTFQSDZDZEgyVjAiLCJ5IjoiX0tjeUxqOXZXTXB0bm1LdG00NkdxRHo4d2Y3NEk1TEtncmwyR3pIM25TRSJ9";
        let vm = DidJwkResolver
            .resolve_verification_method(&format!("{did}#0"))
            .unwrap();
        assert_eq!(vm.public_key.key_type(), KeyType::P256);
        assert_eq!(vm.method_type, "JsonWebKey2020");
        assert_eq!(vm.controller, did);
        assert_eq!(
            vm.allows(VerificationRelationship::AssertionMethod),
            Some(true)
        );
        assert_eq!(
            vm.public_key.to_jwk()["x"],
            "acbIQiuMs3i8_uszEjJ2tpTtRM4EU3yz91PH6CdH2V0"
        );
        assert!(matches!(
            DidJwkResolver.resolve_verification_method(&format!("{did}#1")),
            Err(ResolveError::InvalidDidUrl { .. })
        ));
    }

    #[test]
    fn round_trip_every_key_type_and_reject_private_members() {
        for kt in [
            KeyType::Ed25519,
            KeyType::P256,
            KeyType::P384,
            KeyType::Secp256k1,
        ] {
            let sk = SecretKey::generate(kt).unwrap();
            let did = did_jwk_from_public_key(&sk.public_key());
            let vm = DidJwkResolver.resolve_verification_method(&did).unwrap();
            assert_eq!(vm.public_key, sk.public_key());
        }
        let sk = SecretKey::generate(KeyType::Ed25519).unwrap();
        use base64::Engine as _;
        let did = format!(
            "did:jwk:{}",
            base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(sk.to_jwk().to_string())
        );
        assert!(matches!(
            DidJwkResolver.resolve_document(&did),
            Err(ResolveError::InvalidDid { .. })
        ));
    }
}

mod key_material {
    use super::*;

    /// The W3C DI key pairs: the secret multikey derives the published public multikey.
    #[test]
    fn vc_di_key_pairs_derive_their_public_keys() {
        for (file, secret_member, kt) in [
            (
                "vectors/vc-di-eddsa/TestVectors/keyPair.json",
                "privateKeyMultibase",
                KeyType::Ed25519,
            ),
            (
                "vectors/vc-di-ecdsa/TestVectors/p256KeyPair.json",
                "secretKeyMultibase",
                KeyType::P256,
            ),
            (
                "vectors/vc-di-ecdsa/TestVectors/p384KeyPair.json",
                "secretKeyMultibase",
                KeyType::P384,
            ),
        ] {
            let pair = read_json(testdata(file));
            let sk = SecretKey::from_multikey(pair[secret_member].as_str().unwrap()).unwrap();
            assert_eq!(sk.key_type(), kt);
            let public = pair["publicKeyMultibase"].as_str().unwrap();
            assert_eq!(sk.public_key().to_multikey(), public, "{file}");
            assert_eq!(PublicKey::from_multikey(public).unwrap(), sk.public_key());
            assert_eq!(
                sk.to_multikey().unwrap(),
                pair[secret_member].as_str().unwrap(),
                "{file} secret round trip"
            );
        }
    }

    /// OB 3.0 spec vector: 64-byte (seed ‖ public) Ed25519 secret multikey and hex forms agree.
    #[test]
    fn openbadges_key_forms_agree() {
        let v = read_json(testdata(
            "vectors/openbadges-3.0/eddsa-rdfc-2022-vectors.json",
        ));
        for name in ["obv3p0", "clrv2p0"] {
            let case = &v[name];
            let sk =
                SecretKey::from_multikey(case["secretKeyMultibase"].as_str().unwrap()).unwrap();
            assert_eq!(
                sk.public_key().to_multikey(),
                case["publicKeyMultibase"].as_str().unwrap()
            );
            let pub_hex = case["publicKeyHex"].as_str().unwrap();
            assert_eq!(hex(&sk.public_key().to_raw_bytes()), pub_hex);
            assert!(
                case["privateKeyHex"]
                    .as_str()
                    .unwrap()
                    .starts_with(&hex(&sk.to_raw_bytes().unwrap()))
            );
        }
    }

    fn hex(b: &[u8]) -> String {
        b.iter().map(|x| format!("{x:02x}")).collect()
    }

    /// vc-jose-cose verification methods: secret JWK ↔ public JWK, and `kid` is the RFC 7638
    /// thumbprint.
    #[test]
    fn vc_jose_cose_jwks() {
        for name in [
            "vm-ed25519",
            "vm-p256",
            "vm-p384",
            "vm-p521",
            "vm-did-ed25519",
        ] {
            let vm = read_json(testdata(&format!("vectors/vc-jose-cose/input/{name}.json")));
            let sk = SecretKey::from_jwk(&vm["secretKeyJwk"]).unwrap();
            let pk = PublicKey::from_jwk(&vm["publicKeyJwk"]).unwrap();
            assert_eq!(sk.public_key(), pk, "{name}");
            assert_eq!(pk.jwk_thumbprint(), vm["publicKeyJwk"]["kid"], "{name} kid");
            assert_eq!(PublicKey::from_jwk(&pk.to_jwk()).unwrap(), pk);
            assert_eq!(SecretKey::from_jwk(&sk.to_jwk()).unwrap().public_key(), pk);
        }
        // A curve not implemented is named as such.
        let mut p192 = read_json(testdata("vectors/vc-jose-cose/input/vm-p256.json"));
        p192["publicKeyJwk"]["crv"] = "P-192".into();
        assert!(matches!(
            PublicKey::from_jwk(&p192["publicKeyJwk"]),
            Err(KeyError::JwkUnsupported { member: "crv", .. })
        ));
    }

    #[test]
    fn rsa_sign_verify_and_encodings() {
        let sk = rsa_secret();
        let pk = sk.public_key();
        for alg in [Algorithm::Rs256, Algorithm::Ps256] {
            let sig = sk.sign(alg, b"payload").unwrap();
            let _ = pk.verify(alg, b"payload", &sig).unwrap();
            assert!(matches!(
                pk.verify(alg, b"payloaD", &sig),
                Err(KeyError::SignatureMismatch { .. })
            ));
        }
        assert_eq!(PublicKey::from_pem(&pk.to_pem().unwrap()).unwrap(), pk);
        assert_eq!(PublicKey::from_multikey(&pk.to_multikey()).unwrap(), pk);
        assert_eq!(SecretKey::from_jwk(&sk.to_jwk()).unwrap().public_key(), pk);
    }

    #[test]
    fn pem_round_trip_every_ec_and_ed_key() {
        for kt in [
            KeyType::Ed25519,
            KeyType::P256,
            KeyType::P384,
            KeyType::Secp256k1,
        ] {
            let pk = SecretKey::generate(kt).unwrap().public_key();
            let pem = pk.to_pem().unwrap();
            assert!(pem.starts_with("-----BEGIN PUBLIC KEY-----\n"));
            assert_eq!(PublicKey::from_pem(&pem).unwrap(), pk, "{kt}");
        }
        assert!(matches!(
            PublicKey::from_pem("-----BEGIN CERTIFICATE-----\nAAAA\n-----END CERTIFICATE-----"),
            Err(KeyError::Pem { .. })
        ));
    }

    #[test]
    fn secp256k1_high_s_signature_is_accepted() {
        let sk = SecretKey::generate(KeyType::Secp256k1).unwrap();
        let sig = sk.sign(Algorithm::Es256K, b"m").unwrap();
        // s' = n - s.
        let parsed = k256_flip_s(&sig);
        let _ = sk
            .public_key()
            .verify(Algorithm::Es256K, b"m", &parsed)
            .unwrap();
    }

    fn k256_flip_s(sig: &[u8]) -> Vec<u8> {
        // secp256k1 group order n.
        let n: [u8; 32] = [
            0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff,
            0xff, 0xfe, 0xba, 0xae, 0xdc, 0xe6, 0xaf, 0x48, 0xa0, 0x3b, 0xbf, 0xd2, 0x5e, 0x8c,
            0xd0, 0x36, 0x41, 0x41,
        ];
        let s = &sig[32..];
        let mut out = [0u8; 32];
        let mut borrow = 0i16;
        for i in (0..32).rev() {
            let mut d = i16::from(n[i]) - i16::from(s[i]) - borrow;
            borrow = 0;
            if d < 0 {
                d += 256;
                borrow = 1;
            }
            out[i] = d as u8;
        }
        let mut v = sig[..32].to_vec();
        v.extend_from_slice(&out);
        v
    }
}

mod directory {
    use super::*;

    fn dcc_directory() -> OfflineDirectory {
        let mut dir = OfflineDirectory::new();
        for name in ["oidf", "legacy"] {
            dir.insert_file(
                format!("did:web:digitalcredentials.github.io:vc-test-fixtures:dids:{name}"),
                &testdata(&format!(
                    "examples/dcc-vc-test-fixtures/dids/{name}/did.json"
                )),
            )
            .unwrap();
        }
        dir
    }

    #[test]
    fn did_web_documents_resolve_with_relationships() {
        let dir = dcc_directory();
        for (name, method_type, in_vm_list) in [
            ("oidf", "Multikey", true),
            ("legacy", "Ed25519VerificationKey2020", false),
        ] {
            let id = format!(
                "did:web:digitalcredentials.github.io:vc-test-fixtures:dids:{name}#z6MkjXe1vZvPRqFuc9nRBtZ3e1Y9XKDFSbjFAfzLfW2bD6cZ"
            );
            let vm = dir.resolve_verification_method(&id).unwrap();
            assert_eq!(vm.method_type, method_type);
            assert_eq!(vm.public_key.key_type(), KeyType::Ed25519);
            assert_eq!(
                vm.allows(VerificationRelationship::AssertionMethod),
                Some(true)
            );
            assert_eq!(
                vm.allows(VerificationRelationship::Authentication),
                Some(false)
            );
            let doc = dir.resolve_document(&id).unwrap();
            assert_eq!(doc.method_ids().count(), if in_vm_list { 2 } else { 1 });
        }
        assert!(matches!(
            dir.resolve_verification_method(
                "did:web:digitalcredentials.github.io:vc-test-fixtures:dids:oidf#nope"
            ),
            Err(ResolveError::VerificationMethodNotFound { .. })
        ));
    }

    #[test]
    fn document_stored_under_its_did_web_url() {
        let mut dir = OfflineDirectory::new();
        dir.insert_file(
            "https://digitalcredentials.github.io/vc-test-fixtures/dids/oidf/did.json",
            &testdata("examples/dcc-vc-test-fixtures/dids/oidf/did.json"),
        )
        .unwrap();
        dir.resolve_document("did:web:digitalcredentials.github.io:vc-test-fixtures:dids:oidf")
            .unwrap();
    }

    #[test]
    fn document_id_must_match_the_requested_id() {
        let mut dir = OfflineDirectory::new();
        dir.insert_file(
            "did:web:evil.example",
            &testdata("examples/dcc-vc-test-fixtures/dids/oidf/did.json"),
        )
        .unwrap();
        assert!(matches!(
            dir.resolve_document("did:web:evil.example"),
            Err(ResolveError::DocumentIdMismatch { .. })
        ));
    }

    /// OB 2.0: an issuer profile names its `CryptographicKey` by URL; the key document holds
    /// `publicKeyPem` (RSA) and `owner`.
    #[test]
    fn ob2_cryptographic_key() {
        let mut dir = OfflineDirectory::new();
        let assets = "examples/1edtech-validator/ob20/assets";
        dir.insert_file(
            "http://example.org/key1.json",
            &testdata(&format!("{assets}/key1.json")),
        )
        .unwrap();
        let vm = dir
            .resolve_verification_method("http://example.org/key1.json")
            .unwrap();
        assert_eq!(vm.method_type, "CryptographicKey");
        assert_eq!(vm.controller, "https://example.org/organization.json");
        assert_eq!(vm.public_key.key_type(), KeyType::Rsa);
        assert_eq!(vm.relationships, None);
    }

    #[test]
    fn chain_falls_through_not_handled() {
        let chain = ChainResolver::offline_default().with(Box::new(dcc_directory()));
        chain
            .resolve_verification_method(
                "did:key:z6MkrJVnaZkeFzdQyMZu1cgjg7k1pZZ6pvBQ7XJPt4swbTQ2#z6MkrJVnaZkeFzdQyMZu1cgjg7k1pZZ6pvBQ7XJPt4swbTQ2",
            )
            .unwrap();
        chain
            .resolve_verification_method(
                "did:web:digitalcredentials.github.io:vc-test-fixtures:dids:oidf#z6MkjXe1vZvPRqFuc9nRBtZ3e1Y9XKDFSbjFAfzLfW2bD6cZ",
            )
            .unwrap();
        let err = chain
            .resolve_verification_method("did:example:123#key-1")
            .unwrap_err();
        assert!(err.is_not_handled(), "{err}");
    }
}

mod no_panics {
    use super::*;
    use credbridge_keys::fuzzing;
    use proptest::prelude::*;

    fn seeds() -> Vec<Vec<u8>> {
        let mut out: Vec<Vec<u8>> = vec![
            b"z6MkrJVnaZkeFzdQyMZu1cgjg7k1pZZ6pvBQ7XJPt4swbTQ2".to_vec(),
            b"zDnaepBuvsQ8cpsWrVKw8fbpGpvPeNSjVPTWoq6cRqaYzBKVP".to_vec(),
            b"did:key:z82LkuBieyGShVBhvtE2zoiD6Kma4tJGFtkAhxR5pfkp5QPw4LutoYWhvQCnGjdVn14kujQ"
                .to_vec(),
        ];
        for name in ["vm-ed25519", "vm-p256", "vm-p384"] {
            let vm = read_json(testdata(&format!("vectors/vc-jose-cose/input/{name}.json")));
            out.push(vm["secretKeyJwk"].to_string().into_bytes());
        }
        let key1 = read_json(testdata("examples/1edtech-validator/ob20/assets/key1.json"));
        out.push(key1["publicKeyPem"].as_str().unwrap().as_bytes().to_vec());
        out.push(
            std::fs::read(testdata("examples/dcc-vc-test-fixtures/dids/oidf/did.json")).unwrap(),
        );
        out
    }

    fn run_all(data: &[u8]) {
        fuzzing::decode_multikey(data);
        fuzzing::decode_jwk(data);
        fuzzing::decode_pem(data);
        fuzzing::resolve_did(data);
    }

    proptest! {
        #![proptest_config(ProptestConfig { cases: 300, ..ProptestConfig::default() })]

        #[test]
        fn random_bytes(data in proptest::collection::vec(any::<u8>(), 0..300)) {
            run_all(&data);
        }

        #[test]
        fn mutated_real_inputs(seed in 0usize..7, pos in any::<usize>(), byte in any::<u8>(), cut in any::<usize>()) {
            let mut data = seeds()[seed].clone();
            let len = data.len();
            data[pos % len] = byte;
            data.truncate(cut % (len + 1));
            run_all(&data);
        }
    }
}
