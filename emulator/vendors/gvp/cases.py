"""How to reach every CreatePurchase outcome with the seeded data set (catalog.py).

Served at GET /__admin/gvp/cases and rendered into docs/gvp.md. Each case: log in as `user`
(LoginUserPassword; `user` None means LoginAnonymous) with `device_type`, then call
CreatePurchase with `params` (plus the token). Every case works on a fresh sandbox, and the
whole list also works top to bottom in one sandbox: no case consumes another's product.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass, field

from emulator.vendors.gvp.catalog import USERS
from emulator.vendors.gvp.settings import GvpSettings

RETURN = "https://shop.example/return"
CANCEL = "https://shop.example/cancel"
PIN = "1234"


@dataclass(frozen=True)
class Case:
    outcome: str                 # an exception name, or "OK <payment>"
    user: str | None
    params: dict[str, str | int]
    why: str
    device_type: int = 1
    expect_status: str | None = None  # PurchaseStatus name for a success case
    extra: dict = field(default_factory=dict)


def _buy(product_id: int, product_type: str, pm: int, payment: str, *, pin: str = PIN,
         urls: bool = False, return_url: str = RETURN) -> dict:
    params: dict[str, str | int] = {"productId": product_id, "productType": product_type,
                                    "pricingModelId": pm, "paymentType": payment, "pin": pin}
    if urls:
        params.update(returnURL=return_url, cancelURL=CANCEL)
    return params


CASES: list[Case] = [
    Case("AuthenticationRequired", None, _buy(6001, "Movie", 301, "Billing"),
         "an anonymous (AN_) token cannot buy"),
    Case("UserPurchasePinValueNoMatch", "rich", _buy(6001, "Movie", 301, "Billing", pin="0000"),
         "rich's purchase PIN is 1234"),
    Case("InvalidPaymentType", "rich", _buy(6010, "Movie", 301, "PayPal", urls=True),
         "movie 6010 accepts Billing only (paymentType=Unknown/0 also gives this)"),
    Case("UserDoesNotHaveMandatorySubscription", "nosub", _buy(6001, "Movie", 301, "Billing"),
         "nosub lacks Base TV (1001), the instance's mandatory subscription"),
    Case("InvalidReturnOrCancelURL", "rich",
         _buy(6003, "Movie", 301, "PayPal", urls=True, return_url=""),
         "PayPal/WebPay/WorldPay need absolute http(s) returnURL and cancelURL"),
    Case("InsufficientBalance", "broke", _buy(6002, "Movie", 301, "eWallet"),
         "broke's EWallet is 0.00 and the rental costs 3.99"),
    Case("ProductDoesNotExist", "rich", _buy(9999, "Movie", 301, "Billing"),
         "there is no movie 9999"),
    Case("UserAlreadyHasProduct", "rich", _buy(1001, "Subscription", 201, "Billing"),
         "rich already has Base TV"),
    Case("InvalidPricingModelForThisProduct", "rich", _buy(6001, "Movie", 202, "Billing"),
         "pricing model 202 belongs to Sports Pack (299, of instance 2, gives the same)"),
    Case("PendingProductCanNotBePurchased", "pending", _buy(6005, "Movie", 301, "Billing"),
         "pending already has a PayPal purchase of 6005 awaiting payment"),
    Case("ProductNotAvailableYet", "rich", _buy(6008, "Movie", 301, "Billing"),
         "6008's window opens 7 days after the catalogue anchor"),
    Case("ProductExpired", "rich", _buy(6007, "Movie", 301, "Billing"),
         "6007's window closed a day before the catalogue anchor"),
    Case("UserCantAcquire", "rich", _buy(6006, "Movie", 301, "Billing"),
         "6006 is acquirable on device types 2 and 3 only; log in with deviceType=1"),
    Case("SubscriptionNotAvailableForPurchaseType", "rich",
         _buy(1003, "Subscription", 204, "Billing"), "Cinema Club is ProvisioningOnly"),
    Case("WebpayIsntAvailableForRecurringPayment", "rich",
         _buy(1002, "Subscription", 202, "WebPay", urls=True),
         "202 is Sports Pack's recurring (monthly) pricing model"),
    Case("NoCreditsRegistered", "rich", _buy(5999, "Credit", 0, "Billing"),
         "there is no credit 5999"),
    Case("InvalidProductForInstance", "rich", _buy(5002, "Credit", 0, "Billing"),
         "credit 5002 belongs to instance 2"),
    Case("InvalidPricingModel", "rich", _buy(6001, "Movie", 0, "Billing"),
         "pricingModelId 0 (or missing) for a product that is not a credit"),
    Case("GenericError", "rich", _buy(6009, "Movie", 301, "Billing"),
         "6009's purchase fails inside GVP (simulated storage failure)"),
    Case("OK Billing", "rich", _buy(6001, "Movie", 301, "Billing"),
         "charged at once; a movie rental is Finished (2)", expect_status="Finished"),
    Case("OK eWallet", "rich", _buy(6002, "Movie", 301, "eWallet"),
         "debits 3.99 from rich's EWallet (500.00 → 496.01)", expect_status="Finished"),
    Case("OK PayPal", "rich", _buy(6003, "Movie", 301, "PayPal", urls=True),
         "WaitingPayment (5) + RedirectUrl; approve/cancel on that page",
         expect_status="WaitingPayment"),
    Case("OK WebPay", "rich", _buy(1005, "Subscription", 205, "WebPay", urls=True),
         "WebPay with a one-off pricing model; WaitingPayment + RedirectUrl",
         expect_status="WaitingPayment"),
    Case("OK WorldPay", "rich", _buy(6004, "Movie", 301, "WorldPay", urls=True),
         "WaitingPayment + RedirectUrl", expect_status="WaitingPayment"),
    Case("OK Credit top-up", "rich", _buy(5001, "Credit", 0, "Billing"),
         "buying credit 5001 adds 10.00 to the EWallet", expect_status="Finished"),
    Case("OK Subscription", "nosub", _buy(1001, "Subscription", 201, "Billing"),
         "the mandatory subscription itself can always be bought; Active (9)",
         expect_status="Active"),
]


def passwords() -> dict[str, str]:
    return {user.name: user.password for user in USERS}


def as_table(settings: GvpSettings) -> list[dict]:
    """The machine-readable table served at /__admin/gvp/cases."""
    pw = passwords()
    rows = []
    for case in CASES:
        ok = case.outcome.startswith("OK")
        rows.append({
            "outcome": case.outcome,
            "status_code": 0 if ok else settings.codes.get(case.outcome),
            "exception": None if ok else case.outcome,
            "purchase_status": case.expect_status,
            "login": ({"method": "LoginAnonymous", "deviceType": case.device_type,
                       "instanceId": settings.instance_id} if case.user is None else
                      {"method": "LoginUserPassword", "userName": case.user,
                       "password": pw[case.user], "deviceType": case.device_type,
                       "instanceId": settings.instance_id, "deviceId": "demo-device"}),
            "user": case.user,
            "password": pw.get(case.user) if case.user else None,
            "create_purchase": dict(case.params),
            "why": case.why,
        })
    return rows


def case_dicts() -> list[dict]:
    return [asdict(case) for case in CASES]
