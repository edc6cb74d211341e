//! The 1EdTech Open Badges 3.0 API / CLR 2.0 API and their OAuth 2.0 authorization server,
//! over loopback HTTP against `serve_with` (a real `credbridge serve`): registration → login →
//! consent page → approve with CSRF → code → token (client_secret_basic, PKCE S256) → the API,
//! on SQLite and PostgreSQL. Every API response body is checked against the bundled 1EdTech
//! JSON schemas by the test client itself ([`Wire`]), so no response escapes the check.
//! Expiry runs in-process (`app(state).oneshot`) with a manual clock.

use std::collections::HashMap;
use std::io::{Read, Write};
use std::path::PathBuf;
use std::sync::{Arc, Mutex};
use std::time::Duration;

use axum::body::Body;
use axum::http::{Request, header};
use credbridge_obapi::{
    ApiFlavor, AuthorizationServer, ClientRegistration, Connection, HttpClient, HttpResponse,
    ManualClock, OAuthConfig, OutgoingRequest, PendingAuthorization, Permission, PullOptions,
    PulledCredential, RegisteredClient, ServiceDescription, Sleeper, TransportError,
    begin_authorization, discover, exchange_code, pull, register,
};
use credbridge_server::admin::Admin;
use credbridge_server::state::SystemClock;
use credbridge_server::{ServeSettings, serve_with};
use credbridge_store::{Location, SqlCredentialRepo, SqlOAuthStore};
use serde_json::{Value, json};

use crate::both;
use crate::fixtures::{Backend, TestApp, postgres_url, repo, unique};

pub const REDIRECT: &str = "https://client.example/cb";
const EMAIL: &str = "learner@example.com";
const PASSWORD: &str = "correct horse battery staple";
/// A person of another tenant on the same server.
const OTHER_EMAIL: &str = "other@example.org";

// ---- a real server on a loopback port ----

/// `serve_with` on 127.0.0.1:0 over a fresh store, with one user.
pub struct Live {
    pub base: String,
    stop: Option<tokio::sync::oneshot::Sender<()>>,
    server: tokio::task::JoinHandle<Result<(), credbridge_server::ServeError>>,
    pub location: Location,
}

impl Live {
    pub async fn start(backend: Backend) -> Live {
        let data_dir = std::env::temp_dir().join(unique("credbridge_obapi_test"));
        let mut settings = ServeSettings::with_data_dir(data_dir.clone());
        settings.listen = "127.0.0.1:0".parse().unwrap();
        settings.offline = true;
        let location = match backend {
            Backend::Sqlite => Location::DataDir(data_dir),
            Backend::Postgres => {
                let name = unique("cb_obapi_test");
                credbridge_store::create_schema(&postgres_url(), &name)
                    .await
                    .unwrap();
                settings.database_url = Some(format!(
                    "{}?options=-c%20search_path%3D{name}",
                    postgres_url()
                ));
                Location::Postgres {
                    url: postgres_url(),
                    schema: Some(name),
                }
            }
        };
        let at = location.clone();
        tokio::task::spawn_blocking(move || {
            let admin = Admin::open_at(at).unwrap();
            admin.users_add("default", EMAIL, PASSWORD).unwrap();
            admin.users_add("other", OTHER_EMAIL, PASSWORD).unwrap();
        })
        .await
        .unwrap();
        let (addr_tx, addr_rx) = tokio::sync::oneshot::channel();
        let (stop_tx, stop_rx) = tokio::sync::oneshot::channel::<()>();
        let server = tokio::spawn(serve_with(
            settings,
            move |addr| {
                addr_tx.send(addr).unwrap();
            },
            async move {
                let _ = stop_rx.await;
            },
        ));
        let addr = tokio::time::timeout(Duration::from_secs(60), addr_rx)
            .await
            .unwrap()
            .unwrap();
        Live {
            base: format!("http://{addr}"),
            stop: Some(stop_tx),
            server,
            location,
        }
    }

    pub async fn stop(mut self) {
        if let Some(stop) = self.stop.take() {
            let _ = stop.send(());
        }
        tokio::time::timeout(Duration::from_secs(60), self.server)
            .await
            .unwrap()
            .unwrap()
            .unwrap();
        match &self.location {
            Location::DataDir(dir) => {
                let _ = std::fs::remove_dir_all(dir);
            }
            Location::Postgres { url, schema } => {
                credbridge_store::drop_schema(url, schema.as_deref().unwrap())
                    .await
                    .unwrap();
            }
        }
    }
}

// ---- a small HTTP/1.1 client (std only) that checks every API body ----

/// Blocking HTTP/1.1 over `TcpStream`, one connection per request (`Connection: close`). It is
/// the consumer's [`HttpClient`] too. Every response under `/ims/` is validated against the
/// 1EdTech schema of its endpoint before it is returned.
pub struct Wire {
    pub base: String,
    /// Bodies validated, by schema name (so a test can show the check ran).
    pub validated: Mutex<HashMap<&'static str, usize>>,
}

impl Wire {
    pub fn new(base: &str) -> Wire {
        Wire {
            base: base.to_owned(),
            validated: Mutex::new(HashMap::new()),
        }
    }

    /// Sends `method path` with `headers` and `body`; the path may carry a query.
    pub fn call(
        &self,
        method: &str,
        path: &str,
        headers: &[(&str, &str)],
        body: &[u8],
    ) -> HttpResponse {
        let host = self.base.strip_prefix("http://").unwrap();
        let mut stream = std::net::TcpStream::connect(host).unwrap();
        stream
            .set_read_timeout(Some(Duration::from_secs(60)))
            .unwrap();
        let mut head = format!(
            "{method} {path} HTTP/1.1\r\nHost: {host}\r\nConnection: close\r\nContent-Length: {}\r\n",
            body.len()
        );
        for (name, value) in headers {
            head.push_str(&format!("{name}: {value}\r\n"));
        }
        head.push_str("\r\n");
        stream.write_all(head.as_bytes()).unwrap();
        stream.write_all(body).unwrap();
        let mut raw = Vec::new();
        stream.read_to_end(&mut raw).unwrap();
        let response = parse_response(&raw);
        if path.starts_with("/ims/") {
            self.check_api_body(method, path, &response);
        }
        response
    }

    fn check_api_body(&self, method: &str, path: &str, response: &HttpResponse) {
        let path = path.split('?').next().unwrap();
        let (flavor, rest) = if let Some(rest) = path.strip_prefix("/ims/ob/v3p0") {
            ("ob_v3p0", rest)
        } else if let Some(rest) = path.strip_prefix("/ims/clr/v2p0") {
            ("clr_v2p0", rest)
        } else {
            panic!("{path} is under neither API root");
        };
        let text = || String::from_utf8_lossy(&response.body).into_owned();
        let content_type = response.header("Content-Type").unwrap_or("");
        if response.status >= 400 {
            let body = response
                .body_json()
                .unwrap_or_else(|| panic!("{method} {path}: not JSON: {}", text()));
            self.validate(schema_name(flavor, "imsx_statusinfo"), &body);
            return;
        }
        let schema = match (method, rest) {
            ("GET", "/discovery") => {
                let body = response.body_json().unwrap();
                assert!(body["openapi"].is_string(), "{body}");
                return;
            }
            ("GET", "/credentials") => {
                if flavor == "ob_v3p0" {
                    "getopenbadgecredentialsresponse"
                } else {
                    "getclrcredentialsresponse"
                }
            }
            ("POST", "/credentials") if content_type.starts_with("text/plain") => return,
            ("POST", "/credentials") => {
                if flavor == "ob_v3p0" {
                    "achievementcredential"
                } else {
                    "clrcredential"
                }
            }
            ("GET" | "PUT", "/profile") => "profile",
            other => panic!("no schema for {other:?} ({})", response.status),
        };
        let body = response
            .body_json()
            .unwrap_or_else(|| panic!("{method} {path}: not JSON: {}", text()));
        self.validate(schema_name(flavor, schema), &body);
    }

    fn validate(&self, name: &'static str, body: &Value) {
        assert_schema(name, body);
        *self.validated.lock().unwrap().entry(name).or_default() += 1;
    }

    pub fn validated(&self, name: &str) -> usize {
        self.validated
            .lock()
            .unwrap()
            .get(name)
            .copied()
            .unwrap_or(0)
    }

    pub fn get(&self, path: &str, token: &str) -> HttpResponse {
        self.call("GET", path, &[("Authorization", &bearer(token))], b"")
    }

    pub fn send(
        &self,
        method: &str,
        path: &str,
        token: &str,
        content_type: &str,
        body: &[u8],
    ) -> HttpResponse {
        self.call(
            method,
            path,
            &[
                ("Authorization", &bearer(token)),
                ("Content-Type", content_type),
            ],
            body,
        )
    }

    pub fn form(
        &self,
        path: &str,
        headers: &[(&str, &str)],
        form: &[(&str, &str)],
    ) -> HttpResponse {
        let mut all = vec![("Content-Type", "application/x-www-form-urlencoded")];
        all.extend_from_slice(headers);
        self.call("POST", path, &all, encode_form(form).as_bytes())
    }
}

impl HttpClient for Wire {
    fn send(&self, request: &OutgoingRequest) -> Result<HttpResponse, TransportError> {
        let Some(path) = request.url.strip_prefix(&self.base) else {
            return Err(TransportError {
                url: request.url.clone(),
                message: "only the test server is reachable".into(),
            });
        };
        let headers: Vec<(&str, &str)> = request
            .headers
            .iter()
            .map(|(n, v)| (n.as_str(), v.as_str()))
            .collect();
        Ok(self.call(&request.method, path, &headers, &request.body))
    }
}

fn parse_response(raw: &[u8]) -> HttpResponse {
    let split = raw
        .windows(4)
        .position(|w| w == b"\r\n\r\n")
        .expect("a response head");
    let head = std::str::from_utf8(&raw[..split]).unwrap();
    let mut lines = head.split("\r\n");
    let status: u16 = lines
        .next()
        .unwrap()
        .split(' ')
        .nth(1)
        .unwrap()
        .parse()
        .unwrap();
    let headers: Vec<(String, String)> = lines
        .filter_map(|line| line.split_once(':'))
        .map(|(n, v)| (n.trim().to_owned(), v.trim().to_owned()))
        .collect();
    let mut body = raw[split + 4..].to_vec();
    let chunked = headers.iter().any(|(n, v)| {
        n.eq_ignore_ascii_case("transfer-encoding") && v.eq_ignore_ascii_case("chunked")
    });
    if chunked {
        body = dechunk(&body);
    }
    HttpResponse {
        status,
        headers,
        body,
    }
}

fn dechunk(mut rest: &[u8]) -> Vec<u8> {
    let mut out = Vec::new();
    loop {
        let line_end = rest.windows(2).position(|w| w == b"\r\n").unwrap();
        let size_text = std::str::from_utf8(&rest[..line_end]).unwrap();
        let size = usize::from_str_radix(size_text.split(';').next().unwrap().trim(), 16).unwrap();
        rest = &rest[line_end + 2..];
        if size == 0 {
            return out;
        }
        out.extend_from_slice(&rest[..size]);
        rest = &rest[size + 2..];
    }
}

pub fn bearer(token: &str) -> String {
    format!("Bearer {token}")
}

pub fn basic(client: &RegisteredClient) -> String {
    use base64::Engine as _;
    format!(
        "Basic {}",
        base64::engine::general_purpose::STANDARD
            .encode(format!("{}:{}", client.client_id, client.client_secret))
    )
}

pub fn encode_form(form: &[(&str, &str)]) -> String {
    serde_urlencoded::to_string(form).unwrap()
}

fn query_param(url: &str, name: &str) -> Option<String> {
    let query = url.split_once('?')?.1;
    serde_urlencoded::from_str::<Vec<(String, String)>>(query)
        .unwrap()
        .into_iter()
        .find(|(k, _)| k == name)
        .map(|(_, v)| v)
}

// ---- the bundled 1EdTech schemas (as crates/obapi's tests load them) ----

type SchemaCache = HashMap<&'static str, (Arc<boon::Schemas>, boon::SchemaIndex)>;

static SCHEMAS: Mutex<Option<SchemaCache>> = Mutex::new(None);

fn schema_name(flavor: &str, schema: &str) -> &'static str {
    match (flavor, schema) {
        ("ob_v3p0", "imsx_statusinfo") => "ob_v3p0_imsx_statusinfo",
        ("ob_v3p0", "getopenbadgecredentialsresponse") => "ob_v3p0_getopenbadgecredentialsresponse",
        ("ob_v3p0", "achievementcredential") => "ob_v3p0_achievementcredential",
        ("ob_v3p0", "profile") => "ob_v3p0_profile",
        ("clr_v2p0", "imsx_statusinfo") => "clr_v2p0_imsx_statusinfo",
        ("clr_v2p0", "getclrcredentialsresponse") => "clr_v2p0_getclrcredentialsresponse",
        ("clr_v2p0", "clrcredential") => "clr_v2p0_clrcredential",
        ("clr_v2p0", "profile") => "clr_v2p0_profile",
        other => panic!("no bundled schema {other:?}"),
    }
}

/// Validates `value` against the bundled 1EdTech schema `name` (crates/model/schemas).
pub fn assert_schema(name: &'static str, value: &Value) {
    let (schemas, index) = {
        let mut cache = SCHEMAS.lock().unwrap();
        let cache = cache.get_or_insert_with(HashMap::new);
        cache
            .entry(name)
            .or_insert_with(|| {
                let dir = name.split('_').take(2).collect::<Vec<_>>().join("_");
                let path: PathBuf = repo()
                    .join("crates/model/schemas")
                    .join(dir)
                    .join(format!("{name}_schema.json"));
                let json: Value =
                    serde_json::from_str(&std::fs::read_to_string(&path).unwrap()).unwrap();
                let url = format!("urn:test:{name}");
                let mut compiler = boon::Compiler::new();
                compiler.set_default_draft(boon::Draft::V2019_09);
                compiler.add_resource(&url, json).unwrap();
                let mut schemas = boon::Schemas::new();
                let index = compiler.compile(&url, &mut schemas).unwrap();
                (Arc::new(schemas), index)
            })
            .clone()
    };
    if let Err(error) = schemas.validate(value, index) {
        panic!("not a valid {name}: {error:#}\n{value:#}");
    }
}

/// An `Imsx_StatusInfo` failure with `code_minor` (the body was validated by [`Wire`]).
#[track_caller]
pub fn assert_imsx(response: &HttpResponse, status: u16, code_minor: &str) {
    assert_eq!(
        response.status,
        status,
        "{}",
        String::from_utf8_lossy(&response.body)
    );
    let body = response.body_json().unwrap();
    assert_eq!(body["imsx_codeMajor"], "failure", "{body}");
    assert_eq!(
        body["imsx_codeMinor"]["imsx_codeMinorField"][0]["imsx_codeMinorFieldValue"], code_minor,
        "{body}"
    );
}

/// An RFC 6749 / 7591 error body.
#[track_caller]
pub fn assert_oauth_error(response: &HttpResponse, status: u16, error: &str) {
    assert_eq!(
        response.status,
        status,
        "{}",
        String::from_utf8_lossy(&response.body)
    );
    let body = response.body_json().unwrap();
    assert_eq!(body["error"], error, "{body}");
    assert!(body["error_description"].is_string(), "{body}");
}

// ---- fixtures ----

pub fn all_scopes() -> Vec<String> {
    let mut scopes: Vec<String> = ApiFlavor::ALL
        .into_iter()
        .flat_map(|f| Permission::ALL.into_iter().map(move |p| f.scope(p)))
        .collect();
    scopes.push(credbridge_obapi::OFFLINE_ACCESS.to_owned());
    scopes
}

pub fn registration(redirect: &str, scopes: &[String]) -> ClientRegistration {
    ClientRegistration {
        client_name: "Harbour HR".into(),
        client_uri: "https://client.example/".into(),
        logo_uri: "https://client.example/logo.png".into(),
        tos_uri: "https://client.example/terms".into(),
        policy_uri: "https://client.example/privacy".into(),
        software_id: "4f7f3a1e-8f5e-4d8e-9c7e-1d2b3c4d5e6f".into(),
        software_version: "1.0.0".into(),
        redirect_uris: vec![redirect.into()],
        scopes: scopes.to_vec(),
    }
}

/// OB 3.0 credential number `n` (unsigned: the API keeps bytes, it does not verify).
pub fn ob_credential(n: usize) -> String {
    let mut credential = credbridge_testkit::ob3_credential("did:example:issuer");
    credential["id"] = json!(format!("urn:uuid:00000000-0000-4000-8000-{n:012}"));
    credential["name"] = json!(format!("Badge number {n}"));
    // Pretty-printed, so byte identity is not a re-serialization by accident.
    serde_json::to_string_pretty(&credential).unwrap()
}

fn clr_credential() -> Vec<u8> {
    std::fs::read(repo().join("testdata/examples/1edtech-validator/clr20/simple.json")).unwrap()
}

/// A logged-in browser: its session cookie.
pub fn log_in(wire: &Wire, next: &str) -> String {
    log_in_as(wire, EMAIL, next)
}

/// Logs `email` in; the session cookie.
pub fn log_in_as(wire: &Wire, email: &str, next: &str) -> String {
    let response = wire.form(
        "/login",
        &[],
        &[("email", email), ("password", PASSWORD), ("next", next)],
    );
    assert_eq!(response.status, 303, "{response:?}");
    assert_eq!(response.header("Location"), Some(next));
    let cookie = response.header("Set-Cookie").unwrap();
    cookie.split(';').next().unwrap().to_owned()
}

/// The consent page's CSRF token.
fn csrf_of(html: &str) -> String {
    let marker = "name=\"csrf_token\" value=\"";
    let start = html.find(marker).expect("a CSRF field") + marker.len();
    html[start..].split('"').next().unwrap().to_owned()
}

fn local(url: &str, base: &str) -> String {
    url.strip_prefix(base).unwrap().to_owned()
}

/// The browser part: the consent page for `pending`, then `decision` → the `Location`.
pub fn consent(
    wire: &Wire,
    cookie: &str,
    pending: &PendingAuthorization,
    decision: &str,
) -> String {
    let path = local(&pending.url, &wire.base);
    let page = wire.call("GET", &path, &[("Cookie", cookie)], b"");
    assert_eq!(page.status, 200, "{}", String::from_utf8_lossy(&page.body));
    let html = String::from_utf8(page.body.clone()).unwrap();
    let csrf = csrf_of(&html);
    let response = wire.form(
        &path,
        &[("Cookie", cookie)],
        &[("decision", decision), ("csrf_token", &csrf)],
    );
    assert_eq!(response.status, 302, "{response:?}");
    response.header("Location").unwrap().to_owned()
}

/// Register (https redirect URI), log in, approve `scopes`, exchange the code.
pub fn connect(wire: &Wire, cookie: &str, scopes: &[String]) -> Connection {
    let sd = discover(wire, &format!("{}/ims/ob/v3p0", wire.base)).unwrap();
    let client = register(wire, &sd, &registration(REDIRECT, &all_scopes())).unwrap();
    let pending = begin_authorization(&sd, &client, REDIRECT, scopes).unwrap();
    let location = consent(wire, cookie, &pending, "approve");
    let code = pending.code_from_redirect(&location).unwrap();
    let tokens = exchange_code(wire, &SystemClock, &sd, &client, &pending, &code).unwrap();
    Connection {
        service: sd,
        client,
        tokens,
        last_sync: None,
    }
}

// ---- the full flow ----

fn flow(wire: &Wire) {
    let ob_root = format!("{}/ims/ob/v3p0", wire.base);
    // Discovery of both APIs (no token).
    let sd: ServiceDescription = discover(wire, &ob_root).unwrap();
    assert_eq!(sd.registration_url, format!("{}/oauth/register", wire.base));
    assert_eq!(sd.token_url, format!("{}/oauth/token", wire.base));
    assert_eq!(
        sd.terms_of_service_url.as_deref(),
        Some(format!("{}/terms", wire.base).as_str())
    );
    let terms = wire.call("GET", "/terms", &[], b"");
    assert_eq!(terms.status, 200);
    let clr_discovery = wire.call("GET", "/ims/clr/v2p0/discovery", &[], b"");
    assert_eq!(clr_discovery.status, 200);

    // Registration: https redirect URI accepted, http refused (no --dev, no loopback setting).
    let client = register(wire, &sd, &registration(REDIRECT, &all_scopes())).unwrap();
    let mut http_reg = serde_json::to_value(registration("http://client.example/cb", &[])).unwrap();
    http_reg["scope"] = json!(ApiFlavor::OpenBadges.scope(Permission::CredentialReadonly));
    http_reg["redirect_uris"] = json!(["http://client.example/cb"]);
    let refused = wire.call(
        "POST",
        "/oauth/register",
        &[("Content-Type", "application/json")],
        http_reg.to_string().as_bytes(),
    );
    assert_oauth_error(&refused, 400, "invalid_redirect_uri");
    let mut loopback = http_reg.clone();
    loopback["redirect_uris"] = json!(["http://127.0.0.1:9999/cb"]);
    let refused = wire.call(
        "POST",
        "/oauth/register",
        &[("Content-Type", "application/json")],
        loopback.to_string().as_bytes(),
    );
    assert_oauth_error(&refused, 400, "invalid_redirect_uri");

    // Not logged in: the login page, coming back to the same authorization URL.
    let ob_scopes: Vec<String> = Permission::ALL
        .into_iter()
        .map(|p| ApiFlavor::OpenBadges.scope(p))
        .collect();
    let pending = begin_authorization(&sd, &client, REDIRECT, &ob_scopes).unwrap();
    let authorize_path = local(&pending.url, &wire.base);
    let anonymous = wire.call("GET", &authorize_path, &[], b"");
    assert_eq!(anonymous.status, 303);
    let login = anonymous.header("Location").unwrap().to_owned();
    assert!(login.starts_with("/login?next="), "{login}");
    assert_eq!(
        query_param(&login, "next").as_deref(),
        Some(authorize_path.as_str())
    );
    let login_page = wire.call("GET", &login, &[], b"");
    assert_eq!(login_page.status, 200);
    let cookie = log_in(wire, &authorize_path);

    // The consent page: client name, one sentence per scope, a policy that lets the form's
    // redirect reach the client.
    let page = wire.call("GET", &authorize_path, &[("Cookie", &cookie)], b"");
    assert_eq!(page.status, 200);
    let html = String::from_utf8(page.body.clone()).unwrap();
    assert!(html.contains("Harbour HR"), "{html}");
    for permission in Permission::ALL {
        let sentence = ApiFlavor::OpenBadges.consent_sentence(permission);
        assert!(html.contains(sentence), "{sentence} missing: {html}");
    }
    let csp = page.header("Content-Security-Policy").unwrap();
    assert!(
        csp.contains("form-action 'self' https://client.example"),
        "{csp}"
    );
    // A forged form (wrong CSRF token) is refused.
    let forged = wire.form(
        &authorize_path,
        &[("Cookie", &cookie)],
        &[("decision", "approve"), ("csrf_token", "forged")],
    );
    assert_eq!(forged.status, 403);
    // Approve → 302 with code and state.
    let csrf = csrf_of(&html);
    let approved = wire.form(
        &authorize_path,
        &[("Cookie", &cookie)],
        &[("decision", "approve"), ("csrf_token", &csrf)],
    );
    assert_eq!(approved.status, 302, "{approved:?}");
    let location = approved.header("Location").unwrap().to_owned();
    assert!(location.starts_with(&format!("{REDIRECT}?")), "{location}");
    assert_eq!(
        query_param(&location, "state").as_deref(),
        Some(pending.state.as_str())
    );
    let code = pending.code_from_redirect(&location).unwrap();

    // The wrong verifier does not redeem the code; the right one does, once.
    let token_form = |code: &str, verifier: &str| {
        wire.form(
            "/oauth/token",
            &[("Authorization", &basic(&client))],
            &[
                ("grant_type", "authorization_code"),
                ("code", code),
                ("redirect_uri", REDIRECT),
                ("code_verifier", verifier),
            ],
        )
    };
    let wrong = token_form(&code, &"x".repeat(43));
    assert_oauth_error(&wrong, 400, "invalid_grant");
    // A failed verifier burns the code (single use): approve again for a fresh one.
    let pending = begin_authorization(&sd, &client, REDIRECT, &ob_scopes).unwrap();
    let location = consent(wire, &cookie, &pending, "approve");
    let code = pending.code_from_redirect(&location).unwrap();
    let issued = token_form(&code, &pending.code_verifier);
    assert_eq!(issued.status, 200, "{issued:?}");
    assert_eq!(issued.header("Cache-Control"), Some("no-store"));
    let token = issued.body_json().unwrap()["access_token"]
        .as_str()
        .unwrap()
        .to_owned();
    let reused = token_form(&code, &pending.code_verifier);
    assert_oauth_error(&reused, 400, "invalid_grant");
    // Replaying the code revokes what it issued (RFC 6749 §4.1.2).
    assert_imsx(
        &wire.get("/ims/ob/v3p0/credentials", &token),
        401,
        "unauthorizedrequest",
    );
    let ob_connection = connect(wire, &cookie, &ob_scopes);
    let token = ob_connection.tokens.access_token.clone();

    // POST /credentials: 201, then the same id and issuer 200.
    let first = ob_credential(1);
    let created = wire.send(
        "POST",
        "/ims/ob/v3p0/credentials",
        &token,
        "application/json",
        first.as_bytes(),
    );
    assert_eq!(created.status, 201, "{created:?}");
    assert_eq!(created.body, first.as_bytes());
    let mut changed: Value = serde_json::from_str(&first).unwrap();
    changed["name"] = json!("Badge number 1, renamed");
    let replaced = wire.send(
        "POST",
        "/ims/ob/v3p0/credentials",
        &token,
        "application/json",
        changed.to_string().as_bytes(),
    );
    assert_eq!(replaced.status, 200, "{replaced:?}");
    for n in 2..=5 {
        let posted = wire.send(
            "POST",
            "/ims/ob/v3p0/credentials",
            &token,
            "application/json",
            ob_credential(n).as_bytes(),
        );
        assert_eq!(posted.status, 201);
    }
    // Paging: X-Total-Count and Link.
    let page = wire.get("/ims/ob/v3p0/credentials?limit=2&offset=2", &token);
    assert_eq!(page.status, 200);
    assert_eq!(page.header("X-Total-Count"), Some("5"));
    let link = page.header("Link").unwrap();
    for rel in ["next", "last", "first", "prev"] {
        assert!(link.contains(&format!("rel=\"{rel}\"")), "{rel}: {link}");
    }
    assert!(
        link.contains(&format!(
            "<{}/ims/ob/v3p0/credentials?limit=2&offset=4>; rel=\"next\"",
            wire.base
        )),
        "{link}"
    );
    let body = page.body_json().unwrap();
    assert_eq!(body["credential"].as_array().unwrap().len(), 2);
    assert_eq!(body["credential"][0]["name"], "Badge number 3");
    let bad_query = wire.get("/ims/ob/v3p0/credentials?limit=many", &token);
    assert_imsx(&bad_query, 400, "invalid_query_parameter");
    let wrong_method = wire.send(
        "DELETE",
        "/ims/ob/v3p0/credentials",
        &token,
        "application/json",
        b"",
    );
    assert_imsx(&wrong_method, 405, "not_allowed");
    let unknown = wire.get("/ims/ob/v3p0/nothing", &token);
    assert_imsx(&unknown, 404, "not_found");

    // Profile: 404 until put, then round trip.
    assert_imsx(&wire.get("/ims/ob/v3p0/profile", &token), 404, "not_found");
    let profile = json!({
        "id": "https://learner.example/profile",
        "type": ["Profile"],
        "name": "Ada Learner",
        "email": "ada@learner.example",
    });
    let put = wire.send(
        "PUT",
        "/ims/ob/v3p0/profile",
        &token,
        "application/json",
        profile.to_string().as_bytes(),
    );
    assert_eq!(put.status, 200, "{put:?}");
    let got = wire.get("/ims/ob/v3p0/profile", &token);
    assert_eq!(got.status, 200);
    assert_eq!(got.body_json().unwrap(), profile);

    // No token; a wrong scope (a read-only grant may not post, and an OB grant is not a CLR one).
    let none = wire.call("GET", "/ims/ob/v3p0/credentials", &[], b"");
    assert_imsx(&none, 401, "unauthorizedrequest");
    assert!(
        none.header("WWW-Authenticate")
            .unwrap()
            .starts_with("Bearer")
    );
    let readonly = connect(
        wire,
        &cookie,
        &[ApiFlavor::OpenBadges.scope(Permission::CredentialReadonly)],
    )
    .tokens
    .access_token;
    let forbidden = wire.send(
        "POST",
        "/ims/ob/v3p0/credentials",
        &readonly,
        "application/json",
        ob_credential(9).as_bytes(),
    );
    assert_imsx(&forbidden, 403, "forbidden");
    assert!(
        forbidden
            .header("WWW-Authenticate")
            .unwrap()
            .contains("insufficient_scope")
    );
    assert_imsx(
        &wire.get("/ims/clr/v2p0/credentials", &token),
        403,
        "forbidden",
    );

    // The same on the CLR API with a CLR credential.
    let clr_scopes: Vec<String> = Permission::ALL
        .into_iter()
        .map(|p| ApiFlavor::Clr.scope(p))
        .collect();
    let clr_token = connect(wire, &cookie, &clr_scopes).tokens.access_token;
    let clr = clr_credential();
    let created = wire.send(
        "POST",
        "/ims/clr/v2p0/credentials",
        &clr_token,
        "application/json",
        &clr,
    );
    assert_eq!(created.status, 201, "{created:?}");
    let again = wire.send(
        "POST",
        "/ims/clr/v2p0/credentials",
        &clr_token,
        "application/json",
        &clr,
    );
    assert_eq!(again.status, 200);
    let listed = wire.get("/ims/clr/v2p0/credentials", &clr_token);
    assert_eq!(listed.status, 200);
    assert_eq!(listed.header("X-Total-Count"), Some("1"));
    // An OB badge is not a CLR.
    let not_clr = wire.send(
        "POST",
        "/ims/clr/v2p0/credentials",
        &clr_token,
        "application/json",
        first.as_bytes(),
    );
    assert_imsx(&not_clr, 400, "invalid_data");
    let clr_profile = wire.get("/ims/clr/v2p0/profile", &clr_token);
    assert_eq!(clr_profile.status, 200);

    // Revocation (RFC 7009): the token stops working.
    let revoked = wire.form(
        "/oauth/revoke",
        &[("Authorization", &basic(&ob_connection.client))],
        &[("token", &token)],
    );
    assert_eq!(revoked.status, 200, "{revoked:?}");
    assert_imsx(
        &wire.get("/ims/ob/v3p0/credentials", &token),
        401,
        "unauthorizedrequest",
    );

    // The authorization request's own negatives.
    let request = |params: &[(&str, &str)]| {
        let mut all = vec![
            ("response_type", "code"),
            ("client_id", client.client_id.as_str()),
            ("redirect_uri", REDIRECT),
            ("scope", ob_scopes[0].as_str()),
            ("state", "s1"),
            (
                "code_challenge",
                "E9Melhoa2OwvFrEMTJguCHaoeK1t8URWbuGJSstw-cM",
            ),
            ("code_challenge_method", "S256"),
        ];
        for (name, value) in params {
            all.retain(|(n, _)| n != name);
            if !value.is_empty() {
                all.push((name, value));
            }
        }
        wire.call(
            "GET",
            &format!("/oauth/authorize?{}", encode_form(&all)),
            &[("Cookie", &cookie)],
            b"",
        )
    };
    let bounced = |response: &HttpResponse, error: &str| {
        assert_eq!(response.status, 302, "{response:?}");
        let location = response.header("Location").unwrap();
        assert!(location.starts_with(REDIRECT), "{location}");
        assert_eq!(
            query_param(location, "error").as_deref(),
            Some(error),
            "{location}"
        );
        assert_eq!(query_param(location, "state").as_deref(), Some("s1"));
    };
    assert_eq!(request(&[]).status, 200, "the unchanged request is valid");
    bounced(
        &request(&[("code_challenge", ""), ("code_challenge_method", "")]),
        "invalid_request",
    );
    bounced(
        &request(&[("code_challenge_method", "plain")]),
        "invalid_request",
    );
    bounced(
        &request(&[("scope", "https://example.org/scope/everything")]),
        "invalid_scope",
    );
    let mismatch = request(&[("redirect_uri", "https://client.example/other")]);
    assert_oauth_error(&mismatch, 400, "invalid_request");
    assert!(mismatch.header("Location").is_none());
    // Deny → access_denied.
    let pending = begin_authorization(&sd, &client, REDIRECT, &ob_scopes).unwrap();
    let denied = consent(wire, &cookie, &pending, "deny");
    assert_eq!(
        query_param(&denied, "error").as_deref(),
        Some("access_denied")
    );

    assert!(wire.validated("ob_v3p0_getopenbadgecredentialsresponse") >= 1);
    assert!(wire.validated("clr_v2p0_getclrcredentialsresponse") >= 1);
    assert!(wire.validated("ob_v3p0_imsx_statusinfo") >= 6);
    assert!(wire.validated("clr_v2p0_imsx_statusinfo") >= 2);
    assert!(wire.validated("ob_v3p0_profile") >= 2);
    assert!(wire.validated("clr_v2p0_profile") >= 1);
    assert!(wire.validated("ob_v3p0_achievementcredential") >= 6);
    assert!(wire.validated("clr_v2p0_clrcredential") >= 2);
}

async fn full_flow(backend: Backend) {
    let live = Live::start(backend).await;
    let base = live.base.clone();
    tokio::task::spawn_blocking(move || flow(&Wire::new(&base)))
        .await
        .unwrap();
    live.stop().await;
}
both!(obapi_register_consent_token_api_over_http, full_flow);

// ---- the consumer against our own host ----

struct NoSleep;

impl Sleeper for NoSleep {
    fn sleep(&self, seconds: u64) {
        panic!("the host asked to wait {seconds} s");
    }
}

fn round_trip(wire: &Wire) {
    let cookie = log_in(wire, "/inbox");
    let mut scopes: Vec<String> = Permission::ALL
        .into_iter()
        .map(|p| ApiFlavor::OpenBadges.scope(p))
        .collect();
    scopes.push(credbridge_obapi::OFFLINE_ACCESS.to_owned());
    let mut connection = connect(wire, &cookie, &scopes);
    assert!(connection.tokens.refresh_token.is_some());
    let token = connection.tokens.access_token.clone();
    let posted: Vec<String> = (0..1000).map(ob_credential).collect();
    for credential in &posted {
        let response = wire.send(
            "POST",
            "/ims/ob/v3p0/credentials",
            &token,
            "application/json",
            credential.as_bytes(),
        );
        assert_eq!(response.status, 201);
    }
    // `since` is the host's Date minus a second: let the clock pass the posts.
    std::thread::sleep(Duration::from_millis(2100));
    let options = PullOptions {
        page_size: 100,
        ..PullOptions::default()
    };
    let mut pulled = Vec::new();
    let report = pull(
        wire,
        &SystemClock,
        &NoSleep,
        &mut connection,
        &options,
        &mut |credential| pulled.push(credential),
    )
    .unwrap();
    assert_eq!(report.pages, 10);
    assert_eq!(report.credentials, 1000);
    let texts: Vec<String> = pulled
        .into_iter()
        .map(|c| match c {
            PulledCredential::Json(text) => text,
            PulledCredential::CompactJws(jws) => panic!("no JWS was posted: {jws}"),
        })
        .collect();
    assert_eq!(texts, posted, "byte-identical, in order");
    assert!(connection.last_sync.is_some());

    // Only the new ones next time.
    let new: Vec<String> = (1000..1007).map(ob_credential).collect();
    for credential in &new {
        let response = wire.send(
            "POST",
            "/ims/ob/v3p0/credentials",
            &token,
            "application/json",
            credential.as_bytes(),
        );
        assert_eq!(response.status, 201);
    }
    let mut again = Vec::new();
    let report = pull(
        wire,
        &SystemClock,
        &NoSleep,
        &mut connection,
        &options,
        &mut |credential| again.push(credential),
    )
    .unwrap();
    assert_eq!(report.credentials, 7);
    let again: Vec<String> = again
        .into_iter()
        .map(|c| match c {
            PulledCredential::Json(text) => text,
            PulledCredential::CompactJws(jws) => jws,
        })
        .collect();
    assert_eq!(again, new);
    assert_eq!(
        wire.validated("ob_v3p0_getopenbadgecredentialsresponse"),
        11
    );
}

async fn consumer_round_trip(backend: Backend) {
    let live = Live::start(backend).await;
    let base = live.base.clone();
    tokio::task::spawn_blocking(move || round_trip(&Wire::new(&base)))
        .await
        .unwrap();
    live.stop().await;
}
both!(
    obapi_consumer_pulls_1000_in_pages_then_only_new,
    consumer_round_trip
);

// ---- two people, two tenants: each sees only their own lists ----

fn people_apart(wire: &Wire) {
    let scopes: Vec<String> = Permission::ALL
        .into_iter()
        .map(|p| ApiFlavor::OpenBadges.scope(p))
        .collect();
    let learner = connect(wire, &log_in(wire, "/"), &scopes);
    let other = connect(wire, &log_in_as(wire, OTHER_EMAIL, "/"), &scopes);
    let learner_token = learner.tokens.access_token.clone();
    let other_token = other.tokens.access_token.clone();
    for n in 0..2 {
        let posted = wire.send(
            "POST",
            "/ims/ob/v3p0/credentials",
            &learner_token,
            "application/json",
            ob_credential(n).as_bytes(),
        );
        assert_eq!(posted.status, 201);
    }
    let count = |token: &str| {
        let page = wire.get("/ims/ob/v3p0/credentials", token);
        assert_eq!(page.status, 200);
        page.header("X-Total-Count").map(str::to_owned)
    };
    assert_eq!(count(&other_token).as_deref(), Some("0"));
    // The same credential posted by the other person is new in their list (201), and does
    // not replace the learner's.
    let posted = wire.send(
        "POST",
        "/ims/ob/v3p0/credentials",
        &other_token,
        "application/json",
        ob_credential(0).as_bytes(),
    );
    assert_eq!(posted.status, 201);
    assert_eq!(count(&other_token).as_deref(), Some("1"));
    assert_eq!(count(&learner_token).as_deref(), Some("2"));
}

async fn two_tenants(backend: Backend) {
    let live = Live::start(backend).await;
    let base = live.base.clone();
    tokio::task::spawn_blocking(move || people_apart(&Wire::new(&base)))
        .await
        .unwrap();
    live.stop().await;
}
both!(
    obapi_people_of_two_tenants_see_only_their_own_lists,
    two_tenants
);

// ---- expiry, in-process with a manual clock ----

async fn expiry(backend: Backend) {
    let mut t = TestApp::new(backend, false).await;
    let clock = Arc::new(ManualClock::at(credbridge_server::state::now_s()));
    let runtime = tokio::runtime::Handle::current();
    let base = t.state.settings.public_base();
    let authz = Arc::new(AuthorizationServer::new(
        OAuthConfig::new(&base),
        Arc::new(SqlOAuthStore::new(t.state.store.clone(), runtime.clone())),
        clock.clone(),
    ));
    let host = credbridge_obapi::Host::new(
        t.state.obapi.host.config().clone(),
        authz.clone(),
        Arc::new(SqlCredentialRepo::new(t.state.store.clone(), runtime)),
        clock.clone(),
    );
    t.state.obapi = Arc::new(credbridge_obapi::Service::new(host, authz.clone()));

    let mut registration = serde_json::to_value(registration(REDIRECT, &[])).unwrap();
    registration["scope"] = json!(ApiFlavor::OpenBadges.scope(Permission::CredentialReadonly));
    let registered = t
        .post(
            "/oauth/register",
            None,
            "application/json",
            registration.to_string().into_bytes(),
        )
        .await;
    assert_eq!(registered.status, 201, "{}", registered.text());
    let body = registered.json();
    let client = RegisteredClient {
        client_id: body["client_id"].as_str().unwrap().to_owned(),
        client_secret: body["client_secret"].as_str().unwrap().to_owned(),
    };
    let sd = ServiceDescription {
        api_root: format!("{base}/ims/ob/v3p0"),
        name: None,
        registration_url: authz.config().registration_url.clone(),
        authorization_url: authz.config().authorization_url.clone(),
        token_url: authz.config().token_url.clone(),
        refresh_url: authz.config().token_url.clone(),
        scopes: vec![],
        terms_of_service_url: None,
        privacy_policy_url: None,
    };
    let scopes = [ApiFlavor::OpenBadges.scope(Permission::CredentialReadonly)];
    // The person's approval is not what this test is about: the authorization server's own
    // call stands in for the consent page (the HTTP flow tests cover that page).
    let approve = |authz: Arc<AuthorizationServer>, pending: PendingAuthorization| async move {
        tokio::task::spawn_blocking(move || {
            let consent = authz
                .authorization_request(pending.url.split_once('?').unwrap().1)
                .unwrap();
            let location = authz.approve(&consent, "person-1").unwrap();
            pending.code_from_redirect(&location).unwrap()
        })
        .await
        .unwrap()
    };
    let token_request = |code: &str, pending: &PendingAuthorization| {
        Request::post("/oauth/token")
            .header(header::AUTHORIZATION, basic(&client))
            .header(header::CONTENT_TYPE, "application/x-www-form-urlencoded")
            .body(Body::from(encode_form(&[
                ("grant_type", "authorization_code"),
                ("code", code),
                ("redirect_uri", REDIRECT),
                ("code_verifier", &pending.code_verifier),
            ])))
            .unwrap()
    };

    // A code older than its lifetime is refused.
    let pending = begin_authorization(&sd, &client, REDIRECT, &scopes).unwrap();
    let code = approve(authz.clone(), pending.clone()).await;
    clock.advance(authz.config().code_lifetime_seconds + 1);
    let late = t.send(token_request(&code, &pending)).await;
    assert_eq!(late.status, 400, "{}", late.text());
    assert_eq!(late.json()["error"], "invalid_grant");

    // A token works until its lifetime ends, then is 401 unauthorizedrequest.
    let pending = begin_authorization(&sd, &client, REDIRECT, &scopes).unwrap();
    let code = approve(authz.clone(), pending.clone()).await;
    let issued = t.send(token_request(&code, &pending)).await;
    assert_eq!(issued.status, 200, "{}", issued.text());
    let tokens: Value = issued.json();
    let access = tokens["access_token"].as_str().unwrap();
    let list = t.get("/ims/ob/v3p0/credentials", Some(access)).await;
    assert_eq!(list.status, 200, "{}", list.text());
    assert_schema("ob_v3p0_getopenbadgecredentialsresponse", &list.json());
    clock.advance(authz.config().access_token_lifetime_seconds + 1);
    let expired = t.get("/ims/ob/v3p0/credentials", Some(access)).await;
    assert_eq!(expired.status, 401, "{}", expired.text());
    let body = expired.json();
    assert_schema("ob_v3p0_imsx_statusinfo", &body);
    assert_eq!(
        body["imsx_codeMinor"]["imsx_codeMinorField"][0]["imsx_codeMinorFieldValue"],
        "unauthorizedrequest"
    );
    assert!(
        expired.headers[header::WWW_AUTHENTICATE]
            .to_str()
            .unwrap()
            .contains("invalid_token")
    );
    t.cleanup().await;
}
both!(obapi_codes_and_tokens_expire, expiry);

// ---- settings: loopback redirects only when asked ----

async fn loopback_redirects(backend: Backend) {
    let t = TestApp::with(backend, |s| s.obapi_allow_loopback_redirects = true).await;
    let mut registration =
        serde_json::to_value(registration("http://127.0.0.1:8765/callback", &[])).unwrap();
    registration["scope"] = json!(ApiFlavor::OpenBadges.scope(Permission::CredentialReadonly));
    let registered = t
        .post(
            "/oauth/register",
            None,
            "application/json",
            registration.to_string().into_bytes(),
        )
        .await;
    assert_eq!(registered.status, 201, "{}", registered.text());
    t.cleanup().await;
    let t = TestApp::new(backend, false).await;
    let refused = t
        .post(
            "/oauth/register",
            None,
            "application/json",
            registration.to_string().into_bytes(),
        )
        .await;
    assert_eq!(refused.status, 400, "{}", refused.text());
    assert_eq!(refused.json()["error"], "invalid_redirect_uri");
    // The API's body limit is the crate's, whatever the server's is.
    let big = vec![b' '; credbridge_obapi::MAX_BODY_BYTES + 1];
    let too_large = t
        .post(
            "/ims/ob/v3p0/credentials",
            Some("x"),
            "application/json",
            big,
        )
        .await;
    assert_eq!(too_large.status, 413, "{}", too_large.text());
    assert_schema("ob_v3p0_imsx_statusinfo", &too_large.json());
    t.cleanup().await;
}
both!(obapi_loopback_redirects_only_when_asked, loopback_redirects);

// ---- the server's consumer: connections and pulls into the inbox ----

fn pull_into_inbox(wire: &Wire, location: Location) {
    use credbridge_server::obapi_pull::{ConnectionSeal, KeySeal, PullError};
    let cookie = log_in(wire, "/inbox");
    let mut scopes: Vec<String> = Permission::ALL
        .into_iter()
        .map(|p| ApiFlavor::OpenBadges.scope(p))
        .collect();
    scopes.push(credbridge_obapi::OFFLINE_ACCESS.to_owned());
    let connection = connect(wire, &cookie, &scopes);
    let token = connection.tokens.access_token.clone();
    for n in 0..3 {
        let response = wire.send(
            "POST",
            "/ims/ob/v3p0/credentials",
            &token,
            "application/json",
            ob_credential(n).as_bytes(),
        );
        assert_eq!(response.status, 201);
    }
    let admin = Admin::open_at(location).unwrap();
    let seal = KeySeal::new([7; 32]);
    admin
        .obapi_save_connection("default", "self", &connection, &seal)
        .unwrap();
    // What is stored is sealed: not the plaintext, and it opens only with the key.
    let sealed = seal.seal(connection.client.client_secret.as_bytes(), b"row");
    assert!(
        !sealed
            .windows(connection.client.client_secret.len())
            .any(|w| w == connection.client.client_secret.as_bytes())
    );
    assert_eq!(
        seal.open(&sealed, b"row").as_deref(),
        Some(connection.client.client_secret.as_bytes())
    );
    let listed = admin.obapi_connections("default").unwrap();
    assert_eq!(listed.len(), 1);
    assert_eq!(listed[0].name, "self");
    assert_eq!(listed[0].api_root, format!("{}/ims/ob/v3p0", wire.base));
    assert!(listed[0].last_sync.is_none());

    let outcome = admin
        .obapi_pull("default", "self", wire, &seal, true)
        .unwrap();
    assert_eq!(outcome.pulled, 3);
    assert_eq!(outcome.ingested.items.len(), 3);
    assert!(outcome.ingested.items.iter().all(|i| i.created));
    for (n, item) in outcome.ingested.items.iter().enumerate() {
        assert_eq!(item.path, format!("obapi:{}/ims/ob/v3p0#{n}", wire.base));
    }
    let inbox = admin
        .inbox_list(
            "default",
            &credbridge_store::CredentialFilter {
                limit: 10,
                ..Default::default()
            },
        )
        .unwrap();
    assert_eq!(inbox.total, 3);
    assert!(
        inbox
            .items
            .iter()
            .all(|c| c.source == credbridge_store::Source::Pull)
    );
    let saved = admin.obapi_connections("default").unwrap();
    assert_eq!(
        saved[0].last_sync.as_deref(),
        Some(outcome.next_since.as_str())
    );

    // Another key cannot open the connection.
    let other = KeySeal::new([8; 32]);
    assert!(other.open(&seal.seal(b"secret", b"row"), b"row").is_none());
    let err = admin
        .obapi_pull("default", "self", wire, &other, true)
        .unwrap_err();
    assert!(
        matches!(
            err,
            credbridge_server::admin::AdminError::Obapi(PullError::Unreadable(_))
        ),
        "{err}"
    );
    let err = admin
        .obapi_pull("default", "nobody", wire, &seal, true)
        .unwrap_err();
    assert!(err.to_string().contains("no connection named"), "{err}");
}

async fn server_pulls(backend: Backend) {
    let live = Live::start(backend).await;
    let base = live.base.clone();
    let location = live.location.clone();
    tokio::task::spawn_blocking(move || pull_into_inbox(&Wire::new(&base), location))
        .await
        .unwrap();
    live.stop().await;
}
both!(obapi_server_pulls_from_a_host_into_the_inbox, server_pulls);
