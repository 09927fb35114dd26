"""Scenario, snapshot and fixture names cannot escape their directories; YAML is loaded safely
(no Python objects, no alias bombs); no error body carries a traceback or a file path."""

from __future__ import annotations

import httpx
import pytest

from emulator.settings import Settings
from tests.conftest import FIXED_START
from tests.support.live_server import live_server

ESCAPES = ["../../etc/passwd", "..%2F..%2Fetc%2Fpasswd", "/etc/passwd", "%2Fetc%2Fpasswd",
           "..\\..\\windows", "chaos/../../../etc/passwd", "scenarios/chaos.yaml",
           "chaos.yaml", "%00chaos", "chaos%00.yaml"]
PYTHON_TAG = "!!python/object/apply:os.system ['touch {marker}']"
BOMB = "a: &a [x, x, x, x, x, x, x, x, x]\n" + "".join(
    f"{n}: &{n} [{', '.join([f'*{p}'] * 9)}]\n" for p, n in zip("abcdefgh", "bcdefghi", strict=True))


@pytest.fixture(scope="module")
def base(tmp_path_factory):
    db = tmp_path_factory.mktemp("paths") / "emulator.db"
    with live_server(Settings(database_url=f"sqlite:///{db}", clock_start=FIXED_START)) as url:
        yield url


@pytest.fixture
def c(base):
    with httpx.Client(base_url=base, timeout=30) as client:
        yield client


def no_leak(r: httpx.Response) -> None:
    assert r.status_code < 500, r.text
    for leak in ("Traceback", "File \"", "/etc/passwd:", "site-packages", "/work/", "/tmp/"):
        assert leak not in r.text, r.text


@pytest.mark.parametrize("name", ESCAPES)
def test_scenario_names_cannot_escape_the_scenario_directories(c, name):
    active = c.get("/__admin/scenarios").json()["active"]
    for method, path in (("GET", f"/__admin/scenarios/{name}"),
                         ("POST", f"/__admin/scenarios/{name}/activate"),
                         ("POST", f"/__admin/scenarios/{name}/deactivate")):
        r = c.request(method, path, json={})
        no_leak(r)
        assert r.status_code in (400, 404), (path, r.status_code, r.text)
    r = c.get("/health", headers={"X-Emulator-Scenario": name})  # per-request selection
    no_leak(r)
    assert r.status_code == 400 and "unknown scenario" in r.json()["message"]
    assert "root:" not in r.text
    assert c.get("/__admin/scenarios").json()["active"] == active


@pytest.mark.parametrize("name", [n for n in ESCAPES if not n.replace(".", "").isalnum()])
def test_snapshot_names_cannot_escape(c, name):  # (snapshots are rows; "a.yaml" is a fine name)
    for method, path, body in (("POST", "/__admin/snapshots", {"name": name}),
                               ("GET", f"/__admin/snapshots/{name}/export", None),
                               ("POST", f"/__admin/snapshots/{name}/restore", {}),
                               ("DELETE", f"/__admin/snapshots/{name}", None)):
        r = c.request(method, path, json=body)
        no_leak(r)
        assert r.status_code in (400, 404, 422), (method, path, r.status_code, r.text)


def test_yaml_python_tags_are_refused_everywhere(c, tmp_path, make_client):
    marker = tmp_path / "pwned"
    doc = f"hlconnect: {PYTHON_TAG.format(marker=marker)}\n"
    r = c.post("/__admin/fixtures", content=doc)
    no_leak(r)
    assert r.status_code == 422 and "python/object" in r.json()["detail"]
    scenarios = tmp_path / "scenarios"
    scenarios.mkdir()
    (scenarios / "evil.yaml").write_text(
        f"name: evil\ndescription: {PYTHON_TAG.format(marker=marker)}\nrules: []\n")
    client = make_client(scenarios_dir=[scenarios])
    errors = client.get("/__admin/scenarios").json()["errors"]
    assert [e["file"].endswith("evil.yaml") for e in errors] == [True], errors
    assert not marker.exists()


def test_yaml_alias_bombs_are_refused_quickly(c, tmp_path, make_client):
    r = c.post("/__admin/fixtures", content=BOMB + "hlconnect: {assets: *i}\n")
    no_leak(r)
    assert r.status_code == 422
    scenarios = tmp_path / "scenarios"
    scenarios.mkdir()
    (scenarios / "bomb.yaml").write_text(BOMB.replace("a:", "x-a:", 1)
                                         + "name: bomb\ndescription: *i\nrules: []\n")
    client = make_client(scenarios_dir=[scenarios])
    errors = client.get("/__admin/scenarios").json()["errors"]
    assert errors and errors[0]["file"].endswith("bomb.yaml"), errors


def test_unknown_vendor_paths_and_methods_answer_without_internals(c):
    for method, path in (("GET", "/../../etc/passwd"), ("GET", "/api/v3/..%2F..%2F"),
                         ("PATCH", "/purchase/register"), ("GET", "/X.svc/%2e%2e"),
                         ("GET", "/openapi.yaml/../emulator/app.py"),
                         ("GET", "/__admin/ui/..%2F..%2Fapp.py")):
        r = c.request(method, path)
        no_leak(r)
        assert r.status_code in (400, 404, 405), (path, r.status_code)
        assert "import " not in r.text and "def " not in r.text
