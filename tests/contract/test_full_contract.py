"""The whole served contract under Schemathesis' full check set, as a new user would run it.

One server process and one `schemathesis run` of the CLI against its /openapi.yaml: every
operation, all four phases (examples, coverage, fuzzing, stateful), every built-in check but
those excluded below (each with its reason), derandomized (the same cases every run). Then one
test per group of tags reads the run's events: every operation of the group was called, the
checks that must run did, the excluded ones did not, and nothing failed. The groups cover
every tag of the document, so an operation is fuzzed with every check from the day it is
documented. The command to run by hand is in docs/reliability.md.
"""

from __future__ import annotations

import functools
import json
import re
import subprocess
import sys
from dataclasses import dataclass, field
from pathlib import Path

import pytest

from emulator.openapi import build_spec
from tests.reliability import server

CLI = Path(sys.executable).with_name("schemathesis")
EXAMPLES = 12  # per operation and phase: about 3,600 cases in all (derandomized: no seed)

# Checks left out everywhere, each for a reason:
EXCLUDED = {
    "positive_data_acceptance": (
        "it expects every schema-valid request to succeed, but a stateful API refuses "
        "schema-valid requests for business reasons: an unknown or spent validation token, an "
        "HL asset that is not partable, a second active GmodStore purchase"),
}
# ... and for the operations of one tag:
EXCLUDED_FOR_TAG = {
    "gvp": {"negative_data_rejection": (
        "GVP answers its exceptions, invalid parameters included, as HTTP 200 envelopes with a "
        "StatusCode (InvalidParameterException 1011, ...) by design, as the real UNIAPI does: "
        "the check cannot tell that refusal from an acceptance (tests/gvp/test_schemathesis.py "
        "runs it in the `mapped` status mode, where the same refusals are HTTP 4xx)")},
}
# Checks that must have run in every group (the others apply to some operations only).
EVERYWHERE = {"not_a_server_error", "status_code_conformance", "content_type_conformance",
              "response_headers_conformance", "response_schema_conformance",
              "negative_data_rejection", "missing_required_header", "unsupported_method",
              "allow_header_conformance"}
GROUPS = {
    # group: the tags of its operations
    "hlconnect": ["Health", "Assets", "Purchase", "Sandbox", "HL Connect files"],
    "gmodstore": ["ProductPurchases"],
    "gvp": ["gvp", "gvp-payment-page"],
    "admin": ["admin"],
}
# The demo credentials a client of each vendor has: without them every vendor operation would
# stop at its 401 (the `ignored_auth` check still calls without them).
CREDENTIALS = {"access_token": "hl-demo-token", "PersonalAccessToken": "gms-demo-token"}
STATEFUL = "Stateful tests"  # the label of the stateful phase's call sequences


def schemathesis_toml() -> str:
    lines = ["[checks]", "enabled = true"]
    lines += [f"{name}.enabled = false  # {why}" for name, why in EXCLUDED.items()]
    for scheme, token in CREDENTIALS.items():
        lines += ["", f"[auth.openapi.{scheme}]", f'bearer = "{token}"']
    for tag, checks in EXCLUDED_FOR_TAG.items():
        lines += ["", "[[operations]]", f'include-tag = "{tag}"']
        lines += [f"checks.{name}.enabled = false  # {why}" for name, why in checks.items()]
    return "\n".join(lines) + "\n"


@dataclass
class Outcome:
    """What the run did to one operation (or to the stateful sequences)."""

    cases: set[str] = field(default_factory=set)
    checks: set[str] = field(default_factory=set)
    failures: set[str] = field(default_factory=set)  # the names of the checks that failed


@dataclass
class Run:
    returncode: int
    stdout: str
    outcomes: dict[str, Outcome]

    def report(self) -> str:
        return self.stdout[-30_000:]


@pytest.fixture(scope="module")
def run(tmp_path_factory) -> Run:
    """The CLI over the whole document, once for the module (a fresh database)."""
    tmp = tmp_path_factory.mktemp("full-contract")
    config, events = tmp / "schemathesis.toml", tmp / "events.ndjson"
    config.write_text(schemathesis_toml())
    # A server process of its own, as a user runs it (in a thread of this process the same
    # run took twice as long). The fuzzer sends thousands of requests a minute: GmodStore's own
    # limit (60 a minute, counted before authentication as Laravel's throttle is) would answer
    # 429 where the `missing_required_header` check expects 401.
    served = server.start(tmp, env={"EMULATOR_GMODSTORE__RATE_LIMIT": "1000000"})
    try:
        done = subprocess.run(
            [str(CLI), "--config-file", str(config), "--no-color", "run",
             f"{served.base}/openapi.yaml", "--max-examples", str(EXAMPLES),
             "--generation-deterministic", "--report", "ndjson",
             "--report-ndjson-path", str(events)],
            cwd=tmp, capture_output=True, text=True, timeout=600, check=False)
    finally:
        server.stop(served)
    summary = re.findall(r"\d+ generated, .*|=+ .* in [0-9.]+s =+", done.stdout)
    print("schemathesis:", *summary)  # `pytest -s` shows the counts, for the record
    return Run(done.returncode, done.stdout + done.stderr[-5_000:], _outcomes(events))


def _outcomes(events: Path) -> dict[str, Outcome]:
    """operation label → its outcome, from the CLI's NDJSON events."""
    found: dict[str, Outcome] = {}
    if not events.exists():
        return found
    for line in events.read_text().splitlines():
        finished = json.loads(line).get("ScenarioFinished")
        if not finished:
            continue
        outcome = found.setdefault(finished["recorder"]["label"], Outcome())
        for case, results in finished["recorder"].get("checks", {}).items():
            outcome.cases.add(case)
            outcome.checks |= {result["name"] for result in results}
            outcome.failures |= {result["name"] for result in results
                                 if result["status"] == "failure"}
    return found


@functools.cache  # read-only; building the spec takes up to ~0.8 s
def _operations_by_tag() -> dict[str, set[str]]:
    found: dict[str, set[str]] = {}
    for path, item in build_spec()["paths"].items():
        for method, op in item.items():
            if isinstance(op, dict) and "responses" in op:
                for tag in op.get("tags") or ["(untagged)"]:
                    found.setdefault(tag, set()).add(f"{method.upper()} {path}")
    return found


def test_every_tag_is_in_a_group():
    """No operation is left out: the groups cover every tag of the served document."""
    grouped = {tag for tags in GROUPS.values() for tag in tags}
    assert set(_operations_by_tag()) == grouped, set(_operations_by_tag()) ^ grouped


@pytest.mark.parametrize("group", GROUPS)
def test_the_served_contract_passes_every_check(group, run):
    by_tag = _operations_by_tag()
    expected = set().union(*(by_tag[tag] for tag in GROUPS[group]))
    outcomes = {label: run.outcomes[label] for label in expected if label in run.outcomes}
    assert set(outcomes) == expected, (f"not called: {expected - set(outcomes)}", run.report())
    failed = {label: sorted(o.failures) for label, o in outcomes.items() if o.failures}
    assert not failed, (failed, run.report())
    checks = set().union(*(o.checks for o in outcomes.values()))
    assert checks >= EVERYWHERE, EVERYWHERE - checks
    assert not checks & set(EXCLUDED), checks & set(EXCLUDED)
    for tag, excluded in EXCLUDED_FOR_TAG.items():
        for label in by_tag[tag] & expected:
            assert not outcomes[label].checks & set(excluded), label
    assert sum(len(o.cases) for o in outcomes.values()) >= 10 * len(outcomes)


def test_the_run_as_a_whole_passed(run):
    """The CLI's own verdict: the stateful sequences, errors and warnings-as-failures too."""
    stateful = run.outcomes.get(STATEFUL, Outcome())
    assert not stateful.failures, (sorted(stateful.failures), run.report())
    assert run.returncode == 0, run.report()
