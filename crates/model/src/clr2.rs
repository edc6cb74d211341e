//! CLR 2.0 classes (Comprehensive Learner Record 2.0 §B "Data Models"; the JSON schema
//! `clr_v2p0_clrcredential_schema.json` `$defs/ClrSubject`, `$defs/Association`).

use serde::{Deserialize, Serialize};
use serde_json::{Map, Value};

use crate::ob3::{Achievement, IdentityObject};
use crate::tolerant::{OneOrMany, spec_enum};
use crate::vc::Credential;

/// A `ClrCredential`.
pub type ClrCredential = Credential<ClrSubject>;

/// `ClrSubject`: the learner, their credentials and how the achievements relate.
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct ClrSubject {
    /// `id` of the learner (this or `identifier` is required).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub id: Option<String>,
    /// `type`: contains `ClrSubject`.
    #[serde(rename = "type", skip_serializing_if = "Option::is_none")]
    pub type_: Option<OneOrMany<String>>,
    /// `identifier`.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub identifier: Option<OneOrMany<IdentityObject>>,
    /// `achievement`: achievement definitions (a program and its courses), not necessarily
    /// awarded.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub achievement: Option<OneOrMany<Achievement>>,
    /// `verifiableCredential` (required, at least one): the awarded credentials, each a document
    /// of its own with its own proof; kept as JSON, to [`crate::parse`] one by one.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub verifiable_credential: Option<OneOrMany<Value>>,
    /// `association`: relations between achievements.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub association: Option<OneOrMany<Association>>,
    /// Every other property, as written.
    #[serde(flatten)]
    pub extra: Map<String, Value>,
}

/// `Association`: a relation between two achievements of the CLR (by their ids).
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Association {
    /// `type`: `Association`.
    #[serde(rename = "type", skip_serializing_if = "Option::is_none")]
    pub type_: Option<OneOrMany<String>>,
    /// `associationType`.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub association_type: Option<AssociationType>,
    /// `sourceId`: the id of the source achievement.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub source_id: Option<String>,
    /// `targetId`: the id of the target achievement.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub target_id: Option<String>,
    /// Every other property, as written.
    #[serde(flatten)]
    pub extra: Map<String, Value>,
}

spec_enum! {
    /// `AssociationType` (CLR 2.0 §B.2).
    AssociationType {
        ExactMatchOf => "exactMatchOf",
        IsChildOf => "isChildOf",
        IsParentOf => "isParentOf",
        IsPartOf => "isPartOf",
        IsPeerOf => "isPeerOf",
        IsRelatedTo => "isRelatedTo",
        Precedes => "precedes",
        ReplacedBy => "replacedBy",
    }
}
