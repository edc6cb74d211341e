//! The per-processor shared state (loader, context cache) and the per-operation engine
//! (options, counters for the limits).

use std::hash::{Hash, Hasher};
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, RwLock};

use serde_json::Value;

use crate::context::{ActiveContext, Flags, TermDefinition};
use crate::error::JsonLdError;
use crate::hash::FxHashMap;
use crate::loader::{DocumentLoader, RemoteDocument};
use crate::path::Path;
use crate::{
    MAX_CONTEXT_CACHE_ENTRIES, MAX_CONTEXT_NESTING, MAX_CONTEXTS_PER_OPERATION,
    MAX_REMOTE_CONTEXTS_PER_OPERATION, Options, ProcessingMode,
};

/// Identity of a scoped context: the `Arc` of the term definition's `@context` value.
/// Holding the `Arc` in the key keeps the pointer from being reused while cached.
struct ByPtr(Arc<Value>);

impl PartialEq for ByPtr {
    fn eq(&self, other: &Self) -> bool {
        Arc::ptr_eq(&self.0, &other.0)
    }
}
impl Eq for ByPtr {}
impl Hash for ByPtr {
    fn hash<H: Hasher>(&self, state: &mut H) {
        (Arc::as_ptr(&self.0) as usize).hash(state);
    }
}

#[derive(PartialEq, Eq, Hash)]
enum LocalKey {
    /// A remote context by resolved URL.
    Url(Box<str>),
    /// An inline local context (or array) from a document, by its JSON text.
    Json(Box<str>),
    /// A type- or property-scoped context from a term definition.
    Scoped(ByPtr),
}

#[derive(PartialEq, Eq, Hash)]
struct CacheKey {
    active: u64,
    local: LocalKey,
    flags: u8,
}

fn flag_bits(flags: Flags) -> u8 {
    u8::from(flags.override_protected) | (u8::from(flags.propagate) << 1)
}

/// (base IRI, json-ld-1.0 mode) of an initial context.
type InitialKey = (Option<String>, bool);

/// State shared by every operation of one [`crate::Processor`]: immutable apart from the
/// caches, which only ever grow up to their bounds (and are then cleared).
pub(crate) struct Shared {
    pub(crate) loader: Arc<dyn DocumentLoader>,
    next_id: AtomicU64,
    cache: RwLock<FxHashMap<CacheKey, Arc<ActiveContext>>>,
    initial: RwLock<FxHashMap<InitialKey, Arc<ActiveContext>>>,
}

impl Shared {
    pub(crate) fn new(loader: Arc<dyn DocumentLoader>) -> Self {
        Self {
            loader,
            next_id: AtomicU64::new(1),
            cache: RwLock::new(FxHashMap::default()),
            initial: RwLock::new(FxHashMap::default()),
        }
    }

    pub(crate) fn cache_len(&self) -> usize {
        self.cache.read().map_or(0, |c| c.len())
    }

    fn get(&self, key: &CacheKey) -> Option<Arc<ActiveContext>> {
        self.cache.read().ok()?.get(key).cloned()
    }

    fn put(&self, key: CacheKey, value: Arc<ActiveContext>) {
        if let Ok(mut cache) = self.cache.write() {
            // Bounded: when full, start over. Entries are cheap to rebuild and a document
            // stream that needs more distinct contexts than the bound is unusual; an LRU
            // would cost a write lock on every hit.
            if cache.len() >= MAX_CONTEXT_CACHE_ENTRIES {
                cache.clear();
            }
            cache.insert(key, value);
        }
    }
}

/// One expansion / toRdf run: options plus the counters behind the per-operation limits.
pub(crate) struct Engine<'a> {
    pub(crate) shared: &'a Shared,
    pub(crate) options: &'a Options,
    contexts_processed: usize,
    remote_loads: usize,
    context_nesting: usize,
    pub(crate) output_items: usize,
}

impl<'a> Engine<'a> {
    pub(crate) fn new(shared: &'a Shared, options: &'a Options) -> Self {
        Self {
            shared,
            options,
            contexts_processed: 0,
            remote_loads: 0,
            context_nesting: 0,
            output_items: 0,
        }
    }

    /// Gives a freshly built context its identity.
    pub(crate) fn freeze(&self, mut ctx: ActiveContext) -> Arc<ActiveContext> {
        ctx.id = self.shared.next_id.fetch_add(1, Ordering::Relaxed);
        Arc::new(ctx)
    }

    pub(crate) fn enter_context(&mut self, path: &Path<'_>) -> Result<(), JsonLdError> {
        self.contexts_processed = self.contexts_processed.saturating_add(1);
        if self.contexts_processed > MAX_CONTEXTS_PER_OPERATION {
            return Err(JsonLdError::ContextCountLimit {
                limit: MAX_CONTEXTS_PER_OPERATION,
            });
        }
        self.context_nesting = self.context_nesting.saturating_add(1);
        if self.context_nesting > MAX_CONTEXT_NESTING {
            self.context_nesting = self.context_nesting.saturating_sub(1);
            return Err(JsonLdError::DepthLimit {
                path: path.render(),
                limit: MAX_CONTEXT_NESTING,
            });
        }
        Ok(())
    }

    pub(crate) fn leave_context(&mut self) {
        self.context_nesting = self.context_nesting.saturating_sub(1);
    }

    /// Counts `n` more output items against [`crate::MAX_OUTPUT_ITEMS`].
    #[inline]
    pub(crate) fn count_output(&mut self, n: usize) -> Result<(), JsonLdError> {
        self.output_items = self.output_items.saturating_add(n);
        if self.output_items > crate::MAX_OUTPUT_ITEMS {
            return Err(JsonLdError::OutputLimit {
                limit: crate::MAX_OUTPUT_ITEMS,
            });
        }
        Ok(())
    }

    pub(crate) fn load_context(
        &mut self,
        url: &str,
        path: &Path<'_>,
    ) -> Result<RemoteDocument, JsonLdError> {
        self.remote_loads = self.remote_loads.saturating_add(1);
        if self.remote_loads > MAX_REMOTE_CONTEXTS_PER_OPERATION {
            return Err(JsonLdError::ContextImportCount {
                limit: MAX_REMOTE_CONTEXTS_PER_OPERATION,
            });
        }
        self.shared
            .loader
            .load(url)
            .map_err(|source| JsonLdError::LoadContext {
                path: path.render(),
                source,
            })
    }

    pub(crate) fn cache_get_url(
        &self,
        active: &ActiveContext,
        url: &str,
    ) -> Option<Arc<ActiveContext>> {
        self.shared.get(&CacheKey {
            active: active.id,
            local: LocalKey::Url(url.into()),
            flags: 0,
        })
    }

    pub(crate) fn cache_put_url(
        &self,
        active: &ActiveContext,
        url: String,
        value: Arc<ActiveContext>,
    ) {
        self.shared.put(
            CacheKey {
                active: active.id,
                local: LocalKey::Url(url.into_boxed_str()),
                flags: 0,
            },
            value,
        );
    }

    /// The initial active context for this operation's base and processing mode (cached,
    /// so that its identity, and every cache key built on it, is stable across calls).
    pub(crate) fn initial_context(&self) -> Arc<ActiveContext> {
        let mode_10 = self.options.processing_mode == ProcessingMode::JsonLd10;
        let key = (self.options.base.clone(), mode_10);
        if let Ok(map) = self.shared.initial.read()
            && let Some(ctx) = map.get(&key)
        {
            return ctx.clone();
        }
        let ctx = self.freeze(ActiveContext::initial(
            0,
            self.options.base.as_deref(),
            mode_10,
        ));
        if let Ok(mut map) = self.shared.initial.write() {
            if map.len() >= MAX_CONTEXT_CACHE_ENTRIES {
                map.clear();
            }
            return map.entry(key).or_insert(ctx).clone();
        }
        ctx
    }

    /// Applies a document's own `@context` value (cached by its JSON text).
    pub(crate) fn apply_local(
        &mut self,
        active: &Arc<ActiveContext>,
        local: &Value,
        path: &Path<'_>,
    ) -> Result<Arc<ActiveContext>, JsonLdError> {
        let flags = Flags {
            override_protected: false,
            propagate: true,
            validate_scoped: true,
        };
        let key = CacheKey {
            active: active.id,
            local: LocalKey::Json(local.to_string().into_boxed_str()),
            flags: flag_bits(flags),
        };
        if let Some(hit) = self.shared.get(&key) {
            return Ok(hit);
        }
        let base = self.options.base.clone();
        let result =
            self.process_context(active, local, base.as_deref(), &mut Vec::new(), flags, path)?;
        self.shared.put(key, result.clone());
        Ok(result)
    }

    /// Applies a term's scoped context (type-scoped: `propagate = false`; property-scoped:
    /// `override_protected = true`). A cache hit is a hash lookup on two integers.
    pub(crate) fn apply_scoped(
        &mut self,
        active: &Arc<ActiveContext>,
        def: &TermDefinition,
        override_protected: bool,
        propagate: bool,
        path: &Path<'_>,
    ) -> Result<Arc<ActiveContext>, JsonLdError> {
        let Some(ctx) = &def.context else {
            return Ok(active.clone());
        };
        let flags = Flags {
            override_protected,
            propagate,
            validate_scoped: true,
        };
        let key = CacheKey {
            active: active.id,
            local: LocalKey::Scoped(ByPtr(ctx.clone())),
            flags: flag_bits(flags),
        };
        if let Some(hit) = self.shared.get(&key) {
            return Ok(hit);
        }
        let result = self.process_context(
            active,
            ctx,
            def.base_url.as_deref(),
            &mut Vec::new(),
            flags,
            path,
        )?;
        self.shared.put(key, result.clone());
        Ok(result)
    }
}
