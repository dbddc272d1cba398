"""What the loopback Kubernetes API servers of the tests share (``kube_api_replay``,
``kube_watch_server``): a handler base answering JSON and apiserver-shaped Status errors, and
an HTTPS server on 127.0.0.1 with a throw-away CA and the kubeconfig that reaches it."""

from __future__ import annotations

import base64
import json
import ssl
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

import trustme


class KubeHandler(BaseHTTPRequestHandler):
    # TCP_NODELAY, as Go's net/http (the apiserver) sets: otherwise the headers and the body, written apart,
    # meet the client's delayed ACK and every response waits ~40 ms (the soak measured the harness)
    disable_nagle_algorithm = True

    def log_message(self, format: str, *args: Any) -> None:  # noqa: A002 - keep test output quiet
        pass

    def _status(self, code: int, reason: str, message: str) -> None:
        self._json(code, {"kind": "Status", "apiVersion": "v1", "metadata": {}, "status": "Failure",
                          "message": message, "reason": reason, "code": code})

    def _json(self, code: int, document: dict[str, Any]) -> None:
        body = json.dumps(document).encode()
        self.send_response(code)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)


class LoopbackApiServer:
    """Serve ``handler`` on https://127.0.0.1:<free port> from a thread until ``close``."""

    def __init__(self, handler: type[BaseHTTPRequestHandler]) -> None:
        self.ca = trustme.CA()
        context = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
        self.ca.issue_cert("127.0.0.1").configure_cert(context)
        self.httpd = ThreadingHTTPServer(("127.0.0.1", 0), handler)
        self.httpd.daemon_threads = True
        # The TLS handshake happens in each request's thread, not in the accepting one (many clients at once).
        self.httpd.socket = context.wrap_socket(self.httpd.socket, server_side=True, do_handshake_on_connect=False)
        self.url = f"https://127.0.0.1:{self.httpd.server_address[1]}"
        threading.Thread(target=self.httpd.serve_forever, daemon=True).start()

    def kubeconfig_document(self, cluster: str, users: dict[str, str], contexts: dict[str, str],
                            current: str) -> dict[str, Any]:
        """A kubeconfig: ``users`` maps a user name to its token, ``contexts`` a context name to its user."""
        ca_data = base64.b64encode(self.ca.cert_pem.bytes()).decode()
        return {"apiVersion": "v1", "kind": "Config", "current-context": current,
                "clusters": [{"name": cluster, "cluster": {"server": self.url, "certificate-authority-data": ca_data}}],
                "users": [{"name": name, "user": {"token": token}} for name, token in users.items()],
                "contexts": [{"name": name, "context": {"cluster": cluster, "user": user}}
                             for name, user in contexts.items()]}

    def close(self) -> None:
        self.httpd.shutdown()
        self.httpd.server_close()
