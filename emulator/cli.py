"""purchase-emulator: serve | openapi | coverage | healthcheck (| scenarios, added by the scenario
engine).

Options left out on the command line fall back to EMULATOR_* environment variables, then to
the defaults in emulator/settings.py.
"""

from __future__ import annotations

import argparse
import gc
import os
import signal
import sys
from pathlib import Path
from typing import Any

from emulator import __version__

SERVE_OPTIONS: list[tuple[str, str, str, dict[str, Any]]] = [
    # (flag, settings field, help, extra argparse kwargs)
    ("--host", "host", "interface to listen on (EMULATOR_HOST, default 127.0.0.1)", {}),
    ("--port", "port", "TCP port for every API (EMULATOR_PORT, default 8080)", {"type": int}),
    ("--database-url", "database_url",
     "SQLAlchemy URL of the state store (EMULATOR_DATABASE_URL, default sqlite:///./emulator.db)",
     {}),
    ("--seed", "seed", "seed for catalogues and scenario randomness (EMULATOR_SEED, default 0)",
     {"type": int}),
    ("--scenario", "scenarios",
     "scenario name or YAML path to activate; repeatable (EMULATOR_SCENARIOS, comma-separated)",
     {"action": "append"}),
    ("--scenarios-dir", "scenarios_dir",
     "extra directory of scenario files; repeatable (EMULATOR_SCENARIOS_DIR)",
     {"action": "append", "type": Path}),
    ("--fixtures", "fixtures", "YAML/JSON fixture file loaded at start; repeatable "
     "(EMULATOR_FIXTURES)", {"action": "append", "type": Path}),
    ("--public-url", "public_url",
     "base URL used in generated links (EMULATOR_PUBLIC_URL, default: the request's host)", {}),
    ("--admin-token", "admin_token",
     "require this token on /__admin (EMULATOR_ADMIN_TOKEN, default: open)", {}),
    ("--log-format", "log_format", "auto | json | text (EMULATOR_LOG_FORMAT, default auto)",
     {"choices": ["auto", "json", "text"]}),
]


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="purchase-emulator",
        description=f"A stateful local emulator of purchase APIs ({installed_vendors()}).",
    )
    parser.add_argument("--version", action="version", version=f"%(prog)s {__version__}")
    sub = parser.add_subparsers(dest="command", required=True)

    serve = sub.add_parser("serve", help="run the emulator (all vendors on one port)",
                           description="Run the emulator: every vendor's API on one port.")
    for flag, dest, help_text, extra in SERVE_OPTIONS:
        serve.add_argument(flag, dest=dest, help=help_text, default=None, **extra)
    serve.add_argument("--workers", type=int, default=None,
                       help="uvicorn worker processes (EMULATOR_WORKERS, default 1); more than "
                            "one needs a database they share: a SQLite file or PostgreSQL")
    serve.set_defaults(func=cmd_serve)

    spec = sub.add_parser("openapi", help="print (or --write) the merged openapi.yaml")
    spec.add_argument("--write", type=Path, help="write to this file instead of stdout")
    spec.set_defaults(func=cmd_openapi)

    _add_extension_commands(sub)
    return parser


def installed_vendors() -> str:
    """The registered vendors' names, read from the entry points without importing them (the
    parser is built for every command, `healthcheck` included)."""
    from importlib.metadata import entry_points

    from emulator.vendors import ENTRY_POINT_GROUP

    names = sorted({point.name for point in entry_points(group=ENTRY_POINT_GROUP)})
    return "vendors: " + (", ".join(names) if names else "none installed")


def _add_extension_commands(sub) -> None:
    """Sub-commands contributed by other modules (`coverage`, `healthcheck`, `scenarios`)."""
    from emulator.coverage_cli import add_commands as add_coverage
    from emulator.healthcheck import add_command as add_healthcheck

    add_coverage(sub)
    add_healthcheck(sub)
    try:
        from emulator.scenario_engine.cli import add_commands
    except ImportError:
        return
    add_commands(sub)


def settings_from_args(args: argparse.Namespace):
    from pydantic import ValidationError

    from emulator.settings import Settings

    overrides = {dest: getattr(args, dest) for _, dest, _, _ in SERVE_OPTIONS
                 if getattr(args, dest, None) is not None}
    try:
        return Settings(**overrides)
    except ValidationError as exc:
        raise SystemExit(f"purchase-emulator: invalid configuration:\n{exc}") from None


def cmd_serve(args: argparse.Namespace) -> int:
    # Start-up allocates a few hundred thousand long-lived objects (modules, models, routes):
    # the collector's full passes over them cost ~0.15 s of a ~1 s cold start and find nothing
    # to free. Collection is off until the app is built, then what exists is frozen (below).
    gc.disable()
    import uvicorn

    from emulator.app import create_app
    from emulator.logs import configure_logging

    settings = settings_from_args(args)
    workers = args.workers
    if workers is None:  # read here, not while building the parser: a bad value in the
        raw = os.environ.get("EMULATOR_WORKERS", "1")  # environment stops only `serve`
        if not raw.strip().isdigit():
            print(f"purchase-emulator: cannot start: EMULATOR_WORKERS must be a whole number, "
                  f"not {raw!r}", file=sys.stderr)
            return 2
        workers = int(raw)
    refusal = workers_refusal(workers, settings.database_url)
    if refusal:
        print(f"purchase-emulator: cannot start: {refusal}", file=sys.stderr)
        return 2
    configure_logging(settings.log_format)
    try:
        app = create_app(settings)
        # start-up I/O now rather than in the lifespan (where it is then a no-op): a bad
        # scenario, fixture or database URL is reported before the port opens
        app.state.runtime.start()
    except Exception as exc:  # say so in one line, no traceback
        print(f"purchase-emulator: cannot start: {exc}", file=sys.stderr)
        return 2
    print(banner(app.state.runtime, settings), flush=True)
    # What start-up built lives as long as the process: out of the collector's way, a full
    # collection no longer walks it (tens of milliseconds of pause, a p99 spike, otherwise).
    gc.freeze()
    gc.enable()
    # uvicorn drains in-flight requests on SIGTERM/SIGINT and then re-raises the signal; a
    # handler of ours turns that re-raise into a clean exit 0 after the graceful shutdown.
    for sig in (signal.SIGTERM, signal.SIGINT):
        signal.signal(sig, lambda *_: None)
    if workers > 1:
        # the app built above validated everything and migrated once; each worker builds its
        # own from the same settings (uvicorn's factory mode), sharing state through the database
        app.state.runtime.db.dispose()
        os.environ[WORKER_SETTINGS] = settings.model_dump_json()
        uvicorn.run("emulator.cli:worker_app", factory=True, workers=workers, host=settings.host,
                    port=settings.port, log_level="warning", access_log=False,
                    timeout_graceful_shutdown=10)
    else:
        uvicorn.run(app, host=settings.host, port=settings.port, log_level="warning",
                    access_log=False, timeout_graceful_shutdown=10)
    print("purchase-emulator: stopped", flush=True)
    return 0


WORKER_SETTINGS = "EMULATOR__WORKER_SETTINGS"  # the parent's settings, as JSON, for workers


def workers_refusal(workers: int, database_url: str) -> str | None:
    """Why `--workers` cannot be honoured, or None."""
    if workers < 1:
        return f"--workers must be at least 1, not {workers}"
    if workers > 1 and _in_memory(database_url):
        # each worker process would have a database of its own: not one emulator
        return (f"--workers {workers} needs a database the workers share: a SQLite file or "
                "PostgreSQL, not an in-memory SQLite database")
    return None


def _in_memory(database_url: str) -> bool:
    from sqlalchemy.engine import make_url

    url = make_url(database_url)
    return url.get_backend_name() == "sqlite" and url.database in (None, "", ":memory:")


def worker_app():
    """uvicorn factory for `--workers N`: the app from the parent's settings."""
    from emulator.app import create_app
    from emulator.logs import configure_logging
    from emulator.settings import Settings

    settings = Settings.model_validate_json(os.environ[WORKER_SETTINGS])
    configure_logging(settings.log_format)
    return create_app(settings)


def banner(runtime, settings) -> str:
    # nosec B104: compares, never binds; a wildcard listen address is shown as loopback
    shown_host = "127.0.0.1" if settings.host in ("0.0.0.0", "::") else settings.host  # nosec B104
    base = settings.public_url or f"http://{shown_host}:{settings.port}"
    from sqlalchemy.engine import make_url

    state = make_url(settings.database_url).render_as_string(hide_password=True)  # no secrets
    lines = [f"purchase-emulator {__version__} on {base}  (state: {state})"]
    for vendor in runtime.vendors.values():
        lines.extend(vendor.startup_lines(base))
    lines.append(f"  admin      {base}/__admin   health: {base}/__admin/health")
    lines.append(f"  contract   {base}/openapi.yaml")
    return "\n".join(lines)


def cmd_openapi(args: argparse.Namespace) -> int:
    from emulator.openapi import render_spec

    text = render_spec()
    if args.write:
        args.write.write_text(text, encoding="utf-8")
    else:
        sys.stdout.write(text)
    return 0


def main(argv: list[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    return args.func(args) or 0


if __name__ == "__main__":
    sys.exit(main())
