"""Per-sandbox scenario state: hit counters, rate-limit windows and seeded RNGs.

Behind a small interface (`ScenarioState`). The emulator uses `DatabaseState`
(emulator/scenario_engine/shared_state.py): several processes sharing one database count
"every 5th call" and rate limits together. `InMemoryState` is kept for unit tests of the engine.
Keys are plain strings (`<scenario>/<rule>`), so a hot-reloaded scenario keeps its counts for
rules whose id is kept.
"""

from __future__ import annotations

import math
import random
import threading
import zlib
from dataclasses import dataclass
from typing import Protocol

MAX_WINDOWS = 10_000  # rate-limit windows kept per sandbox


@dataclass(frozen=True, slots=True)
class RateDecision:
    allowed: bool
    limit: int
    remaining: int
    reset_at: float  # clock instant the current window ends

    def headers(self, now: float) -> dict[str, str]:
        headers = {
            "X-RateLimit-Limit": str(self.limit),
            "X-RateLimit-Remaining": str(self.remaining),
            "X-RateLimit-Reset": str(int(math.ceil(self.reset_at))),
        }
        if not self.allowed:
            headers["Retry-After"] = str(max(1, int(math.ceil(self.reset_at - now))))
        return headers


class ScenarioState(Protocol):
    def hit(self, sandbox: str, key: str) -> int:
        """Count one more matching call for `key`; return the new count (1 for the first)."""

    def hits(self, sandbox: str) -> dict[str, int]: ...

    def take(self, sandbox: str, key: str, limit: int, window: float, now: float) -> RateDecision:
        """Spend one request of a fixed window's budget (windows aligned to the clock)."""

    def rng(self, sandbox: str, scenario: str, seed: int) -> random.Random: ...

    def reset(self, sandbox: str, scenario: str | None = None) -> None:
        """Forget counts, windows and RNG positions (of one scenario, or all)."""


def derive_seed(global_seed: int, scenario: str) -> int:
    """A scenario's default seed: stable across runs and processes (not Python's hash())."""
    return zlib.crc32(f"{global_seed}:{scenario}".encode())


class InMemoryState:
    def __init__(self) -> None:
        self._hits: dict[str, dict[str, int]] = {}
        self._windows: dict[str, dict[str, tuple[float, int, float]]] = {}
        self._rngs: dict[str, dict[str, random.Random]] = {}
        self._lock = threading.Lock()

    def hit(self, sandbox: str, key: str) -> int:
        with self._lock:
            counts = self._hits.setdefault(sandbox, {})
            counts[key] = count = counts.get(key, 0) + 1
            return count

    def hits(self, sandbox: str) -> dict[str, int]:
        with self._lock:
            return dict(self._hits.get(sandbox, {}))

    def take(self, sandbox: str, key: str, limit: int, window: float, now: float) -> RateDecision:
        start = math.floor(now / window) * window
        with self._lock:
            windows = self._windows.setdefault(sandbox, {})
            began, used, _ = windows.get(key, (start, 0, 0.0))
            if began != start:
                used = 0
            allowed = used < limit
            if allowed:
                used += 1
            if key not in windows and len(windows) >= MAX_WINDOWS:
                self._prune(windows, now)
            windows[key] = (start, used, start + window)
        return RateDecision(allowed, limit, max(0, limit - used), start + window)

    @staticmethod
    def _prune(windows: dict, now: float) -> None:
        """Clients choose their tokens: forget finished windows so memory stays bounded."""
        for key in [k for k, (_, _, ends) in windows.items() if ends <= now]:
            del windows[key]
        while len(windows) >= MAX_WINDOWS:  # all still running: drop the oldest
            del windows[next(iter(windows))]

    def rng(self, sandbox: str, scenario: str, seed: int) -> random.Random:
        with self._lock:
            rngs = self._rngs.setdefault(sandbox, {})
            rng = rngs.get(scenario)
            if rng is None:
                rng = rngs[scenario] = random.Random(seed)
            return rng

    def reset(self, sandbox: str, scenario: str | None = None) -> None:
        with self._lock:
            for table in (self._hits, self._windows):
                keys = table.get(sandbox, {})
                for key in [k for k in keys if scenario is None or k.startswith(f"{scenario}/")]:
                    del keys[key]
            rngs = self._rngs.get(sandbox, {})
            for key in [k for k in rngs if scenario is None or k == scenario]:
                del rngs[key]

    def drop_sandbox(self, sandbox: str) -> None:
        with self._lock:
            for table in (self._hits, self._windows, self._rngs):
                table.pop(sandbox, None)
