//! [`Document`]: one credential-shaped JSON value with its classification and typed view.

use std::sync::Arc;

use serde::de::DeserializeOwned;
use serde_json::{Map, Value};

use crate::classify::{Classification, Format, VcdmVersion, classify};
use crate::clr2::ClrCredential;
use crate::datetime::Timestamp;
use crate::error::ModelError;
use crate::ob2;
use crate::ob3::{AchievementCredential, EndorsementCredential};
use crate::vc::{GenericCredential, Presentation, StatusListCredential};

/// The deepest JSON nesting [`parse`] accepts (levels of objects and arrays).
///
/// The typed readers recurse, and serde's buffering of flattened maps makes each level cost up
/// to ~27 KiB of stack in a debug build: 75 levels overflowed a 2 MiB test thread, 64 did not
/// (measured with nested endorsements). The deepest example credential nests 11 levels (a
/// VCDM 1.1 CLR); 48 leaves room for a CLR of credentials with endorsed issuers and keeps a
/// wide margin on any thread.
pub const MAX_DEPTH: usize = 48;

/// One credential, presentation or assertion: the JSON as received, what it is, and its typed
/// view.
#[derive(Debug, Clone, PartialEq)]
pub struct Document {
    /// The JSON exactly as received (for a VC-JWT, the credential JSON, e.g. its `vc` claim).
    pub original: Arc<Value>,
    /// For a VC-JWT: the whole claims set.
    pub jwt_claims: Option<Arc<Value>>,
    /// For a VC-JWT of VCDM 1.1: the credential with the properties that the registered claims
    /// stand for filled in (VCDM 1.1 §6.3.1 "JWT decoding"); the typed view is read from it.
    pub decoded: Option<Arc<Value>>,
    /// What the document is.
    pub classification: Classification,
    /// The typed view: the one for its format, or a more generic one if that failed.
    pub typed: Typed,
    /// Why the typed view for the format could not be read, if it could not.
    pub typed_error: Option<ModelError>,
}

impl Document {
    /// The JSON the typed view was read from: [`Document::decoded`] if any, else
    /// [`Document::original`].
    pub fn json(&self) -> &Value {
        self.decoded.as_deref().unwrap_or(&self.original)
    }

    /// The format, shorthand for `classification.format`.
    pub fn format(&self) -> Format {
        self.classification.format
    }

    /// The VCDM version, shorthand for `classification.vcdm`.
    pub fn vcdm(&self) -> Option<VcdmVersion> {
        self.classification.vcdm
    }
}

/// A typed view, by format. Boxed: the views are large and a `Document` is moved around.
#[derive(Debug, Clone, PartialEq)]
#[non_exhaustive]
pub enum Typed {
    /// [`Format::OpenBadges3`].
    OpenBadges3(Box<AchievementCredential>),
    /// [`Format::Endorsement3`].
    Endorsement3(Box<EndorsementCredential>),
    /// [`Format::Clr2`].
    Clr2(Box<ClrCredential>),
    /// [`Format::BitstringStatusListCredential`] and [`Format::StatusList2021Credential`].
    StatusList(Box<StatusListCredential>),
    /// [`Format::VerifiableCredential`], and the fallback for a credential whose specific view
    /// failed.
    Credential(Box<GenericCredential>),
    /// [`Format::VerifiablePresentation`].
    Presentation(Box<Presentation>),
    /// [`Format::OpenBadges2Assertion`], [`Format::OpenBadges1Assertion`],
    /// [`Format::OpenBadges05Assertion`] (see [`ob2::Assertion::source_version`]).
    Ob2Assertion(Box<ob2::Assertion>),
    /// [`Format::OpenBadges2BadgeClass`].
    Ob2BadgeClass(Box<ob2::BadgeClass>),
    /// [`Format::OpenBadges2Issuer`].
    Ob2Issuer(Box<ob2::Profile>),
    /// No typed view: the format is unknown, or no view could read the JSON.
    Unknown,
}

impl Typed {
    /// The view written back as JSON (`None` for [`Typed::Unknown`]). For every view except an
    /// OB 0.5 assertion this equals the JSON it was read from.
    pub fn to_json(&self) -> Option<Value> {
        let written = match self {
            Typed::OpenBadges3(v) => serde_json::to_value(v),
            Typed::Endorsement3(v) => serde_json::to_value(v),
            Typed::Clr2(v) => serde_json::to_value(v),
            Typed::StatusList(v) => serde_json::to_value(v),
            Typed::Credential(v) => serde_json::to_value(v),
            Typed::Presentation(v) => serde_json::to_value(v),
            Typed::Ob2Assertion(v) => serde_json::to_value(v),
            Typed::Ob2BadgeClass(v) => serde_json::to_value(v),
            Typed::Ob2Issuer(v) => serde_json::to_value(v),
            Typed::Unknown => return None,
        };
        written.ok()
    }
}

/// Classifies `value` and reads its typed view.
///
/// `Err` only when there is nothing to keep: the root is not a JSON object
/// ([`ModelError::NotAnObject`]) or nests deeper than [`MAX_DEPTH`]. When the typed view of the
/// format cannot be read (a property of the wrong JSON type), the document still comes back,
/// with a more generic view and [`Document::typed_error`] naming the JSON pointer.
pub fn parse(value: &Value) -> Result<Document, ModelError> {
    parse_owned(value.clone(), None)
}

/// [`parse`] for the credential of a VC-JWT: `credential` is the `vc` claim (VCDM 1.1) or the
/// whole payload (VCDM 2.0 VC-JOSE), `claims` the whole payload. Properties the registered
/// claims stand for (`iss`, `jti`, `nbf`, `exp`, `sub`) fill in those the credential lacks.
pub fn parse_jwt(credential: &Value, claims: &Value) -> Result<Document, ModelError> {
    parse_owned(credential.clone(), Some(claims.clone()))
}

/// [`parse`] / [`parse_jwt`] taking ownership (no copy of the JSON).
pub fn parse_owned(value: Value, claims: Option<Value>) -> Result<Document, ModelError> {
    check_shape(&value)?;
    if let Some(claims) = &claims {
        check_depth(claims)?;
    }
    let decoded = claims
        .as_ref()
        .and_then(|claims| decode_jwt_claims(&value, claims));
    let classification = classify(decoded.as_ref().unwrap_or(&value));
    let (typed, typed_error) = read_typed(decoded.as_ref().unwrap_or(&value), &classification);
    Ok(Document {
        original: Arc::new(value),
        jwt_claims: claims.map(Arc::new),
        decoded: decoded.map(Arc::new),
        classification,
        typed,
        typed_error,
    })
}

fn read_typed(value: &Value, classification: &Classification) -> (Typed, Option<ModelError>) {
    let specific = match classification.format {
        Format::OpenBadges3 => {
            read(value, "an OB 3.0 AchievementCredential").map(|v| Typed::OpenBadges3(Box::new(v)))
        }
        Format::Endorsement3 => {
            read(value, "an OB 3.0 EndorsementCredential").map(|v| Typed::Endorsement3(Box::new(v)))
        }
        Format::Clr2 => read(value, "a CLR 2.0 ClrCredential").map(|v| Typed::Clr2(Box::new(v))),
        Format::BitstringStatusListCredential | Format::StatusList2021Credential => {
            read(value, "a status list credential").map(|v| Typed::StatusList(Box::new(v)))
        }
        Format::VerifiableCredential => {
            read(value, "a verifiable credential").map(|v| Typed::Credential(Box::new(v)))
        }
        Format::VerifiablePresentation => {
            read(value, "a verifiable presentation").map(|v| Typed::Presentation(Box::new(v)))
        }
        Format::OpenBadges2Assertion | Format::OpenBadges1Assertion => {
            let version = if classification.format == Format::OpenBadges1Assertion {
                ob2::SourceVersion::V1
            } else {
                ob2::SourceVersion::V2_0
            };
            read::<ob2::Assertion>(value, "an Open Badges assertion").map(|mut v| {
                v.source_version = version;
                Typed::Ob2Assertion(Box::new(v))
            })
        }
        Format::OpenBadges05Assertion => {
            read::<ob2::Assertion>(&ob2::assertion_from_ob05(value), "an OB 0.5 assertion").map(
                |mut v| {
                    v.source_version = ob2::SourceVersion::V0_5;
                    Typed::Ob2Assertion(Box::new(v))
                },
            )
        }
        Format::OpenBadges2BadgeClass => {
            read(value, "an OB 2.0 BadgeClass").map(|v| Typed::Ob2BadgeClass(Box::new(v)))
        }
        Format::OpenBadges2Issuer => {
            read(value, "an OB 2.0 Profile").map(|v| Typed::Ob2Issuer(Box::new(v)))
        }
        Format::Unknown => return (Typed::Unknown, None),
    };
    match specific {
        Ok(typed) => (typed, None),
        Err(error) => {
            let is_credential = matches!(
                classification.format,
                Format::OpenBadges3
                    | Format::Endorsement3
                    | Format::Clr2
                    | Format::BitstringStatusListCredential
                    | Format::StatusList2021Credential
            );
            let fallback = is_credential
                .then(|| read::<GenericCredential>(value, "a verifiable credential").ok())
                .flatten()
                .map_or(Typed::Unknown, |v| Typed::Credential(Box::new(v)));
            (fallback, Some(error))
        }
    }
}

fn read<T: DeserializeOwned>(value: &Value, view: &'static str) -> Result<T, ModelError> {
    serde_path_to_error::deserialize(value).map_err(|error| ModelError::Shape {
        pointer: json_pointer(error.path()),
        view,
        message: error.inner().to_string(),
    })
}

/// RFC 6901 pointer of a serde path (`~` → `~0`, `/` → `~1`).
fn json_pointer(path: &serde_path_to_error::Path) -> String {
    use serde_path_to_error::Segment;
    let mut pointer = String::new();
    for segment in path.iter() {
        pointer.push('/');
        match segment {
            Segment::Seq { index } => pointer.push_str(&index.to_string()),
            Segment::Map { key } => crate::json::push_escaped(&mut pointer, key),
            Segment::Enum { variant } => pointer.push_str(variant),
            // A position serde could not name; `?` keeps the depth visible.
            Segment::Unknown => pointer.push('?'),
        }
    }
    pointer
}

/// The JSON type name used in messages.
pub(crate) fn json_kind(value: &Value) -> &'static str {
    crate::json::kind(value)
}

/// What every reader of a credential requires first: an object, nested at most [`MAX_DEPTH`].
pub(crate) fn check_shape(value: &Value) -> Result<(), ModelError> {
    if !value.is_object() {
        return Err(ModelError::NotAnObject {
            found: json_kind(value),
        });
    }
    check_depth(value)
}

fn check_depth(value: &Value) -> Result<(), ModelError> {
    let mut stack = vec![(value, 1usize)];
    while let Some((value, depth)) = stack.pop() {
        if depth > MAX_DEPTH {
            return Err(ModelError::TooDeep { limit: MAX_DEPTH });
        }
        match value {
            Value::Array(items) => stack.extend(items.iter().map(|v| (v, depth + 1))),
            Value::Object(map) => stack.extend(map.values().map(|v| (v, depth + 1))),
            _ => {}
        }
    }
    Ok(())
}

/// VCDM 1.1 §6.3.1 "JWT decoding": `iss` → `issuer`, `jti` → `id`, `nbf` → `issuanceDate`,
/// `exp` → `expirationDate`, `sub` → `credentialSubject.id`, each only where the credential does
/// not already say it. `None` when nothing was added (the typed view reads the original then).
fn decode_jwt_claims(credential: &Value, claims: &Value) -> Option<Value> {
    let mut decoded = credential.as_object()?.clone();
    let mut changed = false;
    let mut fill = |object: &mut Map<String, Value>, key: &str, value: Option<Value>| {
        if let Some(value) = value.filter(|_| !object.contains_key(key)) {
            object.insert(key.to_owned(), value);
            changed = true;
        }
    };
    let claim_str = |name: &str| claims.get(name).filter(|v| v.is_string()).cloned();
    let claim_date = |name: &str| {
        claims
            .get(name)
            .and_then(Value::as_i64)
            .map(|secs| Value::String(Timestamp::from_unix_seconds(secs).to_rfc3339()))
    };
    fill(&mut decoded, "issuer", claim_str("iss"));
    fill(&mut decoded, "id", claim_str("jti"));
    let is_v1 = classify(credential).vcdm == Some(VcdmVersion::V1_1);
    if is_v1 {
        fill(&mut decoded, "issuanceDate", claim_date("nbf"));
        fill(&mut decoded, "expirationDate", claim_date("exp"));
    }
    if let Some(Value::Object(subject)) = decoded.get_mut("credentialSubject") {
        fill(subject, "id", claim_str("sub"));
    }
    changed.then_some(Value::Object(decoded))
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn wrong_shape_falls_back_with_a_pointer() {
        let value = json!({
            "@context": ["https://www.w3.org/ns/credentials/v2"],
            "type": ["VerifiableCredential", "OpenBadgeCredential"],
            "credentialSubject": {"achievement": {"alignment": [{"targetName": 7}]}},
            "issuer": "https://example.org"
        });
        let doc = parse(&value).unwrap();
        let error = doc.typed_error.unwrap();
        assert_eq!(
            error.to_string(),
            "/credentialSubject/achievement/alignment/0/targetName: expected a string or a language map, found number (reading an OB 3.0 AchievementCredential)"
        );
        assert!(matches!(doc.typed, Typed::Credential(_)));
    }

    #[test]
    fn issuer_shape_error_names_profile() {
        let value = json!({"type": ["VerifiableCredential"], "issuer": 5});
        let doc = parse(&value).unwrap();
        assert_eq!(
            doc.typed_error.unwrap().to_string(),
            "/issuer: expected an IRI or a Profile object, found number (reading a verifiable credential)"
        );
        assert_eq!(doc.typed, Typed::Unknown);
    }

    #[test]
    fn too_deep_is_refused() {
        let mut value = json!({});
        for _ in 0..MAX_DEPTH {
            value = json!({ "a": value });
        }
        assert_eq!(parse(&value), Err(ModelError::TooDeep { limit: MAX_DEPTH }));
    }

    #[test]
    fn jwt_claims_fill_vcdm11_properties() {
        let vc = json!({
            "@context": ["https://www.w3.org/2018/credentials/v1"],
            "type": ["VerifiableCredential"],
            "credentialSubject": {"name": "x"}
        });
        let claims = json!({"vc": vc, "iss": "did:example:1", "jti": "urn:uuid:1", "nbf": 1262304000, "sub": "did:example:2"});
        let doc = parse_jwt(&vc, &claims).unwrap();
        let Typed::Credential(credential) = &doc.typed else {
            panic!("{:?}", doc.typed)
        };
        assert_eq!(credential.issuer_id(), Some("did:example:1"));
        assert_eq!(credential.id.as_deref(), Some("urn:uuid:1"));
        assert_eq!(
            credential.issuance_date.as_ref().unwrap().text(),
            "2010-01-01T00:00:00Z"
        );
        assert_eq!(
            credential.subjects()[0].id.as_deref(),
            Some("did:example:2")
        );
        assert_eq!(*doc.original, vc);
    }
}
