"""Resolve the root modules of a scan: one after another, or in two worker processes when there are many.

Root modules are independent of each other: each is resolved from the parsed files alone (its
module calls load their directories through ``load_dir``).  With many of them, forked workers
resolve them (the parsed files are inherited, not sent) and send back, per root in order, its
resources and what loading a module directory added to the run's SYS findings, inputs and
skipped paths.  The parent keeps the first load of each directory, as one process would have
(it loads each directory once), so the result is the same list in the same order.  Should the
workers fail in any way, the roots are resolved in this process instead.
"""

from __future__ import annotations

import os
from typing import Any, Callable

from soc2gate.model import Resource
from soc2gate.parsers.collected import Collected
from soc2gate.parsers.modules import CallSite, instance_resources
from soc2gate.parsers.terraform import ModuleSource

PARALLEL_BLOCKS = 400  # fewer top-level blocks in the roots' own files: one process (a pool costs ~50 ms)
LoadDir = Callable[[str], list[tuple[str, dict[str, Any]]]]
Load = tuple[str, tuple[list[Any], list[Any], list[Any]]]  # directory, (findings, inputs, skipped) it added
_job: tuple[list[ModuleSource], LoadDir, Collected] | None = None  # what forked workers inherit


def root_resources(roots: list[ModuleSource], load_dir: LoadDir, out: Collected) -> list[Resource]:
    """The resources of every root module (with their module calls expanded), in the order of ``roots``."""
    if _parallel(roots):
        try:
            return _merged(_in_workers(roots, load_dir, out), out)
        except Exception:  # noqa: BLE001 - any failure of the workers: resolve here, which reports real errors
            pass
    return [r for source in roots for r in instance_resources(source, load_dir, CallSite(source.directory, ""))]


def _parallel(roots: list[ModuleSource]) -> bool:
    blocks = sum(len(parsed["blocks"]) for source in roots for _, parsed in source.files)
    return len(roots) > 1 and blocks >= PARALLEL_BLOCKS and (os.cpu_count() or 1) > 1 and hasattr(os, "fork")


def _in_workers(roots: list[ModuleSource], load_dir: LoadDir, out: Collected) -> list[tuple[list[Resource], list[Load]]]:
    import multiprocessing
    from concurrent.futures import ProcessPoolExecutor

    global _job
    _job = (roots, load_dir, out)  # a worker's copy of ``out`` is where its ``load_dir`` records
    try:
        context = multiprocessing.get_context("fork")
        with ProcessPoolExecutor(max_workers=min(os.cpu_count() or 1, 2), mp_context=context) as pool:
            return list(pool.map(_resolve_root, range(len(roots)), chunksize=1))
    finally:
        _job = None


def _resolve_root(index: int) -> tuple[list[Resource], list[Load]]:
    """In a worker: one root's resources, and what each directory its calls loaded first added to the run."""
    assert _job is not None
    roots, load_dir, out = _job
    loads: list[Load] = []

    def load(directory: str) -> list[tuple[str, dict[str, Any]]]:
        before = (len(out.findings), len(out.inputs), len(out.skipped))
        files = load_dir(directory)
        added = (out.findings[before[0]:], out.inputs[before[1]:], out.skipped[before[2]:])
        if any(added):
            loads.append((directory, added))
        return files

    source = roots[index]
    return instance_resources(source, load, CallSite(source.directory, "")), loads


def _merged(results: list[tuple[list[Resource], list[Load]]], out: Collected) -> list[Resource]:
    resources: list[Resource] = []
    loaded: set[str] = set()
    for found, loads in results:
        resources.extend(found)
        for directory, (findings, inputs, skipped) in loads:
            if directory not in loaded:
                loaded.add(directory)
                out.findings.extend(findings)
                out.inputs.extend(inputs)
                out.skipped.extend(skipped)
    return resources
