# METADATA
# title: Cloud SQL instances take automated backups
# description: >-
#   Automated daily backups (and point-in-time recovery built on them) are the recovery
#   point for a Cloud SQL database. Fails when `settings.backup_configuration` is absent
#   or does not set `enabled = true` (backups are off by default). Read replicas
#   (`master_instance_name` set) cannot take backups and are not judged.
# custom:
#   id: TF-106
#   severity: medium
#   resource_types: [google_sql_database_instance]
#   controls:
#     A1.2: Automated backups are the database's recovery point.
#     CC7.4: Backups let an incident response restore data lost or corrupted in an incident.
#     CC7.5: Restoring from backup is how operations recover after an incident.
#     PI1.5: Stored data can be recovered completely and accurately.
#   checkov: [CKV_GCP_14]
#   kics: [cf3c7631-cd1e-42f3-8801-a561214a6e79]
#   remediation: |
#     resource "google_sql_database_instance" "db" {
#       name             = "acme-db"
#       database_version = "POSTGRES_15"
#       settings {
#         tier = "db-custom-2-7680"
#         backup_configuration {
#           enabled                        = true
#           point_in_time_recovery_enabled = true
#         }
#       }
#     }
package soc2gate.policies.terraform.gcp_sql_backups

import data.soc2gate.lib.terraform as tf
import rego.v1

deny contains tf.fail(r, "settings.backup_configuration.enabled", "automated backups are not enabled") if {
	some r in tf.resources("google_sql_database_instance")
	not tf.is_set(tf.attr(r, "master_instance_name"))
	not backups_enabled(r)
}

backup_configurations(r) := [b |
	some s in tf.blocks(r.attributes, "settings")
	some b in tf.blocks(s, "backup_configuration")
]

backups_enabled(r) if {
	some b in backup_configurations(r)
	tf.is_true(object.get(b, "enabled", false))
}
