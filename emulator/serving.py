"""Run an emulator where clients reach it: a free port, a readiness poll, a graceful stop.

One copy for the pytest plugin (which ships with the package), the test suite and the
benchmarks. The poll speaks plain HTTP over a socket rather than through a client library, so
a benchmark timing a cold start measures the server, not the poller.
"""

from __future__ import annotations

import signal
import socket
import subprocess  # nosec B404 - stops processes the caller started
import time
from collections.abc import Callable
from pathlib import Path
from urllib.parse import urlsplit

HEALTH = "/__admin/health"


def free_port() -> int:
    """A TCP port on the loopback interface that nothing listens on right now."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def http_status(url: str, timeout: float = 1.0) -> int | None:
    """Status of a plain GET of an http:// URL, or None when nothing answers."""
    parts = urlsplit(url)
    host, port = parts.hostname or "127.0.0.1", parts.port or 80
    target = (parts.path or "/") + (f"?{parts.query}" if parts.query else "")
    try:
        with socket.create_connection((host, port), timeout=timeout) as sock:
            sock.sendall(f"GET {target} HTTP/1.1\r\nHost: {parts.netloc}\r\n"
                         "Connection: close\r\n\r\n".encode())
            head = sock.recv(64)
    except OSError:
        return None
    try:
        return int(head.split(b" ", 2)[1])
    except (IndexError, ValueError):
        return None


def wait_ready(base_url: str, *, alive: Callable[[], bool] = lambda: True,
               timeout: float = 60.0, interval: float = 0.005, path: str = HEALTH) -> bool:
    """Poll `path` (the health endpoint) until it answers 200 (True); False once `alive()`
    says the server is gone or `timeout` seconds pass. A readiness poll, not a wait for
    behaviour."""
    url = base_url.rstrip("/") + path
    deadline = time.perf_counter() + timeout
    while time.perf_counter() < deadline:
        if not alive():
            return False
        if _status(url) == 200:
            return True
        time.sleep(interval)
    return False


def _status(url: str) -> int | None:
    if url.startswith("http://"):
        return http_status(url, timeout=0.5)
    import httpx  # https: let a real client do TLS

    try:
        return httpx.get(url, timeout=1).status_code
    except httpx.HTTPError:
        return None


def wait_healthy(proc: subprocess.Popen, port: int, *, timeout: float = 60.0,
                 interval: float = 0.005, path: str = HEALTH) -> bool:
    """`wait_ready` for a child process serving on a loopback port."""
    return wait_ready(f"http://127.0.0.1:{port}", alive=lambda: proc.poll() is None,
                      timeout=timeout, interval=interval, path=path)


def children(pid: int) -> list[int]:
    """The processes whose parent is `pid` (Linux: read from /proc)."""
    kids = []
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            stat = (entry / "stat").read_text()
        except OSError:
            continue
        # field 4 is the parent pid; the command name (field 2) may contain spaces
        if int(stat.rsplit(")", 1)[1].split()[1]) == pid:
            kids.append(int(entry.name))
    return kids


def worker_pids(pid: int) -> list[int]:
    """The worker processes of a uvicorn supervisor (`serve --workers N`): its children started
    by multiprocessing's spawn (not its resource tracker). Empty for a single process."""
    found = []
    for child in children(pid):
        try:
            cmdline = Path(f"/proc/{child}/cmdline").read_bytes()
        except OSError:
            continue
        if b"multiprocessing.spawn" in cmdline:
            found.append(child)
    return sorted(found)


def stop_gracefully(proc: subprocess.Popen, timeout: float = 30.0) -> None:
    """SIGTERM (the emulator finishes requests in flight and exits 0), SIGKILL if it hangs."""
    if proc.poll() is not None:
        return
    proc.send_signal(signal.SIGTERM)
    try:
        proc.wait(timeout=timeout)
    except subprocess.TimeoutExpired:
        proc.kill()
        proc.wait()
