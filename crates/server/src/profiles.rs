//! A tenant's people and skills profiles, built from its inbox: every stored credential's
//! original bytes are decoded again and normalized with its **latest stored report** (so a
//! re-verification that finds a revocation changes the profile at once, and nothing is verified
//! at display time), then grouped into people and profiled against the bundled frameworks, all
//! by `credbridge_profile` (the same [`Collected`] the CLI builds). Nothing here decides a
//! skill, a link or a status: this module fetches, hands over and caps.
//!
//! Profiles are derived on request, not stored: they are a pure function of the stored
//! credentials and reports, so they can never drift from them.

use std::sync::{Arc, OnceLock};

use credbridge_profile::{Collected, Collector, Origin, SkillsProfile};
use credbridge_skills::Frameworks;
use credbridge_store::{CredentialFilter, MAX_PAGE_SIZE, Store};

use crate::error::ApiError;
use crate::routes::within_budget;
use crate::state::AppState;

/// Most stored credentials read into a tenant's profiles (the newest first).
pub const MAX_PROFILE_CREDENTIALS: u64 = 10_000;

/// The bundled frameworks, loaded once on first use.
#[derive(Default)]
pub struct SharedFrameworks(OnceLock<Result<Arc<Frameworks>, String>>);

impl std::fmt::Debug for SharedFrameworks {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("SharedFrameworks")
            .field("loaded", &self.0.get().is_some())
            .finish()
    }
}

impl SharedFrameworks {
    /// The frameworks (loading them on the first call: blocking, well under a second).
    pub fn get(&self) -> Result<Arc<Frameworks>, ApiError> {
        self.0
            .get_or_init(|| {
                Frameworks::load_bundled()
                    .map(Arc::new)
                    .map_err(|e| e.to_string())
            })
            .clone()
            .map_err(|e| ApiError::internal(format!("loading the skill frameworks: {e}")))
    }
}

/// One stored credential as the profile builder needs it.
#[derive(Debug, Clone)]
pub struct StoredInput {
    /// The inbox id.
    pub id: String,
    /// Hex SHA-256 of the original bytes.
    pub sha256: String,
    /// Where the credential sits in them.
    pub item_key: String,
    /// The original bytes.
    pub original: Vec<u8>,
    /// The latest report, JSON text.
    pub report: String,
}

/// The item path a profile gives a stored credential: its API resource.
pub fn inbox_item(id: &str) -> String {
    format!("/inbox/credentials/{id}")
}

/// The inbox id of a profile record's item path, when it names a stored credential.
pub fn inbox_id(item: &str) -> Option<&str> {
    item.strip_prefix("/inbox/credentials/")
}

/// Reads the tenant's stored credentials (newest first, up to [`MAX_PROFILE_CREDENTIALS`])
/// with their bytes and latest reports.
pub async fn stored_inputs(store: &dyn Store, tenant: &str) -> Result<Vec<StoredInput>, ApiError> {
    let mut inputs = Vec::new();
    let mut offset = 0u64;
    loop {
        let filter = CredentialFilter {
            limit: MAX_PAGE_SIZE,
            offset,
            ..CredentialFilter::default()
        };
        let page = store.list_credentials(tenant, &filter).await?;
        let count = page.items.len() as u64;
        for record in page.items {
            let Some(original) = store.original(tenant, &record.id).await? else {
                continue;
            };
            let Some(report) = store.reports(tenant, &record.id).await?.into_iter().next() else {
                continue;
            };
            inputs.push(StoredInput {
                id: record.id,
                sha256: record.sha256,
                item_key: record.item_key,
                original,
                report: report.report,
            });
        }
        offset += count;
        if count == 0 || offset >= page.total || offset >= MAX_PROFILE_CREDENTIALS {
            break;
        }
    }
    Ok(inputs)
}

/// Decodes each stored credential again and normalizes it with its stored report. Blocking.
pub fn collect(inputs: &[StoredInput], limits: &credbridge_formats::Limits) -> Collected {
    const NAME: &str = "stored";
    let mut collector = Collector::new();
    for input in inputs {
        let Ok(report) = credbridge_pages::report_from_json(&input.report) else {
            tracing::warn!(credential = %input.id, "a stored report could not be read; left out of profiles");
            continue;
        };
        let item = credbridge_formats::decode_bytes(&input.original, NAME, limits)
            .filter_map(Result::ok)
            .find(|item| {
                let path = item.path.to_string();
                path.strip_prefix(NAME).unwrap_or(&path) == input.item_key
            });
        let Some(item) = item else { continue };
        let label = inbox_item(&input.id);
        collector.add_as(
            &item,
            &report,
            &Origin {
                item: &label,
                sha256: Some(&input.sha256),
                presented_by: None,
            },
        );
    }
    collector.finish()
}

/// The tenant's people, profiled, with what they were built from (for exports).
#[derive(Debug, Clone)]
pub struct TenantProfiles {
    /// The records and originals.
    pub collected: Collected,
    /// One profile per person, in the order people were found.
    pub profiles: Vec<SkillsProfile>,
    /// The frameworks used.
    pub frameworks: Arc<Frameworks>,
}

impl TenantProfiles {
    /// The profile with this person id.
    pub fn find(&self, id: &str) -> Option<&SkillsProfile> {
        self.profiles.iter().find(|p| p.person.id == id)
    }
}

/// Builds every profile of the tenant (store reads, then the CPU work on the blocking pool
/// within the request's time budget).
///
/// A rebuild that changes a person's profile writes a `profile.updated` event when a webhook
/// subscription wants it.
pub async fn tenant_profiles(state: &AppState, tenant: &str) -> Result<TenantProfiles, ApiError> {
    let inputs = stored_inputs(state.store.as_ref(), tenant).await?;
    let shared = state.frameworks.clone();
    let limits = state.verifier.limits;
    let event = credbridge_export::webhook::EventType::ProfileUpdated;
    let wanted = crate::webhooks::wanted(state.store.as_ref(), tenant, event).await;
    let (built, recomputed) = within_budget(state, move || {
        let frameworks = shared.get()?;
        let collected = collect(&inputs, &limits);
        let profiles = collected.profiles(&[], frameworks.as_ref());
        let recomputed: Vec<_> = if wanted {
            profiles
                .iter()
                .map(credbridge_export::webhook::profile_recomputed)
                .collect()
        } else {
            Vec::new()
        };
        Ok::<_, ApiError>((
            TenantProfiles {
                collected,
                profiles,
                frameworks,
            },
            recomputed,
        ))
    })
    .await??;
    if wanted {
        crate::webhooks::note_recomputed(state.store.as_ref(), tenant, event, recomputed).await;
    }
    Ok(built)
}
