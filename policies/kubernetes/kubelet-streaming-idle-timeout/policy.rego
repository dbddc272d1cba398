# METADATA
# title: Kubelets close idle streaming connections
# description: >-
#   exec, attach, port-forward and log-follow sessions run over kubelet streaming connections.
#   A timeout of 0 keeps an abandoned session open forever, so an interactive shell in a
#   container outlives the person (or the stolen credential) that opened it. A container that
#   runs kubelet fails when --streaming-connection-idle-timeout is a zero duration (0, 0s,
#   0m0s, ...); a KubeletConfiguration fails when streamingConnectionIdleTimeout is one. Absent
#   passes: the documented default is 4h. A kubelet started with --config and without the flag
#   is inconclusive (the setting is in that file).
# custom:
#   id: K8S-073
#   severity: medium
#   resource_types: ["@workload", KubeletConfiguration]
#   controls:
#     CC6.1: Sessions into workloads end after inactivity instead of staying open indefinitely.
#   checkov: []
#   related_checkov:
#     CKV_K8S_143: checkov reads only the container's `command` list and only the literal value 0
#   kics: [ed89b97d-04e9-4fd4-919f-ee5b27e555e9]
#   remediation: |
#     # KubeletConfiguration
#     streamingConnectionIdleTimeout: 5m
#     # kubelet command line
#     command:
#       - kubelet
#       - --streaming-connection-idle-timeout=5m
package soc2gate.policies.kubernetes.kubelet_streaming_idle_timeout

import data.soc2gate.lib.kubernetes as k8s
import data.soc2gate.lib.kubernetes_flags as flags
import rego.v1

deny contains k8s.fail(p.r, flags.where(p.c), sprintf("container %s runs kubelet with --streaming-connection-idle-timeout=%s: idle exec and port-forward sessions never close", [p.c.name, flags.last_value(p.c, "streaming-connection-idle-timeout")])) if {
	some p in flags.running("kubelet")
	zero_duration(flags.last_value(p.c, "streaming-connection-idle-timeout"))
}

deny contains k8s.fail(r, "streamingConnectionIdleTimeout", "the kubelet configuration sets streamingConnectionIdleTimeout to 0: idle exec and port-forward sessions never close") if {
	some r in k8s.resources("KubeletConfiguration")
	zero_duration(object.get(r.attributes, "streamingConnectionIdleTimeout", null))
}

# A Go duration (time.ParseDuration) that is zero: "0", "0s", "0m0s", "0.0h" (a bare 0 in YAML too).
zero_duration(v) if v == 0

zero_duration(v) if {
	is_string(v)
	regex.match(`^[+-]?(0|((0+\.?0*|\.0+)(ns|us|µs|μs|ms|s|m|h))+)$`, trim_space(v))
}

# The setting is in the file --config names (not part of the manifest).
inconclusive contains item if some item in flags.kubelet_setting_in_file("streaming-connection-idle-timeout")

# Judged: the workloads running kubelet and KubeletConfiguration objects; any other workload gets no result
# (a pass there would claim a control-plane setting was checked).
applicable contains p.r.id if {
	some p in flags.running("kubelet")
}

applicable contains r.id if {
	some r in k8s.resources("KubeletConfiguration")
}
