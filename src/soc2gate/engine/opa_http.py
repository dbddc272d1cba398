"""Where the OPA server is and how to talk to it: URL, TLS, bearer token, timeouts.

Settings come from the ``opa`` section of ``.soc2gate.yaml`` with ``--opa-url``,
``--opa-token`` and ``--opa-ca-bundle`` overriding it; ``token_env`` names an environment
variable holding the token so it never has to be written into the file.
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Mapping
from urllib.parse import urlsplit

from soc2gate.errors import ConfigError

DEFAULT_TIMEOUT = 30.0


@dataclass(frozen=True)
class OpaTarget:
    url: str
    host: str
    port: int
    https: bool
    token: str | None = None
    ca_bundle: str | None = None
    client_cert: tuple[str, str] | None = None
    timeout: float = DEFAULT_TIMEOUT

    @classmethod
    def from_settings(cls, settings: Mapping[str, Any]) -> OpaTarget:
        url = str(settings.get("url") or "")
        if not url:
            raise ConfigError("the OPA engine needs a server URL: give --opa-url or set `opa.url` in .soc2gate.yaml")
        parts = urlsplit(url)
        if parts.scheme not in ("http", "https") or not parts.hostname:
            raise ConfigError(f"--opa-url {url}: expected http(s)://host[:port]")
        if parts.path not in ("", "/") or parts.query or parts.username:
            raise ConfigError(f"--opa-url {url}: give the server root only (no path, query or user); "
                              "soc2gate calls its /v1 REST API")
        try:
            port = parts.port or (443 if parts.scheme == "https" else 80)
        except ValueError as exc:
            raise ConfigError(f"--opa-url {url}: {exc}") from None
        base = Path(str(settings.get("base_dir") or "."))
        return cls(url=url.rstrip("/"), host=parts.hostname, port=port, https=parts.scheme == "https",
                   token=_token(settings), ca_bundle=_file(settings.get("ca_bundle"), base, "ca_bundle"),
                   client_cert=_cert(settings, base), timeout=float(settings.get("timeout_seconds", DEFAULT_TIMEOUT)))

    def client(self) -> Any:
        """A fresh opa-python-client OpaClient for this server."""
        from opa_client import OpaClient

        verify: bool | str = (self.ca_bundle or True) if self.https else False
        client = OpaClient(host=self.host, port=self.port, ssl=verify, cert=self.client_cert, token=self.token,
                           timeout=self.timeout, retries=2)
        if self.ca_bundle:
            # requests lets REQUESTS_CA_BUNDLE/CURL_CA_BUNDLE override a session's `verify`; the CA
            # bundle the user named for this server must win, so pin it on the transport.
            client._session.mount("https://", _pinned_ca(self.ca_bundle, client._session.get_adapter("https://")))
        return client


def _pinned_ca(ca_bundle: str, current: Any) -> Any:
    """An HTTPAdapter like ``current`` (same retries) that always verifies with ``ca_bundle``."""
    from requests.adapters import HTTPAdapter

    class PinnedCA(HTTPAdapter):
        def send(self, request: Any, **kwargs: Any) -> Any:  # type: ignore[override]  # forwards every argument
            kwargs["verify"] = ca_bundle
            return super().send(request, **kwargs)

    return PinnedCA(max_retries=current.max_retries)


def _token(settings: Mapping[str, Any]) -> str | None:
    if settings.get("token"):
        return str(settings["token"])
    name = settings.get("token_env")
    if name:
        value = os.environ.get(str(name))
        if not value:
            raise ConfigError(f"opa.token_env: environment variable {name} is not set or empty")
        return value
    return None


def _file(value: Any, base: Path, key: str) -> str | None:
    if not value:
        return None
    path = Path(str(value))
    path = path if path.is_absolute() else base / path
    if not path.is_file():
        raise ConfigError(f"opa.{key}: {path} is not a file")
    return str(path)


def _cert(settings: Mapping[str, Any], base: Path) -> tuple[str, str] | None:
    cert, key = settings.get("client_cert"), settings.get("client_key")
    if bool(cert) != bool(key):
        raise ConfigError("opa.client_cert and opa.client_key go together: give both or neither")
    if not cert:
        return None
    return _file(cert, base, "client_cert") or "", _file(key, base, "client_key") or ""


def http_error_text(exc: BaseException) -> str:
    """``HTTP 401 unauthorized: request rejected by administrative policy`` from an HTTPError, or ""."""
    response = getattr(exc, "response", None)
    if response is None:
        return ""
    try:
        body = response.json()
    except ValueError:
        body = {"message": (response.text or "").strip()[:300]}
    body = body if isinstance(body, dict) else {}
    code = body.get("code") or response.reason or ""
    details = "; ".join(str(e.get("message", "")) for e in body.get("errors") or [] if isinstance(e, dict))
    text = f"HTTP {response.status_code} {code}: {body.get('message', '')}".rstrip(": ")
    if response.status_code == 401:
        text += " (give a bearer token with --opa-token or opa.token_env)"
    return text + (f" ({details})" if details else "")


def describe_failure(exc: BaseException) -> str:
    """A one-line explanation of a failed request: HTTP status, TLS, connection or timeout."""
    import requests

    text = http_error_text(exc)
    if text:
        return text
    if isinstance(exc, requests.exceptions.SSLError):
        return f"TLS handshake or certificate verification failed ({_root(exc)}); set opa.ca_bundle or --opa-ca-bundle"
    if isinstance(exc, requests.exceptions.Timeout):
        return f"no answer within the timeout ({_root(exc)}); raise opa.timeout_seconds"
    if isinstance(exc, requests.exceptions.ConnectionError):
        return f"cannot connect ({_root(exc)})"
    return f"{type(exc).__name__}: {getattr(exc, 'message', None) or exc}"


def _root(exc: BaseException) -> str:
    while exc.__context__ is not None and exc.__cause__ is None and exc.__context__ is not exc:
        exc = exc.__context__
    text = str(exc.args[0] if exc.args else exc)
    return text if len(text) < 300 else text[:300] + "…"
