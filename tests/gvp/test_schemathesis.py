"""Schemathesis over the GVP operations, in process (ASGI): no 5xx, and every response matches
the documented status codes, content types and envelope schemas. Bounded and derandomized."""

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
from emulator.settings import Settings
from tests.conftest import FIXED_START

CHECKS = [not_a_server_error, status_code_conformance, content_type_conformance,
          response_schema_conformance]
GVP_OPERATIONS = (r"^(LoginAnonymous|LoginUserPassword|Renew|GetTime|CreatePurchase|"
                  r"CreatePurchaseStb|CancelPurchase|CancelProduct|GetUserSubscriptions|CheckPin|"
                  r"ChangePin|EnablePin|DisablePin|PaymentPage|PaymentDecision|admin_gvp_cases)$")

# Built at import (schemathesis' fixture loader does not support pytest 9); a throwaway file.
_DB = Path(tempfile.mkdtemp(prefix="gvp-fuzz-")) / "emulator.db"
APP = create_app(Settings(database_url=f"sqlite:///{_DB}", seed=0, clock_start=FIXED_START))
schema = schemathesis.openapi.from_asgi("/openapi.yaml", APP).include(
    operation_id_regex=GVP_OPERATIONS)


@schema.parametrize()
@settings(max_examples=25, deadline=None, derandomize=True,
          suppress_health_check=list(HealthCheck))
def test_gvp_operations_conform(case):
    case.call_and_validate(checks=CHECKS)
