//! The Expansion algorithm (<https://www.w3.org/TR/json-ld11-api/#expansion-algorithm>) and
//! Value Expansion (<https://www.w3.org/TR/json-ld11-api/#value-expansion>), with the safe-mode
//! checks layered on the points where the specification drops data.

use std::sync::Arc;

use serde_json::{Map, Value};

use crate::MAX_DEPTH;
use crate::context::{ActiveContext, TermDefinition, container};
use crate::engine::Engine;
use crate::error::{ErrorCode, JsonLdError};
use crate::iri::{is_absolute_iri, is_blank_node, is_keyword, is_well_formed_language_tag};
use crate::path::Path;

fn syntax(code: ErrorCode, path: &Path<'_>, detail: impl Into<String>) -> JsonLdError {
    JsonLdError::Syntax {
        code,
        path: path.render(),
        detail: detail.into(),
    }
}

fn one(key: &str, value: Value) -> Value {
    let mut m = Map::with_capacity(2);
    m.insert(key.to_owned(), value);
    Value::Object(m)
}

fn into_array(v: Value) -> Vec<Value> {
    match v {
        Value::Array(a) => a,
        other => vec![other],
    }
}

fn is_list_object(v: &Value) -> bool {
    v.as_object().is_some_and(|m| m.contains_key("@list"))
}

fn is_graph_object(v: &Value) -> bool {
    v.as_object().is_some_and(|m| {
        m.contains_key("@graph")
            && m.keys()
                .all(|k| matches!(k.as_str(), "@graph" | "@id" | "@index" | "@context"))
    })
}

fn is_node_object(v: &Value) -> bool {
    v.as_object().is_some_and(|m| {
        !m.contains_key("@value") && !m.contains_key("@list") && !m.contains_key("@set")
    })
}

/// Appends `value` (flattening one array level) to `result[key]`, always as an array.
fn add_values(result: &mut Map<String, Value>, key: &str, value: Value) {
    let entry = result
        .entry(key.to_owned())
        .or_insert_with(|| Value::Array(Vec::new()));
    if !entry.is_array() {
        let old = std::mem::take(entry);
        *entry = Value::Array(vec![old]);
    }
    if let Value::Array(list) = entry {
        match value {
            Value::Array(items) => list.extend(items),
            other => list.push(other),
        }
    }
}

/// The parts of an element's expansion that stay fixed while its entries (and `@nest`ed
/// entries) are processed.
struct NodeScope<'a> {
    active: &'a Arc<ActiveContext>,
    type_scoped: &'a Arc<ActiveContext>,
    active_property: Option<&'a str>,
    input_type_json: bool,
    depth: usize,
}

impl Engine<'_> {
    fn safe(&self) -> bool {
        self.options.safe_mode
    }

    fn dropped(&self, path: &Path<'_>, reason: &'static str) -> Result<(), JsonLdError> {
        if self.safe() {
            return Err(JsonLdError::DroppedValue {
                path: path.render(),
                reason,
            });
        }
        Ok(())
    }

    fn check_language(&self, path: &Path<'_>, tag: &str) -> Result<(), JsonLdError> {
        if self.safe() && !is_well_formed_language_tag(tag) {
            return Err(JsonLdError::InvalidLanguageTag {
                path: path.render(),
                value: tag.to_owned(),
            });
        }
        Ok(())
    }

    /// Expands a whole document: the result is always an array of node objects.
    pub(crate) fn expand_document(&mut self, doc: &Value) -> Result<Vec<Value>, JsonLdError> {
        let mut active = self.initial_context();
        if let Some(ec) = self.options.expand_context.clone() {
            let ctx = match ec.as_object().and_then(|o| o.get("@context")) {
                Some(inner) => inner,
                None => &*ec,
            };
            active = self.apply_local(&active, ctx, &Path::Root)?;
        }
        let expanded = self.expand_element(&active, None, doc, &Path::Root, false, false, 0)?;
        let expanded = match expanded {
            Some(Value::Object(mut m)) if m.len() == 1 && m.contains_key("@graph") => {
                m.remove("@graph")
            }
            other => other,
        };
        Ok(match expanded {
            None => Vec::new(),
            Some(v) => into_array(v),
        })
    }

    #[expect(
        clippy::too_many_arguments,
        reason = "the algorithm's own parameter list"
    )]
    pub(crate) fn expand_element(
        &mut self,
        active: &Arc<ActiveContext>,
        active_property: Option<&str>,
        element: &Value,
        path: &Path<'_>,
        from_map: bool,
        inside_list: bool,
        depth: usize,
    ) -> Result<Option<Value>, JsonLdError> {
        if depth > MAX_DEPTH {
            return Err(JsonLdError::DepthLimit {
                path: path.render(),
                limit: MAX_DEPTH,
            });
        }
        match element {
            Value::Null => Ok(None),
            Value::Array(items) => {
                let list_container = inside_list
                    || active_property
                        .and_then(|p| active.term(p))
                        .is_some_and(|d| d.has_container(container::LIST));
                let mut result = Vec::with_capacity(items.len());
                for (i, item) in items.iter().enumerate() {
                    let item_path = Path::Index(path, i);
                    let e = self.expand_element(
                        active,
                        active_property,
                        item,
                        &item_path,
                        from_map,
                        list_container,
                        depth + 1,
                    )?;
                    match e {
                        Some(Value::Array(a)) if list_container => {
                            self.count_output(1)?;
                            result.push(one("@list", Value::Array(a)));
                        }
                        Some(Value::Array(a)) => result.extend(a),
                        Some(v) => result.push(v),
                        None => {}
                    }
                }
                Ok(Some(Value::Array(result)))
            }
            Value::Object(m) => self.expand_object(
                active,
                active_property,
                m,
                path,
                from_map,
                inside_list,
                depth,
            ),
            scalar => {
                if !inside_list && matches!(active_property, None | Some("@graph")) {
                    self.dropped(path, "a free-floating value")?;
                    return Ok(None);
                }
                let mut ctx = active.clone();
                if let Some(def) = active_property.and_then(|p| active.term(p))
                    && def.context.is_some()
                {
                    ctx = self.apply_scoped(active, def, true, true, path)?;
                }
                self.expand_value(&ctx, active_property, scalar, path)
            }
        }
    }

    #[expect(
        clippy::too_many_arguments,
        reason = "the algorithm's own parameter list"
    )]
    fn expand_object(
        &mut self,
        active_in: &Arc<ActiveContext>,
        active_property: Option<&str>,
        element: &Map<String, Value>,
        path: &Path<'_>,
        from_map: bool,
        inside_list: bool,
        depth: usize,
    ) -> Result<Option<Value>, JsonLdError> {
        self.count_output(1)?;
        let prop_def: Option<&TermDefinition> = active_property.and_then(|p| active_in.term(p));
        let mut active = active_in.clone();
        // 7: a type-scoped context does not apply to new node objects.
        if !from_map && let Some(prev) = &active_in.previous {
            let mut revert = true;
            for k in element.keys() {
                match active_in.expand_iri(k, false, true).as_deref() {
                    Some("@value") => {
                        revert = false;
                        break;
                    }
                    Some("@id") if element.len() == 1 => revert = false,
                    _ => {}
                }
            }
            if revert {
                active = prev.clone();
            }
        }
        // 8: property-scoped context.
        if let Some(def) = prop_def
            && def.context.is_some()
        {
            active = self.apply_scoped(&active, def, true, true, path)?;
        }
        // 9: embedded context.
        if let Some(local) = element.get("@context") {
            active = self.apply_local(&active, local, &Path::Key(path, "@context"))?;
        }
        // 10-11: type-scoped contexts, in lexicographic order of key and of type.
        let type_scoped = active.clone();
        let mut type_entries: Vec<(&str, &Value)> = element
            .iter()
            .filter(|(k, _)| type_scoped.expand_iri(k, false, true).as_deref() == Some("@type"))
            .map(|(k, v)| (k.as_str(), v))
            .collect();
        type_entries.sort_unstable_by(|a, b| a.0.cmp(b.0));
        for (_, v) in &type_entries {
            let mut terms: Vec<&str> = match v {
                Value::Array(a) => a.iter().filter_map(Value::as_str).collect(),
                Value::String(s) => vec![s.as_str()],
                _ => Vec::new(),
            };
            terms.sort_unstable();
            for t in terms {
                if let Some(def) = type_scoped.term(t)
                    && def.context.is_some()
                {
                    active = self.apply_scoped(&active, def, false, false, path)?;
                }
            }
        }
        // 12: input type.
        let input_type_json = type_entries.first().is_some_and(|(_, v)| {
            let last = match v {
                Value::Array(a) => a.last().and_then(Value::as_str),
                Value::String(s) => Some(s.as_str()),
                _ => None,
            };
            last.is_some_and(|t| active.expand_iri(t, false, true).as_deref() == Some("@json"))
        });
        let mut result = Map::new();
        let scope = NodeScope {
            active: &active,
            type_scoped: &type_scoped,
            active_property,
            input_type_json,
            depth,
        };
        self.expand_entries(&scope, element, &mut result, path)?;
        self.finish_object(result, &active, active_property, inside_list, path)
    }

    /// Steps 15-20: validate value objects, normalise `@type`, unwrap `@set`, drop
    /// free-floating values.
    fn finish_object(
        &mut self,
        mut result: Map<String, Value>,
        active: &ActiveContext,
        active_property: Option<&str>,
        inside_list: bool,
        path: &Path<'_>,
    ) -> Result<Option<Value>, JsonLdError> {
        if let Some(value) = result.get("@value") {
            if let Some(k) = result.keys().find(|k| {
                !matches!(
                    k.as_str(),
                    "@direction" | "@index" | "@language" | "@type" | "@value"
                )
            }) {
                return Err(syntax(
                    ErrorCode::InvalidValueObject,
                    path,
                    format!("a value object cannot have {k}"),
                ));
            }
            let has_type = result.contains_key("@type");
            if has_type && (result.contains_key("@language") || result.contains_key("@direction")) {
                return Err(syntax(
                    ErrorCode::InvalidValueObject,
                    path,
                    "a value object cannot have both @type and @language/@direction",
                ));
            }
            let ty = result.get("@type");
            if ty.and_then(Value::as_str) == Some("@json") && !active.mode_10 {
                // Any JSON is a valid @json value.
            } else if value.is_null() || value.as_array().is_some_and(Vec::is_empty) {
                self.dropped(path, "a value object with a null @value")?;
                return Ok(None);
            } else if !value.is_string() && result.contains_key("@language") {
                return Err(syntax(
                    ErrorCode::InvalidLanguageTaggedValue,
                    path,
                    format!("only strings can have a language, found {value}"),
                ));
            } else if let Some(t) = ty {
                let ok = t
                    .as_str()
                    .is_some_and(|t| is_absolute_iri(t) && !is_blank_node(t));
                if !ok {
                    return Err(syntax(
                        ErrorCode::InvalidTypedValue,
                        path,
                        format!("the @type of a value must be an absolute IRI, found {t}"),
                    ));
                }
            }
        } else if let Some(t) = result.get_mut("@type") {
            if !t.is_array() {
                let old = std::mem::take(t);
                *t = Value::Array(vec![old]);
            }
        } else if result.contains_key("@set") || result.contains_key("@list") {
            let n = result.len();
            if n > 2 || (n == 2 && !result.contains_key("@index")) {
                return Err(syntax(
                    ErrorCode::InvalidSetOrListObject,
                    path,
                    "@set and @list objects may only have @index besides",
                ));
            }
            if let Some(set) = result.remove("@set") {
                return Ok(Some(set));
            }
        }
        // 18
        if result.len() == 1 && result.contains_key("@language") {
            self.dropped(path, "an object with only @language")?;
            return Ok(None);
        }
        // 19
        if !inside_list && matches!(active_property, None | Some("@graph")) {
            if result.is_empty() {
                self.dropped(path, "an empty object")?;
                return Ok(None);
            }
            if result.contains_key("@value") {
                self.dropped(path, "a free-floating value object")?;
                return Ok(None);
            }
            if result.contains_key("@list") {
                self.dropped(path, "a free-floating list")?;
                return Ok(None);
            }
            if result.len() == 1 && result.contains_key("@id") {
                self.dropped(path, "a node object with only @id")?;
                return Ok(None);
            }
        }
        Ok(Some(Value::Object(result)))
    }

    /// Steps 13-14 over one element (called again for each `@nest`ed object).
    fn expand_entries(
        &mut self,
        scope: &NodeScope<'_>,
        element: &Map<String, Value>,
        result: &mut Map<String, Value>,
        path: &Path<'_>,
    ) -> Result<(), JsonLdError> {
        let active = scope.active;
        let depth = scope.depth;
        let mut nests: Vec<&str> = Vec::new();
        for (key, value) in element {
            if key == "@context" {
                continue;
            }
            let kpath = Path::Key(path, key);
            let expanded = active.expand_iri(key, false, true);
            let Some(expanded) = expanded else {
                if key.starts_with('@') {
                    self.dropped(&kpath, "a keyword-like term")?;
                } else if self.safe() {
                    return Err(JsonLdError::UndefinedTerm {
                        path: kpath.render(),
                        term: key.clone(),
                    });
                }
                continue;
            };
            let ep: &str = &expanded;
            if !is_keyword(ep) {
                if !ep.contains(':') {
                    if self.safe() {
                        return Err(JsonLdError::UndefinedTerm {
                            path: kpath.render(),
                            term: key.clone(),
                        });
                    }
                    continue;
                }
                self.expand_property(scope, key, ep, value, result, &kpath)?;
                continue;
            }
            // 13.4: keywords.
            if scope.active_property == Some("@reverse") {
                return Err(syntax(
                    ErrorCode::InvalidReversePropertyMap,
                    &kpath,
                    "a @reverse map cannot contain keywords",
                ));
            }
            if result.contains_key(ep) && (active.mode_10 || (ep != "@included" && ep != "@type")) {
                return Err(syntax(
                    ErrorCode::CollidingKeywords,
                    &kpath,
                    format!("{ep} appears more than once"),
                ));
            }
            match ep {
                "@id" => {
                    let Value::String(s) = value else {
                        return Err(syntax(
                            ErrorCode::InvalidIdValue,
                            &kpath,
                            format!("@id must be a string, found {value}"),
                        ));
                    };
                    match active.expand_iri(s, true, false) {
                        Some(iri) => {
                            if self.safe() && !is_absolute_iri(&iri) && !is_blank_node(&iri) {
                                return Err(JsonLdError::RelativeIri {
                                    path: kpath.render(),
                                    value: iri.into_owned(),
                                });
                            }
                            result.insert("@id".to_owned(), Value::String(iri.into_owned()));
                        }
                        None => {
                            self.dropped(&kpath, "a keyword-like @id")?;
                            result.insert("@id".to_owned(), Value::Null);
                        }
                    }
                }
                "@type" => {
                    let strings: Vec<(usize, &str)> = match value {
                        Value::String(s) => vec![(usize::MAX, s.as_str())],
                        Value::Array(a) if a.iter().all(Value::is_string) => a
                            .iter()
                            .enumerate()
                            .filter_map(|(i, v)| v.as_str().map(|s| (i, s)))
                            .collect(),
                        _ => {
                            return Err(syntax(
                                ErrorCode::InvalidTypeValue,
                                &kpath,
                                format!(
                                    "@type must be a string or an array of strings, found {value}"
                                ),
                            ));
                        }
                    };
                    let mut expanded_types = Vec::with_capacity(strings.len());
                    for (i, t) in strings {
                        let e = scope.type_scoped.expand_iri(t, true, true);
                        let ok = e
                            .as_deref()
                            .is_some_and(|e| is_absolute_iri(e) || is_blank_node(e));
                        if self.safe() && !ok {
                            let tpath = if i == usize::MAX {
                                kpath
                            } else {
                                Path::Index(&kpath, i)
                            };
                            return Err(JsonLdError::UndefinedTerm {
                                path: tpath.render(),
                                term: t.to_owned(),
                            });
                        }
                        if let Some(e) = e {
                            expanded_types.push(Value::String(e.into_owned()));
                        }
                    }
                    let new = if value.is_string() && expanded_types.len() == 1 {
                        expanded_types.pop().unwrap_or(Value::Null)
                    } else {
                        Value::Array(expanded_types)
                    };
                    match result.remove("@type") {
                        Some(old) => {
                            let mut all = into_array(old);
                            all.extend(into_array(new));
                            result.insert("@type".to_owned(), Value::Array(all));
                        }
                        None => {
                            result.insert("@type".to_owned(), new);
                        }
                    }
                }
                "@graph" => {
                    let ev = self.expand_element(
                        active,
                        Some("@graph"),
                        value,
                        &kpath,
                        false,
                        false,
                        depth + 1,
                    )?;
                    let ev = ev.map_or_else(Vec::new, into_array);
                    result.insert("@graph".to_owned(), Value::Array(ev));
                }
                "@included" => {
                    if active.mode_10 {
                        continue;
                    }
                    let raw: &[Value] = match value {
                        Value::Array(a) => a,
                        other => std::slice::from_ref(other),
                    };
                    let not_node = raw.iter().any(|item| match item {
                        Value::Object(m) => m.keys().any(|k| {
                            matches!(
                                active.expand_iri(k, false, true).as_deref(),
                                Some("@value" | "@list" | "@set")
                            )
                        }),
                        _ => true,
                    });
                    if not_node {
                        return Err(syntax(
                            ErrorCode::InvalidIncludedValue,
                            &kpath,
                            "@included values must be node objects",
                        ));
                    }
                    // Expanded as if inside a list, so that nothing is dropped as
                    // free-floating before the check below.
                    let ev = self.expand_element(
                        active,
                        scope.active_property,
                        value,
                        &kpath,
                        false,
                        true,
                        depth + 1,
                    )?;
                    let ev = ev.map_or_else(Vec::new, into_array);
                    if !ev.iter().all(is_node_object) {
                        return Err(syntax(
                            ErrorCode::InvalidIncludedValue,
                            &kpath,
                            "@included values must be node objects",
                        ));
                    }
                    add_values(result, "@included", Value::Array(ev));
                }
                "@value" => {
                    if scope.input_type_json && !active.mode_10 {
                        result.insert("@value".to_owned(), value.clone());
                    } else if value.is_array() || value.is_object() {
                        return Err(syntax(
                            ErrorCode::InvalidValueObjectValue,
                            &kpath,
                            "@value must be a string, number, boolean or null",
                        ));
                    } else {
                        result.insert("@value".to_owned(), value.clone());
                    }
                }
                "@language" => {
                    let Value::String(s) = value else {
                        return Err(syntax(
                            ErrorCode::InvalidLanguageTaggedString,
                            &kpath,
                            format!("@language must be a string, found {value}"),
                        ));
                    };
                    self.check_language(&kpath, s)?;
                    result.insert("@language".to_owned(), Value::String(s.to_lowercase()));
                }
                "@direction" => {
                    if active.mode_10 {
                        continue;
                    }
                    match value.as_str() {
                        Some("ltr" | "rtl") => {
                            result.insert("@direction".to_owned(), value.clone());
                        }
                        _ => {
                            return Err(syntax(
                                ErrorCode::InvalidBaseDirection,
                                &kpath,
                                format!("@direction must be \"ltr\" or \"rtl\", found {value}"),
                            ));
                        }
                    }
                }
                "@index" => {
                    if !value.is_string() {
                        return Err(syntax(
                            ErrorCode::InvalidIndexValue,
                            &kpath,
                            format!("@index must be a string, found {value}"),
                        ));
                    }
                    result.insert("@index".to_owned(), value.clone());
                }
                "@list" => {
                    if matches!(scope.active_property, None | Some("@graph")) {
                        self.dropped(&kpath, "a free-floating list")?;
                        continue;
                    }
                    let ev = self.expand_element(
                        active,
                        scope.active_property,
                        value,
                        &kpath,
                        false,
                        true,
                        depth + 1,
                    )?;
                    let ev = ev.map_or_else(Vec::new, into_array);
                    result.insert("@list".to_owned(), Value::Array(ev));
                }
                "@set" => {
                    let ev = self.expand_element(
                        active,
                        scope.active_property,
                        value,
                        &kpath,
                        false,
                        false,
                        depth + 1,
                    )?;
                    result.insert("@set".to_owned(), ev.unwrap_or(Value::Array(Vec::new())));
                }
                "@reverse" => {
                    if !value.is_object() {
                        return Err(syntax(
                            ErrorCode::InvalidReverseValue,
                            &kpath,
                            "@reverse must be an object",
                        ));
                    }
                    let ev = self.expand_element(
                        active,
                        Some("@reverse"),
                        value,
                        &kpath,
                        false,
                        false,
                        depth + 1,
                    )?;
                    if let Some(Value::Object(mut ev)) = ev {
                        if let Some(Value::Object(double)) = ev.remove("@reverse") {
                            for (prop, items) in double {
                                add_values(result, &prop, items);
                            }
                        }
                        for (prop, items) in ev {
                            let items = into_array(items);
                            for item in &items {
                                if item.as_object().is_some_and(|m| {
                                    m.contains_key("@value") || m.contains_key("@list")
                                }) {
                                    return Err(syntax(
                                        ErrorCode::InvalidReversePropertyValue,
                                        &kpath,
                                        "a reverse property value cannot be a value or list",
                                    ));
                                }
                            }
                            let rmap = result
                                .entry("@reverse".to_owned())
                                .or_insert_with(|| Value::Object(Map::new()));
                            if let Value::Object(rmap) = rmap {
                                add_values(rmap, &prop, Value::Array(items));
                            }
                        }
                    }
                }
                "@nest" => nests.push(key.as_str()),
                _ => {}
            }
        }
        // 14: nested entries, in key order.
        nests.sort_unstable();
        for nk in nests {
            let Some(nv) = element.get(nk) else { continue };
            let npath = Path::Key(path, nk);
            let items: &[Value] = match nv {
                Value::Array(a) => a,
                other => std::slice::from_ref(other),
            };
            for (i, item) in items.iter().enumerate() {
                let ipath = Path::Index(&npath, i);
                let Value::Object(nested) = item else {
                    return Err(syntax(
                        ErrorCode::InvalidNestValue,
                        &ipath,
                        "@nest values must be objects",
                    ));
                };
                if nested
                    .keys()
                    .any(|k| active.expand_iri(k, false, true).as_deref() == Some("@value"))
                {
                    return Err(syntax(
                        ErrorCode::InvalidNestValue,
                        &ipath,
                        "@nest values cannot be value objects",
                    ));
                }
                // The nesting term's own scoped context applies inside the nested object
                // (JSON-LD 1.1 errata; test c037/c038).
                match active.term(nk).filter(|d| d.context.is_some()) {
                    Some(def) => {
                        let nested_active = self.apply_scoped(active, def, true, true, &ipath)?;
                        let nested_scope = NodeScope {
                            active: &nested_active,
                            type_scoped: &nested_active,
                            active_property: scope.active_property,
                            input_type_json: scope.input_type_json,
                            depth: scope.depth,
                        };
                        self.expand_entries(&nested_scope, nested, result, &ipath)?;
                    }
                    None => self.expand_entries(scope, nested, result, &ipath)?,
                }
            }
        }
        Ok(())
    }

    /// Step 13.5-13.14: a non-keyword entry.
    fn expand_property(
        &mut self,
        scope: &NodeScope<'_>,
        key: &str,
        ep: &str,
        value: &Value,
        result: &mut Map<String, Value>,
        kpath: &Path<'_>,
    ) -> Result<(), JsonLdError> {
        use container::*;
        let active = scope.active;
        let def = active.term(key);
        let cont = def.map_or(0, |d| d.container);
        let ev: Option<Value> = if def.and_then(|d| d.type_mapping.as_deref()) == Some("@json") {
            let mut m = Map::with_capacity(2);
            m.insert("@value".to_owned(), value.clone());
            m.insert("@type".to_owned(), Value::String("@json".to_owned()));
            Some(Value::Object(m))
        } else if cont & LANGUAGE != 0
            && let Value::Object(map) = value
        {
            Some(self.expand_language_map(active, def, map, kpath)?)
        } else if cont & (INDEX | TYPE | ID) != 0
            && let Value::Object(map) = value
        {
            Some(self.expand_index_map(scope, key, def, map, kpath)?)
        } else {
            self.expand_element(
                active,
                Some(key),
                value,
                kpath,
                false,
                false,
                scope.depth + 1,
            )?
        };
        let Some(mut ev) = ev else {
            return Ok(());
        };
        if cont & LIST != 0 && !is_list_object(&ev) {
            ev = one("@list", Value::Array(into_array(ev)));
        }
        if cont & GRAPH != 0 && cont & (ID | INDEX) == 0 {
            ev = Value::Array(
                into_array(ev)
                    .into_iter()
                    .map(|v| one("@graph", Value::Array(into_array(v))))
                    .collect(),
            );
        }
        if def.is_some_and(|d| d.reverse) {
            let items = into_array(ev);
            for item in &items {
                if item
                    .as_object()
                    .is_some_and(|m| m.contains_key("@value") || m.contains_key("@list"))
                {
                    return Err(syntax(
                        ErrorCode::InvalidReversePropertyValue,
                        kpath,
                        "a reverse property value cannot be a value or list",
                    ));
                }
            }
            let rmap = result
                .entry("@reverse".to_owned())
                .or_insert_with(|| Value::Object(Map::new()));
            if let Value::Object(rmap) = rmap {
                add_values(rmap, ep, Value::Array(items));
            }
        } else {
            add_values(result, ep, ev);
        }
        Ok(())
    }

    /// Step 13.7: a language map.
    fn expand_language_map(
        &mut self,
        active: &ActiveContext,
        def: Option<&TermDefinition>,
        map: &Map<String, Value>,
        path: &Path<'_>,
    ) -> Result<Value, JsonLdError> {
        let direction = match def.and_then(|d| d.direction) {
            Some(d) => d,
            None => active.default_direction,
        };
        let mut out = Vec::new();
        let mut keys: Vec<&String> = map.keys().collect();
        keys.sort_unstable();
        for lang in keys {
            let lpath = Path::Key(path, lang);
            let Some(lv) = map.get(lang) else { continue };
            let items: &[Value] = match lv {
                Value::Array(a) => a,
                other => std::slice::from_ref(other),
            };
            for item in items {
                match item {
                    Value::Null => continue,
                    Value::String(_) => {}
                    _ => {
                        return Err(syntax(
                            ErrorCode::InvalidLanguageMapValue,
                            &lpath,
                            format!("language map values must be strings, found {item}"),
                        ));
                    }
                }
                self.count_output(1)?;
                let mut v = Map::with_capacity(3);
                v.insert("@value".to_owned(), item.clone());
                if lang != "@none"
                    && active.expand_iri(lang, false, true).as_deref() != Some("@none")
                {
                    self.check_language(&lpath, lang)?;
                    v.insert("@language".to_owned(), Value::String(lang.to_lowercase()));
                }
                if let Some(d) = direction {
                    v.insert(
                        "@direction".to_owned(),
                        Value::String(d.as_str().to_owned()),
                    );
                }
                out.push(Value::Object(v));
            }
        }
        Ok(Value::Array(out))
    }

    /// Step 13.8: index, id and type maps.
    fn expand_index_map(
        &mut self,
        scope: &NodeScope<'_>,
        key: &str,
        def: Option<&TermDefinition>,
        map: &Map<String, Value>,
        path: &Path<'_>,
    ) -> Result<Value, JsonLdError> {
        use container::*;
        let active = scope.active;
        let cont = def.map_or(0, |d| d.container);
        let index_key: &str = def.and_then(|d| d.index.as_deref()).unwrap_or("@index");
        let mut out = Vec::new();
        let mut keys: Vec<&String> = map.keys().collect();
        keys.sort_unstable();
        for index in keys {
            let ipath = Path::Key(path, index);
            let Some(index_value) = map.get(index) else {
                continue;
            };
            let mut map_ctx = active.clone();
            if cont & TYPE != 0 {
                if let Some(prev) = &active.previous {
                    map_ctx = prev.clone();
                }
                if let Some(idef) = map_ctx.term(index)
                    && idef.context.is_some()
                {
                    let idef = idef.clone();
                    map_ctx = self.apply_scoped(&map_ctx, &idef, false, false, &ipath)?;
                }
            }
            let expanded_index = active
                .expand_iri(index, false, true)
                .map(std::borrow::Cow::into_owned);
            let is_none = expanded_index.as_deref() == Some("@none");
            let items = self.expand_element(
                &map_ctx,
                Some(key),
                index_value,
                &ipath,
                true,
                false,
                scope.depth + 1,
            )?;
            let items = items.map_or_else(Vec::new, into_array);
            for mut item in items {
                if cont & GRAPH != 0 && !is_graph_object(&item) {
                    item = one("@graph", Value::Array(into_array(item)));
                }
                let Value::Object(obj) = &mut item else {
                    out.push(item);
                    continue;
                };
                if cont & INDEX != 0 && index_key != "@index" && !is_none {
                    let re = self.expand_value(
                        active,
                        Some(index_key),
                        &Value::String(index.clone()),
                        &ipath,
                    )?;
                    let Some(prop) = active
                        .expand_iri(index_key, false, true)
                        .map(std::borrow::Cow::into_owned)
                    else {
                        continue;
                    };
                    if obj.contains_key("@value") {
                        return Err(syntax(
                            ErrorCode::InvalidValueObject,
                            &ipath,
                            format!("a value object cannot take the index property {index_key}"),
                        ));
                    }
                    let mut values: Vec<Value> = re.into_iter().collect();
                    if let Some(existing) = obj.remove(&prop) {
                        values.extend(into_array(existing));
                    }
                    obj.insert(prop, Value::Array(values));
                } else if cont & INDEX != 0 && !obj.contains_key("@index") && !is_none {
                    obj.insert("@index".to_owned(), Value::String(index.clone()));
                } else if cont & ID != 0 && !obj.contains_key("@id") && !is_none {
                    if let Some(id) = active.expand_iri(index, true, false) {
                        if self.safe() && !is_absolute_iri(&id) && !is_blank_node(&id) {
                            return Err(JsonLdError::RelativeIri {
                                path: ipath.render(),
                                value: id.into_owned(),
                            });
                        }
                        obj.insert("@id".to_owned(), Value::String(id.into_owned()));
                    }
                } else if cont & TYPE != 0
                    && !is_none
                    && let Some(t) = &expanded_index
                {
                    let mut types = vec![Value::String(t.clone())];
                    if let Some(existing) = obj.remove("@type") {
                        types.extend(into_array(existing));
                    }
                    obj.insert("@type".to_owned(), Value::Array(types));
                }
                out.push(item);
            }
        }
        Ok(Value::Array(out))
    }

    /// Value Expansion (<https://www.w3.org/TR/json-ld11-api/#value-expansion>).
    pub(crate) fn expand_value(
        &mut self,
        active: &ActiveContext,
        active_property: Option<&str>,
        value: &Value,
        path: &Path<'_>,
    ) -> Result<Option<Value>, JsonLdError> {
        self.count_output(1)?;
        let def = active_property.and_then(|p| active.term(p));
        let type_mapping = def.and_then(|d| d.type_mapping.as_deref());
        if let Value::String(s) = value
            && let Some(tm @ ("@id" | "@vocab")) = type_mapping
        {
            let Some(iri) = active.expand_iri(s, true, tm == "@vocab") else {
                self.dropped(path, "a keyword-like IRI")?;
                return Ok(None);
            };
            if self.safe() && !is_absolute_iri(&iri) && !is_blank_node(&iri) {
                return Err(JsonLdError::RelativeIri {
                    path: path.render(),
                    value: iri.into_owned(),
                });
            }
            return Ok(Some(one("@id", Value::String(iri.into_owned()))));
        }
        let mut result = Map::with_capacity(3);
        result.insert("@value".to_owned(), value.clone());
        match type_mapping {
            Some(t) if !matches!(t, "@id" | "@vocab" | "@none") => {
                result.insert("@type".to_owned(), Value::String(t.to_owned()));
            }
            _ => {
                if value.is_string() {
                    let language = match def.and_then(|d| d.language.as_ref()) {
                        Some(l) => l.as_deref(),
                        None => active.default_language.as_deref(),
                    };
                    if let Some(l) = language {
                        self.check_language(path, l)?;
                        result.insert("@language".to_owned(), Value::String(l.to_owned()));
                    }
                    let direction = match def.and_then(|d| d.direction) {
                        Some(d) => d,
                        None => active.default_direction,
                    };
                    if let Some(d) = direction {
                        result.insert(
                            "@direction".to_owned(),
                            Value::String(d.as_str().to_owned()),
                        );
                    }
                }
            }
        }
        Ok(Some(Value::Object(result)))
    }
}
