"""The Dockerfile lints clean and the compose file is a valid Compose document (no engine here)."""

from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path

import pytest
import yaml

ROOT = Path(__file__).resolve().parents[2]
BIN = Path(sys.executable).parent


def _tool(name: str) -> str:
    path = shutil.which(name) or str(BIN / name)
    if not Path(path).exists():
        pytest.fail(f"{name} is not installed: install the test extras")
    return path


def test_dockerfile_passes_hadolint():
    result = subprocess.run([_tool("hadolint"), "--no-color", str(ROOT / "Dockerfile")],
                            capture_output=True, text=True)
    assert result.returncode == 0, result.stdout + result.stderr
    assert result.stdout.strip() == ""


def test_dockerfile_has_the_promised_shape():
    text = (ROOT / "Dockerfile").read_text()
    assert text.count("\nFROM python:3.11-slim") + text.startswith("FROM") >= 2  # multi-stage
    assert "USER 10001:10001" in text  # non-root
    assert "EXPOSE 8080" in text
    assert 'VOLUME ["/data"]' in text
    # the probe reads EMULATOR_PORT like serve; the scenarios come inside the package
    assert 'CMD ["purchase-emulator", "healthcheck"]' in text.split("HEALTHCHECK", 1)[1]
    assert "COPY scenarios" not in text and "EMULATOR_SCENARIOS_DIR" not in text
    assert 'ENTRYPOINT ["purchase-emulator", "serve"]' in text


def test_compose_file_matches_the_compose_spec():
    result = subprocess.run(
        [_tool("check-jsonschema"), "--builtin-schema", "vendor.compose-spec",
         str(ROOT / "docker-compose.yml")],
        capture_output=True, text=True,
    )
    assert result.returncode == 0, result.stdout + result.stderr


def test_compose_profiles_wire_the_services_together():
    compose = yaml.safe_load((ROOT / "docker-compose.yml").read_text())
    services = compose["services"]
    assert "profiles" not in services["emulator"]  # the default: emulator alone
    assert "emulator-data:/data" in services["emulator"]["volumes"]
    shared = {name for name, svc in services.items() if "shared" in svc.get("profiles", [])}
    assert shared == {"postgres", "emulator-a", "emulator-b", "proxy"}
    for replica in ("emulator-a", "emulator-b"):
        env = services[replica]["environment"]
        assert env["EMULATOR_DATABASE_URL"].startswith("postgresql+psycopg://")
        assert services[replica]["depends_on"]["postgres"]["condition"] == "service_healthy"
    nginx = (ROOT / "deploy" / "nginx.conf").read_text()
    assert "server emulator-a:8080" in nginx and "server emulator-b:8080" in nginx
    tests = services["tests"]
    assert tests["profiles"] == ["ci"]
    assert tests["depends_on"]["emulator"]["condition"] == "service_healthy"
    for svc in ("emulator", "emulator-a"):
        assert services[svc]["healthcheck"]["test"] == ["CMD", "purchase-emulator", "healthcheck"]
