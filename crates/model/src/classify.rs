//! Deciding what a JSON value is, from `@context` and `type` (and, for pre-JSON-LD Open Badges,
//! from its shape). The rules run in the order of [`classify`]; each names its spec section.

use serde::Serialize;
use serde_json::{Map, Value};

/// The VCDM 1.1 base context (VCDM 1.1 §4.1: MUST be the first `@context` value).
pub const VCDM_1_1_CONTEXT: &str = "https://www.w3.org/2018/credentials/v1";
/// The VCDM 2.0 base context (VCDM 2.0 §4.3: MUST be the first `@context` value).
pub const VCDM_2_0_CONTEXT: &str = "https://www.w3.org/ns/credentials/v2";
/// The Open Badges 2.0 context (OB 2.0 §"JSON-LD").
pub const OB_2_0_CONTEXT: &str = "https://w3id.org/openbadges/v2";
/// The Open Badges 2.0 context at its other published address.
pub const OB_2_0_CONTEXT_ALT: &str = "https://openbadgespec.org/v2/context.json";
/// The Open Badges 1.1 context.
pub const OB_1_1_CONTEXT: &str = "https://w3id.org/openbadges/v1";
/// The prefix of every Open Badges 3.0 context (`context.json`, `context-3.0.3.json`, …).
pub const OB_3_0_CONTEXT_PREFIX: &str = "https://purl.imsglobal.org/spec/ob/v3p0/context";
/// The prefix of every CLR 2.0 context.
pub const CLR_2_0_CONTEXT_PREFIX: &str = "https://purl.imsglobal.org/spec/clr/v2p0/context";

/// What kind of document a JSON value is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize)]
#[non_exhaustive]
pub enum Format {
    /// An OB 3.0 `AchievementCredential` / `OpenBadgeCredential`.
    OpenBadges3,
    /// An OB 3.0 `EndorsementCredential`.
    Endorsement3,
    /// A CLR 2.0 `ClrCredential`.
    Clr2,
    /// An OB 2.0 `Assertion`.
    OpenBadges2Assertion,
    /// An OB 2.0 `BadgeClass`.
    OpenBadges2BadgeClass,
    /// An OB 2.0 `Issuer` / `Profile`.
    OpenBadges2Issuer,
    /// An OB 1.0/1.1 assertion.
    OpenBadges1Assertion,
    /// An OB 0.5 assertion (the original Mozilla Backpack format).
    OpenBadges05Assertion,
    /// Any other W3C verifiable credential.
    VerifiableCredential,
    /// A W3C verifiable presentation.
    VerifiablePresentation,
    /// A `BitstringStatusListCredential` (W3C Bitstring Status List v1.0 §2.2).
    BitstringStatusListCredential,
    /// A `StatusList2021Credential` (the CCG predecessor of Bitstring Status List).
    StatusList2021Credential,
    /// Nothing we recognize.
    Unknown,
}

impl Format {
    /// The stable machine name, as serialized (e.g. `OpenBadges3`, `Clr2`): what programs
    /// filter on; [`Format::display_name`] is for people.
    pub fn machine_name(self) -> &'static str {
        match self {
            Format::OpenBadges3 => "OpenBadges3",
            Format::Endorsement3 => "Endorsement3",
            Format::Clr2 => "Clr2",
            Format::OpenBadges2Assertion => "OpenBadges2Assertion",
            Format::OpenBadges2BadgeClass => "OpenBadges2BadgeClass",
            Format::OpenBadges2Issuer => "OpenBadges2Issuer",
            Format::OpenBadges1Assertion => "OpenBadges1Assertion",
            Format::OpenBadges05Assertion => "OpenBadges05Assertion",
            Format::VerifiableCredential => "VerifiableCredential",
            Format::VerifiablePresentation => "VerifiablePresentation",
            Format::BitstringStatusListCredential => "BitstringStatusListCredential",
            Format::StatusList2021Credential => "StatusList2021Credential",
            Format::Unknown => "Unknown",
        }
    }

    /// Every format, in declaration order.
    pub const ALL: [Format; 13] = [
        Format::OpenBadges3,
        Format::Endorsement3,
        Format::Clr2,
        Format::OpenBadges2Assertion,
        Format::OpenBadges2BadgeClass,
        Format::OpenBadges2Issuer,
        Format::OpenBadges1Assertion,
        Format::OpenBadges05Assertion,
        Format::VerifiableCredential,
        Format::VerifiablePresentation,
        Format::BitstringStatusListCredential,
        Format::StatusList2021Credential,
        Format::Unknown,
    ];

    /// The format with this [`Format::machine_name`] (a stored report read back).
    pub fn from_machine_name(name: &str) -> Option<Format> {
        Format::ALL.into_iter().find(|f| f.machine_name() == name)
    }

    /// A human name, e.g. `Open Badges 3.0 credential`.
    pub fn display_name(self) -> &'static str {
        match self {
            Format::OpenBadges3 => "Open Badges 3.0 credential",
            Format::Endorsement3 => "Open Badges 3.0 endorsement",
            Format::Clr2 => "CLR 2.0 credential",
            Format::OpenBadges2Assertion => "Open Badges 2.0 assertion",
            Format::OpenBadges2BadgeClass => "Open Badges 2.0 badge class",
            Format::OpenBadges2Issuer => "Open Badges 2.0 issuer profile",
            Format::OpenBadges1Assertion => "Open Badges 1.x assertion",
            Format::OpenBadges05Assertion => "Open Badges 0.5 assertion",
            Format::VerifiableCredential => "verifiable credential",
            Format::VerifiablePresentation => "verifiable presentation",
            Format::BitstringStatusListCredential => "Bitstring status list credential",
            Format::StatusList2021Credential => "StatusList2021 credential",
            Format::Unknown => "unknown document",
        }
    }
}

/// The W3C Verifiable Credentials Data Model version, from the first `@context` value.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize)]
pub enum VcdmVersion {
    /// VCDM 1.1 (`https://www.w3.org/2018/credentials/v1`).
    #[serde(rename = "1.1")]
    V1_1,
    /// VCDM 2.0 (`https://www.w3.org/ns/credentials/v2`).
    #[serde(rename = "2.0")]
    V2_0,
}

impl VcdmVersion {
    /// `1.1` or `2.0`.
    pub fn as_str(self) -> &'static str {
        match self {
            VcdmVersion::V1_1 => "1.1",
            VcdmVersion::V2_0 => "2.0",
        }
    }
}

/// The result of [`classify`].
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Classification {
    /// What the document is.
    pub format: Format,
    /// The VCDM version, when the first `@context` value is a VCDM base context.
    pub vcdm: Option<VcdmVersion>,
    /// The `type` values (`@type` accepted), in order.
    pub types: Vec<String>,
    /// The `@context` values that are strings, in order (embedded context objects are skipped).
    pub contexts: Vec<String>,
    /// The rule that decided, with its spec section (for `inspect --explain` and bug reports).
    pub rule: &'static str,
}

/// Decides the format and VCDM version of a JSON value. Never fails: anything unrecognized is
/// [`Format::Unknown`].
///
/// Rules, first match wins:
/// 1. `type` contains `VerifiablePresentation` → presentation (VCDM 1.1 §4.10, 2.0 §4.13).
/// 2. A credential by its most specific type: `ClrCredential` (CLR 2.0 §ClrCredential),
///    `EndorsementCredential` (OB 3.0 §EndorsementCredential), `AchievementCredential` /
///    `OpenBadgeCredential` (OB 3.0 §AchievementCredential, "one of the items MUST be …"),
///    `BitstringStatusListCredential` (Bitstring Status List §2.2), `StatusList2021Credential`.
///    These names are specific to their specifications, so a broken credential that lacks
///    `VerifiableCredential` or the VCDM context (the validator's `simple-err-context.json`)
///    is still that format, and its defects are reported by the schema and verification.
/// 3. `type` contains `VerifiableCredential` → a generic credential (VCDM 2.0 §4.5). A VCDM
///    context alone is not enough: proof configurations and DID documents carry one too.
/// 4. `@context` is or contains the OB 2.0 context (or an embedded copy of it, recognized by its
///    `obi` prefix) → by `type`: `Assertion`, `BadgeClass`, `Issuer`/`Profile` (OB 2.0 §"Open
///    Badges Vocabulary"); another type falls through to the shape rules.
/// 5. `@context` is or contains the OB 1.1 context → OB 1.x assertion (OB 1.1 §Assertion).
/// 6. Shape `recipient` + `badge` + `verify` → OB 1.0 assertion (OB 1.0 §"Assertion":
///    `verify` is the 1.0 name of 2.0's `verification`).
/// 7. Shape `recipient` + `badge` + `verification` + `issuedOn` without any recognized context →
///    OB 2.0 assertion (an assertion with a wrong or missing context, reported by verification).
/// 8. Shape `recipient` + `badge` object whose `issuer` object has `origin`, no `verify` → OB 0.5
///    assertion (Mozilla Backpack assertion format, 2011–2013).
pub fn classify(value: &Value) -> Classification {
    let Some(object) = value.as_object() else {
        return Classification {
            format: Format::Unknown,
            vcdm: None,
            types: Vec::new(),
            contexts: Vec::new(),
            rule: "not a JSON object",
        };
    };
    let types = string_values(object.get("type").or_else(|| object.get("@type")));
    let contexts = string_values(object.get("@context"));
    let vcdm = first_context(object).and_then(|first| match first {
        VCDM_1_1_CONTEXT => Some(VcdmVersion::V1_1),
        VCDM_2_0_CONTEXT => Some(VcdmVersion::V2_0),
        _ => None,
    });
    let (format, rule) = decide(object, &types, &contexts);
    Classification {
        format,
        vcdm,
        types,
        contexts,
        rule,
    }
}

fn decide(
    object: &Map<String, Value>,
    types: &[String],
    contexts: &[String],
) -> (Format, &'static str) {
    let has_type = |name: &str| types.iter().any(|t| t == name);
    if has_type("VerifiablePresentation") {
        return (
            Format::VerifiablePresentation,
            "type VerifiablePresentation (VCDM 2.0 §4.13)",
        );
    }
    let credential_type = if has_type("ClrCredential") {
        Some((Format::Clr2, "type ClrCredential (CLR 2.0 §ClrCredential)"))
    } else if has_type("EndorsementCredential") {
        Some((
            Format::Endorsement3,
            "type EndorsementCredential (OB 3.0 §EndorsementCredential)",
        ))
    } else if has_type("AchievementCredential") || has_type("OpenBadgeCredential") {
        Some((
            Format::OpenBadges3,
            "type AchievementCredential/OpenBadgeCredential (OB 3.0 §AchievementCredential)",
        ))
    } else {
        None
    };
    if let Some(found) = credential_type {
        return found;
    }
    if has_type("BitstringStatusListCredential") {
        return (
            Format::BitstringStatusListCredential,
            "type BitstringStatusListCredential (Bitstring Status List v1.0 §2.2)",
        );
    }
    if has_type("StatusList2021Credential") {
        return (
            Format::StatusList2021Credential,
            "type StatusList2021Credential (Status List 2021 §2.2)",
        );
    }
    if has_type("VerifiableCredential") {
        return (
            Format::VerifiableCredential,
            "type VerifiableCredential (VCDM 2.0 §4.5)",
        );
    }
    let context_has = |urls: &[&str]| contexts.iter().any(|c| urls.contains(&c.as_str()));
    if context_has(&[OB_2_0_CONTEXT, OB_2_0_CONTEXT_ALT]) || has_embedded_ob2_context(object) {
        if has_type("Assertion") {
            return (
                Format::OpenBadges2Assertion,
                "OB 2.0 context and type Assertion (OB 2.0 §Assertion)",
            );
        }
        if has_type("BadgeClass") {
            return (
                Format::OpenBadges2BadgeClass,
                "OB 2.0 context and type BadgeClass (OB 2.0 §BadgeClass)",
            );
        }
        if has_type("Issuer") || has_type("Profile") {
            return (
                Format::OpenBadges2Issuer,
                "OB 2.0 context and type Issuer/Profile (OB 2.0 §Profile)",
            );
        }
    }
    if context_has(&[OB_1_1_CONTEXT]) && (has_type("Assertion") || is_assertion_shape(object)) {
        return (
            Format::OpenBadges1Assertion,
            "OB 1.1 context (OB 1.1 §Assertion)",
        );
    }
    if !is_assertion_shape(object) {
        return (Format::Unknown, "no rule matched");
    }
    if object.contains_key("verify") {
        return (
            Format::OpenBadges1Assertion,
            "shape recipient + badge + verify (OB 1.0 §Assertion)",
        );
    }
    if object.contains_key("verification") && object.contains_key("issuedOn") {
        return (
            Format::OpenBadges2Assertion,
            "shape recipient + badge + verification + issuedOn (OB 2.0 §Assertion)",
        );
    }
    let badge_issuer_has_origin = object
        .get("badge")
        .and_then(|badge| badge.get("issuer"))
        .and_then(|issuer| issuer.get("origin"))
        .is_some();
    if badge_issuer_has_origin {
        return (
            Format::OpenBadges05Assertion,
            "shape recipient + badge.issuer.origin, no verify (OB 0.5 assertion)",
        );
    }
    (Format::Unknown, "assertion-like shape of no known version")
}

fn is_assertion_shape(object: &Map<String, Value>) -> bool {
    object.contains_key("recipient") && object.contains_key("badge")
}

/// The 1EdTech validator's OB 2.0 fixtures embed a copy of the OB 2.0 context; its `obi` prefix
/// is the OB vocabulary namespace.
fn has_embedded_ob2_context(object: &Map<String, Value>) -> bool {
    let is_ob = |context: &Value| {
        context.get("obi").and_then(Value::as_str) == Some("https://w3id.org/openbadges#")
    };
    match object.get("@context") {
        Some(context @ Value::Object(_)) => is_ob(context),
        Some(Value::Array(items)) => items.iter().any(is_ob),
        _ => false,
    }
}

fn first_context(object: &Map<String, Value>) -> Option<&str> {
    match object.get("@context")? {
        Value::String(url) => Some(url),
        Value::Array(items) => items.first()?.as_str(),
        _ => None,
    }
}

/// The strings of a JSON-LD value that may be a string or an array of strings.
pub(crate) fn string_values(value: Option<&Value>) -> Vec<String> {
    match value {
        Some(Value::String(one)) => vec![one.clone()],
        Some(Value::Array(items)) => items
            .iter()
            .filter_map(Value::as_str)
            .map(str::to_owned)
            .collect(),
        _ => Vec::new(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn vcdm_version_comes_from_the_first_context_only() {
        let c = classify(&json!({
            "@context": ["https://purl.imsglobal.org/spec/ob/v3p0/context-3.0.3.json", VCDM_2_0_CONTEXT],
            "type": ["VerifiableCredential", "OpenBadgeCredential"]
        }));
        assert_eq!(c.vcdm, None);
        assert_eq!(c.format, Format::OpenBadges3);
    }

    #[test]
    fn ob05_needs_issuer_origin() {
        let c = classify(&json!({
            "recipient": "a@example.com",
            "badge": {"name": "x", "issuer": {"origin": "http://p2pu.org", "name": "P2PU"}}
        }));
        assert_eq!(c.format, Format::OpenBadges05Assertion);
        let c = classify(&json!({"recipient": "a@example.com", "badge": {"name": "x"}}));
        assert_eq!(c.format, Format::Unknown);
    }

    #[test]
    fn non_objects_are_unknown() {
        assert_eq!(classify(&json!([1, 2])).format, Format::Unknown);
    }
}
