//! decode_path streams: files are read when the iterator gets to them, not up front.

use credbridge_formats::{Limits, Payload, decode_path};

use crate::{example, scratch_dir};

#[test]
fn directory_items_are_yielded_one_by_one_as_files_are_read() {
    let dir = scratch_dir("streaming");
    let template: serde_json::Value =
        serde_json::from_slice(&example("1edtech-validator/ob30/simple.json")).unwrap();
    let count = 300;
    for i in 0..count {
        let sub = dir.join(format!("batch{}", i / 100));
        std::fs::create_dir_all(&sub).unwrap();
        let mut credential = template.clone();
        credential["id"] = format!("urn:example:{i:03}").into();
        std::fs::write(
            sub.join(format!("{i:03}.json")),
            serde_json::to_vec(&credential).unwrap(),
        )
        .unwrap();
    }
    let mut items = decode_path(&dir, &Limits::default());
    let first = items.next().unwrap().unwrap();
    assert_eq!(first.credential_json().unwrap()["id"], "urn:example:000");

    // Rewrite the last file after the walk has started: a walk that had read every file up
    // front would still yield the old content.
    let last = dir.join("batch2").join(format!("{:03}.json", count - 1));
    let mut changed = template.clone();
    changed["id"] = "urn:example:changed".into();
    std::fs::write(&last, serde_json::to_vec(&changed).unwrap()).unwrap();
    // And remove a file of the directory being walked (listed, not yet read): it becomes one
    // I/O error and the walk goes on.
    std::fs::remove_file(dir.join("batch0").join("050.json")).unwrap();

    let rest: Vec<_> = items.collect();
    assert_eq!(rest.len(), count - 1);
    let ids: Vec<String> = rest
        .iter()
        .map(|r| match r {
            Ok(item) => match &item.payload {
                Payload::Json { value, .. } => value["id"].as_str().unwrap().to_owned(),
                other => panic!("{other:?}"),
            },
            Err(e) => format!("error: {}", crate::variant(e)),
        })
        .collect();
    assert_eq!(ids[0], "urn:example:001", "sorted order");
    assert_eq!(ids[49], "error: Io");
    assert_eq!(ids[count - 2], "urn:example:changed");
}
