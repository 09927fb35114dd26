"""A Python client generated from openapi.yaml with OpenAPI Generator drives GVP against a live
emulator: logins, a purchase per payment flow, an exception envelope, subscriptions and PINs.
No public GVP client library exists, so this is the contract's proof that a generated one works."""

from __future__ import annotations

import pytest

from tests.conftest import FIXED_START
from tests.contract.sdk import shared_client
from tests.support.live_server import live_server


@pytest.fixture(scope="module")
def sdk(tmp_path_factory):
    return shared_client(tmp_path_factory)


@pytest.fixture(scope="module")
def api(sdk, tmp_path_factory):
    from emulator.settings import Settings

    db = tmp_path_factory.mktemp("gvp-sdk-db") / "emulator.db"
    with live_server(Settings(database_url=f"sqlite:///{db}", clock_start=FIXED_START)) as base:
        yield sdk.GvpApi(sdk.ApiClient(sdk.Configuration(host=base)))


def test_generated_client_runs_the_purchase_flows(api):
    assert api.get_time(device_type=1).content == int(FIXED_START.timestamp())
    anon = api.login_anonymous(device_type=1, instance_id=1).content
    assert anon.token.startswith("AN_")
    login = api.login_user_password(user_name="rich", password="rich123", device_type=1,
                                    instance_id=1, device_id="sdk")
    assert login.status_code == 0 and login.content.token.startswith("AU_")
    token = login.content.token

    def buy(product_id, product_type, pm, payment, **urls):
        return api.create_purchase(token=token, product_id=product_id, product_type=product_type,
                                   pricing_model_id=pm, payment_type=payment, pin="1234",
                                   return_url=urls.get("r", ""), cancel_url=urls.get("c", ""))

    billed = buy(6001, "Movie", 301, "Billing").content
    assert (billed.offset, billed.limit, billed.count) == (0, 100, 1)
    assert billed.content[0].purchase_status == 2 and billed.content[0].can_watch.rental_hours_left == 48
    wallet = buy(6002, "Movie", 301, "eWallet").content.content[0]
    assert wallet.price == 3.99 and wallet.payment_type == 3
    paypal = buy(6003, "Movie", 301, "PayPal", r="https://shop.example/r",
                 c="https://shop.example/c").content.content[0]
    assert paypal.purchase_status == 5 and "/gvp/payment/" in paypal.redirect_url
    cancelled = api.cancel_purchase(token=token, transaction_id=paypal.transaction_id,
                                    paypal_token=paypal.paypal_token)
    assert cancelled.content is True

    error = buy(9999, "Movie", 301, "Billing")
    assert (error.status_code, error.severity, error.status_message, error.content) == (
        109, 3, "ProductDoesNotExist", None)

    subs = api.get_user_subscriptions(token=token, offset=0, limit=10).content
    assert [s.id for s in subs.list] == [1001]
    assert api.check_pin(token=token, pin_type="Purchase", pin="1234").content is True
    assert api.renew(token=token).content.token != token
