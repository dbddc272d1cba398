# The one shape of a finding, for every surface.  The surface libraries (tf.fail, k8s.fail,
# change.fail) are these same rules; docs/writing-policies.md ("Library").
package soc2gate.lib.finding

import rego.v1

# A finding on resource r; path is the dotted attribute path that decided it (its line, and
# whether an unknown value there makes the outcome inconclusive).
fail(r, path, msg) := {"resource": r.id, "path": path, "message": concat(": ", [r.address, msg])}

# A finding decided on known (literal) values only, although other values of the resource
# at or under `path` are unknown: the engine reports it as a failure, not inconclusive.
fail_certain(r, path, msg) := object.union(fail(r, path, msg), {"certain": true})
