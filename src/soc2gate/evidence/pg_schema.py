"""The PostgreSQL evidence store's schema, created and migrated by ``soc2gate evidence init URL``.

Versioned migrations, applied in order under an advisory lock, each recorded in
``soc2gate_migrations``. ``evidence_records`` holds each record's canonical JSON line exactly
as it was hashed and signed; ``evidence_heads`` is an insert-only log of chain heads, written in
the same transaction as the record, so deleting records from the end of a chain is detected.
Writers need INSERT and SELECT only (docs/evidence.md gives the roles).
"""

from __future__ import annotations

from typing import Any

MIGRATIONS: tuple[tuple[int, str, str], ...] = (
    (1, "evidence records and chain heads", """
CREATE TABLE evidence_records (
    id          bigserial PRIMARY KEY,
    chain       text        NOT NULL,
    seq         bigint      NOT NULL,
    hash        text        NOT NULL,
    prev_hash   text        NOT NULL,
    run_id      text        NOT NULL DEFAULT '',
    recorded_at timestamptz NOT NULL,
    line        text        NOT NULL,
    inserted_at timestamptz NOT NULL DEFAULT now(),
    UNIQUE (chain, seq)
);
CREATE INDEX evidence_records_recorded_at ON evidence_records (recorded_at);
CREATE TABLE evidence_heads (
    chain      text        NOT NULL,
    seq        bigint      NOT NULL,
    hash       text        NOT NULL,
    written_at timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (chain, seq)
);
COMMENT ON TABLE evidence_records IS
    'soc2gate evidence: append-only; line is the canonical JSON that hash and signature cover';
COMMENT ON TABLE evidence_heads IS 'soc2gate evidence: insert-only log of chain heads (detects deletions from the end)';
"""),
    (2, "lines compressed with lz4 (read back about twice as fast as pglz)", """
DO $$
BEGIN
    ALTER TABLE evidence_records ALTER COLUMN line SET COMPRESSION lz4;
EXCEPTION WHEN feature_not_supported OR invalid_parameter_value THEN
    NULL;  -- a server built without lz4 keeps pglz; nothing else changes
END
$$;
"""),
)
LATEST = MIGRATIONS[-1][0]
REQUIRED = 1  # the oldest schema this version reads and writes (later migrations only make it faster)
MIGRATION_LOCK = 0x50C2_6A7E  # advisory lock key held while migrating

_LEDGER = """
CREATE TABLE IF NOT EXISTS soc2gate_migrations (
    version    integer     PRIMARY KEY,
    name       text        NOT NULL,
    applied_at timestamptz NOT NULL DEFAULT now()
)"""


def current_version(connection: Any) -> int:
    """The schema version in the database; 0 when soc2gate never initialised it."""
    found = connection.execute("SELECT to_regclass('soc2gate_migrations')").fetchone()
    if found is None or found[0] is None:
        return 0
    row = connection.execute("SELECT max(version) FROM soc2gate_migrations").fetchone()
    return int(row[0] or 0)


def migrate(connection: Any) -> list[int]:
    """Apply every migration newer than the database's version; the versions applied."""
    applied = []
    with connection.transaction():
        connection.execute("SELECT pg_advisory_xact_lock(%s)", (MIGRATION_LOCK,))
        connection.execute(_LEDGER)
        version = current_version(connection)
        for number, name, sql in MIGRATIONS:
            if number <= version:
                continue
            connection.execute(sql)
            connection.execute("INSERT INTO soc2gate_migrations (version, name) VALUES (%s, %s)", (number, name))
            applied.append(number)
    return applied
