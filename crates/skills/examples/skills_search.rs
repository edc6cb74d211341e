//! `skills search TEXT [--top N] [--json]`, or `-` in place of TEXT to read one query per line from standard
//! input and print one JSON line (the ranked list) per query, with the frameworks loaded once. The integrator
//! moves this into `credbridge skills search`.
//!
//! `--model DIR` (a build with `--features embed`) adds the MiniLM semantic layer; the concept vectors are
//! cached in `DIR` on first use (one file per framework version: `vectors-ESCO-1.1.1.bin`,
//! `vectors-O_NET-29.2.bin`).
//!
//! `--bench` instead times the load and every query of standard input and prints p50/p90/max (see
//! `bench/README.md`); `--model DIR --embed-only` times only the query embedding of every line of standard
//! input (no frameworks loaded: for profiling the forward pass).

use std::io::{BufRead, Write};
use std::time::Instant;

use anyhow::{Context, Result, bail};
use credbridge_skills::{ATTRIBUTIONS, Frameworks, Match};

fn main() -> Result<()> {
    let mut text = None;
    let mut top = 10usize;
    let mut json = false;
    let mut bench = false;
    let mut embed_only_flag = false;
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
            "--embed-only" => embed_only_flag = true,
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
    if embed_only_flag {
        // The query embedding alone, without loading any framework or concept vectors (profiling).
        let dir = model.context("--embed-only needs --model DIR")?;
        let queries: Vec<String> = std::io::stdin().lock().lines().collect::<Result<_, _>>()?;
        return embed_only(&mut std::io::stdout().lock(), &dir, &queries);
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
        let plain = b.build()?;
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
        let queries: Vec<String> = std::io::stdin().lock().lines().collect::<Result<_, _>>()?;
        // With a model, the lexical-only frameworks answer the same queries in the same run: the baseline the
        // semantic layer's cost is read against. Process CPU time is read around each pass (a shared machine
        // stretches wall time, not CPU time).
        let mut passes = vec![("search", &frameworks)];
        if model.is_some() {
            passes.push(("search_lexical_only", &plain));
        }
        for (name, fw) in passes {
            let cpu0 = process_cpu_ms();
            let mut times = Vec::new();
            for q in &queries {
                let t = Instant::now();
                let r = fw.search(q, top)?;
                times.push(t.elapsed().as_secs_f64() * 1e3);
                std::hint::black_box(r);
            }
            let cpu = process_cpu_ms().zip(cpu0).map(|(a, b)| a - b);
            times.sort_by(f64::total_cmp);
            let at = |q: f64| {
                times
                    .get(((times.len() as f64 - 1.0) * q).round() as usize)
                    .copied()
                    .unwrap_or(0.0)
            };
            writeln!(
                out,
                "{name}: load_ms={:.1} concepts={} labels={} queries={} p50_ms={:.3} p90_ms={:.3} p95_ms={:.3} max_ms={:.3} cpu_ms_per_query={} model={}",
                load.as_secs_f64() * 1e3,
                fw.store().len(),
                fw.indexed_labels(),
                times.len(),
                at(0.5),
                at(0.9),
                at(0.95),
                at(1.0),
                cpu.map_or("n/a".to_owned(), |c| format!(
                    "{:.2}",
                    c / times.len().max(1) as f64
                )),
                fw.model_id().unwrap_or("lexical")
            )?;
        }
        if let Some(dir) = &model {
            embed_only(&mut out, dir, &queries)?;
        }
        if let Ok(l) = std::fs::read_to_string("/proc/loadavg") {
            writeln!(out, "loadavg: {}", l.trim())?;
        }
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

/// User + system CPU time of this process so far, in ms (Linux `/proc/self/stat`, 100 ticks a second).
fn process_cpu_ms() -> Option<f64> {
    let stat = std::fs::read_to_string("/proc/self/stat").ok()?;
    let rest = stat.rsplit_once(')')?.1;
    let fields: Vec<&str> = rest.split_whitespace().collect();
    let utime: f64 = fields.get(11)?.parse().ok()?;
    let stime: f64 = fields.get(12)?.parse().ok()?;
    Some((utime + stime) * 10.0)
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
        .embedding_cache(dir.to_path_buf())
        .build()?)
}

/// The query embedding alone (one MiniLM forward pass per query), to split a semantic search's time.
#[cfg(feature = "embed")]
fn embed_only(out: &mut impl Write, dir: &str, queries: &[String]) -> Result<()> {
    use credbridge_skills::Embedder;
    let e = credbridge_skills::MiniLmEmbedder::load(std::path::Path::new(dir))?;
    let cpu0 = process_cpu_ms();
    let mut times = Vec::new();
    for q in queries {
        let t = Instant::now();
        std::hint::black_box(e.embed(&[q.as_str()])?);
        times.push(t.elapsed().as_secs_f64() * 1e3);
    }
    let cpu = process_cpu_ms().zip(cpu0).map(|(a, b)| a - b);
    times.sort_by(f64::total_cmp);
    writeln!(
        out,
        "embed_query_only: p50_ms={:.3} cpu_ms_per_query={}",
        times.get(times.len() / 2).copied().unwrap_or(0.0),
        cpu.map_or("n/a".to_owned(), |c| format!(
            "{:.2}",
            c / times.len().max(1) as f64
        )),
    )?;
    Ok(())
}

#[cfg(not(feature = "embed"))]
fn embed_only(_out: &mut impl Write, _dir: &str, _queries: &[String]) -> Result<()> {
    Ok(())
}

#[cfg(not(feature = "embed"))]
fn with_model(_dir: &str) -> Result<Frameworks> {
    bail!("--model needs a build with `--features embed`")
}
