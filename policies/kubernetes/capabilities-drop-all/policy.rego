# METADATA
# title: Containers drop all Linux capabilities
# description: >-
#   Container runtimes grant a default set of capabilities (NET_RAW, CHOWN, DAC_OVERRIDE,
#   SETUID, ...) that most applications never use; NET_RAW alone allows ARP/DNS spoofing on
#   the pod network. Every container (init, regular, ephemeral) must list ALL (any case) in
#   securityContext.capabilities.drop and add back only what it needs. The field exists only
#   at container level.
# custom:
#   id: K8S-010
#   severity: medium
#   resource_types: ["@workload"]
#   controls:
#     CC6.3: Least privilege, since a process keeps only the kernel privileges it was explicitly granted.
#     CC6.1: Dropping default capabilities narrows what a compromised process can do on the node and network.
#   checkov: [CKV_K8S_37]
#   kics: [268ca686-7fb7-4ae9-b129-955a2a89064e, dbbc6705-d541-43b0-b166-dd4be8208b54]
#   remediation: |
#     spec:
#       containers:
#         - name: app
#           securityContext:
#             capabilities:
#               drop: ["ALL"]
package soc2gate.policies.kubernetes.capabilities_drop_all

import data.soc2gate.lib.kubernetes as k8s
import data.soc2gate.lib.values
import rego.v1

deny contains k8s.fail(r, path(c), sprintf("container \"%s\" does not drop ALL capabilities (securityContext.capabilities.drop)", [c.name])) if {
	some r in k8s.workloads
	some c in k8s.containers(r)
	not drops_all(c)
}

capabilities(c) := values.as_object(k8s.container_context(c).capabilities)

drops_all(c) if {
	some cap in values.list_or_empty(object.get(capabilities(c), "drop", []))
	upper(sprintf("%v", [cap])) == "ALL"
}

path(c) := sprintf("%s.securityContext.capabilities.drop", [c.path]) if {
	capabilities(c).drop != null
} else := sprintf("%s.securityContext.capabilities", [c.path]) if {
	k8s.container_context(c).capabilities != null
} else := sprintf("%s.securityContext", [c.path]) if {
	k8s.container_context(c) != {}
} else := c.path
