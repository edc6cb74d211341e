//! Text normalization shared by indexing and querying: case folding, punctuation, stop words, stemming,
//! acronyms and character n-grams.
//!
//! One function decides what a "term" is ([`terms`]), so a label and a query that mean the same words always
//! produce the same terms. Stemming is Snowball English (`rust-stemmers`), chosen over a lemmatizer because it
//! needs no dictionary and conflates the derivations that skill labels use ("reliable"/"reliably",
//! "motivated"/"motivation").

use rust_stemmers::{Algorithm, Stemmer};

/// English function words dropped from labels and queries (sorted, for binary search). Short on purpose: words
/// such as "use", "work" or "manage" carry meaning in skill labels and stay; IDF weighs the rest.
const STOP_WORDS: &[&str] = &[
    "a", "an", "and", "are", "as", "at", "be", "by", "e", "eg", "etc", "for", "from", "g", "i",
    "ie", "in", "into", "is", "it", "its", "of", "on", "or", "our", "such", "that", "the", "their",
    "this", "to", "via", "we", "will", "with", "within", "you", "your",
];

fn is_stop_word(word: &str) -> bool {
    STOP_WORDS.binary_search(&word).is_ok()
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
    let mut cur = String::new();
    let flush = |cur: &mut String, out: &mut Vec<String>| {
        if !cur.is_empty() {
            let trimmed = if cur.chars().count() > 3 {
                cur.trim_end_matches(['+', '#'])
            } else {
                cur.as_str()
            };
            let trimmed = trimmed.trim_start_matches(['+', '#']);
            if !trimmed.is_empty() {
                out.push(trimmed.to_owned());
            }
            cur.clear();
        }
    };
    for c in text.chars() {
        if c.is_alphanumeric() || ((c == '+' || c == '#') && !cur.is_empty()) {
            cur.extend(c.to_lowercase());
        } else if c == '\'' || c == '\u{2019}' {
            // "employee's" → "employees" (then stemmed like the plural); keeps one term per word.
        } else {
            flush(&mut cur, &mut out);
        }
    }
    flush(&mut cur, &mut out);
    out
}

/// The acronym of a label of at least two content words ("customer relationship management" → "crm"), used as
/// an extra, weaker label. `None` for one-word labels, where an acronym would only add noise.
pub(crate) fn acronym(label: &str) -> Option<String> {
    let ws: Vec<String> = words(label)
        .into_iter()
        .filter(|w| !is_stop_word(w))
        .collect();
    if ws.len() < 2 || ws.len() > 6 {
        return None;
    }
    let acr: String = ws.iter().filter_map(|w| w.chars().next()).collect();
    Some(acr)
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
        if is_stop_word(&w) {
            continue;
        }
        let chars: Vec<char> = std::iter::once(' ')
            .chain(w.chars())
            .chain(std::iter::once(' '))
            .collect();
        for win in chars.windows(3) {
            out.push(hash_chars(win));
        }
    }
    out.sort_unstable();
    out.dedup();
    out
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
    fn stop_words_are_sorted_for_binary_search() {
        let mut sorted = STOP_WORDS.to_vec();
        sorted.sort_unstable();
        assert_eq!(sorted, STOP_WORDS);
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
            a.terms("computer programs")
        );
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
