# METADATA
# title: Pods do not share the host process ID namespace
# description: >-
#   A pod with spec.hostPID true sees every process on the node: it can read their
#   environment (often secrets) and, with ptrace or root, inject into them. No workload's
#   pod spec may set hostPID: true.
# custom:
#   id: K8S-004
#   severity: high
#   resource_types: ["@workload"]
#   controls:
#     CC6.1: Process isolation from the host is part of the logical access boundary of a workload.
#     CC6.8: Visibility of host processes lets malicious code tamper with or spy on other workloads.
#   checkov: [CKV_K8S_17]
#   kics: [302736f4-b16c-41b8-befe-c0baffa0bd9d]
#   remediation: |
#     spec:
#       hostPID: false   # or omit the field
package soc2gate.policies.kubernetes.host_pid

import data.soc2gate.lib.kubernetes as k8s
import rego.v1

deny contains k8s.fail(r, sprintf("%s.hostPID", [r.pod.path]), "the pod shares the host process ID namespace (hostPID: true)") if {
	some r in k8s.workloads
	r.pod.spec.hostPID == true
}
