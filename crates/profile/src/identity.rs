//! One person across platforms: records grouped by what identifies their subject, never by name.
//!
//! Links, each with its reason and a confidence (versioned as [`LINK_RULES_VERSION`]):
//!
//! | reason | confidence | why |
//! |---|---|---|
//! | presented by the same holder in a verified presentation | 0.99 | the holder proved control of the DID |
//! | same subject DID | 0.95 | the issuers bound the award to the same DID |
//! | a salted identity hash matches an identifier the candidate gave | 0.90 | the hash commits to that identifier |
//! | the same plain-text identifier (email, phone, student id) | 0.90 | the issuers named the same identifier |
//! | the same salted identity hash (identifier and salt) | 0.90 | the same hash is the same identifier |
//! | the same subject IRI (URL, URN) | 0.80 | an IRI is not proven to be controlled by the person |
//!
//! A display name is never a link: two people with the same name stay two.

use std::collections::BTreeMap;

use serde::Serialize;
use sha2::{Digest, Sha256};

use crate::error::ProfileError;
use crate::record::{AchievementRecord, SubjectIdentifier};

/// The version of the linking rules, pinned in every profile.
pub const LINK_RULES_VERSION: &str = "credbridge-identity/1";

/// The longest identifier a candidate may give.
pub const MAX_IDENTIFIER_LEN: usize = 1024;

/// An identifier the candidate gave, e.g. `email:jordan@example.com`, `did:key:z6Mk…`,
/// `phone:+15551234567`, `studentId:S-1234`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct KnownIdentifier {
    /// The kind, normalized: `email`, `phone`, `did`, `url`, or the identity type as given.
    pub kind: String,
    /// The value, as given.
    pub value: String,
}

impl KnownIdentifier {
    /// Parses `kind:value`; a bare DID or `https://` URL is its own kind.
    pub fn parse(text: &str) -> Result<KnownIdentifier, ProfileError> {
        let text = text.trim();
        if text.len() > MAX_IDENTIFIER_LEN {
            return Err(ProfileError::IdentifierTooLong {
                len: text.len(),
                limit: MAX_IDENTIFIER_LEN,
            });
        }
        if text.starts_with("did:") {
            return Ok(KnownIdentifier {
                kind: "did".into(),
                value: text.into(),
            });
        }
        if text.starts_with("https://") || text.starts_with("http://") || text.starts_with("urn:") {
            return Ok(KnownIdentifier {
                kind: "url".into(),
                value: text.into(),
            });
        }
        match text.split_once(':') {
            Some((kind, value)) if !kind.is_empty() && !value.trim().is_empty() => {
                Ok(KnownIdentifier {
                    kind: identity_kind(kind),
                    value: value.trim().into(),
                })
            }
            _ => Err(ProfileError::IdentifierShape {
                given: text.chars().take(64).collect(),
            }),
        }
    }
}

/// One candidate: a label the recruiter chose and the identifiers the candidate gave.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
pub struct Candidate {
    /// The recruiter's label (never used to link).
    pub label: String,
    /// What the candidate gave.
    pub identifiers: Vec<KnownIdentifier>,
}

/// Why a record belongs to a person.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(tag = "reason", rename_all = "kebab-case")]
pub enum LinkReason {
    /// Presented by this holder in a verified presentation.
    PresentedByHolder {
        /// The holder DID.
        holder: String,
    },
    /// The subject is this DID.
    SameDid {
        /// The DID.
        did: String,
    },
    /// A salted hash in the credential matches an identifier the candidate gave.
    IdentityHashMatches {
        /// The identity type the credential names.
        identity_type: String,
        /// The kind of identifier the candidate gave.
        given_kind: String,
    },
    /// Another credential carries the same salted identity hash (the same identifier and salt).
    SameIdentityHash {
        /// The identity type.
        identity_type: String,
    },
    /// The credential names this identifier in plain text.
    SamePlainIdentifier {
        /// The identity type.
        identity_type: String,
    },
    /// The subject is this IRI.
    SameIri {
        /// The IRI.
        iri: String,
    },
    /// The record shares nothing with any other record or candidate identifier.
    OnlyRecord,
}

impl LinkReason {
    /// The confidence of this kind of link (see the module table).
    pub fn confidence(&self) -> f32 {
        match self {
            LinkReason::PresentedByHolder { .. } => 0.99,
            LinkReason::SameDid { .. } => 0.95,
            LinkReason::IdentityHashMatches { .. }
            | LinkReason::SamePlainIdentifier { .. }
            | LinkReason::SameIdentityHash { .. } => 0.90,
            LinkReason::SameIri { .. } => 0.80,
            LinkReason::OnlyRecord => 1.0,
        }
    }
}

/// A record's membership in a person, with its reasons.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Link {
    /// Index of the record in the slice given to [`group_people`].
    pub record: usize,
    /// Why (every reason found, strongest first).
    pub reasons: Vec<LinkReason>,
    /// The strongest reason's confidence.
    pub confidence: f32,
}

/// A person: the records that belong to one subject.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Person {
    /// A stable id: `person:<first DID>` or `person:<hash of the identifiers>`.
    pub id: String,
    /// The candidate whose identifiers matched, if one did.
    pub candidate: Option<String>,
    /// The records and why each belongs.
    pub links: Vec<Link>,
}

impl Person {
    /// The record indexes.
    pub fn records(&self) -> impl Iterator<Item = usize> + '_ {
        self.links.iter().map(|l| l.record)
    }
}

/// Groups records into people.
pub fn group_people(records: &[AchievementRecord], candidates: &[Candidate]) -> Vec<Person> {
    let n = records.len();
    let mut sets = DisjointSets::new(n + candidates.len());
    let mut reasons: Vec<Vec<LinkReason>> = Vec::with_capacity(n);
    // key → first node that carried it.
    let mut keys: BTreeMap<String, usize> = BTreeMap::new();
    let mut join = |sets: &mut DisjointSets, key: String, node: usize| {
        let first = *keys.entry(key).or_insert(node);
        sets.union(first, node);
        first != node
    };
    for (ci, candidate) in candidates.iter().enumerate() {
        for given in &candidate.identifiers {
            join(&mut sets, identifier_key(&given.kind, &given.value), n + ci);
        }
    }
    for (ri, record) in records.iter().enumerate() {
        let mut mine = Vec::new();
        if let Some(holder) = &record.presented_by {
            join(&mut sets, identifier_key("did", holder), ri);
            mine.push(LinkReason::PresentedByHolder {
                holder: holder.clone(),
            });
        }
        for identifier in &record.subject.identifiers {
            match identifier {
                SubjectIdentifier::Did { did } => {
                    join(&mut sets, identifier_key("did", did), ri);
                    mine.push(LinkReason::SameDid { did: did.clone() });
                }
                SubjectIdentifier::Iri { iri } => {
                    join(&mut sets, identifier_key("url", iri), ri);
                    mine.push(LinkReason::SameIri { iri: iri.clone() });
                }
                SubjectIdentifier::Plain {
                    identity_type,
                    identity,
                } => {
                    join(
                        &mut sets,
                        identifier_key(&identity_kind(identity_type), identity),
                        ri,
                    );
                    mine.push(LinkReason::SamePlainIdentifier {
                        identity_type: identity_type.clone(),
                    });
                }
                SubjectIdentifier::Hashed {
                    identity_type,
                    identity_hash,
                    salt,
                } => {
                    // The same salted hash twice is the same identifier twice (a collision of
                    // SHA-256 over identifier + salt is not a practical event).
                    let key = format!(
                        "hash\u{0}{}\u{0}{}",
                        identity_hash.to_ascii_lowercase(),
                        salt.as_deref().unwrap_or("")
                    );
                    if join(&mut sets, key, ri) {
                        mine.push(LinkReason::SameIdentityHash {
                            identity_type: identity_type.clone(),
                        });
                    }
                    for (ci, candidate) in candidates.iter().enumerate() {
                        let wanted = identity_kind(identity_type);
                        for given in candidate.identifiers.iter().filter(|g| g.kind == wanted) {
                            if hash_matches(identity_hash, salt.as_deref(), &given.value) {
                                sets.union(n + ci, ri);
                                mine.push(LinkReason::IdentityHashMatches {
                                    identity_type: identity_type.clone(),
                                    given_kind: given.kind.clone(),
                                });
                            }
                        }
                    }
                }
            }
        }
        reasons.push(mine);
    }
    let mut groups: BTreeMap<usize, Vec<usize>> = BTreeMap::new();
    for ri in 0..n {
        groups.entry(sets.find(ri)).or_default().push(ri);
    }
    let mut seen_ids: BTreeMap<String, usize> = BTreeMap::new();
    groups
        .into_values()
        .map(|members| {
            let root = members.first().map(|m| sets.find(*m));
            let candidate = candidates
                .iter()
                .enumerate()
                .find(|(ci, _)| Some(sets.find(n + ci)) == root)
                .map(|(_, c)| c.label.clone());
            let alone = members.len() == 1 && candidate.is_none();
            let links = members
                .iter()
                .map(|&ri| {
                    let mut rs = reasons.get(ri).cloned().unwrap_or_default();
                    if alone || rs.is_empty() {
                        rs = vec![LinkReason::OnlyRecord];
                    }
                    rs.sort_by(|a, b| b.confidence().total_cmp(&a.confidence()));
                    rs.dedup();
                    let confidence = rs.first().map_or(1.0, LinkReason::confidence);
                    Link {
                        record: ri,
                        reasons: rs,
                        confidence,
                    }
                })
                .collect();
            // Two people never share an id, even when their identifiers hash alike.
            let mut id = person_id(&members, records);
            let count = seen_ids.entry(id.clone()).or_insert(0);
            *count += 1;
            if *count > 1 {
                id = format!("{id}-{count}");
            }
            Person {
                id,
                candidate,
                links,
            }
        })
        .collect()
}

fn person_id(members: &[usize], records: &[AchievementRecord]) -> String {
    let mut ids: Vec<String> = members
        .iter()
        .filter_map(|&ri| records.get(ri))
        .flat_map(|r| {
            r.subject
                .identifiers
                .iter()
                .map(|i| serde_json::to_string(i).unwrap_or_default())
        })
        .collect();
    if let Some(did) = members
        .iter()
        .filter_map(|&ri| records.get(ri))
        .find_map(|r| {
            r.subject.identifiers.iter().find_map(|i| match i {
                SubjectIdentifier::Did { did } => Some(did.clone()),
                _ => None,
            })
        })
    {
        return format!("person:{did}");
    }
    ids.sort();
    if ids.is_empty() {
        ids.extend(
            members
                .iter()
                .filter_map(|&ri| records.get(ri))
                .map(|r| r.source.item.clone()),
        );
    }
    let digest = Sha256::digest(ids.join("\n").as_bytes());
    format!("person:{}", hex(digest.get(..8).unwrap_or_default()))
}

/// Identity types as issuers write them → one kind.
fn identity_kind(identity_type: &str) -> String {
    match identity_type.trim().to_ascii_lowercase().as_str() {
        "email" | "emailaddress" => "email".into(),
        "telephone" | "phone" | "phonenumber" => "phone".into(),
        "did" => "did".into(),
        "url" | "uri" | "iri" | "id" => "url".into(),
        other => other.into(),
    }
}

fn identifier_key(kind: &str, value: &str) -> String {
    let value = value.trim();
    let value = if kind == "email" {
        value.to_lowercase()
    } else {
        value.to_string()
    };
    format!("{kind}\u{0}{value}")
}

/// Whether `alg$hex` is the hash of `plaintext` + `salt` (OB 2.0 `identity`, OB 3.0
/// `identityHash`): SHA-256 or MD5, hex in either case. Emails are also tried lower-cased, as
/// issuers commonly hash them.
pub fn hash_matches(identity_hash: &str, salt: Option<&str>, plaintext: &str) -> bool {
    let Some((alg, hex_digest)) = identity_hash.split_once('$') else {
        return false;
    };
    let salt = salt.unwrap_or_default();
    [
        plaintext.trim().to_string(),
        plaintext.trim().to_lowercase(),
    ]
    .iter()
    .any(|p| {
        credbridge_model::identity::identity_hash(alg, p, salt)
            .is_some_and(|computed| computed.eq_ignore_ascii_case(hex_digest.trim()))
    })
}

fn hex(bytes: &[u8]) -> String {
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}

/// Union-find with path halving.
struct DisjointSets {
    parent: Vec<usize>,
}

impl DisjointSets {
    fn new(n: usize) -> DisjointSets {
        DisjointSets {
            parent: (0..n).collect(),
        }
    }

    fn find(&mut self, mut x: usize) -> usize {
        while let Some(&p) = self.parent.get(x) {
            if p == x {
                break;
            }
            let grand = self.parent.get(p).copied().unwrap_or(p);
            if let Some(slot) = self.parent.get_mut(x) {
                *slot = grand;
            }
            x = grand;
        }
        x
    }

    fn union(&mut self, a: usize, b: usize) {
        let (ra, rb) = (self.find(a), self.find(b));
        if ra != rb {
            // The smaller index is the root, so candidates (after the records) never root a group
            // ahead of a record, and group order follows input order.
            let (root, child) = if ra < rb { (ra, rb) } else { (rb, ra) };
            if let Some(slot) = self.parent.get_mut(child) {
                *slot = root;
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn spec_example_hash_matches() {
        // OB 3.0 schema $comment: SHA-256("a@example.com" + "Kosher").
        let h = "sha256$b5809d8a92f8858436d7e6b87c12ebc0ae1eac4baecc2c0b913aee2c922ef399";
        assert!(hash_matches(h, Some("Kosher"), "a@example.com"));
        assert!(hash_matches(
            &h.to_uppercase().replace("SHA256", "sha256"),
            Some("Kosher"),
            "A@example.com"
        ));
        assert!(!hash_matches(h, Some("kosher"), "a@example.com"));
        assert!(!hash_matches(h, None, "a@example.com"));
        assert!(!hash_matches("sha1$00", None, "a@example.com"));
    }

    #[test]
    fn parses_identifiers() {
        assert_eq!(
            KnownIdentifier::parse("email:Jo@Example.com").unwrap().kind,
            "email"
        );
        assert_eq!(
            KnownIdentifier::parse("emailAddress:jo@example.com")
                .unwrap()
                .kind,
            "email"
        );
        assert_eq!(KnownIdentifier::parse("did:key:z6Mk").unwrap().kind, "did");
        assert_eq!(
            KnownIdentifier::parse("studentId:S-1").unwrap().kind,
            "studentid"
        );
        assert!(matches!(
            KnownIdentifier::parse("nonsense"),
            Err(ProfileError::IdentifierShape { .. })
        ));
        assert!(matches!(
            KnownIdentifier::parse(&format!("email:{}", "a".repeat(2000))),
            Err(ProfileError::IdentifierTooLong { .. })
        ));
    }
}
