# METADATA
# title: Control-plane components and kubelets offer no insecure TLS cipher suites
# description: >-
#   --tls-cipher-suites narrows the suites a component offers; listing one of the suites the
#   Kubernetes reference documents as insecure (Go crypto/tls's InsecureCipherSuites: RC4,
#   3DES and the CBC-SHA256 suites) lets a client or a man in the middle negotiate encryption
#   with known practical attacks. A container that runs kube-apiserver, kubelet,
#   kube-controller-manager or kube-scheduler fails for each insecure suite in --tls-cipher-suites
#   (repeated flags add up, as pflag's string lists do); a KubeletConfiguration fails for each insecure
#   suite in tlsCipherSuites. Absent passes: the documented default is Go's list, which holds
#   no insecure suite. A kubelet started with --config and without the flag is inconclusive.
# custom:
#   id: K8S-075
#   severity: medium
#   resource_types: ["@workload", KubeletConfiguration]
#   controls:
#     CC6.7: Data in transit to and within the control plane is protected by strong encryption.
#   checkov: []
#   related_checkov:
#     CKV_K8S_105: checkov judges kube-apiserver only, reads only its `command` list, and fails suites outside a fixed allow-list
#   kics: [510d5810-9a30-443a-817d-5c1fa527b110]
#   remediation: |
#     command:
#       - kube-apiserver
#       - --tls-cipher-suites=TLS_ECDHE_ECDSA_WITH_AES_128_GCM_SHA256,TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256,TLS_ECDHE_ECDSA_WITH_AES_256_GCM_SHA384,TLS_ECDHE_RSA_WITH_AES_256_GCM_SHA384,TLS_ECDHE_ECDSA_WITH_CHACHA20_POLY1305_SHA256,TLS_ECDHE_RSA_WITH_CHACHA20_POLY1305_SHA256
package soc2gate.policies.kubernetes.tls_cipher_suites

import data.soc2gate.lib.kubernetes as k8s
import data.soc2gate.lib.kubernetes_flags as flags
import data.soc2gate.lib.values
import rego.v1

# "Insecure values" of --tls-cipher-suites in the Kubernetes component reference (Go's tls.InsecureCipherSuites).
insecure := {
	"TLS_ECDHE_ECDSA_WITH_AES_128_CBC_SHA256",
	"TLS_ECDHE_ECDSA_WITH_RC4_128_SHA",
	"TLS_ECDHE_RSA_WITH_3DES_EDE_CBC_SHA",
	"TLS_ECDHE_RSA_WITH_AES_128_CBC_SHA256",
	"TLS_ECDHE_RSA_WITH_RC4_128_SHA",
	"TLS_RSA_WITH_3DES_EDE_CBC_SHA",
	"TLS_RSA_WITH_AES_128_CBC_SHA256",
	"TLS_RSA_WITH_RC4_128_SHA",
}

components := ["kube-apiserver", "kubelet", "kube-controller-manager", "kube-scheduler"]

deny contains k8s.fail(p.r, flags.where(p.c), sprintf("container %s runs %s with the insecure TLS cipher suite %s", [p.c.name, program, suite])) if {
	some program in components
	some p in flags.running(program)
	some suite in flags.list_items(p.c, "tls-cipher-suites")
	suite in insecure
}

deny contains k8s.fail(r, sprintf("tlsCipherSuites[%d]", [i]), sprintf("the kubelet configuration offers the insecure TLS cipher suite %s", [suite])) if {
	some r in k8s.resources("KubeletConfiguration")
	some i, suite in values.list_or_empty(object.get(r.attributes, "tlsCipherSuites", []))
	suite in insecure
}

# The setting is in the file --config names (not part of the manifest).
inconclusive contains item if some item in flags.kubelet_setting_in_file("tls-cipher-suites")

# Judged: the workloads running one of the components and KubeletConfiguration objects.
applicable contains p.r.id if {
	some program in components
	some p in flags.running(program)
}

applicable contains r.id if {
	some r in k8s.resources("KubeletConfiguration")
}
