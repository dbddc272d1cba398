# METADATA
# title: The API server enables the AlwaysPullImages admission plugin
# description: >-
#   A node caches the images it pulled; without AlwaysPullImages any pod scheduled there can
#   start a cached private image without presenting pull credentials, so one tenant's
#   access-controlled image is usable by every other workload on the node. The plugin forces
#   imagePullPolicy Always, making the registry check each pod's credentials. A container that
#   runs kube-apiserver fails when neither --enable-admission-plugins nor the deprecated
#   --admission-control lists AlwaysPullImages (it is not in the default set).
# custom:
#   id: K8S-076
#   severity: low
#   resource_types: ["@workload"]
#   controls:
#     CC6.1: Access to private images is enforced by the registry for every pod, not only the first one on a node.
#   checkov: []
#   related_checkov:
#     CKV_K8S_80: checkov reads only the container's `command` list (flags in `args` are ignored)
#   kics: [a77f4d07-c6e0-4a48-8b35-0eeb51576f4f]
#   remediation: |
#     command:
#       - kube-apiserver
#       - --enable-admission-plugins=NodeRestriction,AlwaysPullImages
package soc2gate.policies.kubernetes.apiserver_always_pull_images

import data.soc2gate.lib.kubernetes as k8s
import data.soc2gate.lib.kubernetes_flags as flags
import rego.v1

deny contains k8s.fail(p.r, flags.where(p.c), sprintf("container %s runs kube-apiserver without the AlwaysPullImages admission plugin", [p.c.name])) if {
	some p in flags.running("kube-apiserver")
	enabled := {lower(name) | some flag in ["enable-admission-plugins", "admission-control"]; some name in flags.list_items(p.c, flag)}
	not "alwayspullimages" in enabled
}

# Judged: the workloads running kube-apiserver; any other workload gets no result
# (a pass there would claim a control-plane setting was checked).
applicable contains p.r.id if {
	some p in flags.running("kube-apiserver")
}
