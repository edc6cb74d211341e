//! What `credbridge inspect` says about one decoded item, without verifying it: the format,
//! a summary of what the credential states, and its 1EdTech schema findings, as a JSON line
//! (described by `docs/inspect-report.schema.json`) and in words.
//!
//! Nothing here checks a signature or fetches anything: a baked URL is reported as a hosted
//! reference, a JWS's header is shown as found.

use std::fmt;

use credbridge_formats::{Item, Payload, UnsupportedFormat};
use credbridge_model::{Document, SchemaReport, SchemaVerdict};
use serde_json::{Value, json};

/// The version tag written into every `inspect --json` line; bump on incompatible changes.
pub const INSPECT_VERSION: &str = "credbridge/inspect-report/v1";

/// What inspecting one decoded item found.
#[derive(Debug)]
pub struct Inspection<'a> {
    item: &'a Item,
    view: View,
}

#[derive(Debug)]
enum View {
    /// A credential-shaped document with its summary and schema findings.
    Document {
        summary: Box<credbridge_model::Summary>,
        schema: SchemaReport,
    },
    /// A URL baked into an image: a hosted assertion, not fetched by `inspect`.
    HostedReference { url: String },
    /// A JWS whose payload is not a credential.
    OpaqueJws { claims: Value },
    /// A credential in a format recognised but not supported yet (SD-JWT, COSE).
    Unsupported {
        format: UnsupportedFormat,
        detail: String,
    },
    /// The JSON could not be read as any credential model.
    Unreadable { error: String },
}

/// How an inspected item stands, for the exit code.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum InspectOutcome {
    /// Read; no schema failure.
    Read,
    /// Read, and its 1EdTech schema check failed.
    SchemaFailed,
    /// Recognised, in a format not supported yet.
    Unsupported,
    /// Not readable as a credential.
    Unreadable,
}

/// Inspects one decoded item.
#[must_use]
pub fn inspect(item: &Item) -> Inspection<'_> {
    let parsed = match &item.payload {
        Payload::Json { value, .. } => Some(credbridge_model::parse(value)),
        Payload::Jws {
            credential: Some(credential),
            claims,
            ..
        } => Some(credbridge_model::parse_jwt(credential, claims)),
        Payload::Jws { claims, .. } => {
            let claims = claims.clone();
            return Inspection {
                item,
                view: View::OpaqueJws { claims },
            };
        }
        Payload::Url { url } => {
            let url = url.clone();
            return Inspection {
                item,
                view: View::HostedReference { url },
            };
        }
        Payload::Unsupported { format, detail } => {
            let (format, detail) = (*format, detail.clone());
            return Inspection {
                item,
                view: View::Unsupported { format, detail },
            };
        }
        _ => None,
    };
    let view = match parsed {
        Some(Ok(doc)) => document_view(&doc),
        Some(Err(err)) => View::Unreadable {
            error: err.to_string(),
        },
        None => View::Unreadable {
            error: "payload kind not understood by this version of credbridge".to_owned(),
        },
    };
    Inspection { item, view }
}

/// The JSON line for an input that could not be decoded at all.
#[must_use]
pub fn inspect_error_json(item: Option<String>, error: &str) -> Value {
    json!({
        "report_version": INSPECT_VERSION,
        "item": item,
        "error": error,
    })
}

fn document_view(doc: &Document) -> View {
    View::Document {
        summary: Box::new(credbridge_model::summarize(doc)),
        schema: credbridge_model::schema_findings(doc),
    }
}

impl Inspection<'_> {
    /// How the item stands.
    #[must_use]
    pub fn outcome(&self) -> InspectOutcome {
        match &self.view {
            View::Document { schema, .. } if schema.verdict == SchemaVerdict::Fail => {
                InspectOutcome::SchemaFailed
            }
            View::Unreadable { .. } => InspectOutcome::Unreadable,
            View::Unsupported { .. } => InspectOutcome::Unsupported,
            _ => InspectOutcome::Read,
        }
    }

    fn containers(&self) -> Vec<String> {
        self.item
            .containers
            .iter()
            .map(ToString::to_string)
            .collect()
    }

    /// The `inspect --json` line.
    #[must_use]
    pub fn to_json(&self) -> Value {
        let mut line = serde_json::Map::new();
        line.insert("report_version".into(), json!(INSPECT_VERSION));
        line.insert("item".into(), json!(self.item.path.to_string()));
        line.insert("containers".into(), json!(self.containers()));
        line.insert("payload".into(), json!(self.item.payload.kind_name()));
        if let Payload::Jws { kind, header, .. } = &self.item.payload {
            line.insert(
                "jws".into(),
                json!({ "kind": kind.to_string(), "header": header }),
            );
        }
        match &self.view {
            View::Document { summary, schema } => {
                let summary = serde_json::to_value(summary).unwrap_or(Value::Null);
                let schema = serde_json::to_value(schema).unwrap_or(Value::Null);
                line.insert("summary".into(), summary);
                line.insert("schema".into(), schema);
            }
            View::HostedReference { url } => {
                line.insert("hosted_assertion_url".into(), json!(url));
            }
            View::OpaqueJws { claims } => {
                line.insert("claims".into(), claims.clone());
            }
            View::Unsupported { format, detail } => {
                let unsupported = json!({
                    "format": format.machine_name(),
                    "name": format.display_name(),
                    "media_type": format.media_type(),
                    "detail": detail,
                });
                line.insert("unsupported".into(), unsupported);
            }
            View::Unreadable { error } => {
                line.insert("error".into(), json!(error));
            }
        }
        Value::Object(line)
    }
}

/// In words, one line per fact. Text that comes from the credential is printed as it is: a
/// terminal front end escapes it.
impl fmt::Display for Inspection<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        writeln!(f, "── {}", self.item.path)?;
        writeln!(f, "   carried as: {}", self.containers().join(" → "))?;
        if let Payload::Jws { kind, header, .. } = &self.item.payload {
            let alg = header.get("alg").and_then(Value::as_str).unwrap_or("?");
            writeln!(f, "   {kind}, alg {alg} (signature not checked by inspect)")?;
        }
        match &self.view {
            View::Document { summary, schema } => {
                for line in summary.to_string().lines() {
                    writeln!(f, "   {line}")?;
                }
                for line in schema.to_string().lines() {
                    writeln!(f, "   {line}")?;
                }
            }
            View::HostedReference { url } => writeln!(
                f,
                "   a hosted assertion reference: {url}\n   (inspect does not fetch it; `credbridge verify` does)"
            )?,
            View::OpaqueJws { claims } => {
                writeln!(f, "   a JWS that carries no credential; claims: {claims}")?;
            }
            View::Unsupported { format, detail } => {
                writeln!(
                    f,
                    "   ? an {format} ({detail}): recognised, but not supported yet"
                )?;
            }
            View::Unreadable { error } => writeln!(f, "   ✗ {error}")?,
        }
        Ok(())
    }
}
