# METADATA
# title: Pods do not use the host network namespace
# description: >-
#   A pod with spec.hostNetwork true shares the node's network stack: it can bind to node
#   ports, sniff node traffic and reach services listening on localhost, and NetworkPolicies
#   no longer isolate it. No workload's pod spec may set hostNetwork: true.
# custom:
#   id: K8S-003
#   severity: high
#   resource_types: ["@workload"]
#   controls:
#     CC6.1: The pod's network identity must stay separate from the node's to keep the logical access boundary.
#     CC6.6: Host networking bypasses NetworkPolicy, the boundary protection against other workloads and outside traffic.
#   checkov: [CKV_K8S_19]
#   kics: [6b6bdfb3-c3ae-44cb-88e4-7405c1ba2c8a]
#   remediation: |
#     spec:
#       hostNetwork: false   # or omit the field; expose ports with a Service instead
package soc2gate.policies.kubernetes.host_network

import data.soc2gate.lib.kubernetes as k8s
import rego.v1

deny contains k8s.fail(r, sprintf("%s.hostNetwork", [r.pod.path]), "the pod shares the host network namespace (hostNetwork: true)") if {
	some r in k8s.workloads
	r.pod.spec.hostNetwork == true
}
