//! credbridge-rdf: RDF terms, N-Quads and RDFC-1.0 (being written).
#![forbid(unsafe_code)]

pub mod term;
pub use term::{Literal, Quad, Term};
