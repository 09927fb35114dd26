"""The framework floors, measured by the same harness with the same wrk load as the systems.

Each app of bench/floor_apps.py (a FastAPI route with one validated query parameter, a plain
Starlette route, a raw ASGI callable; all answering the same constant ~250-byte JSON body) runs
alone in a child process, served by uvicorn with the options `purchase-emulator serve` uses
(emulator/cli.py: the loop and HTTP parser left at uvicorn's `auto`, which is uvloop and
httptools when installed as with `uvicorn[standard]`; access log off; log level warning), on a
free loopback port. The rows' server CPU per request is what the framework alone costs; what
an emulator operation costs above it is the emulator's own.
"""

from __future__ import annotations

import importlib.util
import sys
from pathlib import Path

from bench import floor_apps, systems
from bench.measure import Context, measure
from bench.report import Report

SYSTEM = "floor"
FLOOR_PATH = f"{floor_apps.PATH}?order_id=5001"


def scenario(app: str) -> str:
    return f"floor: {floor_apps.APPS[app]}"


def uvicorn_stack() -> str:
    """What uvicorn's `auto` resolves to here (uvloop and httptools when they are installed)."""
    loop = "uvloop" if importlib.util.find_spec("uvloop") else "asyncio"
    http = "httptools" if importlib.util.find_spec("httptools") else "h11"
    return f"uvicorn ({http}, {loop}), access log off"


def floor_argv(app: str, port: int) -> list[str]:
    return [sys.executable, "-m", "uvicorn", f"bench.floor_apps:{app}", "--app-dir",
            str(systems.REPO), "--host", "127.0.0.1", "--port", str(port),
            "--log-level", "warning", "--no-access-log", "--timeout-graceful-shutdown", "10"]


def start_floor(workdir: Path, app: str) -> systems.Server:
    port = systems.free_port()
    server = systems.spawn(f"floor-{app.removesuffix('_app')}", floor_argv(app, port), port,
                           FLOOR_PATH, workdir)
    server.name = SYSTEM
    return server


def floors(ctx: Context, report: Report) -> None:
    """One row per floor app: requests/s, latency and server CPU per request."""
    report.machine["floors served by"] = (f"{uvicorn_stack()}, as `purchase-emulator serve` "
                                          "serves (bench/floor_apps.py)")
    for app in floor_apps.APPS:
        server = ctx.track(start_floor(ctx.workdir, app))
        server.wait_ready()
        row, _ = measure(ctx, server, scenario(app), "get", {
            "path": FLOOR_PATH, "body_has": '"status":"COMPLETED"'},
            note=f"constant {len(floor_apps.BODY)}-byte JSON body")
        report.rows.append(row)
        server.stop()
