# METADATA
# title: The API server authorizes requests with RBAC
# description: >-
#   Role-based access control is the authorizer that enforces Roles and ClusterRoles; without it
#   the RBAC objects of the cluster grant and restrict nothing. A container that runs kube-
#   apiserver fails when --authorization-mode does not list RBAC, including when the flag is
#   absent (its default is AlwaysAllow). A --authorization-config file (structured
#   authorization) is not visible in the manifest, so a container that sets it is not judged.
# custom:
#   id: K8S-043
#   severity: medium
#   resource_types: ["@workload"]
#   controls:
#     CC6.1: RBAC is how the cluster enforces who may do what; without it access rules are not applied.
#     CC6.3: Role-based, least-privilege access requires the RBAC authorizer.
#   checkov: []
#   related_checkov:
#     CKV_K8S_77: checkov reads only the container's `command` list (flags in `args` are ignored) and passes an absent flag, whose default is AlwaysAllow
#   kics: [1aa4a1ae-5dbb-48a1-9aa2-630ea4be208e]
#   remediation: |
#     command:
#       - kube-apiserver
#       - --authorization-mode=Node,RBAC
package soc2gate.policies.kubernetes.apiserver_authorization_rbac

import data.soc2gate.lib.kubernetes as k8s
import data.soc2gate.lib.kubernetes_flags as flags
import rego.v1

deny contains k8s.fail(p.r, flags.where(p.c), sprintf("container %s runs kube-apiserver with authorization modes %v, without RBAC", [p.c.name, modes(p.c)])) if {
	some p in flags.running("kube-apiserver")
	not flags.non_empty(p.c, "authorization-config")
	not "rbac" in {lower(m) | some m in modes(p.c)}
}

# The modes in force: the flag's, else its default (AlwaysAllow).
modes(c) := flags.list_items(c, "authorization-mode") if {
	count(flags.list_items(c, "authorization-mode")) > 0
} else := ["AlwaysAllow"]

# Judged: the workloads running kube-apiserver; any other workload gets no result
# (a pass there would claim a control-plane setting was checked).
applicable contains p.r.id if {
	some p in flags.running("kube-apiserver")
}
