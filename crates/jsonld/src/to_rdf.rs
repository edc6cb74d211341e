//! Expanded JSON-LD → RDF quads.
//!
//! The specification goes through a node map
//! (<https://www.w3.org/TR/json-ld11-api/#node-map-generation>) and then Deserialize JSON-LD to
//! RDF (<https://www.w3.org/TR/json-ld11-api/#deserialize-json-ld-to-rdf-algorithm>). Building
//! the node map only merges node objects that share an `@id` and relabels blank nodes; for a
//! dataset (a *set* of quads) the same result comes from walking the expanded tree once,
//! emitting each node's quads where it appears, relabelling blank nodes on the way and
//! removing duplicate quads at the end. That walk is what this module does.

use credbridge_rdf::{Literal, Quad, Term};
use serde_json::{Map, Value};

use crate::RdfDirection;
use crate::engine::Engine;
use crate::error::{ErrorCode, JsonLdError};
use crate::hash::FxHashMap;
use crate::iri::{is_absolute_iri, is_blank_node, is_well_formed_language_tag};
use crate::jcs;
use crate::path::Path;

const XSD_STRING: &str = "http://www.w3.org/2001/XMLSchema#string";
const RDF_LANG_STRING: &str = "http://www.w3.org/1999/02/22-rdf-syntax-ns#langString";
const RDF_TYPE: &str = "http://www.w3.org/1999/02/22-rdf-syntax-ns#type";
const RDF_FIRST: &str = "http://www.w3.org/1999/02/22-rdf-syntax-ns#first";
const RDF_REST: &str = "http://www.w3.org/1999/02/22-rdf-syntax-ns#rest";
const RDF_NIL: &str = "http://www.w3.org/1999/02/22-rdf-syntax-ns#nil";
const RDF_JSON: &str = "http://www.w3.org/1999/02/22-rdf-syntax-ns#JSON";
const RDF_VALUE: &str = "http://www.w3.org/1999/02/22-rdf-syntax-ns#value";
const RDF_DIRECTION: &str = "http://www.w3.org/1999/02/22-rdf-syntax-ns#direction";
const RDF_LANGUAGE: &str = "http://www.w3.org/1999/02/22-rdf-syntax-ns#language";
const XSD_BOOLEAN: &str = "http://www.w3.org/2001/XMLSchema#boolean";
const XSD_INTEGER: &str = "http://www.w3.org/2001/XMLSchema#integer";
const XSD_DOUBLE: &str = "http://www.w3.org/2001/XMLSchema#double";
const I18N: &str = "https://www.w3.org/ns/i18n#";

/// Canonical `xsd:double` lexical form (`1.1E0`), as the specification derives it from
/// ECMAScript's `toExponential`.
pub(crate) fn canonical_double(f: f64) -> String {
    let s = format!("{f:.15E}");
    let (mantissa, exp) = s.split_once('E').unwrap_or((s.as_str(), "0"));
    let mantissa = mantissa.trim_end_matches('0');
    let mantissa = mantissa
        .strip_suffix('.')
        .map_or_else(|| mantissa.to_owned(), |m| format!("{m}.0"));
    format!("{mantissa}E{exp}")
}

pub(crate) struct RdfWriter<'e, 'a> {
    engine: &'e mut Engine<'a>,
    quads: Vec<Quad>,
    labels: FxHashMap<String, String>,
    counter: usize,
}

impl<'e, 'a> RdfWriter<'e, 'a> {
    pub(crate) fn new(engine: &'e mut Engine<'a>) -> Self {
        Self {
            engine,
            quads: Vec::new(),
            labels: FxHashMap::default(),
            counter: 0,
        }
    }

    pub(crate) fn finish(mut self) -> Vec<Quad> {
        self.quads.sort_unstable();
        self.quads.dedup();
        self.quads
    }

    fn safe(&self) -> bool {
        self.engine.options.safe_mode
    }

    fn fresh(&mut self) -> Term {
        let label = format!("b{}", self.counter);
        self.counter += 1;
        Term::BlankNode(label)
    }

    fn relabel(&mut self, id: &str) -> Term {
        if let Some(l) = self.labels.get(id) {
            return Term::BlankNode(l.clone());
        }
        let label = format!("b{}", self.counter);
        self.counter += 1;
        self.labels.insert(id.to_owned(), label.clone());
        Term::BlankNode(label)
    }

    fn push(&mut self, quad: Quad) -> Result<(), JsonLdError> {
        self.engine.count_output(1)?;
        self.quads.push(quad);
        Ok(())
    }

    /// An IRI or blank node from an `@id`-like string; `None` (or a safe-mode error) when it
    /// is neither.
    fn resource(
        &mut self,
        s: &str,
        path: &Path<'_>,
        what: &'static str,
    ) -> Result<Option<Term>, JsonLdError> {
        if is_blank_node(s) {
            return Ok(Some(self.relabel(s)));
        }
        if is_absolute_iri(s) {
            return Ok(Some(Term::Iri(s.to_owned())));
        }
        if self.safe() {
            let _ = what;
            return Err(JsonLdError::RelativeIri {
                path: path.render(),
                value: s.to_owned(),
            });
        }
        Ok(None)
    }

    /// Emits every top-level node of an expanded document into the default graph.
    pub(crate) fn document(&mut self, nodes: &[Value]) -> Result<(), JsonLdError> {
        let root = Path::Root;
        for (i, node) in nodes.iter().enumerate() {
            if let Value::Object(m) = node
                && !m.contains_key("@value")
                && !m.contains_key("@list")
            {
                self.node(m, None, &Path::Index(&root, i))?;
            }
        }
        Ok(())
    }

    /// Emits one node object's quads (and those of everything nested in it) into `graph`;
    /// returns the node's subject term.
    fn node(
        &mut self,
        node: &Map<String, Value>,
        graph: Option<&Term>,
        path: &Path<'_>,
    ) -> Result<Option<Term>, JsonLdError> {
        let subject = match node.get("@id") {
            Some(Value::String(id)) => self.resource(id, &Path::Key(path, "@id"), "subject")?,
            // An @id that expanded to null (a keyword-like value) names nothing.
            Some(_) => None,
            None => Some(self.fresh()),
        };
        for (key, value) in node {
            let kpath = Path::Key(path, key);
            match key.as_str() {
                "@id" | "@index" | "@context" => {}
                "@type" => {
                    let Value::Array(types) = value else { continue };
                    for (i, t) in types.iter().enumerate() {
                        let Some(t) = t.as_str() else { continue };
                        let object = self.resource(t, &Path::Index(&kpath, i), "type")?;
                        if let (Some(s), Some(o)) = (&subject, object) {
                            self.push(Quad {
                                subject: s.clone(),
                                predicate: Term::Iri(RDF_TYPE.to_owned()),
                                object: o,
                                graph: graph.cloned(),
                            })?;
                        }
                    }
                }
                "@graph" => {
                    let Value::Array(items) = value else { continue };
                    // A graph whose name is not an IRI or blank node cannot be emitted.
                    let Some(name) = subject.clone() else {
                        continue;
                    };
                    for (i, item) in items.iter().enumerate() {
                        if let Value::Object(m) = item
                            && !m.contains_key("@value")
                            && !m.contains_key("@list")
                        {
                            self.node(m, Some(&name), &Path::Index(&kpath, i))?;
                        }
                    }
                }
                "@included" => {
                    let Value::Array(items) = value else { continue };
                    for (i, item) in items.iter().enumerate() {
                        if let Value::Object(m) = item {
                            self.node(m, graph, &Path::Index(&kpath, i))?;
                        }
                    }
                }
                "@reverse" => {
                    let Value::Object(rmap) = value else { continue };
                    for (prop, items) in rmap {
                        let ppath = Path::Key(&kpath, prop);
                        let predicate = self.predicate(prop, &ppath)?;
                        let Value::Array(items) = items else { continue };
                        for (i, item) in items.iter().enumerate() {
                            let Value::Object(m) = item else { continue };
                            let ipath = Path::Index(&ppath, i);
                            let reverse_subject = self.node(m, graph, &ipath)?;
                            if let (Some(rs), Some(p), Some(o)) =
                                (reverse_subject, &predicate, &subject)
                            {
                                self.push(Quad {
                                    subject: rs,
                                    predicate: p.clone(),
                                    object: o.clone(),
                                    graph: graph.cloned(),
                                })?;
                            }
                        }
                    }
                }
                k if k.starts_with('@') => {}
                prop => {
                    let predicate = self.predicate(prop, &kpath)?;
                    let Value::Array(items) = value else { continue };
                    for (i, item) in items.iter().enumerate() {
                        let ipath = Path::Index(&kpath, i);
                        match (&subject, &predicate) {
                            (Some(s), Some(p)) => {
                                if let Some(o) = self.object(item, graph, &ipath)? {
                                    self.push(Quad {
                                        subject: s.clone(),
                                        predicate: p.clone(),
                                        object: o,
                                        graph: graph.cloned(),
                                    })?;
                                }
                            }
                            // No triple links to the value, but nodes nested in it still
                            // exist in the node map and keep their own quads.
                            _ => self.nested_only(item, graph, &ipath)?,
                        }
                    }
                }
            }
        }
        Ok(subject)
    }

    fn predicate(&mut self, prop: &str, path: &Path<'_>) -> Result<Option<Term>, JsonLdError> {
        if is_blank_node(prop) {
            if self.engine.options.produce_generalized_rdf {
                return Ok(Some(self.relabel(prop)));
            }
            if self.safe() {
                return Err(JsonLdError::DroppedValue {
                    path: path.render(),
                    reason: "a blank node predicate",
                });
            }
            return Ok(None);
        }
        self.resource(prop, path, "predicate")
    }

    fn nested_only(
        &mut self,
        item: &Value,
        graph: Option<&Term>,
        path: &Path<'_>,
    ) -> Result<(), JsonLdError> {
        let Value::Object(m) = item else {
            return Ok(());
        };
        if m.contains_key("@value") {
            return Ok(());
        }
        if let Some(Value::Array(list)) = m.get("@list") {
            let lpath = Path::Key(path, "@list");
            for (i, x) in list.iter().enumerate() {
                self.nested_only(x, graph, &Path::Index(&lpath, i))?;
            }
            return Ok(());
        }
        self.node(m, graph, path)?;
        Ok(())
    }

    /// Object to RDF Conversion
    /// (<https://www.w3.org/TR/json-ld11-api/#object-to-rdf-conversion>).
    fn object(
        &mut self,
        item: &Value,
        graph: Option<&Term>,
        path: &Path<'_>,
    ) -> Result<Option<Term>, JsonLdError> {
        let Value::Object(m) = item else {
            return Ok(None);
        };
        if let Some(value) = m.get("@value") {
            return self.literal(m, value, graph, path);
        }
        if let Some(Value::Array(list)) = m.get("@list") {
            return self.list(list, graph, &Path::Key(path, "@list")).map(Some);
        }
        self.node(m, graph, path)
    }

    /// List to RDF Conversion (<https://www.w3.org/TR/json-ld11-api/#list-to-rdf-conversion>).
    fn list(
        &mut self,
        items: &[Value],
        graph: Option<&Term>,
        path: &Path<'_>,
    ) -> Result<Term, JsonLdError> {
        if items.is_empty() {
            return Ok(Term::Iri(RDF_NIL.to_owned()));
        }
        let nodes: Vec<Term> = (0..items.len()).map(|_| self.fresh()).collect();
        for (i, (item, node)) in items.iter().zip(&nodes).enumerate() {
            if let Some(o) = self.object(item, graph, &Path::Index(path, i))? {
                self.push(Quad {
                    subject: node.clone(),
                    predicate: Term::Iri(RDF_FIRST.to_owned()),
                    object: o,
                    graph: graph.cloned(),
                })?;
            }
            let rest = nodes
                .get(i + 1)
                .cloned()
                .unwrap_or_else(|| Term::Iri(RDF_NIL.to_owned()));
            self.push(Quad {
                subject: node.clone(),
                predicate: Term::Iri(RDF_REST.to_owned()),
                object: rest,
                graph: graph.cloned(),
            })?;
        }
        Ok(nodes
            .into_iter()
            .next()
            .unwrap_or_else(|| Term::Iri(RDF_NIL.to_owned())))
    }

    fn literal(
        &mut self,
        m: &Map<String, Value>,
        value: &Value,
        graph: Option<&Term>,
        path: &Path<'_>,
    ) -> Result<Option<Term>, JsonLdError> {
        let datatype = m.get("@type").and_then(Value::as_str);
        if let Some(dt) = datatype
            && dt != "@json"
            && !is_absolute_iri(dt)
        {
            if self.safe() {
                return Err(JsonLdError::RelativeIri {
                    path: Path::Key(path, "@type").render(),
                    value: dt.to_owned(),
                });
            }
            return Ok(None);
        }
        let language = m.get("@language").and_then(Value::as_str);
        if let Some(l) = language
            && !is_well_formed_language_tag(l)
        {
            if self.safe() {
                return Err(JsonLdError::InvalidLanguageTag {
                    path: Path::Key(path, "@language").render(),
                    value: l.to_owned(),
                });
            }
            return Ok(None);
        }
        let lit = |value: String, datatype: &str| {
            Some(Term::Literal(Literal {
                value,
                datatype: datatype.to_owned(),
                language: None,
            }))
        };
        if datatype == Some("@json") {
            let text = jcs::canonicalize(value).map_err(|e| match e {
                jcs::JcsError::TooDeep { limit } => JsonLdError::DepthLimit {
                    path: path.render(),
                    limit,
                },
                e => JsonLdError::Syntax {
                    code: ErrorCode::InvalidJsonLiteral,
                    path: path.render(),
                    detail: e.to_string(),
                },
            })?;
            return Ok(lit(text, RDF_JSON));
        }
        match value {
            Value::Bool(b) => Ok(lit(
                if *b { "true" } else { "false" }.to_owned(),
                datatype.unwrap_or(XSD_BOOLEAN),
            )),
            Value::Number(n) => {
                let f = n.as_f64().unwrap_or(0.0);
                let is_integer_number = n.is_i64() || n.is_u64();
                let use_double = datatype == Some(XSD_DOUBLE)
                    || (!is_integer_number && (f.fract() != 0.0 || f.abs() >= 1e21))
                    || (is_integer_number && f.abs() >= 1e21);
                if use_double {
                    Ok(lit(canonical_double(f), datatype.unwrap_or(XSD_DOUBLE)))
                } else {
                    let s = if let Some(i) = n.as_i64() {
                        i.to_string()
                    } else if let Some(u) = n.as_u64() {
                        u.to_string()
                    } else if f == 0.0 {
                        "0".to_owned()
                    } else {
                        format!("{f:.0}")
                    };
                    Ok(lit(s, datatype.unwrap_or(XSD_INTEGER)))
                }
            }
            Value::String(s) => {
                let direction = m.get("@direction").and_then(Value::as_str);
                if let Some(dir) = direction {
                    match self.engine.options.rdf_direction {
                        Some(RdfDirection::I18nDatatype) => {
                            let dt =
                                format!("{I18N}{}_{dir}", language.unwrap_or("").to_lowercase());
                            return Ok(lit(s.clone(), &dt));
                        }
                        Some(RdfDirection::CompoundLiteral) => {
                            let b = self.fresh();
                            let g = graph.cloned();
                            let string = |v: &str| {
                                Term::Literal(Literal {
                                    value: v.to_owned(),
                                    datatype: XSD_STRING.to_owned(),
                                    language: None,
                                })
                            };
                            self.push(Quad {
                                subject: b.clone(),
                                predicate: Term::Iri(RDF_VALUE.to_owned()),
                                object: string(s),
                                graph: g.clone(),
                            })?;
                            if let Some(l) = language {
                                self.push(Quad {
                                    subject: b.clone(),
                                    predicate: Term::Iri(RDF_LANGUAGE.to_owned()),
                                    object: string(&l.to_lowercase()),
                                    graph: g.clone(),
                                })?;
                            }
                            self.push(Quad {
                                subject: b.clone(),
                                predicate: Term::Iri(RDF_DIRECTION.to_owned()),
                                object: string(dir),
                                graph: g,
                            })?;
                            return Ok(Some(b));
                        }
                        None => {
                            if self.safe() {
                                return Err(JsonLdError::DroppedValue {
                                    path: Path::Key(path, "@direction").render(),
                                    reason: "a base direction (rdf_direction is not set)",
                                });
                            }
                        }
                    }
                }
                if let Some(l) = language {
                    if datatype.is_some() {
                        return Ok(None);
                    }
                    return Ok(Some(Term::Literal(Literal {
                        value: s.clone(),
                        datatype: RDF_LANG_STRING.to_owned(),
                        language: Some(l.to_lowercase()),
                    })));
                }
                Ok(lit(s.clone(), datatype.unwrap_or(XSD_STRING)))
            }
            _ => Ok(None),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn doubles_are_canonical() {
        assert_eq!(canonical_double(1.1), "1.1E0");
        assert_eq!(canonical_double(1.0), "1.0E0");
        assert_eq!(canonical_double(-0.00001), "-1.0E-5");
        assert_eq!(canonical_double(1e21), "1.0E21");
        assert_eq!(canonical_double(123.456), "1.23456E2");
    }
}
