# Helpers for change-management policies over normalized change records.
package soc2gate.lib.change

import rego.v1

records := object.get(input.resources, "change_record", [])

params := object.get(input.params, "change_management", {})

param(name, default_value) := object.get(params, name, default_value)

fail(r, path, msg) := {"resource": r.id, "path": path, "message": sprintf("%s: %s", [r.address, msg])}
