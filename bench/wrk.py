"""Run wrk with one of bench/lua/*.lua and read back its result line."""

from __future__ import annotations

import json
import signal
import subprocess  # nosec B404 - runs wrk only
import tempfile
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

LUA_DIR = Path(__file__).resolve().parent / "lua"


@dataclass
class Load:
    """The same load for every system: threads, connections, seconds."""

    threads: int = 1
    connections: int = 16
    duration: float = 10.0
    warmup: float = 3.0
    flow_connections: int = 8  # scenario 3: one connection per wrk thread
    system_warmup: float = 5.0  # before a system's first scenario (JIT warm-up)


@dataclass
class WrkResult:
    requests: int
    seconds: float
    rps: float
    p50_ms: float
    p90_ms: float
    p99_ms: float
    max_ms: float
    errors: int  # socket errors + responses the scenario did not expect
    statuses: dict[str, int] = field(default_factory=dict)
    flows: int = 0
    raw: str = ""
    args: dict[str, object] = field(default_factory=dict)  # the script's arguments (its base)

    @property
    def flows_per_s(self) -> float:
        return self.flows / self.seconds if self.seconds else 0.0


def script_text(name: str) -> str:
    return (LUA_DIR / "common.lua").read_text() + "\n" + (LUA_DIR / f"{name}.lua").read_text()


def parse_output(text: str) -> WrkResult:
    line = next((ln for ln in text.splitlines() if ln.startswith("BENCH_JSON ")), None)
    if line is None:
        raise RuntimeError(f"wrk printed no result line:\n{text[-2000:]}")
    data = json.loads(line[len("BENCH_JSON "):])
    seconds = data["duration_us"] / 1e6
    requests = int(data["requests"])
    statuses = {str(k): int(v) for k, v in (data.get("statuses") or {}).items()}
    return WrkResult(
        requests=requests, seconds=seconds, rps=requests / seconds if seconds else 0.0,
        p50_ms=data["p50_us"] / 1000, p90_ms=data["p90_us"] / 1000,
        p99_ms=data["p99_us"] / 1000, max_ms=data["max_us"] / 1000,
        errors=int(data["socket_errors"]) + int(data["unexpected"]), statuses=statuses,
        flows=int(data.get("flows") or 0), raw=text,
    )


def run_wrk(wrk: str, base_url: str, script: str, args: dict[str, object], *, threads: int,
            connections: int, duration: float, timeout_s: int = 10,
            server_cpu: Callable[[], float] | None = None) -> WrkResult:
    """Run wrk for `duration` seconds. With a request budget (args: budget=N per thread) pass
    `server_cpu`: wrk's main thread sleeps for the whole duration even after every thread has
    stopped, so once the server has gone idle wrk gets SIGINT, which makes it report at once."""
    with tempfile.NamedTemporaryFile("w", suffix=".lua", delete=False) as handle:
        handle.write(script_text(script))
        path = handle.name
    try:
        argv = [wrk, f"-t{threads}", f"-c{connections}", f"-d{max(1, round(duration))}s",
                f"--timeout={timeout_s}s", "--latency", "-s", path, base_url, "--",
                *(f"{k}={v}" for k, v in args.items())]
        proc = subprocess.Popen(argv, stdout=subprocess.PIPE,  # nosec B603
                                stderr=subprocess.STDOUT, text=True)
        if server_cpu is not None:
            _interrupt_when_idle(proc, server_cpu, duration)
        try:
            out, _ = proc.communicate(timeout=duration + 120)
        except subprocess.TimeoutExpired:
            proc.kill()
            out, _ = proc.communicate()
    finally:
        Path(path).unlink(missing_ok=True)
    return parse_output(out)


def _interrupt_when_idle(proc: subprocess.Popen, server_cpu: Callable[[], float],
                         duration: float) -> None:
    started = time.monotonic()
    last = server_cpu()
    while proc.poll() is None and time.monotonic() - started < duration:
        time.sleep(1.0)
        now = server_cpu()
        busy, last = now - last, now
        if time.monotonic() - started > 3 and busy < 0.05:  # under 5 % of a core: done
            proc.send_signal(signal.SIGINT)
            return
