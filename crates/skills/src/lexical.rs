//! The lexical layer: an inverted index over every searchable concept's labels (preferred, alternative,
//! hidden, acronyms) and descriptions, scored with IDF-weighted term overlap, character-trigram overlap, a
//! BM25 description score and an occupation-count prior.
//!
//! Why not plain BM25 over labels: labels are 1-6 words, so BM25's length normalization barely separates
//! "Python" from "Python (computer programming)"; an IDF-weighted overlap that rewards covering both the query
//! and the label does (measured on the Decorte validation sets, see `bench/README.md`).

use crate::concept::{FastMap, FastSet};

use crate::concept::{ConceptId, ConceptStore};
use crate::text::{Analyzer, Words, char_trigrams, is_stop_word, normalize_label, word_trigrams};

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
    /// Factor on technology examples (O*NET "Python" is a product listed for occupations; ESCO's "Python
    /// (computer programming)" is the skill, so the skill ranks first at equal label quality).
    pub technology_factor: f32,
}

impl Default for LexicalWeights {
    /// Tuned by coordinate descent on the Decorte TECH and HOUSE validation files (objective: mean R@5 plus
    /// half the mean MRR); see `bench/README.md`.
    fn default() -> Self {
        LexicalWeights {
            word: 1.0,
            trigram: 1.0,
            query_coverage: 0.5,
            description: 0.15,
            prior: 0.3,
            exact: 0.3,
            alt_factor: 0.85,
            hidden_factor: 0.95,
            acronym_factor: 0.3,
            technology_factor: 0.9,
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
    term_ids: FastMap<String, u32>,
    term_idf: Vec<f32>,
    term_postings: Vec<Vec<u32>>,
    tri_ids: FastMap<u32, u32>,
    tri_idf: Vec<f32>,
    tri_postings: Vec<Vec<u32>>,
    exact: FastMap<String, Vec<u32>>,
    /// term id → (concept, term frequency) over descriptions.
    desc_postings: Vec<Vec<(ConceptId, u16)>>,
    desc_idf: Vec<f32>,
    desc_len: FastMap<ConceptId, u32>,
    desc_avg: f32,
    prior: FastMap<ConceptId, f32>,
    /// O*NET technology examples (product names), ranked below skills with equally good labels.
    tools: FastSet<ConceptId>,
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
        // Per-label terms and trigrams, flat with offsets: 180k small vectors cost more to allocate and free
        // than to fill.
        let mut label_terms = Flat::default();
        let mut label_tris = Flat::default();
        let mut term_ids: FastMap<String, u32> = FastMap::default();
        let mut tri_ids: FastMap<u32, u32> = FastMap::default();
        let mut exact: FastMap<String, Vec<u32>> = FastMap::default();
        let mut desc_terms = Flat::default();
        let mut desc_ids: Vec<ConceptId> = Vec::new();
        let mut prior = FastMap::default();
        let mut tools = FastSet::default();
        let max_count = store
            .iter()
            .map(|(id, _)| store.occupation_count(id))
            .max()
            .unwrap_or(0);
        let max_log = (1.0 + max_count as f32).ln().max(1.0);

        // Labels repeat words heavily (180k labels, about 20k distinct words), so each distinct word is
        // stemmed and split into trigrams once.
        let mut words_seen: FastMap<String, (Option<u32>, std::ops::Range<usize>)> =
            FastMap::default();
        let mut word_tri_pool: Vec<u32> = Vec::new();
        let mut analyze_word = |w: &str,
                                term_ids: &mut FastMap<String, u32>,
                                tri_ids: &mut FastMap<u32, u32>,
                                pool: &mut Vec<u32>|
         -> (Option<u32>, std::ops::Range<usize>) {
            if let Some(v) = words_seen.get(w) {
                return v.clone();
            }
            let v = if is_stop_word(w) {
                (None, 0..0)
            } else {
                let stem = analyzer.stem(w);
                let next = u32::try_from(term_ids.len()).unwrap_or(u32::MAX);
                let term = *term_ids.entry(stem).or_insert(next);
                let mut hashes = Vec::new();
                word_trigrams(w, &mut hashes);
                let start = pool.len();
                for h in hashes {
                    let next = u32::try_from(tri_ids.len()).unwrap_or(u32::MAX);
                    pool.push(*tri_ids.entry(h).or_insert(next));
                }
                (Some(term), start..pool.len())
            };
            words_seen.insert(w.to_owned(), v.clone());
            v
        };

        let mut seen: FastSet<String> = FastSet::default();
        let mut norm = String::new();
        let mut acr = String::new();
        for (id, c) in store.iter() {
            if !c.kind.is_searchable() || !include(c) {
                continue;
            }
            if c.kind == crate::concept::ConceptKind::Technology {
                tools.insert(id);
            }
            let count = store.occupation_count(id);
            if count > 0 {
                prior.insert(id, (1.0 + count as f32).ln() / max_log);
            }
            let mut texts: Vec<(LabelField, u32, &str)> =
                vec![(LabelField::Preferred, 0, &c.pref_label)];
            for (i, l) in c.alt_labels.iter().enumerate() {
                texts.push((LabelField::Alternative, u32::try_from(i).unwrap_or(0), l));
            }
            for (i, l) in c.hidden_labels.iter().enumerate() {
                texts.push((LabelField::Hidden, u32::try_from(i).unwrap_or(0), l));
            }
            seen.clear();
            let mut acronyms: Vec<(u32, String)> = Vec::new();
            for (field, index, text) in texts {
                norm.clear();
                acr.clear();
                let mut content_words = 0usize;
                let mut it = Words::new(text);
                while let Some(w) = it.next_word() {
                    if !norm.is_empty() {
                        norm.push(' ');
                    }
                    norm.push_str(w);
                    let (term, tris) =
                        analyze_word(w, &mut term_ids, &mut tri_ids, &mut word_tri_pool);
                    if let Some(t) = term {
                        content_words += 1;
                        acr.extend(w.chars().next());
                        label_terms.values.push(t);
                    }
                    label_tris
                        .values
                        .extend_from_slice(word_tri_pool.get(tris).unwrap_or(&[]));
                }
                if norm.is_empty() || seen.contains(norm.as_str()) {
                    label_terms.discard();
                    label_tris.discard();
                    continue;
                }
                seen.insert(norm.clone());
                if (2..=6).contains(&content_words) {
                    acronyms.push((index, acr.clone()));
                }
                label_terms.seal_dedup();
                label_tris.seal_dedup();
                let label_id = u32::try_from(labels.len()).unwrap_or(u32::MAX);
                exact.entry(norm.clone()).or_default().push(label_id);
                labels.push(LabelEntry {
                    concept: id,
                    field,
                    index,
                    word_norm2: 0.0,
                    tri_norm2: 0.0,
                });
            }
            for (index, a) in acronyms {
                if seen.contains(a.as_str()) {
                    continue;
                }
                let (term, tris) =
                    analyze_word(&a, &mut term_ids, &mut tri_ids, &mut word_tri_pool);
                label_terms.values.extend(term);
                label_tris
                    .values
                    .extend_from_slice(word_tri_pool.get(tris).unwrap_or(&[]));
                label_terms.seal_dedup();
                label_tris.seal_dedup();
                labels.push(LabelEntry {
                    concept: id,
                    field: LabelField::Acronym,
                    index,
                    word_norm2: 0.0,
                    tri_norm2: 0.0,
                });
                seen.insert(a);
            }
            if let Some(d) = &c.description {
                let mut it = Words::new(d);
                while let Some(w) = it.next_word() {
                    if let (Some(t), _) =
                        analyze_word(w, &mut term_ids, &mut tri_ids, &mut word_tri_pool)
                    {
                        desc_terms.values.push(t);
                    }
                }
                desc_terms.seal();
                desc_ids.push(id);
            }
        }

        let n_terms = term_ids.len();
        let term_postings = postings(&label_terms, n_terms);
        let term_idf: Vec<f32> = term_postings
            .iter()
            .map(|p| idf(labels.len(), p.len()))
            .collect();
        let tri_postings = postings(&label_tris, tri_ids.len());
        let tri_idf: Vec<f32> = tri_postings
            .iter()
            .map(|p| idf(labels.len(), p.len()))
            .collect();
        for (li, entry) in labels.iter_mut().enumerate() {
            entry.word_norm2 = label_terms
                .row(li)
                .iter()
                .map(|&t| sq(term_idf.get(t as usize)))
                .sum();
            entry.tri_norm2 = label_tris
                .row(li)
                .iter()
                .map(|&t| sq(tri_idf.get(t as usize)))
                .sum();
        }

        let mut desc_postings: Vec<Vec<(ConceptId, u16)>> = vec![Vec::new(); n_terms];
        let mut desc_len = FastMap::default();
        let mut total_len = 0usize;
        let mut sorted = Vec::new();
        for (row, id) in desc_ids.iter().enumerate() {
            sorted.clear();
            sorted.extend_from_slice(desc_terms.row(row));
            sorted.sort_unstable();
            for run in sorted.chunk_by(|a, b| a == b) {
                if let (Some(&t), Some(p)) = (
                    run.first(),
                    run.first().and_then(|&t| desc_postings.get_mut(t as usize)),
                ) {
                    let _ = t;
                    p.push((*id, u16::try_from(run.len()).unwrap_or(u16::MAX)));
                }
            }
            desc_len.insert(*id, u32::try_from(sorted.len()).unwrap_or(u32::MAX));
            total_len += sorted.len();
        }
        let n_desc = desc_ids.len().max(1);
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
            tools,
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
            if let Some(e) = self.labels.get(li as usize)
                && !out.iter().any(|h: &LexicalHit| h.concept == e.concept)
            {
                out.push(LexicalHit {
                    concept: e.concept,
                    score: 1.0,
                    field: e.field,
                    label_index: e.index,
                    exact: true,
                });
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

        // Dense accumulators (one slot per label) beat hash maps here: common trigrams touch tens of
        // thousands of labels per query.
        let mut word_dot = vec![0.0f32; self.labels.len()];
        let mut word_touched: Vec<u32> = Vec::new();
        for &t in &q_terms {
            let i2 = sq(self.term_idf.get(t as usize));
            for &li in self
                .term_postings
                .get(t as usize)
                .map_or(&[][..], Vec::as_slice)
            {
                if let Some(d) = word_dot.get_mut(li as usize) {
                    if *d == 0.0 {
                        word_touched.push(li);
                    }
                    *d += i2;
                }
            }
        }
        let mut tri_dot = vec![0.0f32; self.labels.len()];
        let mut tri_touched: Vec<u32> = Vec::new();
        if w.trigram > 0.0 {
            for &t in &q_tris {
                let i2 = sq(self.tri_idf.get(t as usize));
                for &li in self
                    .tri_postings
                    .get(t as usize)
                    .map_or(&[][..], Vec::as_slice)
                {
                    if let Some(d) = tri_dot.get_mut(li as usize) {
                        if *d == 0.0 {
                            tri_touched.push(li);
                        }
                        *d += i2;
                    }
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

        let mut best: FastMap<ConceptId, LexicalHit> = FastMap::default();
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
        let mut touched = word_touched;
        // Trigram-only candidates are kept only when they share a good part of the query's trigrams; the rest
        // would cost time without ever reaching the top.
        for li in tri_touched {
            let d = tri_dot.get(li as usize).copied().unwrap_or(0.0);
            let has_word = word_dot.get(li as usize).is_some_and(|&x| x > 0.0);
            if !has_word && q_tri_norm2 > 0.0 && d / q_tri_norm2 > 0.3 {
                touched.push(li);
            }
        }
        for li in touched {
            let Some(e) = self.labels.get(li as usize) else {
                continue;
            };
            let ws = overlap(
                word_dot.get(li as usize).copied().unwrap_or(0.0),
                q_norm2,
                e.word_norm2,
            );
            let ts = overlap(
                tri_dot.get(li as usize).copied().unwrap_or(0.0),
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
            let mut desc: FastMap<ConceptId, f32> = FastMap::default();
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
            if self.tools.contains(&h.concept) {
                h.score *= w.technology_factor;
            }
        }
        hits.sort_by(|a, b| b.score.total_cmp(&a.score).then(a.concept.cmp(&b.concept)));
        hits.truncate(limit);
        hits
    }
}

/// Rows of `u32` stored flat with offsets; a row is open until sealed.
#[derive(Debug, Default)]
struct Flat {
    values: Vec<u32>,
    ends: Vec<usize>,
}

impl Flat {
    fn open_start(&self) -> usize {
        self.ends.last().copied().unwrap_or(0)
    }

    /// Close the open row.
    fn seal(&mut self) {
        self.ends.push(self.values.len());
    }

    /// Sort and dedup the open row, then close it.
    fn seal_dedup(&mut self) {
        let start = self.open_start();
        if let Some(row) = self.values.get_mut(start..) {
            row.sort_unstable();
        }
        let mut keep = start;
        for i in start..self.values.len() {
            let v = self.values.get(i).copied();
            if keep == start || self.values.get(keep - 1).copied() != v {
                if let (Some(v), Some(slot)) = (v, self.values.get_mut(keep)) {
                    *slot = v;
                }
                keep += 1;
            }
        }
        self.values.truncate(keep);
        self.seal();
    }

    /// Drop the open row.
    fn discard(&mut self) {
        self.values.truncate(self.open_start());
    }

    fn row(&self, i: usize) -> &[u32] {
        let start = if i == 0 {
            0
        } else {
            self.ends.get(i - 1).copied().unwrap_or(0)
        };
        let end = self.ends.get(i).copied().unwrap_or(start);
        self.values.get(start..end).unwrap_or(&[])
    }
}

/// Inverted lists: for each of `n` ids, the rows that contain it.
fn postings(rows: &Flat, n: usize) -> Vec<Vec<u32>> {
    let mut counts = vec![0usize; n];
    for &v in &rows.values {
        if let Some(c) = counts.get_mut(v as usize) {
            *c += 1;
        }
    }
    let mut out: Vec<Vec<u32>> = counts.into_iter().map(Vec::with_capacity).collect();
    for row in 0..rows.ends.len() {
        let r = u32::try_from(row).unwrap_or(u32::MAX);
        for &v in rows.row(row) {
            if let Some(p) = out.get_mut(v as usize) {
                p.push(r);
            }
        }
    }
    out
}

fn sq(x: Option<&f32>) -> f32 {
    x.map_or(0.0, |v| v * v)
}
