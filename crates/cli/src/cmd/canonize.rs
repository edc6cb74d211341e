//! `credbridge canonize`: the canonical N-Quads (RDFC-1.0) of a JSON-LD document or of its
//! proof configuration, or its expanded form — what a Data Integrity proof actually signs.

use anyhow::{Context, Result};
use credbridge_config::context_loader;
use credbridge_jsonld::Processor;
use credbridge_rdf::{CanonOptions, HashAlgorithm};
use std::io::Write;

use crate::args::{CanonHash, CanonizeArgs};
use crate::cmd::input::read_json;
use crate::exit::Status;

/// Canonical forms are computed on one document; 16 MiB is far above any real credential.
const MAX_INPUT_BYTES: u64 = 16 * 1024 * 1024;

pub fn run(args: &CanonizeArgs) -> Result<Status> {
    let document = read_json(&args.path, MAX_INPUT_BYTES)?;
    let processor = Processor::new(context_loader(args.contexts.as_deref())?);
    let options = credbridge_jsonld::Options::safe();

    let target = if args.proof {
        credbridge_proofs::data_integrity::proof_configuration(&document, 0)
            .context("building the proof configuration")?
    } else {
        let mut unsecured = document;
        if let Some(object) = unsecured.as_object_mut() {
            // The document is canonicalized without its proof, as a verifier does.
            object.remove("proof");
        }
        unsecured
    };

    let mut out = std::io::stdout().lock();
    if args.expanded {
        let expanded = processor
            .expand(&target, &options)
            .context("expanding the document")?;
        writeln!(out, "{}", serde_json::to_string_pretty(&expanded)?)?;
        return Ok(Status::Ok);
    }
    let quads = processor
        .to_rdf(&target, &options)
        .context("converting the document to RDF")?;
    let canon_options = CanonOptions {
        hash: match args.hash {
            CanonHash::Sha256 => HashAlgorithm::Sha256,
            CanonHash::Sha384 => HashAlgorithm::Sha384,
        },
        ..CanonOptions::default()
    };
    let nquads = credbridge_rdf::canonical_nquads(&quads, &canon_options)
        .context("canonicalizing (RDFC-1.0)")?;
    out.write_all(nquads.as_bytes())?;
    Ok(Status::Ok)
}
