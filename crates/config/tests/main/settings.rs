//! Layering: defaults < TOML file < environment; the front end's flags go on top.

use std::collections::HashMap;
use std::ffi::OsString;
use std::path::PathBuf;

use credbridge_config::{ConfigError, ENV_VARS, Settings};

use crate::tempdir;

fn env(pairs: &[(&str, &str)]) -> impl Fn(&str) -> Option<OsString> {
    let map: HashMap<String, OsString> = pairs
        .iter()
        .map(|(k, v)| ((*k).to_owned(), OsString::from(v)))
        .collect();
    move |var| map.get(var).cloned()
}

#[test]
fn defaults_match_the_cli_defaults() {
    let settings = Settings::from_sources(None, env(&[])).unwrap();
    assert_eq!(settings, Settings::default());
    assert_eq!(settings.max_clock_skew, 300);
    assert!(!settings.offline);
}

#[test]
fn file_then_environment_then_flags() {
    let dir = tempdir("layers");
    let file = dir.join("credbridge.toml");
    std::fs::write(
        &file,
        r#"
offline = true
max_clock_skew = 60
did_dirs = ["dids", "/abs/dids"]
allow_issuers = ["did:example:file"]
contexts = "ctx"
"#,
    )
    .unwrap();

    let from_file = Settings::from_sources(Some(&file), env(&[])).unwrap();
    assert!(from_file.offline);
    assert_eq!(from_file.max_clock_skew, 60);
    // Relative paths are relative to the file.
    assert_eq!(
        from_file.did_dirs,
        vec![dir.join("dids"), PathBuf::from("/abs/dids")]
    );
    assert_eq!(from_file.contexts, Some(dir.join("ctx")));

    let layered = Settings::from_sources(
        Some(&file),
        env(&[
            ("CREDBRIDGE_OFFLINE", "no"),
            ("CREDBRIDGE_MAX_CLOCK_SKEW", "5"),
            ("CREDBRIDGE_ALLOW_ISSUERS", "did:example:a  did:example:b"),
            ("CREDBRIDGE_JOBS", "3"),
        ]),
    )
    .unwrap();
    assert!(!layered.offline, "the environment overrides the file");
    assert_eq!(layered.max_clock_skew, 5);
    assert_eq!(layered.allow_issuers, ["did:example:a", "did:example:b"]);
    assert_eq!(layered.jobs, Some(3));
    assert_eq!(
        layered.did_dirs, from_file.did_dirs,
        "untouched by the environment"
    );

    // The flags layer: the front end assigns fields.
    let mut flagged = layered;
    flagged.offline = true;
    assert!(flagged.offline);
}

#[test]
fn a_misspelt_key_in_the_file_is_refused_with_its_name() {
    let dir = tempdir("typo");
    let file = dir.join("credbridge.toml");
    std::fs::write(&file, "ofline = true\n").unwrap();
    let err = Settings::from_sources(Some(&file), env(&[])).unwrap_err();
    assert!(matches!(err, ConfigError::Toml { .. }), "{err:?}");
    let text = err.to_string();
    assert!(
        text.contains("credbridge.toml") && text.contains("ofline"),
        "{text}"
    );
}

#[test]
fn a_bad_environment_value_names_the_variable() {
    let err =
        Settings::from_sources(None, env(&[("CREDBRIDGE_MAX_CLOCK_SKEW", "five")])).unwrap_err();
    assert!(
        matches!(
            err,
            ConfigError::Env {
                var: "CREDBRIDGE_MAX_CLOCK_SKEW",
                ..
            }
        ),
        "{err:?}"
    );
    let err = Settings::from_sources(None, env(&[("CREDBRIDGE_OFFLINE", "maybe")])).unwrap_err();
    assert!(
        err.to_string().starts_with("CREDBRIDGE_OFFLINE=\"maybe\""),
        "{err}"
    );
}

#[test]
fn every_documented_variable_is_read() {
    // Each variable in the table changes the settings when set to a valid value.
    let dir = tempdir("vars");
    for (var, setting) in ENV_VARS {
        let value = match *setting {
            "offline" => "1",
            "max_clock_skew" | "jobs" => "7",
            "at" => "2025-06-01T00:00:00Z",
            "allow_issuers" | "deny_issuers" => "did:example:x",
            _ => dir.to_str().unwrap(),
        };
        let settings = Settings::from_sources(None, env(&[(var, value)])).unwrap();
        assert_ne!(settings, Settings::default(), "{var} was not read");
    }
}

#[test]
fn a_missing_settings_file_is_an_error_naming_it() {
    let missing = tempdir("missing").join("nope.toml");
    let err = Settings::from_sources(Some(&missing), env(&[])).unwrap_err();
    assert!(matches!(err, ConfigError::Read { .. }));
    assert!(err.to_string().contains("nope.toml"), "{err}");
}
