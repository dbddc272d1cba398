# METADATA
# title: Containers keep an AppArmor profile
# description: >-
#   AppArmor confines what a container's processes may do with files, mounts, signals and
#   capabilities. On nodes with AppArmor, Kubernetes applies the runtime's default profile when
#   none is given, so the Pod Security Standards (Baseline) only forbid overriding it with
#   Unconfined. Every container (init, regular, ephemeral) fails when its effective
#   securityContext.appArmorProfile.type (the container's, else the pod's) is Unconfined or
#   not one of RuntimeDefault, Localhost, Unconfined, or when its
#   container.apparmor.security.beta.kubernetes.io/<name> annotation is unconfined or not a
#   valid profile reference (runtime/default, localhost/<profile>), which the API server
#   rejects. An annotation for a container the pod does not have fails too. Absent passes.
# custom:
#   id: K8S-077
#   severity: medium
#   resource_types: ["@workload"]
#   controls:
#     CC6.1: Mandatory access control keeps a container's processes within the resources they need.
#     CC6.8: A confined container limits what malicious code in it can do to the node.
#   checkov: []
#   related_checkov:
#     CKV_K8S_31: checkov checks seccomp, not AppArmor; no checkov check reads AppArmor profiles
#   kics: [8b36775e-183d-4d46-b0f7-96a6f34a723f]
#   remediation: |
#     spec:
#       securityContext:
#         appArmorProfile:
#           type: RuntimeDefault        # or Localhost with localhostProfile; or omit it
package soc2gate.policies.kubernetes.apparmor_not_disabled

import data.soc2gate.lib.kubernetes as k8s
import data.soc2gate.lib.values
import rego.v1

prefix := "container.apparmor.security.beta.kubernetes.io/"

deny contains k8s.fail(r, k8s.effective_path(r, c, "appArmorProfile"), sprintf("container \"%s\" runs with AppArmor profile type %v", [c.name, t])) if {
	some r in k8s.workloads
	some c in k8s.containers(r)
	t := values.as_object(k8s.effective(r, c, "appArmorProfile")).type
	not t in {"RuntimeDefault", "Localhost"}
}

deny contains k8s.fail(r, concat("", [k8s.pod_metadata_path(r), ".annotations"]), sprintf("container \"%s\" has the AppArmor annotation %v, which %s", [name, value, problem])) if {
	some r in k8s.workloads
	some key, value in k8s.pod_annotations(r)
	startswith(key, prefix)
	name := substring(key, count(prefix), -1)
	problem := annotation_problem(r, name, value)
}

annotation_problem(r, name, value) := "names no container of the pod" if {
	not name in {c.name | some c in k8s.containers(r)}
} else := "disables AppArmor" if {
	value == "unconfined"
} else := "is not a valid profile (runtime/default or localhost/<profile>)" if {
	not valid_annotation(value)
}

valid_annotation(value) if value == "runtime/default"

valid_annotation(value) if {
	is_string(value)
	startswith(value, "localhost/")
	count(value) > count("localhost/")
}
