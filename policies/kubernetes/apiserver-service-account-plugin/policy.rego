# METADATA
# title: The API server keeps the ServiceAccount admission plugin
# description: >-
#   The ServiceAccount admission plugin assigns every pod a service account and its projected
#   token and rejects pods that name an account that does not exist. A container that runs kube-
#   apiserver fails when --disable-admission-plugins lists ServiceAccount (it is enabled by
#   default).
# custom:
#   id: K8S-063
#   severity: medium
#   resource_types: ["@workload"]
#   controls:
#     CC6.1: Every workload must act under a known, authorized identity.
#     CC6.2: Pods must not reference identities that were never created or were removed.
#   checkov: []
#   kics: [9587c890-0524-40c2-9ce2-663af7c2f063]
#   remediation: |
#     command:
#       - kube-apiserver
#       - --disable-admission-plugins=   # without ServiceAccount
package soc2gate.policies.kubernetes.apiserver_service_account_plugin

import data.soc2gate.lib.kubernetes as k8s
import data.soc2gate.lib.kubernetes_flags as flags
import rego.v1

deny contains k8s.fail(p.r, flags.where(p.c), sprintf("container %s runs kube-apiserver with the ServiceAccount admission plugin disabled", [p.c.name])) if {
	some p in flags.running("kube-apiserver")
	"serviceaccount" in {lower(name) | some name in flags.list_items(p.c, "disable-admission-plugins")}
}

# Judged: the workloads running kube-apiserver; any other workload gets no result
# (a pass there would claim a control-plane setting was checked).
applicable contains p.r.id if {
	some p in flags.running("kube-apiserver")
}
