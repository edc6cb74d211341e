//! The data-quality lint's framework check, answered by the bundled frameworks.
//!
//! `credbridge-issue` lints alignments through its [`AlignmentChecker`] seam and ships only a
//! shape check ([`IriShapeChecker`]); `credbridge-skills` holds the concepts. This is where the
//! two meet, so that the CLI's `lint` and the server's lint beside a verification report say the
//! same thing: an alignment is to a *known* concept only when that concept exists in the
//! bundled ESCO or O*NET data (an ESCO IRI with a made-up UUID is reported as an unknown
//! concept), and frameworks that are not bundled (CASE packages, OSMT RSDs from any host,
//! CTDL-ASN) are judged by the shape of their IRIs, as the lint rules document.

use std::sync::{Arc, OnceLock};

use credbridge_issue::{AlignmentCheck, AlignmentChecker, IriShapeChecker};
use credbridge_skills::Frameworks;

/// Checks alignment targets against the bundled frameworks, falling back to IRI shapes for
/// frameworks whose data is not bundled.
#[derive(Clone)]
pub struct FrameworkAlignmentChecker {
    frameworks: Arc<Frameworks>,
}

impl std::fmt::Debug for FrameworkAlignmentChecker {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("FrameworkAlignmentChecker")
            .field("concepts", &self.frameworks.store().len())
            .finish()
    }
}

impl FrameworkAlignmentChecker {
    /// A checker over these frameworks (a server shares the ones it already loaded).
    pub fn new(frameworks: Arc<Frameworks>) -> FrameworkAlignmentChecker {
        FrameworkAlignmentChecker { frameworks }
    }

    /// A checker over the bundled ESCO and O*NET data, loaded once per process.
    pub fn bundled() -> Result<FrameworkAlignmentChecker, credbridge_skills::Error> {
        static BUNDLED: OnceLock<Arc<Frameworks>> = OnceLock::new();
        if let Some(frameworks) = BUNDLED.get() {
            return Ok(FrameworkAlignmentChecker::new(Arc::clone(frameworks)));
        }
        let loaded = Arc::new(Frameworks::load_bundled()?);
        let frameworks = BUNDLED.get_or_init(|| loaded);
        Ok(FrameworkAlignmentChecker::new(Arc::clone(frameworks)))
    }
}

/// Whether the data of this framework (as the shape check names it) is bundled, so that an IRI
/// in its namespace that names no bundled concept is an unknown concept.
fn is_bundled(framework: &str) -> bool {
    matches!(framework, "ESCO" | "O*NET")
}

impl AlignmentChecker for FrameworkAlignmentChecker {
    fn check(&self, target_url: &str, target_type: Option<&str>) -> AlignmentCheck {
        if let Some(concept) = self.frameworks.concept_at(target_url) {
            return AlignmentCheck::Known {
                framework: concept.framework.name().to_owned(),
            };
        }
        match IriShapeChecker.check(target_url, target_type) {
            AlignmentCheck::Known { framework } if is_bundled(&framework) => {
                AlignmentCheck::UnknownConcept { framework }
            }
            other => other,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn bundled_concepts_are_known_and_made_up_ones_are_not() {
        let checker = FrameworkAlignmentChecker::bundled().expect("bundled frameworks load");
        // A real ESCO skill, written with https and a trailing slash as credentials do.
        let (iri, concept) = checker
            .frameworks
            .store()
            .iter()
            .map(|(_, c)| (c.iri.clone(), c))
            .find(|(iri, c)| {
                c.framework == credbridge_skills::Framework::Esco && iri.contains("/esco/skill/")
            })
            .expect("ESCO has skills");
        assert_eq!(concept.framework.name(), "ESCO");
        let written = format!("{}/", iri.replacen("http://", "https://", 1));
        assert_eq!(
            checker.check(&written, None),
            AlignmentCheck::Known {
                framework: "ESCO".into()
            }
        );
        // The same shape with a UUID ESCO does not have.
        assert_eq!(
            checker.check(
                "http://data.europa.eu/esco/skill/00000000-0000-4000-8000-000000000000",
                None
            ),
            AlignmentCheck::UnknownConcept {
                framework: "ESCO".into()
            }
        );
        // A framework that is not bundled is judged by its shape; a web page is no framework.
        assert_eq!(
            checker.check(
                "https://case.example.org/ims/case/v1p0/CFItems/6d1cfa7a-1a3b-4e5c-9d0e-0a1b2c3d4e5f",
                Some("CFItem")
            ),
            IriShapeChecker.check(
                "https://case.example.org/ims/case/v1p0/CFItems/6d1cfa7a-1a3b-4e5c-9d0e-0a1b2c3d4e5f",
                Some("CFItem")
            )
        );
        assert_eq!(
            checker.check("https://example.edu/courses/welding", None),
            AlignmentCheck::NotAFramework
        );
    }
}
