//! Prints the summary and schema findings of JSON credential files:
//! `cargo run -p credbridge-model --example inspect -- FILE.json...`
#![allow(clippy::expect_used)]

fn main() {
    for path in std::env::args().skip(1) {
        let text = std::fs::read_to_string(&path).expect("readable file");
        let value: serde_json::Value = serde_json::from_str(&text).expect("JSON file");
        match credbridge_model::parse(&value) {
            Ok(doc) => {
                println!("== {path}");
                print!("{}", credbridge_model::summarize(&doc));
                println!("  {}", credbridge_model::schema_findings(&doc));
            }
            Err(error) => println!("== {path}: {error}"),
        }
    }
}
