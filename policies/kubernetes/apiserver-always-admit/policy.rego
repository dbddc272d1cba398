# METADATA
# title: The API server does not enable the AlwaysAdmit admission plugin
# description: >-
#   AlwaysAdmit admits every request without evaluation; it is deprecated because it adds
#   nothing and signals that admission control is meant to be bypassed. A container that runs
#   kube-apiserver fails when --enable-admission-plugins (or the deprecated --admission-control)
#   lists AlwaysAdmit.
# custom:
#   id: K8S-061
#   severity: medium
#   resource_types: ["@workload"]
#   controls:
#     CC6.1: Admission control enforces the cluster's security policies on every change; AlwaysAdmit stands for none.
#     CC8.1: Changes to the cluster pass through the admission checks that enforce change rules.
#   checkov: []
#   related_checkov:
#     CKV_K8S_79: checkov reads only the container's `command` list (flags in `args` are ignored)
#   kics: [ce30e584-b33f-4c7d-b418-a3d7027f8f60]
#   remediation: |
#     command:
#       - kube-apiserver
#       - --enable-admission-plugins=NodeRestriction   # without AlwaysAdmit
package soc2gate.policies.kubernetes.apiserver_always_admit

import data.soc2gate.lib.kubernetes as k8s
import data.soc2gate.lib.kubernetes_flags as flags
import rego.v1

deny contains k8s.fail(p.r, flags.where(p.c), sprintf("container %s runs kube-apiserver with the AlwaysAdmit admission plugin (--%s)", [p.c.name, flag])) if {
	some p in flags.running("kube-apiserver")
	some flag in ["enable-admission-plugins", "admission-control"]
	"alwaysadmit" in {lower(name) | some name in flags.list_items(p.c, flag)}
}

# Judged: the workloads running kube-apiserver; any other workload gets no result
# (a pass there would claim a control-plane setting was checked).
applicable contains p.r.id if {
	some p in flags.running("kube-apiserver")
}
