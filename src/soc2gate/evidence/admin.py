"""Store administration: ``soc2gate evidence init URL`` and ``soc2gate evidence copy SRC DST``."""

from __future__ import annotations

from soc2gate.errors import InputError, UsageError
from soc2gate.evidence.signing import Checker
from soc2gate.evidence.store import StoreOptions, open_store, scheme


def init_store(url: str, password_env: str | None = None) -> tuple[list[int], int]:
    """Apply the PostgreSQL schema migrations; (versions applied now, version in the database)."""
    from soc2gate.evidence.pg_schema import current_version, migrate
    from soc2gate.evidence.pg_store import PostgresStore

    if scheme(url) not in ("postgresql", "postgres"):
        raise UsageError(f"{url}: `evidence init` sets up a PostgreSQL store (postgresql://…); "
                         "a folder ledger needs no setup")
    store = PostgresStore(url, StoreOptions(password_env=password_env))
    try:
        connection = store.connection()
        applied = migrate(connection)
        return applied, current_version(connection)
    finally:
        store.close()


def copy_store(source: str, target: str, chain: str | None = None, public_key: str | None = None,
               password_env: str | None = None) -> dict[str, int]:
    """Verify ``source``, then copy each chain (renamed to ``chain`` when the source has one) byte for byte."""
    options = StoreOptions(password_env=password_env)
    src, dst = open_store(source, options), open_store(target, options)
    try:
        verification = src.verify(Checker(public_key) if public_key else None)
        if not verification.ok:
            first = verification.problems[0].message
            raise InputError(f"{src.location}: does not verify ({len(verification.problems)} problem(s), first: "
                             f"{first}); nothing was copied. Run `soc2gate evidence verify {src.location}`")
        chains = src.chains()
        if chain and len(chains) > 1:
            raise UsageError(f"--chain renames a single chain, but {src.location} holds {len(chains)}")
        copied = {}
        for name in chains:
            lines = [raw for _, raw in src.lines(name)]
            copied[chain or name] = dst.import_lines(chain or name, lines)
        return copied
    finally:
        src.close()
        dst.close()
