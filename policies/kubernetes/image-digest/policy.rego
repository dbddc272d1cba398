# METADATA
# title: Container images are pinned by digest
# description: >-
#   A tag is a mutable pointer: the image that was scanned and approved can be replaced under
#   the same tag, and two nodes can run different code for one manifest. Only a content
#   digest (image@sha256:...) makes the deployed artifact the reviewed one. Every container
#   (init, regular, ephemeral) must reference its image by digest; a tag may precede it
#   (registry/app:1.4.2@sha256:...).
# custom:
#   id: K8S-016
#   severity: low
#   resource_types: ["@workload"]
#   controls:
#     CC8.1: The change that was reviewed and approved is exactly the artifact that runs.
#     CC7.1: Vulnerability scan results apply to the running image only when it is pinned by content.
#   checkov: [CKV_K8S_43]
#   kics: [7c81d34c-8e5a-402b-9798-9f442630e678]
#   remediation: |
#     spec:
#       containers:
#         - name: app
#           image: registry.example.com/shop/app:1.4.2@sha256:4c1e9ad8b7d2e7d1f0f4d29b9a4b8c3b2f1e0d9c8b7a6f5e4d3c2b1a0f9e8d7c
package soc2gate.policies.kubernetes.image_digest

import data.soc2gate.lib.kubernetes as k8s
import rego.v1

deny contains k8s.fail(r, sprintf("%s.image", [c.path]), sprintf("container \"%s\" image \"%s\" is not pinned by digest (@sha256:...)", [c.name, k8s.image(c)])) if {
	some r in k8s.workloads
	some c in k8s.containers(r)
	not k8s.image_has_digest(k8s.image(c))
}
