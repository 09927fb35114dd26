"""Request bodies the Lua scripts send, as JSON templates with one %d (the order number).

Kept in Python so a test can check them against the emulator's own request models without
running wrk.
"""

from __future__ import annotations

import json

# Scenario 2 (every system): HL Connect's sandbox-flavour register, whose body names the asset.
# The live flavour's register needs a fresh single-use validation token per request (two
# requests per row), so the one-row-per-request measurement uses the sandbox flavour; the live
# register is measured inside scenario 3's whole purchase.
REGISTER_PATH = "/sandbox/purchase/register"
REGISTER_FIELDS = {
    "asset_id": 1000001, "order_number": "%d", "order_line_id": 1, "country_code": "US",
    "line_item_price": 4.99, "unit_price": 4.99, "quantity": 1, "customer": "bench",
}


def template(fields: dict) -> str:
    """JSON with the "%d" string placeholder turned into a bare %d (a JSON number)."""
    return json.dumps(fields, separators=(",", ":")).replace('"%d"', "%d")


REGISTER_BODY = template(REGISTER_FIELDS)


def render(body_template: str, number: int) -> bytes:
    """What Lua's string.format(template, number) sends."""
    return (body_template % number).encode()
