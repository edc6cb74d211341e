//! Workflows and exchanges as values: the workflow configuration a coordinator posts
//! ([`WorkflowConfig`], VCALM `CreateWorkflowRequest`), the stored [`Workflow`], and the
//! [`Exchange`] with its [`ExchangeState`]. Everything here serializes, so a store can keep
//! each record as one JSON column beside its keys.

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};
use serde_json::{Map, Value, json};

use crate::error::Problem;

/// One workflow step (VCALM `StepData`, without templates, issue requests or OpenID).
///
/// A step either asks the wallet for a presentation (`verifiablePresentationRequest`) or
/// delivers (`verifiablePresentation`, and/or the credentials in the exchange variable named by
/// `credentialsVariable`). A delivering step is the last one.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct Step {
    /// VCALM `createChallenge`. Every request this crate sends carries a fresh challenge, so
    /// only `true` (or leaving it out) is accepted.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub create_challenge: Option<bool>,
    /// The Verifiable Presentation Request to send (its `challenge` is made per exchange; its
    /// `domain`, when absent, is the service's).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub verifiable_presentation_request: Option<Value>,
    /// A presentation to deliver as it is (credentials from `credentialsVariable` are added).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub verifiable_presentation: Option<Value>,
    /// credbridge extension: the name of the exchange variable holding the credentials to
    /// deliver (an array), so that one workflow hands each learner their own credentials.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub credentials_variable: Option<String>,
    /// Where to send the wallet's user afterwards.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub redirect_url: Option<String>,
    /// The step that follows.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub next_step: Option<String>,
}

impl Step {
    /// Whether this step asks the wallet for a presentation.
    pub fn requests_presentation(&self) -> bool {
        self.verifiable_presentation_request.is_some()
    }
}

/// A workflow configuration (VCALM `CreateWorkflowRequest` / `GetWorkflowResponse`).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct WorkflowConfig {
    /// The workflow's local id (made when absent).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub id: Option<String>,
    /// The step an exchange starts on.
    pub initial_step: String,
    /// The root controller (kept, not interpreted).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub controller: Option<String>,
    /// The steps by name.
    pub steps: BTreeMap<String, Step>,
}

/// A stored workflow.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Workflow {
    /// The local id (a URL path segment).
    pub id: String,
    /// The tenant that owns it: only its coordinators see it and make exchanges under it.
    pub tenant: String,
    /// The configuration, with `id` set.
    pub config: WorkflowConfig,
    /// Unix seconds.
    pub created_at: i64,
}

impl Workflow {
    /// The VCALM `GetWorkflowResponse` body.
    pub fn to_json(&self) -> Value {
        serde_json::to_value(&self.config).unwrap_or(Value::Null)
    }

    /// The step named `name`.
    pub fn step(&self, name: &str) -> Option<&Step> {
        self.config.steps.get(name)
    }
}

/// Where an exchange is (VCALM `state`, plus `expired`).
///
/// `pending` → (first message) `active` → `complete` | `invalid`; any state but `complete`
/// and `invalid` reads as `expired` once `expires` has passed.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum ExchangeState {
    /// Created; no wallet has written yet.
    Pending,
    /// A wallet has started it (a request was sent).
    Active,
    /// Done: the wallet's presentation was accepted and/or the credentials delivered.
    Complete,
    /// Ended by a presentation that failed its checks.
    Invalid,
    /// `expires` passed before it completed.
    Expired,
}

impl ExchangeState {
    /// The word used in JSON.
    pub fn as_str(self) -> &'static str {
        match self {
            ExchangeState::Pending => "pending",
            ExchangeState::Active => "active",
            ExchangeState::Complete => "complete",
            ExchangeState::Invalid => "invalid",
            ExchangeState::Expired => "expired",
        }
    }
}

/// A stored exchange.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Exchange {
    /// The local id: an unguessable capability (the link is the only authorization a wallet
    /// needs, VCALM §Workflows and Exchanges).
    pub id: String,
    /// The workflow's local id.
    pub workflow_id: String,
    /// The owning tenant (the workflow's).
    pub tenant: String,
    /// Incremented by every change; stores update with compare-and-swap on it.
    pub sequence: u64,
    /// As stored (see [`Exchange::state_at`] for the state at a time).
    pub state: ExchangeState,
    /// The current step's name.
    pub step: String,
    /// Unix seconds.
    pub created_at: i64,
    /// Unix seconds.
    pub expires_at: i64,
    /// The coordinator's variables, plus `results` (per step, what the wallet sent).
    pub variables: Map<String, Value>,
    /// The challenge issued for the current step, when a request was sent.
    pub challenge: Option<String>,
    /// The domain issued with it.
    pub domain: Option<String>,
    /// The last refusal, as a problem detail.
    pub last_error: Option<Problem>,
}

impl Exchange {
    /// The state at `now`: `expired` once `expires_at` has passed, unless complete or invalid.
    pub fn state_at(&self, now: i64) -> ExchangeState {
        match self.state {
            ExchangeState::Complete | ExchangeState::Invalid => self.state,
            _ if now >= self.expires_at => ExchangeState::Expired,
            state => state,
        }
    }

    /// The VCALM `GetExchangeResponse` body at `now` (for the coordinator; it holds the
    /// results).
    pub fn to_json(&self, now: i64) -> Value {
        let mut body = json!({
            "id": self.id,
            "sequence": self.sequence,
            "expires": credbridge_proofs::format_datetime(self.expires_at),
            "step": self.step,
            "state": self.state_at(now).as_str(),
            "variables": self.variables,
        });
        if let (Some(error), Some(object)) = (&self.last_error, body.as_object_mut()) {
            object.insert(
                "lastError".into(),
                serde_json::to_value(error).unwrap_or(Value::Null),
            );
        }
        body
    }

    /// What the wallet sent in `step` (`variables.results[step]`).
    pub fn result(&self, step: &str) -> Option<&Value> {
        self.variables.get("results")?.get(step)
    }
}
