"""`purchase-emulator serve` as a child process, for tests that need a real process: true
concurrency (the client's CPU is not the server's), kill -9, SIGTERM, file-system faults.

Logs go to a file (JSON lines) so a test can read what the server said. The child is stopped
by its own pid, never by name.
"""

from __future__ import annotations

import json
import os
import shutil
import signal
import subprocess
import sys
from dataclasses import dataclass, field
from pathlib import Path

from emulator.serving import free_port, stop_gracefully, wait_healthy

ROOT = Path(__file__).resolve().parents[2]
EXE = shutil.which("purchase-emulator") or str(Path(sys.executable).parent / "purchase-emulator")


@dataclass
class Served:
    proc: subprocess.Popen
    base: str
    log_path: Path
    db_path: Path
    args: list[str] = field(default_factory=list)

    def logs(self) -> list[dict]:
        lines = []
        for line in self.log_path.read_text(errors="replace").splitlines():
            try:
                lines.append(json.loads(line))
            except ValueError:
                lines.append({"message": line})
        return lines

    def log_text(self) -> str:
        return self.log_path.read_text(errors="replace")

    def kill(self, sig: int = signal.SIGKILL, wait: float = 20) -> int:
        if self.proc.poll() is None:
            self.proc.send_signal(sig)
        return self.proc.wait(timeout=wait)


def start(tmp: Path, *extra: str, env: dict[str, str] | None = None, db: Path | None = None,
          name: str = "server", clock_start: str | None = "2026-01-01T00:00:00Z",
          preexec_fn=None) -> Served:
    """Start a server on a free port and wait for health (readiness poll, not a sleep)."""
    db = db or tmp / "emulator.db"
    port = free_port()
    child_env = {k: v for k, v in os.environ.items() if not k.startswith("EMULATOR_")}
    child_env.update({"EMULATOR_LOG_FORMAT": "json", "EMULATOR_SANDBOX_POOL_SIZE": "0"})
    if clock_start:
        child_env["EMULATOR_CLOCK_START"] = clock_start
    child_env.update(env or {})
    log_path = tmp / f"{name}.log"
    args = [EXE, "serve", "--port", str(port), "--host", "127.0.0.1",
            "--database-url", f"sqlite:///{db}", *extra]
    with open(log_path, "ab") as log:
        proc = subprocess.Popen(args, cwd=tmp, env=child_env, stdout=log, stderr=log,
                                preexec_fn=preexec_fn)
    served = Served(proc, f"http://127.0.0.1:{port}", log_path, db, args)
    if wait_healthy(proc, port, timeout=30, interval=0.05):  # readiness poll, not a sleep
        return served
    served.kill()
    raise RuntimeError(f"server did not start:\n{served.log_text()[-3000:]}")


def without_file_override() -> None:
    """preexec_fn: the child, still root, loses CAP_DAC_OVERRIDE and CAP_DAC_READ_SEARCH, so
    file modes apply to it (a 0444 file is read-only to it, as to any non-root user)."""
    import ctypes

    libc = ctypes.CDLL(None, use_errno=True)
    for cap in (1, 2):  # CAP_DAC_OVERRIDE, CAP_DAC_READ_SEARCH, dropped from the bounding set
        if libc.prctl(24, cap, 0, 0, 0) != 0:  # PR_CAPBSET_DROP
            raise OSError(ctypes.get_errno(), "prctl(PR_CAPBSET_DROP) failed")


def stop(served: Served) -> None:
    stop_gracefully(served.proc, timeout=20)
