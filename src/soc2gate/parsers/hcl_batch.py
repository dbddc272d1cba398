"""Parse many Terraform files: content-hash cache, worker processes for large batches, module dirs."""

from __future__ import annotations

import gc
import os
from pathlib import Path
from typing import Any, Callable

from soc2gate.discovery import Candidate, display_path, kind_of, link_display
from soc2gate.parsers.cache import ParseCache
from soc2gate.parsers.collected import Collected, read_all, record
from soc2gate.parsers.hcl_file import HclSyntaxError, parse_file
from soc2gate.parsers.hcl_lark import many_files
from soc2gate.parsers.textio import TextFile

PARALLEL_THRESHOLD = 12
WORKER_CHUNK = 4  # files per task sent to a parse worker
WORKER_GARBAGE = 200_000  # objects a parse worker may leave uncollected
Files = list[tuple[str, dict[str, Any]]]


def module_loader(by_dir: dict[str, list[tuple[str, dict[str, Any]]]], use_cache: bool,
                  out: Collected) -> Callable[[str], Files]:
    """Files of a module directory: already parsed when scanned, else read from disk once."""
    resolved = {os.path.realpath(d): files for d, files in by_dir.items()}
    loaded: dict[str, list[tuple[str, dict[str, Any]]]] = {}

    def load(directory: str) -> list[tuple[str, dict[str, Any]]]:
        if directory in resolved:
            return resolved[directory]
        if directory not in loaded:
            loaded[directory] = _parse_directory(Path(directory), use_cache, out)
        return loaded[directory]

    return load


def _parse_directory(directory: Path, use_cache: bool, out: Collected) -> list[tuple[str, dict[str, Any]]]:
    what, problem = kind_of(directory)
    if what != "dir":  # Terraform refuses a module it cannot read: so does soc2gate, instead of dropping it
        shown = link_display(directory)
        out.error("SYS-005", shown, 0, f"{shown}: module directory cannot be read ({problem or 'not a directory'}): "
                                       "the resources of the module calls that use it are not evaluated")
        return []
    files = sorted([*directory.glob("*.tf"), *directory.glob("*.tf.json")])
    candidates = [Candidate(p, display_path(p), "terraform", False) for p in files]
    texts = read_all(candidates, out)
    parsed = parse_hcl_files(texts, use_cache, out)
    return [(t.path, parsed[t.path]) for _, t in texts if t.path in parsed]


def parse_hcl_files(tf_files, use_cache: bool, out: Collected) -> dict[str, dict[str, Any]]:
    cache = ParseCache(use_cache)
    parsed: dict[str, dict[str, Any]] = {}
    misses = []
    for _, text in tf_files:
        hit = cache.get(text.sha256)
        if hit is not None:
            parsed[text.path] = hit
        else:
            misses.append(text)
    for text, result in zip(misses, _parse_many(misses), strict=True):
        if isinstance(result, tuple):
            out.error("SYS-001", text.path, result[1], f"{text.path}:{result[1]}: {result[0]}")
            record(out, text, "terraform", 0)
            continue
        cache.put(text.sha256, result)
        parsed[text.path] = result
    return parsed


def _parse_one(item: tuple[str, str]) -> dict[str, Any] | tuple[str, int]:
    text, path = item
    try:
        return parse_file(text, path)
    except HclSyntaxError as exc:
        return (str(exc), exc.line)


def _parse_many(texts: list[TextFile]) -> list[dict[str, Any] | tuple[str, int]]:
    items = [(t.text, t.path) for t in texts]
    workers = min(os.cpu_count() or 1, 4)
    if len(items) < PARALLEL_THRESHOLD or workers < 2:
        return [_parse_one(item) for item in items]
    from concurrent.futures import ProcessPoolExecutor  # multiprocessing: ~40 ms, only for many files

    # largest files first, in small chunks: the workers finish together instead of one waiting on the other
    order = sorted(range(len(items)), key=lambda i: -len(items[i][0]))
    results: list[dict[str, Any] | tuple[str, int]] = [("", 0)] * len(items)
    with ProcessPoolExecutor(max_workers=workers, initializer=_worker_start) as pool:
        parsed = pool.map(_parse_in_worker, [items[i] for i in order], chunksize=WORKER_CHUNK)
        for index, result in zip(order, parsed, strict=True):
            results[index] = result
    return results


def _worker_start() -> None:
    """A parse worker runs without the garbage collector: parsing allocates millions of short-lived
    objects, and the collector's passes over them cost a third of the parse.  A parsed file's rules
    are unlinked once serialized (hcl_lark.release), so they are freed without it; ``_parse_in_worker``
    still collects should anything else accumulate."""
    gc.freeze()  # what the worker inherited (modules, the parser's tables) is never scanned
    gc.disable()
    many_files()


def _parse_in_worker(item: tuple[str, str]) -> dict[str, Any] | tuple[str, int]:
    result = _parse_one(item)
    if gc.get_count()[0] > WORKER_GARBAGE:  # bounds the worker's memory (~50 MB of objects)
        gc.collect()
    return result
