-- Import plans (in both modes): what an uploaded file would change, kept until applied so that
-- what is applied is exactly what was shown. `steps` is JSON; `done` counts applied steps.
CREATE TABLE import_plans (
    id          TEXT PRIMARY KEY,
    created_by  TEXT NOT NULL,
    org_id      TEXT,
    steps       TEXT NOT NULL,
    state       TEXT NOT NULL DEFAULT 'planned',
    done        INTEGER NOT NULL DEFAULT 0,
    total       INTEGER NOT NULL,
    failed      TEXT,
    created_at  BIGINT NOT NULL
);
