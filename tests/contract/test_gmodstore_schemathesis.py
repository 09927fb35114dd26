"""Schemathesis over the four GmodStore operations, in process (ASGI): no 5xx, no response
that breaks the documented schema, status codes, content types or headers (the X-RateLimit-*
headers are documented as required on every response, so their absence fails).

Bounded (a few dozen examples per operation) and derandomized so a failure repeats.
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
OPERATIONS = ("create_product_purchase", "list_product_purchases", "get_product_purchase",
              "update_product_purchase")
AUTH = {"Authorization": "Bearer gms-demo-token"}

# Built at import (schemathesis' fixture loader does not support pytest 9 yet); a throwaway
# database shared by the cases, and a rate limit high enough that fuzzing is not throttled.
_DB = Path(tempfile.mkdtemp(prefix="gms-fuzz-")) / "emulator.db"
APP = create_app(Settings(database_url=f"sqlite:///{_DB}", seed=0, clock_start=FIXED_START,
                          gmodstore={"rate_limit": 100_000}))
schema = schemathesis.openapi.from_asgi("/openapi.yaml", APP).include(
    operation_id=list(OPERATIONS))


@schema.parametrize()
@settings(max_examples=25, deadline=None, derandomize=True,
          suppress_health_check=list(HealthCheck))
def test_gmodstore_operations_conform(case):
    case.call_and_validate(headers=AUTH, checks=CHECKS)


@schema.parametrize()
@settings(max_examples=8, deadline=None, derandomize=True,
          suppress_health_check=list(HealthCheck))
def test_gmodstore_errors_conform_without_a_token(case):
    """Unauthenticated calls: documented 401s (with rate-limit headers), never a 5xx."""
    response = case.call_and_validate(checks=CHECKS)
    assert response.status_code in (401, 404, 405), response.status_code


def _negative_schema():
    from schemathesis import GenerationMode
    from schemathesis.config import SchemathesisConfig

    config = SchemathesisConfig()
    config.projects.default.generation.update(modes=[GenerationMode.NEGATIVE])
    return schemathesis.openapi.from_asgi("/openapi.yaml", APP, config=config).include(
        operation_id=list(OPERATIONS))


negative = _negative_schema()


@negative.parametrize()
@settings(max_examples=25, deadline=None, derandomize=True,
          suppress_health_check=list(HealthCheck))
def test_gmodstore_rejects_invalid_input_cleanly(case):
    """Schema-violating requests (wrong types, out-of-range perPage, bad bodies): a documented
    4xx in GmodStore's shape, never a 5xx and never an accepted request."""
    from schemathesis.checks import negative_data_rejection

    case.call_and_validate(headers=AUTH, checks=[not_a_server_error, negative_data_rejection,
                                                 content_type_conformance,
                                                 response_headers_conformance])


reads = schemathesis.openapi.from_asgi("/openapi.yaml", APP).include(
    operation_id=["list_product_purchases", "get_product_purchase"])


@reads.parametrize()
@settings(max_examples=25, deadline=None, derandomize=True,
          suppress_health_check=list(HealthCheck))
def test_gmodstore_reads_accept_every_valid_query(case):
    """Any schema-valid perPage/cursor-less query and deepObject filter is accepted (2xx, or
    404 for an unknown product/purchase): the server's validators agree with the contract."""
    from schemathesis.specs.openapi.checks import positive_data_acceptance

    case.call_and_validate(headers=AUTH, checks=[*CHECKS, positive_data_acceptance])
