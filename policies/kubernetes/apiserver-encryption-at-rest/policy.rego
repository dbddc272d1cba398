# METADATA
# title: The API server encrypts Secrets at rest
# description: >-
#   Without --encryption-provider-config kube-apiserver stores Secrets (and every other
#   resource) in etcd as plain data: anyone who reads an etcd backup or the etcd data directory
#   reads every credential of the cluster. A container that runs kube-apiserver fails when
#   --encryption-provider-config is not set to a non-empty value. The content of the
#   EncryptionConfiguration file (which resources, which provider) is not visible in the
#   manifest; K8S-066 judges an EncryptionConfiguration document when one is scanned.
# custom:
#   id: K8S-040
#   severity: high
#   resource_types: ["@workload"]
#   controls:
#     CC6.1: Encryption at rest protects stored credentials from access that bypasses the API's authorization.
#     CC6.7: etcd snapshots and disks leave the cluster (backups, decommissioned nodes); their contents must be unreadable.
#   checkov: []
#   related_checkov:
#     CKV_K8S_104: checkov reads only the container's `command` list (flags in `args` are ignored)
#   kics: [cbd2db69-0b21-4c14-8a40-7710a50571a9]
#   remediation: |
#     command:
#       - kube-apiserver
#       - --encryption-provider-config=/etc/kubernetes/enc/encryption-config.yaml
#     # encryption-config.yaml:
#     # apiVersion: apiserver.config.k8s.io/v1
#     # kind: EncryptionConfiguration
#     # resources:
#     #   - resources: [secrets]
#     #     providers:
#     #       - kms: {apiVersion: v2, name: cloud-kms, endpoint: unix:///var/run/kms.sock}
#     #       - identity: {}
package soc2gate.policies.kubernetes.apiserver_encryption_at_rest

import data.soc2gate.lib.kubernetes as k8s
import data.soc2gate.lib.kubernetes_flags as flags
import rego.v1

deny contains k8s.fail(p.r, flags.where(p.c), sprintf("container %s runs kube-apiserver without --encryption-provider-config: Secrets are stored unencrypted in etcd", [p.c.name])) if {
	some p in flags.running("kube-apiserver")
	not flags.non_empty(p.c, "encryption-provider-config")
}

# Judged: the workloads running kube-apiserver; any other workload gets no result
# (a pass there would claim a control-plane setting was checked).
applicable contains p.r.id if {
	some p in flags.running("kube-apiserver")
}
