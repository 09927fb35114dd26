"""Tiny stdlib HTTP helper for setting up state before a measurement (not for load)."""

from __future__ import annotations

import http.client
import json
import time
from typing import Any

HL = {"Authorization": "Bearer hl-demo-token", "Content-Type": "application/json"}


def call(port: int, method: str, path: str, body: Any = None,
         headers: dict[str, str] | None = None, timeout: float = 600) -> tuple[int, Any, float]:
    """(status, parsed JSON body or None, seconds)."""
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=timeout)
    payload = json.dumps(body).encode() if body is not None else None
    hdrs = {"Content-Type": "application/json", **(headers or {})}
    started = time.perf_counter()
    try:
        conn.request(method, path, body=payload, headers=hdrs)
        response = conn.getresponse()
        raw = response.read()
    finally:
        conn.close()
    elapsed = time.perf_counter() - started
    try:
        parsed = json.loads(raw) if raw else None
    except ValueError:
        parsed = raw.decode("utf-8", "replace")
    return response.status, parsed, elapsed


def hl_completed_order(port: int, order_number: int) -> None:
    """validate → register (live) → info: a completed one-line order of test asset 1000001."""
    status, token, _ = call(port, "POST", "/purchase/validate-purchase-before-payment",
                            {"asset_id": 1000001, "customer_ip": "192.0.2.10", "quantity": 1},
                            HL)
    if status != 200:
        raise RuntimeError(f"validate answered {status}: {token}")
    status, body, _ = call(port, "POST", "/purchase/register", {
        "token": token["token"], "order_number": order_number, "order_line_id": 1,
        "line_item_price": 4.99, "unit_price": 4.99, "customer": "bench"}, HL)
    if status != 201:
        raise RuntimeError(f"register answered {status}: {body}")
    status, body, _ = call(port, "GET", f"/purchase/info?order_id={order_number}", None, HL)
    if status != 200 or body[0]["status"] != "COMPLETED":
        raise RuntimeError(f"info answered {status}: {body}")
