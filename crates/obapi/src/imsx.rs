//! `Imsx_StatusInfo`, the error (and status) body of every API endpoint (OB 3.0 §B.2.7,
//! `ob_v3p0_imsx_statusinfo_schema.json`; CLR 2.0 uses the same class).

use serde_json::{Map, Value, json};

use crate::http::HttpResponse;

/// `imsx_codeMajor`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum CodeMajor {
    /// The request failed.
    Failure,
    /// Accepted, still being processed (202 on PUT /profile).
    Processing,
    /// Done.
    Success,
    /// The request is not supported.
    Unsupported,
}

/// `imsx_severity`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Severity {
    /// An error.
    Error,
    /// A status report.
    Status,
    /// A warning.
    Warning,
}

/// `imsx_codeMinorFieldValue`: the schema's enumeration, verbatim.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum CodeMinor {
    /// `forbidden`: authenticated, but this token may not do this (wrong scope).
    Forbidden,
    /// `fullsuccess`.
    FullSuccess,
    /// `internal_server_error`.
    InternalServerError,
    /// `invalid_data`: the body is not what the endpoint takes.
    InvalidData,
    /// `invalid_query_parameter`: `limit`, `offset` or `since` is malformed.
    InvalidQueryParameter,
    /// `misdirected_request`.
    MisdirectedRequest,
    /// `not_acceptable`.
    NotAcceptable,
    /// `not_allowed`: the method is not allowed on this path.
    NotAllowed,
    /// `not_found`: no such resource (no profile yet, unknown path).
    NotFound,
    /// `not_modified`.
    NotModified,
    /// `server_busy`: try again later (sent with `Retry-After`).
    ServerBusy,
    /// `unauthorizedrequest`: no token, or one that is unknown, expired or revoked.
    UnauthorizedRequest,
    /// `unknown`.
    Unknown,
}

impl CodeMinor {
    /// The spec string.
    #[must_use]
    pub fn as_str(self) -> &'static str {
        match self {
            CodeMinor::Forbidden => "forbidden",
            CodeMinor::FullSuccess => "fullsuccess",
            CodeMinor::InternalServerError => "internal_server_error",
            CodeMinor::InvalidData => "invalid_data",
            CodeMinor::InvalidQueryParameter => "invalid_query_parameter",
            CodeMinor::MisdirectedRequest => "misdirected_request",
            CodeMinor::NotAcceptable => "not_acceptable",
            CodeMinor::NotAllowed => "not_allowed",
            CodeMinor::NotFound => "not_found",
            CodeMinor::NotModified => "not_modified",
            CodeMinor::ServerBusy => "server_busy",
            CodeMinor::UnauthorizedRequest => "unauthorizedrequest",
            CodeMinor::Unknown => "unknown",
        }
    }
}

/// Who produced the code minor report (`imsx_codeMinorFieldName`).
const FIELD_NAME: &str = "credbridge";

/// One `Imsx_StatusInfo` body.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StatusInfo {
    /// `imsx_codeMajor`.
    pub code_major: CodeMajor,
    /// `imsx_severity`.
    pub severity: Severity,
    /// `imsx_description`: what went wrong, for a person.
    pub description: Option<String>,
    /// `imsx_codeMinor`.
    pub code_minor: Option<CodeMinor>,
}

impl StatusInfo {
    /// A failure with `code_minor` and `description`.
    #[must_use]
    pub fn failure(code_minor: CodeMinor, description: impl Into<String>) -> StatusInfo {
        StatusInfo {
            code_major: CodeMajor::Failure,
            severity: Severity::Error,
            description: Some(description.into()),
            code_minor: Some(code_minor),
        }
    }

    /// The JSON body.
    #[must_use]
    pub fn to_json(&self) -> Value {
        let mut body = Map::new();
        body.insert(
            "imsx_codeMajor".into(),
            match self.code_major {
                CodeMajor::Failure => "failure",
                CodeMajor::Processing => "processing",
                CodeMajor::Success => "success",
                CodeMajor::Unsupported => "unsupported",
            }
            .into(),
        );
        body.insert(
            "imsx_severity".into(),
            match self.severity {
                Severity::Error => "error",
                Severity::Status => "status",
                Severity::Warning => "warning",
            }
            .into(),
        );
        if let Some(description) = &self.description {
            body.insert("imsx_description".into(), description.clone().into());
        }
        if let Some(minor) = self.code_minor {
            body.insert(
                "imsx_codeMinor".into(),
                json!({"imsx_codeMinorField": [{
                    "imsx_codeMinorFieldName": FIELD_NAME,
                    "imsx_codeMinorFieldValue": minor.as_str(),
                }]}),
            );
        }
        Value::Object(body)
    }

    /// A response with `status` and this body.
    #[must_use]
    pub fn respond(&self, status: u16) -> HttpResponse {
        HttpResponse::json(status, &self.to_json())
    }
}

/// A failure response: `status`, `code_minor` and `description`.
pub(crate) fn failure(status: u16, code_minor: CodeMinor, description: &str) -> HttpResponse {
    StatusInfo::failure(code_minor, description).respond(status)
}
