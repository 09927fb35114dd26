"""X-Emulator-Sandbox: the one definition of a sandbox id and of the header that names it.

The request pipeline reads the header, the control plane checks the ids it creates, and
openapi.yaml's `Sandbox` parameter is generated from here (emulator/openapi.py), so the three
cannot disagree. A sandbox id is 1-64 letters, digits, '.', '_', ':' or '-'. Without the
header, or with it empty (a shell variable left unset), a request is for the default sandbox;
any other value that is no sandbox id is a 400, an id no sandbox has a 404.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from typing import Any

from emulator.control.models import DEFAULT_SANDBOX

NAME = "X-Emulator-Sandbox"
MAX_LENGTH = 64  # the sandbox table's id column
_CHARS = "A-Za-z0-9._:-"
SANDBOX_ID = re.compile(rf"^[{_CHARS}]{{1,{MAX_LENGTH}}}$")
HEADER_PATTERN = rf"^[{_CHARS}]{{0,{MAX_LENGTH}}}$"  # empty: the default sandbox
RULE = f"1-{MAX_LENGTH} characters of letters, digits, '.', '_', ':' or '-'"


def is_sandbox_id(value: str) -> bool:
    return SANDBOX_ID.fullmatch(value) is not None  # fullmatch: `$` also matches before "\n"


def sandbox_named(headers: Mapping[str, str]) -> str | None:
    """The sandbox a request is for (`headers` keyed in lower case); None when malformed."""
    value = headers.get(NAME.lower(), "")
    if not value:
        return DEFAULT_SANDBOX
    return value if is_sandbox_id(value) else None


def malformed_message() -> str:
    return f"{NAME} must be {RULE} (or empty for the default sandbox)"


def openapi_parameter() -> dict[str, Any]:
    """The header as openapi.yaml's `components.parameters.Sandbox`."""
    return {
        "name": NAME,
        "in": "header",
        "required": False,
        "description": f"The sandbox to act on: {RULE}; absent or empty means `{DEFAULT_SANDBOX}`. "
                       "A value that is no sandbox id → 400, an unknown sandbox → 404.",
        "schema": {"type": "string", "pattern": HEADER_PATTERN},
    }
