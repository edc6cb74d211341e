//! `credbridge serve` and the commands that work on the same store: `inbox`, `clients`, `users`.
//! Settings come as the server defines them (flags over `CREDBRIDGE_*` over a TOML file); this
//! module only parses, calls `credbridge-server` and prints.

use std::io::Read;
use std::path::PathBuf;

use anyhow::{Context, Result, bail};
use clap::{Args, Subcommand};
use credbridge_server::admin::Admin;
use credbridge_server::{ServeSettings, SettingsLayer, default_data_dir};
use credbridge_store::CredentialFilter;
use serde_json::json;

use crate::exit::Status;
use crate::output::clean;

/// Where the store lives: shared by every command that uses it.
#[derive(Debug, Args)]
pub struct StoreArgs {
    /// The data folder (embedded SQLite) [env: CREDBRIDGE_DATA_DIR; default: the platform's user
    /// data folder].
    #[arg(long, value_name = "DIR")]
    pub data_dir: Option<PathBuf>,
    /// A `postgres://` URL instead of the embedded SQLite file [env: CREDBRIDGE_DATABASE_URL].
    #[arg(long, value_name = "URL")]
    pub database_url: Option<String>,
    /// The tenant (organization) to work in.
    #[arg(long, default_value = "default")]
    pub tenant: String,
}

#[derive(Debug, Args)]
pub struct ServeArgs {
    /// Where to listen [env: CREDBRIDGE_LISTEN; default: 127.0.0.1:8080].
    #[arg(long, value_name = "HOST:PORT")]
    pub listen: Option<String>,
    /// No authentication and one default tenant; refused on any non-loopback address.
    #[arg(long)]
    pub dev: bool,
    /// Log lines as JSON (`json`) or text (`text`).
    #[arg(long, value_name = "FORMAT")]
    pub log_format: Option<String>,
    /// Verify without the network (status lists and did:web keys: could not check).
    #[arg(long)]
    pub offline: bool,
    /// A TOML settings file (keys: listen, data-dir, database-url, dev, log-format, …).
    #[arg(long, value_name = "FILE")]
    pub config: Option<PathBuf>,
    #[command(flatten)]
    pub store: StoreArgs,
}

#[derive(Debug, Subcommand)]
pub enum InboxCommand {
    /// Decode, verify and store credentials, as `POST /inbox` does.
    Add {
        /// Files, folders, zips, JSON Lines.
        #[arg(required = true)]
        paths: Vec<PathBuf>,
        /// Verify without the network.
        #[arg(long)]
        offline: bool,
        #[command(flatten)]
        store: StoreArgs,
    },
    /// List stored credentials.
    List {
        /// Only this verdict (valid, valid-with-warnings, invalid, indeterminate).
        #[arg(long)]
        verdict: Option<String>,
        /// Only this issuer id.
        #[arg(long)]
        issuer: Option<String>,
        /// At most this many.
        #[arg(long, default_value_t = 50)]
        limit: u32,
        #[command(flatten)]
        store: StoreArgs,
    },
}

#[derive(Debug, Subcommand)]
pub enum ClientsCommand {
    /// Create an OAuth client (client credentials); the secret is shown once.
    Add {
        /// A name for people.
        name: String,
        /// A scope to grant (repeatable; all scopes when none is given).
        #[arg(long)]
        scope: Vec<String>,
        #[command(flatten)]
        store: StoreArgs,
    },
    /// List the tenant's clients.
    List {
        #[command(flatten)]
        store: StoreArgs,
    },
    /// Revoke a client.
    Revoke {
        /// The client id.
        client_id: String,
        #[command(flatten)]
        store: StoreArgs,
    },
}

#[derive(Debug, Subcommand)]
pub enum UsersCommand {
    /// Add a person who logs in to the pages.
    Add {
        /// Their email (the login).
        email: String,
        /// Read the password from standard input (the only way: it never appears in the
        /// command line or the shell history).
        #[arg(long, required = true)]
        password_stdin: bool,
        #[command(flatten)]
        store: StoreArgs,
    },
}

fn layer_of(store: &StoreArgs) -> SettingsLayer {
    SettingsLayer {
        data_dir: store.data_dir.clone(),
        database_url: store.database_url.clone(),
        ..SettingsLayer::default()
    }
}

/// Flags, then `CREDBRIDGE_*`, then the TOML file, over the defaults.
fn resolve(flags: SettingsLayer, file: Option<&PathBuf>) -> Result<ServeSettings> {
    let env = SettingsLayer::from_env(std::env::vars())?;
    let mut layers = vec![flags, env];
    if let Some(file) = file {
        let text =
            std::fs::read_to_string(file).with_context(|| format!("reading {}", file.display()))?;
        layers.push(
            SettingsLayer::from_toml(&text).with_context(|| format!("in {}", file.display()))?,
        );
    }
    let Some(default_dir) = default_data_dir() else {
        bail!(
            "no user data folder is known on this platform: give --data-dir or CREDBRIDGE_DATA_DIR"
        );
    };
    Ok(ServeSettings::resolve(&layers, default_dir)?)
}

pub(crate) fn admin(store: &StoreArgs) -> Result<Admin> {
    let settings = resolve(layer_of(store), None)?;
    Ok(Admin::open(
        settings.data_dir,
        settings.database_url.as_deref(),
    )?)
}

pub fn serve(args: &ServeArgs) -> Result<Status> {
    let flags = SettingsLayer {
        listen: args.listen.clone(),
        dev: args.dev.then_some(true),
        log_format: args.log_format.clone(),
        offline: args.offline.then_some(true),
        ..layer_of(&args.store)
    };
    let settings = resolve(flags, args.config.as_ref())?;
    credbridge_server::init_logging(settings.log_format);
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
        .context("starting the async runtime")?;
    runtime.block_on(credbridge_server::serve(settings))?;
    Ok(Status::Ok)
}

pub fn inbox(command: &InboxCommand, as_json: bool) -> Result<Status> {
    match command {
        InboxCommand::Add {
            paths,
            offline,
            store,
        } => {
            let ingested = admin(store)?.inbox_add(&store.tenant, paths, *offline)?;
            if as_json {
                outln!("{}", serde_json::to_string(&ingested)?)?;
            } else {
                for item in &ingested.items {
                    let new = if item.created {
                        "stored"
                    } else {
                        "already stored"
                    };
                    outln!(
                        "{new:<15} {:<20} {}  {}",
                        item.verdict,
                        clean(&item.path),
                        item.id
                    )?;
                }
                for error in &ingested.errors {
                    outln!("not stored      {}", clean(&error.to_string()))?;
                }
            }
            Ok(if ingested.errors.is_empty() {
                Status::Ok
            } else {
                Status::InputError
            })
        }
        InboxCommand::List {
            verdict,
            issuer,
            limit,
            store,
        } => {
            const VERDICTS: [&str; 4] =
                ["valid", "valid-with-warnings", "invalid", "indeterminate"];
            if let Some(v) = verdict.as_deref().filter(|v| !VERDICTS.contains(v)) {
                bail!(
                    "--verdict {v:?} is not a verdict; use one of {}",
                    VERDICTS.join(", ")
                );
            }
            let filter = CredentialFilter {
                verdict: verdict.clone(),
                issuer: issuer.clone(),
                limit: *limit,
                ..CredentialFilter::default()
            };
            let page = admin(store)?.inbox_list(&store.tenant, &filter)?;
            if as_json {
                outln!("{}", serde_json::to_string(&page)?)?;
            } else {
                outln!("{} credential(s)", page.total)?;
                for c in &page.items {
                    let line = json!(c);
                    let field = |k: &str| {
                        line.get(k)
                            .and_then(|v| v.as_str())
                            .unwrap_or("")
                            .to_string()
                    };
                    outln!(
                        "{:<20} {}  {}",
                        field("verdict"),
                        clean(&field("id")),
                        clean(&field("issuer"))
                    )?;
                }
            }
            Ok(Status::Ok)
        }
    }
}

pub fn clients(command: &ClientsCommand, as_json: bool) -> Result<Status> {
    match command {
        ClientsCommand::Add { name, scope, store } => {
            let client = admin(store)?.clients_add(&store.tenant, name, scope)?;
            if as_json {
                outln!(
                    "{}",
                    json!({"client_id": client.client_id, "client_secret": client.client_secret, "tenant": client.tenant, "scopes": client.scopes})
                )?;
            } else {
                outln!(
                    "client_id:     {}\nclient_secret: {}\n(the secret is shown once; it is stored only as a hash)",
                    client.client_id,
                    client.client_secret
                )?;
            }
        }
        ClientsCommand::List { store } => {
            let clients = admin(store)?.clients_list(&store.tenant)?;
            if as_json {
                outln!("{}", serde_json::to_string(&clients)?)?;
            } else {
                for c in clients {
                    let state = if c.revoked_at.is_some() {
                        "revoked"
                    } else {
                        "active"
                    };
                    outln!(
                        "{}  {state:<8} {}  {}",
                        c.client_id,
                        clean(&c.name),
                        c.scopes.join(" ")
                    )?;
                }
            }
        }
        ClientsCommand::Revoke { client_id, store } => {
            if !admin(store)?.clients_revoke(&store.tenant, client_id)? {
                bail!("tenant {} has no active client {client_id}", store.tenant);
            }
            outln!("revoked {client_id}")?;
        }
    }
    Ok(Status::Ok)
}

pub fn users(command: &UsersCommand) -> Result<Status> {
    let UsersCommand::Add { email, store, .. } = command;
    let mut password = String::new();
    std::io::stdin()
        .take(1024)
        .read_to_string(&mut password)
        .context("reading the password from standard input")?;
    let password = password.trim_end_matches(['\r', '\n']);
    if password.chars().count() < 12 {
        bail!("the password must be at least 12 characters (read from standard input)");
    }
    let user = admin(store)?.users_add(&store.tenant, email, password)?;
    outln!("added {} to tenant {}", clean(&user.email), store.tenant)?;
    Ok(Status::Ok)
}
