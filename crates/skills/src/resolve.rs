//! Resolving an issuer-declared alignment (OB `Alignment`, ELM `relatedESCOSkill`, CTDL `exactAlignment`)
//! to a concept, layer by layer: exact IRI, declared crosswalk, framework code, then an exact label match on
//! the target's name (inferred). Anything else is unresolved with its reason and lexical suggestions.

use serde::Serialize;

use crate::Frameworks;
use crate::concept::Framework;
use crate::error::Error;
use crate::search::{Match, Method};

/// Where the HTTP for a CASE package by URL lives: the `fetch` crate implements this with its guarded
/// client; tests implement it over files.
pub trait DocumentSource {
    /// The bytes at `url`.
    fn get(&self, url: &str) -> Result<Vec<u8>, Error>;
}

/// What an alignment's IRI says about its framework, recognised from its shape alone.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(tag = "scheme", rename_all = "snake_case")]
#[non_exhaustive]
pub enum TargetScheme {
    /// An ESCO concept IRI (`data.europa.eu/esco/<type>/<id>`).
    Esco {
        /// The concept type segment: skill, occupation, isco, isced-f.
        concept_type: String,
    },
    /// An O*NET OnLine element or occupation page.
    Onet,
    /// A CASE item or document URI (`…/uri/<uuid>` or `…/ims/case/…/<uuid>`).
    Case {
        /// The UUID identifier in the URI.
        identifier: String,
    },
    /// A Credential Engine Registry / Credential Finder resource (CTDL or CTDL-ASN).
    Ctdl {
        /// The CTID (`ce-<uuid>`).
        ctid: String,
    },
    /// A Lightcast (formerly EMSI) skill.
    Lightcast {
        /// The Lightcast skill id (`KS…`/`ES…`).
        id: String,
    },
    /// An IRI of no recognised framework.
    Unknown,
}

/// Recognise the framework of an IRI from its shape.
pub fn recognize(iri: &str) -> TargetScheme {
    let lower = iri.to_ascii_lowercase();
    let rest = lower
        .trim_start_matches("https://")
        .trim_start_matches("http://");
    if let Some(path) = rest.strip_prefix("data.europa.eu/esco/") {
        let concept_type = path.split('/').next().unwrap_or("").to_owned();
        return TargetScheme::Esco { concept_type };
    }
    if rest.starts_with("www.onetonline.org/")
        || rest.starts_with("www.onetcenter.org/")
        || rest.starts_with("urn:x-onet:")
        || lower.starts_with("urn:x-onet:")
    {
        return TargetScheme::Onet;
    }
    if rest.starts_with("skills.emsidata.com/skills/")
        || rest.starts_with("lightcast.io/open-skills/skills/")
        || rest.starts_with("api.lightcast.io/")
    {
        let id = iri
            .rsplit('/')
            .find(|s| !s.is_empty())
            .unwrap_or("")
            .to_owned();
        return TargetScheme::Lightcast { id };
    }
    if (rest.starts_with("credentialengineregistry.org/")
        || rest.starts_with("sandbox.credentialengineregistry.org/")
        || rest.starts_with("credentialfinder.org/")
        || rest.starts_with("ctdl"))
        && let Some(ctid) = find_ctid(&lower)
    {
        return TargetScheme::Ctdl { ctid };
    }
    if (rest.contains("/uri/")
        || rest.contains("/ims/case/")
        || rest.contains("casenetwork")
        || rest.contains("caseregistry")
        || rest.contains("opensalt"))
        && let Some(identifier) = last_uuid(&lower)
    {
        return TargetScheme::Case { identifier };
    }
    TargetScheme::Unknown
}

fn is_uuid(s: &str) -> bool {
    s.len() == 36
        && s.char_indices().all(|(i, c)| {
            if matches!(i, 8 | 13 | 18 | 23) {
                c == '-'
            } else {
                c.is_ascii_hexdigit()
            }
        })
}

fn last_uuid(s: &str) -> Option<String> {
    s.split(['/', '?', '#', '='])
        .rev()
        .find(|seg| is_uuid(seg))
        .map(str::to_owned)
}

fn find_ctid(s: &str) -> Option<String> {
    s.split(['/', '?', '#', '=']).find_map(|seg| {
        seg.strip_prefix("ce-")
            .filter(|u| is_uuid(u))
            .map(|u| format!("ce-{u}"))
    })
}

/// Why an alignment did not resolve to a concept.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(tag = "reason", rename_all = "snake_case")]
#[non_exhaustive]
pub enum UnresolvedReason {
    /// The alignment has neither a target URL nor a target name.
    MissingTarget,
    /// The IRI belongs to a framework none of whose data is loaded (CTDL-ASN, Lightcast, a CASE package that
    /// was not added).
    FrameworkNotLoaded {
        /// The framework recognised.
        framework: Framework,
    },
    /// The IRI is in a loaded framework's namespace but names no concept of the loaded version (for example
    /// an ESCO IRI introduced after 1.1.1).
    NotInFramework {
        /// The framework.
        framework: Framework,
        /// The version loaded.
        version: String,
    },
    /// The IRI belongs to no recognised framework (an issuer's own catalog page) and no label matched its
    /// name exactly.
    UnrecognisedTarget,
}

impl std::fmt::Display for UnresolvedReason {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            UnresolvedReason::MissingTarget => {
                f.write_str("the alignment has no targetUrl and no targetName")
            }
            UnresolvedReason::FrameworkNotLoaded { framework } => {
                write!(
                    f,
                    "the target is a {framework} IRI and no {framework} data is loaded"
                )
            }
            UnresolvedReason::NotInFramework { framework, version } => {
                write!(f, "no {framework} {version} concept has this IRI")
            }
            UnresolvedReason::UnrecognisedTarget => f.write_str(
                "the target IRI is of no known framework and its name equals no concept label",
            ),
        }
    }
}

/// The outcome of resolving one alignment.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(tag = "outcome", rename_all = "snake_case")]
#[non_exhaustive]
pub enum Resolution {
    /// The alignment maps to a concept.
    Resolved {
        /// The concept, with the method and score.
        concept: Match,
        /// The framework the target IRI was recognised as.
        target: TargetScheme,
        /// For a crosswalk: where it was declared; for a code: which code.
        #[serde(skip_serializing_if = "Option::is_none")]
        source: Option<String>,
        /// Concepts the resolved one is declared equal to (its own crosswalks, such as a CASE item's
        /// `exactMatchOf` an ESCO skill), kept as references.
        #[serde(skip_serializing_if = "Vec::is_empty")]
        declared_matches: Vec<crate::concept::Crosswalk>,
    },
    /// The alignment maps to no concept.
    Unresolved {
        /// The framework the target IRI was recognised as.
        target: TargetScheme,
        /// Why.
        reason: UnresolvedReason,
        /// Why, as a sentence.
        message: String,
        /// Lexical suggestions from the target name (inferred, for a person to confirm).
        #[serde(skip_serializing_if = "Vec::is_empty")]
        suggestions: Vec<Match>,
    },
}

impl Resolution {
    /// The resolved concept's match, if any.
    pub fn concept(&self) -> Option<&Match> {
        match self {
            Resolution::Resolved { concept, .. } => Some(concept),
            Resolution::Unresolved { .. } => None,
        }
    }
}

impl Frameworks {
    /// Resolve an alignment given its `targetUrl`, `targetName`, `targetFramework` and `targetCode`.
    pub fn resolve_alignment(
        &self,
        target_url: Option<&str>,
        target_name: Option<&str>,
        target_framework: Option<&str>,
        target_code: Option<&str>,
    ) -> Resolution {
        let url = target_url.map(str::trim).filter(|u| !u.is_empty());
        let name = target_name.map(str::trim).filter(|n| !n.is_empty());
        let target = url.map_or(TargetScheme::Unknown, recognize);
        let resolved = |m: Match, source: Option<String>| {
            let declared_matches = self
                .store()
                .id_of(&m.iri)
                .map(|id| self.store().crosswalks(id).to_vec())
                .unwrap_or_default();
            Resolution::Resolved {
                concept: m,
                target: target.clone(),
                source,
                declared_matches,
            }
        };

        if let Some(url) = url {
            // Layer 1: exact IRI (ESCO IRIs are published with http://; accept https:// and a trailing slash).
            for candidate in iri_variants(url) {
                if let Some(c) = self.store().by_iri(&candidate) {
                    return resolved(Match::new(c, Method::ExactIri, 1.0), None);
                }
            }
            if let TargetScheme::Case { identifier } = &target
                && let Some(c) = self
                    .store()
                    .by_alias(identifier)
                    .and_then(|id| self.store().get(id))
            {
                let source = format!("CASE identifier {identifier} (the URI's host differs)");
                return resolved(Match::new(c, Method::ExactIri, 1.0), Some(source));
            }
            // Layer 2: a declared crosswalk names this IRI.
            let declared = iri_variants(url).into_iter().find_map(|v| {
                self.store()
                    .crosswalks_to(&v)
                    .into_iter()
                    .next()
                    .map(|(id, cw)| (id, cw.clone()))
            });
            if let Some((id, cw)) = declared
                && let Some(c) = self.store().get(id)
            {
                return resolved(Match::new(c, Method::Crosswalk, 1.0), Some(cw.source));
            }
        }
        // Framework codes: an O*NET element ID or O*NET-SOC code, or an ESCO IRI given as the code.
        if let Some(code) = target_code.map(str::trim).filter(|c| !c.is_empty()) {
            let framework = target_framework.and_then(Framework::parse);
            let mut iris = vec![code.to_owned()];
            if framework == Some(Framework::Onet) || framework.is_none() {
                iris.push(crate::onet::element_iri(code));
                iris.push(crate::onet::occupation_iri(code));
            }
            for iri in iris {
                if let Some(c) = self.store().by_iri(&iri)
                    && framework.is_none_or(|f| f == c.framework)
                {
                    return resolved(
                        Match::new(c, Method::ExactIri, 1.0),
                        Some(format!("targetCode {code}")),
                    );
                }
            }
        }
        let reason = match (&target, url) {
            (_, None) if name.is_none() => {
                return Resolution::Unresolved {
                    target,
                    message: UnresolvedReason::MissingTarget.to_string(),
                    reason: UnresolvedReason::MissingTarget,
                    suggestions: Vec::new(),
                };
            }
            (TargetScheme::Esco { .. }, Some(_)) => self.not_in(Framework::Esco),
            (TargetScheme::Onet, Some(_)) => self.not_in(Framework::Onet),
            (TargetScheme::Ctdl { .. }, Some(_)) => UnresolvedReason::FrameworkNotLoaded {
                framework: Framework::Ctdl,
            },
            (TargetScheme::Lightcast { .. }, Some(_)) => UnresolvedReason::FrameworkNotLoaded {
                framework: Framework::Lightcast,
            },
            (TargetScheme::Case { .. }, Some(_)) => UnresolvedReason::FrameworkNotLoaded {
                framework: Framework::Case,
            },
            _ => UnresolvedReason::UnrecognisedTarget,
        };
        // Layer 4, for targets of no loaded framework: the name equals a concept label (inferred).
        let mut suggestions = Vec::new();
        if let Some(name) = name {
            // One concept must stand out: the only one, else the only one whose preferred label it is,
            // else the only ESCO one. Otherwise the name is ambiguous and only suggestions are given.
            let exact = self.exact_label(name);
            let preferred: Vec<&Match> = exact
                .iter()
                .filter(|m| m.matched_field == Some(crate::LabelField::Preferred))
                .collect();
            let esco: Vec<&Match> = exact
                .iter()
                .filter(|m| m.framework == Framework::Esco)
                .collect();
            let all: Vec<&Match> = exact.iter().collect();
            let pick = match (all.as_slice(), preferred.as_slice(), esco.as_slice()) {
                ([only], _, _) | (_, [only], _) | (_, _, [only]) => Some((*only).clone()),
                _ => None,
            };
            if let Some(m) = pick {
                return resolved(m, Some(format!("targetName {name:?} equals a label")));
            } else {
                suggestions = self.search(name, 3).unwrap_or_default();
            }
        }
        Resolution::Unresolved {
            target,
            message: reason.to_string(),
            reason,
            suggestions,
        }
    }

    fn not_in(&self, framework: Framework) -> UnresolvedReason {
        let version = match framework {
            Framework::Esco if self.counts().esco.is_some() => crate::ESCO_VERSION,
            Framework::Onet if self.counts().onet.is_some() => crate::ONET_VERSION,
            _ => return UnresolvedReason::FrameworkNotLoaded { framework },
        };
        UnresolvedReason::NotInFramework {
            framework,
            version: version.to_owned(),
        }
    }
}

pub(crate) fn iri_variants(url: &str) -> Vec<String> {
    let trimmed = url.trim_end_matches('/');
    let mut out = vec![url.to_owned(), trimmed.to_owned()];
    if let Some(rest) = trimmed.strip_prefix("https://") {
        out.push(format!("http://{rest}"));
    } else if let Some(rest) = trimmed.strip_prefix("http://") {
        out.push(format!("https://{rest}"));
    }
    out.dedup();
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn recognizes_schemes() {
        assert_eq!(
            recognize("http://data.europa.eu/esco/skill/ccd0a1d9-afda-43d9-b901-96344886e14d"),
            TargetScheme::Esco {
                concept_type: "skill".into()
            }
        );
        assert_eq!(
            recognize(
                "https://credentialfinder.org/competency/ce-6369c51f-4d86-4592-a761-8b32ae70a045"
            ),
            TargetScheme::Ctdl {
                ctid: "ce-6369c51f-4d86-4592-a761-8b32ae70a045".into()
            }
        );
        assert_eq!(
            recognize("https://skills.emsidata.com/skills/KS1254M6N7QPZ96MGR0L"),
            TargetScheme::Lightcast {
                id: "KS1254M6N7QPZ96MGR0L".into()
            }
        );
        assert_eq!(
            recognize(
                "https://caseregistry.imsglobal.org/uri/74f5bb7d-d7cc-11e8-824f-0242ac160002"
            ),
            TargetScheme::Case {
                identifier: "74f5bb7d-d7cc-11e8-824f-0242ac160002".into()
            }
        );
        assert_eq!(
            recognize("https://1edtech.edu/catalog/degree"),
            TargetScheme::Unknown
        );
    }
}
