"""GmodStore in the control plane: catalogue discovery routes and the admin hooks.

`GET /__admin/gmodstore/products` and `/users` list the seeded (plus fixture) catalogue of the
request's sandbox so a front-end developer can find ids to call the API with. Forcing maps the
generic actions onto the purchase lifecycle: complete → active (un-revoke), fail → revoked;
a purchase has no processing state, so `processing` is refused with a clear 400.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from fastapi import APIRouter
from sqlalchemy import select

from emulator.deps import Ctx
from emulator.errors import BadRequest, NotFound
from emulator.jsonio import JSONResponse
from emulator.vendors.gmodstore.models import GmsPurchase
from emulator.vendors.gmodstore.schemas import purchase_out
from emulator.vendors.gmodstore.service import set_revoked

if TYPE_CHECKING:
    from emulator.vendors.gmodstore import GmodStore


def build_router(vendor: GmodStore) -> APIRouter:
    router = APIRouter(prefix="/__admin/gmodstore", tags=["admin"])
    catalog = vendor.catalog

    @router.get("/products", operation_id="admin_gmodstore_products")
    async def list_products(ctx: Ctx):
        data = []
        for product in catalog.products(ctx.sandbox):
            team = catalog.team(ctx.sandbox, product.team_id)
            data.append({
                **product.public(),
                "teamName": team.name if team else None,
                "managedByTokens": sorted(t for t, who in vendor.tokens.items()
                                          if catalog.can_manage(ctx.sandbox, who.user_id,
                                                                product)),
            })
        return JSONResponse({"data": data})

    @router.get("/users", operation_id="admin_gmodstore_users")
    async def list_users(ctx: Ctx):
        data = []
        for user in catalog.users(ctx.sandbox):
            data.append({
                **user.public(),
                "teamIds": [t.id for t in catalog.teams_of(ctx.sandbox, user.id)],
                "tokens": sorted(t for t, who in vendor.tokens.items() if who.user_id == user.id),
            })
        return JSONResponse({"data": data})

    return router


# -- admin hooks (called by the shared /__admin orders machinery) --------------------------
def resource(row: GmsPurchase) -> dict:
    return {
        "id": row.id,
        "kind": "purchase",
        "status": row.status,
        "created_at": row.created_at,  # clock seconds, like every vendor's admin view
        "updated_at": row.updated_at,
        **purchase_out(row),
    }


def resources(session, sandbox: str) -> list[dict]:
    rows = session.execute(select(GmsPurchase).where(GmsPurchase.sandbox == sandbox).order_by(
        GmsPurchase.created_at.desc(), GmsPurchase.pk.desc())).scalars()
    return [resource(r) for r in rows]


def find(session, sandbox: str, purchase_id: str) -> GmsPurchase | None:
    return session.execute(select(GmsPurchase).where(
        GmsPurchase.sandbox == sandbox, GmsPurchase.id == purchase_id)).scalar_one_or_none()


def force(session, sandbox: str, purchase_id: str, action: str, message: str | None,
          now: float) -> dict:
    row = find(session, sandbox, purchase_id)
    if row is None:
        raise NotFound(f"no gmodstore purchase {purchase_id} in sandbox {sandbox}")
    if action not in ("complete", "fail"):
        raise BadRequest(f"gmodstore purchases are active or revoked, never {action}: use "
                         "'complete' to un-revoke or 'fail' to revoke")
    revoked = action == "fail"
    if row.revoked != revoked:  # forcing the state it already has changes nothing
        set_revoked(session, sandbox, row, revoked, now,
                    reason=f"admin force {action}" + (f": {message}" if message else ""))
    return resource(row)
