//! End-to-end tests of the `credbridge` binary: real files in, exit codes and output checked.
//! One binary, one module per area.
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::indexing_slicing,
    clippy::panic,
    missing_docs
)]

#[path = "main/commands.rs"]
mod commands;
#[path = "main/common.rs"]
mod common;
#[path = "main/employer.rs"]
mod employer;
#[path = "main/inputs.rs"]
mod inputs;
#[path = "main/issuer.rs"]
mod issuer;
#[path = "main/jose_cose.rs"]
mod jose_cose;
#[path = "main/obapi.rs"]
mod obapi;
#[path = "main/online.rs"]
mod online;
#[path = "main/registries.rs"]
mod registries;
#[path = "main/revocation.rs"]
mod revocation;
#[path = "main/server.rs"]
mod server;
#[path = "main/settings.rs"]
mod settings;
#[path = "main/terminal.rs"]
mod terminal;
#[path = "main/verify.rs"]
mod verify;
#[path = "main/webhooks.rs"]
mod webhooks;
