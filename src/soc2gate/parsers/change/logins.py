"""One canonical form for account names, so that every comparison of logins agrees.

``canonical_login``: Unicode NFKC normalization, zero-width and other format characters (Unicode
category Cf: U+200B..U+200D, U+2060, U+FEFF, bidi marks, soft hyphen) removed, surrounding
whitespace trimmed, case folded.  ``Ｃｏｄｅｒｔｏｃａｔ``, ``codertocat\u200b`` and `` CoderToCat``
are the same account.  Policies never compare raw logins: a record's Resource carries
``canonical_logins`` (raw -> canonical) for every login it names, and the ``change_management``
lists of accounts (``bot_accounts``, ``sensitive_paths.owners``) are canonicalized the same way.
"""

from __future__ import annotations

import unicodedata
from typing import Any, Iterable

LOGIN_FIELDS = ("author", "merged_by", "deployer")
LIST_FIELDS = ("commit_authors", "requested_reviewers")


def canonical_login(name: str) -> str:
    text = unicodedata.normalize("NFKC", str(name))
    text = "".join(ch for ch in text if unicodedata.category(ch) != "Cf")
    return unicodedata.normalize("NFKC", text.strip().casefold())


def canonical_logins(names: Iterable[Any]) -> list[str]:
    return list(dict.fromkeys(canonical_login(n) for n in names if isinstance(n, str)))


def _named(spec: dict[str, Any]) -> list[str]:
    names = [spec.get(key) for key in LOGIN_FIELDS]
    for key in LIST_FIELDS:
        names.extend(spec.get(key) or [])
    names.extend(a.get("user") for a in spec.get("approvals") or [] if isinstance(a, dict))
    return [n for n in names if isinstance(n, str)]


def canonical_identities(spec: dict[str, Any]) -> dict[str, Any]:
    """``{"canonical_logins": {raw: canonical}}`` for every login the record names."""
    return {"canonical_logins": {name: canonical_login(name) for name in _named(spec)}}
