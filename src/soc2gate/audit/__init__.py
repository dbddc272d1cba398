"""``soc2gate audit``: list a cluster's objects through the kubernetes client and evaluate them (docs/audit.md)."""
