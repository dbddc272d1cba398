# METADATA
# title: Every workload is selected by a NetworkPolicy
# description: >-
#   Pods that no NetworkPolicy selects accept traffic from, and send traffic to, every pod
#   in the cluster: one compromised workload can reach all the others. A workload is covered
#   when some NetworkPolicy in its namespace (an unset namespace counts as default) has a
#   podSelector that matches the labels of its pod template, with Kubernetes label selector
#   semantics (matchLabels and matchExpressions In/NotIn/Exists/DoesNotExist; an empty
#   podSelector selects every pod). NetworkPolicies are matched across all scanned files and
#   documents. When the scanned set contains no NetworkPolicy at all every workload fails,
#   and the message says so: scan policies and workloads together.
# custom:
#   id: K8S-024
#   severity: medium
#   resource_types: ["@workload"]
#   controls:
#     CC6.1: Network access to a workload is limited to the peers a NetworkPolicy allows.
#     CC6.6: NetworkPolicies are the boundary protection between workloads and against lateral movement.
#     CC7.2: Declared allowed flows make unexpected connections detectable as policy violations.
#   checkov: [CKV2_K8S_6]
#   kics: []
#   remediation: |
#     apiVersion: networking.k8s.io/v1
#     kind: NetworkPolicy
#     metadata:
#       name: default-deny
#       namespace: shop
#     spec:
#       podSelector: {}          # every pod of the namespace
#       policyTypes: [Ingress, Egress]
package soc2gate.policies.kubernetes.network_policy_coverage

import data.soc2gate.lib.kubernetes as k8s
import data.soc2gate.lib.values
import rego.v1

policies := k8s.resources("NetworkPolicy")

deny contains k8s.fail(r, labels_path(r), "no NetworkPolicy is in the scanned manifests, so nothing restricts this workload's traffic (scan the NetworkPolicies together with the workloads)") if {
	some r in k8s.workloads
	count(policies) == 0
}

deny contains k8s.fail(r, labels_path(r), sprintf("no NetworkPolicy in namespace %s selects its pods (labels: %s)", [k8s.namespace(r), label_text(r)])) if {
	some r in k8s.workloads
	count(policies) > 0
	not covered(r)
}

covered(r) if {
	some np in k8s.in_namespace("NetworkPolicy", k8s.namespace(r))
	spec := values.as_object(object.get(np.attributes, "spec", {}))
	k8s.selector_matches(object.get(spec, "podSelector", {}), k8s.pod_labels(r))
}

labels_path(r) := concat("", [k8s.pod_metadata_path(r), ".labels"])

label_text(r) := "none" if {
	count(k8s.pod_labels(r)) == 0
} else := concat(", ", sort([sprintf("%s=%v", [k, labels[k]]) | labels := k8s.pod_labels(r); some k; labels[k] != null]))
