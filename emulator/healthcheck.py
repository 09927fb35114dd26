"""`purchase-emulator healthcheck`: exit 0 only when the emulator configured here answers 200 on
`/__admin/health`, else 1 (Docker's "unhealthy"), with one line saying what was asked and why.

It reads the options `serve` reads for where it listens: `EMULATOR_HOST`, `EMULATOR_PORT` and
`EMULATOR_ADMIN_TOKEN` (or `--host`, `--port`, `--admin-token`), so a container's HEALTHCHECK
follows `EMULATOR_PORT=9000`. A wildcard listen address is probed on loopback.
"""

from __future__ import annotations

import argparse
import sys
import urllib.error
import urllib.request

HEALTH_PATH = "/__admin/health"
_LOOPBACK = {"": "127.0.0.1", "0.0.0.0": "127.0.0.1", "::": "::1"}  # nosec B104: probed, not bound


def add_command(sub) -> None:
    probe = sub.add_parser(
        "healthcheck", help="exit 0 if the emulator answers 200 on /__admin/health",
        description="Ask the emulator that `serve` with the same settings would run for "
                    "/__admin/health; exit 0 on a 200, 1 otherwise (for HEALTHCHECK).")
    probe.add_argument("--host", default=None, help="its listen address (EMULATOR_HOST)")
    probe.add_argument("--port", type=int, default=None, help="its port (EMULATOR_PORT)")
    probe.add_argument("--admin-token", default=None, help="its admin token (EMULATOR_ADMIN_TOKEN)")
    probe.add_argument("--timeout", type=float, default=3.0, help="seconds to wait (default 3)")
    probe.set_defaults(func=cmd_healthcheck)


def health_url(host: str, port: int) -> str:
    host = _LOOPBACK.get(host, host)
    if ":" in host:
        host = f"[{host}]"
    return f"http://{host}:{port}{HEALTH_PATH}"


def cmd_healthcheck(args: argparse.Namespace) -> int:
    overrides = {key: getattr(args, key) for key in ("host", "port", "admin_token")
                 if getattr(args, key, None) is not None}
    # the core settings only: what `serve` listens on, without building every vendor's options
    from pydantic import ValidationError

    from emulator.settings import CoreSettings

    try:
        settings = CoreSettings(**overrides)
    except ValidationError as exc:
        print(f"unhealthy: invalid configuration: {exc}", file=sys.stderr)
        return 1
    url = health_url(settings.host, settings.port)
    headers = {"X-Emulator-Admin-Token": settings.admin_token} if settings.admin_token else {}
    request = urllib.request.Request(url, headers=headers)
    try:
        # nosec B310: the URL is built above from a host and a port, always http
        with urllib.request.urlopen(request, timeout=args.timeout) as response:  # nosec B310
            status = response.status
    except urllib.error.HTTPError as exc:
        status = exc.code
    except (OSError, ValueError) as exc:  # refused, timed out, unresolvable
        print(f"unhealthy: {url}: {getattr(exc, 'reason', exc)}", file=sys.stderr)
        return 1
    if status != 200:
        print(f"unhealthy: {url} answered {status}", file=sys.stderr)
        return 1
    print(f"healthy: {url} answered 200")
    return 0
