"""Schemathesis over the HL Connect operations, in process (ASGI): no 5xx, no response that
breaks the documented schema, status codes, content types or headers.

Bounded (a few examples per operation) so it runs in seconds; the seed is fixed so a failure
repeats.
"""

from __future__ import annotations

import tempfile
from pathlib import Path

import schemathesis
from hypothesis import HealthCheck, settings
from schemathesis.checks import not_a_server_error
from schemathesis.specs.openapi.checks import (
    content_type_conformance,
    response_headers_conformance,
    response_schema_conformance,
    status_code_conformance,
)

from emulator.app import create_app
from emulator.settings import Settings
from tests.conftest import FIXED_START

CHECKS = [not_a_server_error, status_code_conformance, content_type_conformance,
          response_schema_conformance, response_headers_conformance]
AUTH = {"Authorization": "Bearer hl-demo-token"}


# Built at import: schemathesis' fixture-based loader does not support pytest 9 yet. The
# database is a throwaway file; fuzzing shares it across cases, which is what we want.
_DB = Path(tempfile.mkdtemp(prefix="hl-fuzz-")) / "emulator.db"
APP = create_app(Settings(database_url=f"sqlite:///{_DB}", seed=0, clock_start=FIXED_START))
schema = schemathesis.openapi.from_asgi("/openapi.yaml", APP).include(
    operation_id_regex=r"^(connector_|hlconnect_)")


@schema.parametrize()
@settings(max_examples=6, deadline=None, derandomize=True,
          suppress_health_check=list(HealthCheck))
def test_hlconnect_operations_conform(case):
    case.call_and_validate(headers=AUTH, checks=CHECKS)
