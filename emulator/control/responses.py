"""Response coverage: which documented answers of each vendor the journal saw, and how to get
the others (the `responses` part of GET /__admin/coverage).

The documented outcomes and their recipes come from each vendor (`ResponseCatalog`); `seen`
counts the sandbox's journaled answers (at most EMULATOR_JOURNAL_SIZE per sandbox, cleared by
a reset like the journal itself). Answers that match no documented outcome are listed too:
what a client met that the contract does not describe.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable

from emulator.journal import JournalEntry
from emulator.recipes import render
from emulator.vendors.base import Vendor


def responses_report(vendors: dict[str, Vendor], entries: Iterable[JournalEntry]) -> dict:
    seen: Counter[tuple[str, str, int, str]] = Counter()
    for entry in entries:
        vendor = vendors.get(entry.vendor or "")
        if vendor is None or not entry.operation or not entry.status:
            continue  # not a vendor call, or the client got no HTTP answer (status 0)
        seen[(vendor.name, entry.operation, entry.status, vendor.outcome_of(entry))] += 1

    listed = []
    documented: set[tuple[str, str, int, str]] = set()
    for name, vendor in vendors.items():
        for outcome in vendor.documented_outcomes():
            key = (name, outcome.operation, outcome.status, outcome.outcome)
            documented.add(key)
            recipe = outcome.recipe
            listed.append({"vendor": name, "operation": outcome.operation,
                           "status": outcome.status, "code": outcome.code,
                           "outcome": outcome.outcome, "seen": seen.get(key, 0),
                           "how": render(recipe) if recipe else None,
                           "recipe": recipe.as_dict() if recipe else None})
    met = sum(1 for item in listed if item["seen"])
    return {
        "responses_percent": _percent(met, len(listed)),
        "responses_by_vendor": _totals(listed, ("vendor",)),
        "responses_by_operation": _totals(listed, ("vendor", "operation")),
        "responses": listed,
        "responses_undocumented": [
            {"vendor": v, "operation": op, "status": status, "outcome": outcome, "seen": n}
            for (v, op, status, outcome), n in sorted(seen.items()) if (v, op, status, outcome)
            not in documented],
    }


def _totals(listed: list[dict], keys: tuple[str, ...]) -> list[dict]:
    groups: dict[tuple, list[int]] = {}
    for item in listed:
        total_met = groups.setdefault(tuple(item[k] for k in keys), [0, 0])
        total_met[0] += 1
        total_met[1] += bool(item["seen"])
    return [{**dict(zip(keys, group, strict=True)), "total": total, "met": met,
             "percent": _percent(met, total)} for group, (total, met) in groups.items()]


def _percent(part: int, whole: int) -> float:
    return round(100 * part / whole, 1) if whole else 0.0
