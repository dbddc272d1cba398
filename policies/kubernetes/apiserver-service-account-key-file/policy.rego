# METADATA
# title: The API server verifies service account tokens with a dedicated key file
# description: >-
#   --service-account-key-file names the public keys kube-apiserver verifies service account
#   tokens with. Without it the API server falls back to the key of its serving certificate
#   (--tls-private-key-file), so token keys cannot be rotated separately from the TLS
#   certificate, and tokens keep verifying with whatever key happens to serve HTTPS. A container
#   that runs kube-apiserver fails when --service-account-key-file is absent or empty.
# custom:
#   id: K8S-070
#   severity: medium
#   resource_types: ["@workload"]
#   controls:
#     CC6.1: Workload credentials are verified against keys managed for that purpose.
#     CC6.2: Token signing keys can be rotated, and old tokens retired, on their own schedule.
#   checkov: []
#   related_checkov:
#     CKV_K8S_97: checkov reads only the container's `command` list (flags in `args` are ignored)
#   kics: [dab4ec72-ce2e-4732-b7c3-1757dcce01a1]
#   remediation: |
#     command:
#       - kube-apiserver
#       - --service-account-key-file=/etc/kubernetes/pki/sa.pub
#       - --service-account-signing-key-file=/etc/kubernetes/pki/sa.key
#       - --service-account-issuer=https://kubernetes.default.svc.cluster.local
package soc2gate.policies.kubernetes.apiserver_service_account_key_file

import data.soc2gate.lib.kubernetes as k8s
import data.soc2gate.lib.kubernetes_flags as flags
import rego.v1

deny contains k8s.fail(p.r, flags.where(p.c), sprintf("container %s runs kube-apiserver without --service-account-key-file: tokens are verified with the serving certificate's key", [p.c.name])) if {
	some p in flags.running("kube-apiserver")
	not flags.non_empty(p.c, "service-account-key-file")
}

# Judged: the workloads running kube-apiserver; any other workload gets no result
# (a pass there would claim a control-plane setting was checked).
applicable contains p.r.id if {
	some p in flags.running("kube-apiserver")
}
