"""Run the emulator (with the Acme test vendor) in a child process, for timing tests.

A server thread in the test process shares the GIL with the client, so under load the
client's CPU shows up in the server's timings; a child process keeps the two apart.
Usage: `with server_process(settings) as base: ...` — the child is stopped by its pid.
"""

from __future__ import annotations

import subprocess
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from emulator.serving import free_port, stop_gracefully, wait_healthy

ROOT = Path(__file__).resolve().parents[2]
CHILD = """
import sys, uvicorn
from emulator import app as app_module
from tests.scenario_engine.conftest import AcmeSettings
settings = AcmeSettings.model_validate_json(sys.argv[1])
uvicorn.run(app_module.create_app(settings), host="127.0.0.1", port=settings.port,
            log_level="warning", access_log=False)
"""


@contextmanager
def server_process(settings) -> Iterator[str]:
    port = free_port()
    payload = settings.model_copy(update={"port": port}).model_dump_json()
    child = subprocess.Popen([sys.executable, "-c", CHILD, payload], cwd=ROOT,
                             stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    base = f"http://127.0.0.1:{port}"
    try:
        if not wait_healthy(child, port, timeout=30, interval=0.05):
            raise RuntimeError(f"server did not start: {child.stderr.read().decode()[-2000:]}")
        yield base
    finally:
        stop_gracefully(child, timeout=10)
