//! The hub's tables, written once for both backends. Each migration is
//! SQL that SQLite and PostgreSQL both read, with the few words they spell
//! differently as placeholders that [`Dialect::render`] fills in.

/// Migrations in order; a hub's data is at version `n` once the first `n`
/// have run. Released migrations are never edited, only appended to.
///
/// Version 1 is the schema the two backends had when they came to share
/// it. SQLite hubs made before then called their settings table `meta`;
/// version 2 is the same tables with that table named `hub_meta` on every
/// backend (the SQLite store renames it in code, in the migration's
/// transaction, so an older hub refuses the file instead of failing on it).
pub const MIGRATIONS: &[&str] = &[
    r#"
CREATE TABLE hub_meta (key TEXT PRIMARY KEY, value TEXT NOT NULL);
CREATE TABLE requests (
    id            TEXT PRIMARY KEY,
    center        TEXT NOT NULL,
    tracking_code TEXT NOT NULL UNIQUE,
    state         TEXT NOT NULL,
    seq           BIGINT NOT NULL UNIQUE,
    body          TEXT NOT NULL,
    updated_at    BIGINT NOT NULL
);
CREATE INDEX requests_by_center_seq ON requests (center, seq);
CREATE TABLE enroll_codes (
    code_hash  TEXT PRIMARY KEY,
    center     TEXT NOT NULL,
    created_at BIGINT NOT NULL,
    used_at    BIGINT,
    used_by    BIGINT
);
CREATE TABLE desks (
    id            {serial_key},
    center        TEXT NOT NULL,
    desk          TEXT NOT NULL,
    token_hash    TEXT NOT NULL UNIQUE,
    enrolled_at   BIGINT NOT NULL,
    last_seen     BIGINT,
    audit_seq     BIGINT,
    audit_hash    TEXT,
    anchor_broken BOOLEAN NOT NULL DEFAULT FALSE
);
-- Each pushed change with its payload: the hub's record of what desks
-- did (sealed documents: number and seal hash; envelopes; hand-overs).
CREATE TABLE effects (
    key          TEXT PRIMARY KEY,
    desk_id      BIGINT NOT NULL,
    content_hash TEXT NOT NULL,
    kind         TEXT NOT NULL,
    request_id   TEXT,
    outcome      TEXT NOT NULL,
    hub_state    TEXT,
    reason       TEXT,
    payload      TEXT NOT NULL,
    at           BIGINT NOT NULL
);
CREATE TABLE history (
    seq        {serial_key},
    request_id TEXT NOT NULL,
    from_state TEXT,
    to_state   TEXT NOT NULL,
    source     TEXT NOT NULL,
    key        TEXT UNIQUE,
    at         BIGINT NOT NULL
);
CREATE TABLE batches (
    batch   TEXT PRIMARY KEY,
    desk_id BIGINT NOT NULL,
    count   BIGINT NOT NULL,
    body    TEXT NOT NULL,
    at      BIGINT NOT NULL
);
CREATE TABLE trust (
    version      BIGINT PRIMARY KEY,
    document     TEXT NOT NULL,
    published_at BIGINT NOT NULL
);
CREATE TABLE log (
    seq    {serial_key},
    at     BIGINT NOT NULL,
    event  TEXT NOT NULL,
    detail TEXT NOT NULL
);
INSERT INTO hub_meta VALUES ('change_seq', '0');
"#,
    r#"
-- Version 2: the settings table is hub_meta everywhere (see above).
SELECT 1;
"#,
    r#"
-- Version 3: codes expire; a desk's token can be revoked, or rotated (the
-- next token's hash waits beside the current one until the desk uses it).
ALTER TABLE enroll_codes ADD COLUMN expires_at BIGINT;
ALTER TABLE desks ADD COLUMN revoked_at BIGINT;
ALTER TABLE desks ADD COLUMN next_token_hash TEXT;
ALTER TABLE desks ADD COLUMN rotate_requested BOOLEAN NOT NULL DEFAULT FALSE;
-- Document numbers given at verification, one request each per center
-- (numbers verified before this version are not in it).
CREATE TABLE document_numbers (
    center     TEXT NOT NULL,
    number     TEXT NOT NULL,
    request_id TEXT NOT NULL,
    PRIMARY KEY (center, number)
);
"#,
    r#"
-- Version 4: each desk's trust list (the signed export it sent with its
-- enrolment or its latest push with a seal), the root that signs it
-- (pinned at enrolment), and when it was issued: the hub checks the
-- desk's seals with it.
ALTER TABLE desks ADD COLUMN trust_root TEXT;
ALTER TABLE desks ADD COLUMN trust_list TEXT;
ALTER TABLE desks ADD COLUMN trust_issued_at BIGINT;
-- Document numbers verified before version 3 join the register (the
-- first request to hold a number keeps it), so they are never given again.
INSERT INTO document_numbers (center, number, request_id)
SELECT center, {document_number}, id FROM requests
WHERE {document_number} IS NOT NULL
ORDER BY seq
ON CONFLICT DO NOTHING;
"#,
];

/// The newest schema version this hub knows.
pub fn latest_version() -> i64 {
    MIGRATIONS.len() as i64
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Dialect {
    Sqlite,
    Postgres,
}

impl Dialect {
    /// Migration `sql` in this dialect's words.
    pub fn render(self, sql: &str) -> String {
        // SQLite numbers rows itself under exactly these words (the rowid).
        let serial_key = match self {
            Dialect::Sqlite => "INTEGER PRIMARY KEY",
            Dialect::Postgres => "BIGSERIAL PRIMARY KEY",
        };
        // A request's document number, from the JSON of its body.
        let document_number = match self {
            Dialect::Sqlite => "json_extract(body, '$.document_number')",
            Dialect::Postgres => "(body::jsonb ->> 'document_number')",
        };
        sql.replace("{serial_key}", serial_key)
            .replace("{document_number}", document_number)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_placeholder_is_filled() {
        for dialect in [Dialect::Sqlite, Dialect::Postgres] {
            for sql in MIGRATIONS {
                let rendered = dialect.render(sql);
                assert!(!rendered.contains('{'), "{dialect:?}: {rendered}");
            }
        }
    }

    #[test]
    fn sqlite_takes_the_schema() {
        let conn = rusqlite::Connection::open_in_memory().unwrap();
        for sql in MIGRATIONS {
            conn.execute_batch(&Dialect::Sqlite.render(sql)).unwrap();
        }
        // The desks' ids are SQLite's own row numbers.
        conn.execute(
            "INSERT INTO desks (center, desk, token_hash, enrolled_at) VALUES ('A', 'D', 'h', 0)",
            [],
        )
        .unwrap();
        let id: i64 = conn
            .query_row("SELECT id FROM desks", [], |r| r.get(0))
            .unwrap();
        assert_eq!(id, 1);
    }

    #[test]
    fn numbers_verified_before_the_register_join_it() {
        let conn = rusqlite::Connection::open_in_memory().unwrap();
        for sql in &MIGRATIONS[..3] {
            conn.execute_batch(&Dialect::Sqlite.render(sql)).unwrap();
        }
        // Two requests given one number (the restored desk's bug), and
        // one not verified yet.
        for (id, seq, number) in [
            ("a", 1, Some("TRT01-D01-0000002")),
            ("b", 2, Some("TRT01-D01-0000002")),
            ("c", 3, None),
        ] {
            let body = serde_json::json!({ "document_number": number }).to_string();
            conn.execute(
                "INSERT INTO requests VALUES (?1, 'TRT01', ?1, 'verified', ?2, ?3, 0)",
                rusqlite::params![id, seq, body],
            )
            .unwrap();
        }
        conn.execute_batch(&Dialect::Sqlite.render(MIGRATIONS[3]))
            .unwrap();
        let rows: Vec<(String, String)> = conn
            .prepare("SELECT number, request_id FROM document_numbers")
            .unwrap()
            .query_map([], |r| Ok((r.get(0)?, r.get(1)?)))
            .unwrap()
            .map(Result::unwrap)
            .collect();
        assert_eq!(rows, [("TRT01-D01-0000002".to_owned(), "a".to_owned())]);
    }
}
