# METADATA
# title: IAM role trust policies do not let any principal assume the role
# description: >-
#   An aws_iam_role's assume_role_policy statement with Effect Allow and Principal "*", AWS "*",
#   or an AWS principal ARN that names no account ("arn:aws:iam::root", "arn:aws:iam::*:root")
#   lets every AWS identity assume the role, unless a Condition pins the caller (a restricting
#   key such as aws:PrincipalOrgID or aws:PrincipalAccount, with a positive operator and values
#   that are not wildcards). Service principals and principals of a named account pass.
# custom:
#   id: TF-168
#   severity: critical
#   resource_types: [aws_iam_role]
#   controls:
#     CC6.1: Only authorized identities can obtain the role's permissions.
#     CC6.2: Access is granted to identified principals, not to everyone.
#     CC6.3: Role assumption follows least privilege.
#   checkov: []
#   kics: [12b7e704-37f0-4d1e-911a-44bf60c48c21]
#   remediation: |
#     resource "aws_iam_role" "deploy" {
#       name = "deploy"
#       assume_role_policy = jsonencode({
#         Version = "2012-10-17"
#         Statement = [{
#           Effect    = "Allow"
#           Principal = { AWS = "arn:aws:iam::111122223333:role/ci" }
#           Action    = "sts:AssumeRole"
#         }]
#       })
#     }
package soc2gate.policies.terraform.aws_iam_role_trust_no_wildcard_principal

import data.soc2gate.lib.aws_iam as iam
import data.soc2gate.lib.terraform as tf
import rego.v1

trusts contains [r, v] if {
	some r in tf.resources("aws_iam_role")
	v := tf.attr(r, "assume_role_policy")
	v != null
}

# "*", AWS "*", or an AWS ARN without a 12-digit account.
any_principal(p) if p in {"*", "AWS:*", "*:*"}

any_principal(p) if {
	startswith(p, "AWS:arn:")
	not regex.match(`^AWS:arn:[^:]+:[^:]+::[0-9]{12}:`, p)
	not iam.marked(p)
}

open_trust(s) if {
	iam.allows(s)
	some p in s.principals
	any_principal(p)
	not iam.restricted(s)
}

deny contains tf.fail_certain(r, "assume_role_policy", "any AWS principal can assume this role: name the trusted account, role or service") if {
	some [r, v] in trusts
	some s in iam.statements(r, v)
	open_trust(s)
}

inconclusive contains {"resource": r.id, "path": "assume_role_policy", "message": sprintf("%s: a trusted principal is unresolved", [r.address]), "expression": v} if {
	some [r, v] in trusts
	statements := iam.statements(r, v)
	not any_open(statements)
	some s in statements
	may_be_open(r, s)
	not iam.restricted(s)
}

# Could an unresolved effect or principal make the statement open?  Only what is unknown can:
# a Service or Federated principal, or an ARN whose known text pins it, is never "any principal".
may_be_open(r, s) if {
	iam.may_allow(s)
	some f in s.principal_forms
	iam.form_unresolved(f)
	may_be_any_principal(r, f)
}

may_be_open(_, s) if {
	iam.marked(s.effect)
	some p in s.principals
	any_principal(p)
}

may_be_any_principal(r, f) if {
	some p in {"*", "AWS:*", "*:*"}
	iam.form_may_equal(r, f, p)
}

may_be_any_principal(r, f) if iam.form_may_start_with(r, f, "AWS:arn:")

inconclusive contains {"resource": r.id, "path": "assume_role_policy", "message": sprintf("%s: cannot read the trust policy", [r.address]), "expression": v} if {
	some [r, v] in trusts
	iam.undecodable(r, v)
}

any_open(statements) if {
	some s in statements
	open_trust(s)
}
