# METADATA
# title: The Kubernetes Dashboard is not deployed
# description: >-
#   The Kubernetes Dashboard is a web UI that acts on the cluster with its own service account;
#   exposed or granted broad rights, it has repeatedly handed whole clusters to outsiders, and
#   the CIS benchmarks for managed Kubernetes require the web UI to be disabled. A workload
#   fails when a container (init, regular, ephemeral) runs a Dashboard image: an image whose
#   name has a component kubernetesui (the Dashboard project's repository, e.g.
#   kubernetesui/dashboard, kubernetesui/metrics-scraper) or a component starting with
#   kubernetes-dashboard (k8s.gcr.io/kubernetes-dashboard-amd64). Use kubectl, or a
#   console behind the organisation's single sign-on, instead.
# custom:
#   id: K8S-068
#   severity: medium
#   resource_types: ["@workload"]
#   controls:
#     CC6.1: A cluster-wide web console is an additional, often weakly protected, path to the cluster's resources.
#     CC6.6: The Dashboard is a frequent target when reachable from outside the cluster.
#   checkov: []
#   related_checkov:
#     CKV_K8S_33: checkov also fails workloads whose labels mention kubernetes-dashboard, whatever the image
#   kics: [d2ad057f-0928-41ef-a83c-f59203bb855b]
#   remediation: |
#     # Remove the Dashboard (namespace kubernetes-dashboard or kube-system):
#     kubectl delete namespace kubernetes-dashboard
#     # or: helm uninstall kubernetes-dashboard -n kubernetes-dashboard
package soc2gate.policies.kubernetes.dashboard_not_deployed

import data.soc2gate.lib.kubernetes as k8s
import rego.v1

deny contains k8s.fail(r, sprintf("%s.image", [c.path]), sprintf("container \"%s\" runs the Kubernetes Dashboard (image \"%s\")", [c.name, k8s.image(c)])) if {
	some r in k8s.workloads
	some c in k8s.containers(r)
	dashboard_image(lower(k8s.image(c)))
}

# The components of the image name (registry, path, repository), without tag or digest.
name_components(ref) := [name |
	some part in split(split(ref, "@")[0], "/")
	name := split(part, ":")[0]
]

dashboard_image(ref) if "kubernetesui" in name_components(ref)

dashboard_image(ref) if {
	some name in name_components(ref)
	startswith(name, "kubernetes-dashboard")
}
