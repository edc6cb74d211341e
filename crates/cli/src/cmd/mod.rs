//! One module per subcommand. Each turns its arguments into library options, calls the
//! library, and formats the result; no verdict logic lives here.

mod canonize;
mod input;
mod inspect;
mod keys;
mod sign;
mod verify;

use anyhow::Result;

use crate::args::{Cli, Command, KeysCommand};
use crate::exit::Status;

/// Runs the chosen subcommand.
pub fn run(cli: Cli) -> Result<Status> {
    match cli.command {
        Command::Verify(args) => verify::run(&args, cli.json),
        Command::Inspect(args) => inspect::run(&args, cli.json),
        Command::Canonize(args) => canonize::run(&args),
        Command::Sign(args) => sign::run(&args),
        Command::Keys(KeysCommand::Generate(args)) => keys::generate(&args, cli.json),
    }
}
