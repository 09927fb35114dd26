"""Schemathesis over GVP's methods in the `mapped` HTTP status mode, in process (ASGI).

tests/contract/test_full_contract.py runs every check over the whole contract, but leaves out
negative_data_rejection for GVP: by default its exceptions are HTTP 200 envelopes, as the real
UNIAPI's are. In `mapped` mode the same refusals carry HTTP 4xx, so here the check can tell a
refusal from an acceptance: invalid input (wrong types, out-of-range integers, missing
parameters) must be refused, by GET and by form POST. Positive and negative data, every check
but positive_data_acceptance (business rules refuse schema-valid input, e.g. an unknown
token); bounded and derandomized.
"""

from __future__ import annotations

import schemathesis
from hypothesis import HealthCheck, settings
from schemathesis.generation.modes import GenerationMode
from schemathesis.specs.openapi.checks import positive_data_acceptance

from emulator.app import create_app
from emulator.settings import Settings
from tests.conftest import FIXED_START
from tests.support.scratch import scratch_dir

METHODS = (r"^(LoginAnonymous|LoginUserPassword|Renew|GetTime|CreatePurchase|CreatePurchaseStb|"
           r"CancelPurchase|CancelProduct|GetUserSubscriptions|CheckPin|ChangePin|EnablePin|"
           r"DisablePin)(Form)?$")  # each method's GET and its form POST

# Built at import (schemathesis' pytest loader does not support pytest 9 yet); a throwaway file.
_DB = scratch_dir("gvp-fuzz-") / "emulator.db"
APP = create_app(Settings(database_url=f"sqlite:///{_DB}", seed=0, clock_start=FIXED_START,
                          gvp={"http_status_mode": "mapped"}))
schema = schemathesis.openapi.from_asgi("/openapi.yaml", APP).include(
    operation_id_regex=METHODS)
schema.config.generation.update(modes=list(GenerationMode))  # positive + negative


def test_every_method_is_covered():
    assert len([r for r in schema.get_all_operations() if r.ok()]) == 26  # 13 GET + 13 POST


@schema.parametrize()
@settings(max_examples=8, deadline=None, derandomize=True,
          suppress_health_check=list(HealthCheck))
def test_gvp_refuses_invalid_input_in_mapped_mode(case):
    case.call_and_validate(excluded_checks=[positive_data_acceptance])
