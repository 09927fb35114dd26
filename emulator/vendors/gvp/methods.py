"""The UNIAPI methods the emulator serves: name, documented service, handler, signing.

A method is reachable under any `<Service>.svc` prefix (the wiki does not say which service
hosts CreatePurchase); `service` is where the contract documents it.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from emulator.vendors.gvp import accounts, manage, purchase
from emulator.vendors.gvp.service import Call


@dataclass(frozen=True)
class Method:
    name: str
    service: str
    handler: Callable[[Call], Any]
    signed: bool = True   # GetTime is the one method callable without an OAuth signature


AUTH, SUBSCRIPTION, USER = "AuthenticationService", "SubscriptionService", "UserService"

METHODS: dict[str, Method] = {m.name.lower(): m for m in [
    Method("LoginAnonymous", AUTH, accounts.login_anonymous),
    Method("LoginUserPassword", AUTH, accounts.login_user_password),
    Method("Renew", AUTH, accounts.renew),
    Method("GetTime", AUTH, accounts.get_time, signed=False),
    Method("CreatePurchase", SUBSCRIPTION, purchase.create_purchase),
    Method("CreatePurchaseStb", SUBSCRIPTION, purchase.create_purchase_stb),
    Method("CancelPurchase", SUBSCRIPTION, manage.cancel_purchase),
    Method("CancelProduct", SUBSCRIPTION, manage.cancel_product),
    Method("GetUserSubscriptions", SUBSCRIPTION, manage.get_user_subscriptions),
    Method("CheckPin", USER, accounts.check_pin),
    Method("ChangePin", USER, accounts.change_pin),
    Method("EnablePin", USER, accounts.enable_pin),
    Method("DisablePin", USER, accounts.disable_pin),
]}


def find(name: str) -> Method | None:
    return METHODS.get(name.lower())
