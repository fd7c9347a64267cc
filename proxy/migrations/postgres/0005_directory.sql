-- The embedded directory on PostgreSQL (demo mode with --database-url): column for column the
-- SQLite schema, integers as BIGINT, and users found by trigram (pg_trgm) where SQLite keeps a
-- full-text trigram index.

CREATE EXTENSION IF NOT EXISTS pg_trgm;

CREATE TABLE meta (
    key   TEXT PRIMARY KEY,
    value TEXT NOT NULL
);

CREATE TABLE orgs (
    id              TEXT PRIMARY KEY,
    name            TEXT NOT NULL UNIQUE,
    display_name    TEXT,
    logo_url        TEXT,
    primary_color   TEXT,
    page_background TEXT,
    metadata        TEXT NOT NULL DEFAULT '{}',
    created_at      BIGINT NOT NULL
);
CREATE INDEX orgs_display_name ON orgs (display_name);

CREATE TABLE connections (
    id       TEXT PRIMARY KEY,
    name     TEXT NOT NULL UNIQUE,
    strategy TEXT NOT NULL
);

CREATE TABLE users (
    user_id        TEXT PRIMARY KEY,
    email          TEXT NOT NULL,
    email_verified BIGINT NOT NULL DEFAULT 0,
    name           TEXT NOT NULL,
    picture        TEXT,
    connection     TEXT NOT NULL REFERENCES connections (name),
    user_metadata  TEXT NOT NULL DEFAULT '{}',
    app_metadata   TEXT NOT NULL DEFAULT '{}',
    created_at     BIGINT NOT NULL
);
CREATE UNIQUE INDEX users_connection_email ON users (connection, email);
CREATE INDEX users_email ON users (email, user_id);
CREATE INDEX users_email_trgm ON users USING gin (email gin_trgm_ops);
CREATE INDEX users_name_trgm ON users USING gin (name gin_trgm_ops);

CREATE TABLE roles (
    id          TEXT PRIMARY KEY,
    name        TEXT NOT NULL UNIQUE,
    description TEXT NOT NULL DEFAULT ''
);

CREATE TABLE role_permissions (
    role_id                    TEXT NOT NULL REFERENCES roles (id) ON DELETE CASCADE,
    resource_server_identifier TEXT NOT NULL,
    permission_name            TEXT NOT NULL,
    PRIMARY KEY (role_id, resource_server_identifier, permission_name)
);

CREATE TABLE org_connections (
    org_id                     TEXT NOT NULL REFERENCES orgs (id) ON DELETE CASCADE,
    connection_id              TEXT NOT NULL REFERENCES connections (id),
    assign_membership_on_login BIGINT NOT NULL DEFAULT 0,
    show_as_button             BIGINT NOT NULL DEFAULT 1,
    is_signup_enabled          BIGINT NOT NULL DEFAULT 0,
    PRIMARY KEY (org_id, connection_id)
);

CREATE TABLE org_members (
    org_id     TEXT NOT NULL REFERENCES orgs (id) ON DELETE CASCADE,
    user_id    TEXT NOT NULL REFERENCES users (user_id) ON DELETE CASCADE,
    created_at BIGINT NOT NULL,
    PRIMARY KEY (org_id, user_id)
);
CREATE INDEX org_members_user ON org_members (user_id);

CREATE TABLE member_roles (
    org_id  TEXT NOT NULL,
    user_id TEXT NOT NULL,
    role_id TEXT NOT NULL REFERENCES roles (id) ON DELETE CASCADE,
    PRIMARY KEY (org_id, user_id, role_id),
    FOREIGN KEY (org_id, user_id) REFERENCES org_members (org_id, user_id) ON DELETE CASCADE
);

CREATE TABLE invitations (
    id             TEXT PRIMARY KEY,
    org_id         TEXT NOT NULL REFERENCES orgs (id) ON DELETE CASCADE,
    inviter_name   TEXT NOT NULL,
    invitee_email  TEXT NOT NULL,
    connection_id  TEXT REFERENCES connections (id),
    roles          TEXT NOT NULL DEFAULT '[]',
    created_at     BIGINT NOT NULL,
    expires_at     BIGINT NOT NULL,
    ticket_id      TEXT NOT NULL,
    invitation_url TEXT NOT NULL
);
CREATE INDEX invitations_org ON invitations (org_id);

CREATE TABLE tenant_settings (
    id       INTEGER PRIMARY KEY CHECK (id = 1),
    settings TEXT NOT NULL
);
