//! ESCO v1.1.1 (English) from the official CSV bundle: skills, skill groups, occupations, the skills-pillar
//! hierarchy, skill-skill and occupation-skill relations.
//!
//! Multi-valued cells (`altLabels`, `hiddenLabels`) hold one value per line inside a quoted field
//! (see `data/SOURCES.md`).

use std::io::Read;
use std::sync::Arc;

use crate::concept::{Concept, ConceptKind, ConceptStore, Framework, RelationKind};
use crate::error::Error;

/// The ESCO version bundled.
pub const ESCO_VERSION: &str = "1.1.1";

/// A gzip-compressed CSV/TSV table and the name it is reported under.
pub(crate) struct Table<'a> {
    pub(crate) name: &'static str,
    pub(crate) gz: &'a [u8],
}

/// Decompress `table`, refusing more than [`crate::limits::MAX_TABLE_BYTES`].
pub(crate) fn gunzip(table: &Table<'_>) -> Result<Vec<u8>, Error> {
    let mut out = Vec::new();
    let limit = crate::limits::MAX_TABLE_BYTES;
    flate2::read::GzDecoder::new(table.gz)
        .take(limit as u64 + 1)
        .read_to_end(&mut out)
        .map_err(|source| Error::Decompress {
            table: table.name,
            source,
        })?;
    if out.len() > limit {
        return Err(Error::LimitExceeded {
            what: "decompressed table bytes",
            limit,
            found: out.len(),
        });
    }
    Ok(out)
}

/// Rows of a table as header-keyed records.
pub(crate) struct Rows {
    table: &'static str,
    headers: csv::StringRecord,
    reader: csv::Reader<std::io::Cursor<Vec<u8>>>,
}

impl Rows {
    pub(crate) fn new(table: &Table<'_>, delimiter: u8) -> Result<Self, Error> {
        let bytes = gunzip(table)?;
        let mut reader = csv::ReaderBuilder::new()
            .delimiter(delimiter)
            .quoting(delimiter == b',')
            .flexible(delimiter != b',')
            .from_reader(std::io::Cursor::new(bytes));
        let headers = reader
            .headers()
            .map_err(|source| Error::Csv {
                table: table.name,
                source,
            })?
            .clone();
        Ok(Rows {
            table: table.name,
            headers,
            reader,
        })
    }

    /// Index of a named column.
    pub(crate) fn column(&self, name: &'static str) -> Result<usize, Error> {
        self.headers
            .iter()
            .position(|h| h == name)
            .ok_or(Error::MissingColumn {
                table: self.table,
                column: name,
            })
    }

    /// Call `f` for every row.
    pub(crate) fn for_each(
        mut self,
        mut f: impl FnMut(&csv::StringRecord) -> Result<(), Error>,
    ) -> Result<(), Error> {
        let mut record = csv::StringRecord::new();
        loop {
            match self.reader.read_record(&mut record) {
                Ok(true) => f(&record)?,
                Ok(false) => return Ok(()),
                Err(source) => {
                    return Err(Error::Csv {
                        table: self.table,
                        source,
                    });
                }
            }
        }
    }
}

fn lines(cell: &str) -> Vec<String> {
    cell.lines()
        .map(str::trim)
        .filter(|s| !s.is_empty())
        .map(str::to_owned)
        .collect()
}

/// The compressed ESCO tables, in the order [`load`] reads them.
pub(crate) struct EscoTables<'a> {
    pub(crate) skills: Table<'a>,
    pub(crate) skill_groups: Table<'a>,
    pub(crate) occupations: Table<'a>,
    pub(crate) broader_skills: Table<'a>,
    pub(crate) skill_skill: Table<'a>,
    pub(crate) occupation_skill: Table<'a>,
}

/// The ESCO tables compiled into the binary.
pub(crate) fn bundled() -> EscoTables<'static> {
    macro_rules! table {
        ($file:literal) => {
            Table {
                name: $file,
                gz: include_bytes!(concat!("../data/esco/v1.1.1/", $file, ".gz")),
            }
        };
    }
    EscoTables {
        skills: table!("skills_en.csv"),
        skill_groups: table!("skillGroups_en.csv"),
        occupations: table!("occupations_en.csv"),
        broader_skills: table!("broaderRelationsSkillPillar.csv"),
        skill_skill: table!("skillSkillRelations.csv"),
        occupation_skill: table!("occupationSkillRelations.csv"),
    }
}

/// Counts of what one load read.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, serde::Serialize)]
pub struct EscoCounts {
    /// Skill and knowledge concepts.
    pub skills: usize,
    /// Skill groups.
    pub skill_groups: usize,
    /// Occupations.
    pub occupations: usize,
    /// Broader links in the skills pillar.
    pub broader_links: usize,
    /// Skill-skill relations.
    pub skill_skill_links: usize,
    /// Occupation-skill relations.
    pub occupation_skill_links: usize,
}

/// Load ESCO into `store`.
pub(crate) fn load(store: &mut ConceptStore, tables: &EscoTables<'_>) -> Result<EscoCounts, Error> {
    let version: Arc<str> = Arc::from(ESCO_VERSION);
    let mut counts = EscoCounts::default();

    let rows = Rows::new(&tables.skills, b',')?;
    let (uri, ty, pref, alt, hidden, desc) = (
        rows.column("conceptUri")?,
        rows.column("skillType")?,
        rows.column("preferredLabel")?,
        rows.column("altLabels")?,
        rows.column("hiddenLabels")?,
        rows.column("description")?,
    );
    rows.for_each(|r| {
        let kind = if r.get(ty) == Some("knowledge") {
            ConceptKind::Knowledge
        } else {
            ConceptKind::Skill
        };
        let mut c = Concept::new(
            r.get(uri).unwrap_or(""),
            Framework::Esco,
            &version,
            kind,
            r.get(pref).unwrap_or(""),
        );
        c.alt_labels = lines(r.get(alt).unwrap_or(""));
        c.hidden_labels = lines(r.get(hidden).unwrap_or(""));
        c.description = r.get(desc).filter(|d| !d.is_empty()).map(str::to_owned);
        store.insert(c);
        counts.skills += 1;
        Ok(())
    })?;

    let rows = Rows::new(&tables.skill_groups, b',')?;
    let (uri, pref, alt, desc, code) = (
        rows.column("conceptUri")?,
        rows.column("preferredLabel")?,
        rows.column("altLabels")?,
        rows.column("description")?,
        rows.column("code")?,
    );
    rows.for_each(|r| {
        let mut c = Concept::new(
            r.get(uri).unwrap_or(""),
            Framework::Esco,
            &version,
            ConceptKind::Group,
            r.get(pref).unwrap_or(""),
        );
        c.alt_labels = lines(r.get(alt).unwrap_or(""));
        c.description = r.get(desc).filter(|d| !d.is_empty()).map(str::to_owned);
        c.code = r.get(code).filter(|d| !d.is_empty()).map(str::to_owned);
        store.insert(c);
        counts.skill_groups += 1;
        Ok(())
    })?;

    let rows = Rows::new(&tables.occupations, b',')?;
    let (uri, pref, alt, hidden, desc, code) = (
        rows.column("conceptUri")?,
        rows.column("preferredLabel")?,
        rows.column("altLabels")?,
        rows.column("hiddenLabels")?,
        rows.column("description")?,
        rows.column("code")?,
    );
    rows.for_each(|r| {
        let mut c = Concept::new(
            r.get(uri).unwrap_or(""),
            Framework::Esco,
            &version,
            ConceptKind::Occupation,
            r.get(pref).unwrap_or(""),
        );
        c.alt_labels = lines(r.get(alt).unwrap_or(""));
        c.hidden_labels = lines(r.get(hidden).unwrap_or(""));
        c.description = r.get(desc).filter(|d| !d.is_empty()).map(str::to_owned);
        c.code = r.get(code).filter(|d| !d.is_empty()).map(str::to_owned);
        store.insert(c);
        counts.occupations += 1;
        Ok(())
    })?;

    let rows = Rows::new(&tables.broader_skills, b',')?;
    let (narrow, broad) = (rows.column("conceptUri")?, rows.column("broaderUri")?);
    rows.for_each(|r| {
        if let (Some(n), Some(b)) = (
            r.get(narrow).and_then(|i| store.id_of(i)),
            r.get(broad).and_then(|i| store.id_of(i)),
        ) {
            store.link_broader(n, b);
            counts.broader_links += 1;
        }
        Ok(())
    })?;

    let rows = Rows::new(&tables.skill_skill, b',')?;
    let (from, rel, to) = (
        rows.column("originalSkillUri")?,
        rows.column("relationType")?,
        rows.column("relatedSkillUri")?,
    );
    rows.for_each(|r| {
        if let (Some(f), Some(t)) = (
            r.get(from).and_then(|i| store.id_of(i)),
            r.get(to).and_then(|i| store.id_of(i)),
        ) {
            store.link_related(f, t, relation(r.get(rel)));
            counts.skill_skill_links += 1;
        }
        Ok(())
    })?;

    let rows = Rows::new(&tables.occupation_skill, b',')?;
    let (occ, rel, skill) = (
        rows.column("occupationUri")?,
        rows.column("relationType")?,
        rows.column("skillUri")?,
    );
    rows.for_each(|r| {
        if let (Some(o), Some(s)) = (
            r.get(occ).and_then(|i| store.id_of(i)),
            r.get(skill).and_then(|i| store.id_of(i)),
        ) {
            store.link_occupation_skill(o, s, relation(r.get(rel)));
            counts.occupation_skill_links += 1;
        }
        Ok(())
    })?;
    Ok(counts)
}

fn relation(cell: Option<&str>) -> RelationKind {
    match cell {
        Some("essential") => RelationKind::Essential,
        Some("optional") => RelationKind::Optional,
        _ => RelationKind::Related,
    }
}
