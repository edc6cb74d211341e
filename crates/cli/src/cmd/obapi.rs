//! `credbridge obapi connect|pull|list`: the Open Badges 3.0 API (and CLR 2.0 API) consumer.
//! `connect` runs discovery → dynamic registration → the person's approval in a browser → the
//! RFC 8252 loopback redirect → the token exchange, then stores the connection sealed in the
//! store `serve` uses; `pull` pages through the host's `/credentials` since the last pull and
//! puts each credential into the inbox (source `pull`, the host recorded). The protocol is
//! `credbridge-obapi`'s, the transport `credbridge-fetch`'s, the storage and the inbox
//! `credbridge-server`'s; this module parses, calls and prints.

use std::time::Duration;

use anyhow::{Context, Result, bail};
use clap::{Args, Subcommand};
use credbridge_fetch::{FetchPolicy, GuardedClient, LoopbackRedirect};
use credbridge_obapi::{
    ApiFlavor, ClientRegistration, OFFLINE_ACCESS, Permission, SystemClock, begin_authorization,
    discover, exchange_code, register,
};
use serde_json::json;

use credbridge_server::obapi_pull::KeySeal;

use crate::cmd::issue::master;
use crate::cmd::serve::{StoreArgs, admin};
use crate::exit::Status;
use crate::output::clean;

#[derive(Debug, Subcommand)]
pub enum ObapiCommand {
    /// Connect to a platform that serves the Open Badges API: register, let a person approve
    /// in the browser, and keep the tokens (sealed) for `pull`.
    Connect(ConnectArgs),
    /// Pull new credentials from a connected platform into the inbox.
    Pull {
        /// The connection's name (every connection when none is given).
        name: Option<String>,
        /// Verify the pulled credentials without the network.
        #[arg(long)]
        offline: bool,
        #[command(flatten)]
        store: StoreArgs,
    },
    /// The connected platforms.
    List {
        #[command(flatten)]
        store: StoreArgs,
    },
}

#[derive(Debug, Args)]
pub struct ConnectArgs {
    /// The platform's API root (`https://host/ims/ob/v3p0`, or `…/ims/clr/v2p0` for CLRs) or
    /// just its address (`https://host`, then the Open Badges API root is assumed).
    pub url: String,
    /// A name for the connection [default: the platform's host].
    #[arg(long)]
    pub name: Option<String>,
    /// Also ask to add credentials to the platform (`credential.upsert`).
    #[arg(long)]
    pub upsert: bool,
    /// The loopback port to receive the redirect on [default: any free port].
    #[arg(long, default_value_t = 0)]
    pub port: u16,
    /// How long to wait for the approval, in seconds.
    #[arg(long, default_value_t = 300)]
    pub timeout: u64,
    /// Do not try to open a browser; only print the address to open.
    #[arg(long)]
    pub no_browser: bool,
    #[command(flatten)]
    pub store: StoreArgs,
}

/// The API root for what the person typed.
fn api_root(url: &str) -> String {
    let url = url.trim_end_matches('/');
    if url.ends_with("/ims/ob/v3p0") || url.ends_with("/ims/clr/v2p0") {
        url.to_owned()
    } else {
        format!("{url}/ims/ob/v3p0")
    }
}

/// The guarded client for `url`: https only and no private addresses, except when the
/// person names a loopback address themselves (a platform on their own machine).
pub fn client_for(url: &str) -> Result<GuardedClient> {
    let parsed = url::Url::parse(url).with_context(|| format!("{url}: not a URL"))?;
    let loopback = match parsed.host() {
        Some(url::Host::Ipv4(ip)) => ip.is_loopback(),
        Some(url::Host::Ipv6(ip)) => ip.is_loopback(),
        Some(url::Host::Domain(d)) => d.eq_ignore_ascii_case("localhost"),
        None => bail!("{url}: no host"),
    };
    let policy = FetchPolicy {
        allow_http: loopback,
        dangerous_allow_loopback: loopback,
        ..FetchPolicy::default()
    };
    Ok(GuardedClient::new(
        policy,
        std::sync::Arc::new(credbridge_fetch::SystemClock),
    ))
}

fn open_browser(url: &str) -> bool {
    let opener = if cfg!(target_os = "macos") {
        "open"
    } else if cfg!(windows) {
        "explorer"
    } else {
        "xdg-open"
    };
    std::process::Command::new(opener)
        .arg(url)
        .stdout(std::process::Stdio::null())
        .stderr(std::process::Stdio::null())
        .spawn()
        .is_ok()
}

pub fn run(command: &ObapiCommand, as_json: bool) -> Result<Status> {
    match command {
        ObapiCommand::Connect(args) => connect(args, as_json),
        ObapiCommand::Pull {
            name,
            offline,
            store,
        } => pull(name.as_deref(), *offline, store, as_json),
        ObapiCommand::List { store } => list(store, as_json),
    }
}

fn connect(args: &ConnectArgs, as_json: bool) -> Result<Status> {
    // Both are needed at the end; a missing master key must not waste the person's approval.
    let master = master()?;

    let admin = admin(&args.store)?;
    let root = api_root(&args.url);
    let http = client_for(&root)?;
    let service = discover(&http, &root).with_context(|| format!("discovery at {root}"))?;
    let flavor = if root.ends_with("/ims/clr/v2p0") {
        ApiFlavor::Clr
    } else {
        ApiFlavor::OpenBadges
    };
    let mut scopes = vec![flavor.scope(Permission::CredentialReadonly)];
    if args.upsert {
        scopes.push(flavor.scope(Permission::CredentialUpsert));
    }
    scopes.push(OFFLINE_ACCESS.to_owned());
    let listener = LoopbackRedirect::bind(args.port, "/callback")?;
    let redirect_uri = listener.redirect_uri();
    let home = env!("CARGO_PKG_REPOSITORY");
    let client = register(
        &http,
        &service,
        &ClientRegistration {
            client_name: "credbridge".into(),
            client_uri: home.into(),
            logo_uri: format!("{home}/raw/main/docs/logo.png"),
            tos_uri: format!("{home}/blob/main/LICENSE"),
            policy_uri: format!("{home}/blob/main/docs/privacy.md"),
            software_id: "credbridge".into(),
            software_version: env!("CARGO_PKG_VERSION").into(),
            redirect_uris: vec![redirect_uri.clone()],
            scopes: scopes.clone(),
        },
    )
    .with_context(|| format!("registering at {}", service.registration_url))?;
    let pending = begin_authorization(&service, &client, &redirect_uri, &scopes)?;
    eprintln!(
        "Open this address to approve the connection (waiting {} s):\n  {}",
        args.timeout, pending.url
    );
    if !args.no_browser && !open_browser(&pending.url) {
        eprintln!("(no browser could be opened here; open the address yourself)");
    }
    let location = listener.wait(Duration::from_secs(args.timeout))?;
    let code = pending
        .code_from_redirect(&location)
        .context("the platform's answer")?;
    let tokens = exchange_code(&http, &SystemClock, &service, &client, &pending, &code)
        .with_context(|| format!("the token request at {}", service.token_url))?;
    let name = match &args.name {
        Some(name) => name.clone(),
        None => url::Url::parse(&root)?
            .host_str()
            .unwrap_or("platform")
            .to_owned(),
    };
    let connection = credbridge_obapi::Connection {
        service,
        client,
        tokens,
        last_sync: None,
    };
    admin.obapi_save_connection(&args.store.tenant, &name, &connection, &seal_of(&master))?;
    if as_json {
        println!(
            "{}",
            json!({
                "name": name,
                "apiRoot": connection.service.api_root,
                "clientId": connection.client.client_id,
                "scopes": connection.tokens.scope,
            })
        );
    } else {
        println!(
            "connected {} at {} ({})",
            clean(&name),
            clean(&connection.service.api_root),
            clean(&connection.tokens.scope.join(" "))
        );
    }
    Ok(Status::Ok)
}

/// The key that seals connections, derived from the master key (which seals issuer keys).
fn seal_of(master: &credbridge_issue::MasterKey) -> KeySeal {
    KeySeal::from_master(master)
}

fn pull(name: Option<&str>, offline: bool, store: &StoreArgs, as_json: bool) -> Result<Status> {
    let master = master()?;
    let seal = seal_of(&master);
    let admin = admin(store)?;
    let names: Vec<(String, String)> = match name {
        Some(name) => {
            let all = admin.obapi_connections(&store.tenant)?;
            let Some(found) = all.into_iter().find(|c| c.name == name) else {
                bail!("no Open Badges API connection named {name:?} (see `credbridge obapi list`)");
            };
            vec![(found.name, found.api_root)]
        }
        None => admin
            .obapi_connections(&store.tenant)?
            .into_iter()
            .map(|c| (c.name, c.api_root))
            .collect(),
    };
    if names.is_empty() {
        bail!("no Open Badges API connections yet: `credbridge obapi connect URL` makes one");
    }
    let mut status = Status::Ok;
    for (name, api_root) in names {
        let http = client_for(&api_root)?;
        match admin.obapi_pull(&store.tenant, &name, &http, &seal, offline) {
            Ok(outcome) => {
                let stored = outcome.ingested.items.iter().filter(|i| i.created).count();
                let already = outcome.ingested.items.len() - stored;
                let unreadable = outcome.ingested.errors.len();
                if as_json {
                    println!(
                        "{}",
                        json!({
                            "name": outcome.name,
                            "apiRoot": outcome.api_root,
                            "pulled": outcome.pulled,
                            "stored": stored,
                            "alreadyStored": already,
                            "unreadable": unreadable,
                            "errors": outcome.ingested.errors,
                            "pages": outcome.pages,
                            "refreshed": outcome.refreshed,
                            "nextSince": outcome.next_since,
                        })
                    );
                } else {
                    println!(
                        "{}: {} pulled, {stored} new in the inbox, {already} already there, {unreadable} unreadable ({} pages)",
                        clean(&name),
                        outcome.pulled,
                        outcome.pages
                    );
                }
            }
            Err(e) => {
                if as_json {
                    println!(
                        "{}",
                        json!({"name": name, "apiRoot": api_root, "error": e.to_string()})
                    );
                } else {
                    eprintln!("{}: {}", clean(&name), clean(&e.to_string()));
                }
                // Exit 3: nothing was found wrong with a credential, but a platform could not be
                // pulled (the next pull starts where this one stopped).
                status = Status::Indeterminate;
            }
        }
    }
    Ok(status)
}

fn list(store: &StoreArgs, as_json: bool) -> Result<Status> {
    let admin = admin(store)?;
    let connections = admin.obapi_connections(&store.tenant)?;
    for c in &connections {
        if as_json {
            println!(
                "{}",
                json!({
                    "name": c.name,
                    "apiRoot": c.api_root,
                    "clientId": c.client_id,
                    "lastSync": c.last_sync,
                })
            );
        } else {
            println!(
                "{}\t{}\tlast pull: {}",
                clean(&c.name),
                clean(&c.api_root),
                clean(c.last_sync.as_deref().unwrap_or("never"))
            );
        }
    }
    Ok(Status::Ok)
}
