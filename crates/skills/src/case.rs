//! CASE 1.0/1.1 CFPackages (the JSON of `GET /ims/case/v1p0|v1p1/CFPackages/{id}`): the CFDocument and every
//! CFItem become concepts; `isChildOf` builds the hierarchy; `exactMatchOf` becomes a declared crosswalk;
//! `isRelatedTo`/`isPeerOf`/`isPartOf` become relations. Other association types are counted and kept out.
//!
//! Every item is also found by its `identifier` (a UUID), because the same item's `uri` differs between
//! CASE servers and mirrors (CASE 1.1 §4.2 keys references on `identifier`).

use std::collections::BTreeMap;
use std::sync::Arc;

use serde::Deserialize;

use crate::concept::{Concept, ConceptKind, ConceptStore, Crosswalk, Framework, RelationKind};
use crate::error::Error;
use crate::limits::{MAX_ASSOCIATIONS, MAX_DOCUMENT_BYTES, MAX_ITEMS};

/// Counts of one CASE package.
#[derive(Debug, Clone, Default, PartialEq, Eq, serde::Serialize)]
pub struct CaseCounts {
    /// The CFDocument's URI.
    pub document: String,
    /// CFItems read.
    pub items: usize,
    /// CFAssociations read.
    pub associations: usize,
    /// Associations by `associationType`.
    pub association_types: BTreeMap<String, usize>,
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct Package {
    #[serde(rename = "CFDocument")]
    document: Option<Document>,
    #[serde(rename = "CFItems", default)]
    items: Vec<Item>,
    #[serde(rename = "CFAssociations", default)]
    associations: Vec<Association>,
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct Document {
    identifier: Option<String>,
    uri: Option<String>,
    title: Option<String>,
    version: Option<String>,
    last_change_date_time: Option<String>,
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct Item {
    identifier: Option<String>,
    uri: Option<String>,
    full_statement: Option<String>,
    abbreviated_statement: Option<String>,
    human_coding_scheme: Option<String>,
    notes: Option<String>,
    #[serde(default)]
    concept_keywords: Vec<String>,
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct Association {
    identifier: Option<String>,
    association_type: Option<String>,
    #[serde(rename = "originNodeURI")]
    origin: Option<NodeRef>,
    #[serde(rename = "destinationNodeURI")]
    destination: Option<NodeRef>,
}

#[derive(Deserialize)]
struct NodeRef {
    title: Option<String>,
    identifier: Option<String>,
    uri: Option<String>,
}

/// Load one CFPackage into `store`.
pub(crate) fn load(store: &mut ConceptStore, json: &[u8]) -> Result<CaseCounts, Error> {
    if json.len() > MAX_DOCUMENT_BYTES {
        return Err(Error::LimitExceeded {
            what: "CASE package bytes",
            limit: MAX_DOCUMENT_BYTES,
            found: json.len(),
        });
    }
    let pkg: Package = serde_json::from_slice(json).map_err(|source| Error::Json {
        what: "CASE CFPackage",
        source,
    })?;
    let doc = pkg.document.ok_or(Error::MissingProperty {
        what: "CASE CFPackage",
        pointer: "/CFDocument".into(),
    })?;
    if pkg.items.len() > MAX_ITEMS {
        return Err(Error::LimitExceeded {
            what: "CASE CFItems",
            limit: MAX_ITEMS,
            found: pkg.items.len(),
        });
    }
    if pkg.associations.len() > MAX_ASSOCIATIONS {
        return Err(Error::LimitExceeded {
            what: "CASE CFAssociations",
            limit: MAX_ASSOCIATIONS,
            found: pkg.associations.len(),
        });
    }
    let doc_uri = doc.uri.clone().ok_or(Error::MissingProperty {
        what: "CASE CFDocument",
        pointer: "/CFDocument/uri".into(),
    })?;
    let version: Arc<str> = Arc::from(
        doc.version
            .or(doc.last_change_date_time)
            .unwrap_or_else(|| "unversioned".to_owned())
            .as_str(),
    );
    let doc_id = store.insert(Concept::new(
        &doc_uri,
        Framework::Case,
        &version,
        ConceptKind::Framework,
        doc.title.as_deref().unwrap_or(""),
    ));
    if let Some(uuid) = &doc.identifier {
        store.alias(uuid.to_ascii_lowercase(), doc_id);
    }
    let mut counts = CaseCounts {
        document: doc_uri,
        ..CaseCounts::default()
    };
    for (i, item) in pkg.items.into_iter().enumerate() {
        let uri = item.uri.ok_or_else(|| Error::MissingProperty {
            what: "CASE CFItem",
            pointer: format!("/CFItems/{i}/uri"),
        })?;
        let statement = item.full_statement.ok_or_else(|| Error::MissingProperty {
            what: "CASE CFItem",
            pointer: format!("/CFItems/{i}/fullStatement"),
        })?;
        let mut c = Concept::new(
            &uri,
            Framework::Case,
            &version,
            ConceptKind::Competency,
            &statement,
        );
        c.alt_labels = item.abbreviated_statement.into_iter().collect();
        c.code = item.human_coding_scheme;
        let mut desc: Vec<String> = item.concept_keywords;
        desc.extend(item.notes);
        c.description = Some(desc.join(". ")).filter(|d| !d.is_empty());
        let id = store.insert(c);
        if let Some(uuid) = item.identifier {
            store.alias(uuid.to_ascii_lowercase(), id);
        }
        counts.items += 1;
    }
    let find = |store: &ConceptStore, node: &NodeRef| {
        node.uri
            .as_deref()
            .and_then(|u| store.id_of(u))
            .or_else(|| {
                node.identifier
                    .as_deref()
                    .and_then(|u| store.by_alias(&u.to_ascii_lowercase()))
            })
    };
    for a in pkg.associations {
        counts.associations += 1;
        let ty = a.association_type.unwrap_or_default();
        *counts.association_types.entry(ty.clone()).or_default() += 1;
        let (Some(origin), Some(dest)) = (a.origin, a.destination) else {
            continue;
        };
        let Some(o) = find(store, &origin) else {
            continue;
        };
        let d = find(store, &dest);
        match (ty.as_str(), d) {
            ("isChildOf", Some(d)) => store.link_broader(o, d),
            ("exactMatchOf", _) => {
                if let Some(target) = dest.uri {
                    let source = format!(
                        "CASE CFAssociation {} exactMatchOf",
                        a.identifier.as_deref().unwrap_or("(no identifier)")
                    );
                    store.add_crosswalk(
                        o,
                        Crosswalk {
                            target_iri: target,
                            target_name: dest.title,
                            source,
                        },
                    );
                }
            }
            ("isRelatedTo" | "isPeerOf" | "isPartOf", Some(d)) => {
                store.link_related(o, d, RelationKind::Related)
            }
            _ => {}
        }
    }
    Ok(counts)
}
