//! Versioned schema migrations. `MIGRATIONS[i]` takes a store from version
//! `i` to `i + 1`; the version lives in SQLite's `user_version`. A shipped
//! migration is never edited: add a new one. `tests/fixtures/` holds a dump
//! of every released version, and a test upgrades each of them.

/// Marks the file as ours ("CDS1"), so a random SQLite file is refused.
pub const APPLICATION_ID: i64 = 0x4344_5331;

pub const MIGRATIONS: &[&str] = &[
    // v1: the foundation store.
    r#"
CREATE TABLE meta (
    key   TEXT PRIMARY KEY,
    value TEXT NOT NULL
) WITHOUT ROWID;

CREATE TABLE users (
    id              INTEGER PRIMARY KEY,
    name            TEXT NOT NULL UNIQUE,
    role            TEXT NOT NULL CHECK (role IN ('clerk', 'supervisor', 'admin')),
    pin_hash        TEXT NOT NULL,
    failed_attempts INTEGER NOT NULL DEFAULT 0,
    locked_until    INTEGER,
    active          INTEGER NOT NULL DEFAULT 1,
    created_at      INTEGER NOT NULL
);

CREATE TABLE requests (
    id              TEXT PRIMARY KEY,
    tracking_code   TEXT NOT NULL UNIQUE,
    center          TEXT NOT NULL,
    national_id     TEXT NOT NULL CHECK (length(national_id) = 11),
    first_name      TEXT NOT NULL,
    father_name     TEXT NOT NULL,
    mother_name     TEXT NOT NULL,
    family_name     TEXT NOT NULL,
    governorate     TEXT NOT NULL,
    service         TEXT NOT NULL,
    submitted_at    INTEGER NOT NULL,
    channel         TEXT NOT NULL CHECK (channel IN ('app', 'web')),
    paid            INTEGER NOT NULL,
    bank            TEXT,
    fee_syp         INTEGER NOT NULL,
    delivery_kind   TEXT NOT NULL CHECK (delivery_kind IN ('address', 'center')),
    delivery_place  TEXT NOT NULL,
    phone           TEXT NOT NULL,
    document        TEXT NOT NULL,
    state           TEXT NOT NULL,
    stamps_required INTEGER NOT NULL,
    document_number TEXT UNIQUE,
    verified_by     TEXT,
    verified_at     INTEGER,
    frozen_content  TEXT,
    content_digest  TEXT,
    reason          TEXT,
    printed_count   INTEGER NOT NULL DEFAULT 0,
    due_at          INTEGER NOT NULL,
    updated_at      INTEGER NOT NULL
);
CREATE INDEX requests_by_national_id ON requests (national_id);
CREATE INDEX requests_by_state_due ON requests (state, due_at);

CREATE TABLE stamps (
    request_id TEXT NOT NULL REFERENCES requests (id),
    supervisor TEXT NOT NULL,
    stamped_at INTEGER NOT NULL,
    PRIMARY KEY (request_id, supervisor)
) WITHOUT ROWID;

CREATE TABLE audit (
    seq       INTEGER PRIMARY KEY,
    at        TEXT NOT NULL,
    actor     TEXT NOT NULL,
    action    TEXT NOT NULL,
    subject   TEXT NOT NULL,
    detail    TEXT NOT NULL,
    prev_hash TEXT NOT NULL,
    hash      TEXT NOT NULL
);
CREATE TRIGGER audit_is_append_only_update BEFORE UPDATE ON audit
BEGIN SELECT RAISE(ABORT, 'the audit log is append-only'); END;
CREATE TRIGGER audit_is_append_only_delete BEFORE DELETE ON audit
BEGIN SELECT RAISE(ABORT, 'the audit log is append-only'); END;

CREATE TABLE outbox (
    seq             INTEGER PRIMARY KEY,
    idempotency_key TEXT NOT NULL UNIQUE,
    created_at      TEXT NOT NULL,
    kind            TEXT NOT NULL,
    request_id      TEXT,
    payload         TEXT NOT NULL,
    synced_at       TEXT
);
"#,
    // v2: the QR seal. The seal payload is frozen at verification; each
    // stamp keeps its signature; keys and the trust list live in `keys`.
    r#"
ALTER TABLE requests ADD COLUMN seal_payload BLOB;
ALTER TABLE stamps ADD COLUMN kid TEXT;
ALTER TABLE stamps ADD COLUMN protected BLOB;
ALTER TABLE stamps ADD COLUMN signature BLOB;

CREATE TABLE keys (
    kid          TEXT PRIMARY KEY,
    owner        TEXT NOT NULL,
    center       TEXT NOT NULL,
    role         TEXT NOT NULL CHECK (role IN ('root', 'center', 'supervisor')),
    public_key   TEXT NOT NULL,
    valid_from   INTEGER NOT NULL,
    valid_to     INTEGER,
    revoked_at   INTEGER,
    demo         INTEGER NOT NULL DEFAULT 0,
    local        INTEGER NOT NULL DEFAULT 0,
    secret       BLOB,
    secret_salt  BLOB,
    secret_nonce BLOB,
    created_at   INTEGER NOT NULL
);
CREATE INDEX keys_by_owner ON keys (owner, role);
"#,
    // v3: sync with the hub. Outbox rows the hub refused are kept, marked,
    // and listed as conflicts for a supervisor to settle.
    r#"
ALTER TABLE outbox ADD COLUMN rejected_at TEXT;
ALTER TABLE outbox ADD COLUMN hub_answer TEXT;
CREATE INDEX outbox_pending ON outbox (seq) WHERE synced_at IS NULL AND rejected_at IS NULL;

CREATE TABLE conflicts (
    id              INTEGER PRIMARY KEY,
    request_id      TEXT NOT NULL,
    idempotency_key TEXT NOT NULL UNIQUE,
    desk_state      TEXT NOT NULL,
    hub_state       TEXT,
    reason          TEXT NOT NULL,
    detected_at     TEXT NOT NULL,
    settled_at      TEXT,
    settled_by      TEXT,
    settlement      TEXT
);
CREATE INDEX conflicts_open ON conflicts (request_id) WHERE settled_at IS NULL;
"#,
    // v4: staff get the full name printed on documents (a supervisor's
    // stamp line); and an envelope belongs to the desk that made it. Sync brings the
    // envelopes other desks of the center made in as 'enveloped' too; only
    // this desk's own go into its hand-over batch. Of the envelopes already
    // in a store, this desk's are those its audit log shows it made, or all
    // of them in a store never enrolled with a hub (nothing was pulled).
    r#"
ALTER TABLE requests ADD COLUMN enveloped_at_desk TEXT;
ALTER TABLE users ADD COLUMN full_name TEXT;
UPDATE requests SET enveloped_at_desk = (SELECT value FROM meta WHERE key = 'desk')
 WHERE state = 'enveloped'
   AND (NOT EXISTS (SELECT 1 FROM meta WHERE key = 'hub_token')
        OR id IN (SELECT subject FROM audit WHERE action = 'envelope'));
"#,
    // v5: the hub's signed payment facts. Each signed page is kept once;
    // a request points at its place in one. Rows pulled before the hub
    // signed payments are pulled again (cursor 0) to get their signature.
    r#"
CREATE TABLE payment_pages (
    id        INTEGER PRIMARY KEY,
    signer    TEXT NOT NULL,
    digests   BLOB NOT NULL,
    signature BLOB NOT NULL
);
ALTER TABLE requests ADD COLUMN payment_page INTEGER;
ALTER TABLE requests ADD COLUMN payment_index INTEGER;
CREATE INDEX requests_payment_page ON requests (payment_page);
UPDATE meta SET value = '0' WHERE key = 'pull_cursor';
"#,
    // v6: the citizen's sex, which the document's sentences agree with.
    // Pulled rows come again (cursor 0) to bring it; older demo rows have
    // none and print the neutral forms.
    r#"
ALTER TABLE requests ADD COLUMN sex TEXT CHECK (sex IN ('male', 'female'));
UPDATE meta SET value = '0' WHERE key = 'pull_cursor';
"#,
    // v7: a request's history on its page reads the audit rows about it
    // (a year of a busy desk is some 700,000 rows: not a scan per page).
    r#"
CREATE INDEX audit_by_subject ON audit (subject, seq);
"#,
];

pub fn latest_version() -> i64 {
    MIGRATIONS.len() as i64
}
