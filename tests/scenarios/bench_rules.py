"""Throughput cost of ten non-matching rules (issue #8 target: at most 5 %).

    .venv/bin/python -m tests.scenarios.bench_rules

Drives the ASGI app in-process (no sockets, no client) with GET /health (HL Connect), first
with no scenario active, then with ten rules that pass the vendor and operation checks and
fail on a header (the costliest way not to match), then ten that fail at the vendor check.
Rounds alternate between apps and the best round of each counts, to damp a busy machine.
"""

from __future__ import annotations

import asyncio
import tempfile
import time
from pathlib import Path

from emulator.app import create_app
from emulator.settings import Settings

LATE_MISS = "{vendor: hlconnect, operation: connector_health, headers: {x-never: '%d'}}"
EARLY_MISS = "{vendor: gmodstore, body: {userId: 'u%d'}}"


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
    return create_app(settings)


async def drive(app, n: int) -> float:
    scope = {"type": "http", "asgi": {"version": "3.0"}, "http_version": "1.1", "method": "GET",
             "scheme": "http", "path": "/health", "raw_path": b"/health", "query_string": b"",
             "headers": [(b"host", b"bench")], "client": ("127.0.0.1", 1),
             "server": ("127.0.0.1", 80), "root_path": ""}

    async def receive():
        return {"type": "http.request", "body": b"", "more_body": False}

    async def send(message):
        pass

    started = time.perf_counter()
    for _ in range(n):
        await app(dict(scope), receive, send)
    return n / (time.perf_counter() - started)


def main(rounds: int = 7, n: int = 2000) -> None:
    apps = {"none": build(None), "ten late misses": build(LATE_MISS),
            "ten early misses": build(EARLY_MISS)}
    best = {name: 0.0 for name in apps}
    for _ in range(rounds):
        for name, app in apps.items():
            best[name] = max(best[name], asyncio.run(drive(app, n)))
    base = best["none"]
    for name, rate in best.items():
        print(f"{name:18s} {rate:7.0f} req/s  cost {(1 - rate / base) * 100:5.1f} %")


if __name__ == "__main__":
    main()
