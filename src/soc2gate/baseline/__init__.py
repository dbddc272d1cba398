"""New findings only: compare a run with a base revision (git) or a baseline file.

* ``fingerprint``: a finding's identity that survives line moves, file moves and unrelated edits;
* ``classify``: new / existing / fixed, by fingerprint;
* ``gitbase``: the base revision extracted from git without touching the working tree;
* ``document`` and ``governance``: the baseline file, its owner, review date and status.

The API runs the base evaluation (``api.scan`` with ``diff_base``); the verdict
(``model.Verdict`` with ``gate: new``) decides what blocks.  See docs/adopting.md.
"""

from __future__ import annotations

from soc2gate.baseline.classify import EXISTING, FIXED, NEW, classify
from soc2gate.baseline.fingerprint import SCHEME, fingerprint

__all__ = ["EXISTING", "FIXED", "NEW", "SCHEME", "classify", "fingerprint"]
