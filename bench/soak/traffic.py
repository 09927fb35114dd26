"""Mixed traffic across every vendor, as real clients would send it, tolerant of the `chaos`
scenario's transport faults. Each call returns an outcome kind: ok, http_4xx, http_5xx,
bad_json, or the name of the transport error (ConnectError, ReadError, RemoteProtocolError...).
"""

from __future__ import annotations

import itertools
import random
from collections import Counter

import httpx

HL = {"Authorization": "Bearer hl-demo-token"}
GMS = {"Authorization": "Bearer gms-demo-token"}
GMS_PRODUCTS = ["00000000-0000-4000-a000-000000000001", "00000000-0000-4000-a000-000000000002"]
GMS_BUYERS = ["76561198000000011", "76561198000000012", "76561198000000013",
              "76561198000000014"]
GVP_USERS = {"rich": "rich123", "frugal": "frugal123", "broke": "broke123"}


class Stats:
    def __init__(self) -> None:
        self.kinds: Counter[str] = Counter()
        self.by_vendor: Counter[str] = Counter()
        self.latencies: list[float] = []

    def total(self) -> int:
        return sum(self.kinds.values())


class Traffic:
    """One client's loop body: `await traffic.step()` sends one short flow (1-4 requests)."""

    def __init__(self, client: httpx.AsyncClient, stats: Stats, worker: int, seed: int) -> None:
        self.c = client
        self.stats = stats
        self.rng = random.Random(seed * 1000 + worker)
        self.orders = itertools.count(worker * 10_000_000 + 1)
        self.gvp_tokens: dict[str, str] = {}

    async def call(self, vendor: str, method: str, path: str, **kw) -> httpx.Response | None:
        self.stats.by_vendor[vendor] += 1
        try:
            r = await self.c.request(method, path, **kw)
            if r.status_code >= 500:
                kind = "http_5xx"
            elif r.status_code >= 400:
                kind = "http_4xx"
            else:
                kind = "ok"
            if r.content and r.headers.get("content-type", "").startswith("application/json"):
                try:
                    r.json()
                except ValueError:
                    kind = "bad_json"  # chaos: malformed or truncated body
            self.stats.kinds[kind] += 1
            self.stats.latencies.append(r.elapsed.total_seconds())
            return r if kind in ("ok", "http_4xx") else None
        except httpx.HTTPError as exc:
            self.stats.kinds[type(exc).__name__] += 1
            return None

    async def step(self) -> None:
        flow = self.rng.choices([self.hl_live, self.hl_sandbox, self.hl_catalogue,
                                 self.gmodstore, self.gvp], weights=[3, 2, 1, 3, 3])[0]
        await flow()

    async def hl_live(self) -> None:
        r = await self.call("hlconnect", "POST", "/purchase/validate-purchase-before-payment",
                            headers=HL, json={"asset_id": 1000001, "customer_ip": "192.0.2.7",
                                              "quantity": 1})
        if r is None or r.status_code != 200:
            return
        order = next(self.orders)
        await self.call("hlconnect", "POST", "/purchase/register", headers=HL, json={
            "token": r.json()["token"], "order_number": order, "order_line_id": 1,
            "line_item_price": 4.99, "unit_price": 4.99, "customer": "Soak"})
        await self.call("hlconnect", "GET", "/purchase/info", headers=HL,
                        params={"order_id": order})
        if self.rng.random() < 0.3:
            await self.call("hlconnect", "DELETE", "/purchase/cancel", headers=HL,
                            params={"order_id": order, "order_line_id": 1})

    async def hl_sandbox(self) -> None:
        order = next(self.orders)
        await self.call("hlconnect", "POST", "/sandbox/purchase/register", headers=HL, json={
            "asset_id": 1000001, "order_number": order, "order_line_id": 1,
            "country_code": "US", "quantity": 1, "line_item_price": 4.99,
            "unit_price": 4.99, "customer": "Soak"})
        await self.call("hlconnect", "GET", "/sandbox/purchase/download-url", headers=HL,
                        params={"order_id": order, "order_line_id": 1})

    async def hl_catalogue(self) -> None:
        await self.call("hlconnect", "GET", "/assets/list", headers=HL,
                        params={"page_size": 20, "last_id": self.rng.randrange(100000, 999999)})

    async def gmodstore(self) -> None:
        product = self.rng.choice(GMS_PRODUCTS)
        coll = f"/api/v3/products/{product}/purchases"
        r = await self.call("gmodstore", "POST", coll, headers=GMS,
                            json={"userId": self.rng.choice(GMS_BUYERS)})
        if r is not None and r.status_code == 201:  # revoke it, so buyers can buy again
            await self.call("gmodstore", "PUT", f"{coll}/{r.json()['data']['id']}",
                            headers=GMS, json={"revoked": True})
        await self.call("gmodstore", "GET", coll, headers=GMS, params={"perPage": 5})

    async def gvp(self) -> None:
        user = self.rng.choice(list(GVP_USERS))
        token = self.gvp_tokens.get(user)
        if token is None:
            r = await self.call("gvp", "GET", "/AuthenticationService.svc/LoginUserPassword",
                                params={"userName": user, "password": GVP_USERS[user],
                                        "deviceType": 1, "instanceId": 1})
            if r is None or r.json().get("StatusCode") != 0:
                return
            token = self.gvp_tokens[user] = r.json()["Content"]["Token"]
        if self.rng.random() < 0.5:  # a credit top-up: a new purchase row each time
            params = {"productId": 5001, "productType": "Credit", "pricingModelId": 0,
                      "paymentType": "Billing"}
        else:  # an eWallet rental: succeeds until owned or the wallet is empty
            params = {"productId": self.rng.choice([6001, 6002, 6003, 6004]),
                      "productType": "Movie", "pricingModelId": 301, "paymentType": "eWallet"}
        await self.call("gvp", "GET", "/SubscriptionService.svc/CreatePurchase",
                        params={"token": token, "pin": "1234", **params})
        await self.call("gvp", "GET", "/SubscriptionService.svc/GetUserSubscriptions",
                        params={"token": token})
