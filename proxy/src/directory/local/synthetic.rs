//! Large tenants for benchmarks: thousands of organizations, a hundred thousand users and one
//! organization with tens of thousands of members, written into the embedded store in one
//! transaction on top of the demo tenant, on either engine.

use crate::db::{now, Store};
use crate::on_store;

/// How large a tenant to make.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Size {
    /// Organizations besides the demo ones.
    pub orgs: u32,
    /// Users besides the demo ones.
    pub users: u32,
    /// Members of the first synthetic organization (taken from the users).
    pub big_org_members: u32,
}

/// The id of the synthetic organization with the most members.
pub const BIG_ORG: &str = "org_synthetic00000000";

/// The id of synthetic organization `n`.
#[must_use]
pub fn org_id(n: u32) -> String {
    format!("org_synthetic{n:08}")
}

/// The id of synthetic user `n`.
#[must_use]
pub fn user_id(n: u32) -> String {
    format!("auth0|synthetic{n:012}")
}

const WORDS: &[&str] = &[
    "Acme",
    "Globex",
    "Initech",
    "Umbrella",
    "Hooli",
    "Vandelay",
    "Stark",
    "Wayne",
    "Tyrell",
    "Cyberdyne",
    "Soylent",
    "Massive",
    "Dynamic",
    "Quantum",
    "Northwind",
    "Contoso",
];

/// Writes the tenant; nothing is written if any row fails.
///
/// # Errors
/// When the database refuses a write.
pub async fn generate(store: impl Into<Store>, size: Size) -> Result<(), sqlx::Error> {
    let store = store.into();
    let now = now();
    on_store!(tx &store, tx => {
    for n in 0..size.orgs {
        let word = WORDS[(n as usize) % WORDS.len()];
        sqlx::query("INSERT INTO orgs (id, name, display_name, primary_color, metadata, created_at) VALUES ($1, $2, $3, $4, $5, $6)")
            .bind(org_id(n))
            .bind(format!("{}-{n:05}", word.to_lowercase()))
            .bind(format!("{word} Customer {n:05}"))
            .bind(format!("#{:06x}", (u64::from(n) * 2_654_435_761) % 0x00ff_ffff))
            .bind(format!(r#"{{"tenant_id":"tenant{n:05}","data_region":"{}"}}"#, if n % 2 == 0 { "eu" } else { "us" }))
            .bind(now)
            .execute(&mut *tx)
            .await?;
    }
    for n in 0..size.users {
        sqlx::query("INSERT INTO users (user_id, email, email_verified, name, connection, created_at) VALUES ($1, $2, 1, $3, 'Username-Password-Authentication', $4)")
            .bind(user_id(n))
            .bind(format!("person{n:06}@customers.example"))
            .bind(format!("Person {n:06}"))
            .bind(now)
            .execute(&mut *tx)
            .await?;
    }
    if size.orgs > 0 {
        for n in 0..size.users {
            // The first `big_org_members` users are members of the big org; everyone else
            // belongs to one of the other organizations.
            let org = if n < size.big_org_members || size.orgs == 1 {
                0
            } else {
                1 + n % (size.orgs - 1)
            };
            sqlx::query(
                "INSERT INTO org_members (org_id, user_id, created_at) VALUES ($1, $2, $3)",
            )
            .bind(org_id(org))
            .bind(user_id(n))
            .bind(now)
            .execute(&mut *tx)
            .await?;
            sqlx::query("INSERT INTO member_roles (org_id, user_id, role_id) VALUES ($1, $2, 'rol_viewer00004')")
                .bind(org_id(org))
                .bind(user_id(n))
                .execute(&mut *tx)
                .await?;
        }
    }
    tx.commit().await
    })
}
