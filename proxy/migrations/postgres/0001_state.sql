-- orgdesk's own state on PostgreSQL: sessions, sign-ins under way and the audit log.
-- Column for column the same as the SQLite schema (proxy/src/schema.sql), so that one SQL text
-- serves both engines wherever the dialects agree.

CREATE TABLE sessions (
    id_hash      TEXT PRIMARY KEY,       -- SHA-256 of the cookie value; the value itself is never stored
    user_id      TEXT NOT NULL,
    email        TEXT NOT NULL,
    name         TEXT NOT NULL,
    picture      TEXT,
    role         TEXT NOT NULL,
    org_id       TEXT,
    csrf_token   TEXT NOT NULL,
    created_at   BIGINT NOT NULL,
    last_seen_at BIGINT NOT NULL,
    expires_at   BIGINT NOT NULL
);

CREATE TABLE login_transactions (
    id_hash      TEXT PRIMARY KEY,
    state        TEXT NOT NULL,
    nonce        TEXT NOT NULL,
    verifier     TEXT NOT NULL,
    return_to    TEXT NOT NULL,
    organization TEXT,
    created_at   BIGINT NOT NULL
);

CREATE TABLE audit_log (
    id                BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    at                BIGINT NOT NULL,
    actor_id          TEXT NOT NULL,
    actor_email       TEXT NOT NULL,
    actor_role        TEXT NOT NULL,
    org_id            TEXT,
    action            TEXT NOT NULL,
    changes           TEXT NOT NULL DEFAULT '[]',
    outcome           TEXT NOT NULL,
    request_id        TEXT,
    client_request_id TEXT
);
CREATE INDEX audit_log_org ON audit_log (org_id, id);
CREATE INDEX audit_log_at ON audit_log (at);

CREATE TABLE audit_retention (
    id   INTEGER PRIMARY KEY CHECK (id = 1),
    days INTEGER CHECK (days IS NULL OR days >= 1)
);
INSERT INTO audit_retention (id, days) VALUES (1, NULL);

-- Append-only, enforced here whatever the connecting role may do: no row is ever updated, and
-- none is deleted before the retention period has passed; the table cannot be truncated.
CREATE FUNCTION orgdesk_audit_guard() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE
    keep_days INTEGER;
BEGIN
    IF TG_OP = 'UPDATE' THEN
        RAISE EXCEPTION 'the audit log is append-only';
    END IF;
    IF TG_OP = 'TRUNCATE' THEN
        RAISE EXCEPTION 'audit rows are kept for the retention period';
    END IF;
    SELECT days INTO keep_days FROM audit_retention WHERE id = 1;
    IF keep_days IS NULL OR OLD.at >= extract(epoch FROM now())::BIGINT - keep_days::BIGINT * 86400 THEN
        RAISE EXCEPTION 'audit rows are kept for the retention period';
    END IF;
    RETURN OLD;
END
$$;
CREATE TRIGGER audit_log_guard BEFORE UPDATE OR DELETE ON audit_log
    FOR EACH ROW EXECUTE FUNCTION orgdesk_audit_guard();
CREATE TRIGGER audit_log_no_truncate BEFORE TRUNCATE ON audit_log
    FOR EACH STATEMENT EXECUTE FUNCTION orgdesk_audit_guard();
