"""A finding's fingerprint: its identity across revisions, independent of file and line.

``fingerprint(finding)`` hashes (scheme, policy id, identity, attribute path):

* **policy id** - ``TF-001``, ``K8S-004``, ``SYS-001`` ...;
* **identity** - the resource address as the parser reports it, which already carries the
  module instance (``module.db["eu"].aws_db_instance.this``) and, for Kubernetes, the
  object's ``kind/namespace/name``; for a finding about a whole file (``SYS-001`` unparsable,
  ``SYS-002`` unreadable) the identity is the repository-relative file, since the file *is*
  the thing that is wrong;
* **attribute path** - the offending attribute with list positions dropped
  (``spec.containers[2].securityContext`` -> ``spec.containers.securityContext``), so
  inserting an unrelated container or block before it does not change the identity.

Neither the file nor the line is part of it: moving a resource to another file, reformatting,
or editing something above it keeps the fingerprint; renaming the resource (a new address)
changes it.  Two findings can share a fingerprint (two privileged containers in one Pod, the
same address in two Terraform root modules); comparisons therefore count fingerprints as a
multiset and pair same-file occurrences first (``classify.py``).
"""

from __future__ import annotations

import hashlib
import re

from soc2gate.model import Finding

SCHEME = "soc2gate-fp/1"
FILE_SCOPED = frozenset({"SYS-001", "SYS-002"})
_POSITION = re.compile(r"\[\d+\]")


def identity(finding: Finding, file: str = "") -> tuple[str, str, str]:
    """(policy id, resource identity, attribute path) before hashing; ``file`` is repository-relative."""
    where = file or (finding.span.file if finding.span else "")
    subject = where if finding.policy_id in FILE_SCOPED or not finding.resource else finding.resource
    return finding.policy_id, subject, _POSITION.sub("", finding.attribute_path)


def fingerprint(finding: Finding, file: str = "") -> str:
    """The stable fingerprint, ``sha256`` hex of the identity under ``SCHEME``."""
    key = "\x1f".join((SCHEME,) + identity(finding, file))
    return hashlib.sha256(key.encode("utf-8")).hexdigest()
