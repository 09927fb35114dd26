"""Podman for tests/ship: the image built and run as the README says, on a machine with no Docker
engine and no reachable image registry.

- A storage and configuration of the tests' own under CACHE (outside the repository): the `runc`
  runtime (crun fails on this host's hybrid cgroups), ulimits within the host's hard limits, a
  short runroot (podman refuses long ones). Layers stay cached there between runs.
- `python:3.11-slim` cannot be pulled, so a local stand-in of the same name is made once with
  debootstrap (Debian bookworm from the mirror this machine's apt uses, read at run time) and
  imported; it is keyed by its inputs and rebuilt only when they change.
- Builds get the host's pip settings and CA bundle in a directory mounted on /root only while
  they run (/root exists in the base image, so no mount point is left in a layer).
- Everything a test starts carries the pid of its pytest process; `sweep()` removes what a
  finished or killed run left behind.
"""

from __future__ import annotations

import ast
import fcntl
import hashlib
import json
import os
import re
import resource
import shutil
import subprocess
import sys
import tempfile
import time
from contextlib import contextmanager
from pathlib import Path
from typing import Iterator

import httpx
import pytest

ROOT = Path(__file__).resolve().parents[2]
CACHE = Path(os.environ.get("PURCHASE_EMULATOR_SHIP_CACHE", "/var/tmp/purchase-emulator-ship"))
RUNROOT = "/run/purchase-emulator-ship"  # podman needs a runroot of at most 50 characters
BASE_IMAGE = "docker.io/library/python:3.11-slim"
BASE_SUITE = "bookworm"
BASE_PACKAGES = ("python3", "python3-venv", "python-is-python3", "ca-certificates")
BASE_RECIPE = 1  # bump when the way the stand-in is made changes
OWNER = "org.purchase-emulator.test-owner"  # label: pid of the pytest process
KEY_LABEL = "org.purchase-emulator.base-key"
PROJECT_LABEL = "io.podman.compose.project"
PREFIX = "pe-ship"


def require(condition: bool, reason: str) -> None:
    """A missing tool skips on a laptop, and fails under CI=true (never a silent skip there)."""
    if condition:
        return
    if os.environ.get("CI", "").lower() == "true":
        pytest.fail(f"{reason} (CI=true: .ci/run installs it)", pytrace=False)
    pytest.skip(reason)


def unique(what: str) -> str:
    return f"{PREFIX}-{os.getpid()}-{os.urandom(3).hex()}-{what}"


# --- configuration ---------------------------------------------------------------------------
def _configs() -> dict[str, str]:
    CACHE.mkdir(parents=True, exist_ok=True)
    nofile = resource.getrlimit(resource.RLIMIT_NOFILE)[1]
    nproc = resource.getrlimit(resource.RLIMIT_NPROC)[1]
    nofile = 1_048_576 if nofile == resource.RLIM_INFINITY else nofile
    nproc = 32768 if nproc == resource.RLIM_INFINITY else min(nproc, 32768)
    containers = CACHE / "containers.conf"
    containers.write_text(
        "[containers]\n"
        f'default_ulimits = ["nofile={nofile}:{nofile}", "nproc={nproc}:{nproc}"]\n'
        "[engine]\n"
        'runtime = "runc"\n'
        'cgroup_manager = "cgroupfs"\n'
        'events_logger = "file"\n'
        f'tmp_dir = "{RUNROOT}/libpod"\n'
        "[network]\n"
        f'network_config_dir = "{CACHE}/networks"\n')
    storage = CACHE / "storage.conf"
    storage.write_text(
        "[storage]\n"
        'driver = "overlay"\n'
        f'graphroot = "{CACHE}/storage"\n'
        f'runroot = "{RUNROOT}"\n')
    return {"CONTAINERS_CONF": str(containers), "CONTAINERS_STORAGE_CONF": str(storage)}


_ENV: dict[str, str] | None = None


def env() -> dict[str, str]:
    """The environment for podman and podman-compose: this test storage and configuration."""
    global _ENV
    if _ENV is None:
        _ENV = {k: v for k, v in os.environ.items() if not k.startswith("EMULATOR_")}
        _ENV.update(_configs())
    return dict(_ENV)


def podman(*args: str, check: bool = True, timeout: float = 120,
           **kwargs) -> subprocess.CompletedProcess:
    done = subprocess.run(["podman", *args], env=kwargs.pop("env", env()), capture_output=True,
                          text=True, timeout=timeout, **kwargs)
    if check and done.returncode != 0:
        raise AssertionError(f"podman {' '.join(args)} → {done.returncode}\n"
                             f"{done.stdout[-3000:]}{_quiet(done.stderr)[-3000:]}")
    return done


def _quiet(stderr: str) -> str:
    # without systemd, podman logs that it cannot add healthcheck timers (tests run them)
    return "\n".join(line for line in stderr.splitlines() if "systemd" not in line)


def missing_tools() -> str | None:
    if os.geteuid() != 0:
        return "the container tests need root (rootful podman, debootstrap)"
    for tool in ("podman", "runc"):
        if shutil.which(tool) is None:
            return f"{tool} is not installed (apt-get install podman runc)"
    return None


# --- leftovers --------------------------------------------------------------------------------
def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True


def _owner(labels: dict | None) -> int | None:
    labels = labels or {}
    if labels.get(OWNER, "").isdigit():
        return int(labels[OWNER])
    match = re.match(rf"^{PREFIX}-(\d+)-", labels.get(PROJECT_LABEL, ""))
    return int(match.group(1)) if match else None


def sweep(owner: int | None = None) -> None:
    """Remove containers, pods, volumes and networks of `owner` (a pid), or of dead runs."""
    def doomed(labels) -> bool:
        pid = _owner(labels)
        return pid is not None and (pid == owner if owner is not None else not _alive(pid))

    kinds = [(("ps", "-a"), "Labels", "Id", ("rm", "-f", "-v")),
             (("pod", "ps"), "Labels", "Id", ("pod", "rm", "-f")),
             (("volume", "ls"), "Labels", "Name", ("volume", "rm", "-f")),
             (("network", "ls"), "labels", "name", ("network", "rm", "-f"))]
    for listing, labels_key, id_key, remove in kinds:
        listed = podman(*listing, "--format", "json", check=False)
        items = json.loads(listed.stdout or "[]") if listed.returncode == 0 else []
        ids = [item[id_key] for item in items or [] if doomed(item.get(labels_key))]
        if ids:
            podman(*remove, *ids, check=False)


# --- the base image ---------------------------------------------------------------------------
def apt_mirror(suite: str = BASE_SUITE) -> str:
    """The first Debian source of `suite` in this machine's apt configuration."""
    apt = Path("/etc/apt")
    for path in [apt / "sources.list", *sorted((apt / "sources.list.d").glob("*.list"))]:
        if path.is_file():
            for line in path.read_text().splitlines():
                parts = re.sub(r"\[[^]]*\]", " ", line.split("#", 1)[0]).split()
                if len(parts) >= 3 and parts[0] == "deb" and parts[2] == suite:
                    return parts[1]
    for path in sorted((apt / "sources.list.d").glob("*.sources")):
        for stanza in re.split(r"\n\s*\n", path.read_text()):
            fields = dict(re.findall(r"^([\w-]+):\s*(.*)$", stanza, re.M))
            if ("deb" in fields.get("Types", "").split() and suite in fields.get("Suites", "").split()
                    and fields.get("Enabled", "yes").lower() != "no" and fields.get("URIs")):
                return fields["URIs"].split()[0]
    raise AssertionError(f"no apt source for Debian {suite} in /etc/apt: cannot debootstrap")


def base_key(mirror: str) -> str:
    recipe = {"suite": BASE_SUITE, "packages": BASE_PACKAGES, "mirror": mirror,
              "recipe": BASE_RECIPE}
    return hashlib.sha256(json.dumps(recipe, sort_keys=True).encode()).hexdigest()[:16]


@contextmanager
def _locked(name: str) -> Iterator[None]:
    CACHE.mkdir(parents=True, exist_ok=True)
    with open(CACHE / f"{name}.lock", "w") as handle:
        fcntl.flock(handle, fcntl.LOCK_EX)
        try:
            yield
        finally:
            fcntl.flock(handle, fcntl.LOCK_UN)


def ensure_base_image() -> str:
    """The stand-in for python:3.11-slim, made once per set of inputs; returns its key."""
    mirror = apt_mirror()
    key = base_key(mirror)
    with _locked("base"):
        for stale in CACHE.glob("rootfs-*"):  # an interrupted earlier run's, mounts and all
            pid = stale.name.rsplit("-", 1)[-1]
            if not pid.isdigit() or not _alive(int(pid)):
                remove_rootfs(stale)
        found = podman("image", "inspect", "--format",
                       f'{{{{index .Config.Labels "{KEY_LABEL}"}}}}', BASE_IMAGE, check=False)
        if found.returncode == 0 and found.stdout.strip() == key:
            return key
        require(shutil.which("debootstrap") is not None,
                "debootstrap is not installed (apt-get install debootstrap)")
        rootfs = CACHE / f"rootfs-{key}-{os.getpid()}"
        try:
            _debootstrap(rootfs, mirror)
            _import(rootfs, key)
        finally:
            remove_rootfs(rootfs)
    return key


def _debootstrap(rootfs: Path, mirror: str) -> None:
    log = CACHE / "debootstrap.log"
    with open(log, "w") as out:
        done = subprocess.run(
            ["debootstrap", "--variant=minbase", f"--include={','.join(BASE_PACKAGES)}",
             BASE_SUITE, str(rootfs), mirror],
            stdout=out, stderr=subprocess.STDOUT, timeout=600)
    unmount_all(rootfs)  # debootstrap mounts /proc and /sys inside; a failure leaves them
    if done.returncode != 0:
        raise AssertionError(f"debootstrap failed ({done.returncode}):\n"
                             + "\n".join(log.read_text().splitlines()[-20:]))
    # what a slim image leaves out: package caches and lists, documentation, translations
    for sub in ("var/cache/apt/archives", "var/lib/apt/lists", "usr/share/doc",
                "usr/share/man", "usr/share/info", "usr/share/locale"):
        for child in (rootfs / sub).glob("*"):
            if child.is_dir() and not child.is_symlink():
                subprocess.run(["rm", "-rf", "--one-file-system", str(child)], check=True)
            elif child.name != "lock":
                child.unlink()


def _import(rootfs: Path, key: str) -> None:
    tar = subprocess.Popen(["tar", "-C", str(rootfs), "--numeric-owner", "-c", "."],
                           stdout=subprocess.PIPE)
    podman("import",
           "--change", "ENV PATH=/usr/local/bin:/usr/local/sbin:/usr/sbin:/usr/bin:/sbin:/bin",
           "--change", "ENV LANG=C.UTF-8", "--change", f"LABEL {KEY_LABEL}={key}",
           "-", BASE_IMAGE, stdin=tar.stdout, timeout=300)
    tar.stdout.close()
    assert tar.wait() == 0, "tar of the rootfs failed"


def _mounts_under(root: Path) -> list[str]:
    prefix = str(root.resolve())
    points = []
    for line in Path("/proc/self/mountinfo").read_text().splitlines():
        point = re.sub(r"\\([0-7]{3})", lambda m: chr(int(m.group(1), 8)), line.split()[4])
        if point == prefix or point.startswith(prefix + "/"):
            points.append(point)
    return sorted(points, key=len, reverse=True)  # deepest first


def unmount_all(root: Path) -> None:
    for point in _mounts_under(root):
        if subprocess.run(["umount", point], capture_output=True).returncode != 0:
            subprocess.run(["umount", "-l", point], capture_output=True)
    left = _mounts_under(root)
    assert not left, f"still mounted under {root}: {left}"


def remove_rootfs(root: Path) -> None:
    """Unmount everything under `root`, then delete it without crossing into another
    file system (a bind of /dev left by an interrupted run must never be followed)."""
    if not root.exists():
        return
    unmount_all(root)
    subprocess.run(["rm", "-rf", "--one-file-system", str(root)], check=True)


# --- the build --------------------------------------------------------------------------------
def build_flags(home: Path) -> list[str]:
    """What `docker build` needs on this machine beyond the README's command."""
    return ["--format", "docker",  # the OCI format drops HEALTHCHECK
            "--pull=never",  # python:3.11-slim is the local stand-in
            "-v", f"{home}:/root"]  # the host's pip settings, during the build only


@contextmanager
def pip_home() -> Iterator[Path]:
    """A home directory whose ~/.config/pip/pip.conf is the host pip's effective configuration
    (files and PIP_* variables), with its CA bundle beside it. Settings naming this machine's
    files (local wheel folders, file:// indexes, constraint files) stay out: they would not
    exist in the build and the lock needs only the index."""
    listed = subprocess.run([sys.executable, "-m", "pip", "config", "list"],
                            capture_output=True, text=True, check=True)
    sections: dict[str, dict[str, str]] = {}
    for line in listed.stdout.splitlines():
        match = re.match(r"^([^.=]*)\.([^=]+)=(.*)$", line)
        if not match:
            continue
        section, key, value = match.groups()
        section = "global" if section == ":env:" else section
        try:
            value = str(ast.literal_eval(value))
        except (ValueError, SyntaxError):
            pass
        sections.setdefault(section, {})[key] = value
    with tempfile.TemporaryDirectory(prefix="pe-ship-home-") as tmp:
        home = Path(tmp)
        (home / ".config" / "pip").mkdir(parents=True)
        lines = []
        for section, values in sections.items():
            lines.append(f"[{section}]")
            for key, value in values.items():
                if key == "cert" and Path(value).is_file():
                    shutil.copy(value, home / "pip-ca.crt")
                    value = "/root/pip-ca.crt"
                elif key in ("find-links", "constraint", "requirement", "client-cert"):
                    continue
                elif key in ("index-url", "extra-index-url"):
                    value = " ".join(u for u in value.split() if not u.startswith("file:"))
                    if not value:
                        continue
                lines.append(f"{key} = {value}")
        (home / ".config" / "pip" / "pip.conf").write_text("\n".join(lines) + "\n")
        yield home


def build(argv: list[str], log: Path) -> str:
    """Run the README's `docker build ...` (argv after `build`) with podman; the image id."""
    ensure_base_image()
    iid = log.with_suffix(".iid")
    with pip_home() as home:
        done = podman("build", *build_flags(home), "--iidfile", str(iid), *argv[:-1],
                      str(ROOT / argv[-1]), check=False, timeout=600, cwd=ROOT)
    log.write_text(done.stdout + done.stderr)
    assert done.returncode == 0, f"build failed:\n{(done.stdout + done.stderr)[-4000:]}"
    return iid.read_text().strip()


# --- running ----------------------------------------------------------------------------------
def wait_for_health(url: str, container: str, timeout: float = 60) -> dict:
    """Poll `url` until it answers 200; fail at once, with the logs, if the container exits."""
    deadline = time.monotonic() + timeout
    while True:
        try:
            answer = httpx.get(url, timeout=2)
            if answer.status_code == 200:
                return answer.json()
        except httpx.HTTPError:
            pass
        state = podman("inspect", "--format", "{{.State.Status}} {{.State.ExitCode}}", container,
                       check=False).stdout.split()
        if state and state[0] in ("exited", "stopped"):
            logs = podman("logs", container, check=False)
            raise AssertionError(f"{container} exited ({state[1]}) before answering {url}:\n"
                                 f"{logs.stdout[-3000:]}{_quiet(logs.stderr)[-3000:]}")
        assert time.monotonic() < deadline, f"no 200 from {url} within {timeout} s"
        time.sleep(0.1)  # readiness poll of a real server


def health_status(container: str) -> str:
    """Run the container's HEALTHCHECK now (no systemd timers here) and read what podman
    recorded: "healthy" or "unhealthy"."""
    podman("healthcheck", "run", container, check=False)
    return podman("inspect", "--format", "{{.State.Health.Status}}", container).stdout.strip()


def wait_for_healthcheck(container: str, timeout: float = 60) -> None:
    """Run the container's HEALTHCHECK until it passes (for a container without a published
    port); fail at once, with the logs, if the container exits."""
    deadline = time.monotonic() + timeout
    while podman("healthcheck", "run", container, check=False).returncode != 0:
        state = podman("inspect", "--format", "{{.State.Status}} {{.State.ExitCode}}", container,
                       check=False).stdout.split()
        if not state or state[0] in ("exited", "stopped"):
            logs = podman("logs", container, check=False)
            raise AssertionError(f"{container} is {state or 'gone'} before becoming healthy:\n"
                                 f"{logs.stdout[-3000:]}{_quiet(logs.stderr)[-3000:]}")
        assert time.monotonic() < deadline, f"{container} not healthy within {timeout} s"
        time.sleep(0.2)  # readiness poll of a real server


@contextmanager
def tagged(image_id: str, tag: str) -> Iterator[None]:
    """`tag` names `image_id` while the body creates containers from the tag (a compose file's
    `image:`); a lock keeps a concurrent run from moving the tag in between."""
    with _locked("tag"):
        podman("tag", image_id, tag)
        yield


def compose(argv: list[str], *args: str, cwd: Path, check: bool = True, timeout: float = 180,
            environ: dict[str, str] | None = None) -> subprocess.CompletedProcess:
    done = subprocess.run([*argv, *args], env=environ or env(), cwd=cwd, capture_output=True, text=True,
                          timeout=timeout)
    if check and done.returncode != 0:
        raise AssertionError(f"{' '.join(argv[1:] + list(args))} → {done.returncode}\n"
                             f"{done.stdout[-3000:]}{_quiet(done.stderr)[-3000:]}")
    return done
