# METADATA
# title: Pods do not mount hostPath volumes
# description: >-
#   A hostPath volume mounts a file or directory of the node into the pod. Writable host
#   mounts let a container plant binaries or read other pods' data, credentials and logs on
#   the node; even read-only ones expose host secrets. Every volume in spec.volumes of every
#   workload is checked; node agents that genuinely need host access (log shippers, CNI
#   plugins) should be waived explicitly, with an owner and an expiry.
# custom:
#   id: K8S-006
#   severity: high
#   resource_types: ["@workload"]
#   controls:
#     CC6.1: The node's file system is outside the logical access granted to a workload.
#     CC6.8: Host mounts let malicious code persist on, or spread through, the node.
#   checkov: []
#   kics: []
#   related_kics:
#     aa8f7a35-9923-4cad-bd61-a19b7f6aac91: KICS exempts every pod in kube-system; soc2gate judges all namespaces and expects node agents to be waived
#     5308a7a8-06f8-45ac-bf10-791fe21de46e: KICS fails only hostPath volumes of sensitive OS directories; soc2gate fails every hostPath volume
#   remediation: |
#     spec:
#       volumes:
#         - name: data
#           persistentVolumeClaim:      # or emptyDir / configMap / secret / projected
#             claimName: app-data
package soc2gate.policies.kubernetes.host_path_volume

import data.soc2gate.lib.kubernetes as k8s
import data.soc2gate.lib.values
import rego.v1

deny contains k8s.fail(r, sprintf("%s.volumes[%d].hostPath", [r.pod.path, i]), sprintf("volume \"%s\" mounts the node path %s (hostPath)", [k8s.text(v, "name"), host_path(v)])) if {
	some r in k8s.workloads
	some i, v in values.list_or_empty(object.get(r.pod.spec, "volumes", []))
	is_object(v)
	v.hostPath != null
}

host_path(v) := sprintf("%v", [p]) if {
	p := v.hostPath.path
} else := "(no path)"
