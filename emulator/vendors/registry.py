"""Vendors are found through the entry-point group `purchase_emulator.vendors`.

Each entry names a `Vendor` subclass (`name = "package.module:Class"`); the bundled vendors
are declared in pyproject.toml like any plug-in, and installing a package that declares one
adds it (the way pytest finds plug-ins through `pytest11`). Vendors are ordered by name so
routes and the contract come out the same whatever the install order.
"""

from __future__ import annotations

from functools import cache
from importlib.metadata import entry_points

from emulator.vendors import ENTRY_POINT_GROUP
from emulator.vendors.base import Vendor

GROUP = ENTRY_POINT_GROUP


class VendorLoadError(RuntimeError):
    """A registered entry point that is not a usable vendor."""


@cache
def vendor_classes() -> dict[str, type[Vendor]]:
    found: dict[str, type[Vendor]] = {}
    for point in sorted(entry_points(group=GROUP), key=lambda p: p.name):
        try:
            cls = point.load()
        except Exception as exc:  # a broken plug-in: name it rather than fail obscurely
            raise VendorLoadError(f"vendor entry point {point.name!r} ({point.value}) cannot "
                                  f"be loaded: {exc}") from exc
        check(point.name, cls)
        found.setdefault(point.name, cls)  # the same package installed twice: once
    return found


def check(name: str, cls: object) -> None:
    if not (isinstance(cls, type) and issubclass(cls, Vendor)):
        raise VendorLoadError(f"vendor entry point {name!r} is not a Vendor subclass")
    if getattr(cls, "name", None) != name:
        raise VendorLoadError(f"vendor entry point {name!r} names a vendor called "
                              f"{getattr(cls, 'name', None)!r}: the two must agree")
