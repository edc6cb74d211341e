//! DID documents and controller documents (<https://www.w3.org/TR/cid-1.0/>, DID Core §5):
//! which verification methods a document declares and which relationships list each one.

use serde_json::Value;

use crate::verification_method::parse_verification_method;
use crate::{ResolveError, VerificationMethod, VerificationRelationship};

/// Most verification methods read from one document.
pub const MAX_VERIFICATION_METHODS: usize = 256;

/// A parsed DID document or controller document.
#[derive(Debug, Clone, PartialEq)]
pub struct ControllerDocument {
    /// The document's `id`.
    pub id: String,
    /// The document as given, for callers that need other properties.
    pub document: Value,
    /// Every verification method found (in `verificationMethod` or embedded in a relationship),
    /// as absolute id → method object.
    methods: Vec<(String, Value)>,
    /// For each relationship, the absolute ids it lists.
    relationships: Vec<(VerificationRelationship, Vec<String>)>,
}

/// Makes `reference` absolute against the document id (`#key-1` → `did:ex:1#key-1`).
fn absolute(doc_id: &str, reference: &str) -> String {
    if reference.starts_with('#') {
        format!("{doc_id}{reference}")
    } else {
        reference.to_owned()
    }
}

impl ControllerDocument {
    /// Reads a document. Methods that cannot be read are kept and reported only when asked for,
    /// so one odd key does not hide the others.
    pub fn parse(document: &Value) -> Result<ControllerDocument, ResolveError> {
        let id = document
            .get("id")
            .and_then(Value::as_str)
            .ok_or_else(|| ResolveError::Document {
                id: String::new(),
                reason: "document has no string id".into(),
            })?
            .to_owned();
        let mut methods = Vec::new();
        let mut push_method = |method: &Value| -> Result<String, ResolveError> {
            let mid = method
                .get("id")
                .and_then(Value::as_str)
                .map(|m| absolute(&id, m))
                .ok_or_else(|| ResolveError::Document {
                    id: id.clone(),
                    reason: "verification method without a string id".into(),
                })?;
            if methods.len() >= MAX_VERIFICATION_METHODS {
                return Err(ResolveError::LimitExceeded {
                    what: "verification methods in one document",
                    limit: MAX_VERIFICATION_METHODS,
                });
            }
            methods.push((mid.clone(), method.clone()));
            Ok(mid)
        };
        let as_list = |v: Option<&Value>| -> Vec<Value> {
            match v {
                Some(Value::Array(a)) => a.clone(),
                Some(other @ (Value::Object(_) | Value::String(_))) => vec![other.clone()],
                _ => Vec::new(),
            }
        };
        for m in as_list(document.get("verificationMethod")) {
            if m.is_object() {
                push_method(&m)?;
            }
        }
        // OB 2.0 issuer profiles name their keys in `publicKey` (string or object).
        for m in as_list(document.get("publicKey")) {
            if m.is_object() {
                push_method(&m)?;
            }
        }
        let mut relationships = Vec::new();
        for rel in VerificationRelationship::ALL {
            let mut ids = Vec::new();
            for entry in as_list(document.get(rel.name())) {
                match &entry {
                    Value::String(s) => ids.push(absolute(&id, s)),
                    Value::Object(_) => ids.push(push_method(&entry)?),
                    _ => {}
                }
            }
            relationships.push((rel, ids));
        }
        Ok(ControllerDocument {
            id,
            document: document.clone(),
            methods,
            relationships,
        })
    }

    /// The ids of every verification method the document declares.
    pub fn method_ids(&self) -> impl Iterator<Item = &str> {
        self.methods.iter().map(|(id, _)| id.as_str())
    }

    /// The relationships that list `method_id`.
    #[must_use]
    pub fn relationships_of(&self, method_id: &str) -> Vec<VerificationRelationship> {
        self.relationships
            .iter()
            .filter(|(_, ids)| ids.iter().any(|i| i == method_id))
            .map(|(rel, _)| *rel)
            .collect()
    }

    /// Resolves `method_id` (absolute, or `#fragment`) to a verification method with its
    /// relationships filled in.
    ///
    /// A method whose `controller` is not this document is refused (controller documents §3.3:
    /// a document may only vouch for methods it controls).
    pub fn verification_method(&self, method_id: &str) -> Result<VerificationMethod, ResolveError> {
        let wanted = absolute(&self.id, method_id);
        let (id, object) = self
            .methods
            .iter()
            .find(|(id, _)| *id == wanted)
            .ok_or_else(|| ResolveError::VerificationMethodNotFound { id: wanted.clone() })?;
        let mut method = parse_verification_method(id, object)?;
        if method.controller.is_empty() {
            method.controller = self.id.clone();
        } else if method.controller != self.id {
            return Err(ResolveError::Document {
                id: id.clone(),
                reason: format!(
                    "verification method controller {:?} is not the document {:?}",
                    method.controller, self.id
                ),
            });
        }
        method.relationships = Some(self.relationships_of(id));
        Ok(method)
    }
}

/// The DID part of a DID URL or the document URL of a verification-method id: everything
/// before `#` (and before `?` for DID URLs).
#[must_use]
pub fn document_id_of(method_id: &str) -> &str {
    let end = method_id.find(['#', '?']).unwrap_or(method_id.len());
    method_id.get(..end).unwrap_or(method_id)
}
