//! O*NET 29.2: the content model's skills (2.A, 2.B) and knowledge (2.C) elements, occupations, their
//! importance/level ratings, and technology-skill examples.
//!
//! IRIs are minted as the crate doc describes (O*NET publishes none).

use std::collections::HashMap;
use std::sync::Arc;

use crate::concept::{Concept, ConceptKind, ConceptStore, Framework};
use crate::error::Error;
use crate::esco::{Rows, Table};

/// The O*NET version bundled.
pub const ONET_VERSION: &str = "29.2";

/// IRI of an O*NET content-model element (for example `2.A.1.a`).
pub fn element_iri(element_id: &str) -> String {
    format!("https://www.onetonline.org/find/descriptor/result/{element_id}")
}

/// IRI of an O*NET-SOC occupation (for example `15-1252.00`).
pub fn occupation_iri(code: &str) -> String {
    format!("https://www.onetonline.org/link/summary/{code}")
}

/// IRI of a technology-skill example (for example "Python").
pub fn technology_iri(example: &str) -> String {
    format!(
        "urn:x-onet:{ONET_VERSION}:technology:{}",
        percent_encode(example)
    )
}

fn commodity_iri(code: &str) -> String {
    format!("urn:x-onet:{ONET_VERSION}:unspsc:{}", percent_encode(code))
}

/// Percent-encode everything outside RFC 3986 unreserved characters.
fn percent_encode(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for b in s.bytes() {
        if b.is_ascii_alphanumeric() || matches!(b, b'-' | b'.' | b'_' | b'~') {
            out.push(char::from(b));
        } else {
            out.push_str(&format!("%{b:02X}"));
        }
    }
    out
}

/// One O*NET rating of an element for an occupation.
#[derive(Debug, Clone, Copy, PartialEq, serde::Serialize)]
pub struct OnetRating {
    /// Importance, 1-5 (scale IM).
    pub importance: Option<f32>,
    /// Level, 0-7 (scale LV).
    pub level: Option<f32>,
}

/// Counts of what one load read.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, serde::Serialize)]
pub struct OnetCounts {
    /// Skill elements (2.A, 2.B leaves).
    pub skills: usize,
    /// Knowledge elements (2.C leaves).
    pub knowledge: usize,
    /// Occupations.
    pub occupations: usize,
    /// Occupation × element ratings read (IM and LV rows merged).
    pub ratings: usize,
    /// Distinct technology-skill examples.
    pub technologies: usize,
    /// Occupation × technology rows.
    pub technology_links: usize,
}

pub(crate) struct OnetTables<'a> {
    content_model: Table<'a>,
    occupations: Table<'a>,
    skills: Table<'a>,
    knowledge: Table<'a>,
    technology: Table<'a>,
}

pub(crate) fn bundled() -> OnetTables<'static> {
    macro_rules! table {
        ($file:literal) => {
            Table {
                name: $file,
                gz: include_bytes!(concat!("../data/onet/29.2/", $file, ".gz")),
            }
        };
    }
    OnetTables {
        content_model: table!("Content Model Reference.txt"),
        occupations: table!("Occupation Data.txt"),
        skills: table!("Skills.txt"),
        knowledge: table!("Knowledge.txt"),
        technology: table!("Technology Skills.txt"),
    }
}

pub(crate) fn load(store: &mut ConceptStore, t: &OnetTables<'_>) -> Result<OnetCounts, Error> {
    let version: Arc<str> = Arc::from(ONET_VERSION);
    let mut counts = OnetCounts::default();

    let rows = Rows::new(&t.content_model, b'\t')?;
    let (id_col, name_col, desc_col) = (
        rows.column("Element ID")?,
        rows.column("Element Name")?,
        rows.column("Description")?,
    );
    let mut elements: Vec<(String, String, String)> = Vec::new();
    rows.for_each(|r| {
        let id = r.get(id_col).unwrap_or("");
        if id == "2" || id.starts_with("2.A") || id.starts_with("2.B") || id.starts_with("2.C") {
            elements.push((
                id.to_owned(),
                r.get(name_col).unwrap_or("").to_owned(),
                r.get(desc_col).unwrap_or("").to_owned(),
            ));
        }
        Ok(())
    })?;
    let is_group = |id: &str| {
        elements.iter().any(|(other, _, _)| {
            other.len() > id.len()
                && other.starts_with(id)
                && other.as_bytes().get(id.len()) == Some(&b'.')
        })
    };
    let mut ids = HashMap::new();
    for (id, name, desc) in &elements {
        let kind = if is_group(id) {
            ConceptKind::Group
        } else if id.starts_with("2.C") {
            counts.knowledge += 1;
            ConceptKind::Knowledge
        } else {
            counts.skills += 1;
            ConceptKind::Skill
        };
        let mut c = Concept::new(&element_iri(id), Framework::Onet, &version, kind, name);
        c.code = Some(id.clone());
        c.description = Some(desc.clone()).filter(|d| !d.is_empty());
        ids.insert(id.clone(), store.insert(c));
    }
    for (id, _, _) in &elements {
        if let (Some((parent, _)), Some(&child)) = (id.rsplit_once('.'), ids.get(id)) {
            if let Some(&p) = ids.get(parent) {
                store.link_broader(child, p);
            }
        }
    }

    let rows = Rows::new(&t.occupations, b'\t')?;
    let (code, title, desc) = (
        rows.column("O*NET-SOC Code")?,
        rows.column("Title")?,
        rows.column("Description")?,
    );
    rows.for_each(|r| {
        let code = r.get(code).unwrap_or("");
        let mut c = Concept::new(
            &occupation_iri(code),
            Framework::Onet,
            &version,
            ConceptKind::Occupation,
            r.get(title).unwrap_or(""),
        );
        c.code = Some(code.to_owned());
        c.description = r.get(desc).filter(|d| !d.is_empty()).map(str::to_owned);
        store.insert(c);
        counts.occupations += 1;
        Ok(())
    })?;

    for table in [&t.skills, &t.knowledge] {
        let rows = Rows::new(table, b'\t')?;
        let (code, element, scale, value) = (
            rows.column("O*NET-SOC Code")?,
            rows.column("Element ID")?,
            rows.column("Scale ID")?,
            rows.column("Data Value")?,
        );
        rows.for_each(|r| {
            let (Some(o), Some(e)) = (
                r.get(code).and_then(|c| store.id_of(&occupation_iri(c))),
                r.get(element).and_then(|e| ids.get(e).copied()),
            ) else {
                return Ok(());
            };
            let v = r.get(value).and_then(|v| v.parse::<f32>().ok());
            let rating = store.onet_rating_mut(o, e);
            match r.get(scale) {
                Some("IM") => rating.importance = v,
                Some("LV") => rating.level = v,
                _ => {}
            }
            Ok(())
        })?;
    }
    counts.ratings = store.onet_ratings().count();

    let rows = Rows::new(&t.technology, b'\t')?;
    let (code, example, commodity, commodity_title) = (
        rows.column("O*NET-SOC Code")?,
        rows.column("Example")?,
        rows.column("Commodity Code")?,
        rows.column("Commodity Title")?,
    );
    rows.for_each(|r| {
        let ex = r.get(example).unwrap_or("");
        if ex.is_empty() {
            return Ok(());
        }
        let before = store.len();
        let tech = store.insert(Concept::new(
            &technology_iri(ex),
            Framework::Onet,
            &version,
            ConceptKind::Technology,
            ex,
        ));
        if store.len() > before {
            counts.technologies += 1;
            let cc = r.get(commodity).unwrap_or("");
            let mut group = Concept::new(
                &commodity_iri(cc),
                Framework::Onet,
                &version,
                ConceptKind::Group,
                r.get(commodity_title).unwrap_or(""),
            );
            group.code = Some(cc.to_owned());
            let g = store.insert(group);
            store.link_broader(tech, g);
        }
        if let Some(o) = r.get(code).and_then(|c| store.id_of(&occupation_iri(c))) {
            store.add_onet_technology(o, tech);
            counts.technology_links += 1;
        }
        Ok(())
    })?;
    Ok(counts)
}
