//! CASE CFPackages and OSN Rich Skill Descriptors.

use credbridge_skills::{
    ConceptKind, DocumentSource, Error, Framework, Frameworks, Method, Resolution, TargetScheme,
    UnresolvedReason,
};

use crate::fixture;

const CASE: &str = "opensalt-sample-cfpackage-case1p0.json";

fn case_only() -> Frameworks {
    Frameworks::builder()
        .case_package(&fixture(CASE))
        .unwrap()
        .build()
        .unwrap()
}

#[test]
fn case_fixture_has_16_items_and_39_associations() {
    let fw = case_only();
    let counts = &fw.counts().case[0];
    assert_eq!(counts.items, 16);
    assert_eq!(counts.associations, 39);
    assert_eq!(counts.association_types.get("isChildOf"), Some(&16));
    assert_eq!(counts.association_types.get("exactMatchOf"), Some(&16));
    let items = fw
        .store()
        .iter()
        .filter(|(_, c)| c.kind == ConceptKind::Competency)
        .count();
    assert_eq!(items, 16);
}

#[test]
fn case_items_form_a_hierarchy_and_keep_declared_matches() {
    let fw = case_only();
    let cluster = "http://opensalt-staging.opened.com/uri/edfce0e7-dbbf-40d5-af1a-baccabef85e9";
    let c = fw.concept(cluster).expect("cluster item");
    assert_eq!(c.framework, Framework::Case);
    assert_eq!(c.code.as_deref(), Some("CCSS.Math.Content.6.RP.A"));
    assert_eq!(&*c.version, "2017-05-25T18:05:33");
    assert!(!fw.narrower(cluster).is_empty() || !fw.broader(cluster).is_empty());
    let children_with_parent = fw
        .store()
        .iter()
        .filter(|(_, c)| c.kind == ConceptKind::Competency && !c.broader.is_empty())
        .count();
    assert_eq!(
        children_with_parent, 16,
        "every isChildOf origin is an item with a parent"
    );
    let id = fw.store().id_of(cluster).unwrap();
    let cw = fw.store().crosswalks(id);
    assert_eq!(cw.len(), 1);
    assert!(cw[0].source.contains("exactMatchOf"));
}

#[test]
fn case_alignment_resolves_by_uri_by_identifier_and_by_crosswalk() {
    let fw = case_only();
    let uri = "http://opensalt-staging.opened.com/uri/edfce0e7-dbbf-40d5-af1a-baccabef85e9";
    let r = fw.resolve_alignment(Some(uri), None, None, None);
    assert_eq!(r.concept().map(|m| m.method), Some(Method::ExactIri));
    // Same identifier on another CASE server.
    let mirror = "https://casenetwork.example.org/uri/edfce0e7-dbbf-40d5-af1a-baccabef85e9";
    let r = fw.resolve_alignment(Some(mirror), None, None, None);
    assert_eq!(r.concept().map(|m| m.iri.as_str()), Some(uri));
    // The exactMatchOf destination resolves to the item that declares it.
    let dest = "http://opensalt-staging.opened.com/uri/5b6c487e-04f1-5ba9-9722-d099849b9167";
    let r = fw.resolve_alignment(Some(dest), None, None, None);
    let m = r.concept().expect("crosswalk");
    assert_eq!(
        (m.method, m.iri.as_str(), m.inferred),
        (Method::Crosswalk, uri, false)
    );
}

struct FileSource;

impl DocumentSource for FileSource {
    fn get(&self, url: &str) -> Result<Vec<u8>, Error> {
        match url {
            "https://case.example.org/ims/case/v1p0/CFPackages/20c5134f-423d-4097-a971-3dd5152bf507" => {
                Ok(fixture(CASE))
            }
            _ => Err(Error::Source {
                url: url.to_owned(),
                reason: "not found".into(),
            }),
        }
    }
}

#[test]
fn case_package_comes_through_the_document_source_seam() {
    let url =
        "https://case.example.org/ims/case/v1p0/CFPackages/20c5134f-423d-4097-a971-3dd5152bf507";
    let fw = Frameworks::builder()
        .case_package_from(&FileSource, url)
        .unwrap()
        .build()
        .unwrap();
    assert_eq!(fw.counts().case[0].items, 16);
    let err = Frameworks::builder()
        .case_package_from(&FileSource, "https://nowhere.example/x")
        .unwrap_err();
    assert!(matches!(err, Error::Source { .. }), "{err}");
}

#[test]
fn case_package_errors_name_the_missing_property() {
    let err = Frameworks::builder()
        .case_package(br#"{"CFItems": []}"#)
        .unwrap_err();
    assert_eq!(
        err.to_string(),
        "CASE CFPackage: missing required property /CFDocument"
    );
    let err = Frameworks::builder()
        .case_package(br#"{"CFDocument": {"uri": "https://x.example/d"}, "CFItems": [{"uri": "https://x.example/i"}]}"#)
        .unwrap_err();
    assert_eq!(
        err.to_string(),
        "CASE CFItem: missing required property /CFItems/0/fullStatement"
    );
    let err = Frameworks::builder().case_package(b"not json").unwrap_err();
    assert!(matches!(err, Error::Json { .. }), "{err}");
}

#[test]
fn rsd_keeps_its_lightcast_alignment_as_a_reference() {
    let fw = Frameworks::builder()
        .rsd(&fixture("rsd-v3-skill-example.json"))
        .unwrap()
        .build()
        .unwrap();
    assert_eq!(fw.counts().rsd, 1);
    let (id, rsd) = fw
        .store()
        .iter()
        .find(|(_, c)| c.framework == Framework::Rsd)
        .expect("the RSD");
    assert_eq!(rsd.pref_label, "Access and Security Levels Standardization");
    let cw = fw.store().crosswalks(id);
    assert_eq!(cw.len(), 1);
    assert_eq!(
        cw[0].target_iri,
        "https://skills.emsidata.com/skills/KS1254M6N7QPZ96MGR0L"
    );
    assert_eq!(
        cw[0].target_name.as_deref(),
        Some("Information Security Management")
    );
    // An alignment to that Lightcast skill resolves to the RSD through the declared alignment...
    let r = fw.resolve_alignment(
        Some(&cw[0].target_iri),
        Some("Information Security Management"),
        None,
        None,
    );
    let m = r.concept().expect("resolved through the RSD alignment");
    assert_eq!((m.method, m.framework), (Method::Crosswalk, Framework::Rsd));
    // ...and the RSD itself resolves with the Lightcast reference kept.
    match fw.resolve_alignment(Some(&rsd.iri), None, None, None) {
        Resolution::Resolved {
            declared_matches, ..
        } => {
            assert_eq!(declared_matches[0].target_iri, cw[0].target_iri)
        }
        other => panic!("{other:?}"),
    }
    // Without the RSD loaded, the Lightcast IRI is recognised and reported unresolved.
    let empty = Frameworks::builder().build().unwrap();
    match empty.resolve_alignment(Some(&cw[0].target_iri), None, None, None) {
        Resolution::Unresolved { target, reason, .. } => {
            assert_eq!(
                target,
                TargetScheme::Lightcast {
                    id: "KS1254M6N7QPZ96MGR0L".into()
                }
            );
            assert_eq!(
                reason,
                UnresolvedReason::FrameworkNotLoaded {
                    framework: Framework::Lightcast
                }
            );
        }
        other => panic!("{other:?}"),
    }
}

#[test]
fn rsd_collection_loads_every_skill() {
    let fw = Frameworks::builder()
        .rsd(&fixture("rsd-v3-collection-example.json"))
        .unwrap()
        .build()
        .unwrap();
    let n = fw
        .store()
        .iter()
        .filter(|(_, c)| c.framework == Framework::Rsd)
        .count();
    assert_eq!(fw.counts().rsd, n);
    assert!(n > 10, "{n} RSDs in the collection");
}
