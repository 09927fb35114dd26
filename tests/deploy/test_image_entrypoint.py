"""The image's entrypoint, run as the image runs it (same command, same EMULATOR_* variables),
outside a container: it starts, answers health, serves state from /data, and stops cleanly on
SIGTERM (exit 0, SQLite WAL checkpointed and closed)."""

from __future__ import annotations

import json
import os
import re
import shutil
import signal
import subprocess
import sys
import time
from pathlib import Path

import httpx

from emulator.serving import free_port

ROOT = Path(__file__).resolve().parents[2]


def _image_env_and_entrypoint() -> tuple[dict[str, str], list[str]]:
    text = (ROOT / "Dockerfile").read_text().replace("\\\n", " ")
    runtime_stage = text.split("AS build", 1)[1]
    env: dict[str, str] = {}
    for line in runtime_stage.splitlines():
        if line.startswith("ENV "):
            env.update(dict(re.findall(r"(\w+)=(\S+)", line)))
    entrypoint = json.loads(re.search(r"^ENTRYPOINT (\[.*\])$", text, re.M).group(1))
    return env, entrypoint


def test_entrypoint_starts_serves_and_stops_gracefully(tmp_path):
    image_env, entrypoint = _image_env_and_entrypoint()
    data = tmp_path / "data"
    data.mkdir()
    port = free_port()
    env = {k: v for k, v in os.environ.items() if not k.startswith("EMULATOR_")}
    for key, value in image_env.items():
        if key.startswith("EMULATOR_"):
            # The image's /data maps onto a temp dir; the port must be free.
            env[key] = value.replace("/data", str(data))
    env["EMULATOR_PORT"] = str(port)
    env["EMULATOR_HOST"] = "127.0.0.1"  # the image binds 0.0.0.0; tests stay on loopback
    exe = shutil.which(entrypoint[0]) or str(Path(sys.executable).parent / entrypoint[0])

    started = time.monotonic()
    proc = subprocess.Popen([exe, *entrypoint[1:]], env=env, cwd=data,
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    try:
        base = f"http://127.0.0.1:{port}"
        while True:  # readiness poll
            try:
                if httpx.get(f"{base}/__admin/health", timeout=1).status_code == 200:
                    break
            except httpx.HTTPError:
                pass
            assert proc.poll() is None, proc.stderr.read()
            assert time.monotonic() - started < 20, "no health within 20 s"
            time.sleep(0.05)
        assert (data / "emulator.db").exists()
    finally:
        proc.send_signal(signal.SIGTERM)
        out, err = proc.communicate(timeout=20)
    assert proc.returncode == 0, err
    assert "purchase-emulator" in out and f"127.0.0.1:{port}" in out  # the start-up banner
    assert not (data / "emulator.db-wal").exists(), "database was not closed cleanly"
