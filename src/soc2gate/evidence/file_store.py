"""The folder ledger (evidence/ledger.py) behind the evidence-store interface: one chain, ``ledger``."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any, Iterator, Mapping

from soc2gate.errors import InputError, UsageError
from soc2gate.evidence.chain import record_hash
from soc2gate.evidence.decoding import LineDecoder
from soc2gate.evidence.ledger import LEDGER_NAME, LedgerPaths, append, read_head
from soc2gate.evidence.signing import Checker, Signer
from soc2gate.evidence.store import Appended, StoreOptions, StoreVerification
from soc2gate.evidence.verify import Keep, verify

CHAIN = "ledger"


class FileStore:
    def __init__(self, directory: str, options: StoreOptions) -> None:
        if not directory:
            raise UsageError("evidence store file: needs a directory (file:DIR)")
        self.paths = LedgerPaths(Path(directory))
        self.location = str(self.paths.directory)
        self.options = options

    def append(self, body: Mapping[str, Any], signer: Signer | None, chain: str = CHAIN) -> Appended:
        receipt = append(self.location, body, signer, self.options.lock_timeout)
        return Appended(receipt.path, CHAIN, receipt.seq, receipt.run_id, receipt.hash, receipt.key_id)

    def chains(self) -> list[str]:
        return [CHAIN] if self.paths.ledger.is_file() else []

    def lines(self, chain: str = CHAIN) -> Iterator[tuple[int, bytes]]:
        if not self.paths.ledger.is_file():
            return
        with self.paths.ledger.open("rb") as handle:
            yield from enumerate(handle, start=1)

    def records(self, chain: str | None = None) -> Iterator[dict[str, Any]]:
        """Every complete, parseable record, in ledger order (damage is what verify reports)."""
        decoder = LineDecoder()
        for _, raw in self.lines():
            if not raw.endswith(b"\n"):
                return
            try:
                record = decoder.record(raw)  # bounded nesting: hashing and reporting never recurse without limit
            except ValueError:
                continue
            if isinstance(record, dict) and isinstance(record.get("time"), str):
                yield record

    def head(self, chain: str = CHAIN) -> dict[str, Any] | None:
        return read_head(self.paths.head)

    def verify(self, checker: Checker | None, keep: Keep | None = None) -> StoreVerification:
        def tagged(record: dict[str, Any]) -> None:  # the report needs each record's chain
            record["_chain"] = CHAIN
            keep(record)  # type: ignore[misc]

        return StoreVerification(self.location, {CHAIN: verify(self.location, checker, tagged if keep else None)})

    def import_lines(self, chain: str, lines: list[bytes]) -> int:
        """Write a verified chain into an empty folder ledger, byte for byte, then its head."""
        if self.paths.ledger.exists() and self.paths.ledger.stat().st_size:
            raise InputError(f"{self.paths.ledger}: not empty; copy into a new folder")
        self.paths.directory.mkdir(parents=True, exist_ok=True)
        with self.paths.ledger.open("wb") as handle:
            for line in lines:
                handle.write(line if line.endswith(b"\n") else line + b"\n")
        if lines:
            last = json.loads(lines[-1])
            if record_hash(last) != last["hash"]:
                raise InputError(f"{self.paths.ledger}: the last record does not match its hash")
            head = {"seq": last["seq"], "hash": last["hash"], "run_id": last.get("run_id", ""),
                    "time": last.get("time", "")}
            self.paths.head.write_text(json.dumps(head, sort_keys=True) + "\n", encoding="utf-8")
        return len(lines)

    def close(self) -> None:
        return None


__all__ = ["FileStore", "CHAIN", "LEDGER_NAME"]
