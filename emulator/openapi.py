"""openapi.yaml is assembled from one fragment per vendor plus the admin API.

Each vendor folder owns its `openapi.yaml` fragment (paths and components); this module merges
them in registry order, and composes the document's description from what vendors declare.
The root `openapi.yaml` is this output, written by `purchase-emulator openapi --write
openapi.yaml`; a test fails when the two differ or when the
app serves a route the document does not describe. What the pipeline answers on every admin
path (401, 400, 404, the Sandbox header) is added after the merge (emulator/control/contract.py).
"""

from __future__ import annotations

from collections.abc import Mapping
from pathlib import Path
from typing import Any

import yaml

from emulator import __version__
from emulator.control import contract as admin_contract
from emulator.vendors.base import Vendor

# the admin API: control/openapi.yaml plus one control/openapi.<area>.yaml per admin module
CONTROL_DIR = Path(__file__).resolve().parent / "control"

BASE: dict[str, Any] = {
    "openapi": "3.0.3",
    "info": {"title": "purchase-emulator", "version": __version__},
    "servers": [{"url": "http://127.0.0.1:8080", "description": "a local emulator"}],
}


def describe(vendors: Mapping[str, type[Vendor]]) -> str:
    """`A stateful local emulator of purchase APIs: A (where), B (where) and C (where), ...`"""
    parts = [f"{cls.title} ({cls.summary})" if cls.summary else cls.title
             for cls in vendors.values()]
    listed = ", ".join(parts[:-1]) + f" and {parts[-1]}" if len(parts) > 1 else "".join(parts)
    return (f"A stateful local emulator of purchase APIs: {listed or 'no vendor installed'}, "
            "plus the emulator's own admin API (/__admin).")


def _merge(spec: dict, fragment: dict, origin: str) -> None:
    """Add a fragment's tags, paths and components; a name defined twice is an error."""
    for tag in fragment.get("tags", []):
        if tag not in spec.setdefault("tags", []):
            spec["tags"].append(tag)
    for path, item in (fragment.get("paths") or {}).items():
        if path in spec.setdefault("paths", {}):
            raise ValueError(f"{origin}: path {path} is already defined")
        spec["paths"][path] = item
    for section, entries in (fragment.get("components") or {}).items():
        target = spec.setdefault("components", {}).setdefault(section, {})
        for name, value in entries.items():
            if name in target and target[name] != value:
                raise ValueError(f"{origin}: components.{section}.{name} clashes")
            target[name] = value


def build_spec(vendors: Mapping[str, type[Vendor]] | None = None) -> dict:
    if vendors is None:
        from emulator.vendors.registry import vendor_classes

        vendors = vendor_classes()
    spec: dict = yaml.safe_load(yaml.safe_dump(BASE))
    spec["info"]["description"] = describe(vendors)
    fragments = [(p.name, _load(p)) for p in sorted(CONTROL_DIR.glob("openapi*.yaml"))]
    fragments += [(name, cls.load_fragment()) for name, cls in vendors.items()]
    for origin, fragment in fragments:
        _merge(spec, fragment, origin)
    admin_contract.complete(spec)  # the pipeline's own answers on every admin operation
    return spec


def render_spec(vendors: Mapping[str, type[Vendor]] | None = None) -> str:
    return yaml.safe_dump(build_spec(vendors), sort_keys=False, allow_unicode=True, width=100)


def _load(path: Path) -> dict:
    return yaml.safe_load(path.read_text(encoding="utf-8")) or {} if path.exists() else {}
