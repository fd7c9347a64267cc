//! Demo mode's sign-in: a page of personas, each a seeded user with one of the three roles.

use orgdesk_model::{MeUser, OrgId, Role};

pub use crate::demo_tenant::{ACME_ROBOTICS_ID, AI_ORGANIZATION_ID};
use crate::session::NewSession;

/// Someone to sign in as in demo mode.
#[derive(Debug, Clone, Copy)]
pub struct Persona {
    /// The form value that picks this persona.
    pub key: &'static str,
    /// The seeded user's id.
    pub user_id: &'static str,
    /// Their email.
    pub email: &'static str,
    /// Their name.
    pub name: &'static str,
    /// Their role.
    pub role: Role,
    /// Their organization's id and display name.
    pub org: Option<(&'static str, &'static str)>,
    /// What this persona is good for showing.
    pub blurb: &'static str,
}

/// The demo personas, in the order the sign-in page shows them.
pub const PERSONAS: &[Persona] = &[
    Persona {
        key: "platform-admin",
        user_id: "auth0|6651f0a2c3d4e5f6a7b8c9d0",
        email: "admin@example.com",
        name: "Ada Admin",
        role: Role::PlatformAdmin,
        org: None,
        blurb: "Runs the AI product: every organization, users, roles and tenant settings.",
    },
    Persona {
        key: "org-admin",
        user_id: "auth0|6651f0a2c3d4e5f6a7b8c9d1",
        email: "omar@ai-organization.example",
        name: "Omar Okafor",
        role: Role::OrgAdmin,
        org: Some((AI_ORGANIZATION_ID, "AI Organization")),
        blurb: "Administers AI Organization only: its branding, members and invitations.",
    },
    Persona {
        key: "org-admin-acme",
        user_id: "auth0|6651f0a2c3d4e5f6a7b8c9d2",
        email: "lena@acme-robotics.example",
        name: "Lena Fischer",
        role: Role::OrgAdmin,
        org: Some((ACME_ROBOTICS_ID, "Acme Robotics")),
        blurb: "Administers Acme Robotics only, and cannot see AI Organization.",
    },
    Persona {
        key: "member",
        user_id: "auth0|6651f0a2c3d4e5f6a7b8c9d3",
        email: "user@example.com",
        name: "Sam Rivera",
        role: Role::Member,
        org: Some((AI_ORGANIZATION_ID, "AI Organization")),
        blurb: "A data scientist in AI Organization who may look but not change.",
    },
];

impl Persona {
    /// Finds a persona by its form value.
    #[must_use]
    pub fn find(key: &str) -> Option<&'static Persona> {
        PERSONAS.iter().find(|p| p.key == key)
    }

    /// The session this persona signs in to.
    ///
    /// # Panics
    /// Never: the persona table's org ids are checked by a test.
    #[must_use]
    pub fn session(&self) -> NewSession {
        NewSession {
            user: MeUser {
                id: self.user_id.to_owned(),
                email: self.email.to_owned(),
                name: self.name.to_owned(),
                picture: None,
            },
            role: self.role,
            org_id: self.org.and_then(|(id, _)| OrgId::parse(id).ok()),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_persona_but_the_platform_admin_has_a_valid_org() {
        for persona in PERSONAS {
            let session = persona.session();
            assert_eq!(
                session.org_id.is_some(),
                persona.role != Role::PlatformAdmin,
                "{}",
                persona.key
            );
        }
    }
}
