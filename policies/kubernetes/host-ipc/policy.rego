# METADATA
# title: Pods do not share the host IPC namespace
# description: >-
#   A pod with spec.hostIPC true shares System V IPC objects and POSIX shared memory with
#   every process on the node, so it can read or corrupt other workloads' shared memory.
#   No workload's pod spec may set hostIPC: true.
# custom:
#   id: K8S-005
#   severity: high
#   resource_types: ["@workload"]
#   controls:
#     CC6.1: Shared memory of the host is outside the workload's authorized access.
#     CC6.8: Shared IPC lets malicious code in one pod interfere with processes on the node.
#   checkov: [CKV_K8S_18]
#   kics: [cd290efd-6c82-4e9d-a698-be12ae31d536]
#   remediation: |
#     spec:
#       hostIPC: false   # or omit the field
package soc2gate.policies.kubernetes.host_ipc

import data.soc2gate.lib.kubernetes as k8s
import rego.v1

deny contains k8s.fail(r, sprintf("%s.hostIPC", [r.pod.path]), "the pod shares the host IPC namespace (hostIPC: true)") if {
	some r in k8s.workloads
	r.pod.spec.hostIPC == true
}
