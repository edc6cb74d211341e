//! What the user typed, validated by clap. Turned into library options inside each command.

use std::path::PathBuf;

use clap::{Args, Parser, Subcommand, ValueEnum};

/// Receive, verify and normalize digital credentials (Open Badges 2.0/3.0, CLR 2.0, W3C VCs).
#[derive(Debug, Parser)]
#[command(
    name = "credbridge",
    version,
    about,
    long_about = None,
    after_help = EXIT_CODES
)]
pub struct Cli {
    /// Machine output: JSON (one document, or JSON Lines for many items) on stdout.
    #[arg(long, global = true)]
    pub json: bool,

    #[command(subcommand)]
    pub command: Command,
}

/// Shown under every `--help`.
const EXIT_CODES: &str = "Exit codes: 0 valid (warnings allowed unless --strict), 1 invalid (a check failed), \
2 bad usage or unreadable input, 3 indeterminate (something could not be checked).";

#[derive(Debug, Subcommand)]
pub enum Command {
    /// Verify credentials: proofs, issuer key, validity dates, status (revocation), schema,
    /// issuer trust. Works on files, folders, zips and JSON Lines; many at once in parallel.
    Verify(Box<VerifyArgs>),
    /// Decode credentials in any container (JSON, JWT, baked PNG/SVG, zip, folder, JSON Lines)
    /// and summarize each one.
    Inspect(InspectArgs),
    /// Print the canonical N-Quads (RDFC-1.0) of a credential, its proof configuration, or its
    /// expanded JSON-LD.
    Canonize(CanonizeArgs),
    /// Sign a credential with a Data Integrity cryptosuite or as a JWT.
    Sign(SignArgs),
    /// Manage signing keys.
    #[command(subcommand)]
    Keys(KeysCommand),
    /// The Digital Credentials Consortium issuer registries that confirm who an issuer is.
    #[command(subcommand)]
    Registries(RegistriesCommand),
    /// Run the server: the verifier page at `/`, the VC API verifier endpoints, the credential
    /// inbox, OAuth 2.0, `/openapi.json`, `/metrics` (embedded SQLite unless --database-url).
    Serve(Box<crate::cmd::serve::ServeArgs>),
    /// The credential inbox in the store that `serve` uses.
    #[command(subcommand)]
    Inbox(crate::cmd::serve::InboxCommand),
    /// OAuth clients of the server (client credentials).
    #[command(subcommand)]
    Clients(crate::cmd::serve::ClientsCommand),
    /// People who log in to the server's pages.
    #[command(subcommand)]
    Users(crate::cmd::serve::UsersCommand),
    /// Skill frameworks (ESCO 1.1.1, O*NET 29.2).
    #[command(subcommand)]
    Skills(crate::cmd::people::SkillsCommand),
    /// Verify credentials and print one normalized record per awarded achievement (JSON Lines).
    Normalize(crate::cmd::people::CredentialArgs),
    /// Verify a person's credentials and print their skills profile.
    Profile(crate::cmd::people::CredentialArgs),
    /// Jobs and their requirements.
    #[command(subcommand)]
    Job(crate::cmd::people::JobCommand),
    /// Match people's credentials against a job, requirement by requirement.
    Match(crate::cmd::people::MatchArgs),
    /// Export one person's credentials for a hiring system (LER-RS, JSON Resume, report, bundle).
    Export(Box<crate::cmd::people::ExportArgs>),
    /// Issuers: keys and DIDs.
    #[command(subcommand)]
    Issuer(crate::cmd::issue::IssuerCommand),
    /// Issue Open Badges 3.0 credentials from a template and a roster.
    Issue(Box<crate::cmd::issue::IssueArgs>),
    /// Data-quality report of achievement templates and received credentials.
    Lint {
        /// Templates (YAML/JSON) or credentials.
        #[arg(required = true)]
        files: Vec<PathBuf>,
    },
    /// Secure or verify one VCDM 2.0 credential or presentation with JOSE, SD-JWT or COSE and
    /// a given key (W3C VC-JOSE-COSE; the contract of its test suite).
    #[command(name = "vc-jose-cose")]
    VcJoseCose(crate::cmd::jose_cose::JoseCoseArgs),
    /// Pull credentials from platforms that serve the 1EdTech Open Badges 3.0 API (or the CLR
    /// 2.0 API) into the inbox, with the person's consent (OAuth 2.0, PKCE).
    #[command(subcommand)]
    Obapi(crate::cmd::obapi::ObapiCommand),
    /// Revoke issued credentials (status list entries set, lists re-signed).
    Revoke(crate::cmd::issue::StatusArgs),
    /// Suspend issued credentials.
    Suspend(crate::cmd::issue::StatusArgs),
    /// Lift a suspension.
    Unsuspend(crate::cmd::issue::StatusArgs),
}

#[derive(Debug, Args)]
pub struct VerifyArgs {
    /// Files, folders, zip archives or JSON Lines files; `-` reads standard input; an
    /// `https://` URL is fetched (through the same guarded client as every other fetch).
    #[arg(required = true)]
    pub paths: Vec<std::path::PathBuf>,
    /// Never touch the network: did:web keys, status lists and hosted badges are reported as
    /// "could not check" unless given locally (--did-dir, --documents).
    #[arg(long)]
    pub offline: bool,
    /// Verify as of this time instead of now: an RFC 3339 date-time (2025-06-01T12:00:00Z) or
    /// a date (2025-06-01, the start of that day in UTC).
    #[arg(long, value_name = "TIME")]
    pub at: Option<String>,
    /// Allowed clock difference between issuer and verifier, in seconds [default: 300].
    #[arg(long, value_name = "SECONDS")]
    pub max_clock_skew: Option<i64>,
    /// Treat warnings (unknown issuer, schema findings) as failures for the exit code.
    #[arg(long)]
    pub strict: bool,
    /// A folder of DID documents / controller documents (JSON, each with its `id`; sub-folders
    /// too) to resolve keys from without the network. Files without an `id` are skipped with a
    /// warning.
    #[arg(long, value_name = "DIR")]
    pub did_dir: Vec<std::path::PathBuf>,
    /// A JSON map of URL → local file for status lists and hosted badges (paths relative to
    /// the map file).
    #[arg(long, value_name = "MAP")]
    pub documents: Option<std::path::PathBuf>,
    /// An issuer registry file in the Digital Credentials Consortium format; repeatable,
    /// consulted in order.
    #[arg(long, value_name = "FILE")]
    pub registry: Vec<std::path::PathBuf>,
    /// Do not consult the bundled Digital Credentials Consortium registries (member and
    /// community) to confirm who an issuer is.
    #[arg(long)]
    pub no_bundled_registries: bool,
    /// Also consult the bundled DCC sandbox registry (test issuers).
    #[arg(long)]
    pub sandbox_registries: bool,
    /// Trust this issuer id outright; repeatable.
    #[arg(long, value_name = "ISSUER")]
    pub allow_issuer: Vec<String>,
    /// Refuse credentials from this issuer id; repeatable.
    #[arg(long, value_name = "ISSUER")]
    pub deny_issuer: Vec<String>,
    /// Check that the credential was issued to this person (email, DID or URL).
    #[arg(long, value_name = "IDENTIFIER")]
    pub recipient: Option<String>,
    /// For presentations: the challenge you issued.
    #[arg(long)]
    pub challenge: Option<String>,
    /// For presentations: the domain you expect.
    #[arg(long)]
    pub domain: Option<String>,
    /// Extra context directory with a `context-map.json` (URL → file).
    #[arg(long, value_name = "DIR")]
    pub contexts: Option<std::path::PathBuf>,
    /// Keep dated snapshots of fetched DID documents and status lists here, and report what was
    /// last seen when a host is unreachable.
    #[arg(long, value_name = "DIR")]
    pub snapshots: Option<std::path::PathBuf>,
    /// Dangerous, for testing: allow fetching from loopback addresses over http.
    #[arg(long, hide = true)]
    pub dangerous_allow_loopback: bool,
    /// Worker threads (default: one per core).
    #[arg(long, value_name = "N")]
    pub jobs: Option<usize>,
    /// Print every check, not only those that did not pass.
    #[arg(long, short)]
    pub verbose: bool,
    /// Never draw a progress bar.
    #[arg(long)]
    pub no_progress: bool,
    /// A TOML settings file (keys as in credbridge-config's `Settings`); `CREDBRIDGE_*`
    /// environment variables override it, and flags override both.
    #[arg(long, value_name = "FILE")]
    pub config: Option<std::path::PathBuf>,
}

#[derive(Debug, Args)]
pub struct InspectArgs {
    /// Files, folders or zip archives; `-` reads standard input.
    #[arg(required = true)]
    pub paths: Vec<PathBuf>,
    /// Never draw a progress bar (it is drawn on stderr only when stderr is a terminal).
    #[arg(long)]
    pub no_progress: bool,
}

#[derive(Debug, Args)]
pub struct CanonizeArgs {
    /// A JSON-LD credential or presentation (JSON file; `-` reads standard input).
    pub path: PathBuf,
    /// Canonicalize the proof configuration (the first proof without `proofValue`, with the
    /// document's `@context`) instead of the document.
    #[arg(long, conflicts_with = "expanded")]
    pub proof: bool,
    /// Print the expanded JSON-LD instead of N-Quads.
    #[arg(long)]
    pub expanded: bool,
    /// Hash for RDFC-1.0's blank-node labelling.
    #[arg(long, value_enum, default_value_t = CanonHash::Sha256)]
    pub hash: CanonHash,
    /// Extra context directory with a `context-map.json` (URL → file); bundled contexts come first.
    #[arg(long)]
    pub contexts: Option<PathBuf>,
}

#[derive(Debug, Clone, Copy, ValueEnum)]
pub enum CanonHash {
    Sha256,
    Sha384,
}

#[derive(Debug, Args)]
pub struct SignArgs {
    /// The unsigned credential (JSON).
    pub credential: PathBuf,
    /// The secret key as a JWK file (from `credbridge keys generate`).
    #[arg(long)]
    pub key: PathBuf,
    /// Cryptosuite or JOSE form, e.g. eddsa-rdfc-2022, eddsa-jcs-2022, ecdsa-rdfc-2019,
    /// ecdsa-jcs-2019, Ed25519Signature2020, vc-jwt, vc-jose.
    #[arg(long)]
    pub suite: String,
    /// Verification method URL; defaults to the did:key of the key.
    #[arg(long)]
    pub verification_method: Option<String>,
    /// Proof `created` time (RFC 3339); defaults to now.
    #[arg(long)]
    pub created: Option<String>,
    /// Write the signed credential here instead of standard output.
    #[arg(long, short)]
    pub output: Option<PathBuf>,
}

#[derive(Debug, Subcommand)]
pub enum RegistriesCommand {
    /// Fetch the DCC member and community registries (and with --sandbox the sandbox one)
    /// from where the DCC publishes them and keep dated snapshots, which `verify` then uses
    /// in place of the bundled ones.
    Update(RegistriesUpdateArgs),
}

#[derive(Debug, Args)]
pub struct RegistriesUpdateArgs {
    /// Also update the sandbox registry (test issuers; consulted only with
    /// --sandbox-registries).
    #[arg(long)]
    pub sandbox: bool,
    /// The folder to write to [default: CREDBRIDGE_REGISTRY_SNAPSHOTS, else the data folder's
    /// `registries`].
    #[arg(long, short, value_name = "DIR")]
    pub output: Option<PathBuf>,
    /// Fail at once instead of fetching (reports what would have been fetched).
    #[arg(long)]
    pub offline: bool,
    /// Dangerous, for testing: fetch from this base URL instead of the DCC's.
    #[arg(long, hide = true, value_name = "URL")]
    pub dangerous_registry_base: Option<String>,
    /// Dangerous, for testing: allow fetching from loopback addresses over http.
    #[arg(long, hide = true)]
    pub dangerous_allow_loopback: bool,
}

#[derive(Debug, Subcommand)]
pub enum KeysCommand {
    /// Generate a key pair and print it as a JWK (with the secret `d`) plus its did:key.
    Generate(KeysGenerateArgs),
}

#[derive(Debug, Args)]
pub struct KeysGenerateArgs {
    /// Key type.
    #[arg(long = "type", value_enum, default_value_t = KeyKind::Ed25519)]
    pub kind: KeyKind,
    /// Write the secret JWK to this file (created with mode 0600) instead of standard output.
    #[arg(long, short)]
    pub output: Option<PathBuf>,
}

#[derive(Debug, Clone, Copy, ValueEnum)]
pub enum KeyKind {
    Ed25519,
    P256,
    P384,
    Rsa,
}

/// Parses the command line; clap prints usage errors itself and exits with code 2.
pub fn parse() -> Cli {
    Cli::parse()
}
