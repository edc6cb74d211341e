//! Credential test vectors: toRdf (safe mode) → RDFC-1.0 (credbridge-rdf) must reproduce
//! the published canonical N-Quads byte for byte, for the document (proof removed) and for
//! the proof configuration (proof options without proofValue, with the document's @context).

use std::path::PathBuf;

use credbridge_jsonld::{Options, Processor};
use credbridge_rdf::{CanonOptions, HashAlgorithm, canonical_nquads};
use serde_json::Value;

fn vectors() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../testdata/vectors")
}

fn read_json(rel: &str) -> Value {
    serde_json::from_slice(&std::fs::read(vectors().join(rel)).unwrap()).unwrap()
}

fn read_text(rel: &str) -> String {
    std::fs::read_to_string(vectors().join(rel)).unwrap()
}

fn canon(processor: &Processor, doc: &Value, hash: HashAlgorithm) -> String {
    let quads = processor.to_rdf(doc, &Options::safe()).unwrap();
    canonical_nquads(
        &quads,
        &CanonOptions {
            hash,
            ..CanonOptions::default()
        },
    )
    .unwrap()
}

/// The signed document without `proof`, and the proof configuration: proof without
/// `proofValue`, with the document's `@context`.
fn split(signed: &Value) -> (Value, Value) {
    let mut doc = signed.clone();
    let mut proof = doc.as_object_mut().unwrap().remove("proof").unwrap();
    if let Value::Array(mut proofs) = proof {
        assert_eq!(proofs.len(), 1);
        proof = proofs.remove(0);
    }
    let proof_obj = proof.as_object_mut().unwrap();
    proof_obj.remove("proofValue");
    proof_obj.insert("@context".to_owned(), signed["@context"].clone());
    (doc, proof)
}

fn assert_same(name: &str, got: &str, want: &str) {
    assert!(
        got == want,
        "{name}: canonical N-Quads differ\n--- got\n{got}--- want\n{want}"
    );
}

#[test]
fn open_badges_and_clr_vectors() {
    let processor = Processor::with_bundled_contexts();
    let all = read_json("openbadges-3.0/eddsa-rdfc-2022-vectors.json");
    for name in ["obv3p0", "clrv2p0"] {
        let v = &all[name];
        let (doc, proof) = split(&v["signedCredential"]);
        let doc_canon = read_text(&format!(
            "openbadges-3.0/{}",
            v["documentCanonFile"].as_str().unwrap()
        ));
        let proof_canon = read_text(&format!(
            "openbadges-3.0/{}",
            v["proofCanonFile"].as_str().unwrap()
        ));
        assert_same(
            name,
            &canon(&processor, &doc, HashAlgorithm::Sha256),
            &doc_canon,
        );
        assert_same(
            &format!("{name} proof"),
            &canon(&processor, &proof, HashAlgorithm::Sha256),
            &proof_canon,
        );
    }
}

/// (directory, signed, canonical document, proof config, canonical proof config, hash).
/// Not here: `eddsa-rdfc-2022/employ` and the ecdsa `employ` vectors, which use the
/// citizenship v4rc1 context that is not bundled.
const DI_VECTORS: &[(&str, &str, &str, &str, &str, HashAlgorithm)] = &[
    (
        "vc-di-eddsa/TestVectors/eddsa-rdfc-2022",
        "signedDataInt.json",
        "canonDocDataInt.txt",
        "proofConfigDataInt.json",
        "proofCanonDataInt.txt",
        HashAlgorithm::Sha256,
    ),
    (
        "vc-di-eddsa/TestVectors/Ed25519Signature2020",
        "signedEdSig.json",
        "canonDocEdSig.txt",
        "proofConfigEdSig.json",
        "proofCanonEdSig.txt",
        HashAlgorithm::Sha256,
    ),
    (
        "vc-di-ecdsa/TestVectors/ecdsa-rdfc-2019-p256",
        "signedECDSAP256.json",
        "canonDocECDSAP256.txt",
        "proofConfigECDSAP256.json",
        "proofCanonECDSAP256.txt",
        HashAlgorithm::Sha256,
    ),
    (
        "vc-di-ecdsa/TestVectors/ecdsa-rdfc-2019-p384",
        "signedECDSAP384.json",
        "canonDocECDSAP384.txt",
        "proofConfigECDSAP384.json",
        "proofCanonECDSAP384.txt",
        HashAlgorithm::Sha384,
    ),
];

#[test]
fn data_integrity_vectors() {
    let processor = Processor::with_bundled_contexts();
    for (dir, signed, canon_doc, proof_config, canon_proof, hash) in DI_VECTORS {
        let signed = read_json(&format!("{dir}/{signed}"));
        let (doc, _) = split(&signed);
        assert_same(
            dir,
            &canon(&processor, &doc, *hash),
            &read_text(&format!("{dir}/{canon_doc}")),
        );
        let config = read_json(&format!("{dir}/{proof_config}"));
        assert_same(
            &format!("{dir} proof"),
            &canon(&processor, &config, *hash),
            &read_text(&format!("{dir}/{canon_proof}")),
        );
    }
}
