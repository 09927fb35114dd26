"""The generated catalogue: size, completeness, determinism, keyset pagination, images."""

from __future__ import annotations

from emulator.vendors.hlconnect.fixed_assets import ENSEMBLE, ENSEMBLE_PARTS, TEST_ASSET_IDS
from tests.hlconnect.helpers import AUTH, assert_error

ALL_FIELDS = {
    "asset_id", "format_short_name", "format", "page_count", "title", "description",
    "song_number", "public_domain", "external_ref", "external_ref_id", "voicing",
    "performance_time", "difficulty_level_low", "difficulty_level_high", "min_qty", "tempo",
    "world", "retail_price", "smd_id", "asset_type", "explicit", "partable", "countries",
    "instruments", "categories", "images", "contributors", "keywords", "related_goods",
    "renderings", "series", "skills", "usergens", "prices", "packages",
}


def walk(client, page_size=100, prefix=""):
    """Every asset, following next_page links until null."""
    assets, url, pages = [], f"{prefix}/assets/list?page_size={page_size}", 0
    while url:
        r = client.get(url, headers=AUTH)
        assert r.status_code == 200, r.text
        body = r.json()
        assets += body["assets"]
        if body["assets"]:
            assert body["last_id"] == body["assets"][-1]["asset_id"]
        url, pages = body["next_page"], pages + 1
        assert pages < 100
    return assets


def test_catalogue_has_at_least_500_complete_assets_in_id_order(client):
    assets = walk(client)
    ids = [a["asset_id"] for a in assets]
    assert len(ids) >= 500 and ids == sorted(set(ids))
    assert set(ids) >= TEST_ASSET_IDS
    for asset in assets:
        assert set(asset) == ALL_FIELDS, asset["asset_id"]
        assert asset["title"] and asset["contributors"][0]["name"]
        assert asset["retail_price"] > 0 and asset["min_qty"] >= 1
        assert asset["world"] or asset["countries"], "a restricted asset names its countries"
    formats = {a["format_short_name"] for a in assets}
    assert {"PVG", "SATB", "SSA"} <= formats
    assert any(not a["world"] for a in assets) and any(a["voicing"] == "SATB" for a in assets)


def test_pages_are_keyset_pages_with_a_working_next_link(client):
    first = client.get("/assets/list", headers=AUTH).json()
    assert len(first["assets"]) == 20  # the documented default page size
    assert first["next_page"] == (
        f"http://testserver/assets/list?page_size=20&last_id={first['last_id']}")
    second = client.get("/assets/list", headers=AUTH,
                        params={"last_id": first["last_id"]}).json()
    assert second["assets"][0]["asset_id"] > first["last_id"]
    last = client.get("/assets/list", headers=AUTH, params={"last_id": max(TEST_ASSET_IDS)})
    assert last.json() == {"assets": [], "last_id": None, "next_page": None}


def test_sandbox_pages_link_inside_the_sandbox_flavour(client):
    body = client.get("/sandbox/assets/list?page_size=5", headers=AUTH).json()
    assert body["next_page"].startswith("http://testserver/sandbox/assets/list?page_size=5")


def test_same_seed_same_catalogue_other_seed_other_catalogue(make_client):
    a = make_client(seed=1).get("/assets/list?page_size=50", headers=AUTH).json()
    b = make_client(seed=1).get("/assets/list?page_size=50", headers=AUTH).json()
    c = make_client(seed=2).get("/assets/list?page_size=50", headers=AUTH).json()
    assert a == b
    assert a["assets"] != c["assets"]


def test_test_assets_are_the_same_for_every_seed(make_client):
    pages = [make_client(seed=s).get("/assets/list", headers=AUTH,
                                     params={"last_id": 1000000, "page_size": 100}).json()
             for s in (0, 99)]
    assert pages[0] == pages[1]
    by_id = {a["asset_id"]: a for a in pages[0]["assets"]}
    assert by_id[1000004]["world"] is False and by_id[1000004]["countries"] == ["CA", "US"]
    assert by_id[1000005]["min_qty"] == 5 and by_id[1000005]["voicing"] == "SATB"
    ensemble = by_id[ENSEMBLE]
    assert ensemble["partable"] is True
    assert {p["asset_id"] for p in ensemble["packages"] if not p["score"]} == set(ENSEMBLE_PARTS)


def test_asset_images_are_served_by_the_emulator(client):
    asset = client.get("/assets/list?page_size=1", headers=AUTH).json()["assets"][0]
    assert [i["name"] for i in asset["images"]] == ["cover", "first-page"]
    for image in asset["images"]:
        assert image["url"].startswith("http://testserver/hlconnect/images/")
        r = client.get(image["url"])
        assert r.status_code == 200 and r.headers["content-type"].startswith("image/svg+xml")
        assert r.text.startswith("<svg") and "</svg>" in r.text
    assert_error(client.get(f"/hlconnect/images/{asset['asset_id']}/nope.png"), 404)
    assert_error(client.get("/hlconnect/images/5/cover.svg"), 404)


def test_catalogue_size_is_configurable(make_client):
    small = make_client(hlconnect={"catalogue_size": 0})
    ids = [a["asset_id"] for a in walk(small)]
    assert set(ids) == set(TEST_ASSET_IDS)
