"""Schemathesis over the control plane's operations, in process (ASGI): no 5xx, and every
response matches the documented status codes, content types and schemas. Bounded and
derandomized; the test-only Toy vendor supplies orders to list, inspect and force."""

from __future__ import annotations

import tempfile
from pathlib import Path

import schemathesis
from hypothesis import HealthCheck, settings
from schemathesis.checks import not_a_server_error
from schemathesis.specs.openapi.checks import (
    content_type_conformance,
    response_schema_conformance,
    status_code_conformance,
)

from emulator.app import create_app
from tests.conftest import FIXED_START
from tests.control.conftest import ToySettings

CHECKS = [not_a_server_error, status_code_conformance, content_type_conformance,
          response_schema_conformance]
OPERATIONS = (r"^admin_(list_sandboxes|create_sandbox|get_sandbox|delete_sandbox|reset|"
              r"list_snapshots|save_snapshot|import_snapshot|delete_snapshot|restore_snapshot|"
              r"export_snapshot|get_clock|freeze_clock|advance_clock|advance_to_next_event|"
              r"resume_clock|list_orders|get_order|force_order|coverage|load_fixtures|"
              r"verify_requests|ui|ui_asset)$")

# Built at import (schemathesis' fixture loader does not support pytest 9); a throwaway file.
_DB = Path(tempfile.mkdtemp(prefix="control-fuzz-")) / "emulator.db"
APP = create_app(ToySettings(database_url=f"sqlite:///{_DB}", seed=0, clock_start=FIXED_START,
                             sandbox_pool_size=0))
schema = schemathesis.openapi.from_asgi("/openapi.yaml", APP).include(
    operation_id_regex=OPERATIONS)


@schema.parametrize()
@settings(max_examples=20, deadline=None, derandomize=True,
          suppress_health_check=list(HealthCheck))
def test_admin_operations_conform(case):
    case.call_and_validate(checks=CHECKS)
