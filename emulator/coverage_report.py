"""The response-coverage report as people and CI systems read it: totals, text, JUnit XML.

Works on the `responses*` part of GET /__admin/coverage (emulator/control/responses.py builds
it), so the CLI (`purchase-emulator coverage`) and the pytest plugin show the same thing, and
reports of several sandboxes can be merged (the plugin deletes each test's sandbox, after
taking its report). Light on imports: the pytest plugin loads it in every user's test run.
"""

from __future__ import annotations

from collections.abc import Iterable
from html import escape
from typing import Any

KEYS = ("responses_percent", "responses_by_vendor", "responses_by_operation", "responses",
        "responses_undocumented")


def summarise(listed: list[dict], undocumented: list[dict]) -> dict[str, Any]:
    """The report from its outcome list: totals overall, per vendor and per operation."""
    met = sum(1 for item in listed if item["seen"])
    return {"responses_percent": percent(met, len(listed)),
            "responses_by_vendor": _totals(listed, ("vendor",)),
            "responses_by_operation": _totals(listed, ("vendor", "operation")),
            "responses": listed, "responses_undocumented": undocumented}


def merge(reports: Iterable[dict]) -> dict[str, Any]:
    """Several sandboxes' reports as one: every outcome's `seen` summed."""
    listed: dict[tuple, dict] = {}
    extra: dict[tuple, dict] = {}
    for report in reports:
        for target, items in ((listed, report["responses"]),
                              (extra, report["responses_undocumented"])):
            for item in items:
                key = outcome_key(item)
                if key in target:
                    target[key]["seen"] += item["seen"]
                else:
                    target[key] = dict(item)
    return summarise(list(listed.values()), sorted(extra.values(), key=lambda item: (
        item["vendor"], item["operation"], item["status"], item["outcome"])))


def percent(part: int, whole: int) -> float:
    return round(100 * part / whole, 1) if whole else 0.0


def outcome_key(item: dict) -> tuple:
    """An answer with a code of its own is that code whatever its HTTP status (a vendor may map
    codes to statuses by a setting: the same outcome in emulators configured differently)."""
    if item.get("code") is not None:
        return item["vendor"], item["operation"], "code", item["code"], item["outcome"]
    return item["vendor"], item["operation"], item["status"], item["outcome"]


def _totals(listed: list[dict], keys: tuple[str, ...]) -> list[dict]:
    groups: dict[tuple, list[int]] = {}
    for item in listed:
        total_met = groups.setdefault(tuple(item[k] for k in keys), [0, 0])
        total_met[0] += 1
        total_met[1] += bool(item["seen"])
    return [{**dict(zip(keys, group, strict=True)), "total": total, "met": met,
             "percent": percent(met, total)} for group, (total, met) in groups.items()]


# -- text ----------------------------------------------------------------------------------------
def label(item: dict) -> str:
    """`hlconnect connector_purchase_register 409 Conflict`, `gvp CreatePurchase 200 code 87
    InsufficientBalance`."""
    code = f" code {item['code']}" if item.get("code") is not None else ""
    return f"{item['vendor']} {item['operation']} {item['status']}{code} {item['outcome']}"


def render_text(report: dict, *, recipes: bool = True, met: bool = True, title: str = "") -> str:
    """Unmet outcomes first, each with its recipe (unless `recipes` is false), then the met
    ones (unless `met` is false) and answers the contract does not document."""
    listed = report["responses"]
    unmet = [item for item in listed if not item["seen"]]
    lines = [f"Response coverage{title}: {len(listed) - len(unmet)} of {len(listed)} documented "
             f"answers met ({report['responses_percent']}%)"]
    width = max((len(v["vendor"]) for v in report["responses_by_vendor"]), default=0)
    lines += [f"  {v['vendor']:<{width}}  {v['met']:>3}/{v['total']:<3}  {v['percent']}%"
              for v in report["responses_by_vendor"]]
    lines.append("")
    lines.append(f"Never met ({len(unmet)}):")
    for item in unmet:
        lines.append(f"  {label(item)}")
        if recipes:
            how = item.get("how") or "no recipe: the vendor gives none"
            lines.extend(f"      {line}" for line in how.splitlines())
    if met:
        lines.append("")
        lines.append(f"Met ({len(listed) - len(unmet)}):")
        lines.extend(f"  {label(item)}  ×{item['seen']}" for item in listed if item["seen"])
    if report["responses_undocumented"]:
        lines.append("")
        lines.append(f"Answers the contract does not document ({len(report['responses_undocumented'])}):")
        lines.extend(f"  {label(item)}  ×{item['seen']}" for item in report["responses_undocumented"])
    return "\n".join(lines)


# -- JUnit XML -----------------------------------------------------------------------------------
def render_junit(report: dict) -> str:
    """One test case per documented outcome; an unmet one is a failure carrying its recipe."""
    suites = []
    for vendor in report["responses_by_vendor"]:
        items = [item for item in report["responses"] if item["vendor"] == vendor["vendor"]]
        cases = []
        for item in items:
            name = label(item).split(" ", 2)[2]
            head = (f'    <testcase classname="{_attr(item["vendor"])}.{_attr(item["operation"])}"'
                    f' name="{_attr(name)}"')
            if item["seen"]:
                cases.append(f"{head}/>")
                continue
            how = item.get("how") or "no recipe: the vendor gives none"
            cases.append(f'{head}>\n      <failure message="never met: {_attr(how.splitlines()[-1])}"'
                         f' type="unmet">{escape(how, quote=False)}</failure>\n    </testcase>')
        suites.append(f'  <testsuite name="purchase-emulator responses {_attr(vendor["vendor"])}"'
                      f' tests="{vendor["total"]}" failures="{vendor["total"] - vendor["met"]}"'
                      f' errors="0" skipped="0">\n' + "\n".join(cases) + "\n  </testsuite>")
    listed = report["responses"]
    failures = sum(1 for item in listed if not item["seen"])
    return ('<?xml version="1.0" encoding="utf-8"?>\n'
            f'<testsuites name="purchase-emulator responses" tests="{len(listed)}" '
            f'failures="{failures}" errors="0">\n' + "\n".join(suites) + "\n</testsuites>\n")


def _attr(text: str) -> str:
    return escape(str(text), quote=True).replace("\n", "&#10;")
