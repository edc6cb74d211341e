//! The issuer's side: `issuer create`, `issue` from a template and a CSV roster, `verify` of what
//! was issued (status lists read from the issuer's folder through `--documents`), `revoke`, and
//! `lint` — with the master key in the environment, as an operator would run them.

use super::common::*;

const MASTER_KEY: &str = "00112233445566778899aabbccddeeff00112233445566778899aabbccddeeff";
const STATUS_BASE: &str = "https://status.college.example/lists";

const TEMPLATE: &str = "\
# A small OB 3.0 achievement template (shape of crates/issue/testdata/templates/welding.yaml).
id: https://college.example/achievements/python-1
name: Python Programming 1
description: Writing, testing and debugging small Python programs.
achievementType: Course
criteria:
  narrative: Passed four graded programming assignments and a final practical exam.
alignment:
  - targetName: Python (computer programming)
    targetUrl: http://data.europa.eu/esco/skill/ccd0a1d9-afda-43d9-b901-96344886e14d
    targetFramework: ESCO
    targetType: ceasn:Competency
";

const ROSTER: &str = "\
email,given_name,family_name,awarded_at
ana@example.com,Ana,Silva,2026-06-01
bo@example.com,Bo,Chen,2026-06-02
cy@example.com,Cy,Okafor,2026-06-03
";

/// The binary with a chosen master key (or none) and no ambient issuer settings.
fn issuer_cmd(master_key: Option<&str>, args: &[&str]) -> Output {
    let mut command = Command::new(env!("CARGO_BIN_EXE_credbridge"));
    command
        .args(args)
        .current_dir(repo())
        .env_remove("CREDBRIDGE_MASTER_KEY")
        .env_remove("CREDBRIDGE_MASTER_KEY_FILE")
        .env_remove("CREDBRIDGE_DATA_DIR");
    if let Some(key) = master_key {
        command.env("CREDBRIDGE_MASTER_KEY", key);
    }
    command.output().expect("run credbridge")
}

fn stderr(output: &Output) -> String {
    String::from_utf8_lossy(&output.stderr).into_owned()
}

fn ok(output: &Output) {
    assert_eq!(
        output.status.code(),
        Some(0),
        "stdout: {}\nstderr: {}",
        stdout(output),
        stderr(output)
    );
}

fn p(path: &Path) -> &str {
    path.to_str().unwrap()
}

struct Issued {
    dir: PathBuf,
    data: PathBuf,
    out: PathBuf,
    template: PathBuf,
    did: String,
}

fn create_and_issue(name: &str) -> Issued {
    let dir = tempdir(name);
    let data = dir.join("data");
    let template = dir.join("python-1.yaml");
    let roster = dir.join("roster.csv");
    let out = dir.join("out");
    std::fs::write(&template, TEMPLATE).unwrap();
    std::fs::write(&roster, ROSTER).unwrap();

    let created = issuer_cmd(
        Some(MASTER_KEY),
        &["issuer", "create", "test", "--data-dir", p(&data)],
    );
    ok(&created);
    let did_document: Value = serde_json::from_str(&stdout(&created)).unwrap();
    let did = did_document["id"].as_str().unwrap().to_owned();
    assert!(did.starts_with("did:key:z6Mk"), "{did_document:#}");

    let issued = issuer_cmd(
        Some(MASTER_KEY),
        &[
            "issue",
            "--template",
            p(&template),
            "--roster",
            p(&roster),
            "--issuer",
            "test",
            "--out",
            p(&out),
            "--status-base",
            STATUS_BASE,
            "--data-dir",
            p(&data),
        ],
    );
    ok(&issued);
    let summary = stdout(&issued);
    assert!(
        summary.starts_with("issued 3, already issued 0, rows skipped 0;"),
        "{summary}"
    );
    Issued {
        dir,
        data,
        out,
        template,
        did,
    }
}

fn credentials(out: &Path) -> Vec<PathBuf> {
    let mut files: Vec<PathBuf> = std::fs::read_dir(out.join("credentials"))
        .unwrap()
        .map(|e| e.unwrap().path())
        .collect();
    files.sort();
    files
}

/// `--documents` map: each status list URL the credentials name → the issuer's local file.
fn documents(issued: &Issued) -> PathBuf {
    let mut map = serde_json::Map::new();
    for file in credentials(&issued.out) {
        let credential: Value = serde_json::from_slice(&std::fs::read(&file).unwrap()).unwrap();
        let url = credential["credentialStatus"]["statusListCredential"]
            .as_str()
            .unwrap_or_else(|| panic!("no status: {credential:#}"))
            .to_owned();
        let rest = url.strip_prefix(STATUS_BASE).unwrap();
        let local = issued
            .data
            .join(format!("issuers/public/test/status{rest}.json"));
        assert!(local.is_file(), "{url} → {}", local.display());
        map.insert(url, Value::String(local.to_str().unwrap().to_owned()));
    }
    let path = issued.dir.join("documents.json");
    std::fs::write(&path, Value::Object(map).to_string()).unwrap();
    path
}

#[test]
fn issue_from_template_and_roster_then_verify_revoke_and_verify_again() {
    let issued = create_and_issue("issue");
    let files = credentials(&issued.out);
    assert_eq!(files.len(), 3, "{files:?}");
    let manifest = std::fs::read_to_string(issued.out.join("manifest.csv")).unwrap();
    assert_eq!(manifest.lines().count(), 4, "header and 3 rows: {manifest}");
    for email in ["ana@example.com", "bo@example.com", "cy@example.com"] {
        assert!(manifest.contains(email), "{manifest}");
    }
    let first: Value = serde_json::from_slice(&std::fs::read(&files[0]).unwrap()).unwrap();
    assert_eq!(first["issuer"]["id"], issued.did.as_str());
    assert_eq!(
        first["credentialSubject"]["achievement"]["name"],
        "Python Programming 1"
    );

    let documents = documents(&issued);
    let out_dir = issued.out.join("credentials");
    let verify = |extra: &[&str]| {
        let mut args = vec![
            "verify",
            "--offline",
            "--json",
            "--documents",
            p(&documents),
        ];
        args.extend(extra);
        args.push(p(&out_dir));
        credbridge(&args)
    };
    let verified = verify(&[]);
    ok(&verified);
    let reports = json_lines(&verified);
    assert_eq!(reports.len(), 3);
    for report in &reports {
        // Our own did:key issuer is genuine but in no registry: valid with warnings.
        assert_eq!(report["verdict"], "valid-with-warnings", "{report:#}");
        assert_eq!(report["issuer"], issued.did.as_str());
        let status = report["checks"]
            .as_array()
            .unwrap()
            .iter()
            .find(|c| c["id"] == "status")
            .unwrap_or_else(|| panic!("a status check ran: {report:#}"));
        assert_eq!(status["outcome"], "passed", "{status:#}");
    }

    // Without the status lists, offline: could not check, exit 3.
    let unchecked = credbridge(&["verify", "--offline", p(&out_dir)]);
    assert_eq!(unchecked.status.code(), Some(3), "{}", stdout(&unchecked));

    // The recipient binding holds for the row's email, not for another.
    let ana = issued.out.join(manifest_file(&manifest, "ana@example.com"));
    let holds = credbridge(&[
        "verify",
        "--offline",
        "--documents",
        p(&documents),
        "--recipient",
        "ana@example.com",
        p(&ana),
    ]);
    ok(&holds);
    let other = credbridge(&[
        "verify",
        "--offline",
        "--documents",
        p(&documents),
        "--recipient",
        "bo@example.com",
        p(&ana),
    ]);
    assert_eq!(other.status.code(), Some(1), "{}", stdout(&other));

    // Revoke Ana's credential: the list is re-signed and verify now fails for that one only.
    let id = manifest
        .lines()
        .find(|l| l.contains("ana@example.com"))
        .unwrap()
        .split(',')
        .next()
        .unwrap();
    let revoked = issuer_cmd(
        Some(MASTER_KEY),
        &[
            "revoke",
            id,
            "--status-base",
            STATUS_BASE,
            "--data-dir",
            p(&issued.data),
        ],
    );
    ok(&revoked);
    assert!(stdout(&revoked).starts_with("re-signed "));
    let after = verify(&[]);
    assert_eq!(after.status.code(), Some(1));
    let reports = json_lines(&after);
    let invalid: Vec<_> = reports
        .iter()
        .filter(|r| r["verdict"] == "invalid")
        .collect();
    assert_eq!(invalid.len(), 1, "{reports:#?}");
    assert_eq!(invalid[0]["credential_id"], id);
}

/// The credential file of a manifest row.
fn manifest_file(manifest: &str, email: &str) -> String {
    let header: Vec<&str> = manifest.lines().next().unwrap().split(',').collect();
    let column = header.iter().position(|h| *h == "files").unwrap();
    let row: Vec<&str> = manifest
        .lines()
        .find(|l| l.contains(email))
        .unwrap()
        .split(',')
        .collect();
    row[column].split(';').next().unwrap().to_owned()
}

#[test]
fn issuing_again_issues_nothing_new() {
    let issued = create_and_issue("issue-again");
    let roster = issued.dir.join("roster.csv");
    let again = issuer_cmd(
        Some(MASTER_KEY),
        &[
            "issue",
            "--json",
            "--template",
            p(&issued.template),
            "--roster",
            p(&roster),
            "--issuer",
            "test",
            "--out",
            p(&issued.out),
            "--status-base",
            STATUS_BASE,
            "--data-dir",
            p(&issued.data),
        ],
    );
    ok(&again);
    let summary = &json_lines(&again)[0];
    assert_eq!(summary["batch"]["issued"], 0, "{summary:#}");
    assert_eq!(summary["batch"]["already_issued"], 3, "{summary:#}");
    assert_eq!(credentials(&issued.out).len(), 3);
}

#[test]
fn missing_or_bad_master_key_is_a_clear_error() {
    let dir = tempdir("issuer-no-key");
    let data = dir.join("data");
    let out = issuer_cmd(None, &["issuer", "create", "test", "--data-dir", p(&data)]);
    assert_eq!(out.status.code(), Some(2));
    let err = stderr(&out);
    assert!(err.contains("no master key"), "{err}");
    assert!(err.contains("CREDBRIDGE_MASTER_KEY"), "{err}");
    assert!(stdout(&out).is_empty());
    assert!(
        !data.join("issuers/issuers/test.json").exists(),
        "no issuer is created without a key"
    );

    let out = issuer_cmd(
        Some("not-hex"),
        &["issuer", "create", "test", "--data-dir", p(&data)],
    );
    assert_eq!(out.status.code(), Some(2));
    assert!(
        stderr(&out).contains("CREDBRIDGE_MASTER_KEY"),
        "{}",
        stderr(&out)
    );

    // Issuing with the key missing fails the same way, before anything is written.
    let template = dir.join("t.yaml");
    let roster = dir.join("r.csv");
    std::fs::write(&template, TEMPLATE).unwrap();
    std::fs::write(&roster, ROSTER).unwrap();
    let issued_out = dir.join("out");
    let out = issuer_cmd(
        None,
        &[
            "issue",
            "--template",
            p(&template),
            "--roster",
            p(&roster),
            "--issuer",
            "test",
            "--out",
            p(&issued_out),
            "--data-dir",
            p(&data),
        ],
    );
    assert_eq!(out.status.code(), Some(2));
    assert!(stderr(&out).contains("no master key"), "{}", stderr(&out));
    assert!(!issued_out.join("credentials").exists());
}

#[test]
fn issuer_names_are_restricted_and_say_so() {
    let dir = tempdir("issuer-name");
    let out = issuer_cmd(
        Some(MASTER_KEY),
        &["issuer", "create", "Test", "--data-dir", p(&dir)],
    );
    assert_eq!(out.status.code(), Some(2));
    let err = stderr(&out);
    assert!(err.contains("issuer name \"Test\""), "{err}");
    assert!(err.contains("a-z, 0-9"), "{err}");
}

#[test]
fn lint_scores_the_template() {
    let dir = tempdir("lint");
    let template = dir.join("python-1.yaml");
    std::fs::write(&template, TEMPLATE).unwrap();
    let out = credbridge(&["lint", p(&template)]);
    // Warnings and infos only: no error, exit 0.
    ok(&out);
    let text = stdout(&out);
    let first = text.lines().next().unwrap();
    assert!(first.contains("score 75/100"), "{text}");
    assert!(first.starts_with(p(&template)), "{text}");

    let out = credbridge(&["lint", "--json", p(&template)]);
    ok(&out);
    let lines = json_lines(&out);
    assert_eq!(lines.len(), 1);
    assert_eq!(lines[0]["report"]["score"], 75, "{:#}", lines[0]);
    let rules: Vec<&str> = lines[0]["report"]["findings"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| f["rule"].as_str().unwrap_or_default())
        .collect();
    assert!(rules.contains(&"criteria-specific"), "{rules:?}");

    // The complete template from the issue crate scores 100.
    let complete = repo().join("crates/issue/testdata/templates/welding.yaml");
    let out = credbridge(&["lint", "--json", p(&complete)]);
    ok(&out);
    assert_eq!(json_lines(&out)[0]["report"]["score"], 100);

    let out = credbridge(&["lint", p(&dir.join("missing.yaml"))]);
    assert_eq!(out.status.code(), Some(2));
}

#[test]
fn lint_text_prints_one_finding_per_line() {
    let dir = tempdir("lint-lines");
    let template = dir.join("python-1.yaml");
    std::fs::write(&template, TEMPLATE).unwrap();
    let out = credbridge(&["lint", p(&template)]);
    ok(&out);
    let text = stdout(&out);
    assert!(!text.contains("\\n"), "{text}");
    assert!(
        text.lines()
            .any(|l| l.trim_start().starts_with("Warning criteria-specific")),
        "{text}"
    );
}

#[test]
fn lint_checks_alignments_against_the_bundled_frameworks() {
    let dir = tempdir("lint-frameworks");
    // The same template, aligned to an ESCO IRI of the right shape that names no ESCO skill.
    let made_up = TEMPLATE.replace(
        "ccd0a1d9-afda-43d9-b901-96344886e14d",
        "00000000-0000-4000-8000-000000000000",
    );
    let template = dir.join("made-up.yaml");
    std::fs::write(&template, &made_up).unwrap();
    let out = credbridge(&["lint", "--json", p(&template)]);
    ok(&out);
    let report = &json_lines(&out)[0]["report"];
    let unknown: Vec<&serde_json::Value> = report["findings"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|f| f["rule"] == "alignment-known-framework")
        .collect();
    assert_eq!(unknown.len(), 1, "{report:#}");
    assert_eq!(
        unknown[0]["pointer"], "/alignment/0/targetUrl",
        "{report:#}"
    );
    assert!(
        unknown[0]["message"]
            .as_str()
            .unwrap()
            .contains("names no concept"),
        "{report:#}"
    );
    // The real skill scores higher than the made-up one.
    let real = dir.join("real.yaml");
    std::fs::write(&real, TEMPLATE).unwrap();
    let out = credbridge(&["lint", "--json", p(&real)]);
    let real_score = json_lines(&out)[0]["report"]["score"].as_u64().unwrap();
    assert!(
        real_score > report["score"].as_u64().unwrap(),
        "{real_score} vs {report:#}"
    );
}
