"""download-url / view-url, and what their signed, expiring links return."""

from __future__ import annotations

import re

from tests.hlconnect.helpers import AUTH, assert_error, buy, info


def completed(client, order=1, customer="Ada <Lovelace> & Co"):
    assert buy(client, asset_id=1000001, order=order, customer=customer).status_code == 201
    assert info(client, order).status_code == 200


def link(client, kind, order=1, line=1, headers=AUTH, prefix=""):
    return client.get(f"{prefix}/purchase/{kind}-url", headers=headers,
                      params={"order_id": order, "order_line_id": line})


def check_pdf(data: bytes) -> None:
    """Structurally valid: header, every xref offset points at its object, trailer, EOF."""
    assert data.startswith(b"%PDF-1.") and data.rstrip().endswith(b"%%EOF")
    startxref = int(re.search(rb"startxref\s+(\d+)", data).group(1))
    assert data[startxref:startxref + 4] == b"xref"
    entries = re.findall(rb"(\d{10}) 00000 n ", data[startxref:])
    assert len(entries) == 5
    for number, offset in enumerate(entries, start=1):
        assert data[int(offset):].startswith(b"%d 0 obj" % number)


def test_urls_are_404_until_completed(client):
    buy(client, asset_id=1000003, order=1)
    for kind in ("download", "view"):
        assert_error(link(client, kind), 404, "PROCESSING")
    assert_error(link(client, "download", order=2), 404)


def test_download_link_returns_a_real_pdf_naming_asset_and_customer(client):
    completed(client)
    r = link(client, "download")
    assert r.status_code == 200 and r.headers["x-environment"] == "production"
    assert set(r.json()) == {"url"}
    pdf = client.get(r.json()["url"])
    assert pdf.status_code == 200 and pdf.headers["content-type"] == "application/pdf"
    check_pdf(pdf.content)
    assert b"Test Asset: Always Completes" in pdf.content
    assert b"Licensed to: Ada <Lovelace> & Co" in pdf.content


def test_view_link_returns_an_html_viewer_naming_asset_and_customer(client):
    completed(client)
    page = client.get(link(client, "view").json()["url"])
    assert page.status_code == 200 and page.headers["content-type"].startswith("text/html")
    assert "Test Asset: Always Completes" in page.text
    assert "Ada &lt;Lovelace&gt; &amp; Co" in page.text  # escaped, never raw markup
    download = re.search(r'id="download" href="([^"]+)"', page.text).group(1)
    assert client.get(download.replace("&amp;", "&")).status_code == 200


def test_tampered_links_are_403(client):
    completed(client)
    url = link(client, "download").json()["url"]
    base, _, token = url.rpartition("/")
    body, _, mac = token.partition(".")
    assert_error(client.get(f"{base}/{body}.{mac[:-2]}xx"), 403, "signature")
    assert_error(client.get(f"{base}/{body[:-3]}abc.{mac}"), 403)
    assert_error(client.get(f"{base}/not-a-token"), 403, "malformed")
    # a download token does not open the viewer
    assert_error(client.get(url.replace("/download/", "/view/")), 403, "signature")


def test_links_expire_after_10_minutes_on_the_clock(client, clock):
    completed(client)
    url = link(client, "view").json()["url"]
    clock.advance(599)
    assert client.get(url).status_code == 200
    clock.advance(1)
    assert_error(client.get(url), 403, "expired")
    assert client.get(link(client, "view").json()["url"]).status_code == 200  # a fresh one


def test_a_cancelled_line_link_stops_working(client):
    completed(client)
    url = link(client, "download").json()["url"]
    assert client.delete("/purchase/cancel", headers=AUTH,
                         params={"order_id": 1, "order_line_id": 1}).status_code == 201
    assert_error(client.get(url), 403, "CANCELLED")
    assert_error(link(client, "download"), 404)


def test_link_ttl_is_configurable(make_client):
    client = make_client(hlconnect={"url_ttl_seconds": 5})
    completed(client)
    url = link(client, "download").json()["url"]
    client.app.state.runtime.clocks.get("default").advance(5)
    assert_error(client.get(url), 403, "expired")


def test_links_point_at_the_public_url_when_set(make_client):
    client = make_client(public_url="https://emulator.example.test")
    completed(client)
    assert link(client, "view").json()["url"].startswith(
        "https://emulator.example.test/hlconnect/view/")
