//! The employer's side: `skills search`, `normalize`, `profile`, `job import|show`, `match` and
//! `export`, run as the real binary on the bundled example and on credentials signed here.

use std::io::Write;
use std::process::Stdio;

use super::common::*;

const PYTHON: &str = "http://data.europa.eu/esco/skill/ccd0a1d9-afda-43d9-b901-96344886e14d";
const DATA_ANALYST: &str =
    "http://data.europa.eu/esco/occupation/d3edb8f8-3a06-47a0-8fb9-9b212c006aa2";
const EXAMPLE: &str = "examples/ob3-eddsa-rdfc-2022.json";

fn ok(output: &Output) {
    assert_eq!(
        output.status.code(),
        Some(0),
        "stdout: {}\nstderr: {}",
        stdout(output),
        String::from_utf8_lossy(&output.stderr)
    );
}

fn p(path: &Path) -> &str {
    path.to_str().unwrap()
}

fn example() -> Value {
    serde_json::from_slice(&std::fs::read(repo().join(EXAMPLE)).unwrap()).unwrap()
}

/// Follows an RFC 6901 pointer, as the provenance map gives them.
fn at<'a>(doc: &'a Value, pointer: &str) -> &'a Value {
    doc.pointer(pointer)
        .unwrap_or_else(|| panic!("pointer {pointer} does not resolve"))
}

/// The example credential re-signed here with a fresh Ed25519 key (eddsa-rdfc-2022), its issuer
/// set to the key's did:key so the key binding holds. Returns the signed file.
fn signed_example(dir: &Path, name: &str) -> PathBuf {
    let key = dir.join(format!("{name}.jwk"));
    ok(&credbridge(&["keys", "generate", "-o", p(&key)]));
    let mut credential = example();
    credential.as_object_mut().unwrap().remove("proof");
    let unsigned = dir.join(format!("{name}-unsigned.json"));
    std::fs::write(&unsigned, credential.to_string()).unwrap();
    let sign = |out: Option<&Path>| {
        let mut args = vec![
            "sign",
            p(&unsigned),
            "--key",
            p(&key),
            "--suite",
            "eddsa-rdfc-2022",
        ];
        if let Some(out) = out {
            args.extend(["-o", p(out)]);
        }
        let output = credbridge(&args);
        ok(&output);
        output
    };
    let first: Value = serde_json::from_str(&stdout(&sign(None))).unwrap();
    let did = first["proof"]["verificationMethod"]
        .as_str()
        .unwrap()
        .split('#')
        .next()
        .unwrap()
        .to_owned();
    assert!(did.starts_with("did:key:z6Mk"), "{did}");
    credential["issuer"]["id"] = Value::String(did);
    std::fs::write(&unsigned, credential.to_string()).unwrap();
    let signed = dir.join(format!("{name}.json"));
    sign(Some(&signed));
    let verified = credbridge(&["verify", "--offline", "--json", p(&signed)]);
    // A fresh key: genuine, but nobody confirms who holds it.
    assert_eq!(json_lines(&verified)[0]["verdict"], "valid-with-warnings");
    signed
}

#[test]
fn skills_search_finds_python_and_reads_queries_from_stdin() {
    let out = credbridge(&["skills", "search", "Python", "--json"]);
    ok(&out);
    let hits = json_lines(&out);
    assert_eq!(hits.len(), 1, "one JSON document");
    assert_eq!(hits[0][0]["iri"], PYTHON, "{:#}", hits[0][0]);
    assert_eq!(hits[0][0]["framework"], "ESCO");

    let mut child = Command::new(env!("CARGO_BIN_EXE_credbridge"))
        .args(["skills", "search", "-", "--top", "3"])
        .current_dir(repo())
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    child
        .stdin
        .take()
        .unwrap()
        .write_all(b"Python\nSQL\n")
        .unwrap();
    let out = child.wait_with_output().unwrap();
    ok(&out);
    let lines = json_lines(&out);
    assert_eq!(lines.len(), 2, "one JSON line per query: {}", stdout(&out));
    assert_eq!(lines[0][0]["iri"], PYTHON);
    let sql = lines[1].as_array().unwrap();
    assert!(!sql.is_empty() && sql.len() <= 3, "--top 3: {sql:?}");
    assert!(
        sql.iter()
            .any(|h| h["label"].as_str().unwrap().contains("SQL")),
        "{sql:?}"
    );
}

#[test]
fn normalize_prints_one_record_with_provenance_that_resolves() {
    let out = credbridge(&["normalize", "--offline", EXAMPLE]);
    ok(&out);
    let records = json_lines(&out);
    assert_eq!(records.len(), 1, "{}", stdout(&out));
    let record = &records[0];
    let credential = example();
    assert_eq!(
        record["achievement"]["name"],
        credential["credentialSubject"]["achievement"]["name"]
    );
    assert_eq!(record["verification"]["status"], "valid-with-warnings");
    assert_eq!(record["alignments"][0]["target_url"], PYTHON);
    let provenance = record["provenance"].as_object().unwrap();
    assert!(provenance.len() >= 5, "{provenance:?}");
    // Every pointer resolves in the file, and to the value the record holds.
    for (field, pointer) in provenance {
        let source = at(&credential, pointer.as_str().unwrap());
        let mut held = record;
        for part in field.split('.') {
            held = &held[part];
        }
        if held.is_string() {
            assert_eq!(held, source, "{field} ← {pointer}");
        }
    }
    assert_eq!(
        at(
            &credential,
            provenance["achievement.name"].as_str().unwrap()
        ),
        &record["achievement"]["name"]
    );
    let alignment_pointer = record["alignments"][0]["pointer"].as_str().unwrap();
    assert_eq!(at(&credential, alignment_pointer)["targetUrl"], PYTHON);

    // Nothing that awards an achievement: exit 2.
    let out = credbridge(&["normalize", "--offline", "examples/README.md"]);
    assert_eq!(out.status.code(), Some(2));
    assert!(stdout(&out).is_empty());
}

#[test]
fn profile_of_the_examples_folder() {
    let out = credbridge(&["profile", "--offline", "--json", "examples"]);
    ok(&out);
    let profiles = json_lines(&out);
    assert!(!profiles.is_empty());
    // The valid example gives a verified ESCO Python skill, aligned by the issuer.
    let python = profiles
        .iter()
        .flat_map(|p| p["skills"].as_array().unwrap())
        .find(|s| s["concept"] == PYTHON)
        .expect("the profile lists ESCO Python");
    assert_eq!(python["status"], "verified", "{python:#}");
    assert_eq!(python["verified_sources"], 1);
    // The tampered example is never a source of a verified skill.
    for profile in &profiles {
        for skill in profile["skills"].as_array().unwrap() {
            for evidence in skill["evidence"].as_array().unwrap() {
                if skill["status"] == "verified" {
                    assert!(
                        evidence["verification"] == "valid"
                            || evidence["verification"] == "valid-with-warnings",
                        "{skill:#}"
                    );
                }
            }
        }
    }

    let text = credbridge(&["profile", "--offline", EXAMPLE]);
    ok(&text);
    let text = stdout(&text);
    assert!(text.starts_with("Skills profile person:"), "{text}");
    assert!(text.contains("verified   Python (computer programming) [ESCO]"));
    assert!(
        !text.contains("\\n"),
        "text is printed line by line: {text}"
    );
}

fn import(dir: &Path, name: &str, from: &[&str]) -> (PathBuf, Value, String) {
    let file = dir.join(format!("{name}.json"));
    let mut args = vec!["job", "import"];
    args.extend(from);
    args.extend(["-o", p(&file)]);
    let out = credbridge(&args);
    ok(&out);
    let job: Value = serde_json::from_slice(&std::fs::read(&file).unwrap()).unwrap();
    (file, job, stdout(&out))
}

fn labels(job: &Value) -> Vec<&str> {
    job["requirements"]
        .as_array()
        .unwrap()
        .iter()
        .map(|r| r["label"].as_str().unwrap())
        .collect()
}

#[test]
fn job_import_from_text_esco_onet_and_json_resume_then_show() {
    let dir = tempdir("job-import");
    let text = dir.join("backend.txt");
    std::fs::write(&text, "computer programming\nSQL\n").unwrap();
    let (file, job, printed) = import(&dir, "text", &["--text", p(&text)]);
    assert_eq!(job["title"], "backend");
    assert_eq!(labels(&job), ["computer programming", "SQL"]);
    assert!(
        job["requirements"]
            .as_array()
            .unwrap()
            .iter()
            .all(|r| r["importance"] == "required" && r["confirmed"] == false),
        "{job:#}"
    );
    assert!(printed.starts_with("backend (2 requirements)"), "{printed}");
    let shown = credbridge(&["job", "show", p(&file)]);
    ok(&shown);
    assert_eq!(stdout(&shown), printed, "show prints what import printed");
    let shown = credbridge(&["job", "show", "--json", p(&file)]);
    ok(&shown);
    assert_eq!(json_lines(&shown)[0], job);

    let (_, job, printed) = import(&dir, "esco", &["--esco-occupation", DATA_ANALYST]);
    assert_eq!(job["title"], "data analyst");
    let requirements = job["requirements"].as_array().unwrap();
    let required = requirements
        .iter()
        .filter(|r| r["importance"] == "required")
        .count();
    assert!(required >= 5 && requirements.len() > required, "{printed}");
    assert!(
        requirements.iter().all(|r| r["concept"]
            .as_str()
            .unwrap()
            .starts_with("http://data.europa.eu/esco/")),
        "{printed}"
    );
    assert!(printed.starts_with(&format!(
        "data analyst ({} requirements)",
        requirements.len()
    )));

    let (_, job, printed) = import(&dir, "onet", &["--onet", "15-1211.00"]);
    assert_eq!(job["title"], "Computer Systems Analysts", "{printed}");
    assert!(
        job["requirements"]
            .as_array()
            .unwrap()
            .iter()
            .any(|r| !r["min_level"].is_null()),
        "O*NET gives levels: {printed}"
    );

    let resume = repo().join("crates/cli/tests/data/sample.job.json");
    let (_, job, printed) = import(&dir, "resume", &["--json-resume", p(&resume)]);
    assert_eq!(job["title"], "Web Developer");
    let labels = labels(&job);
    assert!(labels.contains(&"SQL"), "{printed}");
    assert!(labels.contains(&"JavaScript"), "{printed}");
}

#[test]
fn bad_job_files_exit_2_with_a_message() {
    let dir = tempdir("job-bad");
    let bad = dir.join("bad.json");
    std::fs::write(&bad, r#"{"title": 3}"#).unwrap();
    for args in [
        vec!["job", "show", p(&bad)],
        vec!["match", "--job", p(&bad), "--offline", EXAMPLE],
    ] {
        let out = credbridge(&args);
        assert_eq!(out.status.code(), Some(2), "{args:?}");
        let err = String::from_utf8_lossy(&out.stderr);
        assert!(err.contains("not a credbridge job"), "{args:?}: {err}");
        assert!(stdout(&out).is_empty());
    }
    let missing = dir.join("missing.json");
    let out = credbridge(&["job", "show", p(&missing)]);
    assert_eq!(out.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&out.stderr).contains("missing.json"));

    let out = credbridge(&["job", "import", "--onet", "99-9999.99", "-o", p(&bad)]);
    assert_eq!(out.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&out.stderr).contains("99-9999.99"));
    let out = credbridge(&[
        "job",
        "import",
        "--onet",
        "15-1211.00",
        "--text",
        p(&bad),
        "-o",
        p(&missing),
    ]);
    assert_eq!(out.status.code(), Some(2), "two sources are a usage error");
    assert!(!missing.exists());
}

#[test]
fn match_and_every_export_on_credentials_signed_here() {
    let dir = tempdir("match-export");
    let signed = signed_example(&dir, "python-course");
    let text = dir.join("job.txt");
    std::fs::write(&text, "computer programming\nSQL\n").unwrap();
    let job = dir.join("job.json");
    ok(&credbridge(&[
        "job",
        "import",
        "--text",
        p(&text),
        "-o",
        p(&job),
    ]));

    let out = credbridge(&["match", "--job", p(&job), "--offline", p(&signed)]);
    ok(&out);
    let text = stdout(&out);
    let programming = text
        .lines()
        .find(|l| l.trim_start().starts_with("computer programming"))
        .unwrap_or_else(|| panic!("{text}"));
    assert!(
        programming.contains("shown by a verified credential"),
        "{text}"
    );
    assert!(programming.contains("Data Analysis with Python"), "{text}");
    let sql = text
        .lines()
        .find(|l| l.trim_start().starts_with("SQL"))
        .unwrap();
    assert!(sql.contains("not shown"), "{text}");
    assert!(text.contains("50% of required"), "{text}");

    let out = credbridge(&["match", "--json", "--job", p(&job), "--offline", p(&signed)]);
    ok(&out);
    let reports = json_lines(&out);
    assert_eq!(reports.len(), 1);
    assert_eq!(reports[0]["coverage"]["required"], 0.5);
    assert_eq!(reports[0]["coverage"]["met_verified"], 1);

    let export = |format: &str, file: &str| -> Vec<u8> {
        let path = dir.join(file);
        let out = credbridge(&[
            "export",
            "--format",
            format,
            "-o",
            p(&path),
            "--job",
            p(&job),
            "--offline",
            p(&signed),
        ]);
        ok(&out);
        assert!(String::from_utf8_lossy(&out.stderr).contains("wrote"));
        std::fs::read(&path).unwrap()
    };
    let pdf = export("pdf", "report.pdf");
    assert!(pdf.starts_with(b"%PDF-"), "PDF header");
    assert!(pdf.windows(5).any(|w| w == b"%%EOF"), "PDF trailer");
    let html = String::from_utf8(export("html", "report.html")).unwrap();
    assert!(html.to_lowercase().contains("<html"), "{html}");
    assert!(html.contains("Python (computer programming)"), "{html}");
    assert!(html.contains("Data Analysis with Python"), "{html}");
    let ler: Value = serde_json::from_slice(&export("ler-rs", "ler.json")).unwrap();
    assert!(ler["type"].as_str().unwrap().contains("LER-RS"), "{ler:#}");
    assert!(
        ler["skills"]
            .as_array()
            .unwrap()
            .iter()
            .any(|s| s["name"] == "Python (computer programming)"),
        "{ler:#}"
    );
    let resume: Value = serde_json::from_slice(&export("json-resume", "resume.json")).unwrap();
    assert!(resume.is_object(), "{resume:#}");
    assert!(
        resume.to_string().contains("Python (computer programming)"),
        "{resume:#}"
    );
    let bundle = export("ats-bundle", "bundle.zip");
    let mut zip = zip::ZipArchive::new(std::io::Cursor::new(bundle)).unwrap();
    let names: Vec<String> = zip.file_names().map(|n| n.unwrap().into_owned()).collect();
    let manifest: Value = {
        let mut file = zip.by_name("manifest.json").unwrap();
        let mut text = String::new();
        std::io::Read::read_to_string(&mut file, &mut text).unwrap();
        serde_json::from_str(&text).unwrap()
    };
    assert!(manifest.is_object(), "{manifest:#}");
    assert!(names.iter().any(|n| n.ends_with(".pdf")), "{names:?}");
    let original = names
        .iter()
        .find(|n| n.starts_with("credentials/"))
        .unwrap_or_else(|| panic!("{names:?}"))
        .clone();
    let mut text = String::new();
    std::io::Read::read_to_string(&mut zip.by_name(&original).unwrap(), &mut text).unwrap();
    let inside: Value = serde_json::from_str(&text).unwrap();
    let outside: Value = serde_json::from_slice(&std::fs::read(&signed).unwrap()).unwrap();
    assert_eq!(inside, outside, "the bundle holds the original credential");

    // The examples folder is one person (both credentials carry the same salted email hash);
    // the tampered copy shows nothing, so the resume lists one certificate.
    let one = dir.join("one.json");
    let out = credbridge(&[
        "export",
        "--format",
        "json-resume",
        "-o",
        p(&one),
        "--offline",
        "examples",
    ]);
    ok(&out);
    let resume: Value = serde_json::from_slice(&std::fs::read(&one).unwrap()).unwrap();
    assert_eq!(
        resume["certificates"].as_array().unwrap().len(),
        1,
        "{resume:#}"
    );
}

/// The tampered example is invalid and must not show as a second person meeting the job with a
/// verified credential.
#[test]
fn match_on_a_folder_with_a_tampered_credential_reports_each_person_once() {
    let dir = tempdir("match-tampered");
    let text = dir.join("job.txt");
    std::fs::write(&text, "computer programming\nSQL\n").unwrap();
    let job = dir.join("job.json");
    ok(&credbridge(&[
        "job",
        "import",
        "--text",
        p(&text),
        "-o",
        p(&job),
    ]));
    let out = credbridge(&["match", "--json", "--job", p(&job), "--offline", "examples"]);
    ok(&out);
    let reports = json_lines(&out);
    let met: Vec<_> = reports
        .iter()
        .filter(|r| r["coverage"]["met_verified"] != 0)
        .collect();
    assert_eq!(
        met.len(),
        1,
        "only the valid credential meets a requirement: {reports:#?}"
    );
    let mut ids: Vec<_> = reports.iter().map(|r| r["candidate"].clone()).collect();
    ids.dedup();
    assert_eq!(ids.len(), reports.len(), "one report per person: {ids:?}");
}

/// A job names each concept once: a keyword and a qualification line that map to the same skill
/// are one requirement (else the skill weighs twice in the coverage).
#[test]
fn job_import_from_json_resume_lists_each_concept_once() {
    let dir = tempdir("job-resume-dup");
    let resume = repo().join("crates/cli/tests/data/sample.job.json");
    let (_, job, printed) = import(&dir, "resume", &["--json-resume", p(&resume)]);
    let mut concepts: Vec<&str> = job["requirements"]
        .as_array()
        .unwrap()
        .iter()
        .map(|r| r["concept"].as_str().unwrap())
        .collect();
    let all = concepts.len();
    concepts.sort_unstable();
    concepts.dedup();
    assert_eq!(concepts.len(), all, "{printed}");
}

/// `credbridge … | head` closes the pipe early: the command should end quietly, not panic.
#[test]
fn a_closed_stdout_pipe_ends_the_command_without_a_panic() {
    let mut child = Command::new(env!("CARGO_BIN_EXE_credbridge"))
        .args(["profile", "--offline", EXAMPLE])
        .current_dir(repo())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    // Close the reading end before the credential is verified and anything is written.
    drop(child.stdout.take());
    let out = child.wait_with_output().unwrap();
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(!err.contains("panicked"), "{err}");
    assert_ne!(out.status.code(), Some(101), "{err}");
}
