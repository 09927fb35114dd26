"""The seed documents' calls, through a Python client generated from openapi.yaml.

The client is generated with OpenAPI Generator (the vendor's own toolchain) into a temp
directory once per test process and driven against a real emulator on a socket: the whole purchase
(list, validate, register, poll, links, cancel) and the 401/404/409/422/502 answers.
"""

from __future__ import annotations

from datetime import UTC, datetime

import httpx
import pytest

from emulator.settings import Settings
from tests.contract.sdk import shared_client
from tests.support.live_server import live_server


@pytest.fixture(scope="module")
def sdk(tmp_path_factory):
    return shared_client(tmp_path_factory)


@pytest.fixture(scope="module")
def base(tmp_path_factory):
    db = tmp_path_factory.mktemp("hldb") / "emulator.db"
    settings = Settings(database_url=f"sqlite:///{db}", seed=0,
                        clock_start=datetime(2026, 1, 1, tzinfo=UTC))
    with live_server(settings) as url:
        yield url


def header(reply, name: str) -> str | None:
    return {k.lower(): v for k, v in (reply.headers or {}).items()}.get(name.lower())


def api(sdk, base, cls, token="hl-demo-token"):
    client = sdk.ApiClient(sdk.Configuration(host=base, access_token=token))
    return getattr(sdk, cls)(client)


def test_whole_live_purchase_through_the_generated_client(sdk, base):
    assets = api(sdk, base, "AssetsApi")
    page = assets.connector_assets_list(page_size=5)
    assert isinstance(page.assets[0], sdk.AssetItem) and len(page.assets) == 5
    following = assets.connector_assets_list(page_size=5, last_id=page.last_id)
    assert following.assets[0].asset_id > page.last_id
    assert page.next_page.endswith(f"last_id={page.last_id}")
    assert all(item.health for item in api(sdk, base, "HealthApi").connector_health())

    purchase = api(sdk, base, "PurchaseApi")
    asset = next(a for a in page.assets if a.world and a.min_qty == 1)
    token = purchase.connector_purchase_validate_purchase_before_payment(
        sdk.PurchaseValidateBeforePaymentRequest(asset_id=asset.asset_id,
                                                 customer_ip="198.51.100.20", quantity=2))
    assert isinstance(token, sdk.ValidationToken) and token.exp_date > 0
    registered = purchase.connector_purchase_register_with_http_info(
        sdk.PurchaseRegisterRequest(token=token.token, order_number=12345, order_line_id=1,
                                    line_item_price=9.98, unit_price=4.99,
                                    customer="customer-42"))
    assert registered.status_code == 201 and registered.data is None
    assert header(registered, "X-Environment") == "production"

    first = purchase.connector_purchase_info(12345)
    assert isinstance(first, sdk.PurchaseInProcessingResponse) and first.status == "PROCESSING"
    lines = purchase.connector_purchase_info(12345)
    assert [type(line) for line in lines] == [sdk.OrderItem]
    line = lines[0]
    assert (line.order_id, line.order_line_id, line.asset_id, line.status) == (
        12345, 1, asset.asset_id, "COMPLETED")
    assert (line.country_code, line.quantity, line.line_item_price) == ("GB", 2, 9.98)

    download = purchase.connector_purchase_download_url(12345, 1)
    assert isinstance(download, sdk.DownloadUrl)
    pdf = httpx.get(download.url)
    assert pdf.status_code == 200 and pdf.content.startswith(b"%PDF")
    view = purchase.connector_purchase_view_url(12345, 1)
    page_html = httpx.get(view.url)
    assert page_html.status_code == 200 and "customer-42" in page_html.text

    assert purchase.connector_purchase_cancel(12345, 1) is None
    assert purchase.connector_purchase_info(12345)[0].status == "CANCELLED"


def test_sandbox_flavour_through_the_generated_client(sdk, base):
    sandbox = api(sdk, base, "SandboxApi")
    reply = sandbox.connector_purchase_register_sandbox_with_http_info(
        sdk.SandboxPurchaseRegisterRequest(
            asset_id=1000006, order_number=777, order_line_id=1, country_code="US",
            quantity=1, line_item_price=19.99, unit_price=19.99, customer="quartet-fan",
            parts=[sdk.AssetPartForm(asset_id=1000009, order_line_id=2)]))
    assert reply.status_code == 201 and header(reply, "X-Environment") == "sandbox"
    sandbox.connector_purchase_info_sandbox(777)
    lines = sandbox.connector_purchase_info_sandbox(777)
    assert [(line.order_line_id, line.asset_id) for line in lines] == [(1, 1000006), (2, 1000009)]
    assert sandbox.connector_purchase_view_url_sandbox(777, 2).url.startswith(base)


def error_of(sdk, exc) -> object:
    return sdk.ErrorResponse.from_json(exc.body)


def test_error_paths_through_the_generated_client(sdk, base):
    purchase = api(sdk, base, "PurchaseApi")
    with pytest.raises(sdk.ApiException) as unauthorized:
        api(sdk, base, "PurchaseApi", token="wrong").connector_purchase_info(1)
    assert unauthorized.value.status == 401
    assert error_of(sdk, unauthorized.value).name == "Unauthorized"

    with pytest.raises(sdk.ApiException) as forbidden:
        api(sdk, base, "AssetsApi", token="hl-disabled-token").connector_assets_list()
    assert forbidden.value.status == 403

    with pytest.raises(sdk.ApiException) as missing:
        purchase.connector_purchase_info(999_999)
    assert missing.value.status == 404 and "999999" in error_of(sdk, missing.value).message

    with pytest.raises(sdk.ApiException) as too_few:
        purchase.connector_purchase_validate_purchase_before_payment(
            sdk.PurchaseValidateBeforePaymentRequest(asset_id=1000005, customer_ip="192.0.2.1",
                                                     quantity=2))
    assert too_few.value.status == 422 and error_of(sdk, too_few.value).status == 422

    def register(order):
        token = purchase.connector_purchase_validate_purchase_before_payment(
            sdk.PurchaseValidateBeforePaymentRequest(asset_id=1000002, customer_ip="192.0.2.1",
                                                     quantity=1)).token
        purchase.connector_purchase_register(sdk.PurchaseRegisterRequest(
            token=token, order_number=order, order_line_id=1, line_item_price=4.99,
            unit_price=4.99, customer="dup"))

    register(555)
    with pytest.raises(sdk.ApiException) as conflict:
        register(555)
    assert conflict.value.status == 409

    purchase.connector_purchase_info(555)  # processing once, then the failure
    with pytest.raises(sdk.ApiException) as failed:
        purchase.connector_purchase_info(555)
    assert failed.value.status == 502
    assert isinstance(failed.value.data, sdk.OrderProcessingFailedResponse)
    assert failed.value.data.status == "FAILED" and failed.value.data.message

    with pytest.raises(sdk.ApiException) as bad_cancel:
        purchase.connector_purchase_cancel(555, 1)
    assert bad_cancel.value.status == 400
