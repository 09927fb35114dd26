"""Where HL Connect's links lead: signed download/view links and catalogue images.

Not part of HL's API (at HL these are CDN and viewer hosts); served here so the links in
responses really work. Browsers follow them without headers, so a link carries its sandbox.
"""

from typing import TYPE_CHECKING, Annotated

from fastapi import APIRouter, Path
from starlette.responses import Response

from emulator.deps import Ctx
from emulator.errors import NotFound
from emulator.vendors.hlconnect.files import cover_svg, pdf_document, viewer_page
from emulator.vendors.hlconnect.schemas import INT64_MAX

if TYPE_CHECKING:
    from emulator.vendors.hlconnect import HLConnect

IMAGE_NAMES = {"cover.svg": "cover", "first-page.svg": "first-page"}
LinkToken = Annotated[str, Path(max_length=4096)]


def build_router(vendor: "HLConnect") -> APIRouter:
    router = APIRouter(prefix="/hlconnect", tags=["hlconnect-files"])
    service = vendor.service

    @router.get("/download/{token}", operation_id="hlconnect_file_download")
    async def download(token: LinkToken) -> Response:
        line, asset = service.open_file(token, "download")
        name = f"hl-{line.asset_id}-{line.order_number}-{line.order_line_id}.pdf"
        return Response(pdf_document(line, asset), media_type="application/pdf",
                        headers={"Content-Disposition": f'attachment; filename="{name}"',
                                 "Cache-Control": "private, no-store"})

    @router.get("/view/{token}", operation_id="hlconnect_file_view")
    async def view(ctx: Ctx, token: LinkToken) -> Response:
        line, asset = service.open_file(token, "view")
        download_url = service.file_url(ctx, line, "download")
        return Response(viewer_page(line, asset, download_url), media_type="text/html",
                        headers={"Cache-Control": "private, no-store"})

    @router.get("/images/{asset_id}/{image_name}", operation_id="hlconnect_asset_image")
    async def image(ctx: Ctx, asset_id: Annotated[int, Path(ge=1, le=INT64_MAX)],
                    image_name: str) -> Response:
        asset = service.asset(ctx.sandbox, asset_id)
        if asset is None or image_name not in IMAGE_NAMES:
            raise NotFound(f"No image {image_name} for asset {asset_id}")
        return Response(cover_svg(asset, IMAGE_NAMES[image_name]), media_type="image/svg+xml",
                        headers={"Cache-Control": "public, max-age=86400"})

    return router
