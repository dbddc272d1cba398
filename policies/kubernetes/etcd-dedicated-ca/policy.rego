# METADATA
# title: etcd trusts its own CA, not the cluster's client CA
# description: >-
#   etcd holds every Secret of the cluster. When its --trusted-ca-file is the CA kube-apiserver
#   accepts client certificates from (--client-ca-file), every certificate issued for the
#   cluster (kubelets, users, controllers) can also authenticate to etcd directly and read or
#   change all data, bypassing RBAC and audit (CIS 2.7). A container that runs etcd fails when
#   its --trusted-ca-file (or ETCD_TRUSTED_CA_FILE) names the same file as the --client-ca-file
#   of a kube-apiserver container in the same scan. The policy judges etcd only when the scan
#   also holds a kube-apiserver with --client-ca-file; different paths holding the same
#   certificate cannot be seen in manifests, and an etcd started with
#   --config-file (which replaces flags and variables) is not judged.
# custom:
#   id: K8S-080
#   severity: medium
#   resource_types: ["@workload"]
#   controls:
#     CC6.1: Only the API server, not every cluster client, can authenticate to the datastore.
#     CC6.3: Cluster certificates grant the access they were issued for, not direct database access.
#   checkov: []
#   kics: [cb7e695d-6a85-495c-b15f-23aed2519303]
#   remediation: |
#     # etcd: a CA of its own (kubeadm: /etc/kubernetes/pki/etcd/ca.crt)
#     - --trusted-ca-file=/etc/kubernetes/pki/etcd/ca.crt
#     # kube-apiserver: the cluster CA for clients
#     - --client-ca-file=/etc/kubernetes/pki/ca.crt
package soc2gate.policies.kubernetes.etcd_dedicated_ca

import data.soc2gate.lib.kubernetes as k8s
import data.soc2gate.lib.kubernetes_flags as flags
import rego.v1

client_cas := {trim_space(flags.last_value(p.c, "client-ca-file")) |
	some p in flags.running("kube-apiserver")
	flags.non_empty(p.c, "client-ca-file")
}

deny contains k8s.fail(p.r, flags.where(p.c), sprintf("container %s runs etcd trusting %s, the CA kube-apiserver accepts client certificates from: every cluster certificate can reach etcd", [p.c.name, ca])) if {
	some p in flags.running("etcd")
	not flags.etcd_config_file(p.c)
	ca := trim_space(flags.etcd_value(p.c, "trusted-ca-file"))
	ca in client_cas
}

# Judged: etcd containers with a trusted CA, when the scan also shows the API server's client CA.
applicable contains p.r.id if {
	count(client_cas) > 0
	some p in flags.running("etcd")
	not flags.etcd_config_file(p.c)
	flags.etcd_set(p.c, "trusted-ca-file")
}
