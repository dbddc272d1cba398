# METADATA
# title: The controller manager signs service account tokens with a managed private key
# description: >-
#   --service-account-private-key-file is the key kube-controller-manager signs service account
#   token Secrets with; it must be the private half of a key the API server verifies with
#   (--service-account-key-file, K8S-070). Without it the token controller does not start, and
#   token signing keys are not under explicit, rotatable management. A container that runs
#   kube-controller-manager fails when --service-account-private-key-file is absent or empty.
# custom:
#   id: K8S-071
#   severity: medium
#   resource_types: ["@workload"]
#   controls:
#     CC6.1: Workload credentials are issued with keys managed for that purpose.
#     CC6.2: The signing key can be rotated together with the API server's verification keys.
#   checkov: []
#   related_checkov:
#     CKV_K8S_110: checkov reads only the container's `command` list (flags in `args` are ignored)
#   kics: [ccc98ff7-68a7-436e-9218-185cb0b0b780]
#   remediation: |
#     command:
#       - kube-controller-manager
#       - --service-account-private-key-file=/etc/kubernetes/pki/sa.key
package soc2gate.policies.kubernetes.controller_manager_service_account_private_key

import data.soc2gate.lib.kubernetes as k8s
import data.soc2gate.lib.kubernetes_flags as flags
import rego.v1

deny contains k8s.fail(p.r, flags.where(p.c), sprintf("container %s runs kube-controller-manager without --service-account-private-key-file", [p.c.name])) if {
	some p in flags.running("kube-controller-manager")
	not flags.non_empty(p.c, "service-account-private-key-file")
}

# Judged: the workloads running kube-controller-manager; any other workload gets no result
# (a pass there would claim a control-plane setting was checked).
applicable contains p.r.id if {
	some p in flags.running("kube-controller-manager")
}
