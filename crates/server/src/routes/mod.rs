//! One module per resource, each with `fn router() -> Router<AppState>` (STYLE §7).

pub mod credentials;
pub mod dashboard;
pub mod exchanges;
pub mod identifiers;
pub mod inbox;
pub mod issuers;
pub mod jobs;
pub mod oauth;
pub mod obapi;
pub mod ops;
pub mod pages;
pub mod profiles;
pub mod verify;
pub mod webhooks;

use std::future::Future;

use crate::error::ApiError;
use crate::state::AppState;

/// Runs blocking verification work on the blocking pool within the request's time budget.
pub async fn within_budget<T: Send + 'static>(
    state: &AppState,
    work: impl FnOnce() -> T + Send + 'static,
) -> Result<T, ApiError> {
    let budget = state.settings.time_budget;
    budgeted(budget, tokio::task::spawn_blocking(work)).await
}

async fn budgeted<T>(
    budget: std::time::Duration,
    task: impl Future<Output = Result<T, tokio::task::JoinError>>,
) -> Result<T, ApiError> {
    match tokio::time::timeout(budget, task).await {
        Ok(Ok(value)) => Ok(value),
        Ok(Err(join)) => Err(ApiError::internal(join)),
        Err(_) => Err(ApiError::TimeBudget {
            seconds: budget.as_secs(),
        }),
    }
}
