# Command-line flags of Kubernetes components run as containers (static Pod manifests of
# kube-apiserver, etcd, kube-controller-manager, kube-scheduler, kubelet).
#
# A container runs `program` when an item of its command or args list is the program itself
# (`kube-apiserver`, `/usr/local/bin/kube-apiserver`).  Items are argv elements as Kubernetes
# passes them (no shell splitting): a program started through `sh -c "..."` is not judged,
# since a shell script may run several programs and its flags cannot be attributed safely.
# Flags follow Go's flag/pflag syntax: `--flag=value` or `-flag=value`; a string flag may take
# its value from the next item (`--flag`, `value`); a boolean flag never does (`--flag` alone
# is true).  A repeated flag: the last occurrence wins (last_value/bool_value); all_values() keeps all.
# Function names avoid `value`: with one named so, rego-cpp 1.5 crashes (SIGSEGV) evaluating
# other policies of the bundle (tests/test_conformance_regopy.py).
package soc2gate.lib.kubernetes_flags

import data.soc2gate.lib.values
import rego.v1

# The argv items of a container: command then args (scalars only).
argv(c) := array.concat(_strings(c.container, "command"), _strings(c.container, "args"))

# (an unquoted YAML number or boolean is read as its text, as kubectl's strict decoding would reject it anyway)
_strings(container, key) := [_text(v) | some v in values.list_or_empty(object.get(container, key, [])); _scalar(v)]

_scalar(v) if is_string(v)

_scalar(v) if is_number(v)

_scalar(v) if is_boolean(v)

_text(v) := v if is_string(v)

_text(v) := sprintf("%v", [v]) if not is_string(v)

# The last path segment of an argv item ("/usr/local/bin/etcd" -> "etcd").
_basename(item) := parts[count(parts) - 1] if parts := split(trim_space(item), "/")

runs(c, program) if {
	some item in argv(c)
	_basename(item) == program
}

# Every (workload, container) pair whose container runs `program` (ephemeral debug
# containers are left out: they do not serve the component).
running(program) := [{"r": r, "c": c} |
	some r in input.workloads
	some c in r.pod.containers
	c.list != "ephemeralContainers"
	runs(c, program)
]

_prefixes(flag) := {concat("", ["--", flag]), concat("", ["-", flag])}

# Values of a string flag, in order ("" when it is given without a value).
# (`some i; item := items[i]`: rego-cpp rejects `some i, item in` inside a comprehension)
all_values(c, flag) := [v | items := argv(c); some i; item := items[i]; some v in _occurrence(items, i, item, flag)]

_occurrence(items, i, item, flag) := [substring(item, count(p) + 1, -1)] if {
	some p in _prefixes(flag)
	startswith(item, concat("", [p, "="]))
} else := [items[i + 1]] if {
	item in _prefixes(flag)
	i + 1 < count(items)
	not startswith(items[i + 1], "-")
} else := [""] if {
	item in _prefixes(flag)
} else := []

# The effective value of a string flag (its last occurrence); undefined when absent.
last_value(c, flag) := vs[count(vs) - 1] if {
	vs := all_values(c, flag)
	count(vs) > 0
}

# The flag appears (with or without a value).
given(c, flag) if count(all_values(c, flag)) > 0

# A non-empty value is given.
non_empty(c, flag) if trim_space(last_value(c, flag)) != ""

# The effective value of a boolean flag: true or false; undefined when absent.  A value Go's
# strconv.ParseBool rejects is undefined too (the component would refuse to start).
bool_value(c, flag) := bools[count(bools) - 1] if {
	bools := [b |
		some item in argv(c)
		some b in _bool_occurrence(item, flag)
	]
	count(bools) > 0
}

_bool_occurrence(item, flag) := [b] if {
	some p in _prefixes(flag)
	startswith(item, concat("", [p, "="]))
	b := _parse_bool(substring(item, count(p) + 1, -1))
} else := [true] if {
	item in _prefixes(flag)
} else := []

_parse_bool(s) := true if s in {"1", "t", "T", "TRUE", "true", "True"}

_parse_bool(s) := false if s in {"0", "f", "F", "FALSE", "false", "False"}

# A comma-separated list flag (--authorization-mode=RBAC,Node) as a list of its items;
# repeated occurrences are concatenated, as pflag's StringSlice does.
list_items(c, flag) := [trim_space(item) |
	some v in all_values(c, flag)
	some item in split(v, ",")
	trim_space(item) != ""
]

# An integer flag's effective value; undefined when absent or not an integer.
integer(c, flag) := to_number(v) if {
	v := trim_space(last_value(c, flag))
	regex.match(`^-?[0-9]+$`, v)
}

# The dotted path of the argv list a finding points at (command, else args, else container).
where(c) := concat("", [c.path, ".command"]) if {
	is_array(c.container.command)
} else := concat("", [c.path, ".args"]) if {
	is_array(c.container.args)
} else := c.path

# --- etcd: each flag can also come from an ETCD_<FLAG> environment variable, and
# --config-file replaces flags and variables altogether. --------------------------------------

etcd_env(c, flag) := e.value if {
	name := concat("", ["ETCD_", upper(replace(flag, "-", "_"))])
	some e in values.list_or_empty(object.get(c.container, "env", []))
	is_object(e)
	e.name == name
	is_string(e.value)
}

# etcd reads its configuration from a file, which a manifest does not show.
etcd_config_file(c) if non_empty(c, "config-file")

etcd_config_file(c) if trim_space(etcd_env(c, "config-file")) != ""

# An etcd string setting (flag, else environment variable); undefined when absent.
etcd_value(c, flag) := last_value(c, flag)

etcd_value(c, flag) := etcd_env(c, flag) if not given(c, flag)

etcd_set(c, flag) if trim_space(etcd_value(c, flag)) != ""

# An etcd boolean setting (flag, else environment variable); undefined when absent.
etcd_bool(c, flag) := bool_value(c, flag)

etcd_bool(c, flag) := _parse_bool(etcd_env(c, flag)) if not given(c, flag)

# --- settings kept in a file the manifest does not show: inconclusive items ---------------------

# One inconclusive item per etcd container started with --config-file (or ETCD_CONFIG_FILE).
etcd_settings_in_file := {{"resource": p.r.id, "path": where(p.c), "message": sprintf("%s: container %s runs etcd with --config-file (or ETCD_CONFIG_FILE): its settings are in that file, which is not scanned", [p.r.address, p.c.name]), "expression": "--config-file"} |
	some p in running("etcd")
	etcd_config_file(p.c)
}

# One inconclusive item per kubelet container without --<flag> but with --config (the setting
# is in that file; a KubeletConfiguration scanned alongside is judged on its own).
kubelet_setting_in_file(flag) := {{"resource": p.r.id, "path": where(p.c), "message": sprintf("%s: container %s runs kubelet with --config and without --%s: the setting is in that file, which is not part of this manifest", [p.r.address, p.c.name, flag]), "expression": "--config"} |
	some p in running("kubelet")
	not given(p.c, flag)
	non_empty(p.c, "config")
}
