//! [`ExchangeError`]: every way creating or running a workflow or exchange can be refused, each
//! with what an HTTP layer needs for an RFC 9457 problem detail ([`ExchangeError::slug`],
//! [`ExchangeError::status`], and the message as `detail`, naming the rule).

use serde::{Deserialize, Serialize};

/// An error of this crate. Bad input (a workflow config, an exchange request, a presentation)
/// names the field or rule; [`ExchangeError::Storage`] and [`ExchangeError::Random`] are the
/// environment's, and an HTTP layer logs them instead of echoing them.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum ExchangeError {
    /// A workflow configuration or exchange request is malformed or breaks a rule.
    #[error("{pointer}: {rule}")]
    InvalidConfig {
        /// JSON pointer into the request body.
        pointer: String,
        /// What is wrong, and what is expected.
        rule: String,
    },
    /// An input is larger than its limit.
    #[error("{what} is {found}, above the limit of {limit}")]
    LimitExceeded {
        /// Which dimension.
        what: &'static str,
        /// What was sent.
        found: usize,
        /// The limit.
        limit: usize,
    },
    /// No such workflow (or it belongs to another tenant: the answer is the same).
    #[error("no workflow with id {id:?}")]
    WorkflowNotFound {
        /// The id asked for.
        id: String,
    },
    /// A workflow with this id exists already.
    #[error("a workflow with id {id:?} exists already")]
    WorkflowExists {
        /// The id.
        id: String,
    },
    /// No such exchange under this workflow.
    #[error("no exchange with id {id:?} in workflow {workflow:?}")]
    ExchangeNotFound {
        /// The workflow id.
        workflow: String,
        /// The exchange id asked for.
        id: String,
    },
    /// The exchange's `expires` has passed.
    #[error("the exchange expired at {expires}; ask for a new link")]
    Expired {
        /// When it expired (XML Schema dateTimeStamp).
        expires: String,
    },
    /// The exchange has completed: it is single use.
    #[error("the exchange is complete and cannot be used again (exchanges are single use)")]
    AlreadyComplete,
    /// An earlier presentation failed its checks, which ended the exchange.
    #[error("the exchange was ended by an earlier failed presentation: {reason}")]
    ExchangeInvalid {
        /// The failure that ended it.
        reason: String,
    },
    /// Another request changed the exchange at the same time; this one lost.
    #[error("the exchange was changed by a concurrent request; send the message again")]
    Conflict,
    /// The participation message is not one this exchange takes.
    #[error("{pointer}: {rule}")]
    InvalidMessage {
        /// JSON pointer into the message.
        pointer: String,
        /// What is wrong.
        rule: String,
    },
    /// A presentation arrived before the exchange issued a request (POST `{}` first).
    #[error(
        "no presentation request has been issued for step {step:?}; POST {{}} first to get one"
    )]
    NoRequestIssued {
        /// The current step.
        step: String,
    },
    /// The presentation carries no proof, or none for authentication.
    #[error(
        "the presentation is not signed: a proof with proofPurpose \"authentication\" is required (DID Authentication)"
    )]
    Unsigned,
    /// The proof's challenge is not the one this exchange issued.
    #[error(
        "the presentation's proof challenge {found:?} is not the challenge this exchange issued"
    )]
    ChallengeMismatch {
        /// The challenge found in the proof (`None`: none).
        found: Option<String>,
    },
    /// The proof's challenge was already used by an accepted presentation.
    #[error(
        "the presentation's challenge was already used: a presentation is accepted once (replay refused)"
    )]
    ChallengeReplayed,
    /// The proof's domain is not the one this exchange issued.
    #[error(
        "the presentation's proof domain {found:?} is not {expected:?}, the domain this exchange issued"
    )]
    DomainMismatch {
        /// The domain expected.
        expected: String,
        /// The domain found (`None`: none).
        found: Option<String>,
    },
    /// The presentation itself failed verification.
    #[error("the presentation failed verification: {check}: {reason}")]
    PresentationInvalid {
        /// The id of the first failed fatal check (`proof`, `holder.key-binding`, …).
        check: String,
        /// Its reason.
        reason: String,
    },
    /// A credential inside the presentation failed verification.
    #[error("credential {path} in the presentation failed verification: {check}: {reason}")]
    CredentialInvalid {
        /// Where the credential sits (`presentation#/verifiableCredential/0`).
        path: String,
        /// The id of the first failed fatal check.
        check: String,
        /// Its reason.
        reason: String,
    },
    /// Part of the presentation could not be read.
    #[error("{path}: the presentation could not be read: {reason}")]
    Unreadable {
        /// Where.
        path: String,
        /// Why.
        reason: String,
    },
    /// The presentation does not satisfy the request's query.
    #[error("{pointer}: the presentation does not satisfy the request: {rule}")]
    QueryNotSatisfied {
        /// JSON pointer into the presentation request's `query`.
        pointer: String,
        /// The rule not met.
        rule: String,
    },
    /// The QR code could not be made (the URL is too long for a QR code).
    #[error("the link cannot be drawn as a QR code: {reason}")]
    QrCode {
        /// The encoder's reason.
        reason: String,
    },
    /// The storage failed (logged, not echoed).
    #[error("exchange storage: {0}")]
    Storage(#[source] StorageError),
    /// The system's random source failed (logged, not echoed).
    #[error("random source: {0}")]
    Random(String),
}

impl ExchangeError {
    /// The problem type's slug (`urn:credbridge:problem:<slug>` in the server).
    pub fn slug(&self) -> &'static str {
        match self {
            ExchangeError::InvalidConfig { .. } => "invalid-request",
            ExchangeError::LimitExceeded { .. } => "limit-exceeded",
            ExchangeError::WorkflowNotFound { .. } | ExchangeError::ExchangeNotFound { .. } => {
                "not-found"
            }
            ExchangeError::WorkflowExists { .. } => "workflow-exists",
            ExchangeError::Expired { .. } => "exchange-expired",
            ExchangeError::AlreadyComplete => "exchange-complete",
            ExchangeError::ExchangeInvalid { .. } => "exchange-invalid",
            ExchangeError::Conflict => "exchange-conflict",
            ExchangeError::InvalidMessage { .. } => "invalid-exchange-message",
            ExchangeError::NoRequestIssued { .. } => "no-request-issued",
            ExchangeError::Unsigned => "presentation-unsigned",
            ExchangeError::ChallengeMismatch { .. } => "challenge-mismatch",
            ExchangeError::ChallengeReplayed => "challenge-replayed",
            ExchangeError::DomainMismatch { .. } => "domain-mismatch",
            ExchangeError::PresentationInvalid { .. } => "presentation-invalid",
            ExchangeError::CredentialInvalid { .. } => "credential-invalid",
            ExchangeError::Unreadable { .. } => "presentation-unreadable",
            ExchangeError::QueryNotSatisfied { .. } => "query-not-satisfied",
            ExchangeError::QrCode { .. } => "qr-code",
            ExchangeError::Storage(_) | ExchangeError::Random(_) => "internal",
        }
    }

    /// The HTTP status.
    pub fn status(&self) -> u16 {
        match self {
            ExchangeError::InvalidConfig { .. }
            | ExchangeError::InvalidMessage { .. }
            | ExchangeError::NoRequestIssued { .. } => 400,
            ExchangeError::LimitExceeded { .. } => 413,
            ExchangeError::WorkflowNotFound { .. } | ExchangeError::ExchangeNotFound { .. } => 404,
            ExchangeError::WorkflowExists { .. }
            | ExchangeError::AlreadyComplete
            | ExchangeError::ExchangeInvalid { .. }
            | ExchangeError::Conflict
            | ExchangeError::ChallengeReplayed => 409,
            ExchangeError::Expired { .. } => 410,
            ExchangeError::Unsigned
            | ExchangeError::ChallengeMismatch { .. }
            | ExchangeError::DomainMismatch { .. }
            | ExchangeError::PresentationInvalid { .. }
            | ExchangeError::CredentialInvalid { .. }
            | ExchangeError::Unreadable { .. }
            | ExchangeError::QueryNotSatisfied { .. }
            | ExchangeError::QrCode { .. } => 422,
            ExchangeError::Storage(_) | ExchangeError::Random(_) => 500,
        }
    }

    /// Whether this is the environment's fault (log it; answer a generic internal error).
    pub fn is_internal(&self) -> bool {
        matches!(self, ExchangeError::Storage(_) | ExchangeError::Random(_))
    }

    /// The problem detail kept on the exchange as `lastError` (VCALM `GetExchangeResponse`).
    pub fn to_problem(&self) -> Problem {
        Problem {
            problem_type: format!("urn:credbridge:problem:{}", self.slug()),
            status: self.status(),
            detail: if self.is_internal() {
                "internal error".to_owned()
            } else {
                self.to_string()
            },
        }
    }
}

/// An RFC 9457 problem detail as stored on an exchange (`lastError`).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Problem {
    /// `type`: `urn:credbridge:problem:<slug>`.
    #[serde(rename = "type")]
    pub problem_type: String,
    /// The HTTP status.
    pub status: u16,
    /// What went wrong, naming the rule.
    pub detail: String,
}

/// A storage backend's failure, carried as text (the backend's own error types stay in the
/// store crate).
#[derive(Debug, Clone, thiserror::Error)]
#[error("{0}")]
pub struct StorageError(pub String);

impl From<StorageError> for ExchangeError {
    fn from(error: StorageError) -> ExchangeError {
        ExchangeError::Storage(error)
    }
}
