//! Runs the Decorte et al. skill-to-ESCO benchmark (`jensjorisdecorte/Skill-Extraction-benchmark`) against
//! the lexical (and, with `--embed`, semantic) layers and prints R@1, R@5, R@10 and MRR per set.
//!
//! `cargo run --release -p credbridge-skills --example decorte -- PATH/TO/benchmark/data [--split test|validation]
//! [--weights word=1,trigram=0.5,...] [--fusion semantic=1.5,...] [--misses N]`
//!
//! `--grid key=v1|v2,key=...` (validation only) evaluates every combination of fusion weights in one run,
//! embedding each query once.
//!
//! The query is the span's `sub_span` when present, else its `span`; the gold is its ESCO label. Rows labelled
//! `LABEL NOT PRESENT` or `UNDERSPECIFIED` are skipped; gold labels (ESCO 1.1.0) that are no preferred label of
//! ESCO 1.1.1 are dropped and counted. Tune on `--split validation` only.

use std::collections::HashMap;
use std::time::Instant;

use anyhow::{Context, Result, bail};
use credbridge_skills::{Framework, Frameworks, Fusion, LexicalWeights, SearchOptions};

/// One benchmark row that has a gold concept.
struct Row {
    query: String,
    label: String,
    gold: String,
}

/// Recall and MRR of one set.
#[derive(Default)]
struct Score {
    n: usize,
    r1: usize,
    r5: usize,
    r10: usize,
    mrr: f64,
    times: Vec<f64>,
}

impl Score {
    fn f(&self, x: usize) -> f64 {
        x as f64 / self.n.max(1) as f64
    }
    fn mrr(&self) -> f64 {
        self.mrr / self.n.max(1) as f64
    }
    fn p50(&mut self) -> f64 {
        self.times.sort_by(f64::total_cmp);
        self.times.get(self.times.len() / 2).copied().unwrap_or(0.0)
    }
}

fn evaluate(
    fw: &Frameworks,
    set: &str,
    rows: &[Row],
    options: &SearchOptions,
    misses: usize,
) -> Result<Score> {
    let mut s = Score::default();
    let mut shown = 0;
    for row in rows {
        let t = Instant::now();
        let res = fw.search_with(&row.query, options)?;
        s.times.push(t.elapsed().as_secs_f64() * 1e3);
        s.n += 1;
        let rank = res.iter().position(|m| m.iri == row.gold);
        if let Some(rank) = rank {
            s.r1 += usize::from(rank < 1);
            s.r5 += usize::from(rank < 5);
            s.r10 += usize::from(rank < 10);
            s.mrr += 1.0 / (rank as f64 + 1.0);
        }
        if rank.is_none_or(|r| r >= 5) && shown < misses {
            shown += 1;
            eprintln!(
                "[{set}] {:?} gold={:?} rank={} top={:?}",
                row.query,
                row.label,
                rank.map_or("-".to_owned(), |r| (r + 1).to_string()),
                res.iter().take(3).map(|m| &m.label).collect::<Vec<_>>()
            );
        }
    }
    Ok(s)
}

fn set_fusion(fusion: &mut Fusion, k: &str, v: &str) -> Result<()> {
    match k {
        "semantic" => fusion.semantic = v.parse()?,
        "alt_mean" => fusion.alt_mean = v.parse()?,
        "description" => fusion.description = v.parse()?,
        "best_label" => fusion.best_label = v.parse()?,
        "candidates" => fusion.semantic_candidates = v.parse()?,
        "lexical" => fusion.lexical = v.parse()?,
        _ => bail!("unknown fusion weight {k}"),
    }
    Ok(())
}

/// Every combination of `key=v1|v2|…,key=…`.
fn grid(spec: &str, base: Fusion) -> Result<Vec<(String, Fusion)>> {
    let mut out = vec![(String::new(), base)];
    for kv in spec.split(',') {
        let (k, vs) = kv.split_once('=').context("grid is key=v1|v2,...")?;
        let mut next = Vec::new();
        for (name, f) in &out {
            for v in vs.split('|') {
                let mut f = *f;
                set_fusion(&mut f, k, v)?;
                let sep = if name.is_empty() { "" } else { "," };
                next.push((format!("{name}{sep}{k}={v}"), f));
            }
        }
        out = next;
    }
    Ok(out)
}

fn main() -> Result<()> {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let mut dir = None;
    let mut split = "test".to_owned();
    let mut weights = LexicalWeights::default();
    let mut misses = 0usize;
    let mut hashed = false;
    let mut strip_frames = false;
    let mut model: Option<String> = None;
    let mut fusion = Fusion::default();
    let mut grid_spec: Option<String> = None;
    let mut it = args.iter();
    while let Some(a) = it.next() {
        match a.as_str() {
            "--split" => split = it.next().context("--split needs a value")?.clone(),
            "--misses" => misses = it.next().context("--misses needs a value")?.parse()?,
            "--hashed" => hashed = true,
            "--strip-frames" => strip_frames = true,
            "--model" => {
                model = Some(
                    it.next()
                        .context("--model needs the directory setup-embed.sh filled")?
                        .clone(),
                )
            }
            "--fusion" => {
                for kv in it.next().context("--fusion needs a value")?.split(',') {
                    let (k, v) = kv.split_once('=').context("fusion is key=value")?;
                    set_fusion(&mut fusion, k, v)?;
                }
            }
            "--grid" => grid_spec = Some(it.next().context("--grid needs a value")?.clone()),
            "--weights" => {
                for kv in it.next().context("--weights needs a value")?.split(',') {
                    let (k, v) = kv.split_once('=').context("weights are key=value")?;
                    let v: f32 = v.parse()?;
                    match k {
                        "word" => weights.word = v,
                        "trigram" => weights.trigram = v,
                        "query_coverage" => weights.query_coverage = v,
                        "description" => weights.description = v,
                        "prior" => weights.prior = v,
                        "exact" => weights.exact = v,
                        "alt" => weights.alt_factor = v,
                        "hidden" => weights.hidden_factor = v,
                        "acronym" => weights.acronym_factor = v,
                        _ => bail!("unknown weight {k}"),
                    }
                }
            }
            p => dir = Some(p.to_owned()),
        }
    }
    let dir = dir.context("usage: decorte PATH/TO/benchmark/data [--split test|validation]")?;
    if grid_spec.is_some() && split != "validation" {
        bail!("--grid tunes: use it with --split validation only");
    }
    let t = Instant::now();
    let mut builder = Frameworks::builder().esco()?.fusion(fusion);
    if hashed {
        builder = builder.embedder(Box::new(credbridge_skills::HashedNgramEmbedder::new(256)));
    }
    if let Some(dir) = &model {
        builder = with_model(builder, dir)?;
    }
    if grid_spec.is_some() {
        builder = builder.tunable_fusion();
    }
    let mut fw = builder.build()?;
    eprintln!("loaded ESCO in {:.0} ms", t.elapsed().as_secs_f64() * 1e3);
    fw.set_lexical_weights(weights);
    fw.set_strip_frames(strip_frames);
    let by_label: HashMap<&str, &str> = fw
        .store()
        .iter()
        .filter(|(_, c)| c.framework == Framework::Esco && c.kind.is_searchable())
        .map(|(_, c)| (c.pref_label.as_str(), c.iri.as_str()))
        .collect();
    let options = SearchOptions {
        top_n: 100,
        frameworks: vec![Framework::Esco],
        kinds: Vec::new(),
    };
    let mut sets = Vec::new();
    for set in ["tech", "house"] {
        let path = format!("{dir}/{set}_{split}_annotations.csv");
        let mut rdr = csv::Reader::from_path(&path).with_context(|| path.clone())?;
        let mut rows = Vec::new();
        let mut dropped = 0usize;
        for row in rdr.records() {
            let row = row?;
            let (span, sub, label) = (
                row.get(1).unwrap_or(""),
                row.get(2).unwrap_or(""),
                row.get(3).unwrap_or(""),
            );
            if label == "LABEL NOT PRESENT" || label == "UNDERSPECIFIED" || label.is_empty() {
                continue;
            }
            let Some(&gold) = by_label.get(label) else {
                dropped += 1;
                continue;
            };
            let query = if sub.is_empty() { span } else { sub };
            rows.push(Row {
                query: query.to_owned(),
                label: label.to_owned(),
                gold: gold.to_owned(),
            });
        }
        sets.push((set.to_uppercase(), rows, dropped));
    }
    if let Some(spec) = grid_spec {
        // One line per combination: both sets' R@5 and MRR, and the objective the defaults were chosen by
        // (mean R@5 + half the mean MRR).
        println!("TECH_R@5\tTECH_MRR\tHOUSE_R@5\tHOUSE_MRR\tobjective\tfusion");
        for (name, f) in grid(&spec, fusion)? {
            fw.set_fusion(f)?;
            let mut line = String::new();
            let mut objective = 0.0;
            for (set, rows, _) in &sets {
                let s = evaluate(&fw, set, rows, &options, 0)?;
                line.push_str(&format!("{:.3}\t{:.3}\t", s.f(s.r5), s.mrr()));
                objective += (s.f(s.r5) + 0.5 * s.mrr()) / 2.0;
            }
            println!("{line}{objective:.4}\t{name}");
        }
        return Ok(());
    }
    println!("set\tsplit\tn\tdropped_renamed\tR@1\tR@5\tR@10\tMRR@100\tmodel");
    for (set, rows, dropped) in &sets {
        let mut s = evaluate(&fw, set, rows, &options, misses)?;
        println!(
            "{set}\t{split}\t{}\t{dropped}\t{:.3}\t{:.3}\t{:.3}\t{:.3}\t{}",
            s.n,
            s.f(s.r1),
            s.f(s.r5),
            s.f(s.r10),
            s.mrr(),
            fw.model_id().unwrap_or("lexical")
        );
        eprintln!(
            "{set} search p50 {:.2} ms over {} queries (top 100, ESCO only)",
            s.p50(),
            s.times.len()
        );
    }
    Ok(())
}

/// Remembers the vector of every single text embedded, so a grid over fusion weights embeds each query
/// once.
#[cfg(feature = "embed")]
#[derive(Debug)]
struct Memo {
    inner: Box<dyn credbridge_skills::Embedder>,
    seen: std::sync::Mutex<HashMap<String, Vec<f32>>>,
}

#[cfg(feature = "embed")]
impl credbridge_skills::Embedder for Memo {
    fn model_id(&self) -> &str {
        self.inner.model_id()
    }
    fn dim(&self) -> usize {
        self.inner.dim()
    }
    fn embed(&self, texts: &[&str]) -> Result<Vec<Vec<f32>>, credbridge_skills::Error> {
        let [one] = texts else {
            return self.inner.embed(texts);
        };
        if let Some(v) = self.seen.lock().ok().and_then(|m| m.get(*one).cloned()) {
            return Ok(vec![v]);
        }
        let out = self.inner.embed(texts)?;
        if let (Ok(mut m), Some(v)) = (self.seen.lock(), out.first()) {
            m.insert((*one).to_owned(), v.clone());
        }
        Ok(out)
    }
}

#[cfg(feature = "embed")]
fn with_model(
    builder: credbridge_skills::FrameworksBuilder,
    dir: &str,
) -> Result<credbridge_skills::FrameworksBuilder> {
    let dir = std::path::Path::new(dir);
    let embedder = Memo {
        inner: Box::new(credbridge_skills::MiniLmEmbedder::load(dir)?),
        seen: std::sync::Mutex::new(HashMap::new()),
    };
    Ok(builder
        .embedder(Box::new(embedder))
        .embedding_cache(dir.to_path_buf()))
}

#[cfg(not(feature = "embed"))]
fn with_model(
    _builder: credbridge_skills::FrameworksBuilder,
    _dir: &str,
) -> Result<credbridge_skills::FrameworksBuilder> {
    bail!("--model needs a build with `--features embed`")
}
