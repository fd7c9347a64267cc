-- The privileges orgdesk's runtime role needs on PostgreSQL, and no more. Run it as the role
-- that owns the schema (the one orgdesk first started with, which applied the migrations),
-- after every upgrade; replace orgdesk_app with your runtime role's name.
-- LISTEN/NOTIFY and advisory locks need no grant.
GRANT USAGE ON SCHEMA public TO orgdesk_app;
GRANT SELECT ON orgdesk_migrations, audit_retention TO orgdesk_app;
GRANT SELECT, INSERT, UPDATE, DELETE ON sessions, login_transactions, rate_limits, role_checks,
    domain_checks, sso_tickets, import_plans TO orgdesk_app;
GRANT SELECT, UPDATE ON auth0_budget TO orgdesk_app;
-- The embedded directory (demo mode on PostgreSQL only).
GRANT SELECT, INSERT, UPDATE, DELETE ON meta, orgs, connections, users, roles, role_permissions,
    org_connections, org_members, member_roles, invitations, tenant_settings, apis, clients,
    client_grants, org_client_grants, org_token_quotas, org_domains TO orgdesk_app;
-- The audit log is append-only for orgdesk: read and add, never change or remove.
GRANT SELECT, INSERT ON audit_log TO orgdesk_app;
-- The retention purge, by its one rule.
GRANT EXECUTE ON FUNCTION orgdesk_purge_audit(INTEGER) TO orgdesk_app;
