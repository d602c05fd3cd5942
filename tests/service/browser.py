"""A headless Chromium driven through the Chrome DevTools Protocol, with the standard library only.

Chromium is started with --remote-debugging-pipe: it reads CDP commands from file descriptor 3 and
writes replies and events to descriptor 4, each message JSON terminated by a NUL byte. That needs
no websocket client, no Playwright browser download and no open debugging port.
"""

from __future__ import annotations

import base64
import contextlib
import fcntl
import json
import os
import shutil
import subprocess
import tempfile
import threading
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

CHROMIUM = "chromium"
# The flags the machine notes give for this closed network: without the background-networking
# ones Chromium tries to reach Google's services at start-up.
FLAGS = (
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--disable-default-apps",
    "--disable-extensions",
    "--window-size=1400,1000",
    "--remote-debugging-pipe",
)


class BrowserError(RuntimeError):
    """A CDP command failed or the browser did not do what was waited for in time."""


def chromium_path() -> str | None:
    return shutil.which(CHROMIUM)


@dataclass
class PageLog:
    """What the page did: every request URL it sent, console messages and JavaScript exceptions."""

    requests: list[tuple[str, str]] = field(default_factory=list)  # (method, URL)
    console: list[str] = field(default_factory=list)
    exceptions: list[str] = field(default_factory=list)


class Browser:
    """One Chromium process with one page; use as a context manager."""

    def __init__(self, timeout: float = 20.0) -> None:
        self.timeout = timeout
        self.log = PageLog()
        self._profile = tempfile.TemporaryDirectory(prefix="cybertreaty-chromium-")
        self._next_id = 0
        self._replies: dict[int, dict[str, Any]] = {}
        self._events: list[dict[str, Any]] = []
        self._cond = threading.Condition()
        self._session: str | None = None
        self._process, self._to_browser, from_browser = self._start()
        self._reader = threading.Thread(target=self._read, args=(from_browser,), daemon=True)
        self._reader.start()

    def _start(self) -> tuple[subprocess.Popen[bytes], int, int]:
        executable = chromium_path()
        if executable is None:
            raise BrowserError("chromium is not installed")
        # Two pipes whose child ends must become Chromium's descriptors 3 and 4. They are first moved
        # to 10 and up, so bash's redirections below cannot overwrite one with the other (bash, not
        # sh: dash accepts only one-digit descriptors in a redirection).
        cmd_read, cmd_write = os.pipe()
        out_read, out_write = os.pipe()
        child_in = fcntl.fcntl(cmd_read, fcntl.F_DUPFD_CLOEXEC, 10)
        child_out = fcntl.fcntl(out_write, fcntl.F_DUPFD_CLOEXEC, 10)
        os.close(cmd_read)
        os.close(out_write)
        script = f'exec 3<&{child_in} 4>&{child_out} {child_in}<&- {child_out}>&-; exec "$@"'
        args = ["bash", "-c", script, "bash", executable, *FLAGS, f"--user-data-dir={self._profile.name}"]
        process = subprocess.Popen(
            [*args, "about:blank"],
            stdin=subprocess.DEVNULL,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
            pass_fds=(child_in, child_out),
        )
        os.close(child_in)
        os.close(child_out)
        return process, cmd_write, out_read

    def _read(self, fd: int) -> None:
        buffer = b""
        while chunk := os.read(fd, 65536):
            buffer += chunk
            *messages, buffer = buffer.split(b"\0")
            for raw in messages:
                self._dispatch(json.loads(raw))
        os.close(fd)

    def _dispatch(self, message: dict[str, Any]) -> None:
        with self._cond:
            if "id" in message:
                self._replies[message["id"]] = message
            else:
                self._events.append(message)
                self._record(message)
            self._cond.notify_all()

    def _record(self, event: dict[str, Any]) -> None:
        method, params = event.get("method"), event.get("params", {})
        if method == "Network.requestWillBeSent":
            self.log.requests.append((params["request"]["method"], params["request"]["url"]))
        elif method == "Runtime.consoleAPICalled":
            text = " ".join(str(a.get("value", a.get("description", ""))) for a in params.get("args", []))
            self.log.console.append(f"{params.get('type')}: {text}")
        elif method == "Log.entryAdded":
            entry = params["entry"]
            self.log.console.append(
                f"{entry.get('level')}: {entry.get('text')} {entry.get('url', '')}".strip()
            )
        elif method == "Runtime.exceptionThrown":
            details = params["exceptionDetails"]
            self.log.exceptions.append(
                details.get("exception", {}).get("description", details.get("text", ""))
            )

    def send(
        self, method: str, params: dict[str, Any] | None = None, *, session: bool = True
    ) -> dict[str, Any]:
        """Send one CDP command (to the page's session unless session=False) and return its result."""
        with self._cond:
            self._next_id += 1
            message_id = self._next_id
        message: dict[str, Any] = {"id": message_id, "method": method, "params": params or {}}
        if session and self._session is not None:
            message["sessionId"] = self._session
        os.write(self._to_browser, json.dumps(message).encode() + b"\0")
        with self._cond:
            if not self._cond.wait_for(lambda: message_id in self._replies, timeout=self.timeout):
                raise BrowserError(f"no reply to {method} within {self.timeout} s")
            reply = self._replies.pop(message_id)
        if "error" in reply:
            raise BrowserError(f"{method} failed: {reply['error']}")
        result: dict[str, Any] = reply.get("result", {})
        return result

    def __enter__(self) -> Browser:
        try:
            targets = self.send("Target.getTargets", session=False)["targetInfos"]
            page = next(t for t in targets if t["type"] == "page")
            attach = {"targetId": page["targetId"], "flatten": True}
            self._session = self.send("Target.attachToTarget", attach, session=False)["sessionId"]
            for domain in ("Page", "Network", "Runtime", "Log"):
                self.send(f"{domain}.enable")
        except BaseException:
            self.close()  # __exit__ is not called when __enter__ fails: do not leave Chromium running
            raise
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def close(self) -> None:
        with contextlib.suppress(BrowserError, OSError):  # it may have exited already
            self.send("Browser.close", session=False)
        try:
            self._process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            self._process.kill()
            self._process.wait()
        os.close(self._to_browser)
        self._profile.cleanup()

    def navigate(self, url: str) -> None:
        """Open url and wait for its load event."""
        with self._cond:
            seen = len(self._events)
        self.send("Page.navigate", {"url": url})
        self._wait_event("Page.loadEventFired", seen)

    def _wait_event(self, method: str, after: int) -> None:
        def fired() -> bool:
            return any(e.get("method") == method for e in self._events[after:])

        with self._cond:
            if not self._cond.wait_for(fired, timeout=self.timeout):
                raise BrowserError(f"{method} did not happen within {self.timeout} s")

    def evaluate(self, expression: str) -> Any:
        """The value of a JavaScript expression in the page (promises are awaited)."""
        result = self.send(
            "Runtime.evaluate", {"expression": expression, "returnByValue": True, "awaitPromise": True}
        )
        if "exceptionDetails" in result:
            raise BrowserError(f"{expression!r} threw: {result['exceptionDetails']}")
        return result["result"].get("value")

    def wait_for(self, expression: str, what: str) -> Any:
        """Poll a JavaScript expression until it is truthy; return its value."""
        deadline = time.monotonic() + self.timeout
        while time.monotonic() < deadline:
            value = self.evaluate(expression)
            if value:
                return value
            time.sleep(0.1)
        raise BrowserError(f"timed out waiting for {what} ({expression})")

    def click(self, selector: str) -> None:
        """A real mouse click at the centre of the element (scrolled into view first)."""
        box = self.evaluate(
            f"(() => {{ const e = document.querySelector({json.dumps(selector)}); if (!e) return null;"
            " e.scrollIntoView({block: 'center'}); const r = e.getBoundingClientRect();"
            " return {x: r.x + r.width / 2, y: r.y + r.height / 2}; })()"
        )
        if box is None:
            raise BrowserError(f"no element matches {selector!r}")
        for kind in ("mousePressed", "mouseReleased"):
            self.send(
                "Input.dispatchMouseEvent",
                {"type": kind, "x": box["x"], "y": box["y"], "button": "left", "clickCount": 1},
            )

    def screenshot(self, path: Path) -> None:
        data = self.send("Page.captureScreenshot", {"format": "png", "captureBeyondViewport": False})["data"]
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(base64.b64decode(data))
