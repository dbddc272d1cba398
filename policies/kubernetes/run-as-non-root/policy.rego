# METADATA
# title: Containers run as a non-root user
# description: >-
#   A container process running as UID 0 is root on the node's kernel: one escape or one
#   writable host mount away from owning the node. Each container (init, regular, ephemeral)
#   must run with a non-zero runAsUser, or with runAsNonRoot: true so the kubelet refuses to
#   start a root image. Kubernetes semantics apply: the container's securityContext value
#   wins and the pod-level securityContext is the default, so a pod-level runAsNonRoot: true
#   covers every container that does not override it. An explicit runAsUser: 0 fails even
#   with runAsNonRoot: true (the pod would never start). Windows pods (spec.os.name: windows)
#   are not judged.
# custom:
#   id: K8S-007
#   severity: high
#   resource_types: ["@workload"]
#   controls:
#     CC6.1: Root in the container is root on the host kernel; non-root keeps the workload inside its granted access.
#     CC6.3: Least privilege, since the application needs no superuser identity to serve requests.
#   checkov: [CKV_K8S_23]
#   kics: [cf34805e-3872-4c08-bf92-6ff7bb0cfadb]
#   remediation: |
#     spec:
#       securityContext:          # pod level: applies to every container
#         runAsNonRoot: true
#         runAsUser: 10001
#       containers:
#         - name: app
#           securityContext:
#             allowPrivilegeEscalation: false
package soc2gate.policies.kubernetes.run_as_non_root

import data.soc2gate.lib.kubernetes as k8s
import rego.v1

deny contains k8s.fail(r, k8s.effective_path(r, c, "runAsUser"), sprintf("container \"%s\" runs as root (runAsUser: 0)", [c.name])) if {
	some r in k8s.workloads
	not windows(r)
	some c in k8s.containers(r)
	k8s.effective(r, c, "runAsUser") == 0
}

deny contains k8s.fail(r, k8s.effective_path(r, c, "runAsNonRoot"), sprintf("container \"%s\" may run as root: it sets neither runAsNonRoot: true nor a non-zero runAsUser (container or pod securityContext)", [c.name])) if {
	some r in k8s.workloads
	not windows(r)
	some c in k8s.containers(r)
	not k8s.effective(r, c, "runAsUser")
	not k8s.effective(r, c, "runAsNonRoot") == true
}

windows(r) if lower(sprintf("%v", [r.pod.spec.os.name])) == "windows"
