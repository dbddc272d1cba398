# METADATA
# title: Kubelets rotate their client certificates
# description: >-
#   A kubelet that does not rotate its client certificate keeps using one credential until it
#   expires and must be re-keyed by hand; a leaked certificate stays valid for its whole
#   lifetime. A container that runs kubelet fails when --rotate-certificates is false, or absent
#   without a --config file; a KubeletConfiguration fails when rotateCertificates is false or
#   absent (the default is false for both).
# custom:
#   id: K8S-065
#   severity: medium
#   resource_types: ["@workload", KubeletConfiguration]
#   controls:
#     CC6.1: Node credentials are renewed automatically instead of living until they expire.
#     CC6.2: Credential lifecycle of the nodes is managed through the cluster's certificate process.
#   checkov: []
#   related_checkov:
#     CKV_K8S_149: checkov fails only the exact item --rotate-certificates=false in `command`, and passes an absent flag, whose default is false
#   kics: [52d70f2e-3257-474c-b3dc-8ad9ba6a061a]
#   remediation: |
#     # KubeletConfiguration
#     rotateCertificates: true
#     serverTLSBootstrap: true
#     # kubelet command line
#     command:
#       - kubelet
#       - --rotate-certificates
package soc2gate.policies.kubernetes.kubelet_rotate_certificates

import data.soc2gate.lib.kubernetes as k8s
import data.soc2gate.lib.kubernetes_flags as flags
import rego.v1

deny contains k8s.fail(p.r, flags.where(p.c), sprintf("container %s runs kubelet without certificate rotation", [p.c.name])) if {
	some p in flags.running("kubelet")
	not_rotating(p.c)
}

deny contains k8s.fail(r, "rotateCertificates", "the kubelet configuration does not rotate client certificates (rotateCertificates false or absent)") if {
	some r in k8s.resources("KubeletConfiguration")
	object.get(r.attributes, "rotateCertificates", false) != true
}

not_rotating(c) if flags.bool_value(c, "rotate-certificates") == false

not_rotating(c) if {
	not flags.given(c, "rotate-certificates")
	not flags.non_empty(c, "config")
}

# The setting is in the file --config names (not part of the manifest).
inconclusive contains item if some item in flags.kubelet_setting_in_file("rotate-certificates")

# Judged: the workloads running kubelet and KubeletConfiguration objects; any other workload gets no result
# (a pass there would claim a control-plane setting was checked).
applicable contains p.r.id if {
	some p in flags.running("kubelet")
}

applicable contains r.id if {
	some r in k8s.resources("KubeletConfiguration")
}
