//! The employer's side on the command line: `skills search`, `normalize`, `profile`, `job`,
//! `match` and `export`. Credentials are decoded (`formats`), verified (`verify`, with the same
//! settings as `credbridge verify`), normalized and grouped into people (`profile`), matched
//! (`matching`) and exported (`export`); this module only wires and prints.

use std::io::{BufRead, Write};
use std::path::{Path, PathBuf};

use anyhow::{Context, Result, bail};
use clap::{Args, Subcommand, ValueEnum};
use credbridge_config::Settings;
use credbridge_formats::Limits;
use credbridge_matching::{Job, JobIndex, JobSource, job as jobs, ranked_reports};
use credbridge_profile::{
    Candidate, Collected, KnownIdentifier, SkillsProfile, verify_and_collect,
};
use credbridge_skills::Frameworks;

use crate::cmd::input::{read_json, read_limited};
use crate::exit::Status;
use crate::output::clean;

/// Credentials to read: what `verify` reads, verified the same way.
#[derive(Debug, Args)]
pub struct CredentialArgs {
    /// Files, folders, zip archives or JSON Lines files.
    #[arg(required = true)]
    pub paths: Vec<PathBuf>,
    /// Never touch the network (status lists and did:web keys: could not check).
    #[arg(long)]
    pub offline: bool,
    /// A TOML settings file, as for `verify`.
    #[arg(long, value_name = "FILE")]
    pub config: Option<PathBuf>,
    /// An identifier the candidate gave (`email:jo@example.com`, `phone:+1…`, a DID); salted
    /// hashes in the credentials are checked against it. Repeatable.
    #[arg(long, value_name = "KIND:VALUE")]
    pub identifier: Vec<String>,
}

#[derive(Debug, Subcommand)]
pub enum SkillsCommand {
    /// Rank framework concepts (ESCO, O*NET) for a text; `-` reads one query per line and prints
    /// one JSON line per query.
    Search {
        /// The text, or `-`.
        text: String,
        /// How many concepts.
        #[arg(long, default_value_t = 10)]
        top: usize,
    },
}

#[derive(Debug, Subcommand)]
pub enum JobCommand {
    /// Build a job's requirements and write them as JSON.
    Import {
        /// An ESCO occupation IRI (essential skills required, optional preferred).
        #[arg(long, group = "from")]
        esco_occupation: Option<String>,
        /// An O*NET-SOC code, e.g. 15-1211.00 (importance and level).
        #[arg(long, group = "from")]
        onet: Option<String>,
        /// A JSON Resume job document.
        #[arg(long, group = "from")]
        json_resume: Option<PathBuf>,
        /// A text file, one requirement per line ("nice to have" lines are preferred).
        #[arg(long, group = "from")]
        text: Option<PathBuf>,
        /// Where to write the job.
        #[arg(short, long)]
        output: PathBuf,
    },
    /// Show a job file's requirements and how each was mapped.
    Show {
        /// The job file.
        job: PathBuf,
    },
}

#[derive(Debug, Args)]
pub struct MatchArgs {
    /// The job file (`credbridge job import`).
    #[arg(long)]
    pub job: PathBuf,
    #[command(flatten)]
    pub credentials: CredentialArgs,
}

#[derive(Debug, Clone, Copy, ValueEnum)]
pub enum ExportFormat {
    /// HR Open LER-RS 4.4 JSON.
    LerRs,
    /// JSON Resume.
    JsonResume,
    /// The one-page report as HTML.
    Html,
    /// The one-page report as PDF.
    Pdf,
    /// A zip with the PDF, LER-RS, JSON Resume, the original credentials and a manifest.
    AtsBundle,
}

#[derive(Debug, Args)]
pub struct ExportArgs {
    /// What to write.
    #[arg(long, value_enum)]
    pub format: ExportFormat,
    /// Where to write it.
    #[arg(short, long)]
    pub output: PathBuf,
    /// A job to show the match against in the report.
    #[arg(long)]
    pub job: Option<PathBuf>,
    /// The verifier page the report links to (and its QR code).
    #[arg(long, value_name = "URL")]
    pub verifier_url: Option<String>,
    #[command(flatten)]
    pub credentials: CredentialArgs,
}

fn frameworks() -> Result<Frameworks> {
    Frameworks::load_bundled().context("loading the bundled skill frameworks")
}

/// What was read: the records (verified), the originals for exports, and the candidate the
/// `--identifier`s describe.
struct Loaded {
    collected: Collected,
    candidates: Vec<Candidate>,
}

/// Reads, verifies (in parallel, as `verify` does) and normalizes every credential under the
/// paths: one call into `credbridge_profile::verify_and_collect` per path.
fn load(args: &CredentialArgs) -> Result<Loaded> {
    let mut settings = Settings::from_env_and_file(args.config.as_deref())?;
    settings.offline |= args.offline;
    let built = settings.build()?;
    let limits = Limits::default();
    let pool = rayon::ThreadPoolBuilder::new()
        .build()
        .context("starting the verification workers")?;
    // Standard input is read once and held: the library reads its input twice.
    let mut stdin = None;
    if args.paths.iter().any(|p| p == Path::new("-")) {
        stdin = Some(read_limited(Path::new("-"), limits.max_file_bytes)?);
    }
    let open = || {
        args.paths.iter().flat_map(|path| match &stdin {
            Some(bytes) if path == Path::new("-") => credbridge_formats::read_stream(
                Box::new(std::io::Cursor::new(bytes.clone())),
                "<stdin>",
                &limits,
            ),
            _ => credbridge_formats::read_path(path, &limits),
        })
    };
    let collected = verify_and_collect(open, &built.options, &pool)?;
    for skipped in &collected.unreadable {
        eprintln!("credbridge: skipped: {}", clean(&skipped.message));
    }
    let identifiers = args
        .identifier
        .iter()
        .map(|i| KnownIdentifier::parse(i))
        .collect::<Result<Vec<_>, _>>()?;
    let candidates = if identifiers.is_empty() {
        Vec::new()
    } else {
        vec![Candidate {
            label: "candidate".into(),
            identifiers,
        }]
    };
    Ok(Loaded {
        collected,
        candidates,
    })
}

fn profiles(loaded: &Loaded, fw: &Frameworks) -> Vec<SkillsProfile> {
    loaded.collected.profiles(&loaded.candidates, fw)
}

pub fn skills(command: &SkillsCommand, as_json: bool) -> Result<Status> {
    let SkillsCommand::Search { text, top } = command;
    let fw = frameworks()?;
    let mut out = std::io::stdout().lock();
    if text == "-" {
        for line in std::io::stdin().lock().lines() {
            let line = line.context("reading standard input")?;
            writeln!(out, "{}", serde_json::to_string(&fw.search(&line, *top)?)?)?;
        }
        return Ok(Status::Ok);
    }
    let hits = fw.search(text, *top)?;
    if as_json {
        writeln!(out, "{}", serde_json::to_string(&hits)?)?;
    } else {
        for m in hits {
            writeln!(
                out,
                "{:>7.3}  {:<9} {:<10} {}  {}",
                m.score,
                m.framework.name(),
                format!("{:?}", m.method).to_lowercase(),
                clean(&m.label),
                m.iri
            )?;
        }
        writeln!(out, "\n{}", credbridge_skills::ATTRIBUTIONS.join("\n"))?;
    }
    Ok(Status::Ok)
}

pub fn normalize_cmd(args: &CredentialArgs) -> Result<Status> {
    let loaded = load(args)?;
    let mut out = std::io::stdout().lock();
    for record in &loaded.collected.records {
        writeln!(out, "{}", serde_json::to_string(record)?)?;
    }
    Ok(if loaded.collected.records.is_empty() {
        Status::InputError
    } else {
        Status::Ok
    })
}

pub fn profile(args: &CredentialArgs, as_json: bool) -> Result<Status> {
    let loaded = load(args)?;
    if loaded.collected.records.is_empty() {
        bail!("no credential awarding an achievement was found");
    }
    let fw = frameworks()?;
    for profile in profiles(&loaded, &fw) {
        if as_json {
            outln!("{}", serde_json::to_string(&profile)?)?;
        } else {
            for line in profile.to_string().lines() {
                outln!("{}", clean(line))?;
            }
        }
    }
    Ok(Status::Ok)
}

pub fn job(command: &JobCommand, as_json: bool) -> Result<Status> {
    match command {
        JobCommand::Import {
            esco_occupation,
            onet,
            json_resume,
            text,
            output,
        } => {
            let source = match (esco_occupation, onet, json_resume, text) {
                (Some(iri), _, _, _) => JobSource::EscoOccupation(iri.clone()),
                (_, Some(code), _, _) => JobSource::Onet(code.clone()),
                (_, _, Some(file), _) => JobSource::JsonResume(read_json(file, 1 << 20)?),
                (_, _, _, Some(file)) => {
                    let bytes = read_limited(file, jobs::MAX_JOB_TEXT_BYTES as u64)?;
                    JobSource::Text {
                        title: file
                            .file_stem()
                            .map_or_else(|| "job".into(), |s| s.to_string_lossy().into_owned()),
                        text: String::from_utf8_lossy(&bytes).into_owned(),
                    }
                }
                _ => bail!("give one of --esco-occupation, --onet, --json-resume or --text"),
            };
            let fw = frameworks()?;
            let job = jobs::import(&fw, &source)?;
            std::fs::write(output, serde_json::to_vec_pretty(&job)?)
                .with_context(|| format!("writing {}", output.display()))?;
            show(&job, as_json)?;
        }
        JobCommand::Show { job } => show(&Job::from_json(&read_limited(job, 16 << 20)?)?, as_json)?,
    }
    Ok(Status::Ok)
}

fn show(job: &Job, as_json: bool) -> Result<()> {
    if as_json {
        outln!("{}", serde_json::to_string(job)?)?;
        return Ok(());
    }
    outln!(
        "{} ({} requirements)",
        clean(&job.title),
        job.requirements.len()
    )?;
    for r in &job.requirements {
        let importance = match r.importance {
            credbridge_matching::Importance::Required => "required ",
            credbridge_matching::Importance::Preferred => "preferred",
        };
        let confirm = if r.confirmed {
            ""
        } else {
            "  (mapped from text: confirm)"
        };
        let level = r
            .min_level
            .map(|l| format!(", at least {}", l.word()))
            .unwrap_or_default();
        outln!("  {importance} {}{level}{confirm}", clean(&r.label))?;
    }
    Ok(())
}

pub fn match_cmd(args: &MatchArgs, as_json: bool) -> Result<Status> {
    let job = Job::from_json(&read_limited(&args.job, 16 << 20)?)?;
    let loaded = load(&args.credentials)?;
    let fw = frameworks()?;
    let index = JobIndex::new(job, &fw);
    for report in ranked_reports(&index, &profiles(&loaded, &fw), &fw) {
        if as_json {
            outln!("{}", serde_json::to_string(&report)?)?;
            continue;
        }
        outln!(
            "{}: {:.0}% of required, {:.0}% of preferred ({} met by verified credentials)",
            clean(&report.candidate),
            report.coverage.required * 100.0,
            report.coverage.preferred * 100.0,
            report.coverage.met_verified
        )?;
        for line in &report.requirements {
            let by = line
                .evidence
                .first()
                .map(|e| format!(" ← {}", e.achievement.as_deref().unwrap_or(&e.credential)))
                .unwrap_or_default();
            outln!("  {:<30} {}{}", clean(&line.label), line.words, clean(&by))?;
        }
    }
    Ok(Status::Ok)
}

pub fn export(args: &ExportArgs) -> Result<Status> {
    let loaded = load(&args.credentials)?;
    let fw = frameworks()?;
    let profiles = profiles(&loaded, &fw);
    let [profile] = profiles.as_slice() else {
        bail!(
            "the credentials belong to {} people; export takes one person's credentials (give --identifier to link them)",
            profiles.len()
        );
    };
    let report = match &args.job {
        Some(path) => Some(
            JobIndex::new(Job::from_json(&read_limited(path, 16 << 20)?)?, &fw)
                .report(profile, &fw),
        ),
        None => None,
    };
    let now = credbridge_config::unix_time(None, "now")?;
    let generated_at = credbridge_model::format_unix(now);
    let dossier = credbridge_export::Dossier {
        profile,
        originals: &loaded.collected.originals,
        match_report: report.as_ref(),
        verifier_url: args.verifier_url.as_deref(),
        generated_at: &generated_at,
    };
    let bytes = match args.format {
        ExportFormat::LerRs => serde_json::to_vec_pretty(&credbridge_export::ler_rs(&dossier))?,
        ExportFormat::JsonResume => {
            serde_json::to_vec_pretty(&credbridge_export::json_resume(&dossier))?
        }
        ExportFormat::Html => credbridge_export::report_html(&dossier).into_bytes(),
        ExportFormat::Pdf => credbridge_export::report_pdf(&dossier),
        ExportFormat::AtsBundle => credbridge_export::ats_bundle(&dossier)?,
    };
    std::fs::write(&args.output, bytes)
        .with_context(|| format!("writing {}", args.output.display()))?;
    eprintln!("wrote {}", args.output.display());
    Ok(Status::Ok)
}
