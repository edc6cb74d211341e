//! Rosters → rows to issue: a CSV with our header (no mapping needed), a CSV with a column
//! mapping file, a OneRoster 1.2 CSV bundle (users, classes, lineItems, results), and
//! OneRoster/Edu-API-shaped JSON. A bad row is reported by row number and column and skipped;
//! the rest go on.

use std::collections::HashMap;
use std::path::Path;

use serde::{Deserialize, Serialize};
use serde_json::Value;

use crate::error::IssueError;
use crate::issuer::read_bounded;

/// Largest roster file read, in bytes.
pub const MAX_ROSTER_BYTES: u64 = 512 * 1024 * 1024;

/// Most data rows in one roster.
pub const MAX_ROSTER_ROWS: usize = 2_000_000;

/// Longest field, in characters.
pub const MAX_FIELD_CHARS: usize = 2048;

/// The header that needs no mapping file (the optional columns may follow in any order).
pub const DEFAULT_COLUMNS: &[&str] = &["email", "given_name", "family_name", "awarded_at"];

/// Optional columns of the default header.
pub const OPTIONAL_COLUMNS: &[&str] = &["result_level", "evidence_url", "student_id", "did"];

/// One learner to award.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct RosterRow {
    /// 1-based data row (the header is row 0; for JSON, the index in `results` + 1).
    pub row: usize,
    /// Email, lower-cased and trimmed (hashed into the credential, never in clear).
    pub email: Option<String>,
    /// The learner's DID, when given (then it is the subject id).
    pub did: Option<String>,
    /// Given name (for the manifest; not put in the credential).
    pub given_name: String,
    /// Family name.
    pub family_name: String,
    /// Award time, normalized to `YYYY-MM-DDThh:mm:ssZ`.
    pub awarded_at: String,
    /// Award time, Unix seconds.
    pub awarded_unix: i64,
    /// A rubric level (id or name) of the template's result description.
    pub result_level: Option<String>,
    /// Evidence URL.
    pub evidence_url: Option<String>,
    /// The school's id for the learner.
    pub student_id: Option<String>,
}

impl RosterRow {
    /// The recipient key that identifies the learner in credential ids: the DID, else the email.
    pub fn recipient_key(&self) -> &str {
        self.did.as_deref().or(self.email.as_deref()).unwrap_or("")
    }
}

/// A row that was skipped, and why.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct RowError {
    /// 1-based data row.
    pub row: usize,
    /// The column (or JSON member) at fault.
    pub column: String,
    /// What is wrong.
    pub message: String,
}

impl std::fmt::Display for RowError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(
            f,
            "row {}, column {}: {}",
            self.row, self.column, self.message
        )
    }
}

/// A parsed roster: good rows and skipped rows.
#[derive(Debug, Clone, Default)]
pub struct Roster {
    /// Rows to issue.
    pub rows: Vec<RosterRow>,
    /// Rows skipped.
    pub errors: Vec<RowError>,
}

/// Which column holds each field (a mapping file, YAML or JSON).
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct ColumnMapping {
    /// Column of the email.
    #[serde(default)]
    pub email: Option<String>,
    /// Column of the DID.
    #[serde(default)]
    pub did: Option<String>,
    /// Column of the given name.
    pub given_name: String,
    /// Column of the family name.
    #[serde(default)]
    pub family_name: Option<String>,
    /// Column of the award date.
    pub awarded_at: String,
    /// Column of the result level.
    #[serde(default)]
    pub result_level: Option<String>,
    /// Column of the evidence URL.
    #[serde(default)]
    pub evidence_url: Option<String>,
    /// Column of the student id.
    #[serde(default)]
    pub student_id: Option<String>,
}

impl ColumnMapping {
    /// Reads a mapping file (YAML or JSON).
    pub fn load(path: &Path) -> Result<ColumnMapping, IssueError> {
        let bytes = read_bounded(path, 64 * 1024, "mapping file bytes")?;
        serde_norway::from_slice(&bytes).map_err(|e| IssueError::Parse {
            what: "column mapping",
            path: path.to_owned(),
            reason: e.to_string(),
        })
    }
}

/// The raw fields of a row before checking.
#[derive(Default)]
struct Fields<'a> {
    email: Option<(&'a str, String)>,
    did: Option<(&'a str, String)>,
    given_name: Option<(&'a str, String)>,
    family_name: Option<(&'a str, String)>,
    awarded_at: Option<(&'a str, String)>,
    result_level: Option<String>,
    evidence_url: Option<(&'a str, String)>,
    student_id: Option<String>,
}

fn nonempty(s: &str) -> Option<String> {
    let t = s.trim();
    (!t.is_empty()).then(|| t.to_owned())
}

/// Normalizes a date or date-time to `YYYY-MM-DDThh:mm:ssZ`.
fn normalize_date(text: &str) -> Option<(String, i64)> {
    let t = text.trim();
    let full = if t.len() == 10 {
        format!("{t}T00:00:00Z")
    } else {
        t.to_owned()
    };
    let unix = credbridge_proofs::parse_datetime(&full)?;
    Some((credbridge_proofs::format_datetime(unix), unix))
}

fn check_row(row: usize, f: Fields<'_>) -> Result<RosterRow, RowError> {
    let err = |column: &str, message: String| RowError {
        row,
        column: column.to_owned(),
        message,
    };
    for (col, value) in [
        &f.email,
        &f.did,
        &f.given_name,
        &f.family_name,
        &f.awarded_at,
        &f.evidence_url,
    ]
    .into_iter()
    .flatten()
    {
        if value.chars().count() > MAX_FIELD_CHARS {
            return Err(err(
                col,
                format!("longer than {MAX_FIELD_CHARS} characters"),
            ));
        }
    }
    let email = match f.email {
        Some((col, e)) => {
            let e = e.to_lowercase();
            let ok = e.split_once('@').is_some_and(|(local, domain)| {
                !local.is_empty()
                    && domain.contains('.')
                    && !domain.starts_with('.')
                    && !domain.ends_with('.')
            }) && !e.contains(char::is_whitespace);
            if !ok {
                return Err(err(col, format!("{e:?} is not an email address")));
            }
            Some(e)
        }
        None => None,
    };
    let did = match f.did {
        Some((col, d)) if !d.starts_with("did:") || d.contains(char::is_whitespace) => {
            return Err(err(col, format!("{d:?} is not a DID")));
        }
        Some((_, d)) => Some(d),
        None => None,
    };
    if email.is_none() && did.is_none() {
        return Err(err(
            "email",
            "no email and no DID: the learner cannot be identified".into(),
        ));
    }
    let given_name = match f.given_name {
        Some((_, g)) => g,
        None => return Err(err("given_name", "empty".into())),
    };
    let (awarded_at, awarded_unix) = match f.awarded_at {
        Some((col, a)) => normalize_date(&a).ok_or_else(|| {
            err(
                col,
                format!("{a:?} is not a date (YYYY-MM-DD) or date-time (RFC 3339)"),
            )
        })?,
        None => return Err(err("awarded_at", "empty".into())),
    };
    let evidence_url = match f.evidence_url {
        Some((col, u))
            if !(u.starts_with("https://") || u.starts_with("http://")) || u.contains(' ') =>
        {
            return Err(err(col, format!("{u:?} is not an http(s) URL")));
        }
        Some((_, u)) => Some(u),
        None => None,
    };
    Ok(RosterRow {
        row,
        email,
        did,
        given_name,
        family_name: f.family_name.map(|(_, v)| v).unwrap_or_default(),
        awarded_at,
        awarded_unix,
        result_level: f.result_level,
        evidence_url,
        student_id: f.student_id,
    })
}

fn read_text(path: &Path) -> Result<Vec<u8>, IssueError> {
    read_bounded(path, MAX_ROSTER_BYTES, "roster bytes")
}

fn csv_error(path: &Path, e: &csv::Error) -> IssueError {
    IssueError::Parse {
        what: "roster CSV",
        path: path.to_owned(),
        reason: e.to_string(),
    }
}

/// Reads a CSV roster: with `mapping`, columns are looked up by the mapping; without, the
/// header must hold [`DEFAULT_COLUMNS`] (plus any of [`OPTIONAL_COLUMNS`]).
pub fn read_csv(path: &Path, mapping: Option<&ColumnMapping>) -> Result<Roster, IssueError> {
    let bytes = read_text(path)?;
    parse_csv(&bytes, path, mapping)
}

/// [`read_csv`] over bytes already read (`path` names them in errors).
pub fn parse_csv(
    bytes: &[u8],
    path: &Path,
    mapping: Option<&ColumnMapping>,
) -> Result<Roster, IssueError> {
    let mut reader = csv::ReaderBuilder::new().flexible(true).from_reader(bytes);
    let header: Vec<String> = reader
        .headers()
        .map_err(|e| csv_error(path, &e))?
        .iter()
        .map(|h| h.trim().trim_start_matches('\u{feff}').to_owned())
        .collect();
    let default_mapping;
    let mapping = match mapping {
        Some(m) => m,
        None => {
            let missing: Vec<&'static str> = DEFAULT_COLUMNS
                .iter()
                .copied()
                .filter(|c| !header.iter().any(|h| h == c) && *c != "email")
                .collect();
            let has_recipient = header.iter().any(|h| h == "email" || h == "did");
            if !missing.is_empty() || !has_recipient {
                let mut missing = missing;
                if !has_recipient {
                    missing.insert(0, "email");
                }
                return Err(IssueError::RosterHeader {
                    path: path.to_owned(),
                    header,
                    missing,
                });
            }
            let has = |c: &str| header.iter().any(|h| h == c).then(|| c.to_owned());
            default_mapping = ColumnMapping {
                email: has("email"),
                did: has("did"),
                given_name: "given_name".into(),
                family_name: has("family_name"),
                awarded_at: "awarded_at".into(),
                result_level: has("result_level"),
                evidence_url: has("evidence_url"),
                student_id: has("student_id"),
            };
            &default_mapping
        }
    };
    let index = |field: &'static str,
                 column: &Option<String>|
     -> Result<Option<(usize, String)>, IssueError> {
        match column {
            None => Ok(None),
            Some(c) => header
                .iter()
                .position(|h| h == c)
                .map(|i| Some((i, c.clone())))
                .ok_or_else(|| IssueError::MappingColumnMissing {
                    path: path.to_owned(),
                    field,
                    column: c.clone(),
                    header: header.clone(),
                }),
        }
    };
    let cols = [
        index("email", &mapping.email)?,
        index("did", &mapping.did)?,
        index("given_name", &Some(mapping.given_name.clone()))?,
        index("family_name", &mapping.family_name)?,
        index("awarded_at", &Some(mapping.awarded_at.clone()))?,
        index("result_level", &mapping.result_level)?,
        index("evidence_url", &mapping.evidence_url)?,
        index("student_id", &mapping.student_id)?,
    ];
    let mut roster = Roster::default();
    for (i, record) in reader.records().enumerate() {
        let row = i + 1;
        if row > MAX_ROSTER_ROWS {
            return Err(IssueError::LimitExceeded {
                what: "roster rows",
                found: row,
                limit: MAX_ROSTER_ROWS,
            });
        }
        let record = match record {
            Ok(r) => r,
            Err(e) => {
                roster.errors.push(RowError {
                    row,
                    column: "(row)".into(),
                    message: e.to_string(),
                });
                continue;
            }
        };
        let get = |k: usize| -> Option<(&str, String)> {
            let (i, name) = cols.get(k)?.as_ref()?;
            record
                .get(*i)
                .and_then(nonempty)
                .map(|v| (name.as_str(), v))
        };
        let fields = Fields {
            email: get(0),
            did: get(1),
            given_name: get(2),
            family_name: get(3),
            awarded_at: get(4),
            result_level: get(5).map(|(_, v)| v),
            evidence_url: get(6),
            student_id: get(7).map(|(_, v)| v),
        };
        match check_row(row, fields) {
            Ok(r) => roster.rows.push(r),
            Err(e) => roster.errors.push(e),
        }
    }
    Ok(roster)
}

/// Reads one CSV of a OneRoster bundle as maps from column name to value.
fn oneroster_table(path: &Path) -> Result<Vec<HashMap<String, String>>, IssueError> {
    let bytes = read_text(path)?;
    let mut reader = csv::ReaderBuilder::new()
        .flexible(true)
        .from_reader(bytes.as_slice());
    let header: Vec<String> = reader
        .headers()
        .map_err(|e| csv_error(path, &e))?
        .iter()
        .map(|h| h.trim().trim_start_matches('\u{feff}').to_owned())
        .collect();
    let mut rows = Vec::new();
    for record in reader.records() {
        let record = record.map_err(|e| csv_error(path, &e))?;
        if rows.len() >= MAX_ROSTER_ROWS {
            return Err(IssueError::LimitExceeded {
                what: "OneRoster rows",
                found: rows.len() + 1,
                limit: MAX_ROSTER_ROWS,
            });
        }
        rows.push(
            header
                .iter()
                .cloned()
                .zip(record.iter().map(str::to_owned))
                .collect(),
        );
    }
    Ok(rows)
}

/// A OneRoster 1.2 result as our fields, looked up against users (by `sourcedId`).
struct OneRosterResult<'a> {
    student: &'a str,
    line_item: &'a str,
    score_status: &'a str,
    score: Option<&'a str>,
    score_date: &'a str,
}

struct OneRosterUser {
    given: Option<String>,
    family: Option<String>,
    email: Option<String>,
    identifier: Option<String>,
}

fn oneroster_row(
    row: usize,
    result: &OneRosterResult<'_>,
    users: &HashMap<String, OneRosterUser>,
    line_item: Option<&str>,
) -> Option<Result<RosterRow, RowError>> {
    if line_item.is_some_and(|li| li != result.line_item) {
        return None;
    }
    // OneRoster 1.2 §4.13.2 scoreStatus: only a fully graded result is an award.
    if !result.score_status.eq_ignore_ascii_case("fully graded") {
        return Some(Err(RowError {
            row,
            column: "scoreStatus".into(),
            message: format!(
                "{:?} is not \"fully graded\": not awarded",
                result.score_status
            ),
        }));
    }
    let Some(user) = users.get(result.student) else {
        return Some(Err(RowError {
            row,
            column: "studentSourcedId".into(),
            message: format!("no user with sourcedId {:?}", result.student),
        }));
    };
    let fields = Fields {
        email: user
            .email
            .clone()
            .and_then(|e| nonempty(&e))
            .map(|e| ("email", e)),
        did: None,
        given_name: user
            .given
            .clone()
            .and_then(|g| nonempty(&g))
            .map(|g| ("givenName", g)),
        family_name: user
            .family
            .clone()
            .and_then(|g| nonempty(&g))
            .map(|g| ("familyName", g)),
        awarded_at: nonempty(result.score_date).map(|d| ("scoreDate", d)),
        result_level: result.score.and_then(nonempty),
        evidence_url: None,
        student_id: Some(
            user.identifier
                .clone()
                .unwrap_or_else(|| result.student.to_owned()),
        ),
    };
    Some(check_row(row, fields))
}

/// Reads a OneRoster 1.2 CSV bundle (a directory with `users.csv`, `classes.csv`,
/// `lineItems.csv`, `results.csv`). Each fully graded result becomes a row (row numbers are
/// `results.csv` data rows); `line_item` keeps only the results of that lineItem.
pub fn read_oneroster_csv(dir: &Path, line_item: Option<&str>) -> Result<Roster, IssueError> {
    let users_rows = oneroster_table(&dir.join("users.csv"))?;
    let results = oneroster_table(&dir.join("results.csv"))?;
    // lineItems and classes are read so a bundle missing them is refused, and to check the
    // lineItem asked for exists.
    let line_items = oneroster_table(&dir.join("lineItems.csv"))?;
    let _classes = oneroster_table(&dir.join("classes.csv"))?;
    if let Some(li) = line_item
        && !line_items
            .iter()
            .any(|r| r.get("sourcedId").map(String::as_str) == Some(li))
    {
        return Err(IssueError::TemplateInvalid {
            pointer: "lineItems.csv".into(),
            reason: format!("no lineItem with sourcedId {li:?}"),
            hint: "pass the sourcedId of a row of lineItems.csv",
        });
    }
    let users: HashMap<String, OneRosterUser> = users_rows
        .iter()
        .filter_map(|u| {
            Some((
                u.get("sourcedId")?.clone(),
                OneRosterUser {
                    given: u.get("givenName").cloned(),
                    family: u.get("familyName").cloned(),
                    email: u.get("email").cloned(),
                    identifier: u.get("identifier").cloned().filter(|s| !s.is_empty()),
                },
            ))
        })
        .collect();
    let mut roster = Roster::default();
    for (i, r) in results.iter().enumerate() {
        let get = |k: &str| r.get(k).map(String::as_str).unwrap_or("");
        let result = OneRosterResult {
            student: get("studentSourcedId"),
            line_item: get("lineItemSourcedId"),
            score_status: get("scoreStatus"),
            score: r.get("score").map(String::as_str),
            score_date: get("scoreDate"),
        };
        match oneroster_row(i + 1, &result, &users, line_item) {
            Some(Ok(row)) => roster.rows.push(row),
            Some(Err(e)) => roster.errors.push(e),
            None => {}
        }
    }
    Ok(roster)
}

fn sourced_id(v: Option<&Value>) -> &str {
    match v {
        Some(Value::String(s)) => s,
        Some(obj @ Value::Object(_)) => obj.get("sourcedId").and_then(Value::as_str).unwrap_or(""),
        _ => "",
    }
}

/// Reads OneRoster/Edu-API-shaped JSON: `{"users": [...], "results": [...]}` as the OneRoster
/// REST binding returns them (`results[].student.sourcedId`, `lineItem.sourcedId`,
/// `scoreStatus`, `score`, `scoreDate`; `users[].givenName`/`familyName`/`email`), or Edu-API
/// persons (`name.givenName`, `name.familyName`, `emails[].address` or `email`).
pub fn read_oneroster_json(path: &Path, line_item: Option<&str>) -> Result<Roster, IssueError> {
    let bytes = read_text(path)?;
    let doc: Value = serde_json::from_slice(&bytes).map_err(|e| IssueError::Parse {
        what: "OneRoster JSON",
        path: path.to_owned(),
        reason: e.to_string(),
    })?;
    let empty = Vec::new();
    let users_list = doc
        .get("users")
        .or_else(|| doc.get("persons"))
        .and_then(Value::as_array)
        .unwrap_or(&empty);
    let results = doc
        .get("results")
        .and_then(Value::as_array)
        .unwrap_or(&empty);
    if results.len() > MAX_ROSTER_ROWS {
        return Err(IssueError::LimitExceeded {
            what: "OneRoster results",
            found: results.len(),
            limit: MAX_ROSTER_ROWS,
        });
    }
    let s = |v: &Value, k: &str| v.get(k).and_then(Value::as_str).map(str::to_owned);
    let users: HashMap<String, OneRosterUser> = users_list
        .iter()
        .filter_map(|u| {
            let name = u.get("name");
            Some((
                s(u, "sourcedId")?,
                OneRosterUser {
                    given: s(u, "givenName").or_else(|| name.and_then(|n| s(n, "givenName"))),
                    family: s(u, "familyName").or_else(|| name.and_then(|n| s(n, "familyName"))),
                    email: s(u, "email").or_else(|| {
                        u.get("emails")
                            .and_then(Value::as_array)
                            .and_then(|e| e.first())
                            .and_then(|e| s(e, "address"))
                    }),
                    identifier: s(u, "identifier"),
                },
            ))
        })
        .collect();
    let mut roster = Roster::default();
    for (i, r) in results.iter().enumerate() {
        let score = match r.get("score") {
            Some(Value::Number(n)) => Some(n.to_string()),
            Some(Value::String(t)) => Some(t.clone()),
            _ => None,
        };
        let result = OneRosterResult {
            student: sourced_id(r.get("student")),
            line_item: sourced_id(r.get("lineItem")),
            score_status: r.get("scoreStatus").and_then(Value::as_str).unwrap_or(""),
            score: score.as_deref(),
            score_date: r.get("scoreDate").and_then(Value::as_str).unwrap_or(""),
        };
        match oneroster_row(i + 1, &result, &users, line_item) {
            Some(Ok(row)) => roster.rows.push(row),
            Some(Err(e)) => roster.errors.push(e),
            None => {}
        }
    }
    Ok(roster)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn default_header_needs_no_mapping_and_bad_rows_name_row_and_column() {
        let csv = "email,given_name,family_name,awarded_at,result_level\n\
                   ada@example.edu,Ada,Lovelace,2025-06-01,Pass\n\
                   not-an-email,Bob,B,2025-06-01,\n\
                   cy@example.edu,Cy,C,June 1st,\n\
                   di@example.edu,Di,D,2025-06-02T10:00:00Z,\n";
        let r = parse_csv(csv.as_bytes(), Path::new("r.csv"), None).unwrap();
        assert_eq!(r.rows.len(), 2);
        assert_eq!(r.rows[0].awarded_at, "2025-06-01T00:00:00Z");
        assert_eq!(r.rows[0].result_level.as_deref(), Some("Pass"));
        assert_eq!(r.errors.len(), 2);
        assert_eq!((r.errors[0].row, r.errors[0].column.as_str()), (2, "email"));
        assert_eq!(
            (r.errors[1].row, r.errors[1].column.as_str()),
            (3, "awarded_at")
        );
    }

    #[test]
    fn mapping_file_maps_other_column_names() {
        let csv = "E-mail,First,Last,Date\nada@example.edu,Ada,L,2025-06-01\n";
        let m = ColumnMapping {
            email: Some("E-mail".into()),
            given_name: "First".into(),
            family_name: Some("Last".into()),
            awarded_at: "Date".into(),
            ..ColumnMapping::default()
        };
        let r = parse_csv(csv.as_bytes(), Path::new("r.csv"), Some(&m)).unwrap();
        assert_eq!(r.rows.len(), 1);
        let err = parse_csv(csv.as_bytes(), Path::new("r.csv"), None).unwrap_err();
        assert!(matches!(err, IssueError::RosterHeader { .. }), "{err}");
    }
}
