# Helpers for Kubernetes policies.  Every workload kind has a normalized `pod`:
# {"spec", "path", "metadata", "containers": [{"container", "name", "list", "path"}]}.
package soc2gate.lib.kubernetes

import data.soc2gate.lib.finding
import data.soc2gate.lib.values
import rego.v1

workloads := input.workloads

resources(kind) := object.get(input.resources, kind, [])

fail(r, path, msg) := finding.fail(r, path, msg)

# obj[key] as text for a message, or "" when missing or null.
text(obj, key) := sprintf("%v", [obj[key]]) if {
	obj[key] != null
} else := ""

containers(r) := r.pod.containers

labels(obj) := object.get(object.get(obj, "metadata", {}), "labels", {})

namespace(r) := ns if {
	ns := r.namespace
	ns != ""
} else := "default"

# --- relations within a namespace ---------------------------------------------------------
# A policy that relates each workload to other objects of its namespace (NetworkPolicies,
# ServiceAccounts) looks them up through input.kubernetes.index, which the engine's input builder
# fills in one pass: index[kind][namespace][name] = positions in input.resources[kind].  Scanning
# every object of a kind per workload instead grows with workloads x objects (Rego functions are
# evaluated anew on every call).

# The objects of `kind` in namespace `ns` (an unset namespace is "default", as in namespace(r)).
in_namespace(kind, ns) := [input.resources[kind][i] |
	some positions in object.get(input, ["kubernetes", "index", kind, ns], {})
	some i in positions
]

# The objects of `kind` named `name` in namespace `ns` (more than one when manifests repeat it).
named(kind, ns, name) := [input.resources[kind][i] | some i in object.get(input, ["kubernetes", "index", kind, ns, name], [])]

# --- K8S policy pack helpers -------------------------------------------------------------

# Every kind that carries a pod template (input.workloads holds those whose pod spec parsed).
workload_kinds := {"Pod", "Deployment", "StatefulSet", "DaemonSet", "ReplicaSet", "ReplicationController", "Job", "CronJob"}

# The pod spec's securityContext, or {} (also when null or malformed).
pod_context(r) := values.as_object(object.get(r.pod.spec, "securityContext", {}))

# A container's securityContext, or {} (also when null or malformed).
container_context(c) := values.as_object(object.get(c.container, "securityContext", {}))

# The value of a securityContext field that Kubernetes lets a pod-level setting default:
# the container's own value wins, then the pod's. Undefined when neither sets it.
effective(r, c, key) := v if {
	v := container_context(c)[key]
	v != null
} else := v if {
	v := pod_context(r)[key]
	v != null
}

# Where `effective` found the value (dotted path), for the finding's line.
effective_path(r, c, key) := concat("", [c.path, ".securityContext.", key]) if {
	container_context(c)[key] != null
} else := concat("", [r.pod.path, ".securityContext.", key]) if {
	pod_context(r)[key] != null
} else := concat("", [c.path, ".securityContext"])

# Containers that run as part of the pod's normal lifecycle and can have resources, ports
# and probes (ephemeral debug containers cannot).
regular_containers(r) := [c | some c in r.pod.containers; c.list != "ephemeralContainers"]

# Pod template annotations, or {}.
pod_annotations(r) := values.as_object(object.get(values.as_object(r.pod.metadata), "annotations", {}))

# Pod template labels, or {}.
pod_labels(r) := values.as_object(object.get(values.as_object(r.pod.metadata), "labels", {}))

# Kubernetes label selector semantics (matchLabels AND matchExpressions; an empty selector
# selects everything; an unknown operator selects nothing).
selector_matches(selector, pod_labels) if {
	sel := values.as_object(selector)
	every key, value in values.as_object(object.get(sel, "matchLabels", {})) {
		pod_labels[key] == value
	}
	every expression in values.list_or_empty(object.get(sel, "matchExpressions", [])) {
		expression_matches(expression, pod_labels)
	}
}

expression_matches(e, pod_labels) if {
	e.operator == "In"
	pod_labels[e.key] in values.list_or_empty(object.get(e, "values", []))
}

expression_matches(e, pod_labels) if {
	e.operator == "NotIn"
	not pod_labels[e.key] in values.list_or_empty(object.get(e, "values", []))
}

expression_matches(e, pod_labels) if {
	e.operator == "Exists"
	values.has_key(pod_labels, e.key)
}

expression_matches(e, pod_labels) if {
	e.operator == "DoesNotExist"
	not values.has_key(pod_labels, e.key)
}

# --- RBAC -----------------------------------------------------------------------------------

rbac_roles := array.concat(resources("Role"), resources("ClusterRole"))

rbac_bindings := array.concat(resources("RoleBinding"), resources("ClusterRoleBinding"))

# The rules of a Role/ClusterRole ([] when missing or malformed).
role_rules(r) := values.list_or_empty(object.get(r.attributes, "rules", []))

rule_list(rule, field) := [lower(sprintf("%v", [v])) | some v in values.list_or_empty(object.get(rule, field, []))]

# Does the rule grant one of `verbs` on one of the resource `names` in one of the API
# `groups`?  A "*" in the rule's apiGroups, resources or verbs matches anything.
rule_grants_in(rule, groups, verbs, names) if {
	some group in rule_list(rule, "apiGroups")
	group in (groups | {"*"})
	some resource in rule_list(rule, "resources")
	resource in (names | {"*"})
	some verb in rule_list(rule, "verbs")
	verb in (verbs | {"*"})
}

# The same, in the core ("") API group.
rule_grants(rule, verbs, names) if rule_grants_in(rule, {""}, verbs, names)

# The rule is limited to named objects (resourceNames).
rule_named(rule) if count(rule_list(rule, "resourceNames")) > 0

# --- pod template metadata, resources, images -------------------------------------------------

# Dotted path of the pod template's metadata ("metadata" for a Pod).
pod_metadata_path(r) := concat("", [trim_suffix(r.pod.path, "spec"), "metadata"])

# A container's resources.<section>.<name> (section: limits/requests) when set, else undefined.
resource_value(c, section, name) := v if {
	v := values.as_object(values.as_object(object.get(c.container, "resources", {}))[section])[name]
	v != null
	v != ""
}

# Deepest existing path towards resources.<section> of a container, for the finding's line.
resources_path(c, section) := concat("", [c.path, ".resources.", section]) if {
	values.as_object(object.get(c.container, "resources", {}))[section] != null
} else := concat("", [c.path, ".resources"]) if {
	object.get(c.container, "resources", null) != null
} else := c.path

# A container's image reference as a string ("" when missing).
image(c) := text(c.container, "image")

# Pinned by an OCI content digest (name@algorithm:hex).
image_has_digest(ref) if regex.match(`@[a-z0-9]+(?:[.+_-][a-z0-9]+)*:[0-9a-fA-F]{32,}$`, ref)

# The tag of an image reference without a digest, or "" when untagged.  The tag follows the
# last ":" after the last "/" (a ":" before it belongs to a registry port).
image_tag(ref) := tag if {
	parts := split(ref, "/")
	last := parts[count(parts) - 1]
	contains(last, ":")
	pieces := split(last, ":")
	tag := pieces[count(pieces) - 1]
} else := ""
