"""`purchase-emulator coverage`: which documented answers a running emulator's traffic met.

    purchase-emulator coverage --url http://127.0.0.1:8080 [--sandbox S] [--all-sandboxes]
        [--vendor V] [--fail-under PCT] [--format text|json|junit] [--admin-token T]

Reads GET /__admin/coverage and prints the responses part: unmet outcomes first, each with its
recipe (text), the report itself (json), or one test case per outcome (junit). Exit status 1
when the percentage is below --fail-under (CI gates on it), 2 for bad input or an emulator that
cannot answer, with a one-line reason and never a traceback.
"""

from __future__ import annotations

import argparse
import json
import os
import sys

from emulator.coverage_report import KEYS, render_junit, render_text


def add_commands(sub) -> None:
    cmd = sub.add_parser(
        "coverage", help="which documented vendor answers a running emulator's traffic met",
        description="Report the documented answers (HTTP statuses, and the codes some "
                    "vendors answer within them) the journal of a sandbox met, with a recipe "
                    "for each one it did not.")
    cmd.add_argument("--url", required=True, help="the emulator's base URL")
    where = cmd.add_mutually_exclusive_group()
    where.add_argument("--sandbox", default=None,
                       help="the sandbox to report (default: the default sandbox)")
    where.add_argument("--all-sandboxes", action="store_true",
                       help="every live sandbox together")
    cmd.add_argument("--vendor", default=None, help="one vendor only (a name GET /__admin/health lists)")
    cmd.add_argument("--fail-under", type=_percentage, default=None, metavar="PCT",
                     help="exit 1 when fewer than PCT percent of the answers were met (0-100)")
    cmd.add_argument("--format", choices=["text", "json", "junit"], default="text")
    cmd.add_argument("--admin-token", default=os.environ.get("EMULATOR_ADMIN_TOKEN"),
                     help="the emulator's admin token (default: EMULATOR_ADMIN_TOKEN)")
    cmd.set_defaults(func=cmd_coverage)


def _percentage(value: str) -> float:
    try:
        number = float(value)
    except ValueError:
        raise argparse.ArgumentTypeError(f"must be a number from 0 to 100, not {value!r}") from None
    if not 0 <= number <= 100:
        raise argparse.ArgumentTypeError(f"must be from 0 to 100, not {value}")
    return number


def fetch(url: str, *, sandbox: str | None = None, all_sandboxes: bool = False,
          vendor: str | None = None, admin_token: str | None = None) -> dict:
    """The responses part of GET /__admin/coverage; ValueError with the emulator's reason."""
    import httpx

    headers = {"X-Emulator-Admin-Token": admin_token} if admin_token else {}
    if sandbox:
        headers["X-Emulator-Sandbox"] = sandbox
    params = {k: v for k, v in {"vendor": vendor,
                                "all_sandboxes": "true" if all_sandboxes else None}.items() if v}
    try:
        answer = httpx.get(url.rstrip("/") + "/__admin/coverage", params=params,
                           headers=headers, timeout=30)
    except (httpx.HTTPError, httpx.InvalidURL) as exc:
        raise ValueError(f"cannot reach the emulator at {url}: {exc}") from None
    try:
        body = answer.json()
    except ValueError:
        body = None
    if answer.status_code != 200 or not isinstance(body, dict) or "responses" not in body:
        detail = body.get("detail") if isinstance(body, dict) else None
        raise ValueError(f"{url}/__admin/coverage answered {answer.status_code}: "
                         f"{detail or answer.text[:200] or 'no body'}")
    return {"sandbox": body.get("sandbox"), **{key: body[key] for key in KEYS}}


def cmd_coverage(args: argparse.Namespace) -> int:
    try:
        report = fetch(args.url, sandbox=args.sandbox, all_sandboxes=args.all_sandboxes,
                       vendor=args.vendor, admin_token=args.admin_token)
    except ValueError as exc:
        print(f"purchase-emulator coverage: {exc}", file=sys.stderr)
        return 2
    if args.format == "json":
        print(json.dumps(report, indent=2, ensure_ascii=False))
    elif args.format == "junit":
        sys.stdout.write(render_junit(report))
    else:
        where = "every sandbox" if args.all_sandboxes else f"sandbox {report['sandbox']}"
        print(render_text(report, title=f" ({where}{', ' + args.vendor if args.vendor else ''})"))
    if args.fail_under is not None and report["responses_percent"] < args.fail_under:
        print(f"purchase-emulator coverage: {report['responses_percent']}% of the documented "
              f"answers met, below --fail-under {args.fail_under:g}%", file=sys.stderr)
        return 1
    return 0
