# METADATA
# title: The API server rejects tokens of deleted service accounts
# description: >-
#   With --service-account-lookup=false kube-apiserver accepts a service account token as long
#   as its signature is valid, even after the service account or its token Secret was deleted,
#   so removing the account does not remove the access. A container that runs kube-apiserver
#   fails when the flag is false; the default is true.
# custom:
#   id: K8S-060
#   severity: high
#   resource_types: ["@workload"]
#   controls:
#     CC6.2: Access must end when the credential's identity is removed.
#     CC6.3: Revoking a service account must revoke what its tokens could do.
#   checkov: []
#   related_checkov:
#     CKV_K8S_96: checkov reads only the container's `command` list (flags in `args` are ignored) and fails an absent flag, whose default is true
#   kics: [a5530bd7-225a-48f9-91bb-f40b04200165]
#   remediation: |
#     command:
#       - kube-apiserver
#       - --service-account-lookup=true   # or leave the flag out (default true)
package soc2gate.policies.kubernetes.apiserver_service_account_lookup

import data.soc2gate.lib.kubernetes as k8s
import data.soc2gate.lib.kubernetes_flags as flags
import rego.v1

deny contains k8s.fail(p.r, flags.where(p.c), sprintf("container %s runs kube-apiserver with --service-account-lookup=false: tokens of deleted service accounts stay valid", [p.c.name])) if {
	some p in flags.running("kube-apiserver")
	flags.bool_value(p.c, "service-account-lookup") == false
}

# Judged: the workloads running kube-apiserver; any other workload gets no result
# (a pass there would claim a control-plane setting was checked).
applicable contains p.r.id if {
	some p in flags.running("kube-apiserver")
}
