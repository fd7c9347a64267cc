//! The demo tenant: the scenario orgdesk began with, plus enough around it that every screen
//! has something real to show.

use crate::db::Db;
use serde_json::json;

use crate::db::now;

/// The seeded organization of the original scenario.
pub const AI_ORGANIZATION_ID: &str = "org_aiOrg7Qm2Xk4Lp9";
/// The second organization with an org admin persona.
pub const ACME_ROBOTICS_ID: &str = "org_acmeR0b8Tn3Vw5";

const DB_CONNECTION: &str = "Username-Password-Authentication";

/// (id, name, display name, logo, primary, page background, metadata)
type OrgSeed = (
    &'static str,
    &'static str,
    &'static str,
    Option<&'static str>,
    Option<&'static str>,
    Option<&'static str>,
    serde_json::Value,
);

fn orgs() -> Vec<OrgSeed> {
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
type UserSeed = (
    &'static str,
    &'static str,
    &'static str,
    &'static [(&'static str, &'static [&'static str])],
);

/// The demo personas' users come first; the sign-in page refers to them by id.
const USERS: &[UserSeed] = &[
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
/// is, whatever happened to its data since.
///
/// # Errors
/// When the database refuses a write; nothing is written then.
pub async fn seed_if_empty(db: &Db) -> Result<bool, sqlx::Error> {
    // IMMEDIATE: two processes starting at once on one new database seed it once.
    let mut tx = db.begin_write().await?;
    let seeded: Option<String> =
        sqlx::query_scalar("SELECT value FROM meta WHERE key = 'seeded_at'")
            .fetch_optional(&mut *tx)
            .await?;
    if seeded.is_some() {
        return Ok(false);
    }
    let now = now();

    sqlx::query("INSERT INTO tenant_settings (id, settings) VALUES (1, ?1)")
        .bind(
            json!({
                "friendly_name": "My AI Application",
                "picture_url": "https://example.com/ai-application.png",
                "support_email": "support@example.com",
                "support_url": "https://support.example.com",
                "error_page": {
                    "html": "<h1>Something went wrong</h1><p>Contact support@example.com.</p>",
                    "show_log_link": false,
                    "url": "https://support.example.com/error"
                },
                "flags": {"enable_client_connections": false, "disable_clickjack_protection_headers": false}
            })
            .to_string(),
        )
        .execute(&mut *tx)
        .await?;

    for (id, name, strategy) in [
        ("con_UsrPwdAuth0001", DB_CONNECTION, "auth0"),
        ("con_GoogleOAuth002", "google-oauth2", "google-oauth2"),
        ("con_AcmeSaml000003", "acme-saml", "samlp"),
    ] {
        sqlx::query("INSERT INTO connections (id, name, strategy) VALUES (?1, ?2, ?3)")
            .bind(id)
            .bind(name)
            .bind(strategy)
            .execute(&mut *tx)
            .await?;
    }

    for (id, name, description, permissions) in [
        (
            "rol_orgAdmin0001",
            "org-admin",
            "Administers one organization: members, invitations, branding.",
            &[
                "read:org",
                "update:org",
                "create:invitations",
                "read:members",
                "update:members",
            ][..],
        ),
        (
            "rol_dataSci00002",
            "data-scientist",
            "Runs experiments on the organization's datasets and models.",
            &["read:datasets", "run:inference", "create:experiments"][..],
        ),
        (
            "rol_mlEng000003",
            "ml-engineer",
            "Deploys and fine-tunes models for the organization.",
            &[
                "read:datasets",
                "run:inference",
                "deploy:models",
                "fine-tune:models",
            ][..],
        ),
        (
            "rol_viewer00004",
            "viewer",
            "Reads dashboards and results; changes nothing.",
            &["read:datasets", "read:results"][..],
        ),
    ] {
        sqlx::query("INSERT INTO roles (id, name, description) VALUES (?1, ?2, ?3)")
            .bind(id)
            .bind(name)
            .bind(description)
            .execute(&mut *tx)
            .await?;
        for permission in permissions {
            sqlx::query("INSERT INTO role_permissions (role_id, resource_server_identifier, permission_name) VALUES (?1, 'https://api.ai-application.example/', ?2)")
                .bind(id)
                .bind(permission)
                .execute(&mut *tx)
                .await?;
        }
    }

    for (id, name, display_name, logo, primary, background, metadata) in orgs() {
        sqlx::query("INSERT INTO orgs (id, name, display_name, logo_url, primary_color, page_background, metadata, created_at) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8)")
            .bind(id)
            .bind(name)
            .bind(display_name)
            .bind(logo)
            .bind(primary)
            .bind(background)
            .bind(metadata.to_string())
            .bind(now)
            .execute(&mut *tx)
            .await?;
        sqlx::query("INSERT INTO org_connections (org_id, connection_id, assign_membership_on_login, show_as_button, is_signup_enabled) VALUES (?1, 'con_UsrPwdAuth0001', 0, 1, 0)")
            .bind(id)
            .execute(&mut *tx)
            .await?;
    }
    sqlx::query("INSERT INTO org_connections (org_id, connection_id, assign_membership_on_login, show_as_button, is_signup_enabled) VALUES (?1, 'con_AcmeSaml000003', 1, 1, 0)")
        .bind(ACME_ROBOTICS_ID)
        .execute(&mut *tx)
        .await?;

    for (user_id, email, name, memberships) in USERS {
        let data_scientist = *email == "user@example.com";
        let user_metadata = if data_scientist {
            json!({"role": "data-scientist"})
        } else {
            json!({})
        };
        let app_metadata = memberships
            .first()
            .map_or_else(|| json!({}), |(org, _)| json!({"organization_id": org}));
        sqlx::query("INSERT INTO users (user_id, email, email_verified, name, connection, user_metadata, app_metadata, created_at) VALUES (?1, ?2, 1, ?3, ?4, ?5, ?6, ?7)")
            .bind(user_id)
            .bind(email)
            .bind(name)
            .bind(DB_CONNECTION)
            .bind(user_metadata.to_string())
            .bind(app_metadata.to_string())
            .bind(now)
            .execute(&mut *tx)
            .await?;
        for (org_id, roles) in *memberships {
            sqlx::query(
                "INSERT INTO org_members (org_id, user_id, created_at) VALUES (?1, ?2, ?3)",
            )
            .bind(org_id)
            .bind(user_id)
            .bind(now)
            .execute(&mut *tx)
            .await?;
            for role in *roles {
                sqlx::query(
                    "INSERT INTO member_roles (org_id, user_id, role_id) VALUES (?1, ?2, ?3)",
                )
                .bind(org_id)
                .bind(user_id)
                .bind(role)
                .execute(&mut *tx)
                .await?;
            }
        }
    }

    const WEEK: i64 = 7 * 24 * 3600;
    for (id, org_id, inviter, email, role, age) in [
        (
            "uinv_Kq3Lm8Np2Rs5Tv7W",
            AI_ORGANIZATION_ID,
            "Omar Okafor",
            "new.hire@ai-organization.example",
            "rol_dataSci00002",
            3600,
        ),
        (
            "uinv_Ab4Cd6Ef8Gh0Ij2K",
            AI_ORGANIZATION_ID,
            "Omar Okafor",
            "contractor@partner.example",
            "rol_viewer00004",
            5 * 24 * 3600,
        ),
        (
            "uinv_Zy9Xw7Vu5Ts3Rq1P",
            ACME_ROBOTICS_ID,
            "Lena Fischer",
            "robotics.lead@acme-robotics.example",
            "rol_mlEng000003",
            2 * 24 * 3600,
        ),
    ] {
        let created = now - age;
        sqlx::query("INSERT INTO invitations (id, org_id, inviter_name, invitee_email, connection_id, roles, created_at, expires_at, ticket_id, invitation_url) VALUES (?1, ?2, ?3, ?4, 'con_UsrPwdAuth0001', ?5, ?6, ?7, ?8, ?9)")
            .bind(id)
            .bind(org_id)
            .bind(inviter)
            .bind(email)
            .bind(json!([role]).to_string())
            .bind(created)
            .bind(created + WEEK)
            .bind(format!("tkt_{}", &id[5..]))
            .bind(format!("https://login.ai-application.example/login?invitation=tkt_{}&organization={org_id}", &id[5..]))
            .execute(&mut *tx)
            .await?;
    }

    sqlx::query("INSERT INTO meta (key, value) VALUES ('seeded_at', ?1)")
        .bind(now.to_string())
        .execute(&mut *tx)
        .await?;
    tx.commit().await?;
    Ok(true)
}
