//! The semantic layer's seam: an [`Embedder`] turns text into unit vectors; the [`SemanticIndex`] holds one
//! vector per searchable concept (its preferred label, which embeds better than label + description:
//! `research/skills-and-employers.md` §4.3) and ranks by cosine.
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

/// The cache key: model id, dimension, and a hash of every label in order, so a cache never serves vectors
/// of another model, framework version or label set.
fn cache_key(model: &str, dim: usize, texts: &[&str]) -> String {
    let mut h: u64 = 0xcbf2_9ce4_8422_2325;
    for t in texts {
        for b in t.bytes().chain(std::iter::once(0)) {
            h ^= u64::from(b);
            h = h.wrapping_mul(0x0100_0000_01b3);
        }
    }
    format!(
        "credbridge-skills vectors v1 model={model} dim={dim} n={} labels={h:016x}\n",
        texts.len()
    )
}

fn read_cache(path: &std::path::Path, key: &str, n: usize) -> Option<Vec<f32>> {
    let bytes = std::fs::read(path).ok()?;
    let body = bytes.strip_prefix(key.as_bytes())?;
    if body.len() != n * 4 {
        return None;
    }
    Some(
        body.chunks_exact(4)
            .filter_map(|c| <[u8; 4]>::try_from(c).ok().map(f32::from_le_bytes))
            .collect(),
    )
}

fn write_cache(path: &std::path::Path, key: &str, vectors: &[f32]) -> std::io::Result<()> {
    let mut out = Vec::with_capacity(key.len() + vectors.len() * 4);
    out.extend_from_slice(key.as_bytes());
    for v in vectors {
        out.extend_from_slice(&v.to_le_bytes());
    }
    std::fs::write(path, out)
}

pub(crate) fn normalize(v: &mut [f32]) {
    let n = v.iter().map(|x| x * x).sum::<f32>().sqrt();
    if n > 0.0 {
        for x in v.iter_mut() {
            *x /= n;
        }
    }
}

/// Vectors of every searchable concept.
#[derive(Debug)]
pub(crate) struct SemanticIndex {
    embedder: Box<dyn Embedder>,
    ids: Vec<ConceptId>,
    position: std::collections::HashMap<ConceptId, usize>,
    vectors: Vec<f32>,
}

impl SemanticIndex {
    pub(crate) fn build(
        store: &ConceptStore,
        embedder: Box<dyn Embedder>,
        cache: Option<&std::path::Path>,
    ) -> Result<Self, Error> {
        let mut ids = Vec::new();
        let mut texts = Vec::new();
        for (id, c) in store.iter() {
            if c.kind.is_searchable() {
                ids.push(id);
                texts.push(c.pref_label.as_str());
            }
        }
        let dim = embedder.dim();
        let key = cache_key(embedder.model_id(), dim, &texts);
        let cached = cache.and_then(|p| read_cache(p, &key, texts.len() * dim));
        let vectors = match cached {
            Some(v) => v,
            None => {
                let mut vectors = Vec::with_capacity(ids.len() * dim);
                for chunk in texts.chunks(256) {
                    for v in embedder.embed(chunk)? {
                        if v.len() != dim {
                            return Err(Error::Embedder {
                                model: embedder.model_id().to_owned(),
                                reason: format!(
                                    "returned a vector of {} values, expected {dim}",
                                    v.len()
                                ),
                            });
                        }
                        vectors.extend(v);
                    }
                }
                if let Some(p) = cache {
                    write_cache(p, &key, &vectors).map_err(|e| Error::Embedder {
                        model: embedder.model_id().to_owned(),
                        reason: format!("cannot write the vector cache {}: {e}", p.display()),
                    })?;
                }
                vectors
            }
        };
        let position = ids.iter().enumerate().map(|(i, &id)| (id, i)).collect();
        Ok(SemanticIndex {
            embedder,
            ids,
            position,
            vectors,
        })
    }

    pub(crate) fn model_id(&self) -> &str {
        self.embedder.model_id()
    }

    /// Cosine of the query with every indexed concept, in index order.
    pub(crate) fn similarities(&self, text: &str) -> Result<Vec<f32>, Error> {
        let q = self
            .embedder
            .embed(&[text])?
            .into_iter()
            .next()
            .unwrap_or_default();
        let dim = self.embedder.dim();
        Ok(self
            .vectors
            .chunks_exact(dim)
            .map(|v| v.iter().zip(&q).map(|(a, b)| a * b).sum())
            .collect())
    }

    /// The `k` most similar concepts that `accept` lets through.
    pub(crate) fn top(
        &self,
        sims: &[f32],
        k: usize,
        accept: impl Fn(ConceptId) -> bool,
    ) -> Vec<ConceptId> {
        let mut all: Vec<(ConceptId, f32)> = self
            .ids
            .iter()
            .copied()
            .zip(sims.iter().copied())
            .filter(|(id, _)| accept(*id))
            .collect();
        let k = k.min(all.len());
        if k == 0 {
            return Vec::new();
        }
        all.select_nth_unstable_by(k - 1, |a, b| b.1.total_cmp(&a.1));
        all.truncate(k);
        all.sort_by(|a, b| b.1.total_cmp(&a.1));
        all.into_iter().map(|(id, _)| id).collect()
    }

    /// The similarity of one concept (0 when it is not indexed).
    pub(crate) fn similarity(&self, sims: &[f32], id: ConceptId) -> f32 {
        self.position
            .get(&id)
            .and_then(|&i| sims.get(i))
            .copied()
            .unwrap_or(0.0)
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
