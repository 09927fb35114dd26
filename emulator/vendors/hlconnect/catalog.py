"""The HL Connect catalogue: sheet-music assets generated with Faker from the seed.

Nothing here is stored. The id list comes from a seeded RNG (cheap), and each asset is built on
first use from a Faker seeded by (seed, asset_id), so any asset can be produced alone, in any
order, and is identical on every run with the same seed (asset_factory.py makes one). The
documented test assets (`fixed_assets.py`) have fixed ids and contents whatever the seed.
"""

from __future__ import annotations

import bisect
import random
import threading
from functools import lru_cache

from emulator.vendors.hlconnect.asset_factory import generate_asset
from emulator.vendors.hlconnect.fixed_assets import TEST_ASSET_IDS, test_assets


class Catalog:
    """Read-only assets by id, and keyset pages in asset_id order."""

    def __init__(self, seed: int, size: int) -> None:
        self.seed = seed
        rng = random.Random(f"hlconnect-catalog-{seed}")
        # six-digit ids below the test assets' 1000001.. so keyset pages end with them
        generated = rng.sample(range(100_000, 1_000_000), size)
        self.ids: list[int] = sorted([*generated, *TEST_ASSET_IDS])
        self._generated = frozenset(generated)
        self._faker = None  # built on first use: importing Faker costs start-up time
        self._lock = threading.Lock()  # one Faker, reseeded per asset
        self.get = lru_cache(maxsize=8192)(self._build)

    def __contains__(self, asset_id: int) -> bool:
        return asset_id in TEST_ASSET_IDS or asset_id in self._generated

    def find(self, asset_id: int) -> dict | None:
        return self.get(asset_id) if asset_id in self else None

    def page_ids(self, after: int | None, count: int) -> list[int]:
        start = 0 if after is None else bisect.bisect_right(self.ids, after)
        return self.ids[start:start + count]

    def _build(self, asset_id: int) -> dict:
        if asset_id in TEST_ASSET_IDS:
            return test_assets()[asset_id]
        with self._lock:
            if self._faker is None:
                from faker import Faker

                self._faker = Faker("en_US")
            self._faker.seed_instance(f"{self.seed}:{asset_id}")
            return generate_asset(self._faker, asset_id)
