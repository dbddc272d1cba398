"""The Kubernetes validating admission webhook: ``soc2gate webhook serve`` (docs/webhook.md).

review (AdmissionReview in/out) -> admission (exclusions, object -> Resource) ->
evaluator (per-thread engines, deadline, reload) -> decision (modes, message) ->
app (ASGI routes, metrics, decision log) -> server (uvicorn, TLS, signals).
"""
