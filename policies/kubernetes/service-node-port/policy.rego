# METADATA
# title: Services are not of type NodePort
# description: >-
#   A NodePort Service opens the same port (30000-32767 by default) on every node, on every
#   node address, bypassing the load balancer or Ingress that is meant to be the controlled
#   entry point; nodes with public addresses then expose the workload directly. A Service
#   with spec.type NodePort fails; use ClusterIP behind an Ingress, or an internal load
#   balancer.
# custom:
#   id: K8S-027
#   severity: medium
#   resource_types: [Service]
#   controls:
#     CC6.6: Every node becomes an entry point, outside the boundary protections in front of the cluster.
#     CC6.1: Network access to the workload is not limited to the intended path.
#   checkov: []
#   kics: [845acfbe-3e10-4b8e-b656-3b404d36dfb2]
#   remediation: |
#     spec:
#       type: ClusterIP        # and route external traffic through an Ingress with TLS
package soc2gate.policies.kubernetes.service_node_port

import data.soc2gate.lib.kubernetes as k8s
import data.soc2gate.lib.values
import rego.v1

deny contains k8s.fail(r, "spec.type", "type NodePort opens the service's port on every node of the cluster") if {
	some r in k8s.resources("Service")
	values.as_object(object.get(r.attributes, "spec", {})).type == "NodePort"
}
