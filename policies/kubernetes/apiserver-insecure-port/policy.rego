# METADATA
# title: The API server does not serve unauthenticated HTTP
# description: >-
#   The insecure port of kube-apiserver serves plain HTTP that bypasses authentication and
#   authorization entirely. A container that runs kube-apiserver fails when it sets --insecure-
#   port to a non-zero port, or sets --insecure-bind-address without --insecure-port=0. An
#   absent --insecure-port is not judged: its default was 8080 on localhost before Kubernetes
#   1.20; from 1.20 the API server no longer serves the insecure port (the flag has no effect)
#   and 1.24 removed the flag. An explicit non-zero port is reported whatever the version, as
#   the manifest's intent.
# custom:
#   id: K8S-046
#   severity: high
#   resource_types: ["@workload"]
#   controls:
#     CC6.1: The insecure port serves every request without authentication or authorization.
#     CC6.6: An insecure listener on a reachable address exposes the control plane across the network boundary.
#     CC6.7: Traffic on the insecure port, including Secrets, is not encrypted in transit.
#   checkov: []
#   related_checkov:
#     CKV_K8S_88: checkov reads only the container's `command` list (flags in `args` are ignored) and fails an absent --insecure-port (removed in 1.24)
#     CKV_K8S_86: checkov reads only the container's `command` list (flags in `args` are ignored) and fails --insecure-bind-address even with --insecure-port=0
#   kics: [fa4def8c-1898-4a35-a139-7b76b1acdef0, b9380fd3-5ffe-4d10-9290-13e18e71eee1]
#   remediation: |
#     command:
#       - kube-apiserver
#       - --secure-port=6443
#       # remove --insecure-bind-address and any non-zero --insecure-port; before 1.20 also set:
#       - --insecure-port=0
package soc2gate.policies.kubernetes.apiserver_insecure_port

import data.soc2gate.lib.kubernetes as k8s
import data.soc2gate.lib.kubernetes_flags as flags
import rego.v1

deny contains k8s.fail(p.r, flags.where(p.c), sprintf("container %s runs kube-apiserver with --insecure-port=%d", [p.c.name, port])) if {
	some p in flags.running("kube-apiserver")
	port := flags.integer(p.c, "insecure-port")
	port != 0
}

deny contains k8s.fail(p.r, flags.where(p.c), sprintf("container %s runs kube-apiserver with --insecure-bind-address=%s and no --insecure-port=0", [p.c.name, flags.last_value(p.c, "insecure-bind-address")])) if {
	some p in flags.running("kube-apiserver")
	flags.non_empty(p.c, "insecure-bind-address")
	not flags.integer(p.c, "insecure-port")
}

# Judged: the workloads running kube-apiserver; any other workload gets no result
# (a pass there would claim a control-plane setting was checked).
applicable contains p.r.id if {
	some p in flags.running("kube-apiserver")
}
