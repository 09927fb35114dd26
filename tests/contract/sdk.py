"""Generate a Python client from openapi.yaml with OpenAPI Generator, into a temp directory.

The generator (PyPI `openapi-generator-cli`, which bundles the jar and runs it on the machine's
Java) is the tool the vendors themselves publish their SDKs with, so a client generated from our
contract and driven against the emulator is the strongest proof that real SDKs will work.
"""

from __future__ import annotations

import importlib
import shutil
import subprocess
import sys
from pathlib import Path

from tests.support import needs

ROOT = Path(__file__).resolve().parents[2]
SPEC = ROOT / "openapi.yaml"
SHARED_PACKAGE = "emulator_client"
_shared: dict[str, object] = {}  # one client of openapi.yaml per test process


def shared_client(tmp_path_factory):
    """The client of openapi.yaml (every vendor's API is in it), generated once per test
    process (each xdist worker that runs one of its modules): generating takes ~7 s, and
    each module that needs it asks for this one."""
    if SHARED_PACKAGE not in _shared:
        _shared[SHARED_PACKAGE] = generate_client(
            SHARED_PACKAGE, tmp_path_factory.getbasetemp() / "generated-sdk")
    return _shared[SHARED_PACKAGE]


def generate_client(package: str, out_dir: Path):
    """Generate `package` from openapi.yaml into out_dir and import it."""
    exe = shutil.which("openapi-generator-cli") or str(Path(sys.executable).parent / "openapi-generator-cli")
    needs.tool("java")  # OpenAPI Generator runs on it
    cmd = [
        exe, "generate", "-i", str(SPEC), "-g", "python", "-o", str(out_dir),
        "--package-name", package, "--skip-validate-spec",
        "--global-property", "apiTests=false,modelTests=false,apiDocs=false,modelDocs=false",
    ]
    result = subprocess.run(cmd, capture_output=True, text=True, timeout=300)
    if result.returncode != 0:
        raise AssertionError(f"openapi-generator failed:\n{result.stdout[-4000:]}\n{result.stderr[-4000:]}")
    sys.path.insert(0, str(out_dir))
    for name in list(sys.modules):
        if name == package or name.startswith(package + "."):
            del sys.modules[name]
    return importlib.import_module(package)
