//! The demo tenant: the scenario orgdesk began with, plus enough around it that every screen
//! has something real to show.

use serde_json::json;

use crate::db::Store;

pub use crate::demo_tenant::{ACME_ROBOTICS_ID, AI_ORGANIZATION_ID};

pub(crate) const DB_CONNECTION: &str = "Username-Password-Authentication";

/// The AI product's API in the demo tenant: the audience of its access tokens.
pub const AI_API_IDENTIFIER: &str = "https://api.ai-application.example/";

/// (id, name, identifier, permissions, the directory's own)
pub(crate) type ApiSeed = (
    &'static str,
    &'static str,
    &'static str,
    Vec<orgdesk_model::apis::ApiPermission>,
    bool,
);

/// The demo tenant's APIs: the directory's own, and the AI product's with every permission the
/// demo roles hold and one per model.
/// A demo machine-to-machine application: (client id, name, grant id, scope, organization
/// usage, the organization the grant is associated with).
pub(crate) type M2mSeed = (
    &'static str,
    &'static str,
    &'static str,
    &'static [&'static str],
    &'static str,
    Option<&'static str>,
);

/// The demo tenant's machine-to-machine applications.
pub(crate) const M2M_APPS: &[M2mSeed] = &[
    (
        "m2mAiOrgBatchPipeline00000000001",
        "AI Organization batch pipeline",
        "cgr_aiOrgBatch00000001",
        &["read:datasets", "run:inference"],
        "require",
        Some(AI_ORGANIZATION_ID),
    ),
    (
        "m2mAcmeFleetSync0000000000000001",
        "Acme fleet sync",
        "cgr_acmeFleet000000001",
        &["run:inference"],
        "require",
        Some(ACME_ROBOTICS_ID),
    ),
    (
        "m2mEvalHarness00000000000000001",
        "Shared evaluation harness",
        "cgr_evalHarness0000001",
        &["read:results"],
        "allow",
        None,
    ),
];

pub(crate) fn demo_apis() -> Vec<ApiSeed> {
    let permission = |value: &str, description: &str| orgdesk_model::apis::ApiPermission {
        value: value.to_owned(),
        description: description.to_owned(),
    };
    vec![
        (
            "rs_managementApi0001",
            "Auth0 Management API",
            "https://ai-application.example.auth0.com/api/v2/",
            Vec::new(),
            true,
        ),
        (
            "rs_aiPlatformApi0002",
            "AI Platform API",
            AI_API_IDENTIFIER,
            vec![
                permission("create:experiments", "Start experiments"),
                permission("create:invitations", "Invite people to the organization"),
                permission("deploy:models", "Deploy models"),
                permission("fine-tune:models", "Fine-tune models"),
                permission("invoke:claude-sonnet", "Call Claude Sonnet"),
                permission("invoke:gpt-4o", "Call GPT-4o"),
                permission("read:datasets", "Read datasets"),
                permission("read:members", "See the organization's members"),
                permission("read:org", "See the organization's settings"),
                permission("read:results", "Read results"),
                permission("run:inference", "Run inference"),
                permission("update:members", "Change members and their roles"),
                permission("update:org", "Change the organization's settings"),
            ],
            false,
        ),
    ]
}

/// (id, name, display name, logo, primary, page background, metadata)
pub(crate) type OrgSeed = (
    &'static str,
    &'static str,
    &'static str,
    Option<&'static str>,
    Option<&'static str>,
    Option<&'static str>,
    serde_json::Value,
);

pub(crate) fn orgs() -> Vec<OrgSeed> {
    vec![
        (
            AI_ORGANIZATION_ID,
            "ai-organization",
            "AI Organization",
            Some("https://example.com/logo.png"),
            Some("#0000ff"),
            Some("#0b1437"),
            json!({"tenant_id": "tenant12345", "ai_models": "gpt-4o,claude-sonnet", "data_region": "us", "monthly_token_quota": "5000000"}),
        ),
        (
            ACME_ROBOTICS_ID,
            "acme-robotics",
            "Acme Robotics",
            Some("https://acme-robotics.example/logo.svg"),
            Some("#c2410c"),
            Some("#1f2933"),
            json!({"tenant_id": "tenant20417", "ai_models": "claude-sonnet", "data_region": "eu", "monthly_token_quota": "1000000"}),
        ),
        (
            "org_globexH3alth2Zq",
            "globex-health",
            "Globex Health",
            None,
            Some("#0f766e"),
            Some("#0f2e2b"),
            json!({"tenant_id": "tenant30981", "ai_models": "med-llm-2", "data_region": "eu"}),
        ),
        (
            "org_initechF1n9Rt0Y",
            "initech-finance",
            "Initech Finance",
            None,
            Some("#7c3aed"),
            Some("#f6f2ff"),
            json!({"tenant_id": "tenant41102", "data_region": "us", "monthly_token_quota": "250000"}),
        ),
        (
            "org_umbrellaL4bs6Hc",
            "umbrella-labs",
            "Umbrella Labs",
            None,
            Some("#dc2626"),
            None,
            json!({"tenant_id": "tenant52233"}),
        ),
        (
            "org_starkAn4lyt1cs8",
            "stark-analytics",
            "Stark Analytics",
            None,
            Some("#a16207"),
            Some("#1c1917"),
            json!({"tenant_id": "tenant63344", "ai_models": "gpt-4o", "data_region": "apac"}),
        ),
        (
            "org_wayneR3search5K",
            "wayne-research",
            "Wayne Research",
            None,
            None,
            None,
            json!({}),
        ),
        (
            "org_hooliCl0ud7Mnb2",
            "hooli-cloud",
            "Hooli Cloud",
            None,
            Some("#2563eb"),
            None,
            json!({"tenant_id": "tenant74455", "data_region": "us"}),
        ),
        (
            "org_piedP1per9Xc3Ld",
            "pied-piper",
            "Pied Piper",
            None,
            Some("#15803d"),
            Some("#052e16"),
            json!({"tenant_id": "tenant85566", "ai_models": "claude-haiku"}),
        ),
        (
            "org_soylentGr33n4Q",
            "soylent-foods",
            "Soylent Foods",
            None,
            Some("#65a30d"),
            None,
            json!({}),
        ),
        (
            "org_cyberdyn3Sys7Rz",
            "cyberdyne-systems",
            "Cyberdyne Systems",
            None,
            Some("#111827"),
            Some("#4b5563"),
            json!({"tenant_id": "tenant96677", "data_region": "us", "monthly_token_quota": "10000000"}),
        ),
        (
            "org_tyrellC0rp2Wq8e",
            "tyrell-corp",
            "Tyrell Corporation",
            None,
            Some("#b45309"),
            None,
            json!({"tenant_id": "tenant10788"}),
        ),
    ]
}

/// (user id, email, name, org memberships with roles)
pub(crate) type UserSeed = (
    &'static str,
    &'static str,
    &'static str,
    &'static [(&'static str, &'static [&'static str])],
);

/// The demo personas' users come first; the sign-in page refers to them by id.
pub(crate) const USERS: &[UserSeed] = &[
    (
        "auth0|6651f0a2c3d4e5f6a7b8c9d0",
        "admin@example.com",
        "Ada Admin",
        &[],
    ),
    (
        "auth0|6651f0a2c3d4e5f6a7b8c9d1",
        "omar@ai-organization.example",
        "Omar Okafor",
        &[(AI_ORGANIZATION_ID, &["rol_orgAdmin0001"])],
    ),
    (
        "auth0|6651f0a2c3d4e5f6a7b8c9d2",
        "lena@acme-robotics.example",
        "Lena Fischer",
        &[(ACME_ROBOTICS_ID, &["rol_orgAdmin0001"])],
    ),
    (
        "auth0|6651f0a2c3d4e5f6a7b8c9d3",
        "user@example.com",
        "Sam Rivera",
        &[(AI_ORGANIZATION_ID, &["rol_dataSci00002"])],
    ),
    (
        "auth0|6651f0a2c3d4e5f6a7b8c9d4",
        "priya@ai-organization.example",
        "Priya Natarajan",
        &[(AI_ORGANIZATION_ID, &["rol_mlEng000003"])],
    ),
    (
        "auth0|6651f0a2c3d4e5f6a7b8c9d5",
        "jonas@ai-organization.example",
        "Jonas Berg",
        &[(AI_ORGANIZATION_ID, &["rol_viewer00004"])],
    ),
    (
        "auth0|6651f0a2c3d4e5f6a7b8c9d6",
        "mei@acme-robotics.example",
        "Mei Tanaka",
        &[(ACME_ROBOTICS_ID, &["rol_mlEng000003", "rol_dataSci00002"])],
    ),
    (
        "auth0|6651f0a2c3d4e5f6a7b8c9d7",
        "carlos@globex-health.example",
        "Carlos Mendes",
        &[("org_globexH3alth2Zq", &["rol_orgAdmin0001"])],
    ),
    (
        "auth0|6651f0a2c3d4e5f6a7b8c9d8",
        "aisha@globex-health.example",
        "Aisha Bello",
        &[("org_globexH3alth2Zq", &["rol_dataSci00002"])],
    ),
    (
        "auth0|6651f0a2c3d4e5f6a7b8c9d9",
        "tom@initech-finance.example",
        "Tom Lindqvist",
        &[("org_initechF1n9Rt0Y", &["rol_viewer00004"])],
    ),
];

/// Fills an empty store with the demo tenant, once: a store that was seeded before is left as it
/// is, whatever happened to its data since. Replicas starting together seed it once.
///
/// # Errors
/// When the database refuses a write; nothing is written then.
pub async fn seed_if_empty(store: impl Into<Store>) -> Result<bool, sqlx::Error> {
    match store.into() {
        Store::Sqlite(db) => super::engine::sqlite::seed_if_empty(db.write()).await,
        Store::Postgres(pg) => super::engine::postgres::seed_if_empty(pg.pool()).await,
    }
}

/// The demo tenant's domains: (id, organization, domain, status, TXT value). AI Organization's is
/// verified (its record is not really published, so a new check fails it, as it would in real
/// life); Acme's waits for its record.
pub(crate) const DOMAINS: &[(&str, &str, &str, &str, &str)] = &[
    (
        "ord_aiOrgLabsDomain000001",
        AI_ORGANIZATION_ID,
        "ai-organization-labs.example",
        "verified",
        "5f0c2a9e7b1d4c3a8e6f9b2d1c0a7e4f",
    ),
    (
        "ord_acmeRoboticsDomain001",
        ACME_ROBOTICS_ID,
        "acme-robotics.example",
        "pending",
        "a7e41c9b3d2f6e8a0c5b7d9f1e3a2c4b",
    ),
];
