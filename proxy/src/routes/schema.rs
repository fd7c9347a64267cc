//! `GET /api/metadata-schema`: the metadata keys organizations carry, for the app's forms.

use axum::extract::State;
use axum::routing::get;
use axum::{Json, Router};
use orgdesk_model::api::SchemaInfo;

use crate::session::Session;
use crate::AppState;

pub fn routes() -> Router<AppState> {
    Router::new().route("/metadata-schema", get(schema))
}

async fn schema(_session: Session, State(state): State<AppState>) -> Json<SchemaInfo> {
    Json(SchemaInfo {
        schema: state.settings.schema.clone(),
        claims_namespace: state.settings.claims_namespace.clone(),
        max_keys: orgdesk_model::METADATA_MAX_KEYS,
        max_value_len: orgdesk_model::METADATA_MAX_VALUE_LEN,
    })
}
