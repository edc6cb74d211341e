//! Open Badges 3.0 classes (OB 3.0 Appendix B "Data Models", shared with CLR 2.0).
//!
//! Every property the specification lists has a field; anything else (extensions, properties of
//! later versions) is kept in `extra`. Required properties are `Option` here: a missing property
//! is a schema finding, not a parse failure. Only a value of the wrong JSON type fails the typed
//! parse, and then the document falls back to the generic view (see [`crate::parse`]).

use serde::{Deserialize, Serialize};
use serde_json::{Map, Number, Value};

use crate::datetime::DateTime;
use crate::tolerant::{IdOr, LangString, OneOrMany, spec_enum};
use crate::vc::Credential;
// The parts the VCDM envelope names live with it in `vc` (a credential's issuer Profile carries
// endorsements, which are credentials); they are OB 3.0 types and keep their `ob3::` paths.
pub use crate::vc::{
    EndorsementCredential, EndorsementSubject, Endorsements, Evidence, IdentifierEntry,
    IdentifierTypeEnum, Image, Profile,
};

/// An `AchievementCredential` / `OpenBadgeCredential` (OB 3.0 §B.1.1).
pub type AchievementCredential = Credential<AchievementSubject>;

/// `AchievementSubject`: the learner and what they achieved (OB 3.0 §B.1.x AchievementSubject).
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct AchievementSubject {
    /// `id` of the learner (this or `identifier` is required).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub id: Option<String>,
    /// `type` (required): contains `AchievementSubject`.
    #[serde(rename = "type", skip_serializing_if = "Option::is_none")]
    pub type_: Option<OneOrMany<String>>,
    /// `activityStartDate`.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub activity_start_date: Option<DateTime>,
    /// `activityEndDate`.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub activity_end_date: Option<DateTime>,
    /// `creditsEarned` (a float, kept as written).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub credits_earned: Option<Number>,
    /// `achievement` (required; the spec embeds it, an IRI is tolerated).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub achievement: Option<IdOr<Achievement>>,
    /// `identifier`: identity objects of the learner.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub identifier: Option<OneOrMany<IdentityObject>>,
    /// `image`.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub image: Option<IdOr<Image>>,
    /// `licenseNumber`.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub license_number: Option<String>,
    /// `narrative` (Markdown).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub narrative: Option<LangString>,
    /// `result`.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub result: Option<OneOrMany<Result>>,
    /// `role`.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub role: Option<String>,
    /// `source`: the profile that assessed on behalf of the issuer.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub source: Option<IdOr<Profile>>,
    /// `term`.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub term: Option<String>,
    /// Every other property, as written.
    #[serde(flatten)]
    pub extra: Map<String, Value>,
}

/// `Achievement` (was BadgeClass in OB 2.0; OB 3.0 §B.1.x Achievement).
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Achievement {
    /// `id` (required).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub id: Option<String>,
    /// `type` (required): contains `Achievement`.
    #[serde(rename = "type", skip_serializing_if = "Option::is_none")]
    pub type_: Option<OneOrMany<String>>,
    /// `alignment`.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub alignment: Option<OneOrMany<Alignment>>,
    /// `achievementType`.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub achievement_type: Option<AchievementType>,
    /// `creator`: when absent, the issuer is the creator.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub creator: Option<IdOr<Profile>>,
    /// `creditsAvailable` (a float, kept as written).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub credits_available: Option<Number>,
    /// `criteria` (required).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub criteria: Option<IdOr<Criteria>>,
    /// `description` (required).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub description: Option<LangString>,
    /// `endorsement`.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub endorsement: Option<Endorsements>,
    /// `endorsementJwt`.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub endorsement_jwt: Option<OneOrMany<String>>,
    /// `fieldOfStudy`.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub field_of_study: Option<String>,
    /// `humanCode`.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub human_code: Option<String>,
    /// `image`.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub image: Option<IdOr<Image>>,
    /// `inLanguage`.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub in_language: Option<String>,
    /// `name` (required).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub name: Option<LangString>,
    /// `otherIdentifier`.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub other_identifier: Option<OneOrMany<IdentifierEntry>>,
    /// `related`: e.g. translations, or the OB 2.0 BadgeClass this was upgraded from.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub related: Option<OneOrMany<Related>>,
    /// `resultDescription`.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub result_description: Option<OneOrMany<ResultDescription>>,
    /// `specialization`.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub specialization: Option<String>,
    /// `tag`.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub tag: Option<OneOrMany<String>>,
    /// `version`.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub version: Option<String>,
    /// Every other property, as written.
    #[serde(flatten)]
    pub extra: Map<String, Value>,
}

/// `Criteria` (OB 3.0 §B.1.x Criteria: `id` and/or `narrative`).
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Criteria {
    /// `id`: a URI of the criteria page.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub id: Option<String>,
    /// `narrative` (Markdown).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub narrative: Option<LangString>,
    /// Every other property, as written.
    #[serde(flatten)]
    pub extra: Map<String, Value>,
}

/// `IdentityObject`: a (possibly hashed) learner identifier (OB 3.0 §B.1.x IdentityObject).
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct IdentityObject {
    /// `type`: `IdentityObject`.
    #[serde(rename = "type", skip_serializing_if = "Option::is_none")]
    pub type_: Option<OneOrMany<String>>,
    /// `hashed`: whether `identityHash` is `<alg>$<hex>`.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub hashed: Option<bool>,
    /// `identityHash`: the identifier or its hash.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub identity_hash: Option<String>,
    /// `identityType`.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub identity_type: Option<IdentifierTypeEnum>,
    /// `salt`.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub salt: Option<String>,
    /// Every other property, as written (the schema forbids any).
    #[serde(flatten)]
    pub extra: Map<String, Value>,
}

/// `Result`: an assessment result of the learner (OB 3.0 §B.1.x Result).
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Result {
    /// `type`: `Result`.
    #[serde(rename = "type", skip_serializing_if = "Option::is_none")]
    pub type_: Option<OneOrMany<String>>,
    /// `achievedLevel`: id of a [`RubricCriterionLevel`].
    #[serde(skip_serializing_if = "Option::is_none")]
    pub achieved_level: Option<String>,
    /// `alignment`.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub alignment: Option<OneOrMany<Alignment>>,
    /// `resultDescription`: id of the [`ResultDescription`] this result answers.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub result_description: Option<String>,
    /// `status`.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub status: Option<ResultStatusType>,
    /// `value`.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub value: Option<String>,
    /// Every other property, as written.
    #[serde(flatten)]
    pub extra: Map<String, Value>,
}

/// `ResultDescription`: what results an achievement expects (OB 3.0 §B.1.x ResultDescription).
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct ResultDescription {
    /// `id`.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub id: Option<String>,
    /// `type`: `ResultDescription`.
    #[serde(rename = "type", skip_serializing_if = "Option::is_none")]
    pub type_: Option<OneOrMany<String>>,
    /// `alignment`.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub alignment: Option<OneOrMany<Alignment>>,
    /// `allowedValue`: ordered low to high.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub allowed_value: Option<OneOrMany<String>>,
    /// `name`.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub name: Option<LangString>,
    /// `requiredLevel`: id of a [`RubricCriterionLevel`].
    #[serde(skip_serializing_if = "Option::is_none")]
    pub required_level: Option<String>,
    /// `requiredValue`.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub required_value: Option<String>,
    /// `resultType`.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub result_type: Option<ResultType>,
    /// `rubricCriterionLevel`.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub rubric_criterion_level: Option<OneOrMany<RubricCriterionLevel>>,
    /// `valueMax`.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub value_max: Option<String>,
    /// `valueMin`.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub value_min: Option<String>,
    /// Every other property, as written.
    #[serde(flatten)]
    pub extra: Map<String, Value>,
}

/// `RubricCriterionLevel` (OB 3.0 §B.1.x RubricCriterionLevel).
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct RubricCriterionLevel {
    /// `id`.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub id: Option<String>,
    /// `type`: `RubricCriterionLevel`.
    #[serde(rename = "type", skip_serializing_if = "Option::is_none")]
    pub type_: Option<OneOrMany<String>>,
    /// `alignment`.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub alignment: Option<OneOrMany<Alignment>>,
    /// `description`.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub description: Option<LangString>,
    /// `level`.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub level: Option<String>,
    /// `name`.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub name: Option<LangString>,
    /// `points`.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub points: Option<String>,
    /// Every other property, as written.
    #[serde(flatten)]
    pub extra: Map<String, Value>,
}

/// `Alignment`: a link to a competency framework item (OB 3.0 §B.1.x Alignment; CASE and CTDL
/// recipes in the OB 3.0 implementation guide).
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Alignment {
    /// `type`: `Alignment`.
    #[serde(rename = "type", skip_serializing_if = "Option::is_none")]
    pub type_: Option<OneOrMany<String>>,
    /// `targetCode`.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub target_code: Option<String>,
    /// `targetDescription`.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub target_description: Option<LangString>,
    /// `targetName` (required).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub target_name: Option<LangString>,
    /// `targetFramework`.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub target_framework: Option<LangString>,
    /// `targetType`.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub target_type: Option<AlignmentTargetType>,
    /// `targetUrl` (required).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub target_url: Option<String>,
    /// Every other property, as written.
    #[serde(flatten)]
    pub extra: Map<String, Value>,
}

/// `Related` (OB 3.0 §B.1.x Related).
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Related {
    /// `id` of the related achievement.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub id: Option<String>,
    /// `type`: `Related`.
    #[serde(rename = "type", skip_serializing_if = "Option::is_none")]
    pub type_: Option<OneOrMany<String>>,
    /// `inLanguage`.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub in_language: Option<String>,
    /// `version`.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub version: Option<String>,
    /// Every other property, as written.
    #[serde(flatten)]
    pub extra: Map<String, Value>,
}

spec_enum! {
    /// `AchievementType` (OB 3.0 §B.2 enumerations; extensible with `ext:`).
    AchievementType {
        Achievement => "Achievement",
        ApprenticeshipCertificate => "ApprenticeshipCertificate",
        Assessment => "Assessment",
        Assignment => "Assignment",
        AssociateDegree => "AssociateDegree",
        Award => "Award",
        Badge => "Badge",
        BachelorDegree => "BachelorDegree",
        Certificate => "Certificate",
        CertificateOfCompletion => "CertificateOfCompletion",
        Certification => "Certification",
        CommunityService => "CommunityService",
        Competency => "Competency",
        Course => "Course",
        CoCurricular => "CoCurricular",
        Degree => "Degree",
        Diploma => "Diploma",
        DoctoralDegree => "DoctoralDegree",
        Fieldwork => "Fieldwork",
        GeneralEducationDevelopment => "GeneralEducationDevelopment",
        JourneymanCertificate => "JourneymanCertificate",
        LearningProgram => "LearningProgram",
        License => "License",
        Membership => "Membership",
        ProfessionalDoctorate => "ProfessionalDoctorate",
        QualityAssuranceCredential => "QualityAssuranceCredential",
        MasterCertificate => "MasterCertificate",
        MasterDegree => "MasterDegree",
        MicroCredential => "MicroCredential",
        ResearchDoctorate => "ResearchDoctorate",
        SecondarySchoolDiploma => "SecondarySchoolDiploma",
    }
}

spec_enum! {
    /// `ResultType` (OB 3.0 §B.2; extensible with `ext:`).
    ResultType {
        GradePointAverage => "GradePointAverage",
        LetterGrade => "LetterGrade",
        Percent => "Percent",
        PerformanceLevel => "PerformanceLevel",
        PredictedScore => "PredictedScore",
        RawScore => "RawScore",
        Result => "Result",
        RubricCriterion => "RubricCriterion",
        RubricCriterionLevel => "RubricCriterionLevel",
        RubricScore => "RubricScore",
        ScaledScore => "ScaledScore",
        Status => "Status",
    }
}

spec_enum! {
    /// `ResultStatusType` (OB 3.0 §B.2).
    ResultStatusType {
        Completed => "Completed",
        Enrolled => "Enrolled",
        Failed => "Failed",
        InProgress => "InProgress",
        OnHold => "OnHold",
        Provisional => "Provisional",
        Withdrew => "Withdrew",
    }
}

spec_enum! {
    /// `AlignmentTargetType` (OB 3.0 §B.2; extensible with `ext:`).
    AlignmentTargetType {
        CeasnCompetency => "ceasn:Competency",
        CetermsCredential => "ceterms:Credential",
        CfItem => "CFItem",
        CfRubric => "CFRubric",
        CfRubricCriterion => "CFRubricCriterion",
        CfRubricCriterionLevel => "CFRubricCriterionLevel",
        Ctdl => "CTDL",
    }
}

impl IdOr<Achievement> {
    /// The achievement's id, whether given as an IRI or embedded.
    pub fn id(&self) -> Option<&str> {
        match self {
            IdOr::Iri(iri) => Some(iri),
            IdOr::Object(achievement) => achievement.id.as_deref(),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn unknown_enum_values_are_kept() {
        let a: Achievement = serde_json::from_value(json!({"achievementType": "Program"})).unwrap();
        assert_eq!(
            a.achievement_type,
            Some(AchievementType::Other("Program".into()))
        );
        assert_eq!(
            serde_json::to_value(&a).unwrap(),
            json!({"achievementType": "Program"})
        );
        let a: Achievement = serde_json::from_value(json!({"achievementType": "Badge"})).unwrap();
        assert_eq!(a.achievement_type, Some(AchievementType::Badge));
    }
}
