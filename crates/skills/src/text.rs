//! Text normalization shared by indexing and querying: case folding, punctuation, stop words, stemming,
//! acronyms and character n-grams.
//!
//! One function decides what a "term" is ([`Analyzer::terms`]), so a label and a query that mean the same words always
//! produce the same terms. Stemming is Snowball English (`rust-stemmers`), chosen over a lemmatizer because it
//! needs no dictionary and conflates the derivations that skill labels use ("reliable"/"reliably",
//! "motivated"/"motivation").

use rust_stemmers::{Algorithm, Stemmer};

/// English function words dropped from labels and queries. Short on purpose: words
/// such as "use", "work" or "manage" carry meaning in skill labels and stay; IDF weighs the rest.
#[cfg(test)]
const STOP_WORDS: &[&str] = &[
    "a", "an", "and", "are", "as", "at", "be", "by", "e", "eg", "etc", "for", "from", "g", "i",
    "ie", "in", "into", "is", "it", "its", "of", "on", "or", "our", "such", "that", "the", "their",
    "this", "to", "via", "we", "will", "with", "within", "you", "your",
];

pub(crate) fn is_stop_word(word: &str) -> bool {
    // A `match` compiles to a length switch, cheaper than a binary search of string compares (this runs
    // for every word of 180k labels at load); the test keeps it equal to `STOP_WORDS`.
    matches!(
        word,
        "a" | "an"
            | "and"
            | "are"
            | "as"
            | "at"
            | "be"
            | "by"
            | "e"
            | "eg"
            | "etc"
            | "for"
            | "from"
            | "g"
            | "i"
            | "ie"
            | "in"
            | "into"
            | "is"
            | "it"
            | "its"
            | "of"
            | "on"
            | "or"
            | "our"
            | "such"
            | "that"
            | "the"
            | "their"
            | "this"
            | "to"
            | "via"
            | "we"
            | "will"
            | "with"
            | "within"
            | "you"
            | "your"
    )
}

/// The tokenizer and stemmer, built once per index.
pub(crate) struct Analyzer {
    stemmer: Stemmer,
}

impl std::fmt::Debug for Analyzer {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("Analyzer(snowball-english)")
    }
}

impl Analyzer {
    pub(crate) fn new() -> Self {
        Self {
            stemmer: Stemmer::create(Algorithm::English),
        }
    }

    /// The stemmed content terms of `text`, in order, stop words removed. Tokens keep `+` and `#` so that
    /// "C++" and "C#" stay distinct from "C".
    pub(crate) fn terms(&self, text: &str) -> Vec<String> {
        let mut out = Vec::new();
        for word in words(text) {
            if is_stop_word(&word) {
                continue;
            }
            out.push(self.stem(&word));
        }
        out
    }

    /// Stem one lower-cased word; words with `+`/`#` or digits are kept whole.
    pub(crate) fn stem(&self, word: &str) -> String {
        if word.chars().any(|c| !c.is_alphabetic()) || word.chars().count() <= 3 {
            return word.to_owned();
        }
        self.stemmer.stem(word).into_owned()
    }
}

/// Lower-cased words of `text`: split on anything that is not alphanumeric, `+` or `#`; a trailing `+`/`#`
/// belongs to the word only when the word is short (C++, C#, F#), so "design+" is "design".
pub(crate) fn words(text: &str) -> Vec<String> {
    let mut out = Vec::new();
    let mut it = Words::new(text);
    while let Some(w) = it.next_word() {
        out.push(w.to_owned());
    }
    out
}

/// The [`words`] of a text one at a time, in one reused buffer (the index splits 180k labels at load).
pub(crate) struct Words<'t> {
    chars: std::str::Chars<'t>,
    buf: String,
}

impl<'t> Words<'t> {
    pub(crate) fn new(text: &'t str) -> Self {
        Words {
            chars: text.chars(),
            buf: String::new(),
        }
    }

    /// The next word, or `None` at the end.
    pub(crate) fn next_word(&mut self) -> Option<&str> {
        loop {
            self.buf.clear();
            let mut ended = true;
            for c in self.chars.by_ref() {
                if c.is_alphanumeric() || ((c == '+' || c == '#') && !self.buf.is_empty()) {
                    self.buf.extend(c.to_lowercase());
                } else if c == '\'' || c == '\u{2019}' {
                    // "employee's" → "employees" (then stemmed like the plural); keeps one term per word.
                } else if !self.buf.is_empty() {
                    ended = false;
                    break;
                }
            }
            if self.buf.is_empty() {
                if ended {
                    return None;
                }
                continue;
            }
            let long = self.buf.chars().nth(3).is_some();
            let w = if long {
                self.buf.trim_end_matches(['+', '#'])
            } else {
                self.buf.as_str()
            };
            let (start, end) = (
                self.buf.len() - self.buf.trim_start_matches(['+', '#']).len(),
                w.len(),
            );
            if start < end {
                return self.buf.get(start..end);
            }
            if ended {
                return None;
            }
        }
    }
}

/// The acronym of a label of at least two content words ("customer relationship management" → "crm"), used as
/// an extra, weaker label. `None` for one-word labels, where an acronym would only add noise.
#[cfg(test)]
pub(crate) fn acronym(label: &str) -> Option<String> {
    let words = words(label);
    let content: Vec<&String> = words.iter().filter(|w| !is_stop_word(w)).collect();
    if content.len() < 2 || content.len() > 6 {
        return None;
    }
    Some(content.iter().filter_map(|w| w.chars().next()).collect())
}

/// Words that frame a skill in job-ad prose without naming it: a leading "experience with", "knowledge of",
/// "ability to", "strong", a trailing "skills" or "experience". Framework labels name the skill itself
/// ("communication", "project management"), so the frame only dilutes a match.
const LEADING_FRAMES: &[&[&str]] = &[
    &["experience", "with"],
    &["experience", "in"],
    &["experience", "of"],
    &["knowledge", "of"],
    &["knowledge", "in"],
    &["proficiency", "in"],
    &["proficiency", "with"],
    &["familiarity", "with"],
    &["understanding", "of"],
    &["expertise", "in"],
    &["skills", "in"],
    &["ability", "to"],
    &["able", "to"],
];
const LEADING_QUALIFIERS: &[&str] = &[
    "strong",
    "excellent",
    "good",
    "solid",
    "proven",
    "great",
    "deep",
    "extensive",
    "very",
];
const TRAILING_FRAMES: &[&str] = &[
    "skills",
    "skill",
    "abilities",
    "ability",
    "experience",
    "knowledge",
];

/// `text` without its job-ad frame (see [`LEADING_FRAMES`]) and without punctuation at either end, as a
/// query; `text` trimmed when nothing would remain.
pub(crate) fn strip_frame(text: &str) -> String {
    let mut trimmed = text.trim_matches(|c: char| c.is_whitespace() || ".,;:!?\"'".contains(c));
    // A bracket at either end goes only when its partner is missing ("issues)" but not "Python (language)").
    if trimmed.ends_with(')') && !trimmed.contains('(') {
        trimmed = trimmed.trim_end_matches(')');
    }
    if trimmed.starts_with('(') && !trimmed.contains(')') {
        trimmed = trimmed.trim_start_matches('(');
    }
    let trimmed = trimmed.trim_matches(|c: char| c.is_whitespace() || ".,;:!?\"'".contains(c));
    // Word spans of the trimmed text, lower-cased for comparison, original spelling kept for the result.
    let spans: Vec<(usize, usize)> = {
        let mut out = Vec::new();
        let mut start = None;
        for (i, c) in trimmed.char_indices() {
            match (c.is_whitespace(), start) {
                (true, Some(s)) => {
                    out.push((s, i));
                    start = None;
                }
                (false, None) => start = Some(i),
                _ => {}
            }
        }
        if let Some(s) = start {
            out.push((s, trimmed.len()));
        }
        out
    };
    let word = |i: usize| {
        spans
            .get(i)
            .and_then(|&(a, b)| trimmed.get(a..b))
            .unwrap_or("")
            .to_lowercase()
    };
    let (mut from, mut to) = (0usize, spans.len());
    loop {
        let before = from;
        while from < to && LEADING_QUALIFIERS.contains(&word(from).as_str()) {
            from += 1;
        }
        for frame in LEADING_FRAMES {
            if to - from > frame.len()
                && frame.iter().enumerate().all(|(k, w)| word(from + k) == *w)
            {
                from += frame.len();
                break;
            }
        }
        if from == before {
            break;
        }
    }
    while to - from > 1 && TRAILING_FRAMES.contains(&word(to - 1).as_str()) {
        to -= 1;
    }
    match (
        spans.get(from),
        to.checked_sub(1).and_then(|l| spans.get(l)),
    ) {
        (Some(&(a, _)), Some(&(_, b))) if from < to => {
            trimmed.get(a..b).unwrap_or(trimmed).to_owned()
        }
        _ => trimmed.to_owned(),
    }
}

/// Normalized form of a whole label for exact comparison: lower-cased words joined by one space.
pub(crate) fn normalize_label(text: &str) -> String {
    words(text).join(" ")
}

/// Character trigrams of the normalized text with word-boundary markers (`#py`, `pyt`, ... `on#`), hashed to
/// `u32`. Used for fuzzy matching of spellings ("teamwork"/"team work", "Javascript"/"JavaScript").
pub(crate) fn char_trigrams(text: &str) -> Vec<u32> {
    let mut out = Vec::new();
    for w in words(text) {
        if !is_stop_word(&w) {
            word_trigrams(&w, &mut out);
        }
    }
    out.sort_unstable();
    out.dedup();
    out
}

/// The hashed trigrams of one lower-cased word, with boundary markers, appended to `out`.
pub(crate) fn word_trigrams(word: &str, out: &mut Vec<u32>) {
    let chars: Vec<char> = std::iter::once(' ')
        .chain(word.chars())
        .chain(std::iter::once(' '))
        .collect();
    for win in chars.windows(3) {
        out.push(hash_chars(win));
    }
}

/// FNV-1a over the characters: stable across runs and platforms (the index is rebuilt, never persisted, but
/// the hashed embedder's vectors should not depend on the process).
pub(crate) fn hash_chars(chars: &[char]) -> u32 {
    let mut h: u32 = 0x811c_9dc5;
    for c in chars {
        let mut buf = [0u8; 4];
        for b in c.encode_utf8(&mut buf).bytes() {
            h ^= u32::from(b);
            h = h.wrapping_mul(0x0100_0193);
        }
    }
    h
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn stop_word_match_equals_the_list() {
        for w in STOP_WORDS {
            assert!(is_stop_word(w), "{w}");
        }
        assert!(!is_stop_word("use"));
    }

    #[test]
    fn words_keep_cpp_and_csharp() {
        assert_eq!(
            words("C++, C# and Node.js!"),
            vec!["c++", "c#", "and", "node", "js"]
        );
        assert_eq!(words("design+"), vec!["design"]);
    }

    #[test]
    fn stems_conflate_derivations() {
        let a = Analyzer::new();
        assert_eq!(a.terms("reliable"), a.terms("reliably"));
        assert_eq!(
            a.terms("the Programming of computers"),
            a.terms("program computing")
        );
    }

    #[test]
    fn job_ad_frames_are_stripped_from_queries() {
        assert_eq!(strip_frame("communication skills"), "communication");
        assert_eq!(strip_frame("Strong knowledge of SQL."), "SQL");
        assert_eq!(strip_frame("experience with Kubernetes"), "Kubernetes");
        assert_eq!(strip_frame("ability to work in teams?"), "work in teams");
        // Nothing left would be worse than the frame itself.
        assert_eq!(strip_frame("skills"), "skills");
        assert_eq!(strip_frame("knowledge of"), "knowledge of");
        assert_eq!(strip_frame("  C++  "), "C++");
    }

    #[test]
    fn acronyms_need_two_words() {
        assert_eq!(
            acronym("customer relationship management").as_deref(),
            Some("crm")
        );
        assert_eq!(acronym("Python"), None);
    }
}
