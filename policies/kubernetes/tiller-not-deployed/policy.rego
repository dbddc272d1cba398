# METADATA
# title: Tiller (Helm v2) is not deployed
# description: >-
#   Tiller, the in-cluster server of Helm v2, has been unsupported since November 2020. It
#   serves an unauthenticated gRPC API (port 44134) and usually runs with cluster-admin, so any
#   pod that reaches it can install arbitrary workloads and read every Secret. A workload fails
#   when a container (init, regular, ephemeral) runs a tiller image (the last component of the
#   image name is tiller or starts with tiller-) or its pod template carries the labels
#   `helm init` gives Tiller (app: helm, name: tiller); a Service fails when its labels or
#   selector are app: helm, name: tiller, or it is named tiller-deploy. Helm 3 needs no server.
# custom:
#   id: K8S-067
#   severity: high
#   resource_types: ["@workload", Service]
#   controls:
#     CC6.1: An unauthenticated endpoint with cluster-admin bypasses the cluster's logical access controls.
#     CC6.3: Deployments go through each user's own RBAC permissions, not a shared all-powerful server.
#     CC7.1: Unsupported software with known weaknesses is removed from the environment.
#   checkov: []
#   related_checkov:
#     CKV_K8S_34: checkov identifies Tiller by image name only, not by Helm's labels or Services
#     CKV_K8S_44: checkov's Tiller Service check reads labels and selector of Services only
#   kics: [6d173be7-545a-46c6-a81d-2ae52ed1605d, 8b862ca9-0fbd-4959-ad72-b6609bdaa22d]
#   related_kics:
#     e17fa86a-6222-4584-a914-56e8f6c87e06: KICS accepts a Tiller that listens on localhost only; soc2gate fails every Tiller deployment
#   remediation: |
#     # Migrate releases to Helm 3 (helm-2to3), then remove Tiller:
#     kubectl -n kube-system delete deployment tiller-deploy
#     kubectl -n kube-system delete service tiller-deploy
package soc2gate.policies.kubernetes.tiller_not_deployed

import data.soc2gate.lib.kubernetes as k8s
import data.soc2gate.lib.values
import rego.v1

deny contains k8s.fail(r, sprintf("%s.image", [c.path]), sprintf("container \"%s\" runs Tiller (Helm v2) from image \"%s\"", [c.name, k8s.image(c)])) if {
	some r in k8s.workloads
	some c in k8s.containers(r)
	tiller_image(k8s.image(c))
}

deny contains k8s.fail(r, k8s.pod_metadata_path(r), "the pod template carries Tiller's labels (app: helm, name: tiller)") if {
	some r in k8s.workloads
	not tiller_container(r)
	tiller_labels(k8s.pod_labels(r))
}

deny contains k8s.fail(r, "metadata", "the Service exposes Tiller (Helm v2)") if {
	some r in k8s.resources("Service")
	tiller_service(r)
}

tiller_container(r) if {
	some c in k8s.containers(r)
	tiller_image(k8s.image(c))
}

# The last component of the image name without tag or digest.
image_name(ref) := name if {
	parts := split(split(ref, "@")[0], "/")
	name := split(parts[count(parts) - 1], ":")[0]
}

tiller_image(ref) if image_name(lower(ref)) == "tiller"

tiller_image(ref) if startswith(image_name(lower(ref)), "tiller-")

tiller_labels(labels) if {
	labels.app == "helm"
	labels.name == "tiller"
}

tiller_service(r) if tiller_labels(values.as_object(k8s.labels(r.attributes)))

tiller_service(r) if tiller_labels(values.as_object(object.get(values.as_object(object.get(r.attributes, "spec", {})), "selector", {})))

tiller_service(r) if r.name == "tiller-deploy"
