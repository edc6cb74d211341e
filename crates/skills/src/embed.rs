//! The semantic layer's seam: an [`Embedder`] turns text into unit vectors; the [`SemanticIndex`] embeds
//! every searchable concept's preferred label, alternative labels and description, and ranks by a weighted
//! sum of the query's cosines with them (the preferred label, the mean of the alternative labels, the
//! description), precombined into one vector per concept so a search is one pass over a contiguous matrix.
//!
//! The default build ships [`HashedNgramEmbedder`], which needs no weights: hashed character trigrams and
//! word stems. It exercises the layer in tests and gives fuzzy spelling matches; it carries no meaning. A
//! sentence-embedding model plugs in behind the `embed` feature.

use crate::concept::{ConceptId, ConceptStore};
use crate::error::Error;
use crate::text::{Analyzer, hash_chars, words};

/// Text → L2-normalized vectors.
pub trait Embedder: Send + Sync + std::fmt::Debug {
    /// A stable id of the model and its weights (for example `hashed-ngram-256-v1` or a weights hash); every
    /// semantic mapping records it.
    fn model_id(&self) -> &str;
    /// Vector dimension.
    fn dim(&self) -> usize;
    /// One unit vector of length [`Embedder::dim`] per text.
    fn embed(&self, texts: &[&str]) -> Result<Vec<Vec<f32>>, Error>;
}

/// A weights-free embedder: character trigrams and stems hashed into `dim` buckets with signs, then
/// L2-normalized (the "hashing trick").
#[derive(Debug)]
pub struct HashedNgramEmbedder {
    dim: usize,
    id: String,
    analyzer: Analyzer,
}

impl HashedNgramEmbedder {
    /// An embedder with `dim` buckets (at least 16).
    pub fn new(dim: usize) -> Self {
        let dim = dim.max(16);
        HashedNgramEmbedder {
            dim,
            id: format!("hashed-ngram-{dim}-v1"),
            analyzer: Analyzer::new(),
        }
    }

    fn add(&self, v: &mut [f32], h: u32, w: f32) {
        let n = u32::try_from(self.dim).unwrap_or(u32::MAX);
        let sign = if h & 0x8000_0000 == 0 { 1.0 } else { -1.0 };
        if let Some(x) = v.get_mut((h % n) as usize) {
            *x += sign * w;
        }
    }
}

impl Embedder for HashedNgramEmbedder {
    fn model_id(&self) -> &str {
        &self.id
    }

    fn dim(&self) -> usize {
        self.dim
    }

    fn embed(&self, texts: &[&str]) -> Result<Vec<Vec<f32>>, Error> {
        Ok(texts
            .iter()
            .map(|t| {
                let mut v = vec![0.0f32; self.dim];
                for w in words(t) {
                    let chars: Vec<char> = std::iter::once(' ')
                        .chain(w.chars())
                        .chain(std::iter::once(' '))
                        .collect();
                    for win in chars.windows(3) {
                        self.add(&mut v, hash_chars(win), 1.0);
                    }
                }
                for stem in self.analyzer.terms(t) {
                    let chars: Vec<char> = stem.chars().collect();
                    self.add(&mut v, hash_chars(&chars).rotate_left(13), 2.0);
                }
                normalize(&mut v);
                v
            })
            .collect())
    }
}

/// The semantic views of one concept's texts: its preferred label, its alternative labels (each one, and
/// their mean) and its description. Views a concept lacks fall back to its preferred label.
#[derive(Debug, Clone, Copy, PartialEq)]
pub(crate) struct ViewWeights {
    /// Cosine with the preferred label.
    pub(crate) label: f32,
    /// Cosine with the normalized mean of the alternative labels.
    pub(crate) alt_mean: f32,
    /// Cosine with the description.
    pub(crate) description: f32,
}

/// The cache key: format, model id, dimension, and a hash of every text in order, so a cache never serves
/// vectors of another model, framework version or label set.
fn cache_key(model: &str, dim: usize, texts: &ConceptTexts<'_>) -> String {
    let mut h: u64 = 0xcbf2_9ce4_8422_2325;
    let mut eat = |t: &str| {
        for b in t.bytes().chain(std::iter::once(0)) {
            h ^= u64::from(b);
            h = h.wrapping_mul(0x0100_0000_01b3);
        }
    };
    for (i, t) in texts.labels.iter().enumerate() {
        eat(t);
        for a in texts.alts_of(i) {
            eat(a);
        }
        eat("\u{1}");
        eat(texts.descriptions.get(i).copied().flatten().unwrap_or(""));
    }
    format!(
        "credbridge-skills vectors v2 model={model} dim={dim} concepts={} alts={} labels={h:016x}\n",
        texts.labels.len(),
        texts.alts.len(),
    )
}

/// The texts the semantic layer embeds, one row per searchable concept.
struct ConceptTexts<'a> {
    labels: Vec<&'a str>,
    /// Alternative labels of every row, flat; `alt_ends[i]` ends row `i`'s.
    alts: Vec<&'a str>,
    alt_ends: Vec<u32>,
    descriptions: Vec<Option<&'a str>>,
}

impl<'a> ConceptTexts<'a> {
    fn alts_of(&self, row: usize) -> &[&'a str] {
        let start = if row == 0 {
            0
        } else {
            self.alt_ends.get(row - 1).copied().unwrap_or(0) as usize
        };
        let end = self.alt_ends.get(row).copied().unwrap_or(0) as usize;
        self.alts.get(start..end).unwrap_or(&[])
    }
}

/// Every distinct text once, longest-first batches of similar length (padding is most of a batch's cost
/// when a 3-word label shares it with a 60-word description), vectors scattered back in input order.
fn embed_all(embedder: &dyn Embedder, texts: &[&str]) -> Result<Vec<f32>, Error> {
    let dim = embedder.dim();
    let mut slot: std::collections::HashMap<&str, usize> = std::collections::HashMap::new();
    let mut distinct: Vec<&str> = Vec::new();
    let which: Vec<usize> = texts
        .iter()
        .map(|t| {
            *slot.entry(t).or_insert_with(|| {
                distinct.push(t);
                distinct.len() - 1
            })
        })
        .collect();
    let mut order: Vec<usize> = (0..distinct.len()).collect();
    order.sort_by_key(|&i| std::cmp::Reverse(distinct.get(i).map_or(0, |t| t.len())));
    let mut vectors = vec![0.0f32; distinct.len() * dim];
    for chunk in order.chunks(256) {
        let batch: Vec<&str> = chunk
            .iter()
            .filter_map(|&i| distinct.get(i).copied())
            .collect();
        let out = embedder.embed(&batch)?;
        for (&i, v) in chunk.iter().zip(out) {
            if v.len() != dim {
                return Err(Error::Embedder {
                    model: embedder.model_id().to_owned(),
                    reason: format!("returned a vector of {} values, expected {dim}", v.len()),
                });
            }
            if let Some(dst) = vectors.get_mut(i * dim..(i + 1) * dim) {
                dst.copy_from_slice(&v);
            }
        }
    }
    let mut out = Vec::with_capacity(texts.len() * dim);
    for i in which {
        out.extend_from_slice(vectors.get(i * dim..(i + 1) * dim).unwrap_or(&[]));
    }
    Ok(out)
}

/// The cached vectors when the file starts with `key` and holds exactly `n` values. Read in blocks straight
/// into the `f32` vector (the file is ~170 MB for ESCO: holding its bytes and the floats at once would double
/// the peak).
fn read_cache(path: &std::path::Path, key: &str, n: usize) -> Option<Vec<f32>> {
    use std::io::Read;
    let file = std::fs::File::open(path).ok()?;
    if file.metadata().ok()?.len() != (key.len() + n * 4) as u64 {
        return None;
    }
    let mut r = std::io::BufReader::new(file);
    let mut head = vec![0u8; key.len()];
    r.read_exact(&mut head).ok()?;
    if head != key.as_bytes() {
        return None;
    }
    let mut out = Vec::with_capacity(n);
    let mut block = vec![0u8; 1 << 16];
    while out.len() < n {
        let want = ((n - out.len()) * 4).min(block.len());
        let buf = block.get_mut(..want)?;
        r.read_exact(buf).ok()?;
        out.extend(
            buf.chunks_exact(4)
                .filter_map(|c| <[u8; 4]>::try_from(c).ok().map(f32::from_le_bytes)),
        );
    }
    Some(out)
}

fn write_cache(path: &std::path::Path, key: &str, vectors: &[f32]) -> std::io::Result<()> {
    let mut out = Vec::with_capacity(key.len() + vectors.len() * 4);
    out.extend_from_slice(key.as_bytes());
    for v in vectors {
        out.extend_from_slice(&v.to_le_bytes());
    }
    // Write then rename, so a reader never sees half a cache.
    let tmp = path.with_extension("tmp");
    std::fs::write(&tmp, out)?;
    std::fs::rename(&tmp, path)
}

pub(crate) fn normalize(v: &mut [f32]) {
    let n = v.iter().map(|x| x * x).sum::<f32>().sqrt();
    if n > 0.0 {
        for x in v.iter_mut() {
            *x /= n;
        }
    }
}

/// The dot product of two equal-length slices, in eight independent lanes so the compiler vectorizes it.
#[inline]
pub(crate) fn dot(a: &[f32], b: &[f32]) -> f32 {
    let mut acc = [0.0f32; 8];
    let (ac, bc) = (a.chunks_exact(8), b.chunks_exact(8));
    let tail: f32 = ac
        .remainder()
        .iter()
        .zip(bc.remainder())
        .map(|(x, y)| x * y)
        .sum();
    for (x, y) in ac.zip(bc) {
        for ((s, p), q) in acc.iter_mut().zip(x).zip(y) {
            *s += p * q;
        }
    }
    acc.iter().sum::<f32>() + tail
}

/// An `f32` ordered by [`f32::total_cmp`], for the top-k heap.
#[derive(Debug, Clone, Copy, PartialEq)]
struct TotalF32(f32);

impl Eq for TotalF32 {}

impl PartialOrd for TotalF32 {
    fn partial_cmp(&self, other: &Self) -> Option<std::cmp::Ordering> {
        Some(self.cmp(other))
    }
}

impl Ord for TotalF32 {
    fn cmp(&self, other: &Self) -> std::cmp::Ordering {
        self.0.total_cmp(&other.0)
    }
}

/// The per-concept views kept to re-weight them (tuning); a built index otherwise keeps only their
/// weighted sum.
#[derive(Debug)]
struct Views {
    label: Vec<f32>,
    alt_mean: Vec<f32>,
    description: Vec<f32>,
}

/// Vectors of every searchable concept.
#[derive(Debug)]
pub(crate) struct SemanticIndex {
    embedder: Box<dyn Embedder>,
    dim: usize,
    ids: Vec<ConceptId>,
    /// Concept id → row (`u32::MAX` when the concept is not indexed).
    position: Vec<u32>,
    /// `label·w_l + alt_mean·w_a + description·w_d` per row, contiguous: one dot product per concept
    /// gives the weighted sum of the three cosines.
    combined: Vec<f32>,
    /// Every alternative label's own vector (flat) and each row's end, for the best-single-label cosine
    /// of the candidates. Empty unless asked for.
    alts: Vec<f32>,
    alt_ends: Vec<u32>,
    /// Each row's preferred-label vector, kept with `alts`.
    labels: Vec<f32>,
    views: Option<Views>,
}

impl SemanticIndex {
    /// Embed every searchable concept's label, alternative labels and description, or read them from
    /// `cache_dir`: one file per framework and version (`vectors-<framework>-<version>.bin`), keyed inside
    /// by model, dimension and a hash of the texts, so adding O*NET to ESCO reuses the ESCO vectors.
    /// `keep_alts` keeps each alternative label's vector (for [`SemanticIndex::best_label`]); `keep_views`
    /// keeps the three views so [`SemanticIndex::reweight`] can change their weights.
    pub(crate) fn build(
        store: &ConceptStore,
        embedder: Box<dyn Embedder>,
        cache_dir: Option<&std::path::Path>,
        weights: ViewWeights,
        keep_alts: bool,
        keep_views: bool,
    ) -> Result<Self, Error> {
        let dim = embedder.dim();
        // Rows grouped by framework and version, in store order within a group.
        let mut ids = Vec::new();
        let mut groups: Vec<(String, ConceptTexts<'_>)> = Vec::new();
        let mut group_of_row: Vec<(usize, usize)> = Vec::new();
        for (id, c) in store.iter() {
            if !c.kind.is_searchable() {
                continue;
            }
            let name = format!("{}-{}", c.framework.name(), c.version);
            let g = match groups.iter().position(|(n, _)| *n == name) {
                Some(g) => g,
                None => {
                    groups.push((
                        name,
                        ConceptTexts {
                            labels: Vec::new(),
                            alts: Vec::new(),
                            alt_ends: Vec::new(),
                            descriptions: Vec::new(),
                        },
                    ));
                    groups.len() - 1
                }
            };
            let Some((_, t)) = groups.get_mut(g) else {
                continue;
            };
            group_of_row.push((g, t.labels.len()));
            ids.push(id);
            t.labels.push(c.pref_label.as_str());
            for a in &c.alt_labels {
                if !a.trim().is_empty() && !a.eq_ignore_ascii_case(&c.pref_label) {
                    t.alts.push(a.as_str());
                }
            }
            t.alt_ends
                .push(u32::try_from(t.alts.len()).unwrap_or(u32::MAX));
            t.descriptions.push(
                c.description
                    .as_deref()
                    .map(str::trim)
                    .filter(|d| !d.is_empty()),
            );
        }
        // Each group's vectors: labels, then alternative labels, then descriptions.
        let mut group_vectors: Vec<Vec<f32>> = Vec::with_capacity(groups.len());
        let mut desc_rows: Vec<Vec<u32>> = Vec::with_capacity(groups.len());
        for (name, texts) in &groups {
            let descs: Vec<&str> = texts.descriptions.iter().flatten().copied().collect();
            let mut next = 0u32;
            desc_rows.push(
                texts
                    .descriptions
                    .iter()
                    .map(|d| {
                        let r = if d.is_some() { next } else { u32::MAX };
                        next += u32::from(d.is_some());
                        r
                    })
                    .collect(),
            );
            let total = texts.labels.len() + texts.alts.len() + descs.len();
            let key = cache_key(embedder.model_id(), dim, texts);
            let file: String = format!("vectors-{name}.bin")
                .chars()
                .map(|c| {
                    if c.is_ascii_alphanumeric() || c == '.' || c == '-' {
                        c
                    } else {
                        '_'
                    }
                })
                .collect();
            let path = cache_dir.map(|d| d.join(file));
            let v = match path
                .as_deref()
                .and_then(|p| read_cache(p, &key, total * dim))
            {
                Some(v) => v,
                None => {
                    let mut all: Vec<&str> = Vec::with_capacity(total);
                    all.extend(&texts.labels);
                    all.extend(&texts.alts);
                    all.extend(&descs);
                    let v = embed_all(embedder.as_ref(), &all)?;
                    if let Some(p) = &path {
                        write_cache(p, &key, &v).map_err(|e| Error::Embedder {
                            model: embedder.model_id().to_owned(),
                            reason: format!("cannot write the vector cache {}: {e}", p.display()),
                        })?;
                    }
                    v
                }
            };
            group_vectors.push(v);
        }
        let n = ids.len();
        let mut label = Vec::with_capacity(n * dim);
        // (group_vectors is dropped right after the rows are assembled, before the combined matrix exists.)
        let mut alt_mean = Vec::with_capacity(n * dim);
        let mut description = Vec::with_capacity(n * dim);
        let mut alts = Vec::new();
        let mut alt_ends = Vec::with_capacity(n);
        for &(g, r) in &group_of_row {
            let (Some((_, texts)), Some(v), Some(drows)) =
                (groups.get(g), group_vectors.get(g), desc_rows.get(g))
            else {
                continue;
            };
            let labels_n = texts.labels.len();
            let alts_n = texts.alts.len();
            let own = v.get(r * dim..(r + 1) * dim).unwrap_or(&[]);
            label.extend_from_slice(own);
            let start = if r == 0 {
                0
            } else {
                texts.alt_ends.get(r - 1).copied().unwrap_or(0) as usize
            };
            let end = texts.alt_ends.get(r).copied().unwrap_or(0) as usize;
            let own_alts = v
                .get((labels_n + start) * dim..(labels_n + end) * dim)
                .unwrap_or(&[]);
            if own_alts.is_empty() {
                alt_mean.extend_from_slice(own);
            } else {
                let mut m = vec![0.0f32; dim];
                for a in own_alts.chunks_exact(dim) {
                    for (s, x) in m.iter_mut().zip(a) {
                        *s += x;
                    }
                }
                normalize(&mut m);
                alt_mean.extend(m);
            }
            if keep_alts {
                alts.extend_from_slice(own_alts);
                alt_ends.push(u32::try_from(alts.len() / dim.max(1)).unwrap_or(u32::MAX));
            }
            let d = drows.get(r).copied().unwrap_or(u32::MAX);
            let at = (labels_n + alts_n + d as usize) * dim;
            match v.get(at..at + dim) {
                Some(dv) if d != u32::MAX => description.extend_from_slice(dv),
                _ => description.extend_from_slice(own),
            }
        }
        drop(group_vectors);
        let mut position = vec![u32::MAX; store.len()];
        for (row, id) in ids.iter().enumerate() {
            if let Some(p) = position.get_mut(id.0 as usize) {
                *p = u32::try_from(row).unwrap_or(u32::MAX);
            }
        }
        let mut index = SemanticIndex {
            embedder,
            dim,
            ids,
            position,
            combined: Vec::new(),
            alts,
            alt_ends,
            labels: if keep_alts { label.clone() } else { Vec::new() },
            views: Some(Views {
                label,
                alt_mean,
                description,
            }),
        };
        index.combine(weights);
        if !keep_views {
            index.views = None;
        }
        Ok(index)
    }

    fn combine(&mut self, w: ViewWeights) {
        if let Some(v) = &self.views {
            self.combined = v
                .label
                .iter()
                .zip(&v.alt_mean)
                .zip(&v.description)
                .map(|((l, a), d)| w.label * l + w.alt_mean * a + w.description * d)
                .collect();
        }
    }

    /// Change the view weights; `false` when the views were not kept.
    pub(crate) fn reweight(&mut self, w: ViewWeights) -> bool {
        let kept = self.views.is_some();
        self.combine(w);
        kept
    }

    /// Whether each alternative label's vector is kept.
    pub(crate) fn has_alts(&self) -> bool {
        !self.alt_ends.is_empty()
    }

    pub(crate) fn model_id(&self) -> &str {
        self.embedder.model_id()
    }

    /// The query's unit vector.
    pub(crate) fn embed_query(&self, text: &str) -> Result<Vec<f32>, Error> {
        Ok(self
            .embedder
            .embed(&[text])?
            .into_iter()
            .next()
            .unwrap_or_default())
    }

    /// The weighted view cosines of the query with every indexed concept, in index order.
    pub(crate) fn similarities(&self, q: &[f32]) -> Vec<f32> {
        if q.len() != self.dim {
            return vec![0.0; self.ids.len()];
        }
        self.combined
            .chunks_exact(self.dim)
            .map(|v| dot(v, q))
            .collect()
    }

    /// The `k` most similar concepts that `accept` lets through, best first. One pass with a bounded
    /// min-heap: `accept` is asked only of rows that would enter the current top `k`, not of every row.
    pub(crate) fn top(
        &self,
        sims: &[f32],
        k: usize,
        accept: impl Fn(ConceptId) -> bool,
    ) -> Vec<ConceptId> {
        use std::cmp::Reverse;
        use std::collections::BinaryHeap;
        if k == 0 {
            return Vec::new();
        }
        // (score, row), smallest on top; f32 ordered by its total order.
        let mut heap: BinaryHeap<Reverse<(TotalF32, u32)>> = BinaryHeap::with_capacity(k + 1);
        for (row, (&id, &s)) in self.ids.iter().zip(sims).enumerate() {
            if heap.len() == k && heap.peek().is_some_and(|Reverse((min, _))| s <= min.0) {
                continue;
            }
            if !accept(id) {
                continue;
            }
            heap.push(Reverse((
                TotalF32(s),
                u32::try_from(row).unwrap_or(u32::MAX),
            )));
            if heap.len() > k {
                heap.pop();
            }
        }
        let mut best: Vec<(TotalF32, u32)> = heap.into_iter().map(|Reverse(x)| x).collect();
        best.sort_by(|a, b| b.0.cmp(&a.0).then(a.1.cmp(&b.1)));
        best.into_iter()
            .filter_map(|(_, row)| self.ids.get(row as usize).copied())
            .collect()
    }

    fn row(&self, id: ConceptId) -> Option<usize> {
        self.position
            .get(id.0 as usize)
            .copied()
            .filter(|&r| r != u32::MAX)
            .map(|r| r as usize)
    }

    /// The similarity of one concept (0 when it is not indexed).
    pub(crate) fn similarity(&self, sims: &[f32], id: ConceptId) -> f32 {
        self.row(id)
            .and_then(|r| sims.get(r))
            .copied()
            .unwrap_or(0.0)
    }

    /// The best cosine of the query with one of the concept's labels (preferred or alternative); the
    /// preferred label's alone when alternative vectors were not kept.
    pub(crate) fn best_label(&self, q: &[f32], id: ConceptId) -> f32 {
        let Some(row) = self.row(id) else {
            return 0.0;
        };
        let dim = self.dim;
        let own = self
            .labels
            .get(row * dim..(row + 1) * dim)
            .map_or(0.0, |v| dot(v, q));
        let start = if row == 0 {
            0
        } else {
            self.alt_ends.get(row - 1).copied().unwrap_or(0) as usize
        };
        let end = self.alt_ends.get(row).copied().unwrap_or(0) as usize;
        self.alts
            .get(start * dim..end * dim)
            .unwrap_or(&[])
            .chunks_exact(dim)
            .map(|v| dot(v, q))
            .fold(own, f32::max)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn hashed_vectors_are_unit_and_spelling_tolerant() {
        let e = HashedNgramEmbedder::new(256);
        let v = e
            .embed(&["JavaScript", "Javascript programming", "forklift"])
            .unwrap();
        let dot = |a: &[f32], b: &[f32]| a.iter().zip(b).map(|(x, y)| x * y).sum::<f32>();
        assert!((dot(&v[0], &v[0]) - 1.0).abs() < 1e-4);
        assert!(dot(&v[0], &v[1]) > dot(&v[0], &v[2]) + 0.2);
    }
}
