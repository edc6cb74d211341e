//! Writing to a terminal: colour, and [`clean`], which every credential-supplied string passes
//! through before it is printed, so that a credential cannot paint "✓ valid" over a verdict
//! with ANSI escapes, move the cursor, or reorder text with bidirectional controls.

use std::borrow::Cow;
use std::fmt::Write as _;

pub const RED: &str = "31";
pub const GREEN: &str = "32";
pub const YELLOW: &str = "33";
pub const DIM: &str = "2";

/// `text` in colour `code` when `color` is on.
pub fn paint(text: &str, code: &str, color: bool) -> String {
    if color {
        format!("\x1b[{code}m{text}\x1b[0m")
    } else {
        text.to_owned()
    }
}

/// Whether `c` must not reach a terminal as it is: C0 and C1 controls (ESC, CR, BS, …, and
/// the 8-bit CSI), DEL, and the Unicode bidirectional embeddings, overrides and isolates, which
/// can make text display in another order than it is stored.
fn is_unsafe(c: char) -> bool {
    c.is_control()
        || matches!(c, '\u{200E}' | '\u{200F}' | '\u{202A}'..='\u{202E}' | '\u{2066}'..='\u{2069}')
}

/// `text` with every unsafe character written as a Rust escape (`\u{1b}`, `\n`, `\u{202e}`), so
/// what the credential says is shown, never executed by the terminal.
pub fn clean(text: &str) -> Cow<'_, str> {
    if !text.chars().any(is_unsafe) {
        return Cow::Borrowed(text);
    }
    let mut out = String::with_capacity(text.len() + 8);
    for c in text.chars() {
        if is_unsafe(c) {
            // Writing to a String cannot fail.
            let _ = write!(out, "{}", c.escape_default());
        } else {
            out.push(c);
        }
    }
    Cow::Owned(out)
}

#[cfg(test)]
mod tests {
    use super::clean;

    #[test]
    fn escapes_paint_and_cursor_moves_are_shown_not_run() {
        let forged = "did:example:x\x1b[1A\x1b[2K\r\x1b[32m✓ valid\x1b[0m";
        let shown = clean(forged);
        assert!(!shown.contains('\x1b') && !shown.contains('\r'), "{shown}");
        assert_eq!(
            shown,
            "did:example:x\\u{1b}[1A\\u{1b}[2K\\r\\u{1b}[32m✓ valid\\u{1b}[0m"
        );
        assert_eq!(clean("a\u{202E}b\u{9b}c"), "a\\u{202e}b\\u{9b}c");
        assert!(matches!(
            clean("plain ünïcode ✓"),
            std::borrow::Cow::Borrowed(_)
        ));
    }
}
