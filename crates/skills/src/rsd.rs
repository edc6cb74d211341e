//! Open Skills Network Rich Skill Descriptors as OSMT returns them (one RSD, an array, or a
//! RichSkillCollection with `skills`): `id` is the IRI, `skillName` the label, `skillStatement` the
//! description; `alignments[]` become declared crosswalks (usually to Lightcast, kept as references).

use std::sync::Arc;

use serde_json::Value;

use crate::concept::{Concept, ConceptKind, ConceptStore, Crosswalk, Framework};
use crate::error::Error;
use crate::limits::{MAX_DOCUMENT_BYTES, MAX_ITEMS};

/// Load RSDs from `json`; returns how many were added.
pub(crate) fn load(store: &mut ConceptStore, json: &[u8]) -> Result<usize, Error> {
    if json.len() > MAX_DOCUMENT_BYTES {
        return Err(Error::LimitExceeded {
            what: "RSD document bytes",
            limit: MAX_DOCUMENT_BYTES,
            found: json.len(),
        });
    }
    let v: Value = serde_json::from_slice(json).map_err(|source| Error::Json {
        what: "RSD",
        source,
    })?;
    let (skills, base): (Vec<&Value>, String) = match &v {
        Value::Array(a) => (a.iter().collect(), String::new()),
        Value::Object(o) if o.get("skills").is_some_and(Value::is_array) => (
            o.get("skills")
                .and_then(Value::as_array)
                .map(|a| a.iter().collect())
                .unwrap_or_default(),
            "/skills".into(),
        ),
        Value::Object(_) => (vec![&v], String::new()),
        _ => {
            return Err(Error::MissingProperty {
                what: "RSD",
                pointer: "/skillName".into(),
            });
        }
    };
    if skills.len() > MAX_ITEMS {
        return Err(Error::LimitExceeded {
            what: "RSDs",
            limit: MAX_ITEMS,
            found: skills.len(),
        });
    }
    let single = skills.len() == 1 && base.is_empty();
    let mut added = 0;
    for (i, s) in skills.into_iter().enumerate() {
        let at = if single {
            String::new()
        } else {
            format!("{base}/{i}")
        };
        let str_of = |k: &str| s.get(k).and_then(Value::as_str);
        let id = str_of("id").ok_or_else(|| Error::MissingProperty {
            what: "RSD",
            pointer: format!("{at}/id"),
        })?;
        let name = str_of("skillName").ok_or_else(|| Error::MissingProperty {
            what: "RSD",
            pointer: format!("{at}/skillName"),
        })?;
        let version: Arc<str> = Arc::from(
            str_of("updateDate")
                .or(str_of("publishDate"))
                .or(str_of("creationDate"))
                .unwrap_or("unversioned"),
        );
        let mut c = Concept::new(id, Framework::Rsd, &version, ConceptKind::Competency, name);
        let mut desc: Vec<String> = str_of("skillStatement")
            .map(str::to_owned)
            .into_iter()
            .collect();
        for k in ["keywords", "categories"] {
            if let Some(a) = s.get(k).and_then(Value::as_array) {
                desc.extend(a.iter().filter_map(Value::as_str).map(str::to_owned));
            }
        }
        c.description = Some(desc.join(". ")).filter(|d| !d.is_empty());
        let cid = store.insert(c);
        if let Some(uuid) = str_of("uuid") {
            store.alias(uuid.to_ascii_lowercase(), cid);
        }
        for (j, a) in s
            .get("alignments")
            .and_then(Value::as_array)
            .map(Vec::as_slice)
            .unwrap_or(&[])
            .iter()
            .enumerate()
        {
            if let Some(target) = a.get("id").and_then(Value::as_str) {
                store.add_crosswalk(
                    cid,
                    Crosswalk {
                        target_iri: target.to_owned(),
                        target_name: a
                            .get("skillName")
                            .and_then(Value::as_str)
                            .map(str::to_owned),
                        source: format!("RSD {id} alignments[{j}]"),
                    },
                );
            }
        }
        added += 1;
    }
    Ok(added)
}
