"""Which operation a request is for, read off the routes FastAPI serves.

The pipeline needs the operation before the route runs (scenario rules match on it, the
journal records it), so the index is built once from the app's own routes, in the order
FastAPI tries them: a route is the only table of operations, there is no second one to keep
in step. Each vendor says which of its routes serve which operation (`Vendor.operation`).
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from functools import lru_cache
from typing import TYPE_CHECKING

from fastapi import APIRouter
from fastapi.routing import APIRoute

if TYPE_CHECKING:
    from emulator.vendors.base import Vendor

ADMIN_PREFIX = "/__admin"  # the emulator's own API; vendors' admin routes serve no operation
METHODS = ("GET", "HEAD", "POST", "PUT", "PATCH", "DELETE", "OPTIONS")
CACHE_SIZE = 4096  # distinct (method, path) pairs remembered; clients choose paths (ids)


@dataclass(frozen=True, slots=True)
class Operation:
    vendor: str
    operation_id: str
    flavour: str | None = None


class OperationIndex:
    def __init__(self) -> None:
        self._routes: list[tuple[APIRoute, Operation | None]] = []
        self.match = lru_cache(maxsize=CACHE_SIZE)(self._match)
        self.candidates = lru_cache(maxsize=CACHE_SIZE)(self._candidates)

    def build(self, routers: Iterable[tuple[Vendor | None, APIRouter]]) -> None:
        """Index the routes of `routers`, in the order the app includes them (the order
        FastAPI tries them); a vendor's routes serve its operations, the others (None) none."""
        self._routes = []
        for vendor, router in routers:
            for route in router.routes:
                if not isinstance(route, APIRoute):  # a nested router: its routes are hidden
                    raise TypeError(f"{vendor.name if vendor else 'admin'}: a router given to "
                                    f"the app must hold its routes directly, not {route!r}")
                op = None
                if vendor is not None and not route.path.startswith(ADMIN_PREFIX):
                    op = vendor.operation(route)
                self._routes.append((route, op))
        _refuse_shadowed_literals(self._routes)
        self.match.cache_clear()
        self.candidates.cache_clear()

    def _candidates(self, path: str) -> tuple[tuple[APIRoute, Operation | None], ...]:
        """The routes that may serve `path`, in matching order: a path some route spells
        literally (no parameters) is theirs alone, so `/__admin/scenarios/reset` is never
        `/__admin/scenarios/{name}`."""
        found = tuple(entry for entry in self._routes if entry[0].path_regex.match(path))
        literal = tuple(entry for entry in found if not entry[0].param_convertors)
        return literal or found

    def _match(self, method: str, path: str) -> Operation | None:
        """The operation of the first route that serves `method` on `path` (None for admin
        routes, unknown paths and unserved methods)."""
        for route, operation in self.candidates(path):
            if method in (route.methods or ()):
                return operation
        return None

    def serves(self, method: str, path: str) -> bool:
        """Some route takes `method` on `path` (a vendor's catch-all included: it renders
        that vendor's own 404 or 405)."""
        return any(method in (route.methods or ()) for route, _ in self.candidates(path))

    def allowed(self, path: str) -> list[str]:
        """The methods of the resource at `path`, for a 405's Allow header (a catch-all's
        methods are not the resource's)."""
        found = {m for route, _ in self.candidates(path) if not _catch_all(route)
                 for m in route.methods or ()}
        return [m for m in METHODS if m in found]

    def routes(self) -> list[tuple[APIRoute, Operation | None]]:
        """Every route of the app with its operation (None: the admin API), in matching
        order."""
        return list(self._routes)

    def operations(self) -> list[tuple[str, str, Operation]]:
        """(method, path template, operation) of every vendor route."""
        return [(method, route.path, op) for route, op in self._routes if op is not None
                for method in sorted(route.methods or ())]


def _catch_all(route: APIRoute) -> bool:
    """A route ending in a `{name:path}` parameter (a vendor's own 404/405 for its prefix)."""
    return route.path.endswith(":path}")


def _refuse_shadowed_literals(routes: list[tuple[APIRoute, Operation | None]]) -> None:
    """FastAPI takes the first route that matches: a templated route listed before a literal
    one with a common method would answer for it (`GET /x/{name}` before `GET /x/reset`)."""
    for i, (literal, _) in enumerate(routes):
        if literal.param_convertors:
            continue
        for earlier, _ in routes[:i]:
            if (earlier.param_convertors and earlier.path_regex.match(literal.path)
                    and set(earlier.methods or ()) & set(literal.methods or ())):
                raise ValueError(f"{earlier.path} is served before {literal.path} and "
                                 "would answer for it: list the literal route first")
