"""Order-line lifecycle on /purchase/info: default policy, test assets, cancel."""

from __future__ import annotations

from emulator.lifecycle.machine import machines
from emulator.lifecycle.progression import Progression
from emulator.vendors.hlconnect.fixed_assets import FAILURE_MESSAGE
from tests.hlconnect.helpers import AUTH, assert_error, buy, info, plain_asset, sandbox_body


def cancel(client, order, line=1, prefix=""):
    return client.delete(f"{prefix}/purchase/cancel", headers=AUTH,
                         params={"order_id": order, "order_line_id": line})


def test_the_state_machine_is_declared_once():
    machine = machines()["hlconnect.order_line"]
    assert machine.edges() == [("COMPLETED", "CANCELLED"), ("PROCESSING", "CANCELLED"),
                               ("PROCESSING", "COMPLETED"), ("PROCESSING", "FAILED")]


def test_default_policy_is_one_processing_poll_then_completed(client):
    asset = plain_asset(client)
    assert buy(client, asset_id=asset, order=1).status_code == 201
    first = info(client, 1)
    assert first.status_code == 202 and first.json() == {"status": "PROCESSING"}
    assert first.headers["x-environment"] == "production"
    second = info(client, 1)
    assert second.status_code == 200
    [line] = second.json()
    assert line["status"] == "COMPLETED" and line["asset_id"] == asset
    assert line["download_url"].startswith("http://testserver/hlconnect/download/")
    assert line["view_url"].startswith("http://testserver/hlconnect/view/")
    assert info(client, 1).status_code == 200  # stays completed


def test_reads_other_than_info_do_not_count_as_polls(client):
    asset = plain_asset(client)
    buy(client, asset_id=asset, order=2)
    for _ in range(3):
        assert_error(client.get("/purchase/download-url", headers=AUTH,
                                params={"order_id": 2, "order_line_id": 1}), 404, "PROCESSING")
    assert info(client, 2).status_code == 202


def test_always_completes_asset_is_complete_on_the_first_poll(client):
    buy(client, asset_id=1000001, order=3)
    assert info(client, 3).json()[0]["status"] == "COMPLETED"


def test_failing_asset_answers_502_with_a_message(client):
    buy(client, asset_id=1000002, order=4)
    assert info(client, 4).status_code == 202
    failed = info(client, 4)
    assert failed.status_code == 502
    assert failed.json() == {"status": "FAILED", "message": FAILURE_MESSAGE}
    assert "x-environment" not in failed.headers
    assert info(client, 4).status_code == 502
    assert_error(cancel(client, 4), 400, "FAILED")
    assert_error(client.get("/purchase/view-url", headers=AUTH,
                            params={"order_id": 4, "order_line_id": 1}), 404)


def test_processing_asset_stays_processing_whatever_the_clock(client, clock):
    buy(client, asset_id=1000003, order=5)
    for _ in range(5):
        assert info(client, 5).status_code == 202
        clock.advance(86_400)
    assert info(client, 5).json() == {"status": "PROCESSING"}


def test_one_processing_line_keeps_the_order_processing(client):
    buy(client, asset_id=1000001, order=6, line=1)
    buy(client, asset_id=1000003, order=6, line=2)
    assert info(client, 6).status_code == 202
    assert cancel(client, 6, line=2).status_code == 201
    lines = info(client, 6).json()
    assert [(line["order_line_id"], line["status"]) for line in lines] == [(1, "COMPLETED"),
                                                                 (2, "CANCELLED")]
    assert lines[1]["download_url"] is None and lines[1]["view_url"] is None


def test_a_failed_line_makes_the_order_502(client):
    buy(client, asset_id=1000001, order=7, line=1)
    buy(client, asset_id=1000002, order=7, line=2)
    info(client, 7)
    assert info(client, 7).status_code == 502


def test_cancel_rules(client):
    buy(client, asset_id=1000003, order=8)
    r = cancel(client, 8)
    assert r.status_code == 201 and r.content == b""
    assert r.headers["x-environment"] == "production"
    assert_error(cancel(client, 8), 400, "CANCELLED")
    assert_error(cancel(client, 8, line=9), 404, "line item 9")
    assert_error(cancel(client, 999), 404)
    buy(client, asset_id=1000001, order=9)
    info(client, 9)
    assert cancel(client, 9).status_code == 201  # a completed line may be cancelled
    assert info(client, 9).json()[0]["status"] == "CANCELLED"


def test_sandbox_flavour_has_the_same_lifecycle(client):
    post = lambda **kw: client.post("/sandbox/purchase/register", headers=AUTH,
                                    json=sandbox_body(**kw))
    assert post(asset_id=1000002, order=1).status_code == 201
    assert info(client, 1, prefix="/sandbox").status_code == 202
    assert info(client, 1, prefix="/sandbox").status_code == 502
    assert post(asset_id=1000003, order=2).status_code == 201
    assert cancel(client, 2, prefix="/sandbox").status_code == 201
    assert_error(cancel(client, 2, prefix="/sandbox"), 400)


def test_a_scenario_fulfilment_policy_wins(client, monkeypatch):
    """ctx.fulfilment (set by scenarios) is stored with the line and drives it."""
    from emulator.vendors.hlconnect import service as service_module

    original = service_module.HLService._new_line

    def with_policy(self, ctx, *args, **kwargs):
        ctx.fulfilment = Progression(kind="after_seconds", seconds=30, outcome="fail",
                                     message="scenario says no")
        return original(self, ctx, *args, **kwargs)

    monkeypatch.setattr(service_module.HLService, "_new_line", with_policy)
    buy(client, asset_id=1000001, order=10)  # a test asset's own policy is overridden
    clock = client.app.state.runtime.clocks.get("default")
    assert info(client, 10).status_code == 202
    clock.advance(29)
    assert info(client, 10).status_code == 202
    clock.advance(1)
    assert info(client, 10).json() == {"status": "FAILED", "message": "scenario says no"}
