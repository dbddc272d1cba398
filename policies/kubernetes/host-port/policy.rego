# METADATA
# title: Containers do not bind host ports
# description: >-
#   A containerPort with hostPort is reachable on that port of the node's address, outside
#   Services, Ingresses and most NetworkPolicy implementations, and pins the pod to nodes
#   where the port is free. Every container (init, regular, ephemeral) fails for each
#   ports[] entry with a non-zero hostPort.
# custom:
#   id: K8S-028
#   severity: medium
#   resource_types: ["@workload"]
#   controls:
#     CC6.6: Host ports open entry points on the node that bypass the cluster's boundary protections.
#     CC6.1: Network access to the container is not restricted to the Service path.
#   checkov: [CKV_K8S_26]
#   kics: [2b1836f1-dcce-416e-8e16-da8c71920633]
#   remediation: |
#     spec:
#       containers:
#         - name: app
#           ports:
#             - containerPort: 8080    # no hostPort; expose it with a Service
package soc2gate.policies.kubernetes.host_port

import data.soc2gate.lib.kubernetes as k8s
import data.soc2gate.lib.values
import rego.v1

deny contains k8s.fail(r, sprintf("%s.ports[%d].hostPort", [c.path, j]), sprintf("container \"%s\" binds host port %v", [c.name, p.hostPort])) if {
	some r in k8s.workloads
	some c in k8s.containers(r)
	some j, p in values.list_or_empty(object.get(c.container, "ports", []))
	p.hostPort != null
	p.hostPort != 0
}
