# METADATA
# title: Services are not exposed through an unrestricted external load balancer
# description: >-
#   A Service of type LoadBalancer makes the cloud provider create a load balancer, public by
#   default, reachable from the whole internet. It passes when it is made internal with the
#   provider's annotation (AWS aws-load-balancer-internal / aws-load-balancer-scheme:
#   internal, GKE load-balancer-type Internal, Azure azure-load-balancer-internal, OCI, IBM,
#   OpenStack, Alibaba equivalents) or when spec.loadBalancerSourceRanges lists the client
#   ranges and none of them is 0.0.0.0/0 or ::/0. Expose HTTP(S) through an Ingress with TLS
#   instead where possible.
# custom:
#   id: K8S-026
#   severity: medium
#   resource_types: [Service]
#   controls:
#     CC6.6: Internet-facing entry points are limited to deliberate, restricted ones.
#     CC6.1: Network reachability of the service is restricted to the clients that need it.
#   checkov: []
#   kics: [26763a1c-5dda-4772-b507-5fca7fb5f165]
#   remediation: |
#     metadata:
#       annotations:
#         service.beta.kubernetes.io/aws-load-balancer-internal: "true"   # or your provider's
#     spec:
#       type: LoadBalancer
#       loadBalancerSourceRanges: ["10.0.0.0/8"]
package soc2gate.policies.kubernetes.service_load_balancer

import data.soc2gate.lib.kubernetes as k8s
import data.soc2gate.lib.values
import rego.v1

# annotation -> the lower-cased values that make the load balancer internal ("*": any value
# other than false).
internal := {
	"service.beta.kubernetes.io/aws-load-balancer-internal": {"*"},
	"service.beta.kubernetes.io/aws-load-balancer-scheme": {"internal"},
	"networking.gke.io/load-balancer-type": {"internal"},
	"cloud.google.com/load-balancer-type": {"internal"},
	"service.beta.kubernetes.io/azure-load-balancer-internal": {"true"},
	"service.beta.kubernetes.io/oci-load-balancer-internal": {"true"},
	"service.beta.kubernetes.io/openstack-internal-load-balancer": {"true"},
	"service.kubernetes.io/ibm-load-balancer-cloud-provider-ip-type": {"private"},
	"service.beta.kubernetes.io/alibaba-cloud-loadbalancer-address-type": {"intranet"},
}

deny contains k8s.fail(r, "spec.type", "type LoadBalancer creates an internet-facing load balancer: no internal load-balancer annotation and no restrictive spec.loadBalancerSourceRanges") if {
	some r in k8s.resources("Service")
	spec := values.as_object(object.get(r.attributes, "spec", {}))
	spec.type == "LoadBalancer"
	not internal_annotation(r)
	not restricted_sources(spec)
}

internal_annotation(r) if {
	annotations := values.as_object(object.get(values.as_object(object.get(r.attributes, "metadata", {})), "annotations", {}))
	some name, accepted in internal
	value := lower(trim_space(sprintf("%v", [annotations[name]])))
	internal_value(value, accepted)
}

internal_value(value, accepted) if value in accepted

internal_value(value, accepted) if {
	"*" in accepted
	not value in {"false", ""}
}

restricted_sources(spec) if {
	ranges := values.list_or_empty(object.get(spec, "loadBalancerSourceRanges", []))
	count(ranges) > 0
	not open_range(ranges)
}

open_range(ranges) if {
	some cidr in ranges
	trim_space(sprintf("%v", [cidr])) in {"0.0.0.0/0", "::/0"}
}
