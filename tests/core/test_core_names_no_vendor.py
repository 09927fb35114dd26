"""The core knows no vendor by name: identifiers and string literals in emulator/ outside
emulator/vendors/ (docstrings, comments and Alembic's historical revisions aside) never name
a registered vendor. A new vendor is its own folder and an entry point, nothing else."""

from __future__ import annotations

import ast
import re
from pathlib import Path

from emulator.vendors.registry import vendor_classes

PACKAGE = Path(__file__).resolve().parents[2] / "emulator"
EXEMPT = (PACKAGE / "vendors", PACKAGE / "migrations" / "versions")


def _docstrings(tree: ast.AST) -> set[int]:
    ids = set()
    for node in ast.walk(tree):
        if isinstance(node, (ast.Module, ast.ClassDef, ast.FunctionDef, ast.AsyncFunctionDef)):
            body = node.body
            if body and isinstance(body[0], ast.Expr) and isinstance(body[0].value, ast.Constant):
                ids.add(id(body[0].value))
    return ids


def _mentions(path: Path, pattern: re.Pattern) -> list[str]:
    tree = ast.parse(path.read_text(encoding="utf-8"))
    docs = _docstrings(tree)
    found = []
    for node in ast.walk(tree):
        text = None
        if isinstance(node, ast.Constant) and isinstance(node.value, str) and id(node) not in docs:
            text = node.value
        elif isinstance(node, ast.Name):
            text = node.id
        elif isinstance(node, ast.Attribute):
            text = node.attr
        elif isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef, ast.alias)):
            text = node.name
        if text and pattern.search(text):
            found.append(f"{path.relative_to(PACKAGE.parent)}:{getattr(node, 'lineno', '?')}: "
                         f"{text[:60]!r}")
    return found


def test_core_code_names_no_vendor():
    names = sorted(vendor_classes())
    assert names, "no vendor registered: is the package installed (pip install -e .)?"
    pattern = re.compile("|".join(re.escape(n) for n in names), re.IGNORECASE)
    core = [p for p in PACKAGE.rglob("*.py")
            if not any(p.is_relative_to(exempt) for exempt in EXEMPT)]
    assert len(core) > 40
    found = [hit for path in core for hit in _mentions(path, pattern)]
    assert found == []
