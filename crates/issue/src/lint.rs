//! The data-quality lint: what an employer needs from a credential and what is missing.
//!
//! It reads an achievement template, an OB 3.0 `AchievementCredential`, a CLR 2.0
//! `ClrCredential` (each inner credential is linted at its pointer), a bare `Achievement`, or
//! an OB 2.0 `BadgeClass`/`Assertion` with an embedded badge. Each rule has a stable id, a
//! severity, a weight and a fix hint; the rule table is [`RULES`] (and `docs/lint-rules.md`
//! in this crate). The score is 100 minus the weight of every rule that fired (each rule
//! counts once however often it fired), never below 0. The rules follow the OB 3.0 required
//! properties, the 1EdTech recommended practices and the TrustEd Microcredential framework's
//! minimum data (skills and framework alignment, criteria, levels, evidence, issuer identity);
//! the TrustEd field table is unpublished, so these rules are our reading of it and carry
//! their own version, [`RULES_VERSION`].

use serde::Serialize;
use serde_json::Value;

use crate::template::looks_like_iri;

/// The version of the rule set; bump it when a rule, weight or severity changes, so a stored
/// score can say which rules made it.
pub const RULES_VERSION: &str = "credbridge-lint/1.0.0";

/// Most findings one report holds; further ones are counted in [`LintReport::truncated`].
pub const MAX_FINDINGS: usize = 500;

/// Most inner credentials of a CLR that are linted.
pub const MAX_CLR_CREDENTIALS: usize = 200;

/// How serious a finding is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Severity {
    /// A required property is missing or wrong: the spec or a verifier rejects it.
    Error,
    /// Recommended data an employer relies on is missing.
    Warning,
    /// Nice to have.
    Info,
}

/// One lint rule.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub struct Rule {
    /// Stable id, e.g. `criteria-specific`.
    pub id: &'static str,
    /// Severity of its findings.
    pub severity: Severity,
    /// Points taken off the score of 100 when it fires.
    pub weight: u8,
    /// What it checks, in one line.
    pub title: &'static str,
    /// How to fix a finding, in plain words.
    pub hint: &'static str,
}

macro_rules! rules {
    ($( $name:ident = $id:literal, $sev:ident, $w:literal, $title:literal, $hint:literal; )*) => {
        $( #[doc = $title] pub const $name: &Rule = &Rule {
            id: $id, severity: Severity::$sev, weight: $w, title: $title, hint: $hint }; )*
        /// Every rule, in report order.
        pub const RULES: &[&Rule] = &[$($name),*];
    };
}

rules! {
    ACHIEVEMENT_ID = "achievement-id", Error, 15, "the achievement has an id that is an IRI",
        "give the achievement a stable URL or urn:uuid id; it is how employers tell achievements apart";
    ACHIEVEMENT_NAME = "achievement-name", Error, 15, "the achievement has a name",
        "add a short name such as \"Welding Level 1\"";
    ACHIEVEMENT_DESCRIPTION = "achievement-description", Error, 10, "the achievement has a description",
        "add one or two sentences saying what the holder can do";
    CRITERIA_PRESENT = "criteria-present", Error, 15, "criteria has a narrative or an id",
        "add criteria.narrative saying what the learner had to do to earn it";
    CRITERIA_SPECIFIC = "criteria-specific", Warning, 8, "the criteria narrative is specific (at least 12 words, not boilerplate)",
        "say what was assessed, how, and to what standard (hours, tasks, pass mark)";
    ACHIEVEMENT_TYPE = "achievement-type", Warning, 4, "achievementType is set to a known value or ext:",
        "set achievementType, e.g. Certificate, Badge, Course, Competency, or ext:YourType";
    ALIGNMENT_PRESENT = "alignment-present", Warning, 10, "at least one alignment to a skills framework",
        "align the achievement to an ESCO, O*NET, CASE or OSMT RSD skill by its IRI";
    ALIGNMENT_SHAPE = "alignment-shape", Error, 6, "each alignment has targetName and an IRI targetUrl",
        "give every alignment a targetName and the framework's IRI as targetUrl";
    ALIGNMENT_KNOWN = "alignment-known-framework", Warning, 6, "an alignment points into a known framework",
        "use the framework's own concept IRI (ESCO http://data.europa.eu/esco/skill/…, O*NET onetonline.org/link/summary/…, CASE …/uri/<uuid>, RSD …/api/skills/<uuid>)";
    LEVELS_DESCRIBED = "levels-described", Warning, 5, "every rubric level has a name and a description",
        "describe what each level means so a reader can tell Pass from Distinction";
    RESULT_DESCRIPTION = "result-description", Info, 2, "results or levels are described (resultDescription)",
        "add a resultDescription (e.g. a RubricCriterionLevel scale) when the achievement is graded";
    IMAGE_PRESENT = "image-present", Info, 2, "the achievement has an image",
        "add an image (PNG or SVG) for display in wallets";
    IMAGE_ALT = "image-alt-text", Warning, 3, "every image has alternative text (caption)",
        "write the image as {id: URL, caption: \"what the image shows\"} for screen readers";
    LANGUAGE_TAG = "language-tag", Info, 2, "inLanguage is a BCP 47 language tag",
        "set inLanguage, e.g. en or en-GB";
    DISCOVERY_FIELDS = "discovery-fields", Info, 2, "tag and fieldOfStudy help search",
        "add a few tags and the fieldOfStudy";
    CREDITS = "credits", Info, 1, "creditsAvailable is given for credit-bearing types",
        "state creditsAvailable for courses and degrees";
    VERSIONED = "versioned", Info, 1, "the achievement carries a version or humanCode",
        "add version (and humanCode if your catalogue has one)";
    EXPIRY_POLICY = "expiry-policy", Info, 3, "an expiry policy is stated (validUntil or template expiry)",
        "state expiry: never, or expiry: {days: N} in the template";
    EVIDENCE = "evidence", Warning, 4, "evidence of the work is linked",
        "link evidence (a portfolio item, assessment record) in evidence[]; set evidenceRequired in the template to require it per row";
    ISSUER_PROFILE = "issuer-profile", Warning, 5, "the issuer profile has name, url and email",
        "fill in the issuer's name, url and email";
    ISSUER_OFFICIAL_ID = "issuer-official-identifier", Warning, 4, "the issuer carries an official identifier",
        "add otherIdentifier entries (e.g. ext:IPEDS, ext:UKPRN) to the issuer profile";
    ISSUER_DOMAIN_DID = "issuer-domain-linked", Warning, 4, "the issuer id is linked to a domain (did:web or https)",
        "issue from a did:web or https issuer id so the issuer's domain vouches for the key";
    RECIPIENT = "recipient-identified", Error, 10, "the credential subject has an id or an identifier",
        "identify the learner by a DID or a hashed email IdentityObject";
    PROOF = "proof-present", Warning, 5, "the credential is signed",
        "sign the credential (a Data Integrity proof or a VC-JWT)";
    STATUS = "status-present", Info, 2, "the credential can be revoked (credentialStatus)",
        "add a credentialStatus entry so the issuer can revoke it";
    RECOGNIZED = "recognized-document", Error, 40, "the document is a template, an achievement or a credential",
        "lint an achievement template, an OB 3.0/2.0 credential or a CLR 2.0 credential";
}

/// One thing the lint found.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Finding {
    /// The rule id.
    pub rule: &'static str,
    /// Its severity.
    pub severity: Severity,
    /// RFC 6901 pointer to where the data is (or should be).
    pub pointer: String,
    /// What was found.
    pub message: String,
    /// How to fix it.
    pub hint: &'static str,
}

/// What kind of document was linted.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum LintedKind {
    /// An achievement template.
    Template,
    /// An OB 3.0 AchievementCredential / OpenBadgeCredential.
    AchievementCredential,
    /// A CLR 2.0 ClrCredential.
    ClrCredential,
    /// An OB 3.0 Achievement on its own.
    Achievement,
    /// An OB 2.0 Assertion or BadgeClass.
    OpenBadges2,
    /// Something else (an endorsement, a status list, a DID document…).
    Other,
}

/// The lint of one document.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct LintReport {
    /// [`RULES_VERSION`].
    pub rules_version: &'static str,
    /// What was linted.
    pub kind: LintedKind,
    /// 0-100.
    pub score: u8,
    /// The findings, sorted by severity then pointer.
    pub findings: Vec<Finding>,
    /// Findings left out beyond [`MAX_FINDINGS`].
    pub truncated: usize,
}

impl LintReport {
    /// Ids of the rules that fired, sorted and without repeats.
    pub fn rules_fired(&self) -> Vec<&'static str> {
        let mut ids: Vec<&'static str> = self.findings.iter().map(|f| f.rule).collect();
        ids.sort_unstable();
        ids.dedup();
        ids
    }
}

impl std::fmt::Display for LintReport {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(
            f,
            "lint {:?}: score {}/100 ({})",
            self.kind, self.score, self.rules_version
        )?;
        for x in &self.findings {
            let at = if x.pointer.is_empty() {
                "(root)"
            } else {
                &x.pointer
            };
            write!(
                f,
                "\n  {:?} {} at {at}: {} (fix: {})",
                x.severity, x.rule, x.message, x.hint
            )?;
        }
        Ok(())
    }
}

/// The answer of an [`AlignmentChecker`].
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum AlignmentCheck {
    /// The IRI names a concept of this framework (resolved, or shaped like one).
    Known {
        /// The framework (`ESCO`, `O*NET`, `CASE`, `OSMT RSD`, `CTDL`).
        framework: String,
    },
    /// The IRI is in a known framework's namespace but names no concept in it.
    UnknownConcept {
        /// The framework.
        framework: String,
    },
    /// Not a known framework.
    NotAFramework,
}

/// Decides whether an alignment's `targetUrl` is a concept of a known skills framework. The
/// default, [`IriShapeChecker`], recognises IRI shapes; the skills crate's resolver can be
/// plugged in to check that the concept exists in the bundled frameworks.
pub trait AlignmentChecker: Send + Sync {
    /// Checks one `targetUrl` (with the alignment's `targetType`, if any).
    fn check(&self, target_url: &str, target_type: Option<&str>) -> AlignmentCheck;
}

/// Recognises framework IRIs by their shape: ESCO (`data.europa.eu/esco/…`), O*NET
/// (`onetonline.org`, `onetcenter.org`), CASE (`…/uri/<uuid>`, or `targetType` `CFItem`),
/// OSMT RSD (`…/api/skills/<uuid>`), Credential Engine CTDL (`credentialengineregistry.org`).
#[derive(Debug, Clone, Copy, Default)]
pub struct IriShapeChecker;

fn is_uuid(text: &str) -> bool {
    let parts: Vec<&str> = text.split('-').collect();
    parts.iter().map(|p| p.len()).collect::<Vec<_>>() == [8, 4, 4, 4, 12]
        && parts
            .iter()
            .all(|p| p.bytes().all(|b| b.is_ascii_hexdigit()))
}

impl AlignmentChecker for IriShapeChecker {
    fn check(&self, target_url: &str, target_type: Option<&str>) -> AlignmentCheck {
        let lower = target_url.to_ascii_lowercase();
        let Some(rest) = lower
            .strip_prefix("https://")
            .or_else(|| lower.strip_prefix("http://"))
        else {
            return AlignmentCheck::NotAFramework;
        };
        let (host, path) = rest.split_once('/').unwrap_or((rest, ""));
        let last = path.trim_end_matches('/').rsplit('/').next().unwrap_or("");
        let known = |name: &str| AlignmentCheck::Known {
            framework: name.into(),
        };
        let unknown = |name: &str| AlignmentCheck::UnknownConcept {
            framework: name.into(),
        };
        if host == "data.europa.eu" && path.starts_with("esco/") {
            let concept = [
                "esco/skill/",
                "esco/occupation/",
                "esco/isco/",
                "esco/skill-group/",
            ]
            .iter()
            .any(|p| path.starts_with(p));
            return if concept && !last.is_empty() {
                known("ESCO")
            } else {
                unknown("ESCO")
            };
        }
        if host.ends_with("onetonline.org") || host.ends_with("onetcenter.org") {
            // O*NET-SOC codes (15-1252.00) or content-model element ids (2.A.1.a).
            let code = last.split('?').next().unwrap_or("");
            let soc = code.len() == 10 && code.as_bytes().get(2) == Some(&b'-');
            let element = code.contains('.') && code.starts_with(|c: char| c.is_ascii_digit());
            return if soc || element {
                known("O*NET")
            } else {
                unknown("O*NET")
            };
        }
        if host.ends_with("credentialengineregistry.org") || host.ends_with("credentialengine.org")
        {
            return known("CTDL");
        }
        if path.contains("api/skills/") && is_uuid(last) {
            return known("OSMT RSD");
        }
        if (path.starts_with("uri/") || path.contains("/uri/")) && is_uuid(last) {
            return known("CASE");
        }
        if matches!(
            target_type,
            Some("CFItem" | "CFRubric" | "CFRubricCriterion" | "CFRubricCriterionLevel")
        ) {
            return known("CASE");
        }
        AlignmentCheck::NotAFramework
    }
}

/// The known `achievementType` values (OB 3.0 AchievementType enumeration).
const ACHIEVEMENT_TYPES: &[&str] = &[
    "Achievement",
    "ApprenticeshipCertificate",
    "Assessment",
    "Assignment",
    "AssociateDegree",
    "Award",
    "Badge",
    "BachelorDegree",
    "Certificate",
    "CertificateOfCompletion",
    "Certification",
    "CommunityService",
    "Competency",
    "Course",
    "CoCurricular",
    "Degree",
    "Diploma",
    "DoctoralDegree",
    "Fieldwork",
    "GeneralEducationDevelopment",
    "JourneymanCertificate",
    "LearningProgram",
    "License",
    "Membership",
    "ProfessionalDoctorate",
    "QualityAssuranceCredential",
    "MasterCertificate",
    "MasterDegree",
    "MicroCredential",
    "ResearchDoctorate",
    "SecondarySchoolDiploma",
];

const CREDIT_TYPES: &[&str] = &[
    "Course",
    "AssociateDegree",
    "BachelorDegree",
    "MasterDegree",
    "DoctoralDegree",
    "Degree",
    "Diploma",
    "LearningProgram",
];

/// Boilerplate criteria narratives seen in the wild that say nothing about the standard.
const BOILERPLATE: &[&str] = &[
    "complete the course",
    "completed the course",
    "successfully completed",
    "earn this badge",
    "to earn this",
    "lorem ipsum",
    "criteria go here",
    "tbd",
    "todo",
];

/// Lints any document: decides what it is (template, credential, CLR, achievement, OB 2.0)
/// and applies the rules that fit.
pub fn lint_document(document: &Value, checker: &dyn AlignmentChecker) -> LintReport {
    let mut lint = Lint {
        findings: Vec::new(),
        checker,
    };
    let kind = lint.document(document, "");
    lint.finish(kind)
}

/// Lints an achievement template (its JSON form as written: pointers are into the template).
pub fn lint_template(source: &Value, checker: &dyn AlignmentChecker) -> LintReport {
    let mut lint = Lint {
        findings: Vec::new(),
        checker,
    };
    lint.template(source, "");
    lint.finish(LintedKind::Template)
}

struct Lint<'a> {
    findings: Vec<Finding>,
    checker: &'a dyn AlignmentChecker,
}

fn types(value: &Value) -> Vec<&str> {
    match value.get("type").or_else(|| value.get("@type")) {
        Some(Value::String(s)) => vec![s.as_str()],
        Some(Value::Array(items)) => items.iter().filter_map(Value::as_str).collect(),
        _ => Vec::new(),
    }
}

fn text<'v>(value: &'v Value, key: &str) -> Option<&'v str> {
    match value.get(key)? {
        Value::String(s) if !s.trim().is_empty() => Some(s),
        // A language map ({"en": "…"}): any non-empty value counts.
        Value::Object(map) => map
            .values()
            .find_map(Value::as_str)
            .filter(|s| !s.trim().is_empty()),
        _ => None,
    }
}

fn list(value: Option<&Value>) -> Vec<&Value> {
    match value {
        Some(Value::Array(items)) => items.iter().collect(),
        Some(Value::Null) | None => Vec::new(),
        Some(one) => vec![one],
    }
}

fn escape(token: &str) -> String {
    token.replace('~', "~0").replace('/', "~1")
}

fn is_language_tag(tag: &str) -> bool {
    let mut parts = tag.split('-');
    let first = parts.next().unwrap_or("");
    (2..=3).contains(&first.len())
        && first.bytes().all(|b| b.is_ascii_alphabetic())
        && parts.all(|p| (1..=8).contains(&p.len()) && p.bytes().all(|b| b.is_ascii_alphanumeric()))
}

impl Lint<'_> {
    fn add(&mut self, rule: &'static Rule, pointer: &str, message: impl Into<String>) {
        self.findings.push(Finding {
            rule: rule.id,
            severity: rule.severity,
            pointer: pointer.to_owned(),
            message: message.into(),
            hint: rule.hint,
        });
    }

    fn finish(mut self, kind: LintedKind) -> LintReport {
        self.findings.sort_by(|a, b| {
            (a.severity, &a.pointer, a.rule).cmp(&(b.severity, &b.pointer, b.rule))
        });
        let score = rescore(&self.findings);
        let truncated = self.findings.len().saturating_sub(MAX_FINDINGS);
        self.findings.truncate(MAX_FINDINGS);
        LintReport {
            rules_version: RULES_VERSION,
            kind,
            score,
            findings: self.findings,
            truncated,
        }
    }

    fn document(&mut self, doc: &Value, at: &str) -> LintedKind {
        let t = types(doc);
        let has = |name: &str| t.contains(&name);
        if has("ClrCredential") {
            self.clr(doc, at);
            LintedKind::ClrCredential
        } else if has("AchievementCredential") || has("OpenBadgeCredential") {
            self.credential(doc, at);
            LintedKind::AchievementCredential
        } else if has("Achievement") {
            self.achievement(doc, at);
            LintedKind::Achievement
        } else if has("Assertion") || has("BadgeClass") {
            self.ob2(doc, at);
            LintedKind::OpenBadges2
        } else if doc.get("@context").is_none()
            && doc.get("name").is_some()
            && doc.get("criteria").is_some()
        {
            self.template(doc, at);
            LintedKind::Template
        } else {
            self.add(
                RECOGNIZED,
                at,
                format!("a document of type {t:?} has no achievement to lint"),
            );
            LintedKind::Other
        }
    }

    fn template(&mut self, source: &Value, at: &str) {
        self.achievement(source, at);
        if source.get("expiry").is_none() {
            self.add(
                EXPIRY_POLICY,
                &format!("{at}/expiry"),
                "the template states no expiry policy",
            );
        }
        // An explicit `evidenceRequired: false` is a stated policy; silence is what is flagged.
        if source.get("evidenceRequired").is_none() {
            self.add(
                EVIDENCE,
                &format!("{at}/evidenceRequired"),
                "the template does not say whether rows must link evidence",
            );
        }
    }

    fn credential(&mut self, doc: &Value, at: &str) {
        let subject_at = format!("{at}/credentialSubject");
        let subject = doc.get("credentialSubject").unwrap_or(&Value::Null);
        // A subject list: the first is the recipient (OB 3.0 has one).
        let (subject, subject_at) = match subject {
            Value::Array(items) => (
                items.first().unwrap_or(&Value::Null),
                format!("{subject_at}/0"),
            ),
            one => (one, subject_at),
        };
        match subject.get("achievement") {
            Some(achievement) => {
                self.achievement(achievement, &format!("{subject_at}/achievement"))
            }
            None => self.add(
                ACHIEVEMENT_ID,
                &format!("{subject_at}/achievement"),
                "the subject has no achievement",
            ),
        }
        let identified =
            text(subject, "id").is_some() || !list(subject.get("identifier")).is_empty();
        if !identified {
            self.add(
                RECIPIENT,
                &subject_at,
                "neither credentialSubject.id nor identifier[] is given",
            );
        }
        self.issuer(doc.get("issuer"), &format!("{at}/issuer"));
        if doc.get("validUntil").is_none() && doc.get("expirationDate").is_none() {
            self.add(
                EXPIRY_POLICY,
                &format!("{at}/validUntil"),
                "no validUntil: the credential never lapses (fine if intended)",
            );
        }
        if list(doc.get("evidence")).is_empty() {
            self.add(EVIDENCE, &format!("{at}/evidence"), "no evidence is linked");
        }
        if doc.get("proof").is_none() {
            self.add(
                PROOF,
                &format!("{at}/proof"),
                "no embedded proof (fine inside a VC-JWT)",
            );
        }
        if doc.get("credentialStatus").is_none() {
            self.add(
                STATUS,
                &format!("{at}/credentialStatus"),
                "no credentialStatus: it cannot be revoked",
            );
        }
        if let Some(image) = doc.get("image") {
            self.image_alt(image, &format!("{at}/image"));
        }
    }

    fn clr(&mut self, doc: &Value, at: &str) {
        self.issuer(doc.get("issuer"), &format!("{at}/issuer"));
        let subject = doc.get("credentialSubject").unwrap_or(&Value::Null);
        let sub_at = format!("{at}/credentialSubject");
        if text(subject, "id").is_none() && list(subject.get("identifier")).is_empty() {
            self.add(
                RECIPIENT,
                &sub_at,
                "neither credentialSubject.id nor identifier[] is given",
            );
        }
        for (i, inner) in list(subject.get("verifiableCredential"))
            .into_iter()
            .take(MAX_CLR_CREDENTIALS)
            .enumerate()
        {
            let inner_at = format!("{sub_at}/verifiableCredential/{i}");
            // A CLR inside a CLR is not descended into: nesting depth stays bounded whatever
            // the input (CLR 2.0 holds AchievementCredentials).
            if types(inner).contains(&"ClrCredential") {
                self.add(
                    RECOGNIZED,
                    &inner_at,
                    "a CLR nested in a CLR is not linted; lint it on its own",
                );
            } else if inner.is_object() {
                self.document(inner, &inner_at);
            }
        }
        for (i, achievement) in list(subject.get("achievement"))
            .into_iter()
            .take(MAX_CLR_CREDENTIALS)
            .enumerate()
        {
            self.achievement(achievement, &format!("{sub_at}/achievement/{i}"));
        }
    }

    fn ob2(&mut self, doc: &Value, at: &str) {
        let (badge, badge_at) = if types(doc).contains(&"Assertion") {
            match doc.get("badge") {
                Some(b @ Value::Object(_)) => (b, format!("{at}/badge")),
                _ => {
                    // A hosted BadgeClass: only its IRI is here; fetch and lint it.
                    return;
                }
            }
        } else {
            (doc, at.to_owned())
        };
        self.achievement(badge, &badge_at);
    }

    fn issuer(&mut self, issuer: Option<&Value>, at: &str) {
        let (id, profile) = match issuer {
            Some(Value::String(id)) => (Some(id.as_str()), None),
            Some(p @ Value::Object(_)) => (text(p, "id"), Some(p)),
            _ => (None, None),
        };
        match profile {
            None => self.add(
                ISSUER_PROFILE,
                at,
                "the issuer is only an IRI: no name, url or email travel with the credential",
            ),
            Some(p) => {
                let missing: Vec<&str> = ["name", "url", "email"]
                    .into_iter()
                    .filter(|k| text(p, k).is_none())
                    .collect();
                if !missing.is_empty() {
                    self.add(
                        ISSUER_PROFILE,
                        at,
                        format!("the issuer profile lacks {}", missing.join(", ")),
                    );
                }
                if list(p.get("otherIdentifier")).is_empty() && p.get("official").is_none() {
                    self.add(
                        ISSUER_OFFICIAL_ID,
                        &format!("{at}/otherIdentifier"),
                        "no official identifier",
                    );
                }
                if let Some(image) = p.get("image") {
                    self.image_alt(image, &format!("{at}/image"));
                }
            }
        }
        if let Some(id) = id
            && !(id.starts_with("did:web:") || id.starts_with("https://"))
        {
            let method = id.split(':').take(2).collect::<Vec<_>>().join(":");
            self.add(
                ISSUER_DOMAIN_DID,
                &format!("{at}/id"),
                format!("the issuer id is a {method} identifier, not tied to a domain"),
            );
        }
    }

    fn image_alt(&mut self, image: &Value, at: &str) {
        let caption = image.is_object() && text(image, "caption").is_some();
        if !caption {
            self.add(IMAGE_ALT, at, "the image has no caption (alternative text)");
        }
    }

    /// The achievement rules (OB 3.0 Achievement, or an OB 2.0 BadgeClass read the same way).
    fn achievement(&mut self, a: &Value, at: &str) {
        let p = |key: &str| format!("{at}/{}", escape(key));
        if !a.is_object() {
            self.add(
                ACHIEVEMENT_ID,
                at,
                "the achievement is not embedded (only an IRI)",
            );
            return;
        }
        match a.get("id").and_then(Value::as_str) {
            Some(id) if looks_like_iri(id) => {}
            Some(id) => self.add(ACHIEVEMENT_ID, &p("id"), format!("{id:?} is not an IRI")),
            None => self.add(ACHIEVEMENT_ID, &p("id"), "no id"),
        }
        if text(a, "name").is_none() {
            self.add(ACHIEVEMENT_NAME, &p("name"), "no name");
        }
        if text(a, "description").is_none() {
            self.add(ACHIEVEMENT_DESCRIPTION, &p("description"), "no description");
        }
        self.criteria(a.get("criteria"), &p("criteria"));
        match a.get("achievementType").and_then(Value::as_str) {
            None => self.add(
                ACHIEVEMENT_TYPE,
                &p("achievementType"),
                "no achievementType",
            ),
            Some(t) if ACHIEVEMENT_TYPES.contains(&t) || t.starts_with("ext:") => {}
            Some(t) => self.add(
                ACHIEVEMENT_TYPE,
                &p("achievementType"),
                format!("{t:?} is not an OB 3.0 achievement type (prefix extensions with ext:)"),
            ),
        }
        self.alignments(a.get("alignment"), &p("alignment"));
        self.results(a.get("resultDescription"), &p("resultDescription"));
        match a.get("image") {
            None => self.add(IMAGE_PRESENT, &p("image"), "no image"),
            Some(image) => self.image_alt(image, &p("image")),
        }
        match a.get("inLanguage").and_then(Value::as_str) {
            None => self.add(LANGUAGE_TAG, &p("inLanguage"), "no inLanguage"),
            Some(tag) if is_language_tag(tag) => {}
            Some(tag) => self.add(
                LANGUAGE_TAG,
                &p("inLanguage"),
                format!("{tag:?} is not a BCP 47 tag"),
            ),
        }
        let tags = list(a.get("tag").or_else(|| a.get("tags")));
        if tags.is_empty() && a.get("fieldOfStudy").is_none() {
            self.add(DISCOVERY_FIELDS, &p("tag"), "neither tag nor fieldOfStudy");
        }
        if let Some(t) = a.get("achievementType").and_then(Value::as_str)
            && CREDIT_TYPES.contains(&t)
            && a.get("creditsAvailable").is_none()
        {
            self.add(
                CREDITS,
                &p("creditsAvailable"),
                format!("a {t} without creditsAvailable"),
            );
        }
        if a.get("version").is_none() && a.get("humanCode").is_none() {
            self.add(VERSIONED, &p("version"), "neither version nor humanCode");
        }
    }

    fn criteria(&mut self, criteria: Option<&Value>, at: &str) {
        let narrative = match criteria {
            Some(c @ Value::Object(_)) => {
                let narrative = text(c, "narrative");
                if narrative.is_none() && text(c, "id").is_none() {
                    self.add(
                        CRITERIA_PRESENT,
                        at,
                        "criteria has neither narrative nor id",
                    );
                    return;
                }
                narrative
            }
            // OB 2.0 allows an IRI for criteria.
            Some(Value::String(s)) if looks_like_iri(s) => None,
            _ => {
                self.add(CRITERIA_PRESENT, at, "no criteria");
                return;
            }
        };
        match narrative {
            Some(n) => {
                let words = n.split_whitespace().count();
                let lower = n.to_lowercase();
                let boiler = BOILERPLATE
                    .iter()
                    .find(|b| lower.contains(**b) && words < 25);
                if words < 12 {
                    self.add(
                        CRITERIA_SPECIFIC,
                        &format!("{at}/narrative"),
                        format!("the narrative has {words} words"),
                    );
                } else if let Some(b) = boiler {
                    self.add(
                        CRITERIA_SPECIFIC,
                        &format!("{at}/narrative"),
                        format!("the narrative is boilerplate ({b:?})"),
                    );
                }
            }
            None => self.add(
                CRITERIA_SPECIFIC,
                &format!("{at}/narrative"),
                "criteria is only a link; no narrative travels with the credential",
            ),
        }
    }

    fn alignments(&mut self, alignments: Option<&Value>, at: &str) {
        let items = list(alignments);
        if items.is_empty() {
            self.add(ALIGNMENT_PRESENT, at, "no alignment");
            return;
        }
        let mut known = false;
        let mut unknown_concepts = Vec::new();
        for (i, item) in items.iter().enumerate() {
            let item_at = format!("{at}/{i}");
            let url = text(item, "targetUrl");
            if text(item, "targetName").is_none() {
                self.add(
                    ALIGNMENT_SHAPE,
                    &format!("{item_at}/targetName"),
                    "no targetName",
                );
            }
            match url {
                Some(u) if looks_like_iri(u) => {
                    match self
                        .checker
                        .check(u, item.get("targetType").and_then(Value::as_str))
                    {
                        AlignmentCheck::Known { .. } => known = true,
                        AlignmentCheck::UnknownConcept { framework } => unknown_concepts.push((
                            format!("{item_at}/targetUrl"),
                            framework,
                            u.to_owned(),
                        )),
                        AlignmentCheck::NotAFramework => {}
                    }
                }
                Some(u) => self.add(
                    ALIGNMENT_SHAPE,
                    &format!("{item_at}/targetUrl"),
                    format!("{u:?} is not an IRI"),
                ),
                None => self.add(
                    ALIGNMENT_SHAPE,
                    &format!("{item_at}/targetUrl"),
                    "no targetUrl",
                ),
            }
        }
        if !known {
            if unknown_concepts.is_empty() {
                self.add(
                    ALIGNMENT_KNOWN,
                    at,
                    "no alignment points into ESCO, O*NET, CASE, OSMT RSD or CTDL",
                );
            }
            for (pointer, framework, url) in unknown_concepts {
                self.add(
                    ALIGNMENT_KNOWN,
                    &pointer,
                    format!("{url} is in the {framework} namespace but names no concept there"),
                );
            }
        }
    }

    fn results(&mut self, descriptions: Option<&Value>, at: &str) {
        let items = list(descriptions);
        if items.is_empty() {
            self.add(RESULT_DESCRIPTION, at, "no resultDescription");
            return;
        }
        for (i, rd) in items.iter().enumerate() {
            for (j, level) in list(rd.get("rubricCriterionLevel")).iter().enumerate() {
                let level_at = format!("{at}/{i}/rubricCriterionLevel/{j}");
                let missing: Vec<&str> = ["name", "description"]
                    .into_iter()
                    .filter(|k| text(level, k).is_none())
                    .collect();
                if !missing.is_empty() {
                    self.add(
                        LEVELS_DESCRIBED,
                        &level_at,
                        format!("the level lacks {}", missing.join(" and ")),
                    );
                }
            }
        }
    }
}

/// The lint of one item of a file (a zip or a CLR file can hold several).
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct FileLint {
    /// Where the item is (`file`, `file.zip!inner.json`).
    pub path: String,
    /// Its report.
    pub report: LintReport,
}

/// Lints a file for `credbridge lint`: `.yaml`/`.yml` files are templates; anything else is
/// decoded with `credbridge-formats` (JSON, JWT, baked PNG/SVG, zip, JSON Lines) and each
/// credential in it is linted with [`lint_document`]. A template in JSON is recognised by
/// its shape (no `@context`, a `criteria`).
pub fn lint_file(
    path: &std::path::Path,
    checker: &dyn AlignmentChecker,
) -> Result<Vec<FileLint>, crate::IssueError> {
    let name = path.display().to_string();
    let ext = path
        .extension()
        .and_then(|e| e.to_str())
        .unwrap_or("")
        .to_ascii_lowercase();
    if ext == "yaml" || ext == "yml" {
        let template = crate::Template::load(path)?;
        return Ok(vec![FileLint {
            path: name,
            report: lint_template(&template.source, checker),
        }]);
    }
    let limits = credbridge_formats::Limits::default();
    let mut out = Vec::new();
    for item in credbridge_formats::decode_path(path, &limits) {
        let report = match item {
            Ok(item) => {
                let at = item.path.to_string();
                let report = match &item.payload {
                    credbridge_formats::Payload::Json { value, .. } => {
                        lint_document(value, checker)
                    }
                    credbridge_formats::Payload::Jws {
                        credential: Some(c),
                        ..
                    } => {
                        let mut r = lint_document(c, checker);
                        // The JWS is the proof: an embedded one is not expected.
                        r.findings.retain(|f| f.rule != PROOF.id);
                        r.score = rescore(&r.findings);
                        r
                    }
                    other => {
                        let mut lint = Lint {
                            findings: Vec::new(),
                            checker,
                        };
                        lint.add(
                            RECOGNIZED,
                            "",
                            format!(
                                "a {} payload carries no credential to lint",
                                other.kind_name()
                            ),
                        );
                        lint.finish(LintedKind::Other)
                    }
                };
                FileLint { path: at, report }
            }
            Err(e) => {
                let mut lint = Lint {
                    findings: Vec::new(),
                    checker,
                };
                lint.add(RECOGNIZED, "", format!("not decoded: {e}"));
                FileLint {
                    path: name.clone(),
                    report: lint.finish(LintedKind::Other),
                }
            }
        };
        out.push(report);
    }
    Ok(out)
}

fn rescore(findings: &[Finding]) -> u8 {
    let mut fired: Vec<&str> = findings.iter().map(|f| f.rule).collect();
    fired.sort_unstable();
    fired.dedup();
    let lost: u32 = fired
        .iter()
        .filter_map(|id| RULES.iter().find(|r| r.id == *id))
        .map(|r| u32::from(r.weight))
        .sum();
    u8::try_from(100u32.saturating_sub(lost)).unwrap_or(0)
}

/// The rule table as Markdown (the source of `docs/lint-rules.md`; a test keeps them equal).
pub fn rules_markdown() -> String {
    let mut out = format!(
        "# Lint rules ({RULES_VERSION})\n\nScore = 100 − the weight of every rule that fired (once per rule), never below 0.\n\n| rule | severity | weight | checks | fix |\n|---|---|---|---|---|\n"
    );
    for r in RULES {
        let sev = match r.severity {
            Severity::Error => "error",
            Severity::Warning => "warning",
            Severity::Info => "info",
        };
        out.push_str(&format!(
            "| `{}` | {sev} | {} | {} | {} |\n",
            r.id, r.weight, r.title, r.hint
        ));
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn iri_shapes_of_the_four_frameworks_are_recognised() {
        let c = IriShapeChecker;
        let k = |u: &str| matches!(c.check(u, None), AlignmentCheck::Known { .. });
        assert!(k(
            "http://data.europa.eu/esco/skill/ccd0a1d9-afda-43d9-b901-96344886e14d"
        ));
        assert!(k("https://www.onetonline.org/link/summary/15-1252.00"));
        assert!(k(
            "https://caseregistry.imsglobal.org/uri/20c5134f-423d-4097-a971-3dd5152bf507"
        ));
        assert!(k(
            "http://localhost:8080/api/skills/c9d819b3-de84-401e-808a-ddcbfbdd4953"
        ));
        assert!(!k("https://example.com/skills/welding"));
        assert_eq!(
            c.check("http://data.europa.eu/esco/concept-scheme/x", None),
            AlignmentCheck::UnknownConcept {
                framework: "ESCO".into()
            }
        );
    }

    #[test]
    fn language_tags() {
        assert!(is_language_tag("en"));
        assert!(is_language_tag("en-GB"));
        assert!(!is_language_tag("english language"));
    }
}
