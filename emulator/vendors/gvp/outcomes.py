"""Every documented answer of every UNIAPI method, with a recipe reaching it on a fresh emulator.

The one source of GVP's outcomes for the response-coverage report (GET /__admin/coverage), the
CLI and the dashboard. CreatePurchase's come from cases.py (the table behind /__admin/gvp/cases
and docs/gvp.md); CreatePurchaseStb reuses those its checks share; the other methods' are
below. Each method's exceptions are those its description in openapi.yaml names (a test keeps
the two equal). Outcomes are named like the answer's StatusMessage: the exception, or `OK`
(`OK <paymentType>` for CreatePurchase, whose successes differ by payment type).
"""

from __future__ import annotations

from typing import Any

from emulator.recipes import Recipe, Step
from emulator.vendors.gvp.cases import CANCEL, CASES, PIN, RETURN, Case, passwords
from emulator.vendors.gvp.methods import METHODS
from emulator.vendors.gvp.routes import documented_path
from emulator.vendors.gvp.settings import GvpSettings

OK = "OK"
#: CreatePurchase checks that CreatePurchaseStb (no PIN, no payment choice, no URLs) never makes
NOT_STB = frozenset({"UserPurchasePinValueNoMatch", "InvalidPaymentType",
                     "InvalidReturnOrCancelURL", "InsufficientBalance",
                     "WebpayIsntAvailableForRecurringPayment"})
STB_ONLY_PARAMS = ("pin", "paymentType", "returnURL", "cancelURL")
PAYPAL_MOVIE = {"productId": 6003, "productType": "Movie", "pricingModelId": 301,
                "paymentType": "PayPal", "pin": PIN, "returnURL": RETURN, "cancelURL": CANCEL}
BILLING_MOVIE = {"productId": 6001, "productType": "Movie", "pricingModelId": 301,
                 "paymentType": "Billing", "pin": PIN}
#: Sports Pack on its recurring (monthly) pricing model: a right CancelProduct can stop
SPORTS_MONTHLY = {"productId": 1002, "productType": "Subscription", "pricingModelId": 202,
                  "pin": PIN}
REDIRECT = "Content.Content.0.RedirectUrl"


class Recipes:
    """Recipe builders bound to the instance id (settings) the seeded users log in to."""

    def __init__(self, settings: GvpSettings) -> None:
        self.settings = settings

    def login(self, user: str | None, device_type: int = 1) -> Step:
        instance = self.settings.instance_id
        if user is None:
            return Step("GET", documented_path(METHODS["loginanonymous"]),
                        query={"deviceType": device_type, "instanceId": instance},
                        save={"token": "Content.Token"})
        return Step("GET", documented_path(METHODS["loginuserpassword"]),
                    query={"userName": user, "password": passwords()[user],
                           "deviceType": device_type, "instanceId": instance,
                           "deviceId": "demo-device"},
                    save={"token": "Content.Token"})

    def call(self, method: str, save: dict[str, str] | None = None, **params: Any) -> Step:
        return Step("GET", documented_path(METHODS[method.lower()]),
                    query={"token": "${token}", **params}, save=save or {})

    def as_user(self, user: str | None, why: str, *steps: Step, device_type: int = 1) -> Recipe:
        return Recipe(why, (self.login(user, device_type), *steps))

    def case(self, case: Case, method: str = "CreatePurchase") -> Recipe:
        params = dict(case.params)
        if method == "CreatePurchaseStb":
            params = {k: v for k, v in params.items() if k not in STB_ONLY_PARAMS}
        return self.as_user(case.user, case.why, self.call(method, **params),
                            device_type=case.device_type)

    def injected(self, method: str, exception: str, user: str, why: str,
                 **params: Any) -> Recipe:
        """An answer no seeded state produces: a scenario overrides the method's answer."""
        envelope = {"StatusCode": self.settings.codes[exception], "Severity": 3,
                    "StatusMessage": exception, "Content": None}
        scenario = {"name": f"gvp-{method}-{exception}"[:64],
                    "description": f"{method} answers {exception} ({envelope['StatusCode']})",
                    "rules": [{
            "id": "answer", "match": {"vendor": "gvp", "operation": method},
            "effects": {"override": {"body": envelope}}}]}
        return Recipe(why, (self.login(user), self.call(method, **params)), scenario=scenario)


def method_outcomes(settings: GvpSettings) -> dict[str, list[tuple[str, Recipe]]]:
    """Method → [(outcome, recipe)], in the order the method checks them."""
    r = Recipes(settings)
    purchase = [(c.outcome, r.case(c)) for c in CASES
                if not c.outcome.startswith(OK) or c.outcome == f"{OK} {c.params['paymentType']}"]
    stb = [(OK if c.outcome == "OK Billing" else c.outcome, r.case(c, "CreatePurchaseStb"))
           for c in CASES if c.outcome == "OK Billing"
           or not (c.outcome.startswith(OK) or c.outcome in NOT_STB)]
    pay = r.call("CreatePurchase", save={"tx": "Content.Content.0.TransactionId",
                                         "paypal": "Content.Content.0.PaypalToken"},
                 **PAYPAL_MOVIE)
    cancel_paypal = r.call("CancelPurchase", transactionId="${tx}", paypalToken="${paypal}")
    monthly_billing = r.call("CreatePurchase", paymentType="Billing", **SPORTS_MONTHLY)
    monthly_paypal = r.call("CreatePurchase", paymentType="PayPal", returnURL=RETURN,
                            cancelURL=CANCEL, save={"redirect": REDIRECT, "exp": REDIRECT + "?exp",
                                                    "sig": REDIRECT + "?sig"}, **SPORTS_MONTHLY)
    approve = Step("POST", "${redirect}", form={"decision": "approve", "exp": "${exp}",
                                                 "sig": "${sig}"})
    cancel_sports = r.call("CancelProduct", productId=1002, pin=PIN)
    pins = {"Purchase": PIN, "Parental": "0000"}  # the seeded users' PINs (catalog.USERS)
    return {
        "LoginAnonymous": [(OK, Recipe("an anonymous (AN_) token", (r.login(None),)))],
        "LoginUserPassword": [
            (OK, Recipe("a logged (AU_) token for a seeded user", (r.login("rich"),))),
            ("InvalidUserException", Recipe("a wrong password", (Step(
                "GET", documented_path(METHODS["loginuserpassword"]),
                query={"userName": "rich", "password": "wrong", "deviceType": 1,
                       "instanceId": settings.instance_id}),)))],
        "Renew": [
            (OK, r.as_user("rich", "renew a valid token", r.call("Renew"))),
            ("InvalidTokenException", Recipe("a token the emulator never issued", (Step(
                "GET", documented_path(METHODS["renew"]), query={"token": "AU_unknown"}),)))],
        "GetTime": [
            (OK, Recipe("never signed", (Step("GET", documented_path(METHODS["gettime"]),
                                              query={"deviceType": 1}),))),
            ("InvalidConsumerKeyException", Recipe("a consumer key that is not configured", (
                Step("GET", documented_path(METHODS["gettime"]),
                     query={"deviceType": 1, "oauth_consumer_key": "no-such-key"}),)))],
        "CreatePurchase": purchase,
        "CreatePurchaseStb": stb,
        "CancelPurchase": [
            (OK, r.as_user("rich", "a PayPal purchase awaiting payment is cancelled", pay,
                           cancel_paypal)),
            ("PurchaseNotFoundException", r.as_user(
                "rich", "no purchase has this transactionId",
                r.call("CancelPurchase", transactionId="TX99999999"))),
            ("PurchaseAlreadyCancelledException", r.as_user(
                "rich", "cancel the same PayPal purchase twice", pay, cancel_paypal,
                cancel_paypal)),
            ("InvalidPurchaseStatusException", r.as_user(
                "rich", "a Billing purchase is not awaiting payment",
                r.call("CreatePurchase", save={"tx": "Content.Content.0.TransactionId"},
                       **BILLING_MOVIE),
                r.call("CancelPurchase", transactionId="${tx}")))],
        "CancelProduct": [
            (OK, r.as_user("rich", "a recurring Billing right goes to PendingOBCancellation",
                           monthly_billing, cancel_sports)),
            ("UserPurchasePinValueNoMatch", r.as_user(
                "rich", "rich's purchase PIN is 1234",
                r.call("CancelProduct", productId=1002, pin="0000"))),
            ("PurchaseNotFoundException", r.as_user(
                "rich", "there is no product 9999", r.call("CancelProduct", productId=9999,
                                                          pin=PIN))),
            ("UserHasNoRightsToThisProductException", r.as_user(
                "rich", "rich never bought Sports Pack (1002)", cancel_sports)),
            ("NonRenewableUserRightException", r.as_user(
                "rich", "a movie rental is not recurring",
                r.call("CreatePurchase", **BILLING_MOVIE),
                r.call("CancelProduct", productId=6001, pin=PIN))),
            ("PurchaseAlreadyCancelledException", r.as_user(
                "rich", "a recurring right paid by PayPal is cancelled at once; cancel it again",
                monthly_paypal, approve, cancel_sports, cancel_sports)),
            ("PurchaseAlreadyInCancellingException", r.injected(
                "CancelProduct", "PurchaseAlreadyInCancellingException", "rich",
                "no emulated flow leaves a right in Canceling (8): only a scenario answers it",
                productId=1002, pin=PIN)),
            ("PurchaseAlreadyInPendingOBCancellationException", r.as_user(
                "rich", "cancel a recurring Billing right twice (the operator has not confirmed)",
                monthly_billing, cancel_sports, cancel_sports))],
        "GetUserSubscriptions": [
            (OK, r.as_user("rich", "rich's subscriptions (Base TV)",
                           r.call("GetUserSubscriptions"))),
            ("AuthenticationRequired", r.as_user(None, "an anonymous token",
                                                 r.call("GetUserSubscriptions")))],
        "CheckPin": [
            (OK, r.as_user("rich", "the right purchase PIN",
                           r.call("CheckPin", pinType="Purchase", pin=PIN))),
            *_pin_states(r, "CheckPin"),
            *_no_match(r, "CheckPin", pins),
            ("InvalidPinTypeException", r.as_user(
                "rich", "pinType must be Parental (1) or Purchase (2)",
                r.call("CheckPin", pinType="Unknown", pin=PIN)))],
        "ChangePin": [
            (OK, r.as_user("rich", "the old PIN matches and the new one is four digits",
                           r.call("ChangePin", pinType="Purchase", pin=PIN, newPin="4321"))),
            ("InvalidCharPinException", r.as_user(
                "rich", "newPin must be exactly four digits",
                r.call("ChangePin", pinType="Purchase", pin=PIN, newPin="12a4"))),
            *_pin_states(r, "ChangePin", newPin="4321"),
            *_no_match(r, "ChangePin", pins, newPin="4321")],
        "EnablePin": [
            (OK, r.as_user("kid", "kid's purchase PIN (1234) is enabled again",
                           r.call("EnablePin", pinType="Purchase", pin=PIN))),
            ("InvalidCharPinException", r.as_user(
                "kid", "creating kid's parental PIN needs exactly four digits",
                r.call("EnablePin", pinType="Parental", pin="12"))),
            *_no_match(r, "EnablePin", pins)],
        "DisablePin": [
            (OK, r.as_user("rich", "the right purchase PIN",
                           r.call("DisablePin", pinType="Purchase", pin=PIN))),
            *_pin_states(r, "DisablePin", disabled="UserPinIsAlreadyDisabledException"),
            *_no_match(r, "DisablePin", pins)],
    }


def _pin_states(r: Recipes, method: str, disabled: str = "UserPinIsDisabledException",
                **params: Any) -> list[tuple[str, Recipe]]:
    """kid has no parental PIN and a disabled purchase PIN (catalog.USERS)."""
    return [("UserPinNotRegisteredException", r.as_user(
                "kid", "kid has no parental PIN",
                r.call(method, pinType="Parental", pin="0000", **params))),
            (disabled, r.as_user(
                "kid", "kid's purchase PIN is disabled",
                r.call(method, pinType="Purchase", pin=PIN, **params)))]


def _no_match(r: Recipes, method: str, pins: dict[str, str],
              **params: Any) -> list[tuple[str, Recipe]]:
    """The two no-match exceptions: the other PIN's value sent for each PIN type."""
    wrong = {"Purchase": pins["Parental"], "Parental": pins["Purchase"]}
    return [("UserPurchasePinValueNoMatch", r.as_user(
                "rich", f"rich's purchase PIN is {pins['Purchase']}",
                r.call(method, pinType="Purchase", pin=wrong["Purchase"], **params))),
            ("UserParentalPinValueNoMatchException", r.as_user(
                "rich", f"rich's parental PIN is {pins['Parental']}",
                r.call(method, pinType="Parental", pin=wrong["Parental"], **params)))]


def payment_page_recipes(settings: GvpSettings) -> dict[tuple[str, int], Recipe]:
    """The emulated payment page a RedirectUrl leads to (documented by HTTP status)."""
    r = Recipes(settings)
    buy = r.call("CreatePurchase", save={"page": REDIRECT, "exp": REDIRECT + "?exp",
                                         "sig": REDIRECT + "?sig"}, **PAYPAL_MOVIE)
    expire = Step("POST", "/__admin/clock/advance",
                  json={"seconds": settings.payment_link_ttl_seconds + 1})

    def decide(decision: str = "approve", sig: str = "${sig}") -> Step:
        return Step("POST", "${page}", form={"decision": decision, "exp": "${exp}", "sig": sig})

    return {
        ("PaymentPage", 200): r.as_user("rich", "open the RedirectUrl of a PayPal purchase",
                                        buy, Step("GET", "${page}")),
        ("PaymentPage", 403): r.as_user("rich", "the link with its signature altered",
                                        buy, Step("GET", "${page}0")),
        ("PaymentPage", 404): Recipe("a purchase id that is not a number",
                                     (Step("GET", "/gvp/payment/default/not-a-purchase"),)),
        ("PaymentPage", 410): r.as_user("rich", "the link outlives payment_link_ttl_seconds",
                                        buy, expire, Step("GET", "${page}")),
        ("PaymentDecision", 303): r.as_user("rich", "Approve: redirected to the returnURL",
                                            buy, decide()),
        ("PaymentDecision", 400): r.as_user("rich", "decision must be approve or cancel",
                                            buy, decide("maybe")),
        ("PaymentDecision", 403): r.as_user("rich", "a form whose sig does not match",
                                            buy, decide(sig="forged")),
        ("PaymentDecision", 404): Recipe("a purchase id that is not a number", (Step(
            "POST", "/gvp/payment/default/not-a-purchase", form={"decision": "approve"}),)),
        ("PaymentDecision", 409): r.as_user("rich", "approve the same payment twice",
                                            buy, decide(), decide()),
        ("PaymentDecision", 410): r.as_user("rich", "the link outlives payment_link_ttl_seconds",
                                            buy, expire, decide()),
    }
