# Helpers for Kubernetes policies.  Every workload kind has a normalized `pod`:
# {"spec", "path", "metadata", "containers": [{"container", "name", "list", "path"}]}.
package soc2gate.lib.kubernetes

import rego.v1

workloads := input.workloads

resources(kind) := object.get(input.resources, kind, [])

fail(r, path, msg) := {"resource": r.id, "path": path, "message": sprintf("%s: %s", [r.address, msg])}

containers(r) := r.pod.containers

# securityContext of a container, or {}.
security_context(c) := object.get(c.container, "securityContext", {})

pod_security_context(r) := object.get(r.pod.spec, "securityContext", {})

labels(obj) := object.get(object.get(obj, "metadata", {}), "labels", {})

namespace(r) := ns if {
	ns := r.namespace
	ns != ""
} else := "default"
