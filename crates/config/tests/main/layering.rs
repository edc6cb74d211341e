//! The workspace layering guard (issue 10 item 1): no library crate reaches the network crate.
//! Only the crates that wire things together (config, cli, the future server) and the dev
//! crates (bench, testkit) may depend on `credbridge-fetch`; nothing else may have it, or
//! `ureq`, `rustls` or `ring`, among its normal (non-dev) dependencies.

use std::collections::{BTreeMap, BTreeSet};
use std::process::Command;

use serde_json::Value;

use crate::repo;

/// Crates allowed to reach the network crate.
const MAY_FETCH: &[&str] = &[
    "credbridge-fetch",
    "credbridge-config",
    "credbridge-cli",
    "credbridge-server",
    "credbridge-bench",
    "credbridge-testkit",
];

/// What a library crate must not have among its normal dependencies.
const NETWORK: &[&str] = &["credbridge-fetch", "ureq", "rustls", "ring"];

#[test]
fn library_crates_stay_off_the_network_crate() {
    let cargo = std::env::var("CARGO").unwrap_or_else(|_| "cargo".into());
    // The host's graph only: `--offline` without a platform filter needs every target's
    // packages (Windows-only crates too) in the local registry, which a fresh machine lacks.
    let rustc = std::env::var("RUSTC").unwrap_or_else(|_| "rustc".into());
    let version = Command::new(rustc)
        .arg("-vV")
        .output()
        .expect("run rustc -vV");
    let version = String::from_utf8_lossy(&version.stdout).into_owned();
    let host = version
        .lines()
        .find_map(|line| line.strip_prefix("host: "))
        .expect("rustc -vV names the host");
    let output = Command::new(cargo)
        .args(["metadata", "--format-version", "1", "--offline"])
        .args(["--filter-platform", host])
        .current_dir(repo())
        .output()
        .expect("run cargo metadata");
    assert!(
        output.status.success(),
        "{}",
        String::from_utf8_lossy(&output.stderr)
    );
    let metadata: Value = serde_json::from_slice(&output.stdout).unwrap();

    let names: BTreeMap<&str, &str> = metadata["packages"]
        .as_array()
        .unwrap()
        .iter()
        .map(|p| (p["id"].as_str().unwrap(), p["name"].as_str().unwrap()))
        .collect();
    // Package id → ids of its normal dependencies (build and dev edges left out).
    let mut normal: BTreeMap<&str, Vec<&str>> = BTreeMap::new();
    for node in metadata["resolve"]["nodes"].as_array().unwrap() {
        let deps = node["deps"]
            .as_array()
            .unwrap()
            .iter()
            .filter(|dep| {
                dep["dep_kinds"]
                    .as_array()
                    .unwrap()
                    .iter()
                    .any(|kind| kind["kind"].is_null())
            })
            .map(|dep| dep["pkg"].as_str().unwrap())
            .collect();
        normal.insert(node["id"].as_str().unwrap(), deps);
    }

    let members: Vec<&str> = metadata["workspace_members"]
        .as_array()
        .unwrap()
        .iter()
        .map(|m| m.as_str().unwrap())
        .collect();
    assert!(members.len() >= 9, "{members:?}");
    let mut checked = Vec::new();
    for member in members {
        let name = names[member];
        if MAY_FETCH.contains(&name) {
            continue;
        }
        let mut seen = BTreeSet::new();
        let mut stack = vec![member];
        while let Some(id) = stack.pop() {
            if !seen.insert(id) {
                continue;
            }
            stack.extend(normal.get(id).into_iter().flatten().copied());
        }
        let reached: Vec<&str> = seen
            .iter()
            .map(|id| names[id])
            .filter(|dep| NETWORK.contains(dep))
            .collect();
        assert!(
            reached.is_empty(),
            "{name} reaches {reached:?} through its normal dependencies; library crates call the \
             keys crate's Resolver / DocumentSource seams and let credbridge-fetch implement them"
        );
        checked.push(name);
    }
    assert!(checked.contains(&"credbridge-verify"), "{checked:?}");
}
