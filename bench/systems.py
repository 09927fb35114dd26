"""Start, probe and stop the systems under test: the emulator, Prism and WireMock.

Each runs as a child process on a free loopback port, with its output in the run's temporary
directory. RSS and CPU time are read from /proc and summed over the process tree (launchers
may fork; `serve --workers N` is uvicorn's supervisor with N worker processes as its children).
"""

from __future__ import annotations

import os
import signal
import subprocess  # nosec B404 - runs local servers only
import sys
import time
from dataclasses import dataclass, field
from pathlib import Path

from emulator.serving import children, free_port, stop_gracefully, wait_healthy, worker_pids

__all__ = ["free_port", "stop_gracefully", "wait_healthy", "worker_pids"]  # bench modules import them here
REPO = Path(__file__).resolve().parent.parent
VENV_BIN = Path(sys.executable).parent


def tree_rss_mb(pid: int) -> float:
    total, todo = 0, [pid]
    while todo:
        current = todo.pop()
        try:
            for line in Path(f"/proc/{current}/status").read_text().splitlines():
                if line.startswith("VmRSS:"):
                    total += int(line.split()[1])
        except OSError:
            continue
        todo.extend(children(current))
    return round(total / 1024, 1)


def tree_cpu_seconds(pid: int) -> float:
    """User + system CPU time of a process and all its descendants (every thread of each:
    /proc/PID/stat counts the whole process), in seconds. A worker that exited and was
    replaced meanwhile takes its CPU time with it."""
    total, todo = 0.0, [pid]
    while todo:
        current = todo.pop()
        cpu = _proc_cpu_seconds(current)
        if cpu is None:
            continue
        total += cpu
        todo.extend(children(current))
    return total


def _proc_cpu_seconds(pid: int) -> float | None:
    try:
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    except OSError:
        return None
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")  # utime, stime


def _rss_mb(pid: int) -> float | None:
    try:
        for line in Path(f"/proc/{pid}/status").read_text().splitlines():
            if line.startswith("VmRSS:"):
                return round(int(line.split()[1]) / 1024, 1)
    except OSError:
        return None
    return None


def worker_rss_mb(pid: int) -> list[float]:
    """RSS of each worker process (see worker_pids), in MB."""
    return [mb for mb in map(_rss_mb, worker_pids(pid)) if mb is not None]


def worker_cpu_seconds(pid: int) -> dict[int, float]:
    """CPU seconds of each worker process (see worker_pids)."""
    return {w: cpu for w in worker_pids(pid) if (cpu := _proc_cpu_seconds(w)) is not None}


@dataclass
class Server:
    name: str
    port: int
    proc: subprocess.Popen
    ready_path: str
    log: Path
    started: float = field(default_factory=time.perf_counter)
    ready_after: float | None = None
    answered: int = 0  # requests the harness saw answered (wrk runs and paced runs)
    workers: int = 1  # `serve --workers N`: N worker processes under uvicorn's supervisor

    @property
    def base(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def wait_ready(self, timeout: float = 60.0, interval: float = 0.005) -> float:
        """Seconds from launch to the first 200 on the readiness path."""
        left = self.started + timeout - time.perf_counter()
        if wait_healthy(self.proc, self.port, timeout=left, interval=interval,
                        path=self.ready_path):
            self.ready_after = time.perf_counter() - self.started
            return self.ready_after
        if self.proc.poll() is not None:
            raise RuntimeError(f"{self.name} exited with {self.proc.returncode}; "
                               f"see {self.log}")
        self.stop()
        raise RuntimeError(f"{self.name} not ready after {timeout:.0f}s; see {self.log}")

    def rss_mb(self) -> float:
        return tree_rss_mb(self.proc.pid)

    def row_rss_mb(self) -> float | None:
        """What a results row shows: the process tree's RSS, or with several workers the
        largest worker's (the RSS target is per worker)."""
        if self.workers > 1:
            per_worker = worker_rss_mb(self.proc.pid)
            return max(per_worker) if per_worker else None
        return self.rss_mb()

    def cpu_seconds(self) -> float:
        return tree_cpu_seconds(self.proc.pid)

    def stop(self) -> None:
        if self.proc.poll() is not None:
            return
        try:
            os.killpg(self.proc.pid, signal.SIGTERM)  # own process group: launcher + children
        except ProcessLookupError:
            return
        try:
            self.proc.wait(timeout=15)
        except subprocess.TimeoutExpired:
            os.killpg(self.proc.pid, signal.SIGKILL)
            self.proc.wait(timeout=5)


def spawn(name: str, argv: list[str], port: int, ready_path: str, workdir: Path,
          env: dict[str, str] | None = None, cwd: Path | None = None) -> Server:
    log = workdir / f"{name}.log"
    handle = log.open("ab")
    started = time.perf_counter()
    proc = subprocess.Popen(  # nosec B603 - fixed argv of local tools
        argv, stdout=handle, stderr=subprocess.STDOUT, stdin=subprocess.DEVNULL,
        env={**os.environ, **(env or {})}, cwd=cwd or workdir, start_new_session=True)
    handle.close()
    return Server(name, port, proc, ready_path, log, started=started)


def emulator_env(extra: dict[str, str] | None = None) -> dict[str, str]:
    # GmodStore's rate limit (60/min by default) would turn a load test into 429s.
    env = {"EMULATOR_GMODSTORE__RATE_LIMIT": "1000000000", "EMULATOR_LOG_FORMAT": "json"}
    env.update(extra or {})
    return env


def start_emulator(workdir: Path, db_path: Path, *, port: int | None = None,
                   extra_args: list[str] | None = None, env: dict[str, str] | None = None,
                   source: Path | None = None) -> Server:
    """`source`: a directory whose `emulator` package replaces the installed one (a patched
    copy, see bench/proposals)."""
    port = port or free_port()
    argv = [str(VENV_BIN / "purchase-emulator"), "serve", "--port", str(port),
            "--database-url", f"sqlite:///{db_path}", *(extra_args or [])]
    env = dict(env or {})
    if source is not None:
        env["PYTHONPATH"] = str(source)
    return spawn("emulator", argv, port, "/__admin/health", workdir, env=emulator_env(env))


def patched_source(workdir: Path, patches: list[Path]) -> Path:
    """A copy of the emulator package (and what it reads beside it) with `patches` applied."""
    import shutil

    target = workdir / "src"
    for name in ("emulator", "scenarios"):
        shutil.copytree(REPO / name, target / name,
                        ignore=shutil.ignore_patterns("__pycache__"))
    shutil.copy2(REPO / "openapi.yaml", target / "openapi.yaml")
    for patch in patches:
        done = subprocess.run(["patch", "-p1", "--forward", "-s", "-d", str(target),  # nosec
                               "-i", str(patch)], capture_output=True, text=True, check=False)
        if done.returncode != 0:
            raise RuntimeError(f"{patch.name} no longer applies: {done.stdout}{done.stderr}")
    return target


def start_prism(workdir: Path, prism: Path, *, port: int | None = None) -> Server:
    port = port or free_port()
    # -v warn: Prism logs every request at info; silencing it is Prism's fastest setting.
    argv = [str(prism), "mock", str(REPO / "openapi.yaml"), "-p", str(port), "-h", "127.0.0.1",
            "-v", "warn"]
    return spawn("prism", argv, port, "/health", workdir)


def start_wiremock(workdir: Path, java: str, jar: Path, root: Path, *,
                   port: int | None = None) -> Server:
    port = port or free_port()
    # The request journal is bounded like the emulator's (1,000 entries) instead of unbounded.
    argv = [java, "-jar", str(jar), "--port", str(port), "--bind-address", "127.0.0.1",
            "--root-dir", str(root.resolve()), "--disable-banner", "--max-request-journal-entries", "1000"]
    return spawn("wiremock", argv, port, "/__admin/health", workdir)
