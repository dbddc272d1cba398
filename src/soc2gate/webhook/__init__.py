"""The Kubernetes validating admission webhook: ``soc2gate webhook serve`` (docs/webhook.md).

review (AdmissionReview in/out) -> admission (exclusions, object -> Resource) ->
evaluator (one validated generation; the API's admission gate per worker process) ->
pool (worker processes, deadline, reload) -> decision (modes, message, the gate's Verdict) ->
app (ASGI routes, metrics, decision log) -> server (uvicorn, TLS, signals).
"""
