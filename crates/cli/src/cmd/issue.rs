//! The issuer's side: `issuer create`, `issue`, `lint`, `revoke`, `suspend`, `unsuspend`. The
//! issuer's keys, status lists and batch journals live in `<data-dir>/issuers`, secret keys sealed
//! under the master key from `CREDBRIDGE_MASTER_KEY` (hex) or `CREDBRIDGE_MASTER_KEY_FILE`.

use std::path::PathBuf;

use anyhow::{Context, Result, anyhow, bail};
use clap::{Args, Subcommand};
use credbridge_config::FrameworkAlignmentChecker;
use credbridge_issue::{
    Delivery, IssueRequest, IssuerHome, IssuerProfile, MasterKey, RosterSource, StatusPurpose,
    did_document, lint_file,
};
use credbridge_keys::KeyType;
use credbridge_proofs::JsonLdCanonicalizer;

use crate::exit::Status;
use crate::output::clean;

/// Where the issuer's files live.
#[derive(Debug, Args)]
pub struct HomeArgs {
    /// The data folder; issuers live in its `issuers/` [env: CREDBRIDGE_DATA_DIR].
    #[arg(long, value_name = "DIR")]
    pub data_dir: Option<PathBuf>,
}

#[derive(Debug, Subcommand)]
pub enum IssuerCommand {
    /// Create an issuer: a key (sealed under the master key) and its DID (did:key, or did:web
    /// with --did-web); prints the DID document.
    Create {
        /// The issuer's short name, used by `issue --issuer` (lowercase letters, digits, `-` and `_`).
        name: String,
        /// Publish as did:web on this domain (serve the printed document at
        /// https://DOMAIN/.well-known/did.json).
        #[arg(long, value_name = "DOMAIN")]
        did_web: Option<String>,
        /// The issuer profile (OB 3.0 Profile JSON: name, url, email, image, address, official
        /// identifiers).
        #[arg(long, value_name = "FILE")]
        profile: Option<PathBuf>,
        #[command(flatten)]
        home: HomeArgs,
    },
}

#[derive(Debug, Args)]
pub struct IssueArgs {
    /// The achievement template (YAML or JSON).
    #[arg(long)]
    pub template: PathBuf,
    /// The roster: CSV (`email,given_name,family_name,awarded_at` needs no mapping), a OneRoster
    /// 1.2 CSV folder, or OneRoster / Edu-API JSON.
    #[arg(long)]
    pub roster: PathBuf,
    /// A column-mapping file for other CSV headers.
    #[arg(long)]
    pub mapping: Option<PathBuf>,
    /// The issuer (`issuer create NAME`).
    #[arg(long)]
    pub issuer: String,
    /// Where to write the credentials.
    #[arg(long)]
    pub out: PathBuf,
    /// The public URL under which the status lists will be served.
    #[arg(long, value_name = "URL")]
    pub status_base: Option<String>,
    /// Also write each credential as a VC-JWT.
    #[arg(long)]
    pub jwt: bool,
    /// Also bake each credential into this PNG.
    #[arg(long, value_name = "IMAGE")]
    pub png: Option<PathBuf>,
    /// Also bake each credential into this SVG.
    #[arg(long, value_name = "IMAGE")]
    pub svg: Option<PathBuf>,
    /// Also write one zip with every credential and a manifest CSV.
    #[arg(long)]
    pub zip: bool,
    #[command(flatten)]
    pub home: HomeArgs,
}

#[derive(Debug, Args)]
pub struct StatusArgs {
    /// Credential ids.
    #[arg(required = true)]
    pub ids: Vec<String>,
    /// The public URL of the status lists (as given to `issue`).
    #[arg(long, value_name = "URL")]
    pub status_base: Option<String>,
    #[command(flatten)]
    pub home: HomeArgs,
}

fn home(args: &HomeArgs) -> Result<IssuerHome> {
    let dir = match (&args.data_dir, std::env::var_os("CREDBRIDGE_DATA_DIR")) {
        (Some(dir), _) => dir.clone(),
        (None, Some(dir)) => PathBuf::from(dir),
        (None, None) => credbridge_server::default_data_dir()
            .ok_or_else(|| anyhow!("no user data folder is known here: give --data-dir"))?,
    };
    Ok(IssuerHome::new(dir.join("issuers")))
}

pub(crate) fn master() -> Result<MasterKey> {
    if let Ok(text) = std::env::var("CREDBRIDGE_MASTER_KEY") {
        return MasterKey::parse(&text).context("CREDBRIDGE_MASTER_KEY");
    }
    if let Some(path) = std::env::var_os("CREDBRIDGE_MASTER_KEY_FILE") {
        return MasterKey::from_file(std::path::Path::new(&path))
            .context("CREDBRIDGE_MASTER_KEY_FILE");
    }
    bail!(
        "no master key: set CREDBRIDGE_MASTER_KEY to 64 hex digits (e.g. `openssl rand -hex 32`) or CREDBRIDGE_MASTER_KEY_FILE to a file holding them; issuer keys are sealed under it"
    )
}

fn now() -> Result<i64> {
    Ok(credbridge_config::unix_time(None, "now")?)
}

pub fn issuer(command: &IssuerCommand) -> Result<Status> {
    let IssuerCommand::Create {
        name,
        did_web,
        profile,
        home: h,
    } = command;
    let profile = match profile {
        Some(path) => IssuerProfile::load(path)?,
        None => IssuerProfile {
            name: name.clone(),
            ..IssuerProfile::default()
        },
    };
    let record = home(h)?.create(
        &master()?,
        name,
        profile,
        did_web.clone(),
        KeyType::Ed25519,
        now()?,
    )?;
    outln!("{}", serde_json::to_string_pretty(&did_document(&record)?)?)?;
    Ok(Status::Ok)
}

pub fn issue(args: &IssueArgs, as_json: bool) -> Result<Status> {
    let read = |p: &Option<PathBuf>| -> Result<Option<Vec<u8>>> {
        p.as_ref()
            .map(|p| std::fs::read(p).with_context(|| format!("reading {}", p.display())))
            .transpose()
    };
    let canonicalizer = JsonLdCanonicalizer::with_bundled_contexts();
    let progress = crate::cmd::input::progress_bar(false, "{bar:30} {pos}/{len} rows ({per_sec})");
    let summary = home(&args.home)?.issue(
        &master()?,
        IssueRequest {
            template: args.template.clone(),
            roster: RosterSource::detect(&args.roster, args.mapping.clone()),
            issuer: args.issuer.clone(),
            out_dir: args.out.clone(),
            delivery: Delivery {
                json: true,
                jwt: args.jwt,
                png: read(&args.png)?,
                svg: read(&args.svg)?,
                zip: args.zip,
            },
            // Revocation only: the OB 3.0 schema allows one `credentialStatus` object, not an array.
            purposes: vec![StatusPurpose::Revocation],
            status_base_url: args.status_base.clone(),
            now: now()?,
            canonicalizer: &canonicalizer,
            checker: &alignment_checker()?,
            progress: &|p| {
                progress.set_length(p.total as u64);
                progress.set_position(p.handled as u64);
            },
        },
    )?;
    progress.finish_and_clear();
    let errors = summary.roster_errors.len() + summary.batch.row_errors.len();
    if as_json {
        outln!("{}", serde_json::to_string(&summary)?)?;
    } else {
        outln!(
            "issued {}, already issued {}, rows skipped {errors}; template data quality {}/100 (see `credbridge lint`)",
            summary.batch.issued,
            summary.batch.already_issued,
            summary.lint.score
        )?;
        for e in summary
            .roster_errors
            .iter()
            .chain(&summary.batch.row_errors)
        {
            outln!("  {}", clean(&e.to_string()))?;
        }
    }
    Ok(if errors == 0 {
        Status::Ok
    } else {
        Status::CheckFailed
    })
}

/// The lint's alignment check: concepts must exist in the bundled ESCO and O*NET data (IRI
/// shapes for frameworks that are not bundled), as on the server.
fn alignment_checker() -> Result<FrameworkAlignmentChecker> {
    FrameworkAlignmentChecker::bundled().context("loading the bundled skill frameworks")
}

pub fn lint(files: &[PathBuf], as_json: bool) -> Result<Status> {
    let mut status = Status::Ok;
    let checker = alignment_checker()?;
    for file in files {
        for result in lint_file(file, &checker)? {
            if as_json {
                outln!(
                    "{}",
                    serde_json::to_string(
                        &serde_json::json!({"path": result.path, "report": result.report})
                    )?
                )?;
            } else {
                let text = result.report.to_string();
                let mut lines = text.lines();
                outln!(
                    "{}: {}",
                    clean(&result.path),
                    clean(lines.next().unwrap_or_default())
                )?;
                for line in lines {
                    outln!("{}", clean(line))?;
                }
            }
            if result
                .report
                .findings
                .iter()
                .any(|f| f.severity == credbridge_issue::lint::Severity::Error)
            {
                status = Status::CheckFailed;
            }
        }
    }
    Ok(status)
}

/// `revoke`, `suspend` (`value` true) or `unsuspend` (suspension, `value` false).
pub fn set_status(args: &StatusArgs, purpose: StatusPurpose, value: bool) -> Result<Status> {
    let canonicalizer = JsonLdCanonicalizer::with_bundled_contexts();
    let files = home(&args.home)?.set_status(
        &master()?,
        &args.ids,
        purpose,
        value,
        args.status_base.as_deref(),
        &canonicalizer,
        now()?,
    )?;
    for f in files {
        outln!("re-signed {}", f.display())?;
    }
    Ok(Status::Ok)
}
