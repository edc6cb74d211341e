//! The employer's side over HTTP: profiles built from the inbox (`/profiles`), jobs and ranked
//! matches (`/jobs`…), the candidate and job pages and the exports, on credentials signed here
//! (our own Ed25519 signer: genuine, issuer unconfirmed → valid with warnings) and one tampered
//! after signing (invalid: it shows nothing).

use axum::body::Body;
use axum::http::{Request, header};
use credbridge_proofs::suites;
use credbridge_testkit::{Signer, ob3_credential};
use serde_json::{Value, json};

use crate::both;
use crate::fixtures::{Backend, TestApp};

const PYTHON: &str = "http://data.europa.eu/esco/skill/ccd0a1d9-afda-43d9-b901-96344886e14d";
const SQL: &str = "http://data.europa.eu/esco/skill/598de5b0-5b58-4ea7-8058-a4bc4d18c742";
const ADA: &str = "did:key:z6MkAdaLovelaceExampleLearner";
const BEN: &str = "did:key:z6MkBenExampleLearner";
const CREATED: i64 = 1_781_222_400; // 2026-06-12

/// An OB 3.0 credential to `subject` named `name`, aligned to one ESCO skill, signed here.
fn signed(seed: u8, subject: &str, name: &str, skill: (&str, &str)) -> Value {
    let signer = Signer::ed25519([seed; 32]).unwrap();
    let mut credential = ob3_credential(&signer.did.did);
    credential["id"] = json!(format!(
        "urn:uuid:00000000-0000-4000-8000-0000000000{seed:02}"
    ));
    credential["name"] = json!(name);
    credential["credentialSubject"]["id"] = json!(subject);
    let achievement = &mut credential["credentialSubject"]["achievement"];
    achievement["id"] = json!(format!("https://college.example/achievements/{seed}"));
    achievement["name"] = json!(name);
    achievement["alignment"] = json!([{
        "type": ["Alignment"], "targetName": skill.1, "targetUrl": skill.0, "targetFramework": "ESCO"
    }]);
    signer
        .sign_data_integrity(&credential, suites::EDDSA_RDFC_2022, CREATED)
        .unwrap()
}

/// Ada: Python and SQL, both genuine. Ben: a Python credential altered after signing.
pub fn cohort() -> Vec<Value> {
    let mut tampered = signed(3, BEN, "Python basics", (PYTHON, "Python"));
    tampered["credentialSubject"]["achievement"]["name"] = json!("Python mastery");
    vec![
        signed(1, ADA, "Data Analysis with Python", (PYTHON, "Python")),
        signed(2, ADA, "Relational databases", (SQL, "SQL")),
        tampered,
    ]
}

async fn upload_cohort(t: &TestApp, token: Option<&str>) -> Vec<String> {
    let mut ids = Vec::new();
    for credential in cohort() {
        let answer = t
            .post(
                "/inbox",
                token,
                "application/json",
                credential.to_string().into_bytes(),
            )
            .await;
        assert_eq!(answer.status, 201, "{}", answer.text());
        ids.push(answer.json()["items"][0]["id"].as_str().unwrap().to_owned());
    }
    ids
}

fn encode(text: &str) -> String {
    credbridge_pages::paths::encode(text)
}

fn person_of<'a>(profiles: &'a Value, did: &str) -> &'a Value {
    profiles["items"]
        .as_array()
        .unwrap()
        .iter()
        .find(|p| p["person"]["id"].as_str().unwrap().contains(did))
        .unwrap_or_else(|| panic!("no profile for {did}: {profiles}"))
}

async fn profiles_jobs_and_matches(backend: Backend) {
    let t = TestApp::new(backend, false).await;
    let a = t.token("tenant-a", &[]).await;
    let b = t.token("tenant-b", &[]).await;
    let inbox_only = t.token("tenant-a", &["read:/inbox"]).await;
    let ids = upload_cohort(&t, Some(&a)).await;

    // Profiles: one person per DID, never by name; skills with their evidence and provenance.
    let answer = t.get("/profiles", Some(&a)).await;
    assert_eq!(answer.status, 200, "{}", answer.text());
    let profiles = answer.json();
    assert_eq!(profiles["total"], 2, "{profiles}");
    let ada = person_of(&profiles, ADA);
    let links = ada["person"]["links"].as_array().unwrap();
    assert_eq!(links.len(), 2, "{ada}");
    assert!(
        links
            .iter()
            .all(|l| l["reasons"][0]["reason"] == "same-did" && l["reasons"][0]["did"] == ADA),
        "{ada}"
    );
    let python = ada["skills"]
        .as_array()
        .unwrap()
        .iter()
        .find(|s| s["concept"] == PYTHON)
        .unwrap_or_else(|| panic!("{ada}"));
    assert_eq!(python["status"], "verified", "{python}");
    assert_eq!(
        python["evidence"][0]["verification"], "valid-with-warnings",
        "{python}"
    );
    // Provenance: the record names the stored credential and where each value came from.
    let record = &ada["credentials"][0]["record"];
    assert!(
        ids.iter()
            .any(|id| record["source"]["item"] == format!("/inbox/credentials/{id}")),
        "{record}"
    );
    assert_eq!(
        record["provenance"]["achievement.name"],
        "/credentialSubject/achievement/name"
    );
    // Ben's only credential is invalid: it is listed, excluded, and shows no skill.
    let ben = person_of(&profiles, BEN);
    assert_eq!(ben["skills"].as_array().unwrap().len(), 0, "{ben}");
    assert!(ben["credentials"][0]["excluded"].is_string(), "{ben}");

    // Filters.
    let filtered = t.get("/profiles?q=relational", Some(&a)).await.json();
    assert_eq!(filtered["total"], 1, "{filtered}");
    let filtered = t
        .get(&format!("/profiles?skill={}", encode(SQL)), Some(&a))
        .await
        .json();
    assert_eq!(filtered["total"], 1, "{filtered}");
    assert_eq!(
        t.get("/profiles?verified=true", Some(&a)).await.json()["total"],
        1
    );

    // One profile by id; another tenant sees none of it; scopes are enforced.
    let ada_id = ada["person"]["id"].as_str().unwrap().to_owned();
    let uri = format!("/profiles/{}", encode(&ada_id));
    let one = t.get(&uri, Some(&a)).await;
    assert_eq!(one.status, 200, "{}", one.text());
    assert_eq!(one.json()["person"]["id"], ada_id.as_str());
    t.get(&uri, Some(&b)).await.assert_problem(404, "not-found");
    assert_eq!(t.get("/profiles", Some(&b)).await.json()["total"], 0);
    t.get("/profiles", Some(&inbox_only))
        .await
        .assert_problem(403, "insufficient-scope");
    t.get("/profiles", None)
        .await
        .assert_problem(401, "unauthorized");

    // Jobs: from text (mapped for confirmation), stored per tenant.
    let created = t
        .post(
            "/jobs",
            Some(&a),
            "application/json",
            json!({"from": "text", "title": "Data engineer", "value": "computer programming\nSQL\nproject management, nice to have"})
                .to_string()
                .into_bytes(),
        )
        .await;
    assert_eq!(created.status, 201, "{}", created.text());
    let job_id = created.json()["id"].as_str().unwrap().to_owned();
    assert_eq!(created.json()["job"]["title"], "Data engineer");
    let listed = t.get("/jobs", Some(&a)).await.json();
    assert_eq!(listed["items"][0]["id"], job_id.as_str(), "{listed}");
    assert_eq!(listed["items"][0]["source"], "text");
    assert_eq!(
        t.get(&format!("/jobs/{job_id}"), Some(&a)).await.json()["job"]["requirements"]
            .as_array()
            .unwrap()
            .len(),
        3
    );
    assert_eq!(t.get("/jobs", Some(&b)).await.json()["items"], json!([]));
    t.get(&format!("/jobs/{job_id}"), Some(&b))
        .await
        .assert_problem(404, "not-found");
    t.get(&format!("/jobs/{job_id}/matches"), Some(&inbox_only))
        .await
        .assert_problem(403, "insufficient-scope");

    // Matches: Ada first; a Python credential meets "computer programming" (narrower concept),
    // verified; SQL met by the same concept; Ben's tampered credential meets nothing.
    let matches = t.get(&format!("/jobs/{job_id}/matches"), Some(&a)).await;
    assert_eq!(matches.status, 200, "{}", matches.text());
    let matches = matches.json();
    let items = matches["items"].as_array().unwrap();
    assert_eq!(items.len(), 2, "{matches}");
    assert_eq!(items[0]["candidate"], ada_id.as_str(), "{matches}");
    let line = |report: &Value, label: &str| -> Value {
        report["requirements"]
            .as_array()
            .unwrap()
            .iter()
            .find(|l| l["label"].as_str().unwrap().contains(label))
            .cloned()
            .unwrap_or_else(|| panic!("no {label} in {report}"))
    };
    let programming = line(&items[0], "programming");
    assert_eq!(programming["status"], "met-verified", "{programming}");
    assert_eq!(
        programming["evidence"][0]["achievement"], "Data Analysis with Python",
        "{programming}"
    );
    assert_eq!(line(&items[0], "SQL")["status"], "met-verified");
    assert_eq!(line(&items[0], "project")["status"], "not-shown");
    for l in items[1]["requirements"].as_array().unwrap() {
        assert_eq!(l["status"], "not-shown", "{l}");
    }

    // Bad job requests are problems.
    t.post(
        "/jobs",
        Some(&a),
        "application/json",
        json!({"from": "fax", "value": "x"})
            .to_string()
            .into_bytes(),
    )
    .await
    .assert_problem(400, "invalid-request");
    t.post(
        "/jobs",
        Some(&a),
        "application/json",
        json!({"from": "esco", "value": "http://data.europa.eu/esco/occupation/none"})
            .to_string()
            .into_bytes(),
    )
    .await
    .assert_problem(400, "invalid-request");
    assert_eq!(
        t.delete(&format!("/jobs/{job_id}"), Some(&a)).await.status,
        204
    );
    t.get(&format!("/jobs/{job_id}"), Some(&a))
        .await
        .assert_problem(404, "not-found");

    // The API description lists the new resources.
    let doc = t.get("/openapi.json", None).await.json();
    for path in [
        "/profiles",
        "/profiles/{id}",
        "/jobs",
        "/jobs/{id}",
        "/jobs/{id}/matches",
    ] {
        assert!(doc["paths"][path].is_object(), "{path} missing");
    }
    t.cleanup().await;
}
both!(profiles_jobs_and_matches_api, profiles_jobs_and_matches);

fn text(answer: &crate::fixtures::Answer) -> String {
    answer.text()
}

async fn candidate_and_job_pages(backend: Backend) {
    let t = TestApp::new(backend, true).await;
    upload_cohort(&t, None).await;

    let list = t.get("/candidates", None).await;
    assert_eq!(list.status, 200, "{}", text(&list));
    let html = text(&list);
    assert!(html.contains("2 in all"), "{html}");
    let searched = text(&t.get("/candidates?q=relational", None).await);
    assert_eq!(
        searched.matches("href=\"/candidates/").count(),
        1,
        "{searched}"
    );

    let profiles = t.get("/profiles", None).await.json();
    let ada_id = person_of(&profiles, ADA)["person"]["id"]
        .as_str()
        .unwrap()
        .to_owned();
    let page = t
        .get(&format!("/candidates/{}", encode(&ada_id)), None)
        .await;
    assert_eq!(page.status, 200, "{}", text(&page));
    let html = text(&page);
    for expected in [
        "Python (computer programming)",
        "Data Analysis with Python",
        "valid with warnings",
        "the recipient is the DID",
        "/inbox/view/",
        "ESCO classification",
    ] {
        assert!(html.contains(expected), "{expected} missing: {html}");
    }

    // Exports, downloaded from the candidate.
    let base = format!("/candidates/{}/export", encode(&ada_id));
    let pdf = t.get(&format!("{base}?format=pdf"), None).await;
    assert_eq!(pdf.status, 200, "{}", text(&pdf));
    assert_eq!(pdf.headers[header::CONTENT_TYPE], "application/pdf");
    assert!(pdf.body.starts_with(b"%PDF-"));
    let ler = t.get(&format!("{base}?format=ler-rs"), None).await.json();
    assert!(
        ler.to_string().contains("Data Analysis with Python"),
        "{ler}"
    );
    let resume = t
        .get(&format!("{base}?format=json-resume"), None)
        .await
        .json();
    assert!(resume["skills"].is_array(), "{resume}");
    let bundle = t.get(&format!("{base}?format=ats-bundle"), None).await;
    assert!(bundle.body.starts_with(b"PK\x03\x04"));
    assert_eq!(t.get(&format!("{base}?format=doc"), None).await.status, 400);
    // The report links back to the verifier page as the recruiter reached this server.
    let html_report = t
        .send(
            Request::get(format!("{base}?format=html"))
                .header(header::HOST, "hr.example.org:8080")
                .body(Body::empty())
                .unwrap(),
        )
        .await;
    assert_eq!(html_report.status, 200, "{}", text(&html_report));
    assert!(
        text(&html_report).contains("http://hr.example.org:8080/"),
        "{}",
        text(&html_report)
    );

    // A job made with the form (no JavaScript), then its page with the ranked explanation.
    let form = "from=text&title=Data+engineer&value=computer+programming%0ASQL";
    let created = t
        .send(
            Request::post("/dashboard/jobs")
                .header(header::CONTENT_TYPE, "application/x-www-form-urlencoded")
                .body(Body::from(form))
                .unwrap(),
        )
        .await;
    assert_eq!(created.status, 303, "{}", text(&created));
    let location = created.headers[header::LOCATION]
        .to_str()
        .unwrap()
        .to_owned();
    assert!(location.starts_with("/dashboard/jobs/"), "{location}");
    let job = t.get(&location, None).await;
    assert_eq!(job.status, 200, "{}", text(&job));
    let html = text(&job);
    assert!(html.contains("Data engineer"), "{html}");
    assert!(html.contains("data-status=\"met-verified\""), "{html}");
    assert!(html.contains("data-status=\"not-shown\""), "{html}");
    // The mapping path reads in skill names, each with its IRI a hover away.
    assert!(
        html.contains(
            "<abbr title=\"http://data.europa.eu/esco/skill/ccd0a1d9-afda-43d9-b901-96344886e14d\"><bdi>Python"
        ),
        "{html}"
    );
    let first = html.find("match-0").unwrap();
    let ada_link = html.find(&encode(&ada_id)).unwrap();
    assert!(ada_link > first, "Ada ranks first");
    let jobs = text(&t.get("/dashboard/jobs", None).await);
    assert!(jobs.contains("Data engineer"), "{jobs}");

    // With a job, the report shows the match.
    let job_id = location.trim_start_matches("/dashboard/jobs/");
    let report = t
        .get(&format!("{base}?format=html&job={job_id}"), None)
        .await;
    assert_eq!(report.status, 200);
    assert!(text(&report).contains("computer programming"));
    t.cleanup().await;
}
both!(candidate_and_job_pages_dev, candidate_and_job_pages);

async fn pages_need_login(backend: Backend) {
    let t = TestApp::new(backend, false).await;
    for uri in [
        "/candidates",
        "/dashboard/jobs",
        "/candidates/x",
        "/dashboard/jobs/x",
    ] {
        let answer = t.get(uri, None).await;
        assert_eq!(answer.status, 303, "{uri}");
        assert!(
            answer.headers[header::LOCATION]
                .to_str()
                .unwrap()
                .starts_with("/login"),
            "{uri}"
        );
    }
    t.cleanup().await;
}
both!(employer_pages_need_login, pages_need_login);
