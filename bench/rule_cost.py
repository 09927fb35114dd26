"""Cost of ten non-matching rules (issue #8 target: at most 5 % of throughput).

    .venv/bin/python -m bench.rule_cost

Two measurements, CPU time of this process (time.process_time), best of several rounds so a
busy machine skews them less:
1. a whole request in-process (ASGI, no sockets): GET /health of HL Connect;
2. the scenario engine's `before` hook alone for that request, with no rules, with ten rules
   that pass the vendor and operation index and fail on a header (the costliest way not to
   match), and with ten rules for another vendor (skipped by the index).
The cost is the hook's extra time as a share of a whole request. End-to-end throughput is
also printed, but on a shared 2-core machine its noise (±5 %) exceeds the effect.
"""

from __future__ import annotations

import asyncio
import tempfile
import time
from pathlib import Path

from emulator.app import create_app
from emulator.context import RequestContext
from emulator.http import RequestFacts
from emulator.settings import Settings

LATE_MISS = "{vendor: hlconnect, operation: connector_health, headers: {x-never: '%d'}}"
EARLY_MISS = "{vendor: gmodstore, body: {userId: 'u%d'}}"
SCOPE = {"type": "http", "asgi": {"version": "3.0"}, "http_version": "1.1", "method": "GET",
         "scheme": "http", "path": "/health", "raw_path": b"/health", "query_string": b"",
         "headers": [(b"host", b"bench")], "client": ("127.0.0.1", 1),
         "server": ("127.0.0.1", 80), "root_path": ""}


def build(rule_match: str | None):
    directory = Path(tempfile.mkdtemp())
    names = []
    if rule_match:
        rules = "".join(f"  - match: {rule_match % i}\n    effects: {{status: 500}}\n"
                        for i in range(10))
        (directory / "ten.yaml").write_text(f"name: ten\ndescription: bench\nrules:\n{rules}")
        names = ["ten"]
    settings = Settings(database_url=f"sqlite:///{directory}/bench.db",
                        scenarios_dir=[directory], scenarios=names)
    app = create_app(settings)
    app.state.runtime.start()  # what the lifespan does: the schema and the scenarios
    return app


async def whole_requests(app, n: int) -> float:
    """CPU microseconds per request."""
    async def receive():
        return {"type": "http.request", "body": b"", "more_body": False}

    async def send(message):
        pass

    started = time.process_time()
    for _ in range(n):
        await app(dict(SCOPE), receive, send)
    return (time.process_time() - started) / n * 1e6


async def hook_only(app, n: int) -> float:
    """CPU microseconds per `before` call (request objects built outside the timing)."""
    runtime = app.state.runtime
    clock = runtime.clocks.get("default")
    operation = runtime.operations.match("GET", "/health")
    calls = [(RequestContext("bench", "default", clock, "http://bench", operation),
              RequestFacts("GET", "/health", "", {"host": "bench"}, b"", "127.0.0.1"))
             for _ in range(n)]
    before = runtime.scenarios.before
    started = time.process_time()
    for ctx, facts in calls:
        await before(ctx, facts)
    return (time.process_time() - started) / n * 1e6


def main(rounds: int = 7) -> None:
    apps = {"no rules": build(None), "ten late misses": build(LATE_MISS),
            "ten early misses": build(EARLY_MISS)}
    request = {name: min(asyncio.run(whole_requests(app, 1000)) for _ in range(rounds))
               for name, app in apps.items()}
    hook = {name: min(asyncio.run(hook_only(app, 20000)) for _ in range(rounds))
            for name, app in apps.items()}
    base = request["no rules"]
    print(f"a whole request: {base:.0f} µs of CPU")
    for name in apps:
        extra = hook[name] - hook["no rules"]
        print(f"{name:17s} hook {hook[name]:5.2f} µs  (+{extra:4.2f} µs = {extra / base * 100:4.2f} % "
              f"of a request)   end to end {request[name]:.0f} µs/request")


if __name__ == "__main__":
    main()
