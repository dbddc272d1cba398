"""The PostgreSQL evidence store (psycopg 3): many writers, one chain per repository by default.

Appending a record takes a transaction-scoped advisory lock on its chain, so writers of the
same chain are serialised and different chains proceed in parallel; the record and its chain
head are inserted in one transaction, so a writer killed mid-append leaves nothing behind.
Connection problems are retried with backoff (``evidence.retries``); when they persist the run
stops with exit 2 and the reason: the gate never reports success without its evidence.
"""

from __future__ import annotations

import hashlib
import json
import os
import time
from typing import Any, Callable, Iterator, Mapping, TypeVar

from soc2gate.errors import InputError, UsageError
from soc2gate.evidence.chain import GENESIS, record_hash, seal, to_line
from soc2gate.evidence.decoding import LineDecoder, members
from soc2gate.evidence.pg_schema import REQUIRED, current_version
from soc2gate.evidence.signing import Checker, Signer
from soc2gate.evidence.store import Appended, StoreOptions, StoreVerification, redact
from soc2gate.evidence.verify import Head, Keep, Verification, verify_lines

T = TypeVar("T")
HEADS = "evidence_heads"
_INSERT = ("INSERT INTO evidence_records (chain, seq, hash, prev_hash, run_id, recorded_at, line) "
           "VALUES (%s, %s, %s, %s, %s, %s, %s)")


def _psycopg() -> Any:
    try:
        import psycopg
    except ImportError:  # optional dependency: the [evidence] extra
        raise UsageError("the PostgreSQL evidence store needs psycopg: pip install 'soc2gate[evidence]'") from None
    return psycopg


def chain_lock(chain: str) -> int:
    """A stable signed 64-bit advisory-lock key for a chain name."""
    return int.from_bytes(hashlib.sha256(chain.encode()).digest()[:8], "big", signed=True)


class PostgresStore:
    def __init__(self, url: str, options: StoreOptions) -> None:
        self.url, self.options, self.location = url, options, redact(url)
        self._connection: Any = None

    # -- connection -------------------------------------------------------------------------
    def connection(self) -> Any:
        if self._connection is None or self._connection.closed:
            self._connection = self._retry("connect", self._connect)
        return self._connection

    def _connect(self) -> Any:
        extra: dict[str, Any] = {"connect_timeout": max(1, int(self.options.connect_timeout)),
                                 "application_name": "soc2gate", "client_encoding": "UTF8"}
        if self.options.password_env:
            password = os.environ.get(self.options.password_env)
            if password is None:
                raise UsageError(f"--evidence-password-env {self.options.password_env}: that variable is not set")
            extra["password"] = password
        return _psycopg().connect(self.url, autocommit=True, **extra)

    def _retry(self, what: str, action: Callable[[], T]) -> T:
        psycopg, delay = _psycopg(), self.options.retry_backoff
        for attempt in range(self.options.retries + 1):
            try:
                return action()
            except psycopg.OperationalError as exc:
                self._drop()
                if attempt == self.options.retries:
                    reason = " ".join(str(exc).split())[:300]
                    raise UsageError(f"evidence store {self.location}: {what} failed after "
                                     f"{attempt + 1} attempt(s): {reason}") from None
                time.sleep(delay)
                delay *= 2
        raise AssertionError("unreachable")

    def _drop(self) -> None:
        if self._connection is not None:
            try:
                self._connection.close()
            finally:
                self._connection = None

    def _ready(self, connection: Any) -> None:
        version = current_version(connection)
        if version < REQUIRED:
            raise UsageError(f"evidence store {self.location}: schema version {version}, soc2gate needs {REQUIRED}: "
                             f"run `soc2gate evidence init {self.location}`")

    # -- append -----------------------------------------------------------------------------
    def append(self, body: Mapping[str, Any], signer: Signer | None, chain: str) -> Appended:
        return self._retry("append", lambda: self._append_once(body, signer, chain))

    def _append_once(self, body: Mapping[str, Any], signer: Signer | None, chain: str) -> Appended:
        connection = self.connection()
        self._ready(connection)
        with connection.transaction():
            connection.execute("SELECT pg_advisory_xact_lock(%s)", (chain_lock(chain),))
            seq, prev_hash = self._tail(connection, chain)
            record = seal(body, seq + 1, prev_hash)
            if signer is not None:
                record["signature"] = signer.sign(record["hash"])
            connection.execute(_INSERT, _row(chain, to_line(record)))
            connection.execute(f"INSERT INTO {HEADS} (chain, seq, hash) VALUES (%s, %s, %s)",
                               (chain, record["seq"], record["hash"]))
        return Appended(self.location, chain, record["seq"], str(record.get("run_id", "")), record["hash"],
                        signer.key_id if signer else "")

    def _tail(self, connection: Any, chain: str) -> tuple[int, str]:
        """The chain's last record, checked against its head; never builds on a damaged tail."""
        last = connection.execute("SELECT seq, hash, line FROM evidence_records WHERE chain = %s "
                                  "ORDER BY seq DESC LIMIT 1", (chain,)).fetchone()
        head = connection.execute(f"SELECT seq, hash FROM {HEADS} WHERE chain = %s ORDER BY seq DESC LIMIT 1",
                                  (chain,)).fetchone()
        advice = f"run `soc2gate evidence verify {self.location}` to see the damage"
        if last is None:
            if head is not None:
                raise InputError(f"evidence chain {chain!r} is empty but its head records #{head[0]}: {advice}")
            return 0, GENESIS
        if head is None or (int(head[0]), head[1]) != (int(last[0]), last[1]) or _line_hash(last[2]) != last[1]:
            raise InputError(f"evidence chain {chain!r}: the last record (#{last[0]}) does not match its head "
                             f"or its hash: {advice}")
        return int(last[0]), str(last[1])

    # -- reading ----------------------------------------------------------------------------
    def chains(self) -> list[str]:
        rows = self.connection().execute(f"SELECT chain FROM evidence_records UNION SELECT chain FROM {HEADS} "
                                         "ORDER BY 1").fetchall()
        return [r[0] for r in rows]

    def lines(self, chain: str) -> Iterator[tuple[int, bytes]]:
        for row_id, _, _, line in self._rows(chain):
            yield row_id, line + b"\n"

    def _rows(self, chain: str) -> Iterator[tuple[int, int, str, bytes]]:
        """(id, seq, hash, line as the bytes the server holds) in storage order."""
        with self.connection().transaction(), self.connection().cursor(name="soc2gate_lines") as cursor:
            cursor.itersize = 5000
            cursor.adapters.register_loader("text", _TextAsBytes)  # no decoding and re-encoding of every line
            cursor.execute("SELECT id, seq, hash, line FROM evidence_records WHERE chain = %s ORDER BY id", (chain,))
            for row_id, seq, hashed, line in cursor:
                yield row_id, seq, hashed.decode("utf-8", "replace"), line

    def records(self, chain: str | None = None) -> Iterator[dict[str, Any]]:
        where, args = ("WHERE chain = %s", (chain,)) if chain else ("", ())
        with self.connection().transaction(), self.connection().cursor(name="soc2gate_records") as cursor:
            cursor.itersize = 5000
            cursor.execute(f"SELECT line FROM evidence_records {where} ORDER BY recorded_at, id", args)
            decoder = LineDecoder()
            for (line,) in cursor:
                try:
                    record = decoder.record(line.encode("utf-8"))  # bounded nesting, as the folder ledger's
                except ValueError:
                    continue
                if isinstance(record, dict) and isinstance(record.get("time"), str):
                    yield record

    def head(self, chain: str) -> dict[str, Any] | None:
        row = self.connection().execute(f"SELECT seq, hash FROM {HEADS} WHERE chain = %s ORDER BY seq DESC LIMIT 1",
                                        (chain,)).fetchone()
        return {"seq": int(row[0]), "hash": row[1]} if row else None

    # -- verification and copy --------------------------------------------------------------
    def verify(self, checker: Checker | None, keep: Keep | None = None) -> StoreVerification:
        self._ready(self.connection())
        result = StoreVerification(self.location)
        for chain in self.chains():
            result.chains[chain] = self._verify_chain(chain, checker, keep)
        return result

    def _verify_chain(self, chain: str, checker: Checker | None, keep: Keep | None) -> Verification:
        columns: dict[int, tuple[int, str]] = {}  # row id -> (seq, hash) as the indexed columns say

        def lines() -> Iterator[tuple[int, bytes]]:
            for row_id, seq, hashed, line in self._rows(chain):
                columns[row_id] = (seq, hashed)
                yield row_id, line + b"\n"

        def tagged(record: dict[str, Any]) -> None:  # the report needs each record's chain
            record["_chain"] = chain
            keep(record)  # type: ignore[misc]

        return verify_lines(f"{self.location} chain {chain!r}", lines(), Head(self.head(chain), name=HEADS,
                                                                                 atomic=True), checker,
                            tagged if keep else None, columns)

    def import_lines(self, chain: str, lines: list[bytes]) -> int:
        """Copy a verified chain into an empty chain here, byte for byte (hashes preserved)."""
        connection = self.connection()
        self._ready(connection)
        with connection.transaction():
            connection.execute("SELECT pg_advisory_xact_lock(%s)", (chain_lock(chain),))
            if self.head(chain) is not None:
                raise InputError(f"evidence chain {chain!r} in {self.location} is not empty; choose another --chain")
            with connection.cursor() as cursor, cursor.copy(
                    "COPY evidence_records (chain, seq, hash, prev_hash, run_id, recorded_at, line) "
                    "FROM STDIN") as copy:
                for line in lines:
                    copy.write_row(_row(chain, line))
            if lines:
                last = members(lines[-1], ("seq", "hash")) or {}
                connection.execute(f"INSERT INTO {HEADS} (chain, seq, hash) VALUES (%s, %s, %s)",
                                   (chain, last["seq"], last["hash"]))
        return len(lines)

    def close(self) -> None:
        self._drop()


class _TextAsBytes:
    """A psycopg loader giving a text column's value as the bytes the server sent (UTF-8)."""

    format = 0  # text

    def __init__(self, oid: int, context: Any = None) -> None:
        self.oid = oid

    def load(self, data: Any) -> bytes:
        return bytes(data)


def _row(chain: str, line: bytes) -> tuple[Any, ...]:
    """The row of a verified (so canonical, ASCII) ledger line, the line kept byte for byte."""
    record = members(line, ("seq", "hash", "prev_hash", "run_id", "time")) or {}
    return (chain, record["seq"], record["hash"], record["prev_hash"], str(record.get("run_id", "")),
            record.get("time") or "1970-01-01T00:00:00Z", line.rstrip(b"\n").decode("ascii"))


def _line_hash(line: str) -> str:
    try:
        return record_hash(json.loads(line))
    except (ValueError, RecursionError, AttributeError):
        return ""
