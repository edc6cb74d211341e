//! The lexical layer: an inverted index over every searchable concept's labels (preferred, alternative,
//! hidden, acronyms) and descriptions, scored with IDF-weighted term overlap, character-trigram overlap, a
//! BM25 description score and an occupation-count prior.
//!
//! Why not plain BM25 over labels: labels are 1-6 words, so BM25's length normalization barely separates
//! "Python" from "Python (computer programming)"; an IDF-weighted overlap that rewards covering both the query
//! and the label does (measured on the Decorte validation sets, see `bench/README.md`).

use std::collections::HashMap;

use crate::concept::{ConceptId, ConceptStore};
use crate::text::{Analyzer, acronym, char_trigrams, normalize_label};

/// Which label of a concept matched.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize)]
#[serde(rename_all = "snake_case")]
pub enum LabelField {
    /// The preferred label.
    Preferred,
    /// An alternative label.
    Alternative,
    /// A hidden label (search term, never displayed).
    Hidden,
    /// An acronym derived from a multi-word label.
    Acronym,
    /// No label matched; the description did.
    Description,
}

/// Scoring weights of the lexical layer. The defaults were tuned on the Decorte validation files only.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct LexicalWeights {
    /// Weight of the word (stem) overlap score.
    pub word: f32,
    /// Weight of the character-trigram overlap score.
    pub trigram: f32,
    /// Share of the overlap that rewards covering the query (the rest rewards covering the label).
    pub query_coverage: f32,
    /// Weight of the description BM25 score.
    pub description: f32,
    /// Weight of the occupation-count prior.
    pub prior: f32,
    /// Bonus for a label equal to the query after normalization.
    pub exact: f32,
    /// Field factors: alternative, hidden, acronym (preferred is 1).
    pub alt_factor: f32,
    /// Hidden-label factor.
    pub hidden_factor: f32,
    /// Acronym factor.
    pub acronym_factor: f32,
}

impl Default for LexicalWeights {
    fn default() -> Self {
        LexicalWeights {
            word: 1.0,
            trigram: 0.5,
            query_coverage: 0.5,
            description: 0.15,
            prior: 0.05,
            exact: 0.3,
            alt_factor: 0.95,
            hidden_factor: 0.85,
            acronym_factor: 0.7,
        }
    }
}

#[derive(Debug, Clone, Copy)]
struct LabelEntry {
    concept: ConceptId,
    field: LabelField,
    /// Index of the label text in the concept's `alt_labels`/`hidden_labels` (0 for preferred).
    index: u32,
    word_norm2: f32,
    tri_norm2: f32,
}

/// A lexical candidate: the concept, its score, and the label that matched best.
#[derive(Debug, Clone, Copy, PartialEq)]
pub(crate) struct LexicalHit {
    pub(crate) concept: ConceptId,
    pub(crate) score: f32,
    pub(crate) field: LabelField,
    pub(crate) label_index: u32,
    pub(crate) exact: bool,
}

/// The inverted index.
#[derive(Debug)]
pub(crate) struct LexicalIndex {
    analyzer: Analyzer,
    labels: Vec<LabelEntry>,
    term_ids: HashMap<String, u32>,
    term_idf: Vec<f32>,
    term_postings: Vec<Vec<u32>>,
    tri_ids: HashMap<u32, u32>,
    tri_idf: Vec<f32>,
    tri_postings: Vec<Vec<u32>>,
    exact: HashMap<String, Vec<u32>>,
    /// term id → (concept, term frequency) over descriptions.
    desc_postings: Vec<Vec<(ConceptId, u16)>>,
    desc_idf: Vec<f32>,
    desc_len: HashMap<ConceptId, u32>,
    desc_avg: f32,
    prior: HashMap<ConceptId, f32>,
    pub(crate) weights: LexicalWeights,
}

fn idf(n_docs: usize, df: usize) -> f32 {
    let n = n_docs as f32;
    let df = df as f32;
    ((n - df + 0.5) / (df + 0.5) + 1.0).ln()
}

impl LexicalIndex {
    /// Index every searchable concept of `store` accepted by `include`.
    pub(crate) fn build(
        store: &ConceptStore,
        include: impl Fn(&crate::concept::Concept) -> bool,
    ) -> Self {
        let analyzer = Analyzer::new();
        let mut labels = Vec::new();
        let mut label_terms: Vec<Vec<u32>> = Vec::new();
        let mut label_tris: Vec<Vec<u32>> = Vec::new();
        let mut term_ids: HashMap<String, u32> = HashMap::new();
        let mut tri_ids: HashMap<u32, u32> = HashMap::new();
        let mut exact: HashMap<String, Vec<u32>> = HashMap::new();
        let mut desc_terms: Vec<(ConceptId, Vec<u32>)> = Vec::new();
        let mut prior = HashMap::new();
        let max_count = store
            .iter()
            .map(|(id, _)| store.occupation_count(id))
            .max()
            .unwrap_or(0);
        let max_log = (1.0 + max_count as f32).ln().max(1.0);

        let intern = |ids: &mut HashMap<String, u32>, t: String| -> u32 {
            let next = u32::try_from(ids.len()).unwrap_or(u32::MAX);
            *ids.entry(t).or_insert(next)
        };
        for (id, c) in store.iter() {
            if !c.kind.is_searchable() || !include(c) {
                continue;
            }
            let count = store.occupation_count(id);
            if count > 0 {
                prior.insert(id, (1.0 + count as f32).ln() / max_log);
            }
            let mut texts: Vec<(LabelField, u32, String)> =
                vec![(LabelField::Preferred, 0, c.pref_label.clone())];
            for (i, l) in c.alt_labels.iter().enumerate() {
                texts.push((
                    LabelField::Alternative,
                    u32::try_from(i).unwrap_or(0),
                    l.clone(),
                ));
            }
            for (i, l) in c.hidden_labels.iter().enumerate() {
                texts.push((LabelField::Hidden, u32::try_from(i).unwrap_or(0), l.clone()));
            }
            let mut acronyms = Vec::new();
            for (_, i, l) in &texts {
                if let Some(a) = acronym(l) {
                    acronyms.push((LabelField::Acronym, *i, a));
                }
            }
            texts.extend(acronyms);
            let mut seen = std::collections::HashSet::new();
            for (field, index, text) in texts {
                let norm = normalize_label(&text);
                if norm.is_empty() || !seen.insert(norm.clone()) {
                    continue;
                }
                let mut terms: Vec<u32> = analyzer
                    .terms(&text)
                    .into_iter()
                    .map(|t| intern(&mut term_ids, t))
                    .collect();
                terms.sort_unstable();
                terms.dedup();
                let tris: Vec<u32> = char_trigrams(&text)
                    .into_iter()
                    .map(|h| {
                        let next = u32::try_from(tri_ids.len()).unwrap_or(u32::MAX);
                        *tri_ids.entry(h).or_insert(next)
                    })
                    .collect();
                let label_id = u32::try_from(labels.len()).unwrap_or(u32::MAX);
                if field != LabelField::Acronym {
                    exact.entry(norm).or_default().push(label_id);
                }
                labels.push(LabelEntry {
                    concept: id,
                    field,
                    index,
                    word_norm2: 0.0,
                    tri_norm2: 0.0,
                });
                label_terms.push(terms);
                label_tris.push(tris);
            }
            if let Some(d) = &c.description {
                let terms: Vec<u32> = analyzer
                    .terms(d)
                    .into_iter()
                    .map(|t| intern(&mut term_ids, t))
                    .collect();
                desc_terms.push((id, terms));
            }
        }

        let n_terms = term_ids.len();
        let mut term_postings = vec![Vec::new(); n_terms];
        for (li, terms) in label_terms.iter().enumerate() {
            for &t in terms {
                if let Some(p) = term_postings.get_mut(t as usize) {
                    p.push(u32::try_from(li).unwrap_or(u32::MAX));
                }
            }
        }
        let term_idf: Vec<f32> = term_postings
            .iter()
            .map(|p| idf(labels.len(), p.len()))
            .collect();
        let mut tri_postings = vec![Vec::new(); tri_ids.len()];
        for (li, tris) in label_tris.iter().enumerate() {
            for &t in tris {
                if let Some(p) = tri_postings.get_mut(t as usize) {
                    p.push(u32::try_from(li).unwrap_or(u32::MAX));
                }
            }
        }
        let tri_idf: Vec<f32> = tri_postings
            .iter()
            .map(|p| idf(labels.len(), p.len()))
            .collect();
        for (li, entry) in labels.iter_mut().enumerate() {
            let w = label_terms.get(li).map_or(0.0, |ts| {
                ts.iter().map(|&t| sq(term_idf.get(t as usize))).sum()
            });
            let tr = label_tris.get(li).map_or(0.0, |ts| {
                ts.iter().map(|&t| sq(tri_idf.get(t as usize))).sum()
            });
            entry.word_norm2 = w;
            entry.tri_norm2 = tr;
        }

        let mut desc_postings: Vec<Vec<(ConceptId, u16)>> = vec![Vec::new(); n_terms];
        let mut desc_len = HashMap::new();
        let mut total_len = 0usize;
        for (id, terms) in &desc_terms {
            let mut tf: HashMap<u32, u16> = HashMap::new();
            for &t in terms {
                *tf.entry(t).or_default() += 1;
            }
            for (t, n) in tf {
                if let Some(p) = desc_postings.get_mut(t as usize) {
                    p.push((*id, n));
                }
            }
            desc_len.insert(*id, u32::try_from(terms.len()).unwrap_or(u32::MAX));
            total_len += terms.len();
        }
        let n_desc = desc_terms.len().max(1);
        let desc_idf = desc_postings.iter().map(|p| idf(n_desc, p.len())).collect();
        let desc_avg = (total_len as f32 / n_desc as f32).max(1.0);

        LexicalIndex {
            analyzer,
            labels,
            term_ids,
            term_idf,
            term_postings,
            tri_ids,
            tri_idf,
            tri_postings,
            exact,
            desc_postings,
            desc_idf,
            desc_len,
            desc_avg,
            prior,
            weights: LexicalWeights::default(),
        }
    }

    /// Number of indexed labels.
    pub(crate) fn label_count(&self) -> usize {
        self.labels.len()
    }

    /// Concepts whose label equals `text` after normalization (case, punctuation, spacing).
    pub(crate) fn exact(&self, text: &str) -> Vec<LexicalHit> {
        let norm = normalize_label(text);
        let mut out = Vec::new();
        for &li in self.exact.get(&norm).map_or(&[][..], Vec::as_slice) {
            if let Some(e) = self.labels.get(li as usize) {
                if !out.iter().any(|h: &LexicalHit| h.concept == e.concept) {
                    out.push(LexicalHit {
                        concept: e.concept,
                        score: 1.0,
                        field: e.field,
                        label_index: e.index,
                        exact: true,
                    });
                }
            }
        }
        out
    }

    /// Rank concepts for `query`; returns at most `limit` hits, best first.
    pub(crate) fn search(&self, query: &str, limit: usize) -> Vec<LexicalHit> {
        let w = self.weights;
        let mut q_terms: Vec<u32> = self
            .analyzer
            .terms(query)
            .iter()
            .filter_map(|t| self.term_ids.get(t).copied())
            .collect();
        q_terms.sort_unstable();
        q_terms.dedup();
        // Unknown query words still count against coverage: a query half made of words no label has is a
        // weaker match than one fully covered.
        let unknown_terms = {
            let all = self.analyzer.terms(query);
            let mut all_sorted = all.clone();
            all_sorted.sort_unstable();
            all_sorted.dedup();
            all_sorted.len().saturating_sub(q_terms.len())
        };
        let unknown_weight =
            unknown_terms as f32 * sq(self.term_idf.iter().copied().reduce(f32::max).as_ref());
        let q_norm2: f32 = q_terms
            .iter()
            .map(|&t| sq(self.term_idf.get(t as usize)))
            .sum::<f32>()
            + unknown_weight;
        let q_tris: Vec<u32> = char_trigrams(query)
            .iter()
            .filter_map(|h| self.tri_ids.get(h).copied())
            .collect();
        let q_tri_total = char_trigrams(query).len();
        let q_tri_unknown = q_tri_total.saturating_sub(q_tris.len());
        let max_tri_idf = sq(self.tri_idf.iter().copied().reduce(f32::max).as_ref());
        let q_tri_norm2: f32 = q_tris
            .iter()
            .map(|&t| sq(self.tri_idf.get(t as usize)))
            .sum::<f32>()
            + q_tri_unknown as f32 * max_tri_idf;

        let mut word_dot: HashMap<u32, f32> = HashMap::new();
        for &t in &q_terms {
            let i2 = sq(self.term_idf.get(t as usize));
            for &li in self
                .term_postings
                .get(t as usize)
                .map_or(&[][..], Vec::as_slice)
            {
                *word_dot.entry(li).or_default() += i2;
            }
        }
        let mut tri_dot: HashMap<u32, f32> = HashMap::new();
        if w.trigram > 0.0 {
            for &t in &q_tris {
                let i2 = sq(self.tri_idf.get(t as usize));
                for &li in self
                    .tri_postings
                    .get(t as usize)
                    .map_or(&[][..], Vec::as_slice)
                {
                    *tri_dot.entry(li).or_default() += i2;
                }
            }
        }
        let overlap = |dot: f32, qn: f32, ln: f32| -> f32 {
            if dot <= 0.0 || qn <= 0.0 || ln <= 0.0 {
                return 0.0;
            }
            let a = w.query_coverage;
            (dot / qn).powf(a) * (dot / ln).powf(1.0 - a)
        };
        let exact_norm = normalize_label(query);
        let exact_labels: Vec<u32> = self.exact.get(&exact_norm).cloned().unwrap_or_default();

        let mut best: HashMap<ConceptId, LexicalHit> = HashMap::new();
        let mut consider = |li: u32, score: f32, exact: bool| {
            let Some(e) = self.labels.get(li as usize) else {
                return;
            };
            let factor = match e.field {
                LabelField::Preferred => 1.0,
                LabelField::Alternative => w.alt_factor,
                LabelField::Hidden => w.hidden_factor,
                LabelField::Acronym => w.acronym_factor,
                LabelField::Description => 0.0,
            };
            let s = score * factor;
            let hit = LexicalHit {
                concept: e.concept,
                score: s,
                field: e.field,
                label_index: e.index,
                exact,
            };
            best.entry(e.concept)
                .and_modify(|h| {
                    if s > h.score {
                        *h = hit
                    }
                })
                .or_insert(hit);
        };
        let mut touched: Vec<u32> = word_dot.keys().copied().collect();
        // Trigram-only candidates are kept only when they share a good part of the query's trigrams; the rest
        // would cost time without ever reaching the top.
        for (&li, &d) in &tri_dot {
            if !word_dot.contains_key(&li) && q_tri_norm2 > 0.0 && d / q_tri_norm2 > 0.3 {
                touched.push(li);
            }
        }
        for li in touched {
            let Some(e) = self.labels.get(li as usize) else {
                continue;
            };
            let ws = overlap(
                word_dot.get(&li).copied().unwrap_or(0.0),
                q_norm2,
                e.word_norm2,
            );
            let ts = overlap(
                tri_dot.get(&li).copied().unwrap_or(0.0),
                q_tri_norm2,
                e.tri_norm2,
            );
            let exact = exact_labels.contains(&li);
            let s = w.word * ws + w.trigram * ts + if exact { w.exact } else { 0.0 };
            consider(li, s, exact);
        }

        // Description BM25, normalized by the query's total IDF so it stays in [0, 1].
        if w.description > 0.0 && !q_terms.is_empty() {
            let (k1, b) = (1.2f32, 0.75f32);
            let max_score: f32 = q_terms
                .iter()
                .map(|&t| self.desc_idf.get(t as usize).copied().unwrap_or(0.0))
                .sum();
            let mut desc: HashMap<ConceptId, f32> = HashMap::new();
            for &t in &q_terms {
                let i = self.desc_idf.get(t as usize).copied().unwrap_or(0.0);
                for &(c, tf) in self
                    .desc_postings
                    .get(t as usize)
                    .map_or(&[][..], Vec::as_slice)
                {
                    let len = self.desc_len.get(&c).copied().unwrap_or(0) as f32;
                    let tf = f32::from(tf);
                    let s = i * tf * (k1 + 1.0) / (tf + k1 * (1.0 - b + b * len / self.desc_avg));
                    *desc.entry(c).or_default() += s;
                }
            }
            if max_score > 0.0 {
                for (c, s) in desc {
                    let add = w.description * (s / (max_score * (k1 + 1.0))).min(1.0);
                    best.entry(c)
                        .and_modify(|h| h.score += add)
                        .or_insert(LexicalHit {
                            concept: c,
                            score: add,
                            field: LabelField::Description,
                            label_index: 0,
                            exact: false,
                        });
                }
            }
        }
        let mut hits: Vec<LexicalHit> = best.into_values().collect();
        for h in &mut hits {
            h.score += w.prior * self.prior.get(&h.concept).copied().unwrap_or(0.0);
        }
        hits.sort_by(|a, b| b.score.total_cmp(&a.score).then(a.concept.cmp(&b.concept)));
        hits.truncate(limit);
        hits
    }
}

fn sq(x: Option<&f32>) -> f32 {
    x.map_or(0.0, |v| v * v)
}
