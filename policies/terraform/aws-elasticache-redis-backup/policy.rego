# METADATA
# title: ElastiCache Redis and Valkey caches keep automatic backups
# description: >-
#   aws_elasticache_replication_group and Redis/Valkey aws_elasticache_cluster must set
#   snapshot_retention_limit to 1 or more days; the default 0 takes no automatic snapshots.
#   Memcached clusters (no backups) and clusters that join a replication group (the group's
#   setting applies) are not judged. An engine soc2gate cannot resolve leaves a cluster without
#   retention inconclusive.
# custom:
#   id: TF-183
#   severity: medium
#   resource_types: [aws_elasticache_cluster, aws_elasticache_replication_group]
#   controls:
#     A1.2: Backup and recovery infrastructure protects against data loss.
#     CC7.4: Recovery capability supports the response to incidents that destroy or corrupt data.
#   checkov: [CKV_AWS_134]
#   kics: [8fdb08a0-a868-4fdf-9c27-ccab0237f1ab]
#   remediation: |
#     resource "aws_elasticache_replication_group" "sessions" {
#       replication_group_id     = "sessions"
#       description              = "sessions"
#       snapshot_retention_limit = 7
#       snapshot_window          = "03:00-05:00"
#     }
package soc2gate.policies.terraform.aws_elasticache_redis_backup

import data.soc2gate.lib.terraform as tf
import rego.v1

# Standalone clusters: Redis or Valkey, or an engine not yet known.
judged(r) if {
	r.type == "aws_elasticache_cluster"
	not tf.is_set(tf.attr(r, "replication_group_id"))
	lower(sprintf("%v", [tf.attr(r, "engine")])) in {"redis", "valkey"}
}

judged(r) if {
	r.type == "aws_elasticache_cluster"
	not tf.is_set(tf.attr(r, "replication_group_id"))
	tf.unknown(r, "engine")
}

judged(r) if r.type == "aws_elasticache_replication_group"

applicable contains r.id if {
	some r in tf.resources_of(["aws_elasticache_cluster", "aws_elasticache_replication_group"])
	judged(r)
}

no_backups(r) if not tf.is_set(tf.attr(r, "snapshot_retention_limit"))

no_backups(r) if to_number(tf.attr(r, "snapshot_retention_limit")) <= 0

path(r) := "engine" if tf.unknown(r, "engine")

else := "snapshot_retention_limit"

deny contains tf.fail(r, path(r), "no automatic backups: set snapshot_retention_limit to 1 or more days") if {
	some r in tf.resources_of(["aws_elasticache_cluster", "aws_elasticache_replication_group"])
	judged(r)
	not tf.unknown(r, "snapshot_retention_limit")
	no_backups(r)
}

deny contains tf.fail(r, "snapshot_retention_limit", "backup retention is not known") if {
	some r in tf.resources_of(["aws_elasticache_cluster", "aws_elasticache_replication_group"])
	judged(r)
	tf.unknown(r, "snapshot_retention_limit")
}
