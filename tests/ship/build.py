"""The README's `docker build -t purchase-emulator .`, run with podman on this machine.

What this machine adds to the README's command: `--format docker` (the OCI format drops
HEALTHCHECK), `--pull=never` (python:3.11-slim is the local stand-in), and the host pip's
settings and CA bundle in a directory mounted on /root during the build only. /root exists in
the base image, so the mount leaves no mount point in a layer (podman 4.3 keeps those of paths it
had to create, e.g. an empty /etc/pip.conf); the image test checks nothing of it is in the image.

The build starts in a thread as soon as the session is collected (tests/ship/conftest.py), so
the rest of the suite runs while it takes its 10 s warm, or minutes from a cold cache.
"""

from __future__ import annotations

import ast
import re
import shutil
import subprocess
import sys
import tempfile
import threading
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path

from tests.ship import base_image
from tests.ship.containers import ROOT, locked, podman


def flags(home: Path) -> list[str]:
    return ["--format", "docker", "--pull=never", "-v", f"{home}:/root"]


def _host_pip_settings() -> dict[str, dict[str, str]]:
    """`pip config list` of this interpreter: files and PIP_* variables, section → key → value."""
    listed = subprocess.run([sys.executable, "-m", "pip", "config", "list"],
                            capture_output=True, text=True, check=True)
    sections: dict[str, dict[str, str]] = {}
    for line in listed.stdout.splitlines():
        match = re.match(r"^([^.=]*)\.([^=]+)=(.*)$", line)
        if match:
            section, name, value = match.groups()
            try:
                value = str(ast.literal_eval(value))
            except (ValueError, SyntaxError):
                pass
            sections.setdefault("global" if section == ":env:" else section, {})[name] = value
    return sections


@contextmanager
def pip_home() -> Iterator[Path]:
    """A home whose ~/.config/pip/pip.conf is the host pip's effective configuration, with its CA
    bundle beside it. Settings naming this machine's files (local wheel folders, file:// indexes,
    constraint files) stay out: they do not exist in the build, and the lock needs the index only.
    """
    with tempfile.TemporaryDirectory(prefix="pe-ship-home-") as tmp:
        home = Path(tmp)
        (home / ".config" / "pip").mkdir(parents=True)
        lines = []
        for section, values in _host_pip_settings().items():
            lines.append(f"[{section}]")
            for name, value in values.items():
                if name in ("find-links", "constraint", "requirement", "client-cert"):
                    continue
                if name == "cert" and Path(value).is_file():
                    shutil.copy(value, home / "pip-ca.crt")
                    value = "/root/pip-ca.crt"
                if name in ("index-url", "extra-index-url"):
                    value = " ".join(u for u in value.split() if not u.startswith("file:"))
                if value:
                    lines.append(f"{name} = {value}")
        (home / ".config" / "pip" / "pip.conf").write_text("\n".join(lines) + "\n")
        yield home


def build(argv: list[str]) -> str:
    """`docker build` + argv (the README's words after `build`) with podman; the image id."""
    base_image.ensure()
    with pip_home() as home, tempfile.TemporaryDirectory(prefix="pe-ship-iid-") as tmp:
        iid = Path(tmp) / "iid"
        *options, context = argv
        with locked("tag"):  # the tag it sets moves only under the lock (containers.tagged)
            done = podman("build", *flags(home), "--iidfile", str(iid), *options,
                          str(ROOT / context), check=False, timeout=900, cwd=ROOT)
        assert done.returncode == 0, f"build failed:\n{(done.stdout + done.stderr)[-4000:]}"
        return iid.read_text().strip()


class Background:
    """One call run in a daemon thread; `result()` waits for it and re-raises its exception
    (a skip or a failure of `require` included)."""

    def __init__(self, call: Callable[[], str]) -> None:
        self._value: str | None = None
        self._error: BaseException | None = None
        self._thread = threading.Thread(target=self._run, args=(call,), name="ship-build",
                                        daemon=True)
        self._thread.start()

    def _run(self, call: Callable[[], str]) -> None:
        try:
            self._value = call()
        except BaseException as exc:  # handed to the test that needs the image
            self._error = exc

    def result(self) -> str:
        self._thread.join()
        if self._error is not None:
            raise self._error
        return self._value

    def join(self, timeout: float | None = None) -> None:
        self._thread.join(timeout)
