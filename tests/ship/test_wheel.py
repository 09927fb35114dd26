"""The wheel, as a pip user gets it: built from the sdist (so both carry the package data),
installed with `-c requirements.lock` into a fresh venv in a temp dir outside the checkout, and
used from there: the CLI, a server, and the pytest plugin in a project of its own.

The locked dependencies and the build backend come from a wheelhouse downloaded once per lock
into the cache outside the checkout (tests/ship/containers.py: CACHE), so a warm run does not
wait on the package index (~17 s of lookups on this machine); the wheel itself is always new.
"""

from __future__ import annotations

import hashlib
import os
import platform
import shutil
import subprocess
import sys
import tarfile
import tempfile
import zipfile
from pathlib import Path

import httpx
import pytest

from bench.systems import free_port, stop_gracefully, wait_healthy
from tests.ship.containers import CACHE, ROOT

BUNDLED = {"happy", "slow", "flaky-502", "ambiguous-register", "fulfilment-fails",
           "stuck-processing", "eu-blocked", "rate-limited", "chaos"}
DATA = {f"emulator/scenarios/{name}.yaml" for name in BUNDLED} | {
    "emulator/scenarios/scenario.schema.json"}

PLUGIN_TEST = '''
HL = {"Authorization": "Bearer hl-demo-token"}


def test_an_eu_buyer_is_refused(emulator_sandbox):
    emulator_sandbox.activate_scenario("eu-blocked")
    answer = emulator_sandbox.client.post(
        "/purchase/validate-purchase-before-payment", headers=HL,
        json={"asset_id": 1000001, "customer_ip": "203.0.113.7", "quantity": 1})  # DE
    assert answer.status_code == 422, answer.text
    assert answer.json()["message"] == "This product is not available in your region"
    assert answer.headers["X-Emulator-Rule"] == "eu-blocked/eu-buyers"
'''


def _clean_env() -> dict[str, str]:
    """No trace of the checkout or its venv: what a user's shell would have."""
    drop = ("EMULATOR_", "PYTHON", "VIRTUAL_ENV", "PYTEST_")
    return {k: v for k, v in os.environ.items() if not k.startswith(drop)}


def _wheelhouse() -> Path:
    locks = [ROOT / "requirements.lock", ROOT / "requirements-test.lock"]
    inputs = b"".join(p.read_bytes() for p in locks)
    inputs += f"{sys.version} {platform.machine()}".encode()
    house = CACHE / f"wheels-{hashlib.sha256(inputs).hexdigest()[:16]}"
    if house.is_dir():
        return house
    CACHE.mkdir(parents=True, exist_ok=True)
    for old in CACHE.glob("wheels-*"):  # superseded locks
        shutil.rmtree(old, ignore_errors=True)
    fresh = Path(tempfile.mkdtemp(prefix="download-", dir=CACHE))
    subprocess.run([sys.executable, "-m", "pip", "download", "-q", "-d", str(fresh),
                    "-c", str(locks[0]), "-c", str(locks[1]), "-r", str(locks[0]), "pytest",
                    "setuptools", "wheel"], check=True, capture_output=True)
    try:
        fresh.rename(house)
    except OSError:  # another run made it first
        shutil.rmtree(fresh, ignore_errors=True)
    return house


@pytest.fixture(scope="module")
def installed(tmp_path_factory) -> Path:
    """The venv's bin directory (the venv lives in a temp dir outside the checkout)."""
    home = tmp_path_factory.mktemp("pip-user")
    assert ROOT not in home.parents
    house = _wheelhouse()
    offline = _clean_env() | {"PIP_NO_INDEX": "1", "PIP_FIND_LINKS": str(house)}
    dist = home / "dist"
    built = subprocess.run([sys.executable, "-m", "build", "--outdir", str(dist), str(ROOT)],
                           capture_output=True, text=True, cwd=home, env=offline)
    assert built.returncode == 0, built.stdout[-3000:] + built.stderr[-3000:]
    (sdist,), (wheel,) = dist.glob("*.tar.gz"), dist.glob("*.whl")
    with tarfile.open(sdist) as archive:
        top = archive.getnames()[0].split("/")[0]
        assert {f"{top}/{p}" for p in DATA} <= set(archive.getnames())
    assert set(zipfile.ZipFile(wheel).namelist()) >= DATA
    # no pip inside (the checkout's pip installs into it: --python), no .pyc compiled up front
    subprocess.run([sys.executable, "-m", "venv", "--without-pip", str(home / "venv")],
                   check=True)
    bin_dir = home / "venv" / "bin"
    subprocess.run([sys.executable, "-m", "pip", "--python", str(bin_dir / "python"), "install",
                    "-q", "--no-compile", "-c", str(ROOT / "requirements.lock"),
                    "-c", str(ROOT / "requirements-test.lock"), str(wheel), "pytest"],
                   check=True, capture_output=True, cwd=home, env=offline)
    return bin_dir


def _run(bin_dir: Path, *argv: str, cwd: Path) -> subprocess.CompletedProcess:
    return subprocess.run([str(bin_dir / argv[0]), *argv[1:]], cwd=cwd, env=_clean_env(),
                          capture_output=True, text=True, timeout=120)


def test_installed_wheel_lists_the_nine_bundled_scenarios(installed, tmp_path):
    listed = _run(installed, "purchase-emulator", "scenarios", "list", cwd=tmp_path)
    assert listed.returncode == 0, listed.stderr
    names = {line.split()[0] for line in listed.stdout.splitlines() if "[bundled" in line}
    assert names == BUNDLED
    site = installed.parent / "lib" / f"python{sys.version_info.major}.{sys.version_info.minor}"
    assert f"file: {site}/site-packages/emulator/scenarios/flaky-502.yaml" in listed.stdout


def test_installed_wheel_serves_flaky_502(installed, tmp_path):
    port = free_port()
    server = subprocess.Popen(
        [str(installed / "purchase-emulator"), "serve", "--scenario", "flaky-502",
         "--port", str(port)], cwd=tmp_path, env=_clean_env(), stdout=subprocess.PIPE,
        stderr=subprocess.PIPE, text=True)
    try:
        assert wait_healthy(server, port, timeout=30), server.communicate()[1]
        with httpx.Client(base_url=f"http://127.0.0.1:{port}", timeout=10) as client:
            answers = [client.get("/assets/list", headers={"Authorization": "Bearer hl-demo-token"})
                       for _ in range(30)]  # 1 in 5 (seeded) answers 502
    finally:
        stop_gracefully(server)
    assert server.returncode == 0, server.stderr.read()
    failed = [a for a in answers if a.status_code == 502]
    assert failed and all(a.headers["X-Emulator-Rule"] == "flaky-502/gateway-502" for a in failed)
    assert {a.status_code for a in answers} == {200, 502}
    assert (tmp_path / "emulator.db").exists()  # its state where the user ran it


def test_installed_plugin_activates_a_bundled_scenario(installed, tmp_path):
    (tmp_path / "test_region.py").write_text(PLUGIN_TEST)
    result = _run(installed, "pytest", "-q", "-p", "no:cacheprovider", cwd=tmp_path)
    assert result.returncode == 0, result.stdout + result.stderr
    assert "1 passed" in result.stdout

