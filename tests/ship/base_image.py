"""The local stand-in for `python:3.11-slim` (no registry can be reached from this machine).

Debian bookworm, minbase, with python3, venv and CA certificates, from the mirror this machine's
apt uses (read at run time), imported into the tests' podman storage under the same name. It is
keyed by its inputs and made again only when they change: a warm run takes no time here.

debootstrap mounts /proc and /sys inside the rootfs, and an interrupted run leaves them mounted:
a rootfs is deleted only after everything under it is unmounted, and never across file systems.
"""

from __future__ import annotations

import hashlib
import json
import os
import re
import subprocess
from pathlib import Path

from tests.ship.containers import CACHE, alive, locked, podman, run
from tests.support.needs import tool

BASE_IMAGE = "docker.io/library/python:3.11-slim"
SUITE = "bookworm"
PACKAGES = ("python3", "python3-venv", "python-is-python3", "ca-certificates")
RECIPE = 1  # bump when the way the stand-in is made changes
KEY_LABEL = "org.purchase-emulator.base-key"
ENV_CHANGES = ("ENV PATH=/usr/local/bin:/usr/local/sbin:/usr/sbin:/usr/bin:/sbin:/bin",
               "ENV LANG=C.UTF-8")
# what a slim image leaves out: package caches and lists, documentation, translations
TRIM = ("var/cache/apt/archives", "var/lib/apt/lists", "usr/share/doc", "usr/share/man",
        "usr/share/info", "usr/share/locale")


def apt_mirror(suite: str = SUITE) -> str:
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
            suites, types = fields.get("Suites", "").split(), fields.get("Types", "").split()
            if ("deb" in types and suite in suites and fields.get("URIs")
                    and fields.get("Enabled", "yes").lower() != "no"):
                return fields["URIs"].split()[0]
    raise AssertionError(f"no apt source for Debian {suite} in /etc/apt: cannot debootstrap")


def key(mirror: str) -> str:
    recipe = {"suite": SUITE, "packages": PACKAGES, "mirror": mirror, "recipe": RECIPE,
              "env": ENV_CHANGES, "trim": TRIM}
    return hashlib.sha256(json.dumps(recipe, sort_keys=True).encode()).hexdigest()[:16]


def ensure() -> str:
    """The stand-in, made if its key is not in the storage yet; returns the key."""
    mirror = apt_mirror()
    wanted = key(mirror)
    with locked("base"):
        for stale in CACHE.glob("rootfs-*"):  # an interrupted earlier run's, mounts and all
            pid = stale.name.rsplit("-", 1)[-1]
            if not pid.isdigit() or not alive(int(pid)):
                remove_rootfs(stale)
        found = podman("image", "inspect", "--format",
                       f'{{{{index .Config.Labels "{KEY_LABEL}"}}}}', BASE_IMAGE, check=False)
        if found.returncode == 0 and found.stdout.strip() == wanted:
            return wanted
        tool("debootstrap")
        rootfs = CACHE / f"rootfs-{wanted}-{os.getpid()}"
        try:
            _debootstrap(rootfs, mirror)
            _import(rootfs, wanted)
        finally:
            remove_rootfs(rootfs)
    return wanted


def _debootstrap(rootfs: Path, mirror: str) -> None:
    # dpkg without an fsync per file: the rootfs is thrown away if anything goes wrong
    # (measured under load 5-6: 108 s instead of 145 s)
    environ = os.environ | {"DPKG_FORCE": "unsafe-io"}
    try:
        done = run(["debootstrap", "--variant=minbase", f"--include={','.join(PACKAGES)}",
                    SUITE, str(rootfs), mirror], timeout=900, environ=environ)
    finally:
        unmount_all(rootfs)  # debootstrap mounts /proc and /sys inside; a failure leaves them
    if done.returncode != 0:
        raise AssertionError(f"debootstrap failed ({done.returncode}):\n"
                             + "\n".join((done.stdout + done.stderr).splitlines()[-20:]))
    for sub in TRIM:
        for child in (rootfs / sub).glob("*"):
            if child.is_dir() and not child.is_symlink():
                subprocess.run(["rm", "-rf", "--one-file-system", str(child)], check=True)
            else:
                child.unlink()


def _import(rootfs: Path, wanted: str) -> None:
    tar = subprocess.Popen(["tar", "-C", str(rootfs), "--numeric-owner", "-c", "."],
                           stdout=subprocess.PIPE)
    changes = [arg for change in (*ENV_CHANGES, f"LABEL {KEY_LABEL}={wanted}")
               for arg in ("--change", change)]
    try:
        podman("import", *changes, "-", BASE_IMAGE, stdin=tar.stdout, timeout=300)
    finally:
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
    """Unmount everything under `root`, then delete it without crossing into another file
    system (a bind of /dev left by an interrupted run must never be followed)."""
    if not root.exists():
        return
    unmount_all(root)
    subprocess.run(["rm", "-rf", "--one-file-system", str(root)], check=True)
