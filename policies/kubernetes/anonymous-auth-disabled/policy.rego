# METADATA
# title: The API server and kubelets reject anonymous requests
# description: >-
#   With anonymous authentication on, a request without credentials is served as
#   system:anonymous, so any network peer reaches every endpoint that a binding opens to
#   unauthenticated users. A container that runs kube-apiserver fails unless it sets
#   --anonymous-auth=false (the flag's default is true). A container that runs kubelet fails
#   when it sets --anonymous-auth=true, or leaves the flag out without a --config file (the
#   flag's default is true). A KubeletConfiguration fails when authentication.anonymous.enabled
#   is true (an absent field is not judged).
# custom:
#   id: K8S-041
#   severity: medium
#   resource_types: ["@workload", KubeletConfiguration]
#   controls:
#     CC6.1: Every request to the control plane and the kubelets must be made by an authenticated identity.
#     CC6.6: Anonymous access lets any party that reaches the endpoint across the network boundary use it.
#   checkov: []
#   related_checkov:
#     CKV_K8S_68: checkov reads only the container's `command` list (flags in `args` are ignored) and requires the exact item --anonymous-auth=false
#     CKV_K8S_138: checkov judges only kubelet command lines and fails an absent flag even when a --config file may disable anonymous access
#   kics: [1de5cc51-f376-4638-a940-20f2e85ae238]
#   remediation: |
#     # kube-apiserver / kubelet static Pod
#     command:
#       - kube-apiserver
#       - --anonymous-auth=false
#     # KubeletConfiguration
#     authentication:
#       anonymous:
#         enabled: false
package soc2gate.policies.kubernetes.anonymous_auth_disabled

import data.soc2gate.lib.kubernetes as k8s
import data.soc2gate.lib.kubernetes_flags as flags
import rego.v1

deny contains k8s.fail(p.r, flags.where(p.c), sprintf("container %s runs kube-apiserver without --anonymous-auth=false: unauthenticated requests are served as system:anonymous", [p.c.name])) if {
	some p in flags.running("kube-apiserver")
	not flags.bool_value(p.c, "anonymous-auth") == false
}

deny contains k8s.fail(p.r, flags.where(p.c), sprintf("container %s runs kubelet with anonymous authentication on", [p.c.name])) if {
	some p in flags.running("kubelet")
	kubelet_anonymous(p.c)
}

deny contains k8s.fail(r, "authentication.anonymous.enabled", "the kubelet configuration enables anonymous authentication") if {
	some r in k8s.resources("KubeletConfiguration")
	object.get(r.attributes, ["authentication", "anonymous", "enabled"], null) == true
}

kubelet_anonymous(c) if flags.bool_value(c, "anonymous-auth") == true

kubelet_anonymous(c) if {
	not flags.given(c, "anonymous-auth")
	not flags.non_empty(c, "config")
}

# Judged: the workloads running kube-apiserver, kubelet and KubeletConfiguration objects; any other workload gets no result
# (a pass there would claim a control-plane setting was checked).
applicable contains p.r.id if {
	some p in flags.running("kube-apiserver")
}

applicable contains p.r.id if {
	some p in flags.running("kubelet")
}

applicable contains r.id if {
	some r in k8s.resources("KubeletConfiguration")
}
