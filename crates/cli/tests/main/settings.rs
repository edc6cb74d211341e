//! Settings from a file and the environment under the flags (credbridge-config), and DID
//! folders that are searched recursively and skip what they can't use (issue 9 item 10).

use crate::common::*;

const OIDF_CREDENTIAL: &str = "testdata/examples/dcc-vc-test-fixtures/verifiableCredentials/v2/ed25519/didWeb/oidf-noStatus-notExpired.json";
const DIDS: &str = "testdata/examples/dcc-vc-test-fixtures/dids";

/// A copy of the fixture DID folders (`oidf/did.json`, `legacy/did.json`) plus an index map
/// at the top, which has no `id` and used to refuse the whole run.
fn did_tree(name: &str) -> PathBuf {
    let dir = tempdir(name);
    for sub in ["oidf", "legacy"] {
        std::fs::create_dir_all(dir.join("nested").join(sub)).unwrap();
        std::fs::copy(
            repo().join(DIDS).join(sub).join("did.json"),
            dir.join("nested").join(sub).join("did.json"),
        )
        .unwrap();
    }
    std::fs::write(
        dir.join("index.json"),
        r#"{"did:web:digitalcredentials.github.io:vc-test-fixtures:dids:oidf": "nested/oidf/did.json"}"#,
    )
    .unwrap();
    dir
}

fn proof_outcome(output: &Output) -> String {
    let report = &json_lines(output)[0];
    report["checks"]
        .as_array()
        .unwrap()
        .iter()
        .find(|c| c["id"] == "proof")
        .unwrap()["outcome"]
        .as_str()
        .unwrap()
        .to_owned()
}

#[test]
fn a_did_folder_is_recursive_and_skips_an_index_map_with_a_warning() {
    let dids = did_tree("did-tree");
    let out = credbridge(&[
        "verify",
        "--offline",
        "--json",
        "--did-dir",
        dids.to_str().unwrap(),
        OIDF_CREDENTIAL,
    ]);
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(0), "{stderr}");
    assert_eq!(proof_outcome(&out), "passed");
    assert!(
        stderr.contains("warning: skipped") && stderr.contains("index.json"),
        "{stderr}"
    );
}

#[test]
fn a_settings_file_and_the_environment_stand_in_for_flags() {
    let dids = did_tree("did-tree-config");
    let file = dids.join("credbridge.toml");
    // Relative paths in the file are relative to the file.
    std::fs::write(&file, "offline = true\ndid_dirs = [\"nested\"]\n").unwrap();
    let out = credbridge(&[
        "verify",
        "--json",
        "--config",
        file.to_str().unwrap(),
        OIDF_CREDENTIAL,
    ]);
    assert_eq!(
        out.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert_eq!(proof_outcome(&out), "passed");

    // The environment over the file: no DID folder, so the did:web key is not resolved.
    let out = Command::new(env!("CARGO_BIN_EXE_credbridge"))
        .args([
            "verify",
            "--json",
            "--config",
            file.to_str().unwrap(),
            OIDF_CREDENTIAL,
        ])
        .env("CREDBRIDGE_DID_DIRS", "")
        .current_dir(repo())
        .output()
        .unwrap();
    assert_eq!(
        out.status.code(),
        Some(3),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );

    // A misspelt setting is refused, naming it.
    std::fs::write(&file, "ofline = true\n").unwrap();
    let out = credbridge(&[
        "verify",
        "--config",
        file.to_str().unwrap(),
        OIDF_CREDENTIAL,
    ]);
    assert_eq!(out.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&out.stderr).contains("ofline"));
}
