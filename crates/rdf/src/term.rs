//! RDF terms and quads as plain owned values.
//!
//! Kept deliberately simple (owned strings, no interning) so that producers (the JSON-LD
//! toRdf step) and consumers (RDFC-1.0, N-Quads) agree on one shape without generics.

/// An RDF term in any position of a quad.
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Term {
    /// An absolute IRI, without the angle brackets.
    Iri(String),
    /// A blank node label without the leading `_:`.
    BlankNode(String),
    /// A literal value.
    Literal(Literal),
}

/// An RDF literal: lexical form, datatype IRI and optional language tag / base direction.
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct Literal {
    /// The lexical form.
    pub value: String,
    /// The datatype IRI. `rdf:langString` when `language` is set.
    pub datatype: String,
    /// The language tag, if any (lower-case normalisation is the producer's choice).
    pub language: Option<String>,
}

/// One quad. `graph` is `None` for the default graph.
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct Quad {
    /// An IRI or blank node.
    pub subject: Term,
    /// Always an IRI.
    pub predicate: Term,
    /// Any term.
    pub object: Term,
    /// `None` for the default graph, otherwise an IRI or blank node.
    pub graph: Option<Term>,
}

/// `http://www.w3.org/2001/XMLSchema#string`, the datatype of plain literals.
pub const XSD_STRING: &str = "http://www.w3.org/2001/XMLSchema#string";
/// `http://www.w3.org/1999/02/22-rdf-syntax-ns#langString`, the datatype of language-tagged literals.
pub const RDF_LANG_STRING: &str = "http://www.w3.org/1999/02/22-rdf-syntax-ns#langString";
