# METADATA
# title: Container images use a fixed tag, not latest or none
# description: >-
#   An untagged image means :latest, and :latest changes whenever someone pushes: a restart
#   or a new node silently deploys unreviewed code, and a rollback cannot return to the
#   previous version. Every container (init, regular, ephemeral) must reference a tag other
#   than latest, or a digest. A ":port" in the registry host is not a tag
#   (localhost:5000/app is untagged).
# custom:
#   id: K8S-017
#   severity: medium
#   resource_types: ["@workload"]
#   controls:
#     CC8.1: Deployments change only through a new, reviewable manifest, not through a registry push.
#   checkov: [CKV_K8S_14]
#   kics: [583053b7-e632-46f0-b989-f81ff8045385]
#   remediation: |
#     spec:
#       containers:
#         - name: app
#           image: registry.example.com/shop/app:1.4.2   # better: pin the digest too
package soc2gate.policies.kubernetes.image_tag_fixed

import data.soc2gate.lib.kubernetes as k8s
import rego.v1

deny contains k8s.fail(r, sprintf("%s.image", [c.path]), sprintf("container \"%s\" image \"%s\" %s", [c.name, ref, problem])) if {
	some r in k8s.workloads
	some c in k8s.containers(r)
	ref := k8s.image(c)
	not contains(ref, "@")
	problem := tag_problem(k8s.image_tag(ref))
}

tag_problem("") := "has no tag, so it resolves to latest"

tag_problem("latest") := "uses the mutable latest tag"
