# METADATA
# title: The API server has an audit policy
# description: >-
#   kube-apiserver only records the events an audit policy selects: without --audit-policy-file
#   no request is audited at all, even when an audit log path or webhook is configured. A
#   container that runs kube-apiserver fails when --audit-policy-file is not set to a non-empty
#   value. Whether the file exists and what it selects is not visible in the manifest.
# custom:
#   id: K8S-038
#   severity: medium
#   resource_types: ["@workload"]
#   controls:
#     CC7.2: The audit policy decides which API activity is recorded for monitoring; without it nothing is.
#     CC4.1: Ongoing evaluation of access to the cluster relies on the audit events the policy selects.
#   checkov: []
#   kics: [13a49a2e-488e-4309-a7c0-d6b05577a5fb]
#   remediation: |
#     command:
#       - kube-apiserver
#       - --audit-policy-file=/etc/kubernetes/audit/policy.yaml   # mounted from the host
#       - --audit-log-path=/var/log/kubernetes/audit/audit.log
#     # policy.yaml, for example:
#     # apiVersion: audit.k8s.io/v1
#     # kind: Policy
#     # rules:
#     #   - level: Metadata
package soc2gate.policies.kubernetes.apiserver_audit_policy

import data.soc2gate.lib.kubernetes as k8s
import data.soc2gate.lib.kubernetes_flags as flags
import rego.v1

deny contains k8s.fail(p.r, flags.where(p.c), sprintf("container %s runs kube-apiserver without --audit-policy-file: no request is audited", [p.c.name])) if {
	some p in flags.running("kube-apiserver")
	not flags.non_empty(p.c, "audit-policy-file")
}

# Judged: the workloads running kube-apiserver; any other workload gets no result
# (a pass there would claim a control-plane setting was checked).
applicable contains p.r.id if {
	some p in flags.running("kube-apiserver")
}
