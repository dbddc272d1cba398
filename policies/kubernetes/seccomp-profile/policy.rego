# METADATA
# title: Containers run with the RuntimeDefault or a Localhost seccomp profile
# description: >-
#   Without a seccomp profile a container can call every system call of the node's kernel,
#   which is the attack surface of most container escapes. Each container (init, regular,
#   ephemeral) must end up with seccomp type RuntimeDefault or Localhost. Kubernetes
#   precedence applies: the container's securityContext.seccompProfile, then the legacy
#   container annotation container.seccomp.security.alpha.kubernetes.io/<name>, then the pod's
#   securityContext.seccompProfile, then the legacy pod annotation
#   seccomp.security.alpha.kubernetes.io/pod (runtime/default, docker/default, localhost/*).
#   Unconfined, or no profile at all, fails.
# custom:
#   id: K8S-011
#   severity: medium
#   resource_types: ["@workload"]
#   controls:
#     CC6.8: Restricting system calls blocks the kernel exploits malicious code uses to escape a container.
#     CC6.1: The syscall filter is part of the isolation boundary between a workload and the node.
#   checkov: [CKV_K8S_31]
#   kics: [f377b83e-bd07-4f48-a591-60c82b14a78b]
#   remediation: |
#     spec:
#       securityContext:          # pod level: applies to every container
#         seccompProfile:
#           type: RuntimeDefault
package soc2gate.policies.kubernetes.seccomp_profile

import data.soc2gate.lib.kubernetes as k8s
import data.soc2gate.lib.values
import rego.v1

deny contains k8s.fail(r, s.path, sprintf("container \"%s\" runs with the seccomp profile %v (%s); use RuntimeDefault or Localhost", [c.name, s.value, s.source])) if {
	some r in k8s.workloads
	some c in k8s.containers(r)
	s := setting(r, c)
	not compliant(s)
}

deny contains k8s.fail(r, c.path, sprintf("container \"%s\" has no seccomp profile (set securityContext.seccompProfile.type: RuntimeDefault on the pod or the container)", [c.name])) if {
	some r in k8s.workloads
	some c in k8s.containers(r)
	not setting(r, c)
}

legacy_pod := "seccomp.security.alpha.kubernetes.io/pod"

legacy_container_prefix := "container.seccomp.security.alpha.kubernetes.io/"

setting(r, c) := {"kind": "field", "value": t, "source": "container securityContext", "path": sprintf("%s.securityContext.seccompProfile.type", [c.path])} if {
	t := values.as_object(k8s.container_context(c).seccompProfile).type
	t != null
} else := {"kind": "annotation", "value": a, "source": "legacy container annotation", "path": concat("", [k8s.pod_metadata_path(r), ".annotations"])} if {
	a := k8s.pod_annotations(r)[concat("", [legacy_container_prefix, c.name])]
} else := {"kind": "field", "value": t, "source": "pod securityContext", "path": sprintf("%s.securityContext.seccompProfile.type", [r.pod.path])} if {
	t := values.as_object(k8s.pod_context(r).seccompProfile).type
	t != null
} else := {"kind": "annotation", "value": a, "source": "legacy pod annotation", "path": concat("", [k8s.pod_metadata_path(r), ".annotations"])} if {
	a := k8s.pod_annotations(r)[legacy_pod]
}

compliant(s) if {
	s.kind == "field"
	s.value in {"RuntimeDefault", "Localhost"}
}

compliant(s) if {
	s.kind == "annotation"
	s.value in {"runtime/default", "docker/default"}
}

compliant(s) if {
	s.kind == "annotation"
	startswith(sprintf("%v", [s.value]), "localhost/")
}
