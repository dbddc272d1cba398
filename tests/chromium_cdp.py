"""Drive Debian's headless Chromium for the HTML report tests: the DevTools protocol over a websocket
(``websockets``) records every network request and console message while a page loads; the command
line's ``--screenshot`` and ``--print-to-pdf`` produce the image and the PDF.

Chromium starts with the background services off (this machine's network is closed) and a fresh
profile directory each time.
"""

from __future__ import annotations

import contextlib
import json
import shutil
import subprocess
import tempfile
import time
from pathlib import Path
from typing import Any

FLAGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
         "--disable-component-update", "--disable-sync", "--no-first-run", "--hide-scrollbars"]


def binary() -> str | None:
    return shutil.which("chromium") or shutil.which("chromium-browser")


def render_files(page: Path, screenshot: Path, pdf: Path, size: str = "1200,2400") -> None:
    """``--screenshot`` and ``--print-to-pdf`` of ``page`` (each in its own fresh profile)."""
    for flag in (f"--screenshot={screenshot}", f"--print-to-pdf={pdf}"):
        with tempfile.TemporaryDirectory(ignore_cleanup_errors=True) as profile:
            extra = [f"--window-size={size}"] if "screenshot" in flag else ["--no-pdf-header-footer"]
            done = subprocess.run([binary() or "chromium", *FLAGS, f"--user-data-dir={profile}", *extra, flag,
                                   page.resolve().as_uri()], capture_output=True, text=True, timeout=120)
            if done.returncode != 0:
                raise RuntimeError(f"chromium {flag}: exit {done.returncode}: {done.stderr[-2000:]}")


class Browser:
    """One headless Chromium with the DevTools protocol on a loopback port it picks itself."""

    def __init__(self) -> None:
        self.profile = tempfile.TemporaryDirectory(ignore_cleanup_errors=True)
        self.process = subprocess.Popen([binary() or "chromium", *FLAGS, f"--user-data-dir={self.profile.name}",
                                         "--remote-debugging-port=0", "about:blank"],
                                        stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        self.socket: Any = None
        self.stack = contextlib.ExitStack()
        self.counter = 0
        self.events: list[dict[str, Any]] = []

    def __enter__(self) -> Browser:
        from websockets.sync.client import connect

        port_file = Path(self.profile.name) / "DevToolsActivePort"
        deadline = time.monotonic() + 60
        while not port_file.exists() or len(port_file.read_text().splitlines()) < 2:
            if time.monotonic() > deadline or self.process.poll() is not None:
                raise RuntimeError("chromium did not open its DevTools port")
            time.sleep(0.1)
        port, path = port_file.read_text().splitlines()[:2]
        self.socket = self.stack.enter_context(connect(f"ws://127.0.0.1:{port}{path}", max_size=None, open_timeout=30))
        return self

    def __exit__(self, *exc: Any) -> None:
        self.stack.close()
        self.process.terminate()
        try:
            self.process.wait(timeout=20)
        except subprocess.TimeoutExpired:
            self.process.kill()
        self.profile.cleanup()

    def call(self, method: str, session: str | None = None, **params: Any) -> dict[str, Any]:
        self.counter += 1
        message = {"id": self.counter, "method": method, "params": params, **({"sessionId": session} if session else {})}
        self.socket.send(json.dumps(message))
        while True:
            reply = json.loads(self.socket.recv(timeout=60))
            if reply.get("id") == self.counter:
                if "error" in reply:
                    raise RuntimeError(f"{method}: {reply['error']}")
                return reply.get("result", {})
            self.events.append(reply)

    def wait_for(self, method: str, timeout: float = 60) -> dict[str, Any]:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            reply = json.loads(self.socket.recv(timeout=max(0.1, deadline - time.monotonic())))
            self.events.append(reply)
            if reply.get("method") == method:
                return reply
        raise TimeoutError(method)

    def load(self, url: str) -> str:
        """Open ``url`` in a new tab with network, console and log events on; returns the session id."""
        target = self.call("Target.createTarget", url="about:blank")["targetId"]
        session = self.call("Target.attachToTarget", targetId=target, flatten=True)["sessionId"]
        for domain in ("Network.enable", "Runtime.enable", "Log.enable", "Page.enable"):
            self.call(domain, session)
        self.events.clear()
        self.call("Page.navigate", session, url=url)
        self.wait_for("Page.loadEventFired")
        time.sleep(0.5)  # late console messages
        self.call("Runtime.evaluate", session, expression="1")  # drains pending events
        return session

    def evaluate(self, session: str, expression: str) -> Any:
        return self.call("Runtime.evaluate", session, expression=expression, returnByValue=True)["result"].get("value")

    def requests(self) -> list[str]:
        return [e["params"]["request"]["url"] for e in self.events if e.get("method") == "Network.requestWillBeSent"]

    def console_errors(self) -> list[str]:
        found = []
        for event in self.events:
            params = event.get("params", {})
            if event.get("method") == "Runtime.exceptionThrown":
                found.append(str(params.get("exceptionDetails", {}).get("text")))
            elif event.get("method") == "Runtime.consoleAPICalled" and params.get("type") in ("error", "assert"):
                found.append(json.dumps(params.get("args")))
            elif event.get("method") == "Log.entryAdded" and params.get("entry", {}).get("level") == "error":
                found.append(str(params["entry"].get("text")))
        return found

    def screenshot(self, session: str, selector: str, path: Path, width: int = 1000, height: int = 640) -> None:
        """A PNG of the top ``height`` pixels of the element ``selector`` (for docs/images)."""
        import base64

        self.call("Emulation.setDeviceMetricsOverride", session, width=width, height=height, deviceScaleFactor=1,
                  mobile=False)
        box = self.evaluate(session, f"(() => {{ const r = document.querySelector({json.dumps(selector)})"
                                     ".getBoundingClientRect(); return [r.left + scrollX, r.top + scrollY, r.width]; })()")
        clip = {"x": max(0, box[0] - 8), "y": max(0, box[1] - 8), "width": min(width, box[2] + 16),
                "height": height, "scale": 1}
        data = self.call("Page.captureScreenshot", session, format="png", clip=clip, captureBeyondViewport=True)["data"]
        path.write_bytes(base64.b64decode(data))
