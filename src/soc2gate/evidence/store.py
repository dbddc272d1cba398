"""One evidence-store interface, two stores behind it: the folder ledger and PostgreSQL.

``open_store(url)`` picks the store by the URL's scheme from an explicit registry:
``file:DIR`` (or a plain path: the folder ledger, the embedded default) and ``postgresql://``
(``postgres://``). An unknown scheme is an error. Every store keeps records in the same
format, hashing and signatures (evidence/chain.py), so a record verifies the same wherever
it is stored.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Any, Callable, Iterator, Mapping, Protocol

from soc2gate.errors import UsageError
from soc2gate.evidence.signing import Checker, Signer
from soc2gate.evidence.verify import Verification


@dataclass(frozen=True)
class StoreOptions:
    """How to reach a store: password from an environment variable, bounded retries, lock wait."""

    password_env: str | None = None
    retries: int = 3
    retry_backoff: float = 0.5
    lock_timeout: float = 60.0
    connect_timeout: float = 10.0


@dataclass(frozen=True)
class Appended:
    """What one append wrote (the CLI prints it)."""

    path: str
    chain: str
    seq: int
    run_id: str
    hash: str
    key_id: str = ""


@dataclass
class StoreVerification:
    """Verification of every chain in a store."""

    location: str
    chains: dict[str, Verification] = field(default_factory=dict)

    @property
    def ok(self) -> bool:
        return all(v.ok for v in self.chains.values())

    @property
    def records(self) -> int:
        return sum(v.records for v in self.chains.values())

    @property
    def problems(self) -> list[Any]:
        return [p for v in self.chains.values() for p in v.problems]

    @property
    def warnings(self) -> list[str]:
        return [f"{name}: {w}" if len(self.chains) > 1 else w for name, v in self.chains.items() for w in v.warnings]

    @property
    def key_id(self) -> str:
        return next((v.key_id for v in self.chains.values() if v.key_id), "")

    def as_dict(self) -> dict[str, Any]:
        chains = {name: v.as_dict() for name, v in self.chains.items()}
        problems = [{**p, "chain": name} for name, v in chains.items() for p in v["problems"]]
        return {"store": self.location, "ok": self.ok, "records": self.records, "problems": problems,
                "warnings": self.warnings, "chains": chains}


class EvidenceStore(Protocol):
    """Append-only, hash-chained records; chains verify independently."""

    location: str  # for messages: never carries a password

    def append(self, body: Mapping[str, Any], signer: Signer | None, chain: str) -> Appended: ...

    def chains(self) -> list[str]: ...

    def lines(self, chain: str) -> Iterator[tuple[int, bytes]]: ...

    def records(self, chain: str | None = None) -> Iterator[dict[str, Any]]: ...

    def head(self, chain: str) -> dict[str, Any] | None: ...

    def verify(self, checker: Checker | None, keep: Callable[[dict[str, Any]], None] | None = None
               ) -> StoreVerification: ...

    def import_lines(self, chain: str, lines: list[bytes]) -> int: ...

    def close(self) -> None: ...


def _file(url: str, options: StoreOptions) -> EvidenceStore:
    from soc2gate.evidence.file_store import FileStore

    return FileStore(url.removeprefix("file://").removeprefix("file:"), options)


def _postgres(url: str, options: StoreOptions) -> EvidenceStore:
    from soc2gate.evidence.pg_store import PostgresStore

    return PostgresStore(url, options)


STORES: dict[str, Callable[[str, StoreOptions], EvidenceStore]] = {
    "file": _file,
    "postgresql": _postgres,
    "postgres": _postgres,
}
_SCHEME = re.compile(r"^([A-Za-z][A-Za-z0-9+.-]*):")


def scheme(url: str) -> str:
    """``file`` for plain paths (``C:\\`` style drive letters included), else the URL's scheme."""
    match = _SCHEME.match(url)
    return match.group(1).lower() if match and len(match.group(1)) > 1 else "file"


def open_store(url: str, options: StoreOptions | None = None) -> EvidenceStore:
    kind = scheme(url)
    if kind not in STORES:
        raise UsageError(f"evidence store {redact(url)}: unknown scheme `{kind}:` "
                         f"(use file:DIR or postgresql://…)")
    return STORES[kind](url, options or StoreOptions())


def redact(url: str) -> str:
    """The URL without its password (``postgresql://ci:***@db/evidence``), for every message and report."""
    return re.sub(r"(://[^/@:]*:)[^@/]*@", r"\1***@", url)


def render_verification(result: StoreVerification) -> str:
    """Text for `soc2gate evidence verify`: each chain's problems, then one verdict line for the store."""
    from soc2gate.evidence.verify import render_text

    if not result.chains:
        return f"store: {result.location}\nOK: the store is empty\n"
    text = "".join(render_text(v) for v in result.chains.values())
    if len(result.chains) > 1:
        verdict = "OK" if result.ok else "FAILED"
        text += f"{verdict}: {len(result.chains)} chain(s), {result.records} record(s) in {result.location}\n"
    return text
