//! The test bench: one host + authorization server on a manual clock, an in-process
//! [`HttpClient`] (no sockets), the bundled 1EdTech schemas, fixtures and signers.

use std::cell::RefCell;
use std::collections::{HashMap, VecDeque};
use std::path::PathBuf;
use std::sync::atomic::{AtomicU32, Ordering};
use std::sync::{Arc, Mutex};

use credbridge_obapi::*;
use serde_json::{Value, json};

pub const BASE: &str = "https://badges.example";
pub const REDIRECT: &str = "https://hr.example/callback";
pub const T0: i64 = 1_800_000_000;

pub fn scope(flavor: ApiFlavor, p: Permission) -> String {
    flavor.scope(p)
}

pub fn ob(p: Permission) -> String {
    ApiFlavor::OpenBadges.scope(p)
}

pub struct Env {
    pub clock: Arc<ManualClock>,
    pub store: Arc<dyn OAuthStore>,
    pub service: Service,
    /// Keeps the backend of `store` (and of the default repository) alive until the test ends.
    _backend: crate::backend::Backend,
}

pub fn host_config() -> HostConfig {
    HostConfig {
        public_base_url: BASE.into(),
        service_name: "Example Badges".into(),
        terms_of_service_url: format!("{BASE}/terms"),
        privacy_policy_url: format!("{BASE}/privacy"),
        image_url: Some(format!("{BASE}/logo.png")),
        default_page_size: 100,
    }
}

impl Env {
    /// The host and authorization server over the test binary's backend (`crate::backend`:
    /// memory here; SQLite or PostgreSQL when credbridge-store runs these same tests).
    pub fn new() -> Env {
        let backend = crate::backend::Backend::fresh();
        let repo = backend.repo.clone();
        Env::over(backend, repo, OAuthConfig::new(BASE))
    }

    /// Like [`Env::new`], with another credential repository and OAuth configuration.
    pub fn with(repo: Arc<dyn CredentialRepo>, oauth: OAuthConfig) -> Env {
        Env::over(crate::backend::Backend::fresh(), repo, oauth)
    }

    fn over(
        backend: crate::backend::Backend,
        repo: Arc<dyn CredentialRepo>,
        oauth: OAuthConfig,
    ) -> Env {
        let clock = Arc::new(ManualClock::at(T0));
        let store = backend.oauth.clone();
        let authz = Arc::new(AuthorizationServer::new(
            oauth,
            store.clone(),
            clock.clone(),
        ));
        let host = Host::new(host_config(), authz.clone(), repo, clock.clone());
        Env {
            clock,
            store,
            service: Service::new(host, authz),
            _backend: backend,
        }
    }

    pub fn authz(&self) -> &AuthorizationServer {
        &self.service.authz
    }

    pub fn client(&self) -> InProcess<'_> {
        InProcess {
            service: &self.service,
            injected: RefCell::new(VecDeque::new()),
            sent: RefCell::new(Vec::new()),
        }
    }

    /// Registers a client with `scopes` through the consumer, returning it and the SDD.
    pub fn register(&self, scopes: &[String]) -> (ServiceDescription, RegisteredClient) {
        let http = self.client();
        let sd = discover(&http, &format!("{BASE}/ims/ob/v3p0")).expect("discovery");
        let client = register(&http, &sd, &registration(scopes)).expect("registration");
        (sd, client)
    }

    /// The whole connect flow for `user` granting `scopes` (the user approves every scope).
    pub fn connect(&self, user: &str, scopes: &[String]) -> Connection {
        let (sd, client) = self.register(scopes);
        let pending = begin_authorization(&sd, &client, REDIRECT, scopes).expect("begin");
        let consent = self
            .authz()
            .authorization_request(query_of(&pending.url))
            .expect("valid authorization request");
        let location = self.authz().approve(&consent, user).expect("approve");
        let code = pending.code_from_redirect(&location).expect("code");
        let tokens = exchange_code(
            &self.client(),
            self.clock.as_ref(),
            &sd,
            &client,
            &pending,
            &code,
        )
        .expect("token exchange");
        Connection {
            service: sd,
            client,
            tokens,
            last_sync: None,
        }
    }

    pub fn token(&self, user: &str, scopes: &[String]) -> String {
        self.connect(user, scopes).tokens.access_token
    }

    pub fn get(&self, path: &str, token: &str) -> HttpResponse {
        self.service.handle(
            &HttpRequest::new("GET", path).with_header("Authorization", &format!("Bearer {token}")),
        )
    }

    pub fn send(
        &self,
        method: &str,
        path: &str,
        token: &str,
        content_type: &str,
        body: &[u8],
    ) -> HttpResponse {
        self.service.handle(
            &HttpRequest::new(method, path)
                .with_header("Authorization", &format!("Bearer {token}"))
                .with_header("Content-Type", content_type)
                .with_body(body.to_vec()),
        )
    }

    /// A raw token request with HTTP Basic.
    pub fn token_request(&self, client: &RegisteredClient, form: &[(&str, &str)]) -> HttpResponse {
        let mut body = url::form_urlencoded::Serializer::new(String::new());
        for (k, v) in form {
            body.append_pair(k, v);
        }
        self.service.handle(
            &HttpRequest::new("POST", "/oauth/token")
                .with_header("Authorization", &basic(client))
                .with_header("Content-Type", "application/x-www-form-urlencoded")
                .with_body(body.finish()),
        )
    }
}

pub fn basic(client: &RegisteredClient) -> String {
    use base64::Engine as _;
    format!(
        "Basic {}",
        base64::engine::general_purpose::STANDARD
            .encode(format!("{}:{}", client.client_id, client.client_secret))
    )
}

pub fn query_of(url: &str) -> &str {
    url.split_once('?').map_or("", |(_, q)| q)
}

pub fn registration(scopes: &[String]) -> ClientRegistration {
    ClientRegistration {
        client_name: "Harbour HR".into(),
        client_uri: "https://hr.example/".into(),
        logo_uri: "https://hr.example/logo.png".into(),
        tos_uri: "https://hr.example/terms".into(),
        policy_uri: "https://hr.example/privacy".into(),
        software_id: "c88b6ed8-269e-448e-99be-7e2ff47167d1".into(),
        software_version: "1.0.0".into(),
        redirect_uris: vec![REDIRECT.into()],
        scopes: scopes
            .iter()
            .cloned()
            .chain([OFFLINE_ACCESS.to_owned()])
            .collect(),
    }
}

pub fn registration_json(scopes: &[String]) -> Value {
    json!({
        "client_name": "Harbour HR",
        "client_uri": "https://hr.example/",
        "logo_uri": "https://hr.example/logo.png",
        "tos_uri": "https://hr.example/terms",
        "policy_uri": "https://hr.example/privacy",
        "software_id": "c88b6ed8-269e-448e-99be-7e2ff47167d1",
        "software_version": "1.0.0",
        "redirect_uris": [REDIRECT],
        "token_endpoint_auth_method": "client_secret_basic",
        "grant_types": ["authorization_code", "refresh_token"],
        "response_types": ["code"],
        "scope": scopes.join(" "),
    })
}

/// An [`HttpClient`] that calls the service directly; answers queued with `inject` go out
/// first (a foreign host's behaviour the service itself never has).
pub struct InProcess<'a> {
    service: &'a Service,
    injected: RefCell<VecDeque<HttpResponse>>,
    pub sent: RefCell<Vec<OutgoingRequest>>,
}

impl InProcess<'_> {
    pub fn inject(&self, response: HttpResponse) {
        self.injected.borrow_mut().push_back(response);
    }
}

impl HttpClient for InProcess<'_> {
    fn send(&self, request: &OutgoingRequest) -> Result<HttpResponse, TransportError> {
        self.sent.borrow_mut().push(request.clone());
        if let Some(response) = self.injected.borrow_mut().pop_front() {
            return Ok(response);
        }
        let url = url::Url::parse(&request.url).map_err(|e| TransportError {
            url: request.url.clone(),
            message: e.to_string(),
        })?;
        assert_eq!(
            url.origin().ascii_serialization(),
            BASE,
            "only the test host is reachable"
        );
        let mut incoming = HttpRequest::new(&request.method, url.path());
        incoming.query = url.query().unwrap_or("").to_owned();
        incoming.headers = request.headers.clone();
        incoming.body = request.body.clone();
        Ok(self.service.handle(&incoming))
    }
}

/// Waits by moving the manual clock, and remembers each wait.
pub struct ClockSleeper {
    pub clock: Arc<ManualClock>,
    pub waits: RefCell<Vec<u64>>,
}

impl Sleeper for ClockSleeper {
    fn sleep(&self, seconds: u64) {
        self.waits.borrow_mut().push(seconds);
        self.clock.advance(i64::try_from(seconds).unwrap());
    }
}

/// A repository that is busy for its first `busy` calls (503 + Retry-After from the host).
pub struct BusyRepo {
    pub inner: MemoryCredentialRepo,
    pub busy: AtomicU32,
    pub retry_after: u64,
}

impl BusyRepo {
    fn gate(&self) -> Result<(), RepoError> {
        let left = self.busy.load(Ordering::SeqCst);
        if left > 0 {
            self.busy.store(left - 1, Ordering::SeqCst);
            return Err(RepoError::Busy {
                retry_after_seconds: self.retry_after,
            });
        }
        Ok(())
    }
}

impl CredentialRepo for BusyRepo {
    fn list(
        &self,
        owner: &str,
        flavor: ApiFlavor,
        since: Option<i64>,
        offset: usize,
        limit: usize,
    ) -> Result<CredentialPage, RepoError> {
        self.gate()?;
        self.inner.list(owner, flavor, since, offset, limit)
    }
    fn upsert(
        &self,
        owner: &str,
        flavor: ApiFlavor,
        credential: StoredCredential,
    ) -> Result<UpsertOutcome, RepoError> {
        self.gate()?;
        self.inner.upsert(owner, flavor, credential)
    }
    fn profile(&self, owner: &str) -> Result<Option<String>, RepoError> {
        self.inner.profile(owner)
    }
    fn put_profile(&self, owner: &str, profile: String) -> Result<(), RepoError> {
        self.inner.put_profile(owner, profile)
    }
}

// ---- schemas ----

/// Compiled schemas by name.
type SchemaCache = HashMap<&'static str, (Arc<boon::Schemas>, boon::SchemaIndex)>;

static SCHEMAS: Mutex<Option<SchemaCache>> = Mutex::new(None);

/// Validates `value` against the bundled 1EdTech schema `name`
/// (e.g. `ob_v3p0_getopenbadgecredentialsresponse`), panicking with the errors.
pub fn assert_schema(name: &'static str, value: &Value) {
    let (schemas, index) = {
        let mut cache = SCHEMAS.lock().unwrap();
        let cache = cache.get_or_insert_with(HashMap::new);
        cache
            .entry(name)
            .or_insert_with(|| {
                let dir = name.split('_').take(2).collect::<Vec<_>>().join("_");
                let path: PathBuf = [
                    env!("CARGO_MANIFEST_DIR"),
                    "..",
                    "model",
                    "schemas",
                    &dir,
                    &format!("{name}_schema.json"),
                ]
                .iter()
                .collect();
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

/// Checks an error body: valid `Imsx_StatusInfo` with `code_minor`.
pub fn assert_imsx(response: &HttpResponse, status: u16, code_minor: &str) {
    assert_eq!(
        response.status,
        status,
        "body: {}",
        String::from_utf8_lossy(&response.body)
    );
    let body = response.body_json().expect("JSON body");
    assert_schema("ob_v3p0_imsx_statusinfo", &body);
    assert_schema("clr_v2p0_imsx_statusinfo", &body);
    assert_eq!(body["imsx_codeMajor"], "failure");
    assert_eq!(body["imsx_severity"], "error");
    assert_eq!(
        body["imsx_codeMinor"]["imsx_codeMinorField"][0]["imsx_codeMinorFieldValue"], code_minor,
        "{body:#}"
    );
}

/// Checks an OAuth error body.
pub fn assert_oauth_error(response: &HttpResponse, status: u16, error: &str) {
    assert_eq!(
        response.status,
        status,
        "body: {}",
        String::from_utf8_lossy(&response.body)
    );
    let body = response.body_json().expect("JSON body");
    assert_eq!(body["error"], error, "{body:#}");
    assert!(
        body["error_description"]
            .as_str()
            .is_some_and(|d| !d.is_empty())
    );
}

// ---- fixtures ----

pub fn standards(path: &str) -> Vec<u8> {
    let full: PathBuf = [
        env!("CARGO_MANIFEST_DIR"),
        "..",
        "..",
        "testdata",
        "examples",
        path,
    ]
    .iter()
    .collect();
    std::fs::read(&full).unwrap_or_else(|e| panic!("{}: {e}", full.display()))
}

pub fn signer() -> credbridge_testkit::Signer {
    credbridge_testkit::Signer::ed25519([7; 32]).unwrap()
}

/// An OB 3.0 (VCDM 2.0) credential numbered `n`, with an eddsa-jcs-2022 proof.
pub fn signed_credential(signer: &credbridge_testkit::Signer, n: usize) -> Value {
    let mut credential = credbridge_testkit::ob3_credential(&signer.did.did);
    credential["id"] = json!(format!("urn:uuid:00000000-0000-4000-8000-{n:012}"));
    credential["name"] = json!(format!("Badge number {n}"));
    signer
        .sign_data_integrity(&credential, credbridge_proofs::suites::EDDSA_JCS_2022, T0)
        .unwrap()
}
