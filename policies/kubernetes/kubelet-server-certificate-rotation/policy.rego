# METADATA
# title: The RotateKubeletServerCertificate feature gate is not disabled
# description: >-
#   RotateKubeletServerCertificate lets kubelets request and renew their serving certificates
#   through the certificates API (with serverTLSBootstrap) instead of keeping a self-signed or
#   hand-made certificate until it expires. It is on by default (beta since 1.12); turning it
#   off removes server certificate rotation from the node and from the controller manager that
#   approves it. A container that runs kubelet or kube-controller-manager fails when
#   --feature-gates sets RotateKubeletServerCertificate to false (the last occurrence wins); a
#   KubeletConfiguration fails when featureGates.RotateKubeletServerCertificate is false.
#   Absent passes (the default is true).
# custom:
#   id: K8S-074
#   severity: medium
#   resource_types: ["@workload", KubeletConfiguration]
#   controls:
#     CC6.1: Node serving credentials are renewed automatically instead of living until they expire.
#     CC6.7: Clients reach kubelets over TLS with certificates issued by the cluster's CA.
#   checkov: []
#   related_checkov:
#     CKV_K8S_112: checkov reads only the container's `command` list (flags in `args` are ignored)
#   kics: [1c621b8e-2c6a-44f5-bd6a-fb0fb7ba33e2]
#   remediation: |
#     # KubeletConfiguration
#     serverTLSBootstrap: true
#     featureGates:
#       RotateKubeletServerCertificate: true    # or leave it out (default true)
package soc2gate.policies.kubernetes.kubelet_server_certificate_rotation

import data.soc2gate.lib.kubernetes as k8s
import data.soc2gate.lib.kubernetes_flags as flags
import rego.v1

gate := "RotateKubeletServerCertificate"

components := ["kubelet", "kube-controller-manager"]

deny contains k8s.fail(p.r, flags.where(p.c), sprintf("container %s runs %s with --feature-gates=%s=false", [p.c.name, program, gate])) if {
	some program in components
	some p in flags.running(program)
	gate_values := [v | some item in flags.list_items(p.c, "feature-gates"); some v in gate_value(item)]
	count(gate_values) > 0
	gate_values[count(gate_values) - 1] == false
}

deny contains k8s.fail(r, sprintf("featureGates.%s", [gate]), sprintf("the kubelet configuration sets featureGates.%s to false", [gate])) if {
	some r in k8s.resources("KubeletConfiguration")
	object.get(r.attributes, ["featureGates", gate], null) == false
}

# "RotateKubeletServerCertificate=<bool>" as [true] or [false] (Go strconv.ParseBool); [] otherwise.
gate_value(item) := [false] if {
	parts := split(item, "=")
	count(parts) == 2
	trim_space(parts[0]) == gate
	trim_space(parts[1]) in {"0", "f", "F", "FALSE", "false", "False"}
} else := [true] if {
	parts := split(item, "=")
	count(parts) == 2
	trim_space(parts[0]) == gate
	trim_space(parts[1]) in {"1", "t", "T", "TRUE", "true", "True"}
} else := []

# Judged: the workloads running kubelet or kube-controller-manager and KubeletConfiguration
# objects; any other workload gets no result.
applicable contains p.r.id if {
	some program in components
	some p in flags.running(program)
}

applicable contains r.id if {
	some r in k8s.resources("KubeletConfiguration")
}
