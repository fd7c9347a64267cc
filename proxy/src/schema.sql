-- orgdesk's database. Sessions always live here; in demo mode the directory does too.
-- Every statement is idempotent so that opening an existing database changes nothing.

CREATE TABLE IF NOT EXISTS meta (
    key   TEXT PRIMARY KEY,
    value TEXT NOT NULL
);

CREATE TABLE IF NOT EXISTS sessions (
    id_hash      TEXT PRIMARY KEY,       -- SHA-256 of the cookie value; the value itself is never stored
    user_id      TEXT NOT NULL,
    email        TEXT NOT NULL,
    name         TEXT NOT NULL,
    picture      TEXT,
    role         TEXT NOT NULL,
    org_id       TEXT,
    csrf_token   TEXT NOT NULL,
    created_at   INTEGER NOT NULL,
    last_seen_at INTEGER NOT NULL,
    expires_at   INTEGER NOT NULL
);

-- Sign-ins under way (real mode): single-use, minutes long, keyed by the pre-login cookie's hash.
CREATE TABLE IF NOT EXISTS login_transactions (
    id_hash      TEXT PRIMARY KEY,
    state        TEXT NOT NULL,
    nonce        TEXT NOT NULL,
    verifier     TEXT NOT NULL,
    return_to    TEXT NOT NULL,
    organization TEXT,
    created_at   INTEGER NOT NULL
);

CREATE TABLE IF NOT EXISTS orgs (
    id              TEXT PRIMARY KEY,
    name            TEXT NOT NULL UNIQUE,
    display_name    TEXT,
    logo_url        TEXT,
    primary_color   TEXT,
    page_background TEXT,
    metadata        TEXT NOT NULL DEFAULT '{}',
    created_at      INTEGER NOT NULL
);
CREATE INDEX IF NOT EXISTS orgs_display_name ON orgs (display_name);

CREATE TABLE IF NOT EXISTS connections (
    id       TEXT PRIMARY KEY,
    name     TEXT NOT NULL UNIQUE,
    strategy TEXT NOT NULL
);

CREATE TABLE IF NOT EXISTS users (
    user_id        TEXT PRIMARY KEY,
    email          TEXT NOT NULL,
    email_verified INTEGER NOT NULL DEFAULT 0,
    name           TEXT NOT NULL,
    picture        TEXT,
    connection     TEXT NOT NULL REFERENCES connections (name),
    user_metadata  TEXT NOT NULL DEFAULT '{}',
    app_metadata   TEXT NOT NULL DEFAULT '{}',
    created_at     INTEGER NOT NULL
);
CREATE UNIQUE INDEX IF NOT EXISTS users_connection_email ON users (connection, email);
CREATE INDEX IF NOT EXISTS users_email ON users (email, user_id);

-- Users by any three consecutive characters of their email or name: a trigram index kept by
-- triggers, so that a search for a rare piece of text does not read every user.
CREATE VIRTUAL TABLE IF NOT EXISTS users_search USING fts5 (
    email, name, content = 'users', content_rowid = 'rowid', tokenize = 'trigram'
);
CREATE TRIGGER IF NOT EXISTS users_search_insert AFTER INSERT ON users BEGIN
    INSERT INTO users_search (rowid, email, name) VALUES (new.rowid, new.email, new.name);
END;
CREATE TRIGGER IF NOT EXISTS users_search_delete AFTER DELETE ON users BEGIN
    INSERT INTO users_search (users_search, rowid, email, name)
        VALUES ('delete', old.rowid, old.email, old.name);
END;
CREATE TRIGGER IF NOT EXISTS users_search_update AFTER UPDATE OF email, name ON users BEGIN
    INSERT INTO users_search (users_search, rowid, email, name)
        VALUES ('delete', old.rowid, old.email, old.name);
    INSERT INTO users_search (rowid, email, name) VALUES (new.rowid, new.email, new.name);
END;

CREATE TABLE IF NOT EXISTS roles (
    id          TEXT PRIMARY KEY,
    name        TEXT NOT NULL UNIQUE,
    description TEXT NOT NULL DEFAULT ''
);

-- APIs (Auth0's resource servers): permissions are a JSON array of {value, description};
-- system_api marks the directory's own, which is neither changed nor deleted.
CREATE TABLE IF NOT EXISTS apis (
    id                   TEXT PRIMARY KEY,
    name                 TEXT NOT NULL,
    identifier           TEXT NOT NULL UNIQUE,
    signing_alg          TEXT NOT NULL,
    token_lifetime       INTEGER NOT NULL,
    rbac                 INTEGER NOT NULL DEFAULT 1,
    permissions_in_token INTEGER NOT NULL DEFAULT 1,
    permissions          TEXT NOT NULL DEFAULT '[]',
    system_api           INTEGER NOT NULL DEFAULT 0,
    created_at           INTEGER NOT NULL
);

CREATE TABLE IF NOT EXISTS role_permissions (
    role_id                    TEXT NOT NULL REFERENCES roles (id) ON DELETE CASCADE,
    resource_server_identifier TEXT NOT NULL,
    permission_name            TEXT NOT NULL,
    PRIMARY KEY (role_id, resource_server_identifier, permission_name)
);

CREATE TABLE IF NOT EXISTS org_connections (
    org_id                     TEXT NOT NULL REFERENCES orgs (id) ON DELETE CASCADE,
    connection_id              TEXT NOT NULL REFERENCES connections (id),
    assign_membership_on_login INTEGER NOT NULL DEFAULT 0,
    show_as_button             INTEGER NOT NULL DEFAULT 1,
    is_signup_enabled          INTEGER NOT NULL DEFAULT 0,
    PRIMARY KEY (org_id, connection_id)
);

-- Machine-to-machine applications: clients (never their secrets), their grants to an API, and
-- which organizations each grant may be used with.
CREATE TABLE IF NOT EXISTS clients (
    client_id  TEXT PRIMARY KEY,
    name       TEXT NOT NULL,
    app_type   TEXT NOT NULL,
    created_at INTEGER NOT NULL
);

CREATE TABLE IF NOT EXISTS client_grants (
    id                 TEXT PRIMARY KEY,
    client_id          TEXT NOT NULL REFERENCES clients (client_id) ON DELETE CASCADE,
    audience           TEXT NOT NULL,
    scope              TEXT NOT NULL DEFAULT '[]',
    organization_usage TEXT NOT NULL DEFAULT 'require',
    UNIQUE (client_id, audience)
);

CREATE TABLE IF NOT EXISTS org_client_grants (
    org_id   TEXT NOT NULL REFERENCES orgs (id) ON DELETE CASCADE,
    grant_id TEXT NOT NULL REFERENCES client_grants (id) ON DELETE CASCADE,
    PRIMARY KEY (org_id, grant_id)
);

-- An organization's quota of client-credentials tokens (Auth0's token_quota), as JSON.
CREATE TABLE IF NOT EXISTS org_token_quotas (
    org_id TEXT PRIMARY KEY REFERENCES orgs (id) ON DELETE CASCADE,
    quota  TEXT NOT NULL
);

-- An organization's domains (Auth0's organization discovery domains). A domain belongs to one
-- organization at most.
CREATE TABLE IF NOT EXISTS org_domains (
    id                TEXT PRIMARY KEY,
    org_id            TEXT NOT NULL REFERENCES orgs (id) ON DELETE CASCADE,
    domain            TEXT NOT NULL UNIQUE,
    status            TEXT NOT NULL DEFAULT 'pending',
    txt_value         TEXT NOT NULL,
    use_for_discovery INTEGER NOT NULL DEFAULT 1,
    created_at        INTEGER NOT NULL
);
CREATE INDEX IF NOT EXISTS org_domains_org ON org_domains (org_id, created_at);

-- orgdesk's own record of its last look-up of each domain's TXT record (in both modes: Auth0
-- keeps only pending or verified).
CREATE TABLE IF NOT EXISTS domain_checks (
    org_id     TEXT NOT NULL,
    domain_id  TEXT NOT NULL,
    checked_at INTEGER NOT NULL,
    ok         INTEGER NOT NULL,
    message    TEXT,
    PRIMARY KEY (org_id, domain_id)
);

-- The single sign-on set-up links orgdesk made (in both modes): never the link itself, only a
-- hash of its secret, so that orgdesk's own set-up page (demo mode) can recognise it.
CREATE TABLE IF NOT EXISTS sso_tickets (
    id            TEXT PRIMARY KEY,
    org_id        TEXT NOT NULL,
    secret_hash   TEXT NOT NULL UNIQUE,
    created_by    TEXT NOT NULL,
    created_at    INTEGER NOT NULL,
    expires_at    INTEGER NOT NULL,
    revoked_at    INTEGER,
    used_at       INTEGER,
    connection_id TEXT
);
CREATE INDEX IF NOT EXISTS sso_tickets_org ON sso_tickets (org_id, created_at);

CREATE TABLE IF NOT EXISTS org_members (
    org_id     TEXT NOT NULL REFERENCES orgs (id) ON DELETE CASCADE,
    user_id    TEXT NOT NULL REFERENCES users (user_id) ON DELETE CASCADE,
    created_at INTEGER NOT NULL,
    PRIMARY KEY (org_id, user_id)
);
CREATE INDEX IF NOT EXISTS org_members_user ON org_members (user_id);

CREATE TABLE IF NOT EXISTS member_roles (
    org_id  TEXT NOT NULL,
    user_id TEXT NOT NULL,
    role_id TEXT NOT NULL REFERENCES roles (id) ON DELETE CASCADE,
    PRIMARY KEY (org_id, user_id, role_id),
    FOREIGN KEY (org_id, user_id) REFERENCES org_members (org_id, user_id) ON DELETE CASCADE
);

CREATE TABLE IF NOT EXISTS invitations (
    id             TEXT PRIMARY KEY,
    org_id         TEXT NOT NULL REFERENCES orgs (id) ON DELETE CASCADE,
    inviter_name   TEXT NOT NULL,
    invitee_email  TEXT NOT NULL,
    connection_id  TEXT REFERENCES connections (id),
    roles          TEXT NOT NULL DEFAULT '[]',
    created_at     INTEGER NOT NULL,
    expires_at     INTEGER NOT NULL,
    ticket_id      TEXT NOT NULL,
    invitation_url TEXT NOT NULL
);
CREATE INDEX IF NOT EXISTS invitations_org ON invitations (org_id);

CREATE TABLE IF NOT EXISTS tenant_settings (
    id       INTEGER PRIMARY KEY CHECK (id = 1),
    settings TEXT NOT NULL
);

-- Append-only, enforced here: no row can be updated, and none deleted before the retention
-- period (audit_retention, NULL = keep forever) has passed; the purge itself is audited.
CREATE TABLE IF NOT EXISTS audit_log (
    id          INTEGER PRIMARY KEY AUTOINCREMENT,
    at          INTEGER NOT NULL,
    actor_id    TEXT NOT NULL,
    actor_email TEXT NOT NULL,
    actor_role  TEXT NOT NULL,
    org_id      TEXT,
    action      TEXT NOT NULL,
    changes     TEXT NOT NULL DEFAULT '[]',
    outcome     TEXT NOT NULL,
    request_id  TEXT,                    -- orgdesk's own id for the request
    client_request_id TEXT               -- an x-request-id the client sent, kept as the client's
);
CREATE INDEX IF NOT EXISTS audit_log_org ON audit_log (org_id, id);
CREATE INDEX IF NOT EXISTS audit_log_at ON audit_log (at);

CREATE TABLE IF NOT EXISTS audit_retention (
    id   INTEGER PRIMARY KEY CHECK (id = 1),
    days INTEGER CHECK (days IS NULL OR days >= 1)
);
INSERT OR IGNORE INTO audit_retention (id, days) VALUES (1, NULL);

CREATE TRIGGER IF NOT EXISTS audit_log_no_update BEFORE UPDATE ON audit_log BEGIN
    SELECT RAISE(ABORT, 'the audit log is append-only');
END;
CREATE TRIGGER IF NOT EXISTS audit_log_no_early_delete BEFORE DELETE ON audit_log
WHEN (SELECT days FROM audit_retention WHERE id = 1) IS NULL
  OR old.at >= CAST(strftime('%s', 'now') AS INTEGER)
               - (SELECT days FROM audit_retention WHERE id = 1) * 86400
BEGIN
    SELECT RAISE(ABORT, 'audit rows are kept for the retention period');
END;

-- Import plans (in both modes): what an uploaded file would change, kept until applied so that
-- what is applied is exactly what was shown. `steps` is JSON; `done` counts applied steps.
CREATE TABLE IF NOT EXISTS import_plans (
    id          TEXT PRIMARY KEY,
    created_by  TEXT NOT NULL,
    org_id      TEXT,
    steps       TEXT NOT NULL,
    state       TEXT NOT NULL DEFAULT 'planned',
    done        INTEGER NOT NULL DEFAULT 0,
    total       INTEGER NOT NULL,
    failed      TEXT,
    created_at  INTEGER NOT NULL
);
