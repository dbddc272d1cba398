# METADATA
# title: The API server keeps audit logs for at least 30 days and 10 files
# description: >-
#   kube-apiserver deletes rotated audit log files older than --audit-log-maxage days and beyond
#   --audit-log-maxbackup files. A container that runs kube-apiserver fails when it sets
#   --audit-log-maxage to 1-29 or --audit-log-maxbackup to 1-9. When a flag is absent (or 0) the
#   API server deletes nothing on that criterion (documented default), so an absent flag passes;
#   the size of one file (--audit-log-maxsize) does not decide retention on its own.
# custom:
#   id: K8S-039
#   severity: low
#   resource_types: ["@workload"]
#   controls:
#     CC7.2: Audit records must survive long enough to investigate anomalies (30 days in the CIS benchmark).
#     CC7.3: Incident evaluation needs the audit history from before the incident was noticed.
#   checkov: []
#   related_checkov:
#     CKV_K8S_92: checkov reads only the container's `command` list (flags in `args` are ignored) and fails an absent flag, whose default (0) deletes nothing
#     CKV_K8S_93: checkov reads only the container's `command` list (flags in `args` are ignored) and fails an absent flag, whose default (0) deletes nothing
#   kics: [da9f3aa8-fbfb-472f-b5a1-576127944218, 768aab52-2504-4a2f-a3e3-329d5a679848]
#   related_kics:
#     35c0a471-f7c8-4993-aa2c-503a3c712a66: KICS requires --audit-log-maxsize >= 100 MB; the size of one file does not limit retention when maxage/maxbackup keep enough files
#   remediation: |
#     command:
#       - kube-apiserver
#       - --audit-log-path=/var/log/kubernetes/audit/audit.log
#       - --audit-log-maxage=30      # days; absent or 0 keeps files regardless of age
#       - --audit-log-maxbackup=10   # files; absent or 0 keeps every rotated file
#       - --audit-log-maxsize=100    # MB per file before rotation
package soc2gate.policies.kubernetes.apiserver_audit_retention

import data.soc2gate.lib.kubernetes as k8s
import data.soc2gate.lib.kubernetes_flags as flags
import rego.v1

minimum := {"audit-log-maxage": 30, "audit-log-maxbackup": 10}

deny contains k8s.fail(p.r, flags.where(p.c), sprintf("container %s runs kube-apiserver with --%s=%d, below %d", [p.c.name, flag, n, least])) if {
	some p in flags.running("kube-apiserver")
	some flag, least in minimum
	n := flags.integer(p.c, flag)
	n > 0
	n < least
}

# Judged: the workloads running kube-apiserver; any other workload gets no result
# (a pass there would claim a control-plane setting was checked).
applicable contains p.r.id if {
	some p in flags.running("kube-apiserver")
}
