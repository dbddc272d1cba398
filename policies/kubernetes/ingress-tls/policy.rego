# METADATA
# title: Ingresses terminate TLS for every host they serve
# description: >-
#   An Ingress without TLS serves its hosts over plain HTTP: credentials, session cookies and
#   data cross the network readable and modifiable. An Ingress fails when spec.tls is empty,
#   or when a host of spec.rules is not listed in any spec.tls[].hosts (a "*.example.com"
#   entry covers one label; a tls entry without hosts covers every host). Certificates
#   attached by cloud-controller annotations count as TLS:
#   alb.ingress.kubernetes.io/certificate-arn, ingress.gcp.kubernetes.io/pre-shared-cert,
#   networking.gke.io/managed-certificates.
# custom:
#   id: K8S-025
#   severity: high
#   resource_types: [Ingress]
#   controls:
#     CC6.1: Traffic to the application's entry point is protected by encryption in transit.
#     CC6.6: Connections from outside the system boundary are encrypted and server-authenticated.
#     CC6.7: Information transmitted to and from users is protected against interception.
#   checkov: []
#   kics: []
#   remediation: |
#     spec:
#       tls:
#         - hosts: ["shop.example.com"]
#           secretName: shop-example-com-tls
#       rules:
#         - host: shop.example.com
package soc2gate.policies.kubernetes.ingress_tls

import data.soc2gate.lib.kubernetes as k8s
import data.soc2gate.lib.values
import rego.v1

cert_annotations := {
	"alb.ingress.kubernetes.io/certificate-arn",
	"ingress.gcp.kubernetes.io/pre-shared-cert",
	"networking.gke.io/managed-certificates",
}

deny contains k8s.fail(r, "spec", "the Ingress has no spec.tls, so it serves HTTP in clear text") if {
	some r in k8s.resources("Ingress")
	count(tls(r)) == 0
	not annotated_certificate(r)
}

deny contains k8s.fail(r, sprintf("spec.rules[%d].host", [i]), sprintf("host %s is not covered by any spec.tls[].hosts entry", [host])) if {
	some r in k8s.resources("Ingress")
	count(tls(r)) > 0
	not annotated_certificate(r)
	every entry in tls(r) {
		count(hosts(entry)) > 0
	}
	some i, rule in values.list_or_empty(object.get(spec(r), "rules", []))
	host := object.get(values.as_object(rule), "host", "")
	host != ""
	not host_covered(r, host)
}

spec(r) := values.as_object(object.get(r.attributes, "spec", {}))

tls(r) := [t | some t in values.list_or_empty(object.get(spec(r), "tls", [])); is_object(t)]

hosts(entry) := values.list_or_empty(object.get(entry, "hosts", []))

annotated_certificate(r) if {
	some name in cert_annotations
	value := values.as_object(object.get(r.attributes.metadata, "annotations", {}))[name]
	value != ""
}

host_covered(r, host) if {
	some entry in tls(r)
	some pattern in hosts(entry)
	matches(lower(pattern), lower(host))
}

matches(pattern, host) if pattern == host

matches(pattern, host) if {
	startswith(pattern, "*.")
	suffix := trim_prefix(pattern, "*")
	endswith(host, suffix)
	not contains(trim_suffix(host, suffix), ".")
}
