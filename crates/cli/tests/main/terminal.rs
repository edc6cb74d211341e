//! Terminal output can't be forged (issue 9 item 8): an issuer id, a file name or any other
//! credential-supplied text with ANSI escapes or carriage returns is shown escaped, never
//! executed, so it cannot paint "✓ valid" over "✗ INVALID".

use crate::common::*;

/// Moves the cursor up, clears the line and prints a green "✓ valid" in its place.
const FORGERY: &str = "\u{1b}[1A\u{1b}[2K\r\u{1b}[32m✓ valid\u{1b}[0m";

/// The bundled example with the forgery in its issuer id and name, in a file whose name
/// carries an escape too.
fn forged_credential(dir: &Path) -> (PathBuf, String) {
    let mut credential: Value = serde_json::from_str(
        &std::fs::read_to_string(repo().join("examples/ob3-eddsa-rdfc-2022.json")).unwrap(),
    )
    .unwrap();
    let issuer = format!("{}{FORGERY}", credential["issuer"]["id"].as_str().unwrap());
    credential["issuer"]["id"] = Value::String(issuer.clone());
    credential["name"] = Value::String(format!("Badge{FORGERY}"));
    let file = dir.join("forged\u{1b}[32m.json");
    std::fs::write(&file, serde_json::to_vec(&credential).unwrap()).unwrap();
    (file, issuer)
}

#[test]
fn an_issuer_id_with_ansi_escapes_cannot_paint_a_verdict() {
    let dir = tempdir("forged-terminal");
    let (file, issuer) = forged_credential(&dir);
    let out = credbridge(&["verify", "--offline", file.to_str().unwrap()]);
    assert_eq!(
        out.status.code(),
        Some(1),
        "the changed credential is invalid"
    );
    let text = stdout(&out);
    assert!(
        !text.contains('\u{1b}') && !text.contains('\r'),
        "raw control characters reached the terminal: {text:?}"
    );
    assert!(text.starts_with("✗ INVALID"), "{text}");
    assert!(text.contains("\\u{1b}[32m✓ valid\\u{1b}[0m"), "{text}");
    assert!(text.contains("forged\\u{1b}[32m.json"), "{text}");
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(!stderr.contains('\u{1b}'), "{stderr:?}");

    // JSON keeps the exact value (JSON strings escape control characters themselves).
    let json = credbridge(&["verify", "--offline", "--json", file.to_str().unwrap()]);
    assert!(!stdout(&json).contains('\u{1b}'));
    assert_eq!(json_lines(&json)[0]["issuer"], Value::String(issuer));
}

#[test]
fn inspect_shows_credential_text_escaped() {
    let dir = tempdir("forged-inspect");
    let (file, _) = forged_credential(&dir);
    let out = credbridge(&["inspect", file.to_str().unwrap()]);
    let text = stdout(&out);
    assert!(!text.contains('\u{1b}') && !text.contains('\r'), "{text:?}");
    assert!(text.contains("\\u{1b}[32m"), "{text}");
}
