//! One module per subcommand. Each turns its arguments into library options, calls the
//! library, and formats the result; no verdict logic lives here.

mod canonize;
mod input;
mod inspect;
pub mod issue;
pub mod jose_cose;
mod keys;
pub mod obapi;
pub mod people;
mod registries;
pub mod serve;
mod sign;
mod verify;

use anyhow::Result;

use crate::args::{Cli, Command, KeysCommand, RegistriesCommand};
use crate::exit::Status;

/// Runs the chosen subcommand.
pub fn run(cli: Cli) -> Result<Status> {
    match cli.command {
        Command::Verify(args) => verify::run(&args, cli.json),
        Command::Inspect(args) => inspect::run(&args, cli.json),
        Command::Canonize(args) => canonize::run(&args),
        Command::Sign(args) => sign::run(&args),
        Command::Keys(KeysCommand::Generate(args)) => keys::generate(&args, cli.json),
        Command::Registries(RegistriesCommand::Update(args)) => registries::update(&args, cli.json),
        Command::Serve(args) => serve::serve(&args),
        Command::Inbox(command) => serve::inbox(&command, cli.json),
        Command::Clients(command) => serve::clients(&command, cli.json),
        Command::Users(command) => serve::users(&command),
        Command::Skills(command) => people::skills(&command, cli.json),
        Command::Normalize(args) => people::normalize_cmd(&args),
        Command::Profile(args) => people::profile(&args, cli.json),
        Command::Job(command) => people::job(&command, cli.json),
        Command::Match(args) => people::match_cmd(&args, cli.json),
        Command::Export(args) => people::export(&args),
        Command::Issuer(command) => issue::issuer(&command),
        Command::Issue(args) => issue::issue(&args, cli.json),
        Command::Lint { files } => issue::lint(&files, cli.json),
        Command::VcJoseCose(args) => jose_cose::run(&args),
        Command::Obapi(command) => obapi::run(&command, cli.json),
        Command::Revoke(args) => {
            issue::set_status(&args, credbridge_issue::StatusPurpose::Revocation, true)
        }
        Command::Suspend(args) => {
            issue::set_status(&args, credbridge_issue::StatusPurpose::Suspension, true)
        }
        Command::Unsuspend(args) => {
            issue::set_status(&args, credbridge_issue::StatusPurpose::Suspension, false)
        }
    }
}
