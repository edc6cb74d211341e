//! JSON Schema findings against the bundled 1EdTech schemas (OB 3.0 and CLR 2.0, Draft 2019-09).
//!
//! Which schema: by format, as `examples/expectations.json` does (`json_schema_check_here`):
//! an OB 3.0 credential → `ob_v3p0_achievementcredential`, an endorsement →
//! `ob_v3p0_endorsementcredential`, a CLR → `clr_v2p0_clrcredential`, whatever its VCDM version.
//!
//! VCDM 1.1: the published schemas describe VCDM 2.0 credentials (`validFrom` required, the VCDM
//! 2.0 context first), so every VCDM 1.1 credential FAILs them — which is what the reference check
//! in `expectations.json` records for all 53 VCDM 1.1 files. 1EdTech mentions VCDM-1.1 "any"
//! schemas (`ob_v3p0_anyachievementcredential_schema.json`, OB 3.0 implementation guide
//! §"Verifiable Credentials v1.1"), but they are not published anywhere we could bundle from, so
//! we report the failure as it is and add a [`SchemaReport::note`] saying why.
//!
//! `format` is an annotation in Draft 2019-09 (§7.2.1) and is not asserted, like the reference
//! check. Errors are reported the way Python `jsonschema`'s `iter_errors` does (the reference):
//! one finding per failing keyword, descending through `$ref`, `allOf` and `properties`, but not
//! into the branches of `oneOf`/`anyOf`, whose likeliest causes are added to the message.

use std::fmt;
use std::sync::OnceLock;

use boon::{Compiler, ErrorKind, SchemaIndex, Schemas, UrlLoader, ValidationError};
use serde::Serialize;
use serde_json::Value;

use crate::classify::{Classification, Format, VcdmVersion};
use crate::document::Document;
use crate::error::ModelError;

/// A bundled 1EdTech JSON Schema.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize)]
#[serde(rename_all = "snake_case")]
#[non_exhaustive]
pub enum SchemaName {
    /// `ob_v3p0_achievementcredential_schema.json`.
    #[serde(rename = "ob_v3p0_achievementcredential")]
    Ob3AchievementCredential,
    /// `ob_v3p0_endorsementcredential_schema.json`.
    #[serde(rename = "ob_v3p0_endorsementcredential")]
    Ob3EndorsementCredential,
    /// `ob_v3p0_profile_schema.json`.
    #[serde(rename = "ob_v3p0_profile")]
    Ob3Profile,
    /// `clr_v2p0_clrcredential_schema.json`.
    #[serde(rename = "clr_v2p0_clrcredential")]
    Clr2ClrCredential,
    /// `clr_v2p0_profile_schema.json`.
    #[serde(rename = "clr_v2p0_profile")]
    Clr2Profile,
}

impl SchemaName {
    /// Every bundled schema.
    pub const ALL: [SchemaName; 5] = [
        SchemaName::Ob3AchievementCredential,
        SchemaName::Ob3EndorsementCredential,
        SchemaName::Ob3Profile,
        SchemaName::Clr2ClrCredential,
        SchemaName::Clr2Profile,
    ];

    /// The name used in `expectations.json` and reports, e.g. `ob_v3p0_achievementcredential`.
    pub fn as_str(self) -> &'static str {
        match self {
            SchemaName::Ob3AchievementCredential => "ob_v3p0_achievementcredential",
            SchemaName::Ob3EndorsementCredential => "ob_v3p0_endorsementcredential",
            SchemaName::Ob3Profile => "ob_v3p0_profile",
            SchemaName::Clr2ClrCredential => "clr_v2p0_clrcredential",
            SchemaName::Clr2Profile => "clr_v2p0_profile",
        }
    }

    fn source(self) -> &'static str {
        match self {
            SchemaName::Ob3AchievementCredential => {
                include_str!("../schemas/ob_v3p0/ob_v3p0_achievementcredential_schema.json")
            }
            SchemaName::Ob3EndorsementCredential => {
                include_str!("../schemas/ob_v3p0/ob_v3p0_endorsementcredential_schema.json")
            }
            SchemaName::Ob3Profile => {
                include_str!("../schemas/ob_v3p0/ob_v3p0_profile_schema.json")
            }
            SchemaName::Clr2ClrCredential => {
                include_str!("../schemas/clr_v2p0/clr_v2p0_clrcredential_schema.json")
            }
            SchemaName::Clr2Profile => {
                include_str!("../schemas/clr_v2p0/clr_v2p0_profile_schema.json")
            }
        }
    }

    fn slot(self) -> usize {
        match self {
            SchemaName::Ob3AchievementCredential => 0,
            SchemaName::Ob3EndorsementCredential => 1,
            SchemaName::Ob3Profile => 2,
            SchemaName::Clr2ClrCredential => 3,
            SchemaName::Clr2Profile => 4,
        }
    }
}

impl fmt::Display for SchemaName {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// The outcome of a schema check.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum SchemaVerdict {
    /// The document is valid against the schema.
    Pass,
    /// The document violates the schema; see the findings.
    Fail,
    /// No bundled schema applies to this format (or the schema is unusable, see the note).
    NotApplicable,
}

/// One schema violation.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct SchemaFinding {
    /// RFC 6901 pointer into the document (empty for the root).
    pub instance_pointer: String,
    /// Pointer into the schema of the failing keyword, e.g.
    /// `#/$defs/AchievementSubject/required`.
    pub schema_pointer: String,
    /// What is wrong.
    pub message: String,
}

impl fmt::Display for SchemaFinding {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let at = if self.instance_pointer.is_empty() {
            "(root)"
        } else {
            &self.instance_pointer
        };
        write!(f, "{at}: {} [{}]", self.message, self.schema_pointer)
    }
}

/// The result of [`schema_findings`].
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct SchemaReport {
    /// The schema applied, if any.
    pub schema: Option<SchemaName>,
    /// The verdict.
    pub verdict: SchemaVerdict,
    /// The violations (empty unless `verdict` is `Fail`).
    pub findings: Vec<SchemaFinding>,
    /// Context for reading the verdict (e.g. why VCDM 1.1 credentials fail).
    pub note: Option<&'static str>,
}

impl fmt::Display for SchemaReport {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match (self.schema, self.verdict) {
            (Some(schema), SchemaVerdict::Pass) => write!(f, "schema {schema}: pass")?,
            (Some(schema), SchemaVerdict::Fail) => write!(
                f,
                "schema {schema}: fail ({} findings)",
                self.findings.len()
            )?,
            _ => write!(f, "schema: not applicable")?,
        }
        for finding in &self.findings {
            write!(f, "\n  {finding}")?;
        }
        if let Some(note) = self.note {
            write!(f, "\n  note: {note}")?;
        }
        Ok(())
    }
}

const VCDM_1_1_NOTE: &str = "the 1EdTech schemas describe VCDM 2.0 credentials (validFrom, the VCDM 2.0 context first); a VCDM 1.1 credential fails them by design";

/// The most causes quoted for a failed `oneOf`/`anyOf`.
const MAX_CAUSES_QUOTED: usize = 3;

/// The longest quoted cause, in characters (enumerations of 30 values are cut).
const MAX_CAUSE_CHARS: usize = 160;

fn shorten(text: &str, max_chars: usize) -> String {
    match text.char_indices().nth(max_chars) {
        Some((cut, _)) => format!("{}…", text.get(..cut).unwrap_or(text)),
        None => text.to_owned(),
    }
}

/// Checks a document against the schema for its format (see the module doc).
pub fn schema_findings(doc: &Document) -> SchemaReport {
    findings_for(doc.json(), &doc.classification)
}

/// [`schema_findings`] for a credential that is only JSON (with its [`classify`] result): the
/// bulk verification path, which needs the findings but not the typed view, and so skips
/// copying and deserializing the whole credential.
///
/// # Errors
/// As [`crate::parse`] before typing: the value is not an object or is nested too deep.
///
/// [`classify`]: crate::classify()
pub fn schema_findings_of(
    value: &Value,
    classification: &Classification,
) -> Result<SchemaReport, ModelError> {
    crate::document::check_shape(value)?;
    Ok(findings_for(value, classification))
}

/// The bundled schema a document of this classification is checked against, if any.
#[must_use]
pub fn schema_for(classification: &Classification) -> Option<SchemaName> {
    match classification.format {
        Format::OpenBadges3 => Some(SchemaName::Ob3AchievementCredential),
        Format::Endorsement3 => Some(SchemaName::Ob3EndorsementCredential),
        Format::Clr2 => Some(SchemaName::Clr2ClrCredential),
        _ => None,
    }
}

/// Whether `schema` is compiled already in this process (so a check against it costs only
/// the validation).
#[must_use]
pub fn is_compiled(schema: SchemaName) -> bool {
    COMPILED
        .get(schema.slot())
        .is_some_and(|slot| slot.get().is_some())
}

/// Compiles `schema` now if it is not compiled yet (a few milliseconds for the large OB 3.0
/// and CLR schemas), so that a caller with a spare thread can do it while other work runs;
/// a check that needs it meanwhile waits for this compilation rather than starting another.
pub fn prepare(schema: SchemaName) {
    let _ = compiled(schema);
}

fn findings_for(value: &Value, classification: &Classification) -> SchemaReport {
    let schema = match schema_for(classification) {
        Some(schema) => schema,
        None => {
            return SchemaReport {
                schema: None,
                verdict: SchemaVerdict::NotApplicable,
                findings: Vec::new(),
                note: None,
            };
        }
    };
    let mut report = validate(schema, value);
    if classification.vcdm == Some(VcdmVersion::V1_1) && report.verdict == SchemaVerdict::Fail {
        report.note = Some(VCDM_1_1_NOTE);
    }
    report
}

/// Checks any JSON value against a bundled schema (e.g. a profile against `ob_v3p0_profile`).
pub fn validate(schema: SchemaName, value: &Value) -> SchemaReport {
    let compiled = match compiled(schema) {
        Ok(compiled) => compiled,
        Err(note) => {
            return SchemaReport {
                schema: Some(schema),
                verdict: SchemaVerdict::NotApplicable,
                findings: Vec::new(),
                note: Some(note),
            };
        }
    };
    let findings = match compiled.schemas.validate(value, compiled.index) {
        Ok(()) => Vec::new(),
        Err(error) => {
            let mut findings = Vec::new();
            collect_findings(&error, &mut findings);
            findings
        }
    };
    SchemaReport {
        schema: Some(schema),
        verdict: if findings.is_empty() {
            SchemaVerdict::Pass
        } else {
            SchemaVerdict::Fail
        },
        findings,
        note: None,
    }
}

struct Compiled {
    schemas: Schemas,
    index: SchemaIndex,
}

/// One slot per [`SchemaName`], compiled on first use and shared (read-only) afterwards.
static COMPILED: [OnceLock<Result<Compiled, &'static str>>; SchemaName::ALL.len()] =
    [const { OnceLock::new() }; SchemaName::ALL.len()];

fn compiled(schema: SchemaName) -> Result<&'static Compiled, &'static str> {
    let slot = COMPILED
        .get(schema.slot())
        .ok_or("internal error: schema slot out of range (please file a bug)")?;
    slot.get_or_init(|| compile(schema))
        .as_ref()
        .map_err(|e| *e)
}

/// Refuses every URL: the bundled schemas reference only their own `$defs`, and a library must
/// not read files or the network behind its caller's back.
struct NoLoader;

impl UrlLoader for NoLoader {
    fn load(&self, url: &str) -> Result<Value, Box<dyn std::error::Error>> {
        Err(format!("{url}: only bundled schemas are available").into())
    }
}

fn compile(schema: SchemaName) -> Result<Compiled, &'static str> {
    const BROKEN: &str = "the bundled schema does not compile (a build defect: please file a bug)";
    let json: Value = serde_json::from_str(schema.source()).map_err(|_| BROKEN)?;
    let url = format!("urn:credbridge:schema:{}", schema.as_str());
    let mut compiler = Compiler::new();
    compiler.use_loader(Box::new(NoLoader));
    compiler.set_default_draft(boon::Draft::V2019_09);
    compiler.add_resource(&url, json).map_err(|_| BROKEN)?;
    let mut schemas = Schemas::new();
    let index = compiler.compile(&url, &mut schemas).map_err(|_| BROKEN)?;
    Ok(Compiled { schemas, index })
}

/// Keywords that only group the errors of their subschemas: descended into, as Python
/// `jsonschema` descends through `$ref`, `allOf` and `properties`.
fn is_transparent(kind: &ErrorKind<'_, '_>) -> bool {
    matches!(
        kind,
        ErrorKind::Group
            | ErrorKind::Schema { .. }
            | ErrorKind::Reference { .. }
            | ErrorKind::AllOf
    )
}

fn collect_findings(error: &ValidationError<'_, '_>, out: &mut Vec<SchemaFinding>) {
    if is_transparent(&error.kind) && !error.causes.is_empty() {
        for cause in &error.causes {
            collect_findings(cause, out);
        }
        return;
    }
    let mut message = error.kind.to_string();
    if matches!(error.kind, ErrorKind::OneOf(_) | ErrorKind::AnyOf) {
        let own_depth = error.instance_location.tokens.len();
        let mut leaves = Vec::new();
        collect_leaves(error, &mut leaves);
        // `propertyNames` errors locate the name as a root instance: not a place to point at.
        leaves.retain(|leaf| leaf.instance_location.tokens.len() >= own_depth);
        // The branches that failed on the value's JSON type are the ones not meant; a leaf of
        // another kind (a missing property, a wrong constant) in the branch that matched the
        // shape says what to fix, and the deepest is the most precise.
        let meant: Vec<_> = leaves
            .iter()
            .filter(|leaf| !matches!(leaf.kind, ErrorKind::Type { .. }))
            .collect();
        let mut quoted = if meant.is_empty() {
            leaves.iter().collect()
        } else {
            meant
        };
        quoted.sort_by_key(|leaf| std::cmp::Reverse(leaf.instance_location.tokens.len()));
        let quoted: Vec<String> = quoted
            .iter()
            .take(MAX_CAUSES_QUOTED)
            .map(|leaf| {
                let cause = format!(
                    "{}: {}",
                    pointer_or_root(&leaf.instance_location),
                    leaf.kind
                );
                shorten(&cause, MAX_CAUSE_CHARS)
            })
            .collect();
        if !quoted.is_empty() {
            message = format!("{message}; likely causes: {}", quoted.join("; "));
        }
    }
    out.push(SchemaFinding {
        instance_pointer: error.instance_location.to_string(),
        schema_pointer: schema_pointer(error),
        message,
    });
}

fn collect_leaves<'e, 's, 'v>(
    error: &'e ValidationError<'s, 'v>,
    out: &mut Vec<&'e ValidationError<'s, 'v>>,
) {
    if error.causes.is_empty() {
        out.push(error);
    }
    for cause in &error.causes {
        collect_leaves(cause, out);
    }
}

fn pointer_or_root(location: &boon::InstanceLocation<'_>) -> String {
    let pointer = location.to_string();
    if pointer.is_empty() {
        "(root)".to_owned()
    } else {
        pointer
    }
}

fn schema_pointer(error: &ValidationError<'_, '_>) -> String {
    let fragment = error
        .schema_url
        .split_once('#')
        .map_or("", |(_, fragment)| fragment);
    match error.kind.keyword_path() {
        Some(keyword) => format!("#{fragment}/{keyword}"),
        None => format!("#{fragment}"),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_bundled_schema_compiles() {
        for schema in SchemaName::ALL {
            assert!(compiled(schema).is_ok(), "{schema}");
        }
    }

    #[test]
    fn required_property_is_reported_at_the_root() {
        let report = validate(
            SchemaName::Ob3Profile,
            &serde_json::json!({"type": ["Profile"]}),
        );
        assert_eq!(report.verdict, SchemaVerdict::Fail);
        let finding = &report.findings[0];
        assert_eq!(finding.instance_pointer, "");
        assert_eq!(finding.schema_pointer, "#/required");
        assert!(finding.message.contains("'id'"), "{}", finding.message);
    }
}
