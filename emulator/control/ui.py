"""/__admin/ui: the dashboard, a small static app shipped in the package (no CDN).

It only calls the admin API, so it shows exactly what a test could ask for. When an admin
token is set, open `/__admin/ui?token=<token>` once: the page sets a same-site cookie and
drops the token from the address bar.
"""

from __future__ import annotations

from pathlib import Path

from fastapi import APIRouter, Request
from starlette.responses import RedirectResponse, Response

from emulator.control.auth import COOKIE, cookie_value, query_token, token_matches
from emulator.deps import RuntimeDep
from emulator.errors import NotFound

router = APIRouter(prefix="/__admin/ui", tags=["admin"])
UI_DIR = Path(__file__).resolve().parent / "ui"
ASSETS = {"app.js": "text/javascript", "app.css": "text/css", "index.html": "text/html"}


@router.get("", operation_id="admin_ui", response_class=Response)
def dashboard(request: Request, runtime: RuntimeDep) -> Response:
    settings = runtime.settings
    token = query_token(request.url.query)
    if settings.admin_token and token_matches(settings, token):
        response = RedirectResponse("/__admin/ui", status_code=303)
        response.set_cookie(COOKIE, cookie_value(settings), httponly=True, samesite="strict",
                            path="/__admin")
        return response
    return _file("index.html")


@router.get("/{asset}", operation_id="admin_ui_asset", response_class=Response)
def asset(asset: str) -> Response:
    if asset not in ASSETS:
        raise NotFound(f"no dashboard file {asset!r}")
    return _file(asset)


def _file(name: str) -> Response:
    # read and sent whole (a few KB): the pipeline buffers responses anyway
    return Response((UI_DIR / name).read_bytes(), media_type=ASSETS[name],
                    headers={"cache-control": "no-store"})
