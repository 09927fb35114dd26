"""GmodStore's wire format: ProductPurchase out, payloads and list queries in.

Bodies and queries are parsed here by hand rather than by FastAPI so every problem becomes a
GmodStore validation error (400, `{"message", "errors": {field: [problem]}}`) with a message a
developer can act on, instead of FastAPI's 422 body.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import UTC, datetime
from functools import lru_cache
from typing import Any

import orjson

from emulator.errors import BadRequest
from emulator.vendors.gmodstore.models import REVOKED, GmsPurchase

FILTER_KEYS = ("revoked", "userId", "productId")
FILTER_QUOTE = 80  # characters of a malformed filter quoted back in the 400
_INT = re.compile(r"^-?[0-9]{1,9}$")
_FILTER = re.compile(r"^filter\[([^\[\]]*)\]$")


class Invalid(BadRequest):
    """Invalid input: 400 with the field map."""

    def __init__(self, field_name: str, problem: str, message: str | None = None) -> None:
        if message is None:  # a full sentence stands alone; a fragment gets the field name
            message = problem if problem[:1].isupper() else f"{field_name} {problem}"
        super().__init__(message, fields={field_name: [problem]})


def rfc3339(ts: float) -> str:
    return _rfc3339(int(ts))


@lru_cache(maxsize=4096)  # a page formats 48 instants, many of them seen on the last page
def _rfc3339(seconds: int) -> str:
    return datetime.fromtimestamp(seconds, tz=UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


def purchase_out(row: GmsPurchase) -> dict[str, Any]:
    return {
        "id": row.id,
        "userId": row.user_id,
        "productId": row.product_id,
        "revoked": row.status == REVOKED,  # an ORM row or a Core row alike
        "createdAt": rfc3339(row.created_at),
        "updatedAt": rfc3339(row.updated_at),
    }


def _json_object(body: bytes) -> dict:
    """The body as a JSON object; an absent body is an empty one (the payloads are optional)."""
    if not body.strip():
        return {}
    try:
        data = orjson.loads(body)
    except orjson.JSONDecodeError:
        raise Invalid("body", "is not valid JSON",
                      "The request body is not valid JSON") from None
    if not isinstance(data, dict):
        raise Invalid("body", "must be a JSON object",
                      "The request body must be a JSON object") from None
    return data


def parse_new_purchase(body: bytes) -> str:
    data = _json_object(body)
    user_id = data.get("userId")
    if user_id is None:
        raise Invalid("userId", "The userId field is required.",
                      "The userId field is required.")
    if not isinstance(user_id, str):
        raise Invalid("userId", "The userId must be a string.", "The userId must be a string.")
    if not user_id.strip():
        raise Invalid("userId", "The userId field is required.", "The userId field is required.")
    if "\x00" in user_id:
        raise Invalid("userId", "The userId must not contain NUL characters.")
    return user_id


def parse_update(body: bytes) -> bool | None:
    """The requested `revoked` value, or None when the payload leaves it out (no change)."""
    data = _json_object(body)
    if "revoked" not in data:
        return None
    revoked = data["revoked"]
    if not isinstance(revoked, bool):
        raise Invalid("revoked", "The revoked field must be true or false.",
                      "The revoked field must be true or false.")
    return revoked


@dataclass
class ListQuery:
    per_page: int
    cursor: str | None = None
    filters: dict[str, Any] = field(default_factory=dict)


def parse_filters(items: Iterable[tuple[str, str]]) -> dict[str, Any]:
    """deepObject `filter[key]=value` pairs; unknown keys and bad values are errors.

    `filter=<JSON object>` is accepted too: OpenAPI Generator's Python client (what the
    GmodStore SDK is generated with) serializes deepObject parameters that way.
    """
    pairs: list[tuple[str, str, Any]] = []
    for key, value in items:
        if key == "filter":
            pairs += [(f"filter[{k}]", k, v) for k, v in _json_filter(value).items()]
        elif key.startswith("filter["):
            match = _FILTER.match(key)
            if match is None:
                raise _bad_filter(f"{key}={value}")
            pairs.append((key, match.group(1), value))
    filters: dict[str, Any] = {}
    for key, name, value in pairs:
        if name not in FILTER_KEYS:
            raise Invalid(f"filter.{name}" if name else "filter",
                          f"is not a known filter (use one of {', '.join(FILTER_KEYS)})",
                          f"Unknown filter {key!r}: filters are {', '.join(FILTER_KEYS)}")
        if name == "revoked":
            lowered = str(value).lower() if isinstance(value, (str, bool)) else None
            if lowered not in ("true", "false", "1", "0"):
                raise Invalid("filter.revoked", "must be true or false")
            filters["revoked"] = lowered in ("true", "1")
        elif not isinstance(value, str):
            raise Invalid(f"filter.{name}", "must be a string")
        elif "\x00" in value:
            raise Invalid(f"filter.{name}", "must not contain NUL characters")
        else:
            filters[name] = value
    return filters


def _json_filter(value: str) -> dict:
    try:
        data = orjson.loads(value)
    except orjson.JSONDecodeError:
        data = None
    if not isinstance(data, dict):
        # e.g. a client that sends its filter model's Python repr: {'revoked': True}
        raise _bad_filter(f"filter={value}")
    return data


def _bad_filter(sent: str) -> Invalid:
    """A 400 that quotes what arrived (truncated) and names both accepted forms."""
    shown = sent if len(sent) <= FILTER_QUOTE else sent[:FILTER_QUOTE - 3] + "..."
    forms = (f"filter[key]=value (e.g. filter[revoked]=true) or filter=<JSON object> "
             f"(e.g. filter={{\"revoked\": true}}), key one of {', '.join(FILTER_KEYS)}")
    return Invalid("filter", f"must be given as {forms}",
                   f"The filter must be given as {forms}; got {shown}")


def parse_list_query(items: list[tuple[str, str]], default_per_page: int) -> ListQuery:
    query = ListQuery(per_page=default_per_page, filters=parse_filters(items))
    for key, value in items:
        if key == "perPage":
            if not _INT.match(value) or not 1 <= int(value) <= 100:
                raise Invalid("perPage", "must be an integer between 1 and 100",
                              f"perPage must be an integer between 1 and 100, got {value!r}")
            query.per_page = int(value)
        elif key == "cursor":
            query.cursor = value or None
    return query
