"""A short description of the machine a run happened on (for the results section)."""

from __future__ import annotations

import os
import platform
import subprocess  # nosec B404 - reads tool versions only
import sys
import time
from pathlib import Path


def _cpu_model() -> str:
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                return line.split(":", 1)[1].strip()
    except OSError:
        pass
    return platform.processor() or "unknown"


def _memory_gb() -> float:
    try:
        for line in Path("/proc/meminfo").read_text().splitlines():
            if line.startswith("MemTotal:"):
                return round(int(line.split()[1]) / 1024 / 1024, 1)
    except OSError:
        pass
    return 0.0


def _version(argv: list[str]) -> str:
    try:
        done = subprocess.run(argv, capture_output=True, text=True, timeout=20,  # nosec B603
                              check=False)
    except (OSError, subprocess.TimeoutExpired):
        return "?"
    text = (done.stdout or done.stderr).strip().splitlines()
    return text[0].strip() if text else "?"


def load_average() -> tuple[float, float, float]:
    try:
        return os.getloadavg()
    except OSError:
        return (0.0, 0.0, 0.0)


def describe(wrk: str | None = None, java: str | None = None) -> dict[str, str]:
    info = {
        "date": time.strftime("%Y-%m-%d %H:%M UTC", time.gmtime()),
        "cpu": _cpu_model(),
        "cores": str(os.cpu_count() or "?"),
        "memory": f"{_memory_gb()} GB",
        "os": f"{platform.system()} {platform.release()}",
        "python": sys.version.split()[0],
        "load average at start": " ".join(f"{v:.2f}" for v in load_average()),
    }
    if wrk:
        info["wrk"] = _version([wrk, "-v"]).split(" [")[0]
    if java:
        info["java"] = _version([java, "-version"])
    info["node"] = _version(["node", "--version"])
    return info
