# METADATA
# title: Containers read Secrets from files, not environment variables
# description: >-
#   A Secret exposed as an environment variable is copied into the process environment: it is
#   inherited by every child process, shown by crash reports, debug endpoints and `kubectl
#   describe`-style tooling, and cannot be rotated without a restart; the CIS Kubernetes
#   Benchmark (5.4.1) prefers Secrets mounted as files. Every container (init, regular,
#   ephemeral) fails for each env entry whose valueFrom.secretKeyRef is set and each envFrom
#   entry whose secretRef is set. Literal credentials in env are K8S-018's concern.
# custom:
#   id: K8S-069
#   severity: low
#   resource_types: ["@workload"]
#   controls:
#     CC6.1: Credentials reach only the process that reads the mounted file, not every child and diagnostic dump.
#     CC6.7: Secret values stay out of process environments that tooling and logs routinely print.
#   checkov: []
#   related_checkov:
#     CKV_K8S_35: checkov's check, same semantics; not yet measured against soc2gate's fixtures
#   kics: [3d658f8b-d988-41a0-a841-40043121de1e]
#   remediation: |
#     spec:
#       containers:
#         - name: app
#           volumeMounts:
#             - name: db-credentials
#               mountPath: /etc/secrets/db
#               readOnly: true
#       volumes:
#         - name: db-credentials
#           secret:
#             secretName: db-credentials
package soc2gate.policies.kubernetes.secrets_as_files

import data.soc2gate.lib.kubernetes as k8s
import data.soc2gate.lib.values
import rego.v1

deny contains k8s.fail(r, sprintf("%s.env[%d].valueFrom.secretKeyRef", [c.path, i]), msg) if {
	some r in k8s.workloads
	some c in k8s.containers(r)
	some i, e in values.list_or_empty(object.get(c.container, "env", []))
	ref := values.as_object(values.as_object(values.as_object(e).valueFrom).secretKeyRef)
	ref != {}
	msg := sprintf("container \"%s\" reads Secret \"%s\" into environment variable %s", [c.name, k8s.text(ref, "name"), k8s.text(values.as_object(e), "name")])
}

deny contains k8s.fail(r, sprintf("%s.envFrom[%d].secretRef", [c.path, i]), msg) if {
	some r in k8s.workloads
	some c in k8s.containers(r)
	some i, e in values.list_or_empty(object.get(c.container, "envFrom", []))
	ref := values.as_object(values.as_object(e).secretRef)
	ref != {}
	msg := sprintf("container \"%s\" loads every key of Secret \"%s\" into its environment", [c.name, k8s.text(ref, "name")])
}
