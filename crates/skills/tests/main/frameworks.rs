//! The bundled ESCO 1.1.1 and O*NET 29.2: counts, hierarchy, relations.

use credbridge_skills::{ConceptKind, ESCO_VERSION, Framework, ONET_VERSION, RelationKind};

use crate::bundled;

const PYTHON: &str = "http://data.europa.eu/esco/skill/ccd0a1d9-afda-43d9-b901-96344886e14d";

#[test]
fn esco_counts_match_the_published_release() {
    let esco = bundled().counts().esco.expect("ESCO loaded");
    assert_eq!(esco.skills, 13_896);
    assert_eq!(esco.occupations, 3_007);
    assert_eq!(esco.occupation_skill_links, 123_855);
    assert_eq!(esco.occupation_skill_dangling, 67);
    assert_eq!(bundled().store().occupation_skills().len(), 123_855 - 67);
    assert_eq!(esco.skill_groups, 640);
    assert_eq!(esco.skill_skill_links, 5_899);
    assert_eq!(esco.broader_links, 20_656);
    assert_eq!(esco.broader_dangling, 7);
    let essential = bundled()
        .store()
        .occupation_skills()
        .iter()
        .filter(|(_, _, k)| *k == RelationKind::Essential)
        .count();
    // 64,946 essential rows, 55 of them among the 67 dangling ones.
    assert_eq!(essential, 64_891);
}

#[test]
fn onet_counts_match_the_content_model() {
    let onet = bundled().counts().onet.expect("O*NET loaded");
    assert_eq!(onet.skills, 35);
    assert_eq!(onet.knowledge, 33);
    assert_eq!(onet.occupations, 1_016);
    assert_eq!(onet.technologies, 8_768);
    assert_eq!(onet.technology_links, 32_627);
    // 879 rated occupations × (35 skills + 33 knowledge areas).
    assert_eq!(onet.ratings, 879 * 68);
}

#[test]
fn concepts_carry_their_framework_version() {
    let python = bundled().concept(PYTHON).expect("Python concept");
    assert_eq!(python.framework, Framework::Esco);
    assert_eq!(&*python.version, ESCO_VERSION);
    assert_eq!(python.kind, ConceptKind::Knowledge);
    assert_eq!(python.pref_label, "Python (computer programming)");
    assert!(python.alt_labels.iter().any(|l| l == "Python"));
    let programming = bundled()
        .concept("https://www.onetonline.org/find/descriptor/result/2.B.3.e")
        .expect("O*NET Programming");
    assert_eq!(programming.pref_label, "Programming");
    assert_eq!(&*programming.version, ONET_VERSION);
}

#[test]
fn a_python_credential_meets_computer_programming_through_the_hierarchy() {
    let fw = bundled();
    let broader: Vec<&str> = fw
        .broader(PYTHON)
        .iter()
        .map(|c| c.pref_label.as_str())
        .collect();
    assert!(
        broader.contains(&"computer programming"),
        "broader of Python: {broader:?}"
    );
    let computer_programming = fw
        .broader(PYTHON)
        .into_iter()
        .find(|c| c.pref_label == "computer programming")
        .map(|c| c.iri.clone())
        .expect("computer programming");
    let path = fw
        .meets(PYTHON, &computer_programming)
        .expect("Python meets computer programming");
    assert_eq!(path.first().map(String::as_str), Some(PYTHON));
    assert_eq!(path.last(), Some(&computer_programming));
    assert!(
        fw.meets(&computer_programming, PYTHON).is_none(),
        "the broader skill does not meet the narrower"
    );
    assert!(
        fw.narrower(&computer_programming)
            .iter()
            .any(|c| c.iri == PYTHON)
    );
}

#[test]
fn esco_skill_skill_relations_are_kept() {
    let fw = bundled();
    let with_relations = fw
        .store()
        .iter()
        .filter(|(_, c)| c.framework == Framework::Esco && !c.related.is_empty())
        .count();
    assert!(
        with_relations > 1_000,
        "{with_relations} ESCO skills with related skills"
    );
    let (id, c) = fw
        .store()
        .iter()
        .find(|(_, c)| !c.related.is_empty())
        .expect("a related skill");
    let related = fw.related(&c.iri);
    assert_eq!(related.len(), c.related.len());
    assert!(fw.store().get(id).is_some());
}

#[test]
fn onet_ratings_are_kept_per_occupation() {
    let fw = bundled();
    let store = fw.store();
    let analysts = store
        .id_of("https://www.onetonline.org/link/summary/15-1211.00")
        .expect("occupation");
    let programming = store
        .id_of("https://www.onetonline.org/find/descriptor/result/2.B.3.e")
        .expect("element");
    let rating = store.onet_rating(analysts, programming).expect("rated");
    // Software Developers (15-1252.00) has technology skills but no ratings in 29.2.
    let software_devs = store
        .id_of("https://www.onetonline.org/link/summary/15-1252.00")
        .expect("occupation");
    assert!(store.onet_rating(software_devs, programming).is_none());
    assert!(rating.importance.is_some_and(|v| (1.0..=5.0).contains(&v)));
    assert!(rating.level.is_some_and(|v| (0.0..=7.0).contains(&v)));
    let techs: Vec<&str> = store
        .onet_technologies(software_devs)
        .filter_map(|t| store.get(t).map(|c| c.pref_label.as_str()))
        .collect();
    assert!(techs.contains(&"Python"), "{} technologies", techs.len());
}
