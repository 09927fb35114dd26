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

from emulator.coverage_report import summarise
from emulator.journal import JournalEntry
from emulator.vendors.base import Vendor


def responses_report(vendors: dict[str, Vendor], entries: Iterable[JournalEntry]) -> dict:
    seen: Counter[tuple[str, str, int, str]] = Counter()
    codes: dict[tuple[str, str, int, str], int | None] = {}
    for entry in entries:
        vendor = vendors.get(entry.vendor or "")
        if vendor is None or not entry.operation or not entry.status:
            continue  # not a vendor call, or the client got no HTTP answer (status 0)
        key = (vendor.name, entry.operation, entry.status, vendor.outcome_of(entry))
        seen[key] += 1
        codes.setdefault(key, entry.code)

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
                           "how": recipe.text if recipe else None,
                           "recipe": recipe.data if recipe else None})
    return summarise(listed, [
        {"vendor": key[0], "operation": key[1], "status": key[2], "code": codes[key],
         "outcome": key[3], "seen": n}
        for key, n in sorted(seen.items()) if key not in documented])
