"""The Kubernetes validating admission webhook: ``soc2gate webhook serve`` (docs/webhook.md).

review (AdmissionReview in/out) -> admission (exclusions, object -> Resource) ->
evaluator (one validated generation; per-thread engines) -> pool (worker threads, deadline,
reload) -> decision (modes, message) -> app (ASGI routes, metrics, decision log) ->
server (uvicorn, TLS, signals).
"""
