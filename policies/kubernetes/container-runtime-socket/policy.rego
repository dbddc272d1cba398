# METADATA
# title: Pods do not mount the container runtime socket
# description: >-
#   Whoever can talk to the Docker, containerd or CRI-O socket can start privileged
#   containers on the node, i.e. owns the node and every workload on it. A hostPath volume
#   whose path is a runtime socket, or a directory containing one (/var/run, /run,
#   /var/run/containerd, /), fails.
# custom:
#   id: K8S-029
#   severity: critical
#   resource_types: ["@workload"]
#   controls:
#     CC6.1: The runtime socket grants root on the node, far beyond the workload's authorized access.
#     CC6.8: Malicious code with the runtime socket can launch arbitrary containers and persist on the node.
#   checkov: [CKV_K8S_27]
#   kics: [a6f34658-fdfb-4154-9536-56d516f65828]
#   remediation: |
#     # Do not mount the runtime socket. Build images with a rootless builder (BuildKit
#     # rootless, kaniko) and query container state through the Kubernetes API instead.
#     spec:
#       volumes:
#         - name: workspace
#           emptyDir: {}
package soc2gate.policies.kubernetes.container_runtime_socket

import data.soc2gate.lib.kubernetes as k8s
import data.soc2gate.lib.values
import rego.v1

sockets := {
	"/var/run/docker.sock",
	"/run/docker.sock",
	"/var/run/dockershim.sock",
	"/var/run/cri-dockerd.sock",
	"/run/cri-dockerd.sock",
	"/var/run/containerd/containerd.sock",
	"/run/containerd/containerd.sock",
	"/run/k3s/containerd/containerd.sock",
	"/var/run/crio/crio.sock",
	"/run/crio/crio.sock",
	"/var/run/podman/podman.sock",
	"/run/podman/podman.sock",
}

deny contains k8s.fail(r, sprintf("%s.volumes[%d].hostPath.path", [r.pod.path, i]), sprintf("volume \"%s\" mounts the container runtime socket %s", [k8s.text(v, "name"), path])) if {
	some r in k8s.workloads
	some i, v in values.list_or_empty(object.get(r.pod.spec, "volumes", []))
	path := host_path(v)
	trim_right(path, "/") in sockets
}

deny contains k8s.fail(r, sprintf("%s.volumes[%d].hostPath.path", [r.pod.path, i]), sprintf("volume \"%s\" mounts the node directory %s, which contains container runtime sockets", [k8s.text(v, "name"), path])) if {
	some r in k8s.workloads
	some i, v in values.list_or_empty(object.get(r.pod.spec, "volumes", []))
	path := host_path(v)
	some socket in sockets
	startswith(socket, concat("", [trim_right(path, "/"), "/"]))
}

host_path(v) := sprintf("%v", [v.hostPath.path])
