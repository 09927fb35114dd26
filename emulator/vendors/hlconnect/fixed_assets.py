"""Documented test assets: fixed ids and behaviour whatever the seed (like test card numbers).

| id      | what it does                                                                  |
|---------|-------------------------------------------------------------------------------|
| 1000001 | always completes, on the first /purchase/info poll                            |
| 1000002 | fulfilment fails: one 202 poll, then 502 with a message                       |
| 1000003 | stays PROCESSING for ever (202 on every poll)                                 |
| 1000004 | region-restricted: world false, sellable only in US and CA                    |
| 1000005 | choral (SATB) with min_qty 5                                                  |
| 1000006 | partable ensemble (string quartet); its parts are 1000007..1000010            |
"""

from __future__ import annotations

from functools import lru_cache

from emulator.lifecycle.progression import Progression

ALWAYS_COMPLETES = 1000001
FULFILMENT_FAILS = 1000002
STAYS_PROCESSING = 1000003
REGION_RESTRICTED = 1000004
CHORAL_MIN_QTY = 1000005
ENSEMBLE = 1000006
ENSEMBLE_PARTS = {1000007: ("VN1", "Violin I"), 1000008: ("VN2", "Violin II"),
                  1000009: ("VA", "Viola"), 1000010: ("VC", "Cello")}

FAILURE_MESSAGE = ("Fulfilment failed: the rights holder rejected the licence request "
                   "(test asset 1000002)")

#: progression policies that override the emulator's default for lines of these assets
POLICIES: dict[int, Progression] = {
    ALWAYS_COMPLETES: Progression(kind="immediate", outcome="complete"),
    FULFILMENT_FAILS: Progression(kind="after_polls", polls=1, outcome="fail",
                                  message=FAILURE_MESSAGE),
    STAYS_PROCESSING: Progression(kind="never"),
}

_SPECS = {  # id: (format index in asset_factory.FORMATS, title, overrides)
    ALWAYS_COMPLETES: (0, "Test Asset: Always Completes", {}),
    FULFILMENT_FAILS: (0, "Test Asset: Fulfilment Fails", {}),
    STAYS_PROCESSING: (2, "Test Asset: Stays Processing", {}),
    REGION_RESTRICTED: (0, "Test Asset: Sold Only in US and Canada",
                        {"world": False, "countries": ["CA", "US"]}),
    CHORAL_MIN_QTY: (6, "Test Asset: Choral SATB, Minimum 5 Copies", {"min_qty": 5}),
    ENSEMBLE: (11, "Test Asset: String Quartet (Partable)", {"partable": True}),
}


def _build() -> dict[int, dict]:
    from faker import Faker

    from emulator.vendors.hlconnect.asset_factory import FORMATS, generate_asset

    fake = Faker("en_US")
    assets: dict[int, dict] = {}
    for asset_id, (fmt, title, overrides) in _SPECS.items():
        fake.seed_instance(f"test-asset:{asset_id}")
        asset = generate_asset(fake, asset_id, fmt=FORMATS[fmt])
        asset.update({"title": title, "world": True, "countries": [], "min_qty": 1,
                      "retail_price": 4.99, "explicit": False, "partable": False})
        asset["description"] = f"{title}. A documented test asset of the emulator."
        asset["prices"][0]["price"] = 4.99
        asset.update(overrides)
        assets[asset_id] = asset
    ensemble = assets[ENSEMBLE]
    ensemble["retail_price"] = ensemble["prices"][0]["price"] = 19.99
    ensemble["packages"] = [ensemble["packages"][0]] + [
        {"asset_id": part_id, "instrumentation_part_code": code,
         "instrumentation_part_name": name, "count": 1, "sequence": seq, "score": False}
        for seq, (part_id, (code, name)) in enumerate(ENSEMBLE_PARTS.items(), start=2)
    ]
    for part_id, (code, name) in ENSEMBLE_PARTS.items():
        fake.seed_instance(f"test-asset:{part_id}")
        part = generate_asset(fake, part_id, fmt=FORMATS[11])
        part.update({"title": f"Test Asset: String Quartet - {name} Part", "world": True,
                     "countries": [], "min_qty": 1, "retail_price": 4.99, "partable": False,
                     "format_short_name": "PART", "format": "Single Part",
                     "instruments": [{"type": "String", "name": name}]})
        part["prices"][0]["price"] = 4.99
        part["description"] = f"The {name} part of test asset {ENSEMBLE}."
        part["packages"] = [{"asset_id": part_id, "instrumentation_part_code": code,
                             "instrumentation_part_name": name, "count": 1, "sequence": 1,
                             "score": False}]
        assets[part_id] = part
    return assets


TEST_ASSET_IDS = frozenset([*_SPECS, *ENSEMBLE_PARTS])


@lru_cache(maxsize=1)
def test_assets() -> dict[int, dict]:
    """Every test asset by id (built once, on first use)."""
    return _build()
