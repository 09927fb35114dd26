"""How to reach every documented GmodStore answer on a fresh emulator.

The one source of GmodStore's recipes for the response-coverage report (GET /__admin/coverage),
the CLI and the dashboard, built on the stable demo ids and tokens (settings.py, the table in
docs/gmodstore.md) and the configured rate limit.
"""

from __future__ import annotations

from typing import Any

from emulator.recipes import Recipe, Step
from emulator.vendors.gmodstore.settings import (
    DEMO_BUYER_IDS,
    DEMO_PRODUCT_ID,
    OTHER_TEAM_PRODUCT_ID,
    GmodStoreSettings,
)

BASE = "/api/v3/products"
UNKNOWN_ID = "00000000-0000-4000-a000-00000000ffff"  # neither a seeded product nor a purchase
WRITER, READER = "gms-demo-token", "gms-read-token"  # the default tokens (settings.py)


def _step(method: str, path: str, token: str | None = WRITER, **extra: Any) -> Step:
    headers = {"Authorization": f"Bearer {token}"} if token else {}
    return Step(method, BASE + path, headers=headers, **extra)


def recipes(settings: GmodStoreSettings) -> dict[tuple[str, int], Recipe]:
    if WRITER not in settings.tokens or READER not in settings.tokens:
        return {}  # configured tokens of their own: the demo ids and tokens do not apply
    collection = f"/{DEMO_PRODUCT_ID}/purchases"
    item = collection + "/${purchase}"
    buy = _step("POST", collection, json={"userId": DEMO_BUYER_IDS[0]},
                save={"purchase": "data.id"})
    calls = {  # operation → (the call that succeeds, its status, the first steps it needs)
        "list_product_purchases": (_step("GET", collection), 200, ()),
        "create_product_purchase": (buy, 201, ()),
        "get_product_purchase": (_step("GET", item), 200, (buy,)),
        "update_product_purchase": (_step("PUT", item, json={"revoked": True}), 200, (buy,)),
    }
    bad = {
        "list_product_purchases": ("perPage must be 1..100", _step(
            "GET", collection, query={"perPage": 0})),
        "create_product_purchase": ("a second unrevoked purchase by the same user", _step(
            "POST", collection, json={"userId": DEMO_BUYER_IDS[0]})),
        "get_product_purchase": ("an unknown filter key", _step(
            "GET", item, query={"filter[colour]": "red"})),
        "update_product_purchase": ("revoked must be true or false", _step(
            "PUT", item, json={"revoked": "yes"})),
    }
    limit = settings.rate_limit
    found: dict[tuple[str, int], Recipe] = {}
    for op, (call, status, before) in calls.items():
        writes = call.method != "GET"
        found[(op, status)] = Recipe("the demo token on the demo product", (*before, call))
        why, wrong = bad[op]
        found[(op, 400)] = Recipe(why, (*before, buy, wrong) if op == "create_product_purchase"
                                  else (*before, wrong))
        found[(op, 401)] = Recipe("no Authorization header", (*before, Step(
            call.method, call.path, query=call.query, json=call.json)))
        found[(op, 403)] = (
            Recipe("a token without the product-purchases:write scope", (*before, Step(
                call.method, call.path, json=call.json,
                headers={"Authorization": f"Bearer {READER}"})))
            if writes else
            Recipe("a product of another team", (_step(
                "GET", f"/{OTHER_TEAM_PRODUCT_ID}/purchases" + (
                    f"/{UNKNOWN_ID}" if op == "get_product_purchase" else "")),)))
        found[(op, 404)] = (
            Recipe("a purchase that does not exist", (_step(
                call.method, f"{collection}/{UNKNOWN_ID}", json=call.json),))
            if before else
            Recipe("a product that does not exist", (_step(
                call.method, f"/{UNKNOWN_ID}/purchases", json=call.json),)))
        found[(op, 429)] = Recipe(
            f"{limit} requests a minute per token; the clock does not move by itself",
            (*before, Step(call.method, call.path, headers=call.headers, json=call.json,
                           repeat=limit + 1)))
    return found
