//! The concept store: every framework's concepts in one table, keyed by IRI, with their hierarchy, relations
//! and declared crosswalks.

/// A `HashMap` with foldhash's fixed-seed hasher: fast, and deterministic across runs.
pub(crate) type FastMap<K, V> = std::collections::HashMap<K, V, foldhash::fast::FixedState>;
/// The `HashSet` counterpart of [`FastMap`].
pub(crate) type FastSet<K> = std::collections::HashSet<K, foldhash::fast::FixedState>;
use std::sync::Arc;

use serde::Serialize;

/// Index of a concept in its [`ConceptStore`]. Only valid for the store that issued it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct ConceptId(pub(crate) u32);

impl ConceptId {
    fn index(self) -> usize {
        self.0 as usize
    }
}

/// A skill framework (or exchange format) a concept comes from.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize)]
#[non_exhaustive]
pub enum Framework {
    /// ESCO, the European Commission's skills/occupations classification.
    #[serde(rename = "ESCO")]
    Esco,
    /// O*NET, the US Department of Labor's occupational database.
    #[serde(rename = "O*NET")]
    Onet,
    /// A 1EdTech CASE CFPackage.
    #[serde(rename = "CASE")]
    Case,
    /// An Open Skills Network Rich Skill Descriptor (OSMT).
    #[serde(rename = "RSD")]
    Rsd,
    /// Credential Engine CTDL-ASN (recognised by IRI; no data bundled).
    #[serde(rename = "CTDL-ASN")]
    Ctdl,
    /// Lightcast Open Skills (recognised by IRI; the taxonomy may not be redistributed).
    #[serde(rename = "Lightcast")]
    Lightcast,
}

impl Framework {
    /// The framework's display name, as serialized.
    pub fn name(self) -> &'static str {
        match self {
            Framework::Esco => "ESCO",
            Framework::Onet => "O*NET",
            Framework::Case => "CASE",
            Framework::Rsd => "RSD",
            Framework::Ctdl => "CTDL-ASN",
            Framework::Lightcast => "Lightcast",
        }
    }

    /// Parse a display name (case-insensitive; "onet" and "ctdl" accepted).
    pub fn parse(name: &str) -> Option<Framework> {
        match name.to_ascii_lowercase().as_str() {
            "esco" => Some(Framework::Esco),
            "o*net" | "onet" => Some(Framework::Onet),
            "case" => Some(Framework::Case),
            "rsd" | "osn" | "osmt" => Some(Framework::Rsd),
            "ctdl-asn" | "ctdl" | "ceasn" => Some(Framework::Ctdl),
            "lightcast" | "emsi" => Some(Framework::Lightcast),
            _ => None,
        }
    }
}

impl std::fmt::Display for Framework {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.name())
    }
}

/// What a concept is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize)]
#[serde(rename_all = "snake_case")]
#[non_exhaustive]
pub enum ConceptKind {
    /// A skill or competence (ESCO `skill/competence`, O*NET skills).
    Skill,
    /// A knowledge concept (ESCO `knowledge`, O*NET knowledge areas).
    Knowledge,
    /// A grouping node of a hierarchy (ESCO skill groups, O*NET content-model branches).
    Group,
    /// An occupation (ESCO occupation, O*NET-SOC occupation).
    Occupation,
    /// A tool or technology (O*NET technology skills).
    Technology,
    /// A competency statement from an issuer's framework (CASE CFItem, RSD, CTDL-ASN competency).
    Competency,
    /// A framework document (CASE CFDocument).
    Framework,
}

impl ConceptKind {
    /// Whether `skills search` ranks this kind (skills, knowledge, technologies, competencies).
    pub fn is_searchable(self) -> bool {
        matches!(
            self,
            ConceptKind::Skill
                | ConceptKind::Knowledge
                | ConceptKind::Technology
                | ConceptKind::Competency
        )
    }
}

/// Strength of an occupation-skill or skill-skill relation (ESCO `relationType`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize)]
#[serde(rename_all = "snake_case")]
#[non_exhaustive]
pub enum RelationKind {
    /// ESCO `essential`.
    Essential,
    /// ESCO `optional`.
    Optional,
    /// Any other declared relation (CASE `isRelatedTo`, `isPeerOf`, ...).
    Related,
}

/// One concept of one framework version.
#[derive(Debug, Clone, Serialize)]
pub struct Concept {
    /// The concept's IRI (ESCO/CASE/RSD IRIs as published; O*NET IRIs as documented in the crate doc).
    pub iri: String,
    /// The framework it belongs to.
    pub framework: Framework,
    /// The framework version it was loaded from (for example "1.1.1", "29.2", or the CASE document's
    /// `lastChangeDateTime`).
    pub version: Arc<str>,
    /// What it is.
    pub kind: ConceptKind,
    /// Preferred label (ESCO `preferredLabel`, CASE `fullStatement`, RSD `skillName`).
    pub pref_label: String,
    /// Alternative labels (ESCO `altLabels`, CASE `abbreviatedStatement`, RSD `keywords` are not labels).
    pub alt_labels: Vec<String>,
    /// Hidden labels (ESCO `hiddenLabels`: misspellings and search terms, never displayed).
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub hidden_labels: Vec<String>,
    /// A code within the framework (ESCO group code, O*NET element ID, CASE `humanCodingScheme`).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub code: Option<String>,
    /// Description text.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub description: Option<String>,
    /// Broader concepts (IRIs are available through the store).
    #[serde(skip)]
    pub broader: Vec<ConceptId>,
    /// Narrower concepts.
    #[serde(skip)]
    pub narrower: Vec<ConceptId>,
    /// Related concepts with the relation's strength (ESCO skill-skill relations, CASE `isRelatedTo`).
    #[serde(skip)]
    pub related: Vec<(ConceptId, RelationKind)>,
}

impl Concept {
    /// A concept with no labels beyond the preferred one and no links yet.
    pub fn new(
        iri: &str,
        framework: Framework,
        version: &Arc<str>,
        kind: ConceptKind,
        pref_label: &str,
    ) -> Self {
        Concept {
            iri: iri.to_owned(),
            framework,
            version: Arc::clone(version),
            kind,
            pref_label: pref_label.to_owned(),
            alt_labels: Vec::new(),
            hidden_labels: Vec::new(),
            code: None,
            description: None,
            broader: Vec::new(),
            narrower: Vec::new(),
            related: Vec::new(),
        }
    }
}

/// A declared equivalence from one framework's item to another IRI (CASE `exactMatchOf`, RSD `alignments`,
/// CTDL `exactAlignment`, ELM `relatedESCOSkill`): the publisher vouches for it, we only record it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Crosswalk {
    /// The IRI declared equal (it may or may not be a concept in the store).
    pub target_iri: String,
    /// The target's name as the publisher wrote it, when given.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub target_name: Option<String>,
    /// Where the declaration was read: for example `CASE CFAssociation <uuid> exactMatchOf`.
    pub source: String,
}

/// Every loaded framework's concepts in one table.
#[derive(Debug, Default)]
pub struct ConceptStore {
    concepts: Vec<Concept>,
    by_iri: FastMap<String, ConceptId>,
    /// `(occupation, skill, relation)` links (ESCO occupation-skill relations, O*NET ratings ≥ the threshold).
    occupation_skills: Vec<(ConceptId, ConceptId, RelationKind)>,
    crosswalks: FastMap<ConceptId, Vec<Crosswalk>>,
    /// Reverse index of `crosswalks`: target IRI → declaring concepts.
    crosswalk_targets: FastMap<String, Vec<ConceptId>>,
    /// Count of occupations linking each concept (a popularity prior for ranking).
    occupation_counts: Vec<u32>,
    onet: OnetTablesInStore,
    aliases: FastMap<String, ConceptId>,
}

impl ConceptStore {
    /// Add a concept; a concept whose IRI is already present replaces nothing and returns the existing id.
    pub fn insert(&mut self, concept: Concept) -> ConceptId {
        if let Some(&id) = self.by_iri.get(&concept.iri) {
            return id;
        }
        let id = ConceptId(u32::try_from(self.concepts.len()).unwrap_or(u32::MAX));
        self.by_iri.insert(concept.iri.clone(), id);
        self.concepts.push(concept);
        self.occupation_counts.push(0);
        id
    }

    /// Record `narrow` as narrower than `broad` (both directions are stored once).
    pub fn link_broader(&mut self, narrow: ConceptId, broad: ConceptId) {
        if narrow == broad {
            return;
        }
        if let Some(c) = self.concepts.get_mut(narrow.index()) {
            if c.broader.contains(&broad) {
                return;
            }
            c.broader.push(broad);
        }
        if let Some(c) = self.concepts.get_mut(broad.index()) {
            c.narrower.push(narrow);
        }
    }

    /// Record a relation from `from` to `to`.
    pub fn link_related(&mut self, from: ConceptId, to: ConceptId, kind: RelationKind) {
        if let Some(c) = self.concepts.get_mut(from.index()) {
            c.related.push((to, kind));
        }
    }

    /// Record an occupation-skill link.
    pub fn link_occupation_skill(
        &mut self,
        occupation: ConceptId,
        skill: ConceptId,
        kind: RelationKind,
    ) {
        self.occupation_skills.push((occupation, skill, kind));
        if let Some(n) = self.occupation_counts.get_mut(skill.index()) {
            *n = n.saturating_add(1);
        }
    }

    /// Record a declared crosswalk from `from`.
    pub fn add_crosswalk(&mut self, from: ConceptId, crosswalk: Crosswalk) {
        self.crosswalk_targets
            .entry(crosswalk.target_iri.clone())
            .or_default()
            .push(from);
        self.crosswalks.entry(from).or_default().push(crosswalk);
    }

    /// Concepts that declare a crosswalk to exactly `target_iri`, with the declaration.
    pub fn crosswalks_to(&self, target_iri: &str) -> Vec<(ConceptId, &Crosswalk)> {
        let mut out = Vec::new();
        for &from in self
            .crosswalk_targets
            .get(target_iri)
            .map_or(&[][..], Vec::as_slice)
        {
            for cw in self
                .crosswalks(from)
                .iter()
                .filter(|c| c.target_iri == target_iri)
            {
                out.push((from, cw));
            }
        }
        out
    }

    /// The concept with this id.
    pub fn get(&self, id: ConceptId) -> Option<&Concept> {
        self.concepts.get(id.index())
    }

    /// The id of the concept with exactly this IRI.
    pub fn id_of(&self, iri: &str) -> Option<ConceptId> {
        self.by_iri.get(iri).copied()
    }

    /// The concept with exactly this IRI.
    pub fn by_iri(&self, iri: &str) -> Option<&Concept> {
        self.id_of(iri).and_then(|id| self.get(id))
    }

    /// All concepts with their ids.
    pub fn iter(&self) -> impl Iterator<Item = (ConceptId, &Concept)> {
        self.concepts
            .iter()
            .enumerate()
            .map(|(i, c)| (ConceptId(u32::try_from(i).unwrap_or(u32::MAX)), c))
    }

    /// Number of concepts.
    pub fn len(&self) -> usize {
        self.concepts.len()
    }

    /// Whether the store is empty.
    pub fn is_empty(&self) -> bool {
        self.concepts.is_empty()
    }

    /// All occupation-skill links.
    pub fn occupation_skills(&self) -> &[(ConceptId, ConceptId, RelationKind)] {
        &self.occupation_skills
    }

    /// How many occupations link this concept.
    pub fn occupation_count(&self, id: ConceptId) -> u32 {
        self.occupation_counts.get(id.index()).copied().unwrap_or(0)
    }

    /// Declared crosswalks leaving this concept.
    pub fn crosswalks(&self, id: ConceptId) -> &[Crosswalk] {
        self.crosswalks.get(&id).map_or(&[], Vec::as_slice)
    }

    /// Every declared crosswalk, by origin concept.
    pub fn all_crosswalks(&self) -> impl Iterator<Item = (ConceptId, &Crosswalk)> {
        self.crosswalks
            .iter()
            .flat_map(|(id, cws)| cws.iter().map(move |c| (*id, c)))
    }

    /// Whether `narrow` is `broad` or lies below it in the hierarchy (breadth-first over `broader`, bounded by
    /// [`crate::limits::MAX_HIERARCHY_STEPS`] visited nodes so a cyclic import cannot loop).
    pub fn is_narrower_or_equal(&self, narrow: ConceptId, broad: ConceptId) -> bool {
        self.hierarchy_path(narrow, broad).is_some()
    }

    /// The path from `narrow` up to `broad` (both included), if `broad` is `narrow` or one of its ancestors.
    pub fn hierarchy_path(&self, narrow: ConceptId, broad: ConceptId) -> Option<Vec<ConceptId>> {
        let mut parent: FastMap<ConceptId, ConceptId> = FastMap::default();
        let mut queue = std::collections::VecDeque::from([narrow]);
        let mut visited = 0usize;
        while let Some(cur) = queue.pop_front() {
            if cur == broad {
                let mut path = vec![cur];
                let mut at = cur;
                while let Some(&p) = parent.get(&at) {
                    path.push(p);
                    at = p;
                }
                path.reverse();
                return Some(path);
            }
            visited += 1;
            if visited > crate::limits::MAX_HIERARCHY_STEPS {
                return None;
            }
            for &b in self.get(cur).map_or(&[][..], |c| c.broader.as_slice()) {
                if b != narrow && !parent.contains_key(&b) {
                    parent.insert(b, cur);
                    queue.push_back(b);
                }
            }
        }
        None
    }
}

/// O*NET-specific tables kept beside the concepts.
#[derive(Debug, Default)]
pub(crate) struct OnetTablesInStore {
    pub(crate) ratings: FastMap<(ConceptId, ConceptId), crate::onet::OnetRating>,
    pub(crate) technologies: Vec<(ConceptId, ConceptId)>,
}

impl ConceptStore {
    pub(crate) fn onet_rating_mut(
        &mut self,
        occupation: ConceptId,
        element: ConceptId,
    ) -> &mut crate::onet::OnetRating {
        self.onet
            .ratings
            .entry((occupation, element))
            .or_insert(crate::onet::OnetRating {
                importance: None,
                level: None,
            })
    }

    pub(crate) fn add_onet_technology(&mut self, occupation: ConceptId, technology: ConceptId) {
        self.onet.technologies.push((occupation, technology));
    }

    /// O*NET ratings: `(occupation, element, rating)`.
    pub fn onet_ratings(
        &self,
    ) -> impl Iterator<Item = (ConceptId, ConceptId, &crate::onet::OnetRating)> {
        self.onet.ratings.iter().map(|(&(o, e), r)| (o, e, r))
    }

    /// The O*NET rating of `element` for `occupation`.
    pub fn onet_rating(
        &self,
        occupation: ConceptId,
        element: ConceptId,
    ) -> Option<&crate::onet::OnetRating> {
        self.onet.ratings.get(&(occupation, element))
    }

    /// O*NET technology skills listed for `occupation`.
    pub fn onet_technologies(&self, occupation: ConceptId) -> impl Iterator<Item = ConceptId> + '_ {
        self.onet
            .technologies
            .iter()
            .filter(move |(o, _)| *o == occupation)
            .map(|&(_, t)| t)
    }

    /// Register another key under which a concept is found (a CASE item's UUID, since `uri` hosts differ
    /// between mirrors).
    pub(crate) fn alias(&mut self, key: String, id: ConceptId) {
        self.aliases.entry(key).or_insert(id);
    }

    /// The concept registered under an alias key.
    pub(crate) fn by_alias(&self, key: &str) -> Option<ConceptId> {
        self.aliases.get(key).copied()
    }
}
