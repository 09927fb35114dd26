"""POST /__admin/requests/verify: how many journaled requests matched, with near misses.

Like WireMock's verify: give the vendor/operation/method/path/status and body or query fields
a request must have carried, and the count you expect; the answer says whether it held and,
when it did not, which recorded requests came closest and how they differed.
"""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter
from pydantic import BaseModel, ConfigDict, Field, StrictInt, model_validator

from emulator.deps import Ctx, RuntimeDep
from emulator.journal import JournalEntry

router = APIRouter(prefix="/__admin/requests", tags=["admin"])
SCALARS = ("vendor", "operation", "method", "path", "status", "flavour")


class Verify(BaseModel):
    model_config = ConfigDict(extra="forbid")

    vendor: str | None = None
    operation: str | None = None
    method: str | None = None
    path: str | None = None
    status: StrictInt | None = None
    flavour: str | None = None
    rule: str | None = Field(None, description="a scenario rule that fired on the request")
    body: dict[str, Any] = Field(default_factory=dict,
                                 description="body fields (dotted paths) and their values")
    query: dict[str, Any] = Field(default_factory=dict, description="query parameters")
    count: StrictInt | None = Field(None, ge=0, description="exactly this many")
    at_least: StrictInt | None = Field(None, ge=0)
    at_most: StrictInt | None = Field(None, ge=0)
    near_misses: StrictInt = Field(3, ge=0, le=20)

    @model_validator(mode="after")
    def _one_expectation(self) -> Verify:
        if self.count is not None and (self.at_least is not None or self.at_most is not None):
            raise ValueError("give count, or at_least/at_most, not both")
        if self.count is None and self.at_least is None and self.at_most is None:
            self.at_least = 1
        return self

    def criteria(self) -> dict[str, Any]:
        found = {k: getattr(self, k) for k in SCALARS if getattr(self, k) is not None}
        if self.rule is not None:
            found["rule"] = self.rule
        found.update({f"body.{k}": v for k, v in self.body.items()})
        found.update({f"query.{k}": v for k, v in self.query.items()})
        return found

    def expectation(self) -> str:
        if self.count is not None:
            return f"exactly {self.count}"
        if self.at_least is not None and self.at_most is not None:
            return f"between {self.at_least} and {self.at_most}"
        return f"at least {self.at_least}" if self.at_least is not None else f"at most {self.at_most}"

    def holds(self, n: int) -> bool:
        if self.count is not None:
            return n == self.count
        return (self.at_least is None or n >= self.at_least) and \
            (self.at_most is None or n <= self.at_most)


_MISSING = object()


def _dig(value: Any, dotted: str) -> Any:
    for part in dotted.split("."):
        if isinstance(value, dict) and part in value:
            value = value[part]
        elif isinstance(value, list) and part.isdigit() and int(part) < len(value):
            value = value[int(part)]
        else:
            return _MISSING
    return value


def _same(expected: Any, actual: Any) -> bool:
    # form bodies and query strings carry text: "5" matches 5, "true" matches True
    if expected == actual:
        return True
    if isinstance(expected, bool) or isinstance(actual, bool):
        return str(expected).lower() == str(actual).lower()
    return actual is not _MISSING and str(expected) == str(actual)


def _actual(entry: JournalEntry, key: str) -> Any:
    if key == "rule":
        return entry.rules
    if key.startswith("body."):
        return _dig(entry.body, key[5:])
    if key.startswith("query."):
        return _dig(entry.query, key[6:])
    value = getattr(entry, key)
    return value.upper() if key == "method" and isinstance(value, str) else value


def differences(entry: JournalEntry, criteria: dict[str, Any]) -> list[dict]:
    diffs = []
    for key, expected in criteria.items():
        actual = _actual(entry, key)
        if key == "rule":  # "<scenario>/<rule-id>", or a scenario name for any of its rules
            ok = any(r == expected or r.startswith(f"{expected}/") for r in actual)
        elif key == "method":
            ok = str(expected).upper() == actual
        else:
            ok = _same(expected, actual)
        if not ok:
            diffs.append({"field": key, "expected": expected,
                          "actual": None if actual is _MISSING else actual,
                          **({"missing": True} if actual is _MISSING else {})})
    return diffs


def _summary(entry: JournalEntry) -> dict:
    return {"id": entry.id, "at": entry.at, "method": entry.method, "path": entry.path,
            "vendor": entry.vendor, "operation": entry.operation, "status": entry.status,
            "rules": entry.rules}


@router.post("/verify", operation_id="admin_verify_requests")
def verify(body: Verify, runtime: RuntimeDep,
           ctx: Ctx) -> dict:
    criteria = body.criteria()
    entries = runtime.journal.entries(ctx.sandbox)
    matched, misses = [], []
    for entry in entries:
        diffs = differences(entry, criteria)
        if diffs:
            misses.append((len(diffs), entry, diffs))
        else:
            matched.append(entry)
    n = len(matched)
    ok = body.holds(n)
    wanted = ", ".join(f"{k}={v!r}" for k, v in criteria.items()) or "any request"
    message = (f"expected {body.expectation()} request(s) matching {wanted}; "
               f"{n} matched among {len(entries)} journaled in sandbox {ctx.sandbox!r}")
    near = [] if ok and body.count is None else sorted(misses, key=lambda m: m[0])[:body.near_misses]
    return {
        "ok": ok,
        "message": ("OK: " if ok else "MISMATCH: ") + message,
        "sandbox": ctx.sandbox,
        "count": n,
        "expected": {"count": body.count, "at_least": body.at_least, "at_most": body.at_most},
        "criteria": criteria,
        "matched": [_summary(e) for e in matched],
        "near_misses": [{**_summary(e), "differences": d} for _, e, d in near],
    }
