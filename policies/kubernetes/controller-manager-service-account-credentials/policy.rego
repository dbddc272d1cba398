# METADATA
# title: Controllers run with their own service accounts
# description: >-
#   With --use-service-account-credentials=true kube-controller-manager runs each controller
#   under its own service account with only that controller's RBAC role; otherwise every
#   controller shares the controller manager's own, much broader credentials. A container that
#   runs kube-controller-manager fails unless the flag is true (its default is false).
# custom:
#   id: K8S-064
#   severity: medium
#   resource_types: ["@workload"]
#   controls:
#     CC6.3: Least privilege, since each controller gets only the permissions of its role.
#     CC6.1: Per-controller identities make the controllers' access attributable and separately restricted.
#   checkov: []
#   related_checkov:
#     CKV_K8S_108: checkov reads only the container's `command` list (flags in `args` are ignored)
#   kics: [1acd93f1-5a37-45c0-aaac-82ece818be7d]
#   remediation: |
#     command:
#       - kube-controller-manager
#       - --use-service-account-credentials=true
#       - --service-account-private-key-file=/etc/kubernetes/pki/sa.key
package soc2gate.policies.kubernetes.controller_manager_service_account_credentials

import data.soc2gate.lib.kubernetes as k8s
import data.soc2gate.lib.kubernetes_flags as flags
import rego.v1

deny contains k8s.fail(p.r, flags.where(p.c), sprintf("container %s runs kube-controller-manager without --use-service-account-credentials=true: all controllers share one identity", [p.c.name])) if {
	some p in flags.running("kube-controller-manager")
	not flags.bool_value(p.c, "use-service-account-credentials") == true
}

# Judged: the workloads running kube-controller-manager; any other workload gets no result
# (a pass there would claim a control-plane setting was checked).
applicable contains p.r.id if {
	some p in flags.running("kube-controller-manager")
}
