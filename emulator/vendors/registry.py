"""The vendors this emulator serves. Adding a vendor is one line here."""

from __future__ import annotations

import importlib

from emulator.vendors.base import Vendor

VENDOR_MODULES: dict[str, str] = {
    "hlconnect": "emulator.vendors.hlconnect:HLConnect",
    "gmodstore": "emulator.vendors.gmodstore:GmodStore",
    "gvp": "emulator.vendors.gvp:Gvp",
}


def vendor_classes() -> dict[str, type[Vendor]]:
    classes: dict[str, type[Vendor]] = {}
    for name, target in VENDOR_MODULES.items():
        module_name, _, attr = target.partition(":")
        module = importlib.import_module(module_name)
        cls = getattr(module, attr, None)
        if cls is not None:  # a vendor still under construction simply is not mounted
            classes[name] = cls
    return classes
