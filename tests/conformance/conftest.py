"""The vendor conformance suite: every registered vendor, and the template in
examples/vendor-template (imported from its source tree when it is not installed), each in an
app of its own. A vendor that passes here works with the control plane, the scenario engine
and the journal without code of theirs knowing it."""

from __future__ import annotations

import sys
from pathlib import Path

import pytest

from emulator.settings import settings_class
from emulator.vendors.base import Vendor
from emulator.vendors.registry import check, vendor_classes

EXAMPLE_SRC = Path(__file__).resolve().parents[2] / "examples" / "vendor-template" / "src"


def _example() -> type[Vendor]:
    if str(EXAMPLE_SRC) not in sys.path:
        sys.path.insert(0, str(EXAMPLE_SRC))
    from example_vendor import ExampleVendor

    return ExampleVendor


def all_vendors() -> dict[str, type[Vendor]]:
    found = dict(vendor_classes())
    found.setdefault("example", _example())
    for name, cls in found.items():
        check(name, cls)  # what the registry checks of an installed one
    return found


VENDORS = all_vendors()


@pytest.fixture(params=sorted(VENDORS))
def vendor_cls(request) -> type[Vendor]:
    return VENDORS[request.param]


@pytest.fixture
def vendor_app(vendor_cls, make_settings, open_client):
    """`(client, vendor)`: an app serving this one vendor (fresh database, frozen clock)."""

    def build(**overrides):
        client = open_client(make_settings(settings_class({vendor_cls.name: vendor_cls}),
                                           **overrides))
        return client, client.app.state.runtime.vendors[vendor_cls.name]

    return build
