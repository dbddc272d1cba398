"""New findings only: compare a run with a base revision (git) or a baseline file.

* ``fingerprint``: a finding's identity that survives line moves, file moves and unrelated edits;
* ``classify``: new / existing / fixed, by fingerprint;
* ``gitbase``: the base revision extracted from git without touching the working tree;
* ``compare``: folds a comparison into the Result (labels, fixed list, notes, summary);
* ``document``, ``governance`` and ``actions``: the baseline file, its owner, review date and status.

The API evaluates the base revision with the same gate (``api.scan`` with ``diff_base``); the
verdict (``model.Verdict`` with ``gate: new``) alone decides what blocks.  See docs/adopting.md.
"""

from __future__ import annotations

from soc2gate.baseline.actions import run
from soc2gate.baseline.classify import EXISTING, FIXED, NEW, classify
from soc2gate.baseline.compare import against_base, against_file
from soc2gate.baseline.fingerprint import SCHEME, fingerprint
from soc2gate.baseline.gitbase import checkout

__all__ = ["EXISTING", "FIXED", "NEW", "SCHEME", "against_base", "against_file", "checkout", "classify",
           "fingerprint", "run"]
