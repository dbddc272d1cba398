"""Governed exceptions: central and inline waivers, validated, matched, applied, expiring.

``WaiverSet.from_config`` validates the central waivers once (a bad one is a ConfigError
naming its key path); ``WaiverSet.apply`` turns covered failures into WAIVED findings and
reports expired, expiring, unused, malformed and forbidden waivers.  The clock is always
passed in.  See docs/waivers.md.
"""

from __future__ import annotations

from soc2gate.waivers.apply import Applied, WaiverSet, label
from soc2gate.waivers.declared import Declared, Settings

__all__ = ["Applied", "Declared", "Settings", "WaiverSet", "label"]
