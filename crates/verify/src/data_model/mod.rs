//! `data-model`: the JSON structure rules of the W3C Verifiable Credentials Data Model 1.1 and
//! 2.0 that a credential or presentation must follow before any signature means anything.
//!
//! Every violation is reported as `<JSON pointer>: <what is wrong>, found <value> (<spec §>)`,
//! e.g. `/issuer/id: must be a URL, found "foo" (VCDM 2.0 §4.7)`, so a person can find the
//! field and the rule.
//!
//! **Not here:** what a JSON-LD processor decides (undefined terms, relative or unmapped type
//! IRIs, redefined protected terms, unloadable contexts) is the separate `json-ld` check; the
//! proof, validity window against the clock, status and holder binding are their own checks
//! (`crate::holder::holder_checks` for the holder).
//!
//! Design: the rules walk the borrowed JSON once and allocate nothing unless they find a
//! violation: JSON pointers are a chain of stack frames ([`Pointer`]) rendered only when a
//! violation is written, and the lexical forms (URL, `dateTimeStamp`) are byte scanners.
//!
//! Rules the suite and the specs disagree on, and what we chose:
//! - A `credentialSubject` holding only an `id` counts as "one or more claims" (VCDM 2.0 §4.8):
//!   the W3C test suite accepts `{"id": …}` (`credential-ok.json`) and rejects only `{}`.
//! - `@context` may be a single string (a one-item ordered set); the enveloped-credential
//!   examples of VCDM 2.0 §4.13.1 use that form.
//! - Empty arrays for optional properties (`credentialStatus: []`) are the property's absence
//!   in JSON-LD and are not reported.

mod credential;
mod lexical;
mod presentation;

use std::fmt::{self, Write as _};

use credbridge_model::{Classification, Format, VcdmVersion};
use serde_json::{Map, Value};

use crate::report::{Check, Outcome, Severity};

use lexical::is_url;

/// The VCDM 1.1 base context (VCDM 1.1 §4.1).
pub(crate) const VCDM_1_1_CONTEXT: &str = "https://www.w3.org/2018/credentials/v1";
/// The VCDM 2.0 base context (VCDM 2.0 §4.3).
pub(crate) const VCDM_2_0_CONTEXT: &str = "https://www.w3.org/ns/credentials/v2";

/// At most this many violations are listed; the rest are counted. A hostile document with a
/// million bad entries must not produce a million-line report.
pub const MAX_VIOLATIONS: usize = 100;

/// Checks the data-model rules; every violation is listed with its JSON pointer and section.
pub fn check(value: &Value, classification: &Classification) -> Check {
    let violations = violations(value, classification);
    if violations.list.is_empty() {
        return Check::new(
            "data-model",
            Severity::Fatal,
            Outcome::Passed,
            "the credential has the structure the W3C data model requires",
        );
    }
    let mut reason = violations.list.join("; ");
    if violations.dropped > 0 {
        let _ = write!(reason, "; and {} more", violations.dropped);
    }
    Check::new(
        "data-model",
        Severity::Fatal,
        Outcome::Failed(reason),
        "the credential is missing required parts or has them in the wrong shape",
    )
    .with_evidence("violations", violations.list)
}

/// `ob3.subject-identifier` (advisory): OB 3.0 §AchievementSubject and CLR 2.0 §ClrSubject say
/// "either `id` or at least one `identifier` MUST be supplied" (OB 3.0 verification step 1; the
/// 1EdTech validator's `CredentialSubjectProbe`). `None` for other formats.
///
/// Advisory, not part of the fatal `data-model` check: 69 of the 129 genuine, correctly signed
/// OB 3.0 / CLR 2.0 credentials in `testdata/examples` (every DCC test fixture, VCDM 1.1 and 2.0)
/// name the learner only by `name`. Such a credential is authentic; it just cannot be matched
/// to a person by an identifier.
pub fn learner_identifier_check(value: &Value, classification: &Classification) -> Option<Check> {
    const ID: &str = "ob3.subject-identifier";
    let label = match classification.format {
        Format::OpenBadges3 => "OB 3.0 §AchievementSubject, verification step 1",
        Format::Clr2 => "CLR 2.0 §ClrSubject",
        _ => return None,
    };
    let root = Pointer::ROOT;
    let here = root.key("credentialSubject");
    let (subjects, is_array) = one_or_many(value.get("credentialSubject")?);
    let mut findings = Findings::default();
    for (i, subject) in subjects.iter().enumerate() {
        let Some(subject) = subject.as_object() else {
            continue; // a data-model violation, reported there
        };
        let has_identifier = match subject.get("identifier") {
            Some(Value::Array(items)) => !items.is_empty(),
            Some(Value::Object(_)) => true,
            _ => false,
        };
        if !subject.contains_key("id") && !has_identifier {
            let at = if is_array { here.index(i) } else { here };
            findings.push(
                &at,
                label,
                format_args!("must have an id or at least one identifier"),
            );
        }
    }
    Some(if findings.list.is_empty() {
        Check::new(
            ID,
            Severity::Advisory,
            Outcome::Passed,
            "the credential identifies the learner by an identifier",
        )
    } else {
        Check::new(
            ID,
            Severity::Advisory,
            Outcome::Failed(findings.list.join("; ")),
            "the credential names the learner without an identifier (such as an email or a DID), so it cannot be matched to a person automatically",
        )
        .with_evidence("violations", findings.list)
    })
}

/// The violations found in a document, for [`check`] and the tests.
pub(crate) fn violations(value: &Value, classification: &Classification) -> Findings {
    let mut findings = Findings::default();
    let root = Pointer::ROOT;
    let Some(object) = value.as_object() else {
        let spec = Spec::from_version(classification.vcdm);
        findings.push(
            &root,
            spec.label(Area::Core),
            format_args!("must be a JSON object, found {}", Found(value)),
        );
        return findings;
    };
    let spec = Spec::of(classification.vcdm, object);
    let types = TypeValues::of(object);
    if types.contains("EnvelopedVerifiableCredential") {
        presentation::enveloped(&mut findings, &root, object, Enveloped::Credential);
    } else if types.contains("EnvelopedVerifiablePresentation") {
        presentation::enveloped(&mut findings, &root, object, Enveloped::Presentation);
    } else if classification.format == Format::VerifiablePresentation
        || (!types.contains("VerifiableCredential") && looks_like_presentation(object))
    {
        presentation::presentation(&mut findings, spec, &root, object);
    } else {
        credential::credential(&mut findings, spec, &root, object);
    }
    findings
}

/// A document without `VerifiableCredential` that has presentation parts or a `…Presentation`
/// type is judged as a (broken) presentation, so its violations speak of presentations.
fn looks_like_presentation(object: &Map<String, Value>) -> bool {
    let presentation_type = |t: &Value| t.as_str().is_some_and(|t| t.ends_with("Presentation"));
    object.contains_key("verifiableCredential")
        || object.contains_key("holder")
        || match object.get("type") {
            Some(Value::Array(items)) => items.iter().any(presentation_type),
            Some(single) => presentation_type(single),
            None => false,
        }
}

/// Which specification's numbering and rules apply.
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
pub(crate) struct Spec(VcdmVersion);

impl Spec {
    /// The version from the classification, or (when the first context is not a base context)
    /// a guess from the other contexts: a document that mentions the 1.1 context anywhere is
    /// judged by 1.1, everything else by 2.0.
    fn of(version: Option<VcdmVersion>, object: &Map<String, Value>) -> Spec {
        if let Some(version) = version {
            return Spec(version);
        }
        let mentions_1_1 = match object.get("@context") {
            Some(Value::String(s)) => s == VCDM_1_1_CONTEXT,
            Some(Value::Array(items)) => items.iter().any(|c| c == VCDM_1_1_CONTEXT),
            _ => false,
        };
        Spec(if mentions_1_1 {
            VcdmVersion::V1_1
        } else {
            VcdmVersion::V2_0
        })
    }

    /// The version a document's own first context names (or the [`Spec::of`] guess).
    fn of_document(object: &Map<String, Value>) -> Spec {
        let first = match object.get("@context") {
            Some(Value::Array(items)) => items.first().and_then(Value::as_str),
            Some(Value::String(s)) => Some(s.as_str()),
            _ => None,
        };
        let version = match first {
            Some(VCDM_1_1_CONTEXT) => Some(VcdmVersion::V1_1),
            Some(VCDM_2_0_CONTEXT) => Some(VcdmVersion::V2_0),
            _ => None,
        };
        Spec::of(version, object)
    }

    fn from_version(version: Option<VcdmVersion>) -> Spec {
        Spec(version.unwrap_or(VcdmVersion::V2_0))
    }

    fn is_2_0(self) -> bool {
        self.0 == VcdmVersion::V2_0
    }

    fn base_context(self) -> &'static str {
        match self.0 {
            VcdmVersion::V1_1 => VCDM_1_1_CONTEXT,
            _ => VCDM_2_0_CONTEXT,
        }
    }

    /// The citation for a rule area, e.g. `VCDM 2.0 §4.7`.
    fn label(self, area: Area) -> &'static str {
        use Area::*;
        if self.0 == VcdmVersion::V1_1 {
            return match area {
                Core => "VCDM 1.1 §3",
                Contexts => "VCDM 1.1 §4.1",
                Identifiers => "VCDM 1.1 §4.2",
                Types => "VCDM 1.1 §4.3",
                CredentialSubject => "VCDM 1.1 §4.4",
                Issuer => "VCDM 1.1 §4.5",
                ValidFrom => "VCDM 1.1 §4.6",
                SecuringMechanisms => "VCDM 1.1 §4.7",
                ValidUntil => "VCDM 1.1 §4.8",
                Status => "VCDM 1.1 §4.9",
                Presentations => "VCDM 1.1 §4.10",
                DataSchemas => "VCDM 1.1 §5.4",
                Refreshing => "VCDM 1.1 §5.5",
                TermsOfUse => "VCDM 1.1 §5.6",
                Evidence => "VCDM 1.1 §5.7",
                // Not in 1.1; the 2.0 rules are only run for 2.0 documents.
                NamesAndDescriptions
                | EnvelopedCredentials
                | EnvelopedPresentations
                | RelatedResources
                | ReservedExtensions
                | LanguageAndDirection => Spec(VcdmVersion::V2_0).label(area),
            };
        }
        match area {
            Core => "VCDM 2.0 §3",
            Contexts => "VCDM 2.0 §4.3",
            Identifiers => "VCDM 2.0 §4.4",
            Types => "VCDM 2.0 §4.5",
            NamesAndDescriptions => "VCDM 2.0 §4.6",
            Issuer => "VCDM 2.0 §4.7",
            CredentialSubject => "VCDM 2.0 §4.8",
            ValidFrom | ValidUntil => "VCDM 2.0 §4.9",
            Status => "VCDM 2.0 §4.10",
            DataSchemas => "VCDM 2.0 §4.11",
            SecuringMechanisms => "VCDM 2.0 §4.12",
            Presentations => "VCDM 2.0 §4.13",
            EnvelopedCredentials => "VCDM 2.0 §4.13.1",
            EnvelopedPresentations => "VCDM 2.0 §4.13.2",
            RelatedResources => "VCDM 2.0 §5.3",
            Refreshing => "VCDM 2.0 §5.4",
            TermsOfUse => "VCDM 2.0 §5.5",
            Evidence => "VCDM 2.0 §5.6",
            ReservedExtensions => "VCDM 2.0 §5.10",
            LanguageAndDirection => "VCDM 2.0 §11.1",
        }
    }
}

/// The sections rules come from; [`Spec::label`] maps them to each version's numbering.
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
pub(crate) enum Area {
    Core,
    Contexts,
    Identifiers,
    Types,
    NamesAndDescriptions,
    Issuer,
    CredentialSubject,
    /// 2.0 `validFrom` (§4.9), 1.1 `issuanceDate` (§4.6).
    ValidFrom,
    /// 2.0 `validUntil` (§4.9), 1.1 `expirationDate` (§4.8).
    ValidUntil,
    Status,
    DataSchemas,
    SecuringMechanisms,
    Presentations,
    EnvelopedCredentials,
    EnvelopedPresentations,
    RelatedResources,
    Refreshing,
    TermsOfUse,
    Evidence,
    ReservedExtensions,
    LanguageAndDirection,
}

/// Which enveloped object (VCDM 2.0 §4.13.1 / §4.13.2).
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
pub(crate) enum Enveloped {
    Credential,
    Presentation,
}

/// The violations found so far, each a finished sentence.
#[derive(Debug, Default)]
pub(crate) struct Findings {
    /// `<pointer>: <message> (<section>)`, at most [`MAX_VIOLATIONS`].
    pub(crate) list: Vec<String>,
    /// How many more were found and not listed.
    pub(crate) dropped: usize,
}

impl Findings {
    /// Records one violation. Only called on the unhappy path, so formatting here is fine.
    fn push(&mut self, at: &Pointer<'_>, label: &str, message: fmt::Arguments<'_>) {
        if self.list.len() >= MAX_VIOLATIONS {
            self.dropped += 1;
            return;
        }
        let mut text = String::with_capacity(64);
        at.write_to(&mut text);
        if text.is_empty() {
            // RFC 6901 spells the root as the empty string; a report needs something visible.
            text.push_str("(document)");
        }
        let _ = write!(text, ": {message} ({label})");
        self.list.push(text);
    }
}

/// JSON pointers: the one escaper, in `model`.
pub(crate) use credbridge_model::json::Pointer;

/// A JSON value as a violation names it: strings quoted and cut at 80 characters, containers
/// by kind and size.
pub(crate) struct Found<'a>(pub(crate) &'a Value);

impl fmt::Display for Found<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        const MAX_CHARS: usize = 80;
        match self.0 {
            Value::Null => f.write_str("null"),
            Value::Bool(b) => write!(f, "{b}"),
            Value::Number(n) => write!(f, "{n}"),
            Value::String(s) => match s.char_indices().nth(MAX_CHARS) {
                Some((cut, _)) => write!(f, "{:?}…", s.get(..cut).unwrap_or("")),
                None => write!(f, "{s:?}"),
            },
            Value::Array(a) if a.is_empty() => f.write_str("an empty array"),
            Value::Array(a) => write!(f, "an array of {}", a.len()),
            Value::Object(o) if o.is_empty() => f.write_str("an empty object"),
            Value::Object(_) => f.write_str("an object"),
        }
    }
}

/// One value or an array of them, as the data model allows for most properties.
fn one_or_many(value: &Value) -> (&[Value], bool) {
    match value {
        Value::Array(items) => (items.as_slice(), true),
        single => (std::slice::from_ref(single), false),
    }
}

/// The `type` values of an object (`type`, or the `@type` keyword it aliases), borrowed.
#[derive(Clone, Copy)]
pub(crate) struct TypeValues<'a>(Option<&'a Value>);

impl<'a> TypeValues<'a> {
    pub(crate) fn of(object: &'a Map<String, Value>) -> TypeValues<'a> {
        TypeValues(object.get("type").or_else(|| object.get("@type")))
    }

    pub(crate) fn contains(self, name: &str) -> bool {
        match self.0 {
            Some(Value::String(s)) => s == name,
            Some(Value::Array(items)) => items.iter().any(|t| t == name),
            _ => false,
        }
    }
}

// ---- rules shared by credentials, presentations and their parts ----

/// `@context` (VCDM 2.0 §4.3, 1.1 §4.1): present, an ordered set whose first item is the base
/// context and whose other items are URLs or context objects.
fn contexts(f: &mut Findings, spec: Spec, at: &Pointer<'_>, object: &Map<String, Value>) {
    let label = spec.label(Area::Contexts);
    let here = at.key("@context");
    let Some(value) = object.get("@context") else {
        f.push(&here, label, format_args!("is required"));
        return;
    };
    let (items, is_array) = one_or_many(value);
    let Some(first) = items.first() else {
        f.push(
            &here,
            label,
            format_args!(
                "must start with {}, found an empty array",
                spec.base_context()
            ),
        );
        return;
    };
    if first.as_str() != Some(spec.base_context()) {
        let first_at = if is_array { here.index(0) } else { here };
        f.push(
            &first_at,
            label,
            format_args!(
                "the first context must be {}, found {}",
                spec.base_context(),
                Found(first)
            ),
        );
    }
    for (i, item) in items.iter().enumerate().skip(1) {
        let ok = match item {
            Value::String(s) => is_url(s),
            Value::Object(_) => true,
            _ => false,
        };
        if !ok {
            f.push(
                &here.index(i),
                label,
                format_args!("must be a URL or a context object, found {}", Found(item)),
            );
        }
    }
}

/// `id` (VCDM 2.0 §4.4, 1.1 §4.2): when present, a single URL.
fn optional_id(
    f: &mut Findings,
    spec: Spec,
    at: &Pointer<'_>,
    object: &Map<String, Value>,
    area: Area,
) {
    if let Some(id) = object.get("id") {
        single_url(f, &at.key("id"), id, spec.label(area));
    }
}

/// A value that must be one URL string.
fn single_url(f: &mut Findings, at: &Pointer<'_>, value: &Value, label: &str) {
    match value {
        Value::String(s) if is_url(s) => {}
        Value::Array(_) => f.push(
            at,
            label,
            format_args!("must be a single URL, found {}", Found(value)),
        ),
        _ => f.push(
            at,
            label,
            format_args!("must be a URL, found {}", Found(value)),
        ),
    }
}

/// `type` (VCDM 2.0 §4.5, 1.1 §4.3): present, one or more non-empty strings, and (when
/// `required` is given) including that type.
fn types(
    f: &mut Findings,
    spec: Spec,
    at: &Pointer<'_>,
    object: &Map<String, Value>,
    required: Option<&str>,
    area: Area,
) {
    let label = spec.label(area);
    let key = if object.contains_key("type") || !object.contains_key("@type") {
        "type"
    } else {
        "@type"
    };
    let here = at.key(key);
    let Some(value) = object.get(key) else {
        match required {
            Some(name) => f.push(
                &here,
                label,
                format_args!("is required and must include {name}"),
            ),
            None => f.push(&here, label, format_args!("is required")),
        }
        return;
    };
    let (items, is_array) = one_or_many(value);
    let mut all_strings = true;
    for (i, item) in items.iter().enumerate() {
        if !matches!(item, Value::String(s) if !s.is_empty()) {
            all_strings = false;
            let item_at = if is_array { here.index(i) } else { here };
            f.push(
                &item_at,
                label,
                format_args!(
                    "must be a term or an absolute URL string, found {}",
                    Found(item)
                ),
            );
        }
    }
    if let Some(name) = required {
        if !items.iter().any(|t| t == name) {
            f.push(
                &here,
                label,
                format_args!("must include {name}, found {}", Found(value)),
            );
        }
    } else if items.is_empty() && all_strings {
        f.push(&here, label, format_args!("must have at least one value"));
    }
}

/// Whether `id` must be present on the entries of a typed property.
#[derive(Clone, Copy, PartialEq, Eq)]
enum IdRule {
    /// Optional; a URL when present.
    Optional,
    /// Required, a URL.
    Required,
    /// Not checked here (proofs: the proof check owns their shape).
    Unchecked,
}

/// A property whose value is one object or a set of objects, each with a `type` (VCDM 2.0
/// §4.5 table: `credentialStatus`, `termsOfUse`, `evidence`, `refreshService`,
/// `credentialSchema`; and `proof`).
fn typed_entries(
    f: &mut Findings,
    spec: Spec,
    at: &Pointer<'_>,
    object: &Map<String, Value>,
    key: &str,
    area: Area,
    id_rule: IdRule,
) {
    let Some(value) = object.get(key) else {
        return;
    };
    let label = spec.label(area);
    let here = at.key(key);
    let (entries, is_array) = one_or_many(value);
    for (i, entry) in entries.iter().enumerate() {
        let entry_at = if is_array { here.index(i) } else { here };
        let Some(entry) = entry.as_object() else {
            f.push(
                &entry_at,
                label,
                format_args!("must be an object, found {}", Found(entry)),
            );
            continue;
        };
        types(f, spec, &entry_at, entry, None, area);
        match (entry.get("id"), id_rule) {
            (_, IdRule::Unchecked) | (None, IdRule::Optional) => {}
            (None, IdRule::Required) => {
                f.push(
                    &entry_at.key("id"),
                    label,
                    format_args!("is required and must be a URL"),
                );
            }
            (Some(id), _) => single_url(f, &entry_at.key("id"), id, label),
        }
    }
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    use super::*;

    fn violations_of(value: &Value) -> Vec<String> {
        violations(value, &credbridge_model::classify(value)).list
    }

    #[test]
    fn pointer_escapes_and_nests() {
        let root = Pointer::ROOT;
        let a = root.key("a/b~c");
        let b = a.index(3);
        let c = b.key("id");
        assert_eq!(c.render(), "/a~1b~0c/3/id");
        assert_eq!(root.render(), "");
    }

    #[test]
    fn found_values_are_short() {
        assert_eq!(Found(&json!("x")).to_string(), "\"x\"");
        assert_eq!(Found(&json!(null)).to_string(), "null");
        assert_eq!(Found(&json!([1, 2])).to_string(), "an array of 2");
        assert_eq!(Found(&json!({})).to_string(), "an empty object");
        let long = "a".repeat(200);
        assert!(Found(&json!(long)).to_string().len() < 90);
    }

    #[test]
    fn the_brief_example() {
        let vc = json!({
            "@context": [VCDM_2_0_CONTEXT],
            "type": ["VerifiableCredential"],
            "issuer": {"id": "foo"},
            "credentialSubject": {"id": "did:example:1"}
        });
        assert_eq!(
            violations_of(&vc),
            ["/issuer/id: must be a URL, found \"foo\" (VCDM 2.0 §4.7)"]
        );
    }

    #[test]
    fn not_an_object() {
        assert_eq!(
            violations_of(&json!([1])),
            ["(document): must be a JSON object, found an array of 1 (VCDM 2.0 §3)"]
        );
    }

    #[test]
    fn learner_identifier() {
        let mut vc = json!({
            "@context": [VCDM_2_0_CONTEXT],
            "type": ["VerifiableCredential", "OpenBadgeCredential"],
            "issuer": "did:example:issuer",
            "credentialSubject": {"type": ["AchievementSubject"], "name": "Jane"}
        });
        let check = |vc: &Value| learner_identifier_check(vc, &credbridge_model::classify(vc));
        assert_eq!(
            check(&vc).unwrap().outcome,
            Outcome::Failed(
                "/credentialSubject: must have an id or at least one identifier \
                 (OB 3.0 §AchievementSubject, verification step 1)"
                    .into()
            )
        );
        vc["credentialSubject"]["identifier"] = json!([{"type": "IdentityObject"}]);
        assert_eq!(check(&vc).unwrap().outcome, Outcome::Passed);
        vc["type"] = json!(["VerifiableCredential"]);
        assert_eq!(check(&vc), None);
    }

    #[test]
    fn violations_are_capped() {
        let many: Vec<Value> = (0..300).map(|_| json!({})).collect();
        let vc = json!({
            "@context": [VCDM_2_0_CONTEXT],
            "type": ["VerifiableCredential"],
            "issuer": "did:example:issuer",
            "credentialSubject": {"id": "did:example:1"},
            "evidence": many
        });
        let found = violations(&vc, &credbridge_model::classify(&vc));
        assert_eq!(found.list.len(), MAX_VIOLATIONS);
        assert_eq!(found.dropped, 200);
        let check = check(&vc, &credbridge_model::classify(&vc));
        let Outcome::Failed(reason) = check.outcome else {
            panic!("expected a failure")
        };
        assert!(reason.ends_with("; and 200 more"), "{reason}");
    }
}
