"""Turn pydantic/FastAPI validation errors into one clear sentence plus a field map."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any


def describe_validation_errors(errors: Iterable[dict[str, Any]]) -> tuple[str, dict[str, list[str]]]:
    fields: dict[str, list[str]] = {}
    for err in errors:
        loc = [str(part) for part in err.get("loc", ()) if part not in ("body", "query", "path", "header")]
        name = ".".join(loc) or "body"
        problem = err.get("msg", "invalid value")
        if err.get("type") == "json_invalid":
            name, problem = "body", "the request body is not valid JSON"
        elif err.get("type") == "missing":
            problem = "this field is required"
        fields.setdefault(name, []).append(problem)
    message = "; ".join(f"{name}: {', '.join(problems)}" for name, problems in fields.items())
    return (message or "invalid request"), fields
