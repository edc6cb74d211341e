//! Test support shared by credbridge's crates (a dev-dependency only; never in the shipped
//! binary): one loopback HTTP fixture server instead of a hand-rolled listener per crate, our
//! own signers with fixed seeds, a credential template and a status-list encoder.
//!
//! **Not here:** assertions (each test states its own), mocks of things that run here (the
//! server is a real HTTP/1.1 server on `127.0.0.1`, the signers are the production signers of
//! `credbridge-proofs`), anything a shipped crate may depend on.
//!
//! # Main types
//! - [`http::FixtureServer`]: serves [`http::Reply`]s (bodies, status codes, redirects,
//!   chunked bodies, delays, raw bytes) on `127.0.0.1:0`, bounded in connections and lifetime,
//!   stopped when dropped. [`http::FixtureServer::routes`] for a fixed table,
//!   [`http::FixtureServer::start`] for a handler.
//! - [`Signer`]: an Ed25519 did:key issuer from a fixed seed that signs Data Integrity
//!   (eddsa-rdfc-2022, eddsa-jcs-2022, …) and VC-JOSE credentials.
//! - [`ob3_credential`], [`encoded_status_list`]: fixtures.
//! - [`did_configuration`]: a `did:jwk` signer and DIF Well-Known DID Configuration fixtures
//!   (Domain Linkage Credentials as JSON-LD and as JWTs, the resource listing them).
//!
//! # Example
//! ```
//! use credbridge_testkit::http::{FixtureServer, Reply};
//! use std::io::{Read, Write};
//!
//! let server = FixtureServer::routes([("/status/1", Reply::ok("application/vc", "{}"))])?;
//! let mut stream = std::net::TcpStream::connect(server.addr)?;
//! stream.write_all(b"GET /status/1 HTTP/1.1\r\nHost: x\r\n\r\n")?;
//! let mut answer = String::new();
//! stream.read_to_string(&mut answer)?;
//! assert!(answer.starts_with("HTTP/1.1 200") && answer.ends_with("{}"));
//! assert_eq!(server.requests("/status/1"), 1);
//! # Ok::<(), Box<dyn std::error::Error>>(())
//! ```
//!
//! # Design decisions
//! - **Blocking std networking, one thread per connection**, `Connection: close` on every
//!   answer: the tests need a handful of requests, and a server with no runtime and no
//!   dependencies builds in a second and behaves the same under every test harness.
//! - **Bounded**: a server accepts at most [`http::Limits::max_connections`] connections and
//!   lives at most [`http::Limits::lifetime`], so a test that forgets it cannot leave a thread
//!   spinning; the benchmark raises both.
#![forbid(unsafe_code)]
#![deny(missing_docs)]

pub mod did_configuration;
pub mod http;
mod signer;

pub use signer::{Signer, TestkitError, encoded_status_list, ob3_credential};
