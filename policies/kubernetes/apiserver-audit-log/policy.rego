# METADATA
# title: The API server writes an audit log
# description: >-
#   Without --audit-log-path (and without an audit webhook) kube-apiserver records no audit
#   events: who read or changed which object, when and from where cannot be reconstructed. A
#   container that runs kube-apiserver fails when neither --audit-log-path nor --audit-webhook-
#   config-file is set to a non-empty value (the default is no audit log; "-" writes audit
#   events to standard output, which is accepted).
# custom:
#   id: K8S-037
#   severity: medium
#   resource_types: ["@workload"]
#   controls:
#     CC7.2: Audit events of the control plane are the record used to detect and investigate anomalous access.
#     CC7.3: Security incidents involving the cluster cannot be evaluated without the API's audit trail.
#   checkov: []
#   related_checkov:
#     CKV_K8S_91: checkov reads only the container's `command` list (flags in `args` are ignored) and does not accept an audit webhook instead of a log file
#   kics: [73e251f0-363d-4e53-86e2-0a93592437eb]
#   remediation: |
#     # kube-apiserver static Pod (for example /etc/kubernetes/manifests/kube-apiserver.yaml)
#     command:
#       - kube-apiserver
#       - --audit-policy-file=/etc/kubernetes/audit/policy.yaml
#       - --audit-log-path=/var/log/kubernetes/audit/audit.log   # or --audit-webhook-config-file
package soc2gate.policies.kubernetes.apiserver_audit_log

import data.soc2gate.lib.kubernetes as k8s
import data.soc2gate.lib.kubernetes_flags as flags
import rego.v1

deny contains k8s.fail(p.r, flags.where(p.c), sprintf("container %s runs kube-apiserver without --audit-log-path or --audit-webhook-config-file: no audit log is written", [p.c.name])) if {
	some p in flags.running("kube-apiserver")
	not flags.non_empty(p.c, "audit-log-path")
	not flags.non_empty(p.c, "audit-webhook-config-file")
}

# Judged: the workloads running kube-apiserver; any other workload gets no result
# (a pass there would claim a control-plane setting was checked).
applicable contains p.r.id if {
	some p in flags.running("kube-apiserver")
}
