//! Runs the Decorte et al. skill-to-ESCO benchmark (`jensjorisdecorte/Skill-Extraction-benchmark`) against
//! the lexical (and, with `--embed`, semantic) layers and prints R@1, R@5, R@10 and MRR per set.
//!
//! `cargo run --release -p credbridge-skills --example decorte -- PATH/TO/benchmark/data [--split test|validation]
//! [--weights word=1,trigram=0.5,...] [--misses N]`
//!
//! The query is the span's `sub_span` when present, else its `span`; the gold is its ESCO label. Rows labelled
//! `LABEL NOT PRESENT` or `UNDERSPECIFIED` are skipped; gold labels (ESCO 1.1.0) that are no preferred label of
//! ESCO 1.1.1 are dropped and counted. Tune on `--split validation` only.

use std::collections::HashMap;
use std::time::Instant;

use anyhow::{Context, Result, bail};
use credbridge_skills::{Framework, Frameworks, LexicalWeights, SearchOptions};

fn main() -> Result<()> {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let mut dir = None;
    let mut split = "test".to_owned();
    let mut weights = LexicalWeights::default();
    let mut misses = 0usize;
    let mut hashed = false;
    let mut model: Option<String> = None;
    let mut fusion = credbridge_skills::Fusion::default();
    let mut it = args.iter();
    while let Some(a) = it.next() {
        match a.as_str() {
            "--split" => split = it.next().context("--split needs a value")?.clone(),
            "--misses" => misses = it.next().context("--misses needs a value")?.parse()?,
            "--hashed" => hashed = true,
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
                    match k {
                        "semantic" => fusion.semantic = v.parse()?,
                        "candidates" => fusion.semantic_candidates = v.parse()?,
                        _ => bail!("unknown fusion weight {k}"),
                    }
                }
            }
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
    let t = Instant::now();
    let mut builder = Frameworks::builder().esco()?;
    if hashed {
        builder = builder.embedder(Box::new(credbridge_skills::HashedNgramEmbedder::new(256)));
    }
    if let Some(dir) = &model {
        builder = with_model(builder, dir)?;
    }
    let mut fw = builder.build()?;
    fw.set_fusion(fusion);
    eprintln!("loaded ESCO in {:.0} ms", t.elapsed().as_secs_f64() * 1e3);
    fw.set_lexical_weights(weights);
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
    println!("set\tsplit\tn\tdropped_renamed\tR@1\tR@5\tR@10\tMRR@100\tmodel");
    for set in ["tech", "house"] {
        let path = format!("{dir}/{set}_{split}_annotations.csv");
        let mut rdr = csv::Reader::from_path(&path).with_context(|| path.clone())?;
        let (mut n, mut dropped, mut r1, mut r5, mut r10, mut mrr) =
            (0usize, 0usize, 0usize, 0usize, 0usize, 0f64);
        let mut shown = 0;
        let mut times: Vec<f64> = Vec::new();
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
            let t = Instant::now();
            let res = fw.search_with(query, &options)?;
            times.push(t.elapsed().as_secs_f64() * 1e3);
            n += 1;
            match res.iter().position(|m| m.iri == gold) {
                Some(rank) => {
                    r1 += usize::from(rank < 1);
                    r5 += usize::from(rank < 5);
                    r10 += usize::from(rank < 10);
                    mrr += 1.0 / (rank as f64 + 1.0);
                    if rank >= 5 && shown < misses {
                        shown += 1;
                        eprintln!(
                            "[{set}] {query:?} gold={label:?} rank={} top={:?}",
                            rank + 1,
                            res.iter().take(3).map(|m| &m.label).collect::<Vec<_>>()
                        );
                    }
                }
                None => {
                    if shown < misses {
                        shown += 1;
                        eprintln!(
                            "[{set}] {query:?} gold={label:?} rank=- top={:?}",
                            res.iter().take(3).map(|m| &m.label).collect::<Vec<_>>()
                        );
                    }
                }
            }
        }
        let f = |x: usize| x as f64 / n.max(1) as f64;
        println!(
            "{}\t{split}\t{n}\t{dropped}\t{:.3}\t{:.3}\t{:.3}\t{:.3}\t{}",
            set.to_uppercase(),
            f(r1),
            f(r5),
            f(r10),
            mrr / n.max(1) as f64,
            fw.model_id().unwrap_or("lexical")
        );
        times.sort_by(f64::total_cmp);
        let p50 = times.get(times.len() / 2).copied().unwrap_or(0.0);
        eprintln!(
            "{} search p50 {p50:.2} ms over {} queries (top 100, ESCO only)",
            set.to_uppercase(),
            times.len()
        );
    }
    Ok(())
}

#[cfg(feature = "embed")]
fn with_model(
    builder: credbridge_skills::FrameworksBuilder,
    dir: &str,
) -> Result<credbridge_skills::FrameworksBuilder> {
    let dir = std::path::Path::new(dir);
    let embedder = credbridge_skills::MiniLmEmbedder::load(dir)?;
    Ok(builder
        .embedder(Box::new(embedder))
        .embedding_cache(dir.join("esco-1.1.1-vectors.bin")))
}

#[cfg(not(feature = "embed"))]
fn with_model(
    _builder: credbridge_skills::FrameworksBuilder,
    _dir: &str,
) -> Result<credbridge_skills::FrameworksBuilder> {
    bail!("--model needs a build with `--features embed`")
}
