"""Schemathesis over the admin order operations with orders to find, in process (ASGI).

tests/contract/test_full_contract.py runs every check over every admin operation, but its
sandboxes hold no orders, so getting and forcing one only ever answers 404. Here the test-only
Toy vendor supplies orders to list, inspect and force: no 5xx, and every response matches the
documented status codes, content types and schemas. Bounded and derandomized."""

from __future__ import annotations

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
from tests.support.scratch import scratch_dir

CHECKS = [not_a_server_error, status_code_conformance, content_type_conformance,
          response_schema_conformance]
OPERATIONS = r"^admin_(list_orders|get_order|force_order|coverage)$"

# Built at import (schemathesis' fixture loader does not support pytest 9); a throwaway file.
_DB = scratch_dir("control-fuzz-") / "emulator.db"
APP = create_app(ToySettings(database_url=f"sqlite:///{_DB}", seed=0, clock_start=FIXED_START,
                             sandbox_pool_size=0))
schema = schemathesis.openapi.from_asgi("/openapi.yaml", APP).include(
    operation_id_regex=OPERATIONS)


@schema.parametrize()
@settings(max_examples=20, deadline=None, derandomize=True,
          suppress_health_check=list(HealthCheck))
def test_admin_operations_conform(case):
    case.call_and_validate(checks=CHECKS)
