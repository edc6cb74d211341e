//! `credbridge inspect`: decode every credential found under the given paths and summarize it.
//!
//! Items are printed as they are decoded (never collected), so a folder of any size runs in
//! constant memory; with `--json` each item is one JSON line.

use std::io::{BufWriter, Write};

use anyhow::Result;
use credbridge_formats::{Item, Limits, Payload};
use credbridge_model::{Document, SchemaReport};
use serde_json::{Value, json};

use crate::args::InspectArgs;
use crate::cmd::input::{items, progress_bar};
use crate::exit::Status;
use crate::output::clean;

pub fn run(args: &InspectArgs, as_json: bool) -> Result<Status> {
    let limits = Limits::default();
    let progress = progress_bar(
        args.no_progress,
        "{spinner} {pos} items decoded ({per_sec})",
    );
    let stdout = std::io::stdout();
    let mut out = BufWriter::new(stdout.lock());
    let mut status = Status::Ok;
    let mut counts = Counts::default();

    for path in &args.paths {
        for result in items(path, &limits)? {
            progress.inc(1);
            let item_status = match result {
                Ok(item) => {
                    let inspected = inspect_item(&item);
                    if as_json {
                        writeln!(out, "{}", inspected.to_json())?;
                    } else {
                        inspected.write_human(&mut out)?;
                    }
                    inspected.status()
                }
                Err(err) => {
                    if as_json {
                        let line = json!({
                            "item": err.path().map(|p| p.to_string()),
                            "error": err.to_string(),
                        });
                        writeln!(out, "{line}")?;
                    } else {
                        writeln!(out, "✗ {}\n", clean(&err.to_string()))?;
                    }
                    Status::InputError
                }
            };
            counts.add(item_status);
            status = status.worst(item_status);
        }
    }
    out.flush()?;
    progress.finish_and_clear();
    if !as_json && counts.total() > 1 {
        eprintln!("{counts}");
    }
    Ok(status)
}

/// What inspecting one decoded item found.
struct Inspected<'a> {
    item: &'a Item,
    view: View,
}

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
        format: credbridge_formats::UnsupportedFormat,
        detail: String,
    },
    /// The JSON could not be read as any credential model.
    Unreadable { error: String },
}

fn inspect_item(item: &Item) -> Inspected<'_> {
    let parsed = match &item.payload {
        Payload::Json { value, .. } => Some(credbridge_model::parse(value)),
        Payload::Jws {
            credential: Some(credential),
            claims,
            ..
        } => Some(credbridge_model::parse_jwt(credential, claims)),
        Payload::Jws { claims, .. } => {
            return Inspected {
                item,
                view: View::OpaqueJws {
                    claims: claims.clone(),
                },
            };
        }
        Payload::Url { url } => {
            return Inspected {
                item,
                view: View::HostedReference { url: url.clone() },
            };
        }
        Payload::Unsupported { format, detail } => {
            let (format, detail) = (*format, detail.clone());
            return Inspected {
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
    Inspected { item, view }
}

fn document_view(doc: &Document) -> View {
    View::Document {
        summary: Box::new(credbridge_model::summarize(doc)),
        schema: credbridge_model::schema_findings(doc),
    }
}

impl Inspected<'_> {
    fn status(&self) -> Status {
        match &self.view {
            View::Document { schema, .. } if schema.verdict == credbridge_model::Verdict::Fail => {
                Status::CheckFailed
            }
            View::Unreadable { .. } => Status::InputError,
            View::Unsupported { .. } => Status::Indeterminate,
            _ => Status::Ok,
        }
    }

    fn containers(&self) -> Vec<String> {
        self.item.containers.iter().map(|c| c.to_string()).collect()
    }

    fn to_json(&self) -> Value {
        let mut line = json!({
            "item": self.item.path.to_string(),
            "containers": self.containers(),
            "payload": self.item.payload.kind_name(),
        });
        if let Payload::Jws { kind, header, .. } = &self.item.payload {
            line["jws"] = json!({ "kind": kind.to_string(), "header": header });
        }
        match &self.view {
            View::Document { summary, schema } => {
                line["summary"] = serde_json::to_value(summary).unwrap_or(Value::Null);
                line["schema"] = serde_json::to_value(schema).unwrap_or(Value::Null);
            }
            View::HostedReference { url } => line["hosted_assertion_url"] = json!(url),
            View::OpaqueJws { claims } => line["claims"] = claims.clone(),
            View::Unsupported { format, detail } => {
                line["unsupported"] = json!({
                    "format": format.machine_name(),
                    "name": format.display_name(),
                    "media_type": format.media_type(),
                    "detail": detail,
                });
            }
            View::Unreadable { error } => line["error"] = json!(error),
        }
        line
    }

    fn write_human(&self, out: &mut impl Write) -> std::io::Result<()> {
        writeln!(out, "── {}", clean(&self.item.path.to_string()))?;
        let containers = self.containers().join(" → ");
        writeln!(out, "   carried as: {}", clean(&containers))?;
        if let Payload::Jws { kind, header, .. } = &self.item.payload {
            let alg = header.get("alg").and_then(Value::as_str).unwrap_or("?");
            writeln!(
                out,
                "   {kind}, alg {} (signature not checked by inspect)",
                clean(alg)
            )?;
        }
        match &self.view {
            View::Document { summary, schema } => {
                // Line breaks are the summary's own layout; what is inside a line is the
                // credential's text.
                for line in summary.to_string().lines() {
                    writeln!(out, "   {}", clean(line))?;
                }
                for line in schema.to_string().lines() {
                    writeln!(out, "   {}", clean(line))?;
                }
            }
            View::HostedReference { url } => writeln!(
                out,
                "   a hosted assertion reference: {}\n   (inspect does not fetch it; `credbridge verify` does)",
                clean(url)
            )?,
            View::OpaqueJws { claims } => writeln!(
                out,
                "   a JWS that carries no credential; claims: {}",
                clean(&claims.to_string())
            )?,
            View::Unsupported { format, detail } => writeln!(
                out,
                "   ? an {format} ({}): recognised, but not supported yet",
                clean(detail)
            )?,
            View::Unreadable { error } => writeln!(out, "   ✗ {}", clean(&error.to_string()))?,
        }
        writeln!(out)
    }
}

#[derive(Default)]
struct Counts {
    ok: u64,
    schema_failed: u64,
    unreadable: u64,
}

impl Counts {
    fn add(&mut self, status: Status) {
        match status {
            Status::Ok | Status::Indeterminate => self.ok += 1,
            Status::CheckFailed => self.schema_failed += 1,
            Status::InputError => self.unreadable += 1,
        }
    }

    fn total(&self) -> u64 {
        self.ok + self.schema_failed + self.unreadable
    }
}

impl std::fmt::Display for Counts {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(
            f,
            "{} items: {} read cleanly, {} with schema findings, {} unreadable",
            self.total(),
            self.ok,
            self.schema_failed,
            self.unreadable
        )
    }
}
