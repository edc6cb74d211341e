//! Bounded property tests over the fuzzing entry points: random bytes and mutated real inputs.

use credbridge_proofs::fuzzing;
use proptest::prelude::*;

use crate::support::*;

fn seeds() -> Vec<Vec<u8>> {
    let mut out = Vec::new();
    for f in [
        "vectors/vc-jose-cose/input/credential-jose-minimal.txt",
        "vectors/vc-jose-cose/input/presentation-jose-multiple.txt",
        "examples/1edtech-validator/ob20/simple.jwt",
        "vectors/vc-di-eddsa/TestVectors/eddsa-jcs-2022/signedJCS.json",
        "vectors/vc-di-ecdsa/TestVectors/ecdsa-jcs-2019-p384/signedJCSECDSAP384.json",
        "vectors/vc-di-eddsa/TestVectors/proof-set-chain/signedProofChain2.json",
    ] {
        out.push(std::fs::read(testdata(f)).unwrap());
    }
    out
}

fn run_all(data: &[u8]) {
    fuzzing::verify_jws(data);
    fuzzing::verify_data_integrity(data);
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 256, ..ProptestConfig::default() })]

    #[test]
    fn random_bytes(data in proptest::collection::vec(any::<u8>(), 0..400)) {
        run_all(&data);
    }

    #[test]
    fn mutated_real_inputs(seed in 0usize..6, edits in proptest::collection::vec((any::<usize>(), any::<u8>()), 1..4), cut in any::<usize>()) {
        let mut data = seeds()[seed].clone();
        let len = data.len();
        for (pos, byte) in edits {
            data[pos % len] = byte;
        }
        if cut % 4 == 0 {
            data.truncate(cut % (len + 1));
        }
        run_all(&data);
    }
}
