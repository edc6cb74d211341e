//! Property test over the fuzzing entry points.

use proptest::prelude::*;

fn real_snapshot() -> Vec<u8> {
    static SNAPSHOT: std::sync::OnceLock<Vec<u8>> = std::sync::OnceLock::new();
    SNAPSHOT.get_or_init(write_real_snapshot).clone()
}

fn write_real_snapshot() -> Vec<u8> {
    let dir = crate::common::temp_dir("proptest");
    let store = credbridge_fetch::SnapshotStore::open(&dir).unwrap();
    let url = "https://issuer.example/status/1";
    store
        .record(&crate::cache::fetched_at(
            url,
            1_700_000_000,
            &crate::common::status_list_json(),
        ))
        .unwrap();
    let url_dir = std::fs::read_dir(&dir)
        .unwrap()
        .next()
        .unwrap()
        .unwrap()
        .path();
    let file = std::fs::read_dir(&url_dir)
        .unwrap()
        .next()
        .unwrap()
        .unwrap()
        .path();
    let bytes = std::fs::read(file).unwrap();
    std::fs::remove_dir_all(&dir).unwrap();
    bytes
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 300, ..ProptestConfig::default() })]

    #[test]
    fn random_bytes_never_panic(data in proptest::collection::vec(any::<u8>(), 0..256)) {
        credbridge_fetch::fuzzing::parse_snapshot(&data);
        credbridge_fetch::fuzzing::classify_address(&data);
        credbridge_fetch::fuzzing::content_type(&data);
    }

    #[test]
    fn mutated_snapshot_never_panics(
        edits in proptest::collection::vec((any::<usize>(), any::<u8>()), 1..8),
        cut in any::<usize>(),
    ) {
        let mut data = real_snapshot();
        for (at, byte) in edits {
            let len = data.len();
            data[at % len] = byte;
        }
        data.truncate(cut % (data.len() + 1));
        credbridge_fetch::fuzzing::parse_snapshot(&data);
    }
}

#[test]
fn the_real_snapshot_parses() {
    // The seed of the mutation test is itself valid, so mutations start from real data.
    let data = real_snapshot();
    let value: serde_json::Value = serde_json::from_slice(&data).unwrap();
    assert_eq!(value["url"], "https://issuer.example/status/1");
}
