//! `clr.associations`: a CLR 2.0 subject's `association` entries must name achievements the
//! CLR defines (its `achievement` list or an inner credential's achievement), and the
//! `isChildOf` / `isParentOf` graph must have no cycle (a course cannot contain its program).

use std::collections::{HashMap, HashSet};

use serde_json::Value;

use crate::report::{Check, Outcome, Severity};

/// Most associations examined.
pub const MAX_ASSOCIATIONS: usize = 10_000;

fn achievement_ids(subject: &Value) -> HashSet<&str> {
    let mut ids = HashSet::new();
    if let Some(list) = subject.get("achievement").and_then(Value::as_array) {
        ids.extend(
            list.iter()
                .filter_map(|a| a.get("id").and_then(Value::as_str)),
        );
    }
    if let Some(list) = subject
        .get("verifiableCredential")
        .and_then(Value::as_array)
    {
        for credential in list {
            let subjects = match credential.get("credentialSubject") {
                Some(Value::Array(s)) => s.iter().collect::<Vec<_>>(),
                Some(s) => vec![s],
                None => vec![],
            };
            for s in subjects {
                if let Some(id) = s.pointer("/achievement/id").and_then(Value::as_str) {
                    ids.insert(id);
                }
            }
        }
    }
    ids
}

/// Checks the associations of a CLR credential.
pub fn associations(clr: &Value) -> Check {
    const ID: &str = "clr.associations";
    let Some(subject) = clr.get("credentialSubject") else {
        return Check::new(
            ID,
            Severity::Fatal,
            Outcome::NotApplicable,
            "no CLR subject",
        );
    };
    let Some(list) = subject.get("association").and_then(Value::as_array) else {
        return Check::new(
            ID,
            Severity::Advisory,
            Outcome::NotApplicable,
            "the CLR declares no associations between its achievements",
        );
    };
    let known = achievement_ids(subject);
    let mut problems = Vec::new();
    // parent → children edges, from isChildOf (target is the parent) and isParentOf.
    let mut children: HashMap<&str, Vec<&str>> = HashMap::new();
    for (i, association) in list.iter().take(MAX_ASSOCIATIONS).enumerate() {
        let kind = association.get("associationType").and_then(Value::as_str);
        let source = association.get("sourceId").and_then(Value::as_str);
        let target = association.get("targetId").and_then(Value::as_str);
        let (Some(kind), Some(source), Some(target)) = (kind, source, target) else {
            problems.push(format!(
                "/credentialSubject/association/{i}: needs associationType, sourceId and targetId"
            ));
            continue;
        };
        for (role, id) in [("sourceId", source), ("targetId", target)] {
            if !known.contains(id) {
                problems.push(format!(
                    "/credentialSubject/association/{i}/{role}: {id} is not an achievement in this CLR"
                ));
            }
        }
        match kind {
            "isChildOf" => children.entry(target).or_default().push(source),
            "isParentOf" => children.entry(source).or_default().push(target),
            _ => {}
        }
    }
    if let Some(cycle_at) = find_cycle(&children) {
        problems.push(format!(
            "the isChildOf/isParentOf associations form a cycle through {cycle_at}"
        ));
    }
    if problems.is_empty() {
        Check::new(
            ID,
            Severity::Advisory,
            Outcome::Passed,
            format!("{} associations link achievements of this CLR", list.len()),
        )
    } else {
        Check::new(
            ID,
            Severity::Advisory,
            Outcome::Failed(problems.join("; ")),
            "the CLR's map of how its achievements fit together is inconsistent",
        )
        .with_evidence("problems", problems)
    }
}

/// Depth-first search with colours; returns a node on a cycle.
fn find_cycle<'a>(children: &HashMap<&'a str, Vec<&'a str>>) -> Option<&'a str> {
    #[derive(Clone, Copy, PartialEq)]
    enum Mark {
        Visiting,
        Done,
    }
    let mut marks: HashMap<&str, Mark> = HashMap::new();
    for &start in children.keys() {
        if marks.contains_key(start) {
            continue;
        }
        // Iterative DFS: (node, index of next child).
        let mut stack: Vec<(&str, usize)> = vec![(start, 0)];
        marks.insert(start, Mark::Visiting);
        while let Some((node, next)) = stack.pop() {
            let kids = children.get(node).map(Vec::as_slice).unwrap_or(&[]);
            if let Some(&child) = kids.get(next) {
                stack.push((node, next + 1));
                match marks.get(child) {
                    Some(Mark::Visiting) => return Some(child),
                    Some(Mark::Done) => {}
                    None => {
                        marks.insert(child, Mark::Visiting);
                        stack.push((child, 0));
                    }
                }
            } else {
                marks.insert(node, Mark::Done);
            }
        }
    }
    None
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn clr(associations: Value) -> Value {
        json!({"credentialSubject": {
            "achievement": [{"id": "urn:a"}, {"id": "urn:b"}, {"id": "urn:c"}],
            "association": associations
        }})
    }

    #[test]
    fn consistent_associations_pass() {
        let ok = clr(json!([
            {"associationType": "isChildOf", "sourceId": "urn:b", "targetId": "urn:a"},
            {"associationType": "isParentOf", "sourceId": "urn:a", "targetId": "urn:c"}
        ]));
        assert_eq!(associations(&ok).outcome, Outcome::Passed);
    }

    #[test]
    fn dangling_ids_and_cycles_fail() {
        let dangling = clr(json!([
            {"associationType": "isChildOf", "sourceId": "urn:b", "targetId": "urn:zzz"}
        ]));
        assert!(
            matches!(associations(&dangling).outcome, Outcome::Failed(r) if r.contains("urn:zzz"))
        );
        let cycle = clr(json!([
            {"associationType": "isChildOf", "sourceId": "urn:b", "targetId": "urn:a"},
            {"associationType": "isChildOf", "sourceId": "urn:a", "targetId": "urn:b"}
        ]));
        assert!(matches!(associations(&cycle).outcome, Outcome::Failed(r) if r.contains("cycle")));
    }
}
