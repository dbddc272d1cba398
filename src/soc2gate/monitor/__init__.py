"""``soc2gate monitor``: continuous controls monitoring of a cluster (docs/monitoring.md).

List, then watch (resourceVersion, bookmarks, re-list on 410 Gone) every kind ``soc2gate audit``
lists; keep the current objects in memory (bounded by the number of objects, not of events);
re-evaluate when something changed and fully on an interval; write the results as PolicyReports
that converge (create, replace with conflict retry, delete what no longer applies); export
per-criterion metrics; append one evidence record per full cycle.
"""
