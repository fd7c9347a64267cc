//! Who may do what: the one table of permissions, consulted at the top of every handler.

use orgdesk_model::{OrgId, Role};

use crate::error::AppError;
use crate::session::Session;

/// Everything the API lets someone do: the capabilities the app is told of, one type for both.
pub use orgdesk_model::api::Capability as Action;

/// The table: may someone with `role` do `action` at all?
#[must_use]
pub fn allowed(role: Role, action: Action) -> bool {
    use Action::{
        AssignRoles, EditBranding, EditMetadata, ExportConfig, FindUsers, ImportConfig, Invite,
        ListOrgs, ManageDomains, ManageMembers, ManageSso, ReadAudit, ReadConnections, ReadDomains,
        ReadInvitations, ReadM2m, ReadMembers, ReadOrg, ReadRoles,
    };
    // Tenant-wide reads (users, settings, APIs) stay with platform admins: an org admin must not
    // learn who else uses the product.
    match role {
        Role::PlatformAdmin => true,
        Role::OrgAdmin => matches!(
            action,
            ListOrgs
                | ReadOrg
                | ReadRoles
                | ReadAudit
                | EditBranding
                | EditMetadata
                | ReadMembers
                | ManageMembers
                | AssignRoles
                | ReadInvitations
                | Invite
                | FindUsers
                | ReadConnections
                | ReadM2m
                | ReadDomains
                | ManageDomains
                | ManageSso
                | ExportConfig
                | ImportConfig
        ),
        Role::Member => matches!(action, ListOrgs | ReadOrg | ReadMembers),
    }
}

/// The capabilities `/api/me` reports for a role.
#[must_use]
pub fn capabilities(role: Role) -> Vec<Action> {
    Action::ALL
        .into_iter()
        .filter(|action| allowed(role, *action))
        .collect()
}

/// The organizations a session may see: `None` for all, or its own one.
#[must_use]
pub fn org_scope(session: &Session) -> Option<&OrgId> {
    match session.role {
        Role::PlatformAdmin => None,
        Role::OrgAdmin | Role::Member => session.org_id.as_ref(),
    }
}

/// Checks that `session` may do `action`, on `org` when the action concerns one.
///
/// # Errors
/// `Forbidden` when the role may not do this at all; `NotFound` when the organization is not
/// the caller's own, so that other customers' ids cannot even be confirmed to exist.
pub fn authorize(session: &Session, action: Action, org: Option<&OrgId>) -> Result<(), AppError> {
    if !allowed(session.role, action) {
        return Err(AppError::Forbidden("Your role does not allow this."));
    }
    if session.role != Role::PlatformAdmin {
        let own = session.org_id.as_ref().ok_or(AppError::NotFound)?;
        if org.is_some_and(|org| org != own) {
            return Err(AppError::NotFound);
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use orgdesk_model::MeUser;

    fn session(role: Role, org: Option<&str>) -> Session {
        Session {
            id_hash: String::new(),
            user: MeUser {
                id: "auth0|1".into(),
                email: "a@example.com".into(),
                name: "A".into(),
                picture: None,
            },
            role,
            org_id: org.map(|o| OrgId::parse(o).expect("test org id")),
            csrf_token: String::new(),
        }
    }

    /// Where `action` stands in [`Action::ALL`]. The match is exhaustive, so a new action does
    /// not compile until it is given a place here, and the test below then fails until it is in
    /// `ALL` too.
    fn place(action: Action) -> usize {
        match action {
            Action::ListOrgs => 0,
            Action::ReadOrg => 1,
            Action::ReadUsers => 2,
            Action::ReadRoles => 3,
            Action::ReadTenant => 4,
            Action::EditTenant => 5,
            Action::ReadAudit => 6,
            Action::CreateOrg => 7,
            Action::DeleteOrg => 8,
            Action::RenameOrg => 9,
            Action::EditBranding => 10,
            Action::EditMetadata => 11,
            Action::ReadMembers => 12,
            Action::ManageMembers => 13,
            Action::AssignRoles => 14,
            Action::ReadInvitations => 15,
            Action::Invite => 16,
            Action::FindUsers => 17,
            Action::CreateUser => 18,
            Action::ReadConnections => 19,
            Action::ManageConnections => 20,
            Action::ReadApis => 21,
            Action::ManageApis => 22,
            Action::ManageRoles => 23,
            Action::ReadM2m => 24,
            Action::ManageM2m => 25,
            Action::ReadDomains => 26,
            Action::ManageDomains => 27,
            Action::ManageSso => 28,
            Action::ExportConfig => 29,
            Action::ImportConfig => 30,
        }
    }

    #[test]
    fn every_action_is_in_all_exactly_once() {
        let mut seen = [false; Action::ALL.len()];
        for action in Action::ALL {
            let at = place(action);
            assert!(!seen[at], "{action:?} is in ALL twice");
            seen[at] = true;
        }
        assert!(seen.iter().all(|s| *s), "an action is missing from ALL");
    }

    #[test]
    fn platform_admins_may_do_everything_everywhere() {
        let admin = session(Role::PlatformAdmin, None);
        let other = OrgId::parse("org_B").expect("id");
        for action in Action::ALL {
            assert!(
                authorize(&admin, action, Some(&other)).is_ok(),
                "{action:?}"
            );
        }
    }

    #[test]
    fn org_admin_cannot_read_another_org() {
        let admin_a = session(Role::OrgAdmin, Some("org_A"));
        let org_a = OrgId::parse("org_A").expect("id");
        let org_b = OrgId::parse("org_B").expect("id");
        assert!(authorize(&admin_a, Action::ReadOrg, Some(&org_a)).is_ok());
        assert!(matches!(
            authorize(&admin_a, Action::ReadOrg, Some(&org_b)),
            Err(AppError::NotFound)
        ));
    }

    #[test]
    fn only_platform_admins_read_tenant_wide_data() {
        for role in [Role::OrgAdmin, Role::Member] {
            let caps = capabilities(role);
            assert!(!caps.contains(&Action::ReadUsers), "{role:?}");
            assert!(!caps.contains(&Action::ReadTenant), "{role:?}");
            assert!(!caps.contains(&Action::ReadApis), "{role:?}");
            assert!(!caps.contains(&Action::ManageApis), "{role:?}");
            assert!(!caps.contains(&Action::ManageRoles), "{role:?}");
            assert!(!caps.contains(&Action::ManageM2m), "{role:?}");
            assert!(caps.contains(&Action::ReadOrg), "{role:?}");
        }
        assert_eq!(capabilities(Role::PlatformAdmin).len(), Action::ALL.len());
    }

    #[test]
    fn org_admins_brand_their_org_but_never_create_rename_or_delete() {
        let admin_a = session(Role::OrgAdmin, Some("org_A"));
        let org_a = OrgId::parse("org_A").expect("id");
        assert!(authorize(&admin_a, Action::EditBranding, Some(&org_a)).is_ok());
        for action in [Action::CreateOrg, Action::DeleteOrg, Action::RenameOrg] {
            assert!(
                matches!(
                    authorize(&admin_a, action, Some(&org_a)),
                    Err(AppError::Forbidden(_))
                ),
                "{action:?}"
            );
        }
        let member = session(Role::Member, Some("org_A"));
        assert!(matches!(
            authorize(&member, Action::EditBranding, Some(&org_a)),
            Err(AppError::Forbidden(_))
        ));
    }

    #[test]
    fn members_do_not_see_the_audit_log() {
        let member = session(Role::Member, Some("org_A"));
        assert!(matches!(
            authorize(&member, Action::ReadAudit, None),
            Err(AppError::Forbidden(_))
        ));
    }
}
