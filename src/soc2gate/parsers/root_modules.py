"""Resolve the root modules of a scan: in this process alone, or with forked workers when there are many.

Root modules are independent of each other: each is resolved from the parsed files alone (its
module calls load their directories through ``load_dir``).  With many of them, forked workers
(one fewer than the CPUs: this process works too) take the roots from the first on, while this
process takes them from the last back, until the two meet; the parsed files are inherited, not
sent.  Each root's resources come back with the module directories it asked for, in order, and
what loading one added to the run (SYS findings, inputs, skipped paths).  The merge adds each
directory's additions where one process would have: at the first root, in order, that asks for
it (one process loads a directory once).  So the result is the same list in the same order.
Should the workers fail in any way, the roots are resolved in this process alone.
"""

from __future__ import annotations

import os
import sys
from typing import Any, Callable

from soc2gate.model import Resource
from soc2gate.parsers.collected import Collected
from soc2gate.parsers.modules import CallSite, instance_resources
from soc2gate.parsers.terraform import ModuleSource

PARALLEL_BLOCKS = 400  # fewer top-level blocks in the roots' own files: one process (a pool costs ~50 ms)
LoadDir = Callable[[str], list[tuple[str, dict[str, Any]]]]
Added = tuple[list[Any], list[Any], list[Any]]  # what loading a directory added: findings, inputs, skipped
Resolved = tuple[list[Resource], list[str], dict[str, Added]]  # resources, directories asked for, additions
_job: tuple[list[ModuleSource], LoadDir, Collected] | None = None  # what forked workers inherit


def root_resources(roots: list[ModuleSource], load_dir: LoadDir, out: Collected) -> list[Resource]:
    """The resources of every root module (with their module calls expanded), in the order of ``roots``."""
    if _parallel(roots):
        try:
            return _merged(_shared(roots, load_dir, out), out)
        except Exception:  # noqa: BLE001 - any failure of the workers: resolve here, which reports real errors
            pass
    return [r for source in roots for r in instance_resources(source, load_dir, CallSite(source.directory, ""))]


def _parallel(roots: list[ModuleSource]) -> bool:
    blocks = sum(len(parsed["blocks"]) for source in roots for _, parsed in source.files)
    return len(roots) > 1 and blocks >= PARALLEL_BLOCKS and (os.cpu_count() or 1) > 1 \
        and sys.platform == "linux"  # forked workers inherit the parsed files; fork is safe to use on Linux


def _shared(roots: list[ModuleSource], load_dir: LoadDir, out: Collected) -> list[Resolved]:
    """Workers resolve roots from the first on; this process from the last back (a root not yet
    handed to a worker can be cancelled), until they meet."""
    import multiprocessing
    from concurrent.futures import ProcessPoolExecutor

    global _job
    _job = (roots, load_dir, out)  # a worker's copy of ``out`` is where its ``load_dir`` records
    marks = (len(out.findings), len(out.inputs), len(out.skipped))
    results: dict[int, Resolved] = {}
    try:
        workers = min((os.cpu_count() or 2) - 1, 3)
        with ProcessPoolExecutor(max_workers=workers, mp_context=multiprocessing.get_context("fork")) as pool:
            futures = [pool.submit(_in_worker, index) for index in range(len(roots))]  # forks before any load
            for index in reversed(range(len(roots))):
                if not futures[index].cancel():
                    break
                results[index] = _resolve(roots[index], load_dir, out)
            results.update((i, f.result()) for i, f in enumerate(futures) if not f.cancelled())
    finally:
        _job = None
    del out.findings[marks[0]:], out.inputs[marks[1]:], out.skipped[marks[2]:]  # merged back in order
    return [results[index] for index in range(len(roots))]


def _in_worker(index: int) -> Resolved:
    assert _job is not None
    roots, load_dir, out = _job
    return _resolve(roots[index], load_dir, out)


def _resolve(source: ModuleSource, load_dir: LoadDir, out: Collected) -> Resolved:
    """One root's resources, the directories its module calls asked for, and what loading them added."""
    asked: list[str] = []
    added: dict[str, Added] = {}

    def load(directory: str) -> list[tuple[str, dict[str, Any]]]:
        before = (len(out.findings), len(out.inputs), len(out.skipped))
        files = load_dir(directory)
        asked.append(directory)
        found = (out.findings[before[0]:], out.inputs[before[1]:], out.skipped[before[2]:])
        if any(found):
            added[directory] = found
        return files

    return instance_resources(source, load, CallSite(source.directory, "")), asked, added


def _merged(results: list[Resolved], out: Collected) -> list[Resource]:
    additions: dict[str, Added] = {}
    for _, _, added in results:
        for directory, addition in added.items():
            additions.setdefault(directory, addition)
    resources: list[Resource] = []
    done: set[str] = set()
    for found, asked, _ in results:
        resources.extend(found)
        for directory in asked:
            if directory not in done and directory in additions:
                findings, inputs, skipped = additions[directory]
                out.findings.extend(findings)
                out.inputs.extend(inputs)
                out.skipped.extend(skipped)
            done.add(directory)
    return resources
