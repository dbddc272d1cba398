"""A small JSON-over-HTTPS client for the GitHub and GitLab REST APIs (stdlib urllib).

* follows ``Link: <...>; rel="next"`` pagination and HTTP redirects only to the same origin
  (scheme, host and port of the configured API URL): the token never leaves that host, and a
  redirect elsewhere is an error; refuses to truncate silently;
* waits on rate limiting (``Retry-After`` or ``X-RateLimit-Reset``), in total at most
  ``max_wait`` seconds, then fails with the reset time;
* turns 401/403/404 and transport errors into InputErrors that say what to fix; the
  server's own error text is quoted only from a JSON ``message``, shortened, stripped of
  control characters and of every header value soc2gate sent (a server that reflects
  headers cannot make soc2gate print the token).
"""

from __future__ import annotations

import json
import re
import time
import urllib.error
import urllib.parse
import urllib.request
from dataclasses import dataclass, field
from datetime import datetime, timezone
from email.message import Message
from typing import Any, Callable

from soc2gate import __version__
from soc2gate.errors import InputError

_LINK = re.compile(r'<([^>]+)>\s*;\s*rel="?([^";]+)"?')
RATE_LIMIT_STATUSES = (403, 429)
MAX_ERROR_BODY = 64 * 1024


def next_link(header: str | None) -> str | None:
    """The ``rel="next"`` URL of a Link header, if any."""
    for url, rel in _LINK.findall(header or ""):
        if "next" in rel.split():
            return url
    return None


@dataclass
class ApiClient:
    service: str
    base_url: str
    headers: dict[str, str] = field(default_factory=dict)
    hint: str = ""
    timeout: float = 20.0
    max_wait: float = 60.0
    max_pages: int = 50
    sleep: Callable[[float], None] = time.sleep
    clock: Callable[[], float] = time.time
    calls: list[str] = field(default_factory=list)

    def url(self, path: str, params: dict[str, Any] | None = None) -> str:
        query = f"?{urllib.parse.urlencode(params)}" if params else ""
        return f"{self.base_url.rstrip('/')}/{path.lstrip('/')}{query}"

    def get(self, path: str, params: dict[str, Any] | None = None) -> Any:
        return self._request(self.url(path, params))[0]

    def get_all(self, path: str, params: dict[str, Any] | None = None, key: str | None = None) -> list[Any]:
        """Every item of a paginated list (``key``: the list inside an object response)."""
        url: str | None = self.url(path, {"per_page": 100, **(params or {})})
        items: list[Any] = []
        for _ in range(self.max_pages):
            if url is None:
                return items
            body, headers = self._request(url)
            page = body.get(key) if key and isinstance(body, dict) else body
            if not isinstance(page, list):
                raise InputError(f"{self.service}: unexpected response from {_redact(url)}: expected a list"
                                 + (f" under `{key}`" if key else ""))
            items.extend(page)
            url = self._same_origin(next_link(headers.get("Link")))
        if url is not None:
            raise InputError(f"{self.service}: {path} has more than {self.max_pages} pages; refusing to "
                             "evaluate an incomplete list")
        return items

    def _same_origin(self, url: str | None, what: str = "pagination link") -> str | None:
        if url is None:
            return None
        if _origin(url) != _origin(self.base_url):
            raise InputError(f"{self.service}: {what} points to another host "
                             f"({urllib.parse.urlsplit(url).netloc or url[:80]}); not sending the token there")
        return url

    def _open(self, request: urllib.request.Request) -> Any:
        client = self

        class SameOriginRedirects(urllib.request.HTTPRedirectHandler):
            def redirect_request(self, req, fp, code, msg, headers, newurl):  # type: ignore[no-untyped-def]
                client._same_origin(urllib.parse.urljoin(req.full_url, newurl), f"HTTP {code} redirect")
                return super().redirect_request(req, fp, code, msg, headers, newurl)

        opener = urllib.request.build_opener(SameOriginRedirects)
        return opener.open(request, timeout=self.timeout)

    def _request(self, url: str) -> tuple[Any, Message]:
        waited = 0.0
        while True:
            self.calls.append(url)
            try:
                request = urllib.request.Request(url, headers={"User-Agent": f"soc2gate/{__version__}", **self.headers})
                with self._open(request) as response:
                    return _json(response.read(), url, self.service), response.headers
            except urllib.error.HTTPError as exc:
                wait = self._rate_limit_wait(exc)
                if wait is None:
                    raise self._http_error(exc, url) from None
                if waited + wait > self.max_wait:
                    raise InputError(self._rate_limit_message(exc, url, wait)) from None
                exc.close()
                self.sleep(wait)
                waited += wait
            except (urllib.error.URLError, TimeoutError, OSError) as exc:
                reason = getattr(exc, "reason", exc)
                raise InputError(f"{self.service}: cannot reach {_redact(url)}: {reason}") from None

    def _rate_limit_wait(self, exc: urllib.error.HTTPError) -> float | None:
        if exc.code not in RATE_LIMIT_STATUSES:
            return None
        retry_after = exc.headers.get("Retry-After")
        if retry_after is not None and retry_after.strip().isdigit():
            return max(float(retry_after.strip()), 1.0)
        if exc.headers.get("X-RateLimit-Remaining") == "0" or exc.code == 429:
            reset = exc.headers.get("X-RateLimit-Reset") or exc.headers.get("RateLimit-Reset")
            if reset and reset.strip().isdigit():
                return max(float(reset) - self.clock(), 0.0) + 1.0
            return 60.0
        return None

    def _rate_limit_message(self, exc: urllib.error.HTTPError, url: str, wait: float) -> str:
        reset = exc.headers.get("X-RateLimit-Reset") or exc.headers.get("RateLimit-Reset")
        when = ""
        if reset and reset.strip().isdigit():
            when = f"; the limit resets at {datetime.fromtimestamp(int(reset), timezone.utc).isoformat()}"
        return (f"{self.service}: rate limited (HTTP {exc.code}) on {_redact(url)}: the server asks to wait "
                f"{wait:.0f} s, more than the {self.max_wait:.0f} s soc2gate waits{when}")

    def _http_error(self, exc: urllib.error.HTTPError, url: str) -> InputError:
        detail = _error_detail(exc, tuple(self.headers.values()))
        advice = {
            401: f"the token is missing, expired or invalid{self.hint}",
            403: f"the token lacks permission for this resource{self.hint}",
            404: "not found: check the repository/project and number, the API URL, and that the token can see it",
        }.get(exc.code, "unexpected response")
        return InputError(f"{self.service}: HTTP {exc.code} for GET {_redact(url)}: {advice}{detail}")


def _json(raw: bytes, url: str, service: str) -> Any:
    try:
        return json.loads(raw.decode("utf-8"))
    except (ValueError, RecursionError) as exc:  # not UTF-8, not JSON, a 5,000-digit number, nested too deeply
        raise InputError(f"{service}: {_redact(url)} did not return JSON: {str(exc).split(';')[0][:200]}") from None


def _error_detail(exc: urllib.error.HTTPError, secrets: tuple[str, ...] = ()) -> str:
    """The server's JSON ``message``, at most 200 printable characters, without anything soc2gate sent."""
    try:
        body = json.loads(exc.read(MAX_ERROR_BODY).decode("utf-8", "replace"))
    except (ValueError, OSError, RecursionError):
        return ""
    message = body.get("message") if isinstance(body, dict) else None
    if not isinstance(message, str) or not message:
        return ""
    return f" (server says: {scrub(message, secrets)})"


def scrub(text: str, secrets: tuple[str, ...], limit: int = 200) -> str:
    """``text`` without control characters or any of ``secrets`` (or their parts), shortened to ``limit``."""
    text = "".join(ch if ch.isprintable() else " " for ch in text)
    for secret in secrets:
        for part in sorted({secret, *secret.split()}, key=len, reverse=True):
            if len(part) >= 8:
                text = text.replace(part, "[redacted]")
    return text if len(text) <= limit else text[:limit] + "…"


def _origin(url: str) -> tuple[str, str]:
    parts = urllib.parse.urlsplit(url)
    try:
        port = parts.port or {"https": 443, "http": 80}.get(parts.scheme.lower())
    except ValueError:
        return parts.scheme.lower(), parts.netloc  # a malformed port: compared verbatim
    return parts.scheme.lower(), f"{(parts.hostname or '').lower()}:{port}"


def _redact(url: str) -> str:
    parts = urllib.parse.urlsplit(url)
    return urllib.parse.urlunsplit((parts.scheme, parts.netloc, parts.path, "", ""))


def distinct_values(items: list[Any], keys: tuple[str, ...]) -> list[str]:
    """The distinct non-empty values of ``keys`` over listed API objects, in order (a changed
    file's new and old paths: GitHub ``filename``/``previous_filename``, GitLab ``new_path``/``old_path``)."""
    values: list[str] = []
    for item in items:
        for key in keys:
            value = item.get(key) if isinstance(item, dict) else None
            if value and str(value) not in values:
                values.append(str(value))
    return values
