"""Logging: JSON lines for machines, plain text when a person watches a terminal."""

from __future__ import annotations

import logging
import sys
import time

import orjson


class JsonFormatter(logging.Formatter):
    # One line per request is on the hot path: orjson and a timestamp prefix cached per second
    # keep formatting to a few microseconds (the stdlib encoder and strftime cost ~4x more).
    _second = -1
    _prefix = ""

    def _timestamp(self, created: float) -> str:
        second = int(created)
        if second != self._second:
            self._second, self._prefix = second, time.strftime("%Y-%m-%dT%H:%M:%S",
                                                               time.gmtime(second))
        return f"{self._prefix}.{int((created - second) * 1000):03d}Z"

    def format(self, record: logging.LogRecord) -> str:
        payload = {
            "ts": self._timestamp(record.created),
            "level": record.levelname.lower(),
            "logger": record.name,
            "message": record.getMessage(),
        }
        payload.update(getattr(record, "fields", {}) or {})
        if record.exc_info:
            # the exception's own first line: a traceback's last line is often a footer
            # (SQLAlchemy's "Background on this error at: ..."), which says nothing
            exc = record.exc_info[1]
            first = (str(exc).splitlines() or [""])[0]
            payload["error"] = f"{type(exc).__name__}: {first}"[:500]
        return orjson.dumps(payload, default=str, option=orjson.OPT_NON_STR_KEYS).decode()


class _StderrHandler(logging.StreamHandler):
    """Writes to whatever `sys.stderr` is at emit time, not the one seen at configuration
    (test runners and embedding programs swap and close it)."""

    def __init__(self) -> None:
        super().__init__()

    @property
    def stream(self):
        return sys.stderr

    @stream.setter
    def stream(self, _value) -> None:
        pass


def configure_logging(fmt: str = "auto") -> None:
    use_json = fmt == "json" or (fmt == "auto" and not sys.stderr.isatty())
    handler = _StderrHandler()
    handler.setFormatter(JsonFormatter() if use_json else logging.Formatter(
        "%(asctime)s %(levelname)s %(name)s: %(message)s"))
    root = logging.getLogger("emulator")
    root.handlers[:] = [handler]
    root.setLevel(logging.INFO)
    root.propagate = False
