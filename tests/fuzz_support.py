"""Shared parts of the fuzz suite (tests/test_fuzz_*.py): hypothesis profiles, seeds, byte mutations.

Profiles: ``ci`` (default) is derandomized — the same inputs on every run, no example database —
and ``explore`` (``SOC2GATE_FUZZ=explore``) draws new random inputs, ten times as many, to look for
new defects locally.  Seeds are real files from ``../shared/corpora`` (never copied into the repo),
mutated by deleting, duplicating, truncating, splicing and inserting syntax fragments and hostile
tokens (NUL, invalid UTF-8, deep nesting, huge numbers, NaN, YAML tags and aliases...).
"""

from __future__ import annotations

import os
import resource
from typing import Any, Callable

from hypothesis import HealthCheck, settings
from hypothesis import strategies as st

from conftest import CORPORA

settings.register_profile("ci", derandomize=True, database=None, deadline=10_000, print_blob=True,
                          suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large])
settings.register_profile("explore", derandomize=False, deadline=10_000,
                          suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large])
settings.load_profile(os.environ.get("SOC2GATE_FUZZ", "ci"))
SCALE = 10 if os.environ.get("SOC2GATE_FUZZ") == "explore" else 1
MAX_GROWTH_MB = 512  # the process may not grow by more than this over one surface's fuzz run

HOSTILE: tuple[bytes, ...] = (
    b"\x00", b"\xff\xfe", b"\xc3\x28", b"\xef\xbb\xbf", b"\r\n", b"\t", b"\\", b"\"", b"'", b"\n", b"#", b"//",
    b"/*", b"*/", b"${", b"%{", b"}", b"{", b"[", b"]", b"(", b")", b"=", b":", b",", b"-", b"<<EOT\n", b"\nEOT\n",
    b"NaN", b"Infinity", b"-Infinity", b"1e999", b"9" * 5000, b".nan", b".inf", b"y", b"on", b"~", b"null",
    b"true", b"&a ", b"*a", b"!!python/object:os.system", b"!!binary", b"---\n", b"...\n", b"? ", b"|\n", b">-\n",
    b"[" * 3000, b"{" * 3000, b"a" * 70_000, "\u2028".encode(), "\U0001f600".encode(), b"\\u0000", b"\\ud800",
)


def seeds(patterns: tuple[str, ...], max_bytes: int, limit: int, extra: tuple[bytes, ...] = (),
          least: int = 5) -> list[bytes]:
    """Up to ``limit`` real corpus files matching ``patterns`` (globs under CORPORA), each at most ``max_bytes``."""
    found: list[bytes] = list(extra)
    for pattern in patterns:
        for path in sorted(CORPORA.glob(pattern)):
            if path.is_file() and path.stat().st_size <= max_bytes and len(found) < limit:
                found.append(path.read_bytes())
    assert len(found) >= least, f"too few seeds for {patterns} under {CORPORA}"
    return found


@st.composite
def mutated(draw: Callable, corpus: list[bytes], fragments: tuple[bytes, ...] = ()) -> bytes:
    """A corpus file with 0-6 random mutations."""
    data = bytearray(draw(st.sampled_from(corpus)))
    tokens = HOSTILE + fragments
    for _ in range(draw(st.integers(0, 6))):
        where = draw(st.integers(0, len(data)))
        operation = draw(st.integers(0, 5))
        if operation == 0:
            del data[where:where + draw(st.integers(1, 64))]
        elif operation == 1:
            data[where:where] = draw(st.sampled_from(tokens))
        elif operation == 2:
            data[where:where] = data[where:where + draw(st.integers(1, 256))]
        elif operation == 3:
            del data[where:]
        elif operation == 4 and data:
            data[min(where, len(data) - 1)] = draw(st.integers(0, 255))
        else:
            other = draw(st.sampled_from(corpus))
            start = draw(st.integers(0, len(other)))
            data[where:where] = other[start:start + draw(st.integers(1, 512))]
    return bytes(data)


def rss_mb() -> int:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss // 1024


def check_collected(out: Any, data: bytes, parses: Callable[[bytes], bool]) -> None:
    """No exception escaped (the caller got here); every finding is a SYS error with a message; an input
    read without any finding is one the reference parser accepts (never a pass on an unparsable input)."""
    from soc2gate.model import Outcome

    for finding in out.findings:
        assert finding.outcome is Outcome.ERROR and finding.policy_id.startswith("SYS-"), finding
        assert finding.message and "Traceback" not in finding.message
    if not out.findings:
        assert parses(data), "an input the reference parser rejects was read without an error finding"
