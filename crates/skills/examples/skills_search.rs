//! `skills search TEXT [--top N] [--json]`, or `-` in place of TEXT to read one query per line from standard
//! input and print one JSON line (the ranked list) per query, with the frameworks loaded once. The integrator
//! moves this into `credbridge skills search`.
//!
//! `--model DIR` (a build with `--features embed`) adds the MiniLM semantic layer; the concept vectors are
//! cached in `DIR/bundled-vectors.bin` on first use.
//!
//! `--bench` instead times the load and every query of standard input and prints p50/p90/max (see
//! `bench/README.md`).

use std::io::{BufRead, Write};
use std::time::Instant;

use anyhow::{Context, Result, bail};
use credbridge_skills::{ATTRIBUTIONS, Frameworks, Match};

fn main() -> Result<()> {
    let mut text = None;
    let mut top = 10usize;
    let mut json = false;
    let mut bench = false;
    let mut model: Option<String> = None;
    let args: Vec<String> = std::env::args().skip(1).collect();
    let mut it = args.iter();
    while let Some(a) = it.next() {
        match a.as_str() {
            "--top" => {
                top = it
                    .next()
                    .context("--top needs a number")?
                    .parse()
                    .context("--top needs a number")?
            }
            "--json" => json = true,
            "--bench" => bench = true,
            "--model" => {
                model = Some(
                    it.next()
                        .context("--model needs the directory setup-embed.sh filled")?
                        .clone(),
                )
            }
            t if text.is_none() => text = Some(t.to_owned()),
            other => bail!("unexpected argument {other:?}"),
        }
    }
    let text = match text {
        Some(t) => t,
        None if bench => "-".to_owned(),
        None => bail!("usage: skills_search TEXT|- [--top N] [--json] [--bench]"),
    };
    let t0 = Instant::now();
    let frameworks = match &model {
        None => Frameworks::load_bundled()?,
        Some(dir) => with_model(dir)?,
    };
    let load = t0.elapsed();
    let stdout = std::io::stdout();
    let mut out = stdout.lock();
    if bench {
        // Phases, measured again in this run: decompression alone is the baseline the load is compared with.
        let t = Instant::now();
        let b = Frameworks::builder().esco()?;
        let esco = t.elapsed();
        let t = Instant::now();
        let b = b.onet()?;
        let onet = t.elapsed();
        let t = Instant::now();
        std::hint::black_box(b.build()?);
        let index = t.elapsed();
        let t = Instant::now();
        let gz = credbridge_skills::bundled_decompress_bytes()?;
        let baseline = t.elapsed();
        writeln!(
            out,
            "phases: esco_ms={:.1} onet_ms={:.1} index_ms={:.1}; baseline gunzip_ms={:.1} ({} bytes); load/baseline={:.1}",
            esco.as_secs_f64() * 1e3,
            onet.as_secs_f64() * 1e3,
            index.as_secs_f64() * 1e3,
            baseline.as_secs_f64() * 1e3,
            gz,
            load.as_secs_f64() / baseline.as_secs_f64().max(1e-9)
        )?;
        let mut times = Vec::new();
        for line in std::io::stdin().lock().lines() {
            let line = line?;
            let t = Instant::now();
            let r = frameworks.search(&line, top)?;
            times.push(t.elapsed().as_secs_f64() * 1e3);
            std::hint::black_box(r);
        }
        times.sort_by(f64::total_cmp);
        let at = |q: f64| {
            times
                .get(((times.len() as f64 - 1.0) * q).round() as usize)
                .copied()
                .unwrap_or(0.0)
        };
        writeln!(
            out,
            "load_ms={:.1} concepts={} labels={} queries={} p50_ms={:.3} p90_ms={:.3} max_ms={:.3}",
            load.as_secs_f64() * 1e3,
            frameworks.store().len(),
            frameworks.indexed_labels(),
            times.len(),
            at(0.5),
            at(0.9),
            at(1.0)
        )?;
        return Ok(());
    }
    if text == "-" {
        for line in std::io::stdin().lock().lines() {
            let line = line?;
            let matches = frameworks.search(&line, top)?;
            writeln!(out, "{}", serde_json::to_string(&matches)?)?;
        }
        return Ok(());
    }
    let matches = frameworks.search(&text, top)?;
    if json {
        writeln!(out, "{}", serde_json::to_string_pretty(&matches)?)?;
    } else {
        print_human(&mut out, &matches)?;
        for a in ATTRIBUTIONS {
            writeln!(out, "\n{a}")?;
        }
    }
    Ok(())
}

fn print_human(out: &mut impl Write, matches: &[Match]) -> Result<()> {
    for (i, m) in matches.iter().enumerate() {
        let via = m
            .matched_label
            .as_deref()
            .map(|l| format!(" (via {l:?})"))
            .unwrap_or_default();
        writeln!(
            out,
            "{:>2}. {:.3}  {} {}  {}{}  [{:?}, inferred]\n      {}",
            i + 1,
            m.score,
            m.framework,
            m.version,
            m.label,
            via,
            m.method,
            m.iri
        )?;
    }
    Ok(())
}

#[cfg(feature = "embed")]
fn with_model(dir: &str) -> Result<Frameworks> {
    let dir = std::path::Path::new(dir);
    let embedder = credbridge_skills::MiniLmEmbedder::load(dir)?;
    Ok(Frameworks::builder()
        .esco()?
        .onet()?
        .embedder(Box::new(embedder))
        .embedding_cache(dir.join("bundled-vectors.bin"))
        .build()?)
}

#[cfg(not(feature = "embed"))]
fn with_model(_dir: &str) -> Result<Frameworks> {
    bail!("--model needs a build with `--features embed`")
}
