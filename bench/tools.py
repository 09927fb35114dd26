"""Load generator and peer servers, installed on first use (nothing is committed).

wrk comes from the distribution's packages; Prism and WireMock (the npm package bundles the
standalone jar) are installed with npm into bench/.tools, which is git-ignored.
"""

from __future__ import annotations

import shutil
import subprocess  # nosec B404 - runs local tools only
from dataclasses import dataclass
from pathlib import Path

BENCH_DIR = Path(__file__).resolve().parent
TOOLS_DIR = BENCH_DIR / ".tools"
NPM_PACKAGES = ("@stoplight/prism-cli", "wiremock")


@dataclass(frozen=True)
class Tools:
    wrk: str
    prism: Path | None
    wiremock_jar: Path | None
    java: str | None


def ensure_wrk() -> str:
    found = shutil.which("wrk")
    if found:
        return found
    apt = shutil.which("apt-get")
    if apt is None:
        raise SystemExit("bench: wrk is missing and apt-get is not available; install wrk")
    print("bench: installing wrk (apt-get install -y wrk)", flush=True)
    subprocess.run([apt, "install", "-y", "wrk"], check=False)  # nosec B603
    found = shutil.which("wrk")
    if found is None:  # the package index may be stale on a fresh machine
        subprocess.run([apt, "update"], check=False)  # nosec B603
        subprocess.run([apt, "install", "-y", "wrk"], check=True)  # nosec B603
        found = shutil.which("wrk")
    if found is None:
        raise SystemExit("bench: could not install wrk")
    return found


def prism_bin() -> Path:
    return TOOLS_DIR / "node_modules" / ".bin" / "prism"


def wiremock_jar() -> Path | None:
    jars = sorted((TOOLS_DIR / "node_modules" / "wiremock" / "build").glob("wiremock*.jar"))
    return jars[-1] if jars else None


def ensure_peers() -> tuple[Path | None, Path | None, str | None]:
    """Prism's launcher and WireMock's jar, installing them with npm when missing."""
    if not prism_bin().exists() or wiremock_jar() is None:
        npm = shutil.which("npm")
        if npm is None:
            print("bench: npm not found: the peers (Prism, WireMock) are skipped", flush=True)
            return None, None, shutil.which("java")
        print(f"bench: installing {' '.join(NPM_PACKAGES)} into {TOOLS_DIR}", flush=True)
        TOOLS_DIR.mkdir(parents=True, exist_ok=True)
        subprocess.run([npm, "install", "--prefix", str(TOOLS_DIR), "--no-audit", "--no-fund",
                        *NPM_PACKAGES], check=True)  # nosec B603
    java = shutil.which("java")
    return (prism_bin() if prism_bin().exists() else None), wiremock_jar(), java


def ensure_tools(peers: bool = True) -> Tools:
    wrk = ensure_wrk()
    prism, jar, java = ensure_peers() if peers else (None, None, shutil.which("java"))
    return Tools(wrk=wrk, prism=prism, wiremock_jar=jar if java else None, java=java)
