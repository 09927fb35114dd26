"""A real uvicorn server on a free loopback port, for clients that need a socket.

Used by generated SDKs, browser tests and concurrency tests. The server runs in a thread of
the test process and is stopped (should_exit) when the context ends.
"""

from __future__ import annotations

import threading
from collections.abc import Iterator
from contextlib import contextmanager

import uvicorn

from emulator.app import create_app
from emulator.serving import free_port, wait_ready
from emulator.settings import CoreSettings


@contextmanager
def live_server(settings: CoreSettings) -> Iterator[str]:
    port = free_port()
    settings = settings.model_copy(update={"host": "127.0.0.1", "port": port})
    app = create_app(settings)
    config = uvicorn.Config(app, host="127.0.0.1", port=port, log_level="warning",
                            access_log=False, lifespan="on")
    server = uvicorn.Server(config)
    thread = threading.Thread(target=server.run, name=f"emulator-{port}", daemon=True)
    thread.start()
    base = f"http://127.0.0.1:{port}"
    if not wait_ready(base, alive=thread.is_alive, timeout=15, interval=0.02):
        server.should_exit = True
        raise RuntimeError("emulator did not become ready")
    try:
        yield base
    finally:
        server.should_exit = True
        thread.join(timeout=10)
