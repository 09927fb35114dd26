"""What a vendor's contract fragment documents an operation to answer with a given status.

A scenario that injects a status on an operation should answer what that operation documents
for it (the model a client generated from the contract parses). The fragment is the one source
for that, as it is for what is served (`HttpSurface.documented_operations`): this module only
reads it, resolving the `#/components/responses/...` references an operation's responses use.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache
from typing import Any

SCHEMA_REF = "#/components/schemas/"
RESPONSE_REF = "#/components/responses/"


@dataclass(frozen=True)
class DocumentedAnswer:
    """The answer an operation documents for one status."""

    operation_id: str
    status: int  # the status answered
    key: str  # the `responses` entry documenting it: "502", "5XX" or "default"
    media_type: str | None  # its (first) content type; None: no body
    schema: str | None  # the component schema's name when a $ref (e.g. "ErrorResponse")
    headers: tuple[str, ...]  # the header names it documents, as spelled there


def documented_answer(surface: Any, operation_id: str, status: int) -> DocumentedAnswer | None:
    """What `operation_id` documents for `status` (its own entry, else its status class, else
    `default`) in the fragment of `surface`, a vendor class (its `documented_operations` and
    `read_fragment`); None when the fragment documents neither the operation nor the status."""
    return _answer(surface, operation_id, status)


@lru_cache(maxsize=4096)  # (vendor class, operation, status): fragments are read-only
def _answer(surface: Any, operation_id: str, status: int) -> DocumentedAnswer | None:
    operation = surface.documented_operations().get(operation_id)
    responses = (operation or {}).get("responses") or {}
    key = next((k for k in (str(status), f"{str(status)[0]}XX", "default") if k in responses),
               None)
    if key is None:
        return None
    response = _resolve(surface, responses[key])
    content = response.get("content") or {}
    media_type: str | None = next(iter(content), None)
    ref = ((content.get(media_type) or {}).get("schema") or {}).get("$ref", "")
    schema = ref[len(SCHEMA_REF):] if ref.startswith(SCHEMA_REF) else None
    return DocumentedAnswer(operation_id, status, key, media_type, schema,
                            tuple(response.get("headers") or {}))


def _resolve(surface: Any, response: dict) -> dict:
    ref = response.get("$ref", "")
    if not ref.startswith(RESPONSE_REF):
        return response
    return _responses(surface).get(ref[len(RESPONSE_REF):]) or {}


@lru_cache(maxsize=64)  # per vendor class
def _responses(surface: Any) -> dict[str, Any]:
    return (surface.read_fragment().get("components") or {}).get("responses") or {}
