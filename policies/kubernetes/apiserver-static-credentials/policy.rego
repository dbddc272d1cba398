# METADATA
# title: The API server does not accept static password or token files
# description: >-
#   --basic-auth-file and --token-auth-file make kube-apiserver accept passwords or bearer
#   tokens read from a file on the control-plane host: they never expire, cannot be revoked
#   without restarting the API server, and are not tied to a managed identity. A container that
#   runs kube-apiserver fails when either flag is given (basic auth was removed in Kubernetes
#   1.19; an API server that still sets it does not start).
# custom:
#   id: K8S-045
#   severity: high
#   resource_types: ["@workload"]
#   controls:
#     CC6.1: Static credentials bypass the managed identity and credential lifecycle of the cluster.
#     CC6.2: Credentials in a static file are not issued, reviewed or removed through the access process.
#   checkov: []
#   related_checkov:
#     CKV_K8S_69: checkov reads only the container's `command` list (flags in `args` are ignored)
#     CKV_K8S_70: checkov reads only the container's `command` list (flags in `args` are ignored)
#   kics: [5da47109-f8d6-4585-9e2b-96a8958a12f5, 32ecd76e-7bbf-402e-bf48-8b9485749558]
#   remediation: |
#     command:
#       - kube-apiserver
#       # remove --basic-auth-file and --token-auth-file; authenticate users with client
#       # certificates, OIDC (--oidc-issuer-url) or a webhook, and workloads with service accounts
#       - --oidc-issuer-url=https://login.example.com
#       - --oidc-client-id=kubernetes
package soc2gate.policies.kubernetes.apiserver_static_credentials

import data.soc2gate.lib.kubernetes as k8s
import data.soc2gate.lib.kubernetes_flags as flags
import rego.v1

deny contains k8s.fail(p.r, flags.where(p.c), sprintf("container %s runs kube-apiserver with --%s: static credentials that never expire", [p.c.name, flag])) if {
	some p in flags.running("kube-apiserver")
	some flag in ["basic-auth-file", "token-auth-file"]
	flags.given(p.c, flag)
}

# Judged: the workloads running kube-apiserver; any other workload gets no result
# (a pass there would claim a control-plane setting was checked).
applicable contains p.r.id if {
	some p in flags.running("kube-apiserver")
}
