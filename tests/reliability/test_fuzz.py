"""Schemathesis over every vendor's operations in `openapi.yaml`, positive AND negative data
(the CLI's `--mode all`), with schemathesis' default checks (every built-in check, including
negative_data_rejection, ignored_auth, missing_required_header, unsupported_method, ...).

In process (ASGI), bounded and derandomized so CI stays quick and a failure repeats. The longer
campaign is the CLI against a served emulator: see docs/reliability.md.
"""

from __future__ import annotations

import tempfile
from pathlib import Path

import schemathesis
from hypothesis import HealthCheck, settings
from schemathesis.generation.modes import GenerationMode
from schemathesis.specs.openapi.checks import (
    positive_data_acceptance,
)

from emulator.app import create_app
from emulator.settings import Settings
from tests.conftest import FIXED_START

EXAMPLES = 8
# Excluded checks, each for a reason:
# - positive_data_acceptance: it expects any schema-valid request to succeed, but the vendors'
#   business rules reject schema-valid input by design (a forged validation token is 422, a
#   string that is no IP address 400, a second active GmodStore purchase 400).
EXCLUDED = [positive_data_acceptance]
VENDORS = {
    # vendor: (operationId regex, headers a real client sends, further excluded checks)
    "hlconnect": (r"^(connector_|hlconnect_)", {"Authorization": "Bearer hl-demo-token"}, []),
    "gmodstore": (r"^(create|list|get|update)_product_purchases?$",
                  {"Authorization": "Bearer gms-demo-token"}, []),
    "gvp": (r"^(LoginAnonymous|LoginUserPassword|Renew|GetTime|CreatePurchase|CreatePurchaseStb|"
            r"CancelPurchase|CancelProduct|GetUserSubscriptions|CheckPin|ChangePin|EnablePin|"
            r"DisablePin)(Form)?$", {}, []),  # GET and its form POST
    "gvp-payment": (r"^(PaymentPage|PaymentDecision)$", {}, []),
}

# Built at import (schemathesis' pytest loader does not support pytest 9 yet); a throwaway
# database shared by the cases, with GmodStore's rate limit out of the way of the fuzzer. GVP
# answers errors as HTTP 200 + StatusCode by default; its `mapped` mode gives them HTTP 4xx, so
# the negative-data check can tell a rejection from an acceptance.
_DB = Path(tempfile.mkdtemp(prefix="fuzz-")) / "emulator.db"
APP = create_app(Settings(database_url=f"sqlite:///{_DB}", seed=0, clock_start=FIXED_START,
                          gmodstore={"rate_limit": 1_000_000},
                          gvp={"http_status_mode": "mapped"}))
BASE = schemathesis.openapi.from_asgi("/openapi.yaml", APP)
BASE.config.generation.update(modes=list(GenerationMode))  # positive + negative


def _schema(vendor: str):
    return BASE.include(operation_id_regex=VENDORS[vendor][0])


def _fuzz(vendor: str):
    @_schema(vendor).parametrize()
    @settings(max_examples=EXAMPLES, deadline=None, derandomize=True,
              suppress_health_check=list(HealthCheck))
    def test(case):
        _, headers, excluded = VENDORS[vendor]
        case.call_and_validate(headers=headers, excluded_checks=EXCLUDED + excluded)

    return test


test_fuzz_hlconnect = _fuzz("hlconnect")
test_fuzz_gmodstore = _fuzz("gmodstore")
test_fuzz_gvp = _fuzz("gvp")
test_fuzz_gvp_payment_page = _fuzz("gvp-payment")


def test_every_vendor_operation_is_fuzzed():
    """The regexes above cover every operation the vendors serve (none silently left out)."""
    documented = {op.label for op in _ops(BASE)
                  if not op.path.startswith("/__admin")}
    covered = set()
    for vendor in VENDORS:
        covered |= {op.label for op in _ops(_schema(vendor))}
    assert documented == covered, documented ^ covered


def _ops(schema):
    return [result.ok() for result in schema.get_all_operations()]
