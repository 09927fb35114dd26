"""Schemathesis' positive_data_acceptance over GmodStore's two reads, in process (ASGI).

tests/contract/test_full_contract.py runs every other check over the whole contract, but
leaves this one out: business rules refuse schema-valid writes (a second active purchase).
Reads have none but the opaque cursor, so here any schema-valid cursor-less query and
deepObject filter must be accepted (2xx, or 404 for an unknown product/purchase): the
server's validators agree with the contract. Bounded and derandomized.
"""

from __future__ import annotations

import schemathesis
from hypothesis import HealthCheck, settings
from schemathesis.checks import not_a_server_error
from schemathesis.specs.openapi.checks import (
    positive_data_acceptance,
    response_schema_conformance,
    status_code_conformance,
)

from emulator.app import create_app
from emulator.settings import Settings
from tests.conftest import FIXED_START
from tests.support.scratch import scratch_dir

AUTH = {"Authorization": "Bearer gms-demo-token"}

# Built at import (schemathesis' fixture loader does not support pytest 9 yet); a throwaway
# database shared by the cases, and a rate limit high enough that fuzzing is not throttled.
_DB = scratch_dir("gms-fuzz-") / "emulator.db"
APP = create_app(Settings(database_url=f"sqlite:///{_DB}", seed=0, clock_start=FIXED_START,
                          gmodstore={"rate_limit": 100_000}))
reads = schemathesis.openapi.from_asgi("/openapi.yaml", APP).include(
    operation_id=["list_product_purchases", "get_product_purchase"])


@reads.parametrize()
@settings(max_examples=25, deadline=None, derandomize=True,
          suppress_health_check=list(HealthCheck))
def test_gmodstore_reads_accept_every_valid_query(case):
    if case.query:  # a cursor is opaque: only one a list returned is valid (400 otherwise)
        case.query.pop("cursor", None)
    case.call_and_validate(headers=AUTH, checks=[not_a_server_error, status_code_conformance,
                                                 response_schema_conformance,
                                                 positive_data_acceptance])
