# METADATA
# title: The controller manager gives pods the cluster's root CA
# description: >-
#   --root-ca-file is the CA bundle kube-controller-manager places in service account token
#   Secrets and in every namespace's kube-root-ca.crt ConfigMap; pods verify the API server's
#   serving certificate with it. Without an explicit bundle, pods get whatever CA the
#   controller manager's own kubeconfig happens to carry, and clients configured to verify
#   against that bundle may trust the wrong issuer or skip verification (CIS 1.3.5). A
#   container that runs kube-controller-manager fails when --root-ca-file is absent or empty.
# custom:
#   id: K8S-072
#   severity: medium
#   resource_types: ["@workload"]
#   controls:
#     CC6.7: Pods authenticate the API server over TLS with the cluster's own CA, resisting interception.
#   checkov: []
#   related_checkov:
#     CKV_K8S_111: checkov reads only the container's `command` list (flags in `args` are ignored)
#   kics: [05fb986f-ac73-4ebb-a5b2-7faafa93d882]
#   remediation: |
#     command:
#       - kube-controller-manager
#       - --root-ca-file=/etc/kubernetes/pki/ca.crt
package soc2gate.policies.kubernetes.controller_manager_root_ca_file

import data.soc2gate.lib.kubernetes as k8s
import data.soc2gate.lib.kubernetes_flags as flags
import rego.v1

deny contains k8s.fail(p.r, flags.where(p.c), sprintf("container %s runs kube-controller-manager without --root-ca-file", [p.c.name])) if {
	some p in flags.running("kube-controller-manager")
	not flags.non_empty(p.c, "root-ca-file")
}

# Judged: the workloads running kube-controller-manager; any other workload gets no result
# (a pass there would claim a control-plane setting was checked).
applicable contains p.r.id if {
	some p in flags.running("kube-controller-manager")
}
