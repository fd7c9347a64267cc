//! Import plans in orgdesk's database: what was shown is what is applied, every replica sees how
//! far an apply has got, and one apply at a time claims a plan.

use orgdesk_model::import::{ApplyState, ApplyStatus, StepFailure};
use orgdesk_model::OrgId;

use super::Step;
use crate::db::{now, Store};
use crate::on_store;

/// A stored plan.
#[derive(Debug, Clone)]
pub struct Stored {
    /// Who made it.
    pub created_by: String,
    /// The organization an org admin's plan is limited to.
    pub org_id: Option<String>,
    /// Its steps.
    pub steps: Vec<Step>,
    /// Where applying it stands.
    pub status: ApplyStatus,
}

type Row = (
    String,
    Option<String>,
    String,
    String,
    i64,
    i64,
    Option<String>,
);

fn state_name(state: ApplyState) -> &'static str {
    match state {
        ApplyState::Planned => "planned",
        ApplyState::Applying => "applying",
        ApplyState::Applied => "applied",
        ApplyState::Stopped => "stopped",
    }
}

fn state_of(name: &str) -> ApplyState {
    match name {
        "applying" => ApplyState::Applying,
        "applied" => ApplyState::Applied,
        "stopped" => ApplyState::Stopped,
        _ => ApplyState::Planned,
    }
}

fn internal(err: serde_json::Error) -> sqlx::Error {
    sqlx::Error::Decode(Box::new(err))
}

/// Keeps a new plan.
///
/// # Errors
/// When the database cannot be written.
pub async fn insert(
    store: &Store,
    id: &str,
    created_by: &str,
    org: Option<&OrgId>,
    steps: &[Step],
) -> Result<(), sqlx::Error> {
    let json = serde_json::to_string(steps).map_err(internal)?;
    let total = i64::try_from(steps.len()).unwrap_or(i64::MAX);
    on_store!(write store, ex => sqlx::query(
        "INSERT INTO import_plans (id, created_by, org_id, steps, state, done, total, created_at) VALUES ($1, $2, $3, $4, 'planned', 0, $5, $6)",
    )
    .bind(id)
    .bind(created_by)
    .bind(org.map(OrgId::as_str))
    .bind(&json)
    .bind(total)
    .bind(now())
    .execute(ex)
    .await
    .map(|_| ()))
}

/// One plan, `None` when there is no such id.
///
/// # Errors
/// When the database cannot be read.
pub async fn get(store: &Store, id: &str) -> Result<Option<Stored>, sqlx::Error> {
    let row: Option<Row> = on_store!(read store, ex => sqlx::query_as(
        "SELECT created_by, org_id, steps, state, done, total, failed FROM import_plans WHERE id = $1",
    )
    .bind(id)
    .fetch_optional(ex)
    .await)?;
    let Some((created_by, org_id, steps, state, done, total, failed)) = row else {
        return Ok(None);
    };
    let steps: Vec<Step> = serde_json::from_str(&steps).map_err(internal)?;
    let failed: Option<StepFailure> = failed
        .as_deref()
        .map(serde_json::from_str)
        .transpose()
        .map_err(internal)?;
    Ok(Some(Stored {
        created_by,
        org_id,
        steps,
        status: ApplyStatus {
            plan_id: id.to_owned(),
            state: state_of(&state),
            done: u32::try_from(done).unwrap_or(0),
            total: u32::try_from(total).unwrap_or(0),
            failed,
        },
    }))
}

/// Claims a planned plan for applying; `false` when it was claimed or applied already (by this
/// replica or another).
///
/// # Errors
/// When the database cannot be written.
pub async fn claim(store: &Store, id: &str) -> Result<bool, sqlx::Error> {
    let claimed = on_store!(write store, ex => sqlx::query(
        "UPDATE import_plans SET state = 'applying' WHERE id = $1 AND state = 'planned'",
    )
    .bind(id)
    .execute(ex)
    .await
    .map(|done| done.rows_affected()))?;
    Ok(claimed == 1)
}

/// Records how far applying has got, and how it ended.
///
/// # Errors
/// When the database cannot be written.
pub async fn progress(
    store: &Store,
    id: &str,
    state: ApplyState,
    done: u32,
    failed: Option<&StepFailure>,
) -> Result<(), sqlx::Error> {
    let failed = failed
        .map(serde_json::to_string)
        .transpose()
        .map_err(internal)?;
    on_store!(write store, ex => sqlx::query(
        "UPDATE import_plans SET state = $2, done = $3, failed = $4 WHERE id = $1",
    )
    .bind(id)
    .bind(state_name(state))
    .bind(i64::from(done))
    .bind(failed)
    .execute(ex)
    .await
    .map(|_| ()))
}
