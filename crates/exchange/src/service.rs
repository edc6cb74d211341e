//! [`ExchangeService`]: what the HTTP routes call. It checks workflow configurations, makes
//! exchanges, and runs the participation protocol (VCALM §Participate in an Exchange) over an
//! [`ExchangeStore`] and a [`PresentationVerifier`].

use std::collections::BTreeSet;
use std::sync::Arc;

use base64::Engine as _;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use credbridge_formats::{Item, Payload};
use credbridge_verify::{Outcome, Severity, Verdict, VerificationReport};
use json_read::{is_presentation, proofs_of};
use serde::Deserialize;
use serde_json::{Map, Value, json};

use crate::error::ExchangeError;
use crate::model::{Exchange, ExchangeState, Step, Workflow, WorkflowConfig};
use crate::query::{self, Presented};
use crate::store::ExchangeStore;
use crate::verifier::{PresentationVerifier, VerifiedItem};

/// Exchanges live this long unless the coordinator says otherwise (15 minutes, as the
/// Digital Bazaar coordinators create them).
pub const DEFAULT_TTL_SECONDS: i64 = 15 * 60;
/// The longest lifetime an exchange may be given (30 days: a wallet pickup link sent by email).
pub const MAX_TTL_SECONDS: i64 = 30 * 24 * 3600;
/// Limit: steps in a workflow.
pub const MAX_STEPS: usize = 16;
/// Limit: a workflow configuration, serialized bytes.
pub const MAX_WORKFLOW_BYTES: usize = 64 * 1024;
/// Limit: an exchange's variables, serialized bytes.
pub const MAX_VARIABLES_BYTES: usize = 4 * 1024 * 1024;
/// Limit: credentials one exchange offers.
pub const MAX_OFFERED_CREDENTIALS: usize = 100;
/// Limit: a posted presentation, serialized bytes.
pub const MAX_PRESENTATION_BYTES: usize = 4 * 1024 * 1024;
/// Limit: a participation message, bytes (the presentation and a little more).
pub const MAX_MESSAGE_BYTES: usize = MAX_PRESENTATION_BYTES + 64 * 1024;
/// Limit: a workflow or step name (a URL path segment for workflows).
pub const MAX_NAME_CHARS: usize = 64;
/// The exchange variable the results of each step go into (VCALM reserved).
pub const RESULTS_VARIABLE: &str = "results";

/// How the service names itself.
#[derive(Debug, Clone)]
pub struct ServiceConfig {
    /// The public base URL the routes live under, without a trailing slash
    /// (`https://credbridge.example`); exchange URLs are
    /// `{base_url}/workflows/{workflow}/exchanges/{exchange}`.
    pub base_url: String,
    /// The `domain` put into presentation requests when a step gives none (the verifier's
    /// host, e.g. `credbridge.example`).
    pub domain: String,
    /// Lifetime of an exchange created without `ttl` or `expires`, seconds.
    pub default_ttl: i64,
    /// The longest lifetime allowed, seconds.
    pub max_ttl: i64,
}

impl ServiceConfig {
    /// A config for `base_url`, with its host as the domain and the default lifetimes.
    ///
    /// # Errors
    /// [`ExchangeError::InvalidConfig`] when `base_url` is not an `http(s)://host…` URL.
    pub fn for_base_url(base_url: &str) -> Result<ServiceConfig, ExchangeError> {
        let base = base_url.trim_end_matches('/');
        let rest = base
            .strip_prefix("https://")
            .or_else(|| base.strip_prefix("http://"))
            .ok_or_else(|| ExchangeError::InvalidConfig {
                pointer: "base_url".into(),
                rule: format!("{base_url:?} must start with https:// or http://"),
            })?;
        let host = rest.split('/').next().unwrap_or_default();
        if host.is_empty() {
            return Err(ExchangeError::InvalidConfig {
                pointer: "base_url".into(),
                rule: format!("{base_url:?} has no host"),
            });
        }
        Ok(ServiceConfig {
            base_url: base.to_owned(),
            domain: host.to_owned(),
            default_ttl: DEFAULT_TTL_SECONDS,
            max_ttl: MAX_TTL_SECONDS,
        })
    }
}

/// A credential received in an exchange, verified: for the inbox (source `exchange`).
#[derive(Debug)]
pub struct ReceivedCredential {
    /// Where it sat in the presentation (`presentation#/verifiableCredential/0`).
    pub path: String,
    /// Its own bytes: the JSON as it appeared in the posted presentation, or the compact JWT.
    pub bytes: Vec<u8>,
    /// The decoded item (containers, payload).
    pub item: Item,
    /// Its verification report.
    pub report: VerificationReport,
}

/// What one participation message did.
#[derive(Debug)]
pub struct Participation {
    /// The body to answer the wallet with (VCALM `ExchangeParticipationServerMessage`): a
    /// `verifiablePresentationRequest`, a `verifiablePresentation` with the offered
    /// credentials, a `redirectUrl`, or `{}` when the exchange is complete.
    pub response: Value,
    /// The exchange after the message.
    pub exchange: Exchange,
    /// Credentials the wallet presented with this message (verified), to be added to the
    /// workflow owner's inbox.
    pub received: Vec<ReceivedCredential>,
    /// The holder DID the wallet authenticated as in this message, if it presented.
    pub holder: Option<String>,
}

/// The workflow and exchange service: what the routes call.
#[derive(Clone)]
pub struct ExchangeService {
    store: Arc<dyn ExchangeStore>,
    verifier: Arc<dyn PresentationVerifier>,
    config: ServiceConfig,
}

impl std::fmt::Debug for ExchangeService {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("ExchangeService")
            .field("config", &self.config)
            .finish_non_exhaustive()
    }
}

/// A fresh random identifier: 32 bytes, base64url (43 characters), unguessable.
fn random_id() -> Result<String, ExchangeError> {
    let mut bytes = [0u8; 32];
    getrandom::fill(&mut bytes).map_err(|e| ExchangeError::Random(e.to_string()))?;
    Ok(URL_SAFE_NO_PAD.encode(bytes))
}

fn invalid(pointer: impl Into<String>, rule: impl Into<String>) -> ExchangeError {
    ExchangeError::InvalidConfig {
        pointer: pointer.into(),
        rule: rule.into(),
    }
}

fn message_error(pointer: impl Into<String>, rule: impl Into<String>) -> ExchangeError {
    ExchangeError::InvalidMessage {
        pointer: pointer.into(),
        rule: rule.into(),
    }
}

/// Escapes a JSON pointer segment (RFC 6901).
fn segment(name: &str) -> String {
    name.replace('~', "~0").replace('/', "~1")
}

fn check_name(name: &str, pointer: &str) -> Result<(), ExchangeError> {
    let ok = !name.is_empty()
        && name.chars().count() <= MAX_NAME_CHARS
        && name
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || c == '-' || c == '_' || c == '.');
    if ok {
        Ok(())
    } else {
        Err(invalid(
            pointer,
            format!(
                "{name:?} must be 1 to {MAX_NAME_CHARS} characters of A-Z, a-z, 0-9, '-', '_' or '.'"
            ),
        ))
    }
}

fn serialized_len(value: &Value) -> usize {
    serde_json::to_vec(value)
        .map(|v| v.len())
        .unwrap_or(usize::MAX)
}

/// The body of `POST /workflows/{id}/exchanges` (VCALM `CreateExchangeRequest`; `ttl` in
/// seconds as the Digital Bazaar services take it).
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct CreateExchange {
    #[serde(default)]
    expires: Option<String>,
    #[serde(default)]
    ttl: Option<i64>,
    #[serde(default)]
    variables: Option<Map<String, Value>>,
}

impl ExchangeService {
    /// A service over `store` and `verifier`.
    pub fn new(
        store: Arc<dyn ExchangeStore>,
        verifier: Arc<dyn PresentationVerifier>,
        config: ServiceConfig,
    ) -> ExchangeService {
        ExchangeService {
            store,
            verifier,
            config,
        }
    }

    /// The service's configuration.
    pub fn config(&self) -> &ServiceConfig {
        &self.config
    }

    /// `{base_url}/workflows/{id}`.
    pub fn workflow_url(&self, workflow_id: &str) -> String {
        format!("{}/workflows/{workflow_id}", self.config.base_url)
    }

    /// `{base_url}/workflows/{workflow}/exchanges/{exchange}`: the link a wallet is given.
    pub fn exchange_url(&self, workflow_id: &str, exchange_id: &str) -> String {
        format!(
            "{}/workflows/{workflow_id}/exchanges/{exchange_id}",
            self.config.base_url
        )
    }

    /// VCALM `GetExchangeProtocolsResponse` for an exchange: `{"protocols": {"vcapi": url}}`.
    pub fn protocols(&self, workflow_id: &str, exchange_id: &str) -> Value {
        json!({ "protocols": { "vcapi": self.exchange_url(workflow_id, exchange_id) } })
    }

    /// The exchange link as a QR code (SVG).
    ///
    /// # Errors
    /// [`ExchangeError::QrCode`] when the link does not fit a QR code.
    pub fn exchange_qr_svg(
        &self,
        workflow_id: &str,
        exchange_id: &str,
    ) -> Result<String, ExchangeError> {
        crate::qr::qr_svg(&self.exchange_url(workflow_id, exchange_id))
    }

    /// Checks and stores a workflow for `tenant` (`POST /workflows`).
    ///
    /// # Errors
    /// [`ExchangeError::InvalidConfig`] naming the field and rule, [`ExchangeError::LimitExceeded`],
    /// [`ExchangeError::WorkflowExists`], storage errors.
    pub async fn create_workflow(
        &self,
        tenant: &str,
        body: &Value,
        now: i64,
    ) -> Result<Workflow, ExchangeError> {
        let size = serialized_len(body);
        if size > MAX_WORKFLOW_BYTES {
            return Err(ExchangeError::LimitExceeded {
                what: "workflow configuration size in bytes",
                found: size,
                limit: MAX_WORKFLOW_BYTES,
            });
        }
        let mut config: WorkflowConfig = WorkflowConfig::deserialize(body)
            .map_err(|e| invalid("", format!("not a workflow configuration: {e}")))?;
        validate_workflow(&config)?;
        let id = match &config.id {
            Some(id) => id.clone(),
            None => random_id()?,
        };
        config.id = Some(id.clone());
        let workflow = Workflow {
            id: id.clone(),
            tenant: tenant.to_owned(),
            config,
            created_at: now,
        };
        if !self.store.insert_workflow(&workflow).await? {
            return Err(ExchangeError::WorkflowExists { id });
        }
        Ok(workflow)
    }

    /// A workflow of `tenant` (`GET /workflows/{id}`).
    ///
    /// # Errors
    /// [`ExchangeError::WorkflowNotFound`] (also for another tenant's), storage errors.
    pub async fn workflow(&self, tenant: &str, id: &str) -> Result<Workflow, ExchangeError> {
        match self.store.workflow(id).await? {
            Some(workflow) if workflow.tenant == tenant => Ok(workflow),
            _ => Err(ExchangeError::WorkflowNotFound { id: id.to_owned() }),
        }
    }

    /// Creates an exchange under a workflow of `tenant` (`POST /workflows/{id}/exchanges`).
    /// The body is VCALM `CreateExchangeRequest`: `expires` (dateTimeStamp) or `ttl`
    /// (seconds), and `variables` (for an offer, the credentials under the step's
    /// `credentialsVariable`).
    ///
    /// # Errors
    /// [`ExchangeError::InvalidConfig`] naming the field and rule, [`ExchangeError::LimitExceeded`],
    /// [`ExchangeError::WorkflowNotFound`], storage errors.
    pub async fn create_exchange(
        &self,
        tenant: &str,
        workflow_id: &str,
        body: &Value,
        now: i64,
    ) -> Result<Exchange, ExchangeError> {
        let workflow = self.workflow(tenant, workflow_id).await?;
        let request = CreateExchange::deserialize(body)
            .map_err(|e| invalid("", format!("not an exchange request: {e}")))?;
        let expires_at = match (&request.expires, request.ttl) {
            (Some(_), Some(_)) => {
                return Err(invalid("/ttl", "give expires or ttl, not both"));
            }
            (Some(text), None) => {
                let at = credbridge_proofs::parse_datetime(text).ok_or_else(|| {
                    invalid(
                        "/expires",
                        format!("{text:?} is not an XML Schema dateTimeStamp"),
                    )
                })?;
                if at <= now {
                    return Err(invalid("/expires", format!("{text} is in the past")));
                }
                at
            }
            (None, Some(ttl)) => {
                if ttl <= 0 {
                    return Err(invalid("/ttl", "ttl must be a positive number of seconds"));
                }
                now.saturating_add(ttl)
            }
            (None, None) => now.saturating_add(self.config.default_ttl),
        };
        if expires_at - now > self.config.max_ttl {
            return Err(invalid(
                if request.ttl.is_some() {
                    "/ttl"
                } else {
                    "/expires"
                },
                format!(
                    "an exchange may live at most {} seconds",
                    self.config.max_ttl
                ),
            ));
        }
        let variables = request.variables.unwrap_or_default();
        let size = serde_json::to_vec(&variables)
            .map(|v| v.len())
            .unwrap_or(usize::MAX);
        if size > MAX_VARIABLES_BYTES {
            return Err(ExchangeError::LimitExceeded {
                what: "exchange variables size in bytes",
                found: size,
                limit: MAX_VARIABLES_BYTES,
            });
        }
        if variables.contains_key(RESULTS_VARIABLE) {
            return Err(invalid(
                "/variables/results",
                "results is reserved: the exchange fills it with what the wallet sends",
            ));
        }
        for step in workflow.config.steps.values() {
            if let Some(name) = &step.credentials_variable {
                check_offered(&variables, name)?;
            }
        }
        let exchange = Exchange {
            id: random_id()?,
            workflow_id: workflow.id.clone(),
            tenant: workflow.tenant.clone(),
            sequence: 0,
            state: ExchangeState::Pending,
            step: workflow.config.initial_step.clone(),
            created_at: now,
            expires_at,
            variables,
            challenge: None,
            domain: None,
            last_error: None,
        };
        self.store.insert_exchange(&exchange).await?;
        Ok(exchange)
    }

    /// An exchange of `tenant`'s workflow, for its coordinator (`GET
    /// /workflows/{id}/exchanges/{eid}`; render with [`Exchange::to_json`]).
    ///
    /// # Errors
    /// Not found (also for another tenant's), storage errors.
    pub async fn exchange(
        &self,
        tenant: &str,
        workflow_id: &str,
        exchange_id: &str,
    ) -> Result<Exchange, ExchangeError> {
        match self.store.exchange(workflow_id, exchange_id).await? {
            Some(exchange) if exchange.tenant == tenant => Ok(exchange),
            _ => Err(ExchangeError::ExchangeNotFound {
                workflow: workflow_id.to_owned(),
                id: exchange_id.to_owned(),
            }),
        }
    }

    /// Runs one participation message from a wallet, `body` as received (`POST
    /// /workflows/{id}/exchanges/{eid}`; the link is the only authorization).
    ///
    /// - `{}`: the current step's presentation request (with the exchange's challenge and
    ///   domain; the same request again if one was issued), or, on a delivering step, the
    ///   delivery (which completes the exchange).
    /// - `{"verifiablePresentation": …}`: checked against the request issued (challenge,
    ///   domain, signature, holder binding, each credential, the query); accepted once, then
    ///   the exchange moves to the next step (whose request or delivery is the answer) or
    ///   completes.
    ///
    /// A presentation with a wrong or reused challenge or domain is refused without changing
    /// the exchange (it is most likely not the wallet's, and must not end the wallet's
    /// exchange). A presentation that fails its checks ends the exchange as `invalid`: it is
    /// single use. Every refusal is kept as `lastError`.
    ///
    /// # Errors
    /// [`ExchangeError`]: each refusal names its rule (see its variants).
    pub async fn participate_bytes(
        &self,
        workflow_id: &str,
        exchange_id: &str,
        body: &[u8],
        now: i64,
    ) -> Result<Participation, ExchangeError> {
        if body.len() > MAX_MESSAGE_BYTES {
            return Err(ExchangeError::LimitExceeded {
                what: "participation message size in bytes",
                found: body.len(),
                limit: MAX_MESSAGE_BYTES,
            });
        }
        let message: Value = serde_json::from_slice(body)
            .map_err(|e| message_error("", format!("the message is not JSON: {e}")))?;
        // The presentation's own bytes, as sent: its credentials reach the inbox unaltered.
        let raw = serde_json::from_slice::<RawMessage<'_>>(body)
            .ok()
            .and_then(|m| m.verifiable_presentation)
            .map(|raw| raw.get().as_bytes())
            .filter(|raw| raw.first() == Some(&b'{'));
        self.run(workflow_id, exchange_id, &message, raw, now).await
    }

    /// [`ExchangeService::participate_bytes`] for a message already parsed (its
    /// presentation is serialized again for verification, so the credentials' bytes are
    /// serde_json's, in the same member order).
    ///
    /// # Errors
    /// As [`ExchangeService::participate_bytes`].
    pub async fn participate(
        &self,
        workflow_id: &str,
        exchange_id: &str,
        message: &Value,
        now: i64,
    ) -> Result<Participation, ExchangeError> {
        self.run(workflow_id, exchange_id, message, None, now).await
    }

    async fn run(
        &self,
        workflow_id: &str,
        exchange_id: &str,
        message: &Value,
        raw: Option<&[u8]>,
        now: i64,
    ) -> Result<Participation, ExchangeError> {
        let not_found = || ExchangeError::ExchangeNotFound {
            workflow: workflow_id.to_owned(),
            id: exchange_id.to_owned(),
        };
        let exchange = self
            .store
            .exchange(workflow_id, exchange_id)
            .await?
            .ok_or_else(not_found)?;
        let workflow = self
            .store
            .workflow(workflow_id)
            .await?
            .ok_or_else(not_found)?;
        let presentation = read_message(message)?;

        match exchange.state_at(now) {
            ExchangeState::Complete => {
                if let Some(vp) = presentation
                    && let Some(challenge) = proof_challenge(vp)
                    && self.store.challenge_used(challenge).await?
                {
                    return Err(ExchangeError::ChallengeReplayed);
                }
                return Err(ExchangeError::AlreadyComplete);
            }
            ExchangeState::Invalid => {
                return Err(ExchangeError::ExchangeInvalid {
                    reason: exchange
                        .last_error
                        .as_ref()
                        .map_or_else(|| "unknown".to_owned(), |p| p.detail.clone()),
                });
            }
            ExchangeState::Expired => {
                let expired = ExchangeError::Expired {
                    expires: credbridge_proofs::format_datetime(exchange.expires_at),
                };
                if exchange.state != ExchangeState::Expired {
                    let mut next = exchange.clone();
                    next.state = ExchangeState::Expired;
                    next.sequence += 1;
                    next.last_error = Some(expired.to_problem());
                    // Losing this race only means another request recorded it first.
                    let _ = self.store.update_exchange(&next, exchange.sequence).await?;
                }
                return Err(expired);
            }
            ExchangeState::Pending | ExchangeState::Active => {}
        }

        let step = workflow
            .step(&exchange.step)
            .ok_or_else(|| ExchangeError::ExchangeInvalid {
                reason: format!("the workflow has no step {:?}", exchange.step),
            })?;
        match presentation {
            None => {
                let mut next = exchange.clone();
                next.sequence += 1;
                let (response, holder) = (self.enter_step(&workflow, &mut next)?, None);
                self.save(&next, exchange.sequence).await?;
                Ok(Participation {
                    response,
                    exchange: next,
                    received: Vec::new(),
                    holder,
                })
            }
            Some(vp) => {
                let Some(request) = &step.verifiable_presentation_request else {
                    return Err(message_error(
                        "/verifiablePresentation",
                        format!(
                            "step {:?} asks for no presentation; POST {{}} to continue",
                            exchange.step
                        ),
                    ));
                };
                let (Some(challenge), Some(domain)) = (&exchange.challenge, &exchange.domain)
                else {
                    return Err(ExchangeError::NoRequestIssued {
                        step: exchange.step.clone(),
                    });
                };
                let issued = Issued {
                    request,
                    challenge,
                    domain,
                };
                let outcome = self.accept(vp, raw, &issued, &exchange, now).await;
                match outcome {
                    Ok((received, holder)) => {
                        let mut next = exchange.clone();
                        next.sequence += 1;
                        next.last_error = None;
                        let results = next
                            .variables
                            .entry(RESULTS_VARIABLE)
                            .or_insert_with(|| Value::Object(Map::new()));
                        if let Value::Object(results) = results {
                            results.insert(
                                exchange.step.clone(),
                                json!({ "verifiablePresentation": vp }),
                            );
                        }
                        let response = match &step.next_step {
                            Some(following) => {
                                next.step = following.clone();
                                next.challenge = None;
                                next.domain = None;
                                self.enter_step(&workflow, &mut next)?
                            }
                            None => {
                                next.state = ExchangeState::Complete;
                                finish_response(step)
                            }
                        };
                        self.save(&next, exchange.sequence).await?;
                        Ok(Participation {
                            response,
                            exchange: next,
                            received,
                            holder,
                        })
                    }
                    Err(error) => {
                        let mut next = exchange.clone();
                        next.sequence += 1;
                        next.last_error = Some(error.to_problem());
                        let ends_exchange = matches!(
                            error,
                            ExchangeError::Unsigned
                                | ExchangeError::PresentationInvalid { .. }
                                | ExchangeError::CredentialInvalid { .. }
                                | ExchangeError::Unreadable { .. }
                                | ExchangeError::QueryNotSatisfied { .. }
                        );
                        if ends_exchange {
                            next.state = ExchangeState::Invalid;
                        }
                        if !error.is_internal() && !matches!(error, ExchangeError::Conflict) {
                            // Recording the refusal is best effort: a concurrent winner's state
                            // stands.
                            let _ = self.store.update_exchange(&next, exchange.sequence).await?;
                        }
                        Err(error)
                    }
                }
            }
        }
    }

    /// The current step's request as issued (`GET /workflows/{id}/exchanges/{eid}/request`,
    /// VCALM "Get Current Exchange VPR"): no state changes, so before a wallet's first `{}`
    /// the request carries no challenge yet, and a step that requests nothing gives `{}`.
    ///
    /// # Errors
    /// Not found, [`ExchangeError::Expired`], storage errors.
    pub async fn current_request(
        &self,
        workflow_id: &str,
        exchange_id: &str,
        now: i64,
    ) -> Result<Value, ExchangeError> {
        let not_found = || ExchangeError::ExchangeNotFound {
            workflow: workflow_id.to_owned(),
            id: exchange_id.to_owned(),
        };
        let exchange = self
            .store
            .exchange(workflow_id, exchange_id)
            .await?
            .ok_or_else(not_found)?;
        if exchange.state_at(now) == ExchangeState::Expired {
            return Err(ExchangeError::Expired {
                expires: credbridge_proofs::format_datetime(exchange.expires_at),
            });
        }
        let workflow = self
            .store
            .workflow(workflow_id)
            .await?
            .ok_or_else(not_found)?;
        let request = match workflow
            .step(&exchange.step)
            .and_then(|s| s.verifiable_presentation_request.as_ref())
        {
            Some(request) if exchange.state_at(now) != ExchangeState::Complete => {
                let mut request = request.clone();
                if let Value::Object(object) = &mut request {
                    if let Some(challenge) = &exchange.challenge {
                        object.insert("challenge".into(), json!(challenge));
                    }
                    if let Some(domain) = &exchange.domain {
                        object.insert("domain".into(), json!(domain));
                    }
                }
                request
            }
            _ => json!({}),
        };
        Ok(json!({ "verifiablePresentationRequest": request }))
    }

    async fn save(&self, exchange: &Exchange, expected: u64) -> Result<(), ExchangeError> {
        if self.store.update_exchange(exchange, expected).await? {
            Ok(())
        } else {
            Err(ExchangeError::Conflict)
        }
    }

    /// Makes `exchange` enter its current step: a request (challenge made once per step) or
    /// the delivery (which completes it). Returns the answer for the wallet.
    fn enter_step(
        &self,
        workflow: &Workflow,
        exchange: &mut Exchange,
    ) -> Result<Value, ExchangeError> {
        let step = workflow
            .step(&exchange.step)
            .ok_or_else(|| ExchangeError::ExchangeInvalid {
                reason: format!("the workflow has no step {:?}", exchange.step),
            })?;
        match &step.verifiable_presentation_request {
            Some(request) => {
                if exchange.challenge.is_none() {
                    exchange.challenge = Some(random_id()?);
                    exchange.domain = Some(
                        request
                            .get("domain")
                            .and_then(Value::as_str)
                            .unwrap_or(&self.config.domain)
                            .to_owned(),
                    );
                }
                exchange.state = ExchangeState::Active;
                let mut request = request.clone();
                if let Value::Object(object) = &mut request {
                    object.insert("challenge".into(), json!(exchange.challenge));
                    object.insert("domain".into(), json!(exchange.domain));
                }
                Ok(json!({ "verifiablePresentationRequest": request }))
            }
            None => {
                exchange.state = ExchangeState::Complete;
                let mut response = finish_response(step);
                let mut credentials: Vec<Value> = Vec::new();
                let mut delivered = step.verifiable_presentation.clone();
                if let Some(name) = &step.credentials_variable
                    && let Some(Value::Array(offered)) = exchange.variables.get(name)
                {
                    credentials.extend(offered.iter().cloned());
                }
                if !credentials.is_empty() {
                    let vp = delivered.get_or_insert_with(|| {
                        json!({
                            "@context": ["https://www.w3.org/ns/credentials/v2"],
                            "type": ["VerifiablePresentation"],
                        })
                    });
                    if let Value::Object(object) = vp {
                        let list = object
                            .entry("verifiableCredential")
                            .or_insert_with(|| Value::Array(Vec::new()));
                        if !list.is_array() {
                            *list = Value::Array(vec![list.take()]);
                        }
                        if let Value::Array(list) = list {
                            list.extend(credentials);
                        }
                    }
                }
                if let (Some(vp), Value::Object(object)) = (delivered, &mut response) {
                    object.insert("verifiablePresentation".into(), vp);
                }
                Ok(response)
            }
        }
    }

    /// Checks a posted presentation against the issued request. Returns the credentials
    /// received and the holder.
    async fn accept(
        &self,
        vp: &Value,
        raw: Option<&[u8]>,
        issued: &Issued<'_>,
        exchange: &Exchange,
        now: i64,
    ) -> Result<(Vec<ReceivedCredential>, Option<String>), ExchangeError> {
        let Issued {
            request,
            challenge,
            domain,
        } = *issued;
        // Challenge and domain first, from the proof as sent: a presentation made for another
        // exchange (or this one's, again) is refused before any work.
        let proofs = proofs_of(vp);
        let authentication: Vec<&Value> = proofs
            .iter()
            .copied()
            .filter(|p| p.get("proofPurpose").and_then(Value::as_str) == Some("authentication"))
            .collect();
        if authentication.is_empty() {
            return Err(ExchangeError::Unsigned);
        }
        let proof = authentication
            .iter()
            .copied()
            .find(|p| p.get("challenge").and_then(Value::as_str) == Some(challenge));
        let Some(proof) = proof else {
            let found = authentication
                .first()
                .and_then(|p| p.get("challenge"))
                .and_then(Value::as_str);
            if let Some(found) = found
                && self.store.challenge_used(found).await?
            {
                return Err(ExchangeError::ChallengeReplayed);
            }
            return Err(ExchangeError::ChallengeMismatch {
                found: found.map(str::to_owned),
            });
        };
        let found_domain = proof.get("domain").and_then(Value::as_str);
        if found_domain != Some(domain) {
            return Err(ExchangeError::DomainMismatch {
                expected: domain.to_owned(),
                found: found_domain.map(str::to_owned),
            });
        }
        if self.store.challenge_used(challenge).await? {
            return Err(ExchangeError::ChallengeReplayed);
        }

        let bytes = match raw {
            Some(raw) => raw.to_vec(),
            None => serde_json::to_vec(vp)
                .map_err(|e| message_error("/verifiablePresentation", e.to_string()))?,
        };
        if bytes.len() > MAX_PRESENTATION_BYTES {
            return Err(ExchangeError::LimitExceeded {
                what: "presentation size in bytes",
                found: bytes.len(),
                limit: MAX_PRESENTATION_BYTES,
            });
        }
        let items = self
            .verifier
            .verify(bytes, challenge.to_owned(), domain.to_owned(), now)
            .await;
        let (presentation_report, received) = judge(items)?;
        let holder_bound = presentation_report
            .checks
            .iter()
            .any(|c| c.id == "holder.key-binding" && c.outcome == Outcome::Passed);
        let credentials: Vec<&Value> = received
            .iter()
            .filter_map(|r| r.item.credential_json())
            .collect();
        query::check_satisfied(
            request,
            &Presented {
                presentation: vp,
                proof,
                credentials,
                holder_bound,
            },
        )?;
        // Accepted: the challenge is spent. Two copies racing both reach here; one wins.
        if !self
            .store
            .use_challenge(challenge, &exchange.id, now, exchange.expires_at)
            .await?
        {
            return Err(ExchangeError::ChallengeReplayed);
        }
        let holder = vp.get("holder").and_then(|h| match h {
            Value::String(s) => Some(s.clone()),
            Value::Object(o) => o.get("id").and_then(Value::as_str).map(str::to_owned),
            _ => None,
        });
        Ok((received, holder))
    }
}

/// The request an exchange issued for its current step.
#[derive(Clone, Copy)]
struct Issued<'a> {
    request: &'a Value,
    challenge: &'a str,
    domain: &'a str,
}

/// The presentation of a participation message, unparsed.
#[derive(Deserialize)]
struct RawMessage<'a> {
    #[serde(borrow, rename = "verifiablePresentation")]
    verifiable_presentation: Option<&'a serde_json::value::RawValue>,
}

/// Reads a participation message: `{}` or `{"verifiablePresentation": {…}}` (plus
/// `referenceId`, ignored).
fn read_message(message: &Value) -> Result<Option<&Value>, ExchangeError> {
    let Some(object) = message.as_object() else {
        return Err(message_error(
            "",
            "a participation message must be a JSON object",
        ));
    };
    for key in object.keys() {
        match key.as_str() {
            "verifiablePresentation" | "referenceId" => {}
            "verifiablePresentationRequest" | "redirectUrl" => {
                return Err(message_error(
                    format!("/{key}"),
                    format!("this exchange takes no {key} from the wallet"),
                ));
            }
            other => {
                return Err(message_error(
                    format!("/{}", segment(other)),
                    format!(
                        "unknown member {other:?} (VCALM: verifiablePresentation, referenceId)"
                    ),
                ));
            }
        }
    }
    match object.get("verifiablePresentation") {
        None => Ok(None),
        Some(Value::Array(list)) if list.len() == 1 => match list.first() {
            Some(vp) if vp.is_object() => Ok(Some(vp)),
            _ => Err(message_error(
                "/verifiablePresentation/0",
                "a presentation must be a JSON object secured with a Data Integrity proof",
            )),
        },
        Some(Value::Array(_)) => Err(message_error(
            "/verifiablePresentation",
            "send one presentation per message",
        )),
        Some(vp @ Value::Object(_)) => {
            if !is_presentation(vp) {
                return Err(message_error(
                    "/verifiablePresentation/type",
                    "the presentation's type must include VerifiablePresentation",
                ));
            }
            Ok(Some(vp))
        }
        Some(_) => Err(message_error(
            "/verifiablePresentation",
            "a presentation must be a JSON object secured with a Data Integrity proof",
        )),
    }
}

fn proof_challenge(vp: &Value) -> Option<&str> {
    proofs_of(vp)
        .into_iter()
        .find_map(|p| p.get("challenge").and_then(Value::as_str))
}

/// The answer when a step ends the exchange: `{}` or `{"redirectUrl": …}`.
fn finish_response(step: &Step) -> Value {
    match &step.redirect_url {
        Some(url) => json!({ "redirectUrl": url }),
        None => json!({}),
    }
}

/// The first fatal check that failed (or, failing none, could not run).
fn deciding(report: &VerificationReport) -> (String, String) {
    let failed = report
        .checks
        .iter()
        .find(|c| c.severity == Severity::Fatal && matches!(c.outcome, Outcome::Failed(_)));
    let could_not = report
        .checks
        .iter()
        .find(|c| c.severity == Severity::Fatal && matches!(c.outcome, Outcome::CouldNotCheck(_)));
    match failed.or(could_not) {
        Some(check) => {
            let reason = match &check.outcome {
                Outcome::Failed(r) | Outcome::CouldNotCheck(r) => r.clone(),
                _ => check.message.clone(),
            };
            (check.id.clone(), reason)
        }
        None => ("verdict".to_owned(), format!("{:?}", report.verdict)),
    }
}

/// Judges the verified items: the presentation (first) must be valid (its proof verified,
/// with the challenge and domain), and no credential may be invalid. Credentials whose checks
/// could not all run (a status list offline) are received with their report.
fn judge(
    items: Vec<VerifiedItem>,
) -> Result<(VerificationReport, Vec<ReceivedCredential>), ExchangeError> {
    let mut items = items.into_iter();
    let first = items.next().ok_or_else(|| ExchangeError::Unreadable {
        path: crate::verifier::PRESENTATION_NAME.to_owned(),
        reason: "nothing could be decoded".to_owned(),
    })?;
    let presentation = match first.report {
        Ok(report) => report,
        Err(reason) => {
            return Err(ExchangeError::Unreadable {
                path: first.path,
                reason,
            });
        }
    };
    if !matches!(
        presentation.verdict,
        Verdict::Valid | Verdict::ValidWithWarnings
    ) {
        let (check, reason) = deciding(&presentation);
        return Err(ExchangeError::PresentationInvalid { check, reason });
    }
    let mut received = Vec::new();
    let mut seen = BTreeSet::new();
    for verified in items {
        let report = verified
            .report
            .map_err(|reason| ExchangeError::Unreadable {
                path: verified.path.clone(),
                reason,
            })?;
        if report.verdict == Verdict::Invalid {
            let (check, reason) = deciding(&report);
            return Err(ExchangeError::CredentialInvalid {
                path: verified.path,
                check,
                reason,
            });
        }
        let Some(item) = verified.item else {
            continue;
        };
        let bytes = match &item.payload {
            Payload::Json { raw, .. } => raw.to_vec(),
            Payload::Jws { compact, .. } => compact.as_bytes().to_vec(),
            _ => continue,
        };
        if !seen.insert(verified.path.clone()) {
            continue;
        }
        received.push(ReceivedCredential {
            path: verified.path,
            bytes,
            item,
            report,
        });
    }
    Ok((presentation, received))
}

/// Checks the offered credentials in `variables[name]`.
fn check_offered(variables: &Map<String, Value>, name: &str) -> Result<(), ExchangeError> {
    let pointer = format!("/variables/{}", segment(name));
    let Some(value) = variables.get(name) else {
        return Err(invalid(
            pointer,
            format!(
                "the workflow delivers the credentials in variable {name:?}: give them as an array"
            ),
        ));
    };
    let Value::Array(list) = value else {
        return Err(invalid(
            pointer,
            "the credentials to offer must be an array",
        ));
    };
    if list.is_empty() {
        return Err(invalid(
            pointer,
            "there must be at least one credential to offer",
        ));
    }
    if list.len() > MAX_OFFERED_CREDENTIALS {
        return Err(ExchangeError::LimitExceeded {
            what: "number of credentials offered by one exchange",
            found: list.len(),
            limit: MAX_OFFERED_CREDENTIALS,
        });
    }
    for (index, credential) in list.iter().enumerate() {
        let ok = match credential {
            Value::Object(object) => {
                object.contains_key("@context")
                    && crate::query::one_or_many(object.get("type").unwrap_or(&Value::Null))
                        .iter()
                        .any(|t| {
                            t.as_str().is_some_and(|t| {
                                t == "VerifiableCredential" || t == "EnvelopedVerifiableCredential"
                            })
                        })
            }
            Value::String(text) => text.split('.').count() >= 3,
            _ => false,
        };
        if !ok {
            return Err(invalid(
                format!("{pointer}/{index}"),
                "each offered credential must be a credential object (@context, type VerifiableCredential) or a compact JWT",
            ));
        }
    }
    Ok(())
}

/// Checks a workflow configuration's structure and rules.
fn validate_workflow(config: &WorkflowConfig) -> Result<(), ExchangeError> {
    if let Some(id) = &config.id {
        check_name(id, "/id")?;
    }
    if config.steps.is_empty() {
        return Err(invalid("/steps", "a workflow needs at least one step"));
    }
    if config.steps.len() > MAX_STEPS {
        return Err(ExchangeError::LimitExceeded {
            what: "number of workflow steps",
            found: config.steps.len(),
            limit: MAX_STEPS,
        });
    }
    if !config.steps.contains_key(&config.initial_step) {
        return Err(invalid(
            "/initialStep",
            format!("{:?} is not one of the steps", config.initial_step),
        ));
    }
    for (name, step) in &config.steps {
        let at = format!("/steps/{}", segment(name));
        check_name(name, &at)?;
        if let Some(next) = &step.next_step
            && !config.steps.contains_key(next)
        {
            return Err(invalid(
                format!("{at}/nextStep"),
                format!("{next:?} is not one of the steps"),
            ));
        }
        if step.create_challenge == Some(false) {
            return Err(invalid(
                format!("{at}/createChallenge"),
                "every presentation request carries a fresh challenge; createChallenge cannot be false",
            ));
        }
        if let Some(url) = &step.redirect_url
            && !(url.starts_with("https://") || url.starts_with("http://"))
        {
            return Err(invalid(
                format!("{at}/redirectUrl"),
                "redirectUrl must be an http(s) URL",
            ));
        }
        match &step.verifiable_presentation_request {
            Some(request) => {
                query::validate_request(request, &format!("{at}/verifiablePresentationRequest"))?;
                if step.credentials_variable.is_some() || step.verifiable_presentation.is_some() {
                    return Err(invalid(
                        format!("{at}/credentialsVariable"),
                        "a step that requests a presentation delivers nothing; deliver in its nextStep",
                    ));
                }
            }
            None => {
                if step.next_step.is_some() {
                    return Err(invalid(
                        format!("{at}/nextStep"),
                        "a step without a verifiablePresentationRequest delivers and ends the exchange: it must be the last",
                    ));
                }
                if let Some(variable) = &step.credentials_variable
                    && (variable.is_empty() || variable == RESULTS_VARIABLE)
                {
                    return Err(invalid(
                        format!("{at}/credentialsVariable"),
                        "credentialsVariable must name a variable other than results",
                    ));
                }
                if let Some(vp) = &step.verifiable_presentation
                    && !is_presentation(vp)
                {
                    return Err(invalid(
                        format!("{at}/verifiablePresentation"),
                        "verifiablePresentation must be a presentation object (type VerifiablePresentation)",
                    ));
                }
            }
        }
    }
    // From the initial step the chain must end: no step is entered twice.
    let mut seen = BTreeSet::new();
    let mut current = Some(&config.initial_step);
    while let Some(name) = current {
        if !seen.insert(name) {
            return Err(invalid(
                format!("/steps/{}/nextStep", segment(name)),
                "the steps form a cycle; a workflow's steps must end",
            ));
        }
        current = config.steps.get(name).and_then(|s| s.next_step.as_ref());
    }
    Ok(())
}

/// JSON readers that do not need the model crate.
mod json_read {
    use serde_json::Value;

    /// The proof objects of a document (`proof`: one or an array).
    pub fn proofs_of(document: &Value) -> Vec<&Value> {
        match document.get("proof") {
            Some(p @ Value::Object(_)) => vec![p],
            Some(Value::Array(list)) => list.iter().filter(|p| p.is_object()).collect(),
            _ => Vec::new(),
        }
    }

    /// Whether `document`'s `type` includes `VerifiablePresentation`.
    pub fn is_presentation(document: &Value) -> bool {
        match document.get("type") {
            Some(Value::String(t)) => t == "VerifiablePresentation",
            Some(Value::Array(list)) => list.iter().any(|t| t == "VerifiablePresentation"),
            _ => false,
        }
    }
}
