"""The files HL Connect links lead to: a small real PDF, an HTML viewer page, cover images.

The PDF is written by hand (one page, Helvetica, correct xref offsets) so no PDF library is
needed; any PDF reader opens it.
"""

from __future__ import annotations

import html

from emulator.vendors.hlconnect.models import HLOrderLine


def _pdf_text(text: str) -> str:
    text = text.encode("latin-1", "replace").decode("latin-1")
    return text.replace("\\", "\\\\").replace("(", "\\(").replace(")", "\\)")


def _composer(asset: dict) -> str:
    people = asset.get("contributors") or []
    primary = [c.get("name") for c in people if c.get("is_primary")]
    return (primary or [c.get("name") for c in people] or ["Unknown"])[0] or "Unknown"


def pdf_document(line: HLOrderLine, asset: dict) -> bytes:
    lines = [
        (20, asset.get("title") or f"Asset {line.asset_id}"),
        (12, f"{asset.get('format') or 'Sheet music'} - {_composer(asset)}"),
        (10, f"Licensed to: {line.customer}"),
        (10, f"Order {line.order_number}, line {line.order_line_id}, quantity {line.quantity}"),
        (10, f"HL Connect asset {line.asset_id} - purchase-emulator test document"),
    ]
    ops, y = [], 760
    for size, text in lines:
        ops.append(f"BT /F1 {size} Tf 56 {y} Td ({_pdf_text(text)}) Tj ET")
        y -= size + 14
    # five staff lines so it looks like sheet music
    for staff in range(4):
        top = 560 - staff * 110
        ops += [f"56 {top - i * 8} m 556 {top - i * 8} l S" for i in range(5)]
    stream = "\n".join(ops).encode("latin-1")
    objects = [
        b"<< /Type /Catalog /Pages 2 0 R >>",
        b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
        b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 612 792] "
        b"/Resources << /Font << /F1 5 0 R >> >> /Contents 4 0 R >>",
        b"<< /Length %d >>\nstream\n" % len(stream) + stream + b"\nendstream",
        b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>",
    ]
    out = bytearray(b"%PDF-1.4\n%\xe2\xe3\xcf\xd3\n")
    offsets = []
    for number, body in enumerate(objects, start=1):
        offsets.append(len(out))
        out += b"%d 0 obj\n" % number + body + b"\nendobj\n"
    xref = len(out)
    out += b"xref\n0 %d\n0000000000 65535 f \n" % (len(objects) + 1)
    out += b"".join(b"%010d 00000 n \n" % offset for offset in offsets)
    out += b"trailer\n<< /Size %d /Root 1 0 R >>\nstartxref\n%d\n%%%%EOF\n" % (
        len(objects) + 1, xref)
    return bytes(out)


def viewer_page(line: HLOrderLine, asset: dict, download_url: str | None) -> str:
    e = html.escape
    title = e(asset.get("title") or f"Asset {line.asset_id}")
    staves = "".join(
        f'<line x1="20" x2="580" y1="{40 + s * 70 + i * 8}" y2="{40 + s * 70 + i * 8}" />'
        for s in range(5) for i in range(5))
    download = (f'<p><a id="download" href="{e(download_url)}">Download PDF</a></p>'
                if download_url else "")
    return f"""<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>{title} - HL Connect viewer</title>
<style>body{{font-family:sans-serif;margin:2rem;max-width:40rem}}
svg line{{stroke:#333;stroke-width:1}} .meta{{color:#555}}</style></head>
<body>
<h1 id="title">{title}</h1>
<p class="meta" id="composer">{e(_composer(asset))} &middot; {e(asset.get("format") or "")}</p>
<p id="customer">Licensed to <strong>{e(line.customer)}</strong></p>
<p class="meta" id="order">Order {line.order_number}, line {line.order_line_id},
quantity {line.quantity}, asset {line.asset_id}</p>
<svg width="600" height="400" role="img" aria-label="sheet music">{staves}</svg>
{download}
</body></html>
"""


def cover_svg(asset: dict, kind: str) -> str:
    e = html.escape
    title = e(asset.get("title") or "")
    colour = "#%06x" % (int(asset.get("asset_id") or 0) * 2654435761 % 0xFFFFFF)
    subtitle = e(_composer(asset)) if kind == "cover" else "page 1"
    return (f'<svg xmlns="http://www.w3.org/2000/svg" width="300" height="400" '
            f'viewBox="0 0 300 400"><rect width="300" height="400" fill="{colour}"/>'
            f'<rect x="15" y="15" width="270" height="370" fill="#fff" opacity="0.85"/>'
            f'<text x="150" y="180" font-size="16" text-anchor="middle" '
            f'font-family="serif">{title}</text>'
            f'<text x="150" y="215" font-size="12" text-anchor="middle" '
            f'font-family="sans-serif">{subtitle}</text></svg>')
