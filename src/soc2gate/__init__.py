"""soc2gate: a SOC 2 policy-as-code gate for Terraform, Kubernetes and change records."""

__version__ = "0.1.0"
