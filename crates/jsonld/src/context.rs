//! Active contexts, term definitions and the Context Processing algorithm
//! (<https://www.w3.org/TR/json-ld11-api/#context-processing-algorithms>).
//!
//! An [`ActiveContext`] is immutable once built and shared through `Arc`. Its term map is
//! itself behind an `Arc`, so deriving a context (a scoped context, a `@propagate: false`
//! revert point) copies a handful of pointers, and a context that defines new terms copies
//! the map once. Every built context gets a process-unique `id`; the processor's cache is keyed
//! by `(id of the context applied to, identity of the local context, flags)`.

use std::borrow::Cow;
use std::sync::Arc;

use serde_json::{Map, Value};

use crate::engine::Engine;
use crate::error::{ErrorCode, JsonLdError};
use crate::hash::FxHashMap;
use crate::iri::{has_keyword_form, is_absolute_iri, is_blank_node, is_keyword, resolve};
use crate::path::Path;

/// Shared string: IRIs and terms inside contexts.
pub(crate) type Str = Arc<str>;

/// Container mapping flags.
pub(crate) mod container {
    pub(crate) const SET: u8 = 1;
    pub(crate) const LIST: u8 = 2;
    pub(crate) const GRAPH: u8 = 4;
    pub(crate) const LANGUAGE: u8 = 8;
    pub(crate) const INDEX: u8 = 16;
    pub(crate) const ID: u8 = 32;
    pub(crate) const TYPE: u8 = 64;
}

/// Base direction of a string.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Direction {
    /// `ltr`
    Ltr,
    /// `rtl`
    Rtl,
}

impl Direction {
    fn parse(s: &str) -> Option<Self> {
        match s {
            "ltr" => Some(Self::Ltr),
            "rtl" => Some(Self::Rtl),
            _ => None,
        }
    }

    /// The keyword value (`ltr` / `rtl`).
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Ltr => "ltr",
            Self::Rtl => "rtl",
        }
    }
}

/// One term definition
/// (<https://www.w3.org/TR/json-ld11-api/#dfn-term-definition>).
#[derive(Debug, Clone, Default)]
pub(crate) struct TermDefinition {
    /// `None` when the term is explicitly mapped to null (decoupled from `@vocab`).
    pub(crate) iri: Option<Str>,
    pub(crate) prefix: bool,
    pub(crate) protected: bool,
    pub(crate) reverse: bool,
    pub(crate) base_url: Option<Str>,
    /// The scoped context; its `Arc` identity is the cache key for applying it.
    pub(crate) context: Option<Arc<Value>>,
    pub(crate) container: u8,
    /// `Some(None)`: direction explicitly null.
    pub(crate) direction: Option<Option<Direction>>,
    pub(crate) index: Option<Str>,
    /// `Some(None)`: language explicitly null.
    pub(crate) language: Option<Option<Str>>,
    pub(crate) nest: Option<Str>,
    pub(crate) type_mapping: Option<Str>,
}

impl TermDefinition {
    /// Equality ignoring the protected flag (for the protected-redefinition rule).
    fn same_as(&self, other: &Self) -> bool {
        self.iri == other.iri
            && self.prefix == other.prefix
            && self.reverse == other.reverse
            && self.container == other.container
            && self.direction == other.direction
            && self.index == other.index
            && self.language == other.language
            && self.nest == other.nest
            && self.type_mapping == other.type_mapping
            && match (&self.context, &other.context) {
                (None, None) => true,
                (Some(a), Some(b)) => Arc::ptr_eq(a, b) || a == b,
                _ => false,
            }
            && (self.context.is_none() || self.base_url == other.base_url)
    }

    pub(crate) fn has_container(&self, flag: u8) -> bool {
        self.container & flag != 0
    }
}

pub(crate) type TermMap = FxHashMap<Str, Arc<TermDefinition>>;

/// A processed context.
#[derive(Debug, Clone)]
pub(crate) struct ActiveContext {
    pub(crate) id: u64,
    pub(crate) terms: Arc<TermMap>,
    pub(crate) base: Option<Str>,
    pub(crate) original_base: Option<Str>,
    pub(crate) vocab: Option<Str>,
    pub(crate) default_language: Option<Str>,
    pub(crate) default_direction: Option<Direction>,
    pub(crate) previous: Option<Arc<ActiveContext>>,
    /// Processing mode json-ld-1.0.
    pub(crate) mode_10: bool,
}

impl ActiveContext {
    pub(crate) fn initial(id: u64, base: Option<&str>, mode_10: bool) -> Self {
        let base: Option<Str> = base.map(Str::from);
        Self {
            id,
            terms: Arc::new(TermMap::default()),
            base: base.clone(),
            original_base: base,
            vocab: None,
            default_language: None,
            default_direction: None,
            previous: None,
            mode_10,
        }
    }

    #[inline]
    pub(crate) fn term(&self, key: &str) -> Option<&TermDefinition> {
        self.terms.get(key).map(|d| &**d)
    }

    fn has_protected(&self) -> bool {
        self.terms.values().any(|d| d.protected)
    }

    /// IRI expansion outside context processing
    /// (<https://www.w3.org/TR/json-ld11-api/#iri-expansion>). `None` is null.
    pub(crate) fn expand_iri<'a>(
        &'a self,
        value: &'a str,
        document_relative: bool,
        vocab: bool,
    ) -> Option<Cow<'a, str>> {
        if value.starts_with('@') {
            if is_keyword(value) {
                return Some(Cow::Borrowed(value));
            }
            if has_keyword_form(value) {
                return None;
            }
        }
        if let Some(def) = self.terms.get(value) {
            if let Some(iri) = &def.iri
                && iri.starts_with('@')
                && is_keyword(iri)
            {
                return Some(Cow::Borrowed(&**iri));
            }
            if vocab {
                return def.iri.as_deref().map(Cow::Borrowed);
            }
        }
        if let Some(colon) = value.find(':')
            && colon > 0
        {
            let prefix = value.get(..colon).unwrap_or("");
            let suffix = value.get(colon + 1..).unwrap_or("");
            if prefix == "_" || suffix.starts_with("//") {
                return Some(Cow::Borrowed(value));
            }
            if let Some(def) = self.terms.get(prefix)
                && def.prefix
                && let Some(iri) = &def.iri
            {
                let mut s = String::with_capacity(iri.len() + suffix.len());
                s.push_str(iri);
                s.push_str(suffix);
                return Some(Cow::Owned(s));
            }
            if is_absolute_iri(value) {
                return Some(Cow::Borrowed(value));
            }
        }
        if vocab && let Some(v) = &self.vocab {
            let mut s = String::with_capacity(v.len() + value.len());
            s.push_str(v);
            s.push_str(value);
            return Some(Cow::Owned(s));
        }
        if document_relative && let Some(base) = &self.base {
            return Some(Cow::Owned(resolve(value, base)));
        }
        Some(Cow::Borrowed(value))
    }
}

/// Keys of a local context that are not term definitions.
const CONTEXT_KEYWORDS: &[&str] = &[
    "@base",
    "@direction",
    "@import",
    "@language",
    "@propagate",
    "@protected",
    "@version",
    "@vocab",
];

/// Keys allowed in an expanded term definition.
const TERM_DEFINITION_KEYS: &[&str] = &[
    "@id",
    "@reverse",
    "@container",
    "@context",
    "@direction",
    "@index",
    "@language",
    "@nest",
    "@prefix",
    "@protected",
    "@type",
];

type Defined<'a> = FxHashMap<&'a str, bool>;

fn syntax(code: ErrorCode, path: &Path<'_>, detail: impl Into<String>) -> JsonLdError {
    JsonLdError::Syntax {
        code,
        path: path.render(),
        detail: detail.into(),
    }
}

/// Flags of one context-processing call.
#[derive(Clone, Copy)]
pub(crate) struct Flags {
    pub(crate) override_protected: bool,
    pub(crate) propagate: bool,
    pub(crate) validate_scoped: bool,
}

impl Engine<'_> {
    /// Context Processing (<https://www.w3.org/TR/json-ld11-api/#algorithm>).
    /// `remote` holds the chain of remote-context URLs being processed (cycle detection).
    pub(crate) fn process_context(
        &mut self,
        active: &Arc<ActiveContext>,
        local: &Value,
        base_url: Option<&str>,
        remote: &mut Vec<String>,
        flags: Flags,
        path: &Path<'_>,
    ) -> Result<Arc<ActiveContext>, JsonLdError> {
        self.enter_context(path)?;
        let result = self.process_context_inner(active, local, base_url, remote, flags, path);
        self.leave_context();
        result
    }

    fn process_context_inner(
        &mut self,
        active: &Arc<ActiveContext>,
        local: &Value,
        base_url: Option<&str>,
        remote: &mut Vec<String>,
        flags: Flags,
        path: &Path<'_>,
    ) -> Result<Arc<ActiveContext>, JsonLdError> {
        let mut propagate = flags.propagate;
        if let Value::Object(m) = local
            && let Some(Value::Bool(b)) = m.get("@propagate")
        {
            propagate = *b;
        }
        let mut result = active.clone();
        if !propagate && result.previous.is_none() {
            let mut r = (**active).clone();
            r.previous = Some(active.clone());
            result = self.freeze(r);
        }
        let items = match local {
            Value::Array(items) => items.as_slice(),
            other => std::slice::from_ref(other),
        };
        for (i, item) in items.iter().enumerate() {
            let item_path = if matches!(local, Value::Array(_)) {
                Path::Index(path, i)
            } else {
                *path
            };
            match item {
                Value::Null => {
                    if !flags.override_protected && result.has_protected() {
                        return Err(syntax(
                            ErrorCode::InvalidContextNullification,
                            &item_path,
                            "a context with protected terms cannot be set to null",
                        ));
                    }
                    let mut r =
                        ActiveContext::initial(0, active.original_base.as_deref(), active.mode_10);
                    r.original_base = active.original_base.clone();
                    if !propagate {
                        r.previous = result.previous.clone();
                    }
                    result = self.freeze(r);
                }
                Value::String(s) => {
                    let url = match base_url {
                        Some(b) => resolve(s, b),
                        None => s.clone(),
                    };
                    if remote.contains(&url) {
                        if !flags.validate_scoped {
                            continue;
                        }
                        return Err(syntax(
                            ErrorCode::RecursiveContextInclusion,
                            &item_path,
                            format!("context {url} includes itself"),
                        ));
                    }
                    if remote.len() >= crate::MAX_CONTEXT_IMPORT_DEPTH {
                        return Err(JsonLdError::ContextImportDepth {
                            path: item_path.render(),
                            url,
                            limit: crate::MAX_CONTEXT_IMPORT_DEPTH,
                        });
                    }
                    if let Some(hit) = self.cache_get_url(&result, &url) {
                        result = hit;
                        continue;
                    }
                    let doc = self.load_context(&url, &item_path)?;
                    let Some(ctx) = doc.document.as_object().and_then(|o| o.get("@context")) else {
                        return Err(syntax(
                            ErrorCode::InvalidRemoteContext,
                            &item_path,
                            format!("{url} has no top-level @context"),
                        ));
                    };
                    if !matches!(ctx, Value::Object(_) | Value::Array(_) | Value::String(_)) {
                        return Err(syntax(
                            ErrorCode::InvalidRemoteContext,
                            &item_path,
                            format!("the @context of {url} is not an object"),
                        ));
                    }
                    remote.push(url.clone());
                    let processed = self.process_context(
                        &result,
                        ctx,
                        Some(&doc.document_url),
                        remote,
                        Flags {
                            override_protected: false,
                            propagate: true,
                            validate_scoped: flags.validate_scoped,
                        },
                        &item_path,
                    );
                    remote.pop();
                    let processed = processed?;
                    if flags.validate_scoped {
                        self.cache_put_url(&result, url, processed.clone());
                    }
                    result = processed;
                }
                Value::Object(m) => {
                    result =
                        self.process_local_object(&result, m, base_url, remote, flags, &item_path)?;
                }
                _ => {
                    return Err(syntax(
                        ErrorCode::InvalidLocalContext,
                        &item_path,
                        "a context must be an object, a string, null or an array of those",
                    ));
                }
            }
        }
        Ok(result)
    }

    fn process_local_object(
        &mut self,
        active: &Arc<ActiveContext>,
        m: &Map<String, Value>,
        base_url: Option<&str>,
        remote: &mut Vec<String>,
        flags: Flags,
        path: &Path<'_>,
    ) -> Result<Arc<ActiveContext>, JsonLdError> {
        let mut r: ActiveContext = (**active).clone();
        // 5.5 @version
        if let Some(v) = m.get("@version") {
            if v.as_f64() != Some(1.1) {
                return Err(syntax(
                    ErrorCode::InvalidVersionValue,
                    path,
                    format!("@version must be 1.1, found {v}"),
                ));
            }
            if r.mode_10 {
                return Err(syntax(
                    ErrorCode::ProcessingModeConflict,
                    path,
                    "@version 1.1 in json-ld-1.0 processing mode",
                ));
            }
        }
        // 5.6 @import
        let merged: Map<String, Value>;
        let mut m = m;
        if let Some(import) = m.get("@import") {
            if r.mode_10 {
                return Err(syntax(
                    ErrorCode::InvalidContextEntry,
                    path,
                    "@import in json-ld-1.0 processing mode",
                ));
            }
            let Value::String(import) = import else {
                return Err(syntax(
                    ErrorCode::InvalidImportValue,
                    path,
                    "@import must be a string",
                ));
            };
            let url = match base_url {
                Some(b) => resolve(import, b),
                None => import.clone(),
            };
            let doc = self.load_context(&url, path)?;
            let Some(Value::Object(imported)) =
                doc.document.as_object().and_then(|o| o.get("@context"))
            else {
                return Err(syntax(
                    ErrorCode::InvalidRemoteContext,
                    path,
                    format!("the @context of imported {url} is not an object"),
                ));
            };
            if imported.contains_key("@import") {
                return Err(syntax(
                    ErrorCode::InvalidContextEntry,
                    path,
                    format!("imported context {url} itself has @import"),
                ));
            }
            let mut combined = imported.clone();
            for (k, v) in m {
                combined.insert(k.clone(), v.clone());
            }
            merged = combined;
            m = &merged;
        }
        // 5.7 @base (only in the document's own contexts)
        if let Some(b) = m.get("@base")
            && remote.is_empty()
        {
            match b {
                Value::Null => r.base = None,
                Value::String(s) if is_absolute_iri(s) => r.base = Some(Str::from(s.as_str())),
                Value::String(s) => match &r.base {
                    Some(current) => r.base = Some(Str::from(resolve(s, current))),
                    None => {
                        return Err(syntax(
                            ErrorCode::InvalidBaseIri,
                            path,
                            format!("relative @base {s} with no base to resolve it against"),
                        ));
                    }
                },
                _ => {
                    return Err(syntax(
                        ErrorCode::InvalidBaseIri,
                        path,
                        "@base must be a string or null",
                    ));
                }
            }
        }
        // 5.8 @vocab
        if let Some(v) = m.get("@vocab") {
            match v {
                Value::Null => r.vocab = None,
                Value::String(s) => {
                    if r.mode_10 && !(is_absolute_iri(s) || is_blank_node(s)) {
                        return Err(syntax(
                            ErrorCode::InvalidVocabMapping,
                            path,
                            format!("@vocab {s} must be an absolute IRI in json-ld-1.0"),
                        ));
                    }
                    let expanded = r.expand_iri(s, true, true).map(|c| Str::from(c.as_ref()));
                    match expanded {
                        Some(e) if is_absolute_iri(&e) || is_blank_node(&e) || !r.mode_10 => {
                            r.vocab = Some(e);
                        }
                        _ => {
                            return Err(syntax(
                                ErrorCode::InvalidVocabMapping,
                                path,
                                format!("@vocab {s} is not an IRI"),
                            ));
                        }
                    }
                }
                _ => {
                    return Err(syntax(
                        ErrorCode::InvalidVocabMapping,
                        path,
                        "@vocab must be a string or null",
                    ));
                }
            }
        }
        // 5.9 @language
        if let Some(v) = m.get("@language") {
            match v {
                Value::Null => r.default_language = None,
                Value::String(s) => r.default_language = Some(Str::from(s.to_lowercase())),
                _ => {
                    return Err(syntax(
                        ErrorCode::InvalidDefaultLanguage,
                        path,
                        "@language must be a string or null",
                    ));
                }
            }
        }
        // 5.10 @direction
        if let Some(v) = m.get("@direction") {
            if r.mode_10 {
                return Err(syntax(
                    ErrorCode::InvalidContextEntry,
                    path,
                    "@direction in json-ld-1.0 processing mode",
                ));
            }
            match v {
                Value::Null => r.default_direction = None,
                Value::String(s) if Direction::parse(s).is_some() => {
                    r.default_direction = Direction::parse(s);
                }
                _ => {
                    return Err(syntax(
                        ErrorCode::InvalidBaseDirection,
                        path,
                        format!("@direction must be \"ltr\", \"rtl\" or null, found {v}"),
                    ));
                }
            }
        }
        // 5.11 @propagate
        if let Some(v) = m.get("@propagate") {
            if r.mode_10 {
                return Err(syntax(
                    ErrorCode::InvalidContextEntry,
                    path,
                    "@propagate in json-ld-1.0 processing mode",
                ));
            }
            if !v.is_boolean() {
                return Err(syntax(
                    ErrorCode::InvalidPropagateValue,
                    path,
                    "@propagate must be true or false",
                ));
            }
        }
        let protected = match m.get("@protected") {
            None => false,
            Some(Value::Bool(b)) => *b,
            Some(_) => {
                return Err(syntax(
                    ErrorCode::InvalidProtectedValue,
                    path,
                    "@protected must be true or false",
                ));
            }
        };
        // 5.13 term definitions
        let mut defined: Defined<'_> = FxHashMap::default();
        for key in m.keys() {
            if CONTEXT_KEYWORDS.contains(&key.as_str()) {
                continue;
            }
            let mut td = TermDefiner {
                local: m,
                base_url,
                protected,
                override_protected: flags.override_protected,
                path,
            };
            td.define(self, &mut r, key, &mut defined, remote)?;
        }
        Ok(self.freeze(r))
    }
}

/// The fixed inputs of Create Term Definition for one local context.
struct TermDefiner<'m> {
    local: &'m Map<String, Value>,
    base_url: Option<&'m str>,
    protected: bool,
    override_protected: bool,
    path: &'m Path<'m>,
}

impl<'m> TermDefiner<'m> {
    fn err(&self, code: ErrorCode, term: &str, detail: impl std::fmt::Display) -> JsonLdError {
        syntax(code, self.path, format!("term \"{term}\": {detail}"))
    }

    /// IRI expansion during context processing: may define terms of the local context on
    /// demand (<https://www.w3.org/TR/json-ld11-api/#iri-expansion>, steps 3 and 6.3).
    #[expect(
        clippy::too_many_arguments,
        reason = "IRI expansion's own parameters plus the context-processing state"
    )]
    fn expand_iri(
        &mut self,
        engine: &mut Engine<'_>,
        r: &mut ActiveContext,
        value: &str,
        document_relative: bool,
        vocab: bool,
        defined: &mut Defined<'m>,
        remote: &mut Vec<String>,
    ) -> Result<Option<String>, JsonLdError> {
        if is_keyword(value) {
            return Ok(Some(value.to_owned()));
        }
        if has_keyword_form(value) {
            return Ok(None);
        }
        if let Some((key, _)) = self.local.get_key_value(value)
            && defined.get(value) != Some(&true)
        {
            self.define(engine, r, key, defined, remote)?;
        }
        if let Some(def) = r.terms.get(value) {
            if let Some(iri) = &def.iri
                && is_keyword(iri)
            {
                return Ok(Some(iri.to_string()));
            }
            if vocab {
                return Ok(def.iri.as_deref().map(str::to_owned));
            }
        }
        if let Some(colon) = value.find(':')
            && colon > 0
        {
            let prefix = value.get(..colon).unwrap_or("");
            let suffix = value.get(colon + 1..).unwrap_or("");
            if prefix == "_" || suffix.starts_with("//") {
                return Ok(Some(value.to_owned()));
            }
            if let Some((key, _)) = self.local.get_key_value(prefix)
                && defined.get(prefix) != Some(&true)
            {
                self.define(engine, r, key, defined, remote)?;
            }
            if let Some(def) = r.terms.get(prefix)
                && def.prefix
                && let Some(iri) = &def.iri
            {
                return Ok(Some(format!("{iri}{suffix}")));
            }
            if is_absolute_iri(value) {
                return Ok(Some(value.to_owned()));
            }
        }
        if vocab && let Some(v) = &r.vocab {
            return Ok(Some(format!("{v}{value}")));
        }
        if document_relative && let Some(base) = &r.base {
            return Ok(Some(resolve(value, base)));
        }
        Ok(Some(value.to_owned()))
    }

    /// Create Term Definition
    /// (<https://www.w3.org/TR/json-ld11-api/#create-term-definition>).
    fn define(
        &mut self,
        engine: &mut Engine<'_>,
        r: &mut ActiveContext,
        term: &'m str,
        defined: &mut Defined<'m>,
        remote: &mut Vec<String>,
    ) -> Result<(), JsonLdError> {
        use container::*;
        // 1
        match defined.get(term) {
            Some(true) => return Ok(()),
            Some(false) => {
                return Err(self.err(
                    ErrorCode::CyclicIriMapping,
                    term,
                    "its IRI mapping depends on itself",
                ));
            }
            None => {}
        }
        // 2
        if term.is_empty() {
            return Err(self.err(
                ErrorCode::InvalidTermDefinition,
                term,
                "a term must not be empty",
            ));
        }
        defined.insert(term, false);
        // 3
        let Some(value) = self.local.get(term) else {
            defined.insert(term, true);
            return Ok(());
        };
        // 4
        if term == "@type" && !r.mode_10 {
            let ok = match value {
                Value::Object(o) => {
                    !o.is_empty()
                        && o.iter().all(|(k, v)| match k.as_str() {
                            "@container" => v == "@set",
                            "@protected" => true,
                            _ => false,
                        })
                }
                _ => false,
            };
            if !ok {
                return Err(self.err(
                    ErrorCode::KeywordRedefinition,
                    term,
                    "@type may only be given @container: @set and @protected",
                ));
            }
        } else if is_keyword(term) {
            return Err(self.err(
                ErrorCode::KeywordRedefinition,
                term,
                "keywords cannot be redefined",
            ));
        } else if has_keyword_form(term) {
            // Reserved for future keywords: ignored (with a warning in the specification).
            defined.insert(term, true);
            return Ok(());
        }
        // 5
        let previous = Arc::make_mut(&mut r.terms).remove(term);
        // 6-8
        let simple_term;
        let owned;
        let value: &Map<String, Value> = match value {
            Value::Null => {
                simple_term = false;
                owned = Map::from_iter([("@id".to_owned(), Value::Null)]);
                &owned
            }
            Value::String(s) => {
                simple_term = true;
                owned = Map::from_iter([("@id".to_owned(), Value::String(s.clone()))]);
                &owned
            }
            Value::Object(o) => {
                simple_term = false;
                o
            }
            _ => {
                return Err(self.err(
                    ErrorCode::InvalidTermDefinition,
                    term,
                    "a term definition must be a string, an object or null",
                ));
            }
        };
        // 10
        let mut def = TermDefinition::default();
        // 11
        match value.get("@protected") {
            Some(Value::Bool(b)) => {
                if r.mode_10 {
                    return Err(self.err(
                        ErrorCode::InvalidTermDefinition,
                        term,
                        "@protected in json-ld-1.0 mode",
                    ));
                }
                def.protected = *b;
            }
            Some(_) => {
                return Err(self.err(
                    ErrorCode::InvalidProtectedValue,
                    term,
                    "@protected must be true or false",
                ));
            }
            None => def.protected = self.protected,
        }
        // 12
        if let Some(t) = value.get("@type") {
            let Value::String(t) = t else {
                return Err(self.err(
                    ErrorCode::InvalidTypeMapping,
                    term,
                    "@type must be a string",
                ));
            };
            let expanded = self.expand_iri(engine, r, t, false, true, defined, remote)?;
            let Some(expanded) = expanded else {
                return Err(self.err(
                    ErrorCode::InvalidTypeMapping,
                    term,
                    format!("@type {t} is not an IRI"),
                ));
            };
            match expanded.as_str() {
                "@json" | "@none" if r.mode_10 => {
                    return Err(self.err(
                        ErrorCode::InvalidTypeMapping,
                        term,
                        format!("@type {expanded} in json-ld-1.0 mode"),
                    ));
                }
                "@id" | "@json" | "@none" | "@vocab" => {}
                e if is_absolute_iri(e) => {}
                _ => {
                    return Err(self.err(
                        ErrorCode::InvalidTypeMapping,
                        term,
                        format!("@type {t} does not expand to an absolute IRI"),
                    ));
                }
            }
            def.type_mapping = Some(Str::from(expanded));
        }
        // 13
        if let Some(rev) = value.get("@reverse") {
            if value.contains_key("@id") || value.contains_key("@nest") {
                return Err(self.err(
                    ErrorCode::InvalidReverseProperty,
                    term,
                    "@reverse cannot be combined with @id or @nest",
                ));
            }
            let Value::String(rev) = rev else {
                return Err(self.err(
                    ErrorCode::InvalidIriMapping,
                    term,
                    "@reverse must be a string",
                ));
            };
            if has_keyword_form(rev) {
                restore(r, term, previous);
                defined.insert(term, true);
                return Ok(());
            }
            let iri = self.expand_iri(engine, r, rev, false, true, defined, remote)?;
            let Some(iri) = iri.filter(|i| i.contains(':')) else {
                return Err(self.err(
                    ErrorCode::InvalidIriMapping,
                    term,
                    format!("@reverse {rev} does not expand to an IRI"),
                ));
            };
            def.iri = Some(Str::from(iri));
            if let Some(c) = value.get("@container") {
                match c {
                    Value::Null => {}
                    Value::String(s) if s == "@set" => def.container = SET,
                    Value::String(s) if s == "@index" => def.container = INDEX,
                    _ => {
                        return Err(self.err(
                            ErrorCode::InvalidReverseProperty,
                            term,
                            "the container of a reverse property must be @set, @index or null",
                        ));
                    }
                }
            }
            // A property-valued index on a reverse property (expand test 0131; the
            // specification's step 13 returns before step 20 reads @index).
            if let Some(Value::String(ix)) = value.get("@index")
                && def.container & INDEX != 0
            {
                def.index = Some(Str::from(ix.as_str()));
            }
            def.reverse = true;
            self.finish(r, term, def, previous, defined)?;
            return Ok(());
        }
        // 14
        let id_entry = value.get("@id");
        if let Some(id) = id_entry.filter(|v| v.as_str() != Some(term)) {
            match id {
                Value::Null => def.iri = None,
                Value::String(id) => {
                    if !is_keyword(id) && has_keyword_form(id) {
                        restore(r, term, previous);
                        defined.insert(term, true);
                        return Ok(());
                    }
                    let iri = self.expand_iri(engine, r, id, false, true, defined, remote)?;
                    let Some(iri) = iri.filter(|i| is_keyword(i) || i.contains(':')) else {
                        return Err(self.err(
                            ErrorCode::InvalidIriMapping,
                            term,
                            format!("@id {id} does not expand to an IRI, blank node or keyword"),
                        ));
                    };
                    if iri == "@context" {
                        return Err(self.err(
                            ErrorCode::InvalidKeywordAlias,
                            term,
                            "@context cannot be aliased",
                        ));
                    }
                    // 14.2.4: a term that looks like an IRI must expand to itself.
                    let inner_colon = term
                        .char_indices()
                        .any(|(i, c)| c == ':' && i > 0 && i + 1 < term.len());
                    if inner_colon || term.contains('/') {
                        defined.insert(term, true);
                        let again =
                            self.expand_iri(engine, r, term, false, true, defined, remote)?;
                        if again.as_deref() != Some(iri.as_str()) {
                            return Err(self.err(
                                ErrorCode::InvalidIriMapping,
                                term,
                                format!(
                                    "a term that looks like an IRI must map to that IRI, not {iri}"
                                ),
                            ));
                        }
                        defined.insert(term, false);
                    }
                    // 14.2.5
                    if !term.contains(':')
                        && !term.contains('/')
                        && simple_term
                        && (is_blank_node(&iri)
                            || iri.ends_with([':', '/', '?', '#', '[', ']', '@']))
                    {
                        def.prefix = true;
                    }
                    def.iri = Some(Str::from(iri));
                }
                _ => {
                    return Err(self.err(
                        ErrorCode::InvalidIriMapping,
                        term,
                        "@id must be a string or null",
                    ));
                }
            }
        } else if let Some(colon) = term.get(1..).and_then(|t| t.find(':')).map(|i| i + 1) {
            // 15: compact IRI or absolute IRI / blank node.
            let prefix = term.get(..colon).unwrap_or("");
            let suffix = term.get(colon + 1..).unwrap_or("");
            if let Some((key, _)) = self.local.get_key_value(prefix) {
                self.define(engine, r, key, defined, remote)?;
            }
            match r.terms.get(prefix).and_then(|d| d.iri.clone()) {
                Some(p) => def.iri = Some(Str::from(format!("{p}{suffix}"))),
                None => def.iri = Some(Str::from(term)),
            }
        } else if term.contains('/') {
            // 16: relative IRI reference (expanded without the local context: the term
            // itself is being defined).
            let iri = r.expand_iri(term, false, true);
            match iri {
                Some(i) if is_absolute_iri(&i) => def.iri = Some(Str::from(i)),
                _ => {
                    return Err(self.err(
                        ErrorCode::InvalidIriMapping,
                        term,
                        "a term containing / must expand to an IRI",
                    ));
                }
            }
        } else if term == "@type" {
            def.iri = Some(Str::from("@type"));
        } else if let Some(v) = &r.vocab {
            def.iri = Some(Str::from(format!("{v}{term}")));
        } else {
            return Err(self.err(
                ErrorCode::InvalidIriMapping,
                term,
                "no @id and no @vocab to derive one from",
            ));
        }
        // 19 @container
        if let Some(c) = value.get("@container") {
            let mut flags = 0u8;
            let items: &[Value] = match c {
                Value::Array(a) if !r.mode_10 => a,
                Value::String(_) => std::slice::from_ref(c),
                _ => {
                    return Err(self.err(
                        ErrorCode::InvalidContainerMapping,
                        term,
                        format!("invalid @container {c}"),
                    ));
                }
            };
            for item in items {
                let f = match item.as_str() {
                    Some("@set") => SET,
                    Some("@list") => LIST,
                    Some("@graph") if !r.mode_10 => GRAPH,
                    Some("@language") => LANGUAGE,
                    Some("@index") => INDEX,
                    Some("@id") if !r.mode_10 => ID,
                    Some("@type") if !r.mode_10 => TYPE,
                    _ => {
                        return Err(self.err(
                            ErrorCode::InvalidContainerMapping,
                            term,
                            format!("invalid @container {c}"),
                        ));
                    }
                };
                flags |= f;
            }
            let non_set = flags & !SET;
            let ok = match non_set {
                0 => true,
                LIST => flags == LIST,
                LANGUAGE | INDEX | ID | TYPE | GRAPH => true,
                _ => non_set == GRAPH | ID || non_set == GRAPH | INDEX,
            };
            if !ok {
                return Err(self.err(
                    ErrorCode::InvalidContainerMapping,
                    term,
                    format!("invalid @container combination {c}"),
                ));
            }
            def.container = flags;
            if flags & TYPE != 0 {
                match def.type_mapping.as_deref() {
                    None => def.type_mapping = Some(Str::from("@id")),
                    Some("@id" | "@vocab") => {}
                    Some(_) => {
                        return Err(self.err(
                            ErrorCode::InvalidTypeMapping,
                            term,
                            "a @type container needs @type @id or @vocab",
                        ));
                    }
                }
            }
        }
        // 20 @index
        if let Some(ix) = value.get("@index") {
            if r.mode_10 || def.container & INDEX == 0 {
                return Err(self.err(
                    ErrorCode::InvalidTermDefinition,
                    term,
                    "@index needs an @index container",
                ));
            }
            let Value::String(ix) = ix else {
                return Err(self.err(
                    ErrorCode::InvalidTermDefinition,
                    term,
                    "@index must be a string",
                ));
            };
            let e = r.expand_iri(ix, false, true);
            if !e
                .as_deref()
                .is_some_and(|e| !e.starts_with('@') && e.contains(':'))
            {
                return Err(self.err(
                    ErrorCode::InvalidTermDefinition,
                    term,
                    format!("@index {ix} does not expand to an IRI"),
                ));
            }
            def.index = Some(Str::from(ix.as_str()));
        }
        // 21 @context
        if let Some(ctx) = value.get("@context") {
            if r.mode_10 {
                return Err(self.err(
                    ErrorCode::InvalidTermDefinition,
                    term,
                    "@context in a term definition in json-ld-1.0 mode",
                ));
            }
            // Validate now so a broken scoped context fails where it is defined.
            let snapshot = engine.freeze(r.clone());
            let mut chain = remote.clone();
            let checked = engine.process_context(
                &snapshot,
                ctx,
                self.base_url,
                &mut chain,
                Flags {
                    override_protected: true,
                    propagate: true,
                    validate_scoped: false,
                },
                self.path,
            );
            if let Err(e) = checked {
                return Err(match e {
                    JsonLdError::Syntax { .. } | JsonLdError::LoadContext { .. } => self.err(
                        ErrorCode::InvalidScopedContext,
                        term,
                        format!("scoped context is invalid: {e}"),
                    ),
                    other => other,
                });
            }
            def.context = Some(Arc::new(ctx.clone()));
            def.base_url = self.base_url.map(Str::from);
        }
        // 22 @language
        if let Some(l) = value.get("@language")
            && !value.contains_key("@type")
        {
            match l {
                Value::Null => def.language = Some(None),
                Value::String(s) => def.language = Some(Some(Str::from(s.to_lowercase()))),
                _ => {
                    return Err(self.err(
                        ErrorCode::InvalidLanguageMapping,
                        term,
                        "@language must be a string or null",
                    ));
                }
            }
        }
        // 23 @direction
        if let Some(d) = value.get("@direction")
            && !value.contains_key("@type")
        {
            match d {
                Value::Null => def.direction = Some(None),
                Value::String(s) if Direction::parse(s).is_some() => {
                    def.direction = Some(Direction::parse(s));
                }
                _ => {
                    return Err(self.err(
                        ErrorCode::InvalidBaseDirection,
                        term,
                        "@direction must be \"ltr\", \"rtl\" or null",
                    ));
                }
            }
        }
        // 24 @nest
        if let Some(n) = value.get("@nest") {
            if r.mode_10 {
                return Err(self.err(
                    ErrorCode::InvalidTermDefinition,
                    term,
                    "@nest in json-ld-1.0 mode",
                ));
            }
            match n {
                Value::String(s) if s == "@nest" || !s.starts_with('@') => {
                    def.nest = Some(Str::from(s.as_str()));
                }
                _ => {
                    return Err(self.err(
                        ErrorCode::InvalidNestValue,
                        term,
                        "@nest must be @nest or a term",
                    ));
                }
            }
        }
        // 25 @prefix
        if let Some(p) = value.get("@prefix") {
            if r.mode_10 || term.contains(':') || term.contains('/') {
                return Err(self.err(
                    ErrorCode::InvalidTermDefinition,
                    term,
                    "@prefix is not allowed here",
                ));
            }
            let Value::Bool(p) = p else {
                return Err(self.err(
                    ErrorCode::InvalidPrefixValue,
                    term,
                    "@prefix must be true or false",
                ));
            };
            def.prefix = *p;
            if *p && def.iri.as_deref().is_some_and(is_keyword) {
                return Err(self.err(
                    ErrorCode::InvalidTermDefinition,
                    term,
                    "a keyword alias cannot be a prefix",
                ));
            }
        }
        // 26
        if let Some(k) = value
            .keys()
            .find(|k| !TERM_DEFINITION_KEYS.contains(&k.as_str()))
        {
            return Err(self.err(
                ErrorCode::InvalidTermDefinition,
                term,
                format!("unexpected entry {k}"),
            ));
        }
        if r.mode_10
            && let Some(k) = value.keys().find(|k| {
                matches!(
                    k.as_str(),
                    "@context" | "@direction" | "@index" | "@nest" | "@prefix" | "@protected"
                )
            })
        {
            return Err(self.err(
                ErrorCode::InvalidTermDefinition,
                term,
                format!("{k} in json-ld-1.0 mode"),
            ));
        }
        self.finish(r, term, def, previous, defined)
    }

    /// Steps 27-28: the protected-term rule, then store.
    fn finish(
        &mut self,
        r: &mut ActiveContext,
        term: &'m str,
        def: TermDefinition,
        previous: Option<Arc<TermDefinition>>,
        defined: &mut Defined<'m>,
    ) -> Result<(), JsonLdError> {
        let def = match previous {
            Some(prev) if prev.protected && !self.override_protected => {
                if !def.same_as(&prev) {
                    return Err(self.err(
                        ErrorCode::ProtectedTermRedefinition,
                        term,
                        "a protected term cannot be redefined differently",
                    ));
                }
                prev
            }
            _ => Arc::new(def),
        };
        Arc::make_mut(&mut r.terms).insert(Str::from(term), def);
        defined.insert(term, true);
        Ok(())
    }
}

fn restore(r: &mut ActiveContext, term: &str, previous: Option<Arc<TermDefinition>>) {
    if let Some(prev) = previous {
        Arc::make_mut(&mut r.terms).insert(Str::from(term), prev);
    }
}
