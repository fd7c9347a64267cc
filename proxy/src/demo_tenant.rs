//! The demo tenant's fixed ids, which both its seed (the embedded directory) and its personas
//! (demo sign-in) name, so that neither depends on the other.

/// The seeded organization of the original scenario.
pub const AI_ORGANIZATION_ID: &str = "org_aiOrg7Qm2Xk4Lp9";
/// The second organization with an org admin persona.
pub const ACME_ROBOTICS_ID: &str = "org_acmeR0b8Tn3Vw5";
