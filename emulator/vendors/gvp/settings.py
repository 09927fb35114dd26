"""GVP options (EMULATOR_GVP__*).

Every value the public wiki does not state (the reference's PROPOSALs) lives here so a user can
change it: numeric PaymentType/ProductType codes, the emulator-specific StatusCodes, the HTTP
status mapping, token lifetime, OAuth mode and consumers.
"""

from __future__ import annotations

from datetime import datetime
from typing import Literal

from pydantic import Field, field_validator

from emulator.vendors.base import VendorSettings

# CreatePurchase's documented exceptions and their wiki codes (FACT, CP-1210), plus the codes the
# emulator chooses where the wiki names an exception without a number (PROPOSAL, 1 and 10xx).
DEFAULT_CODES: dict[str, int] = {
    "AuthenticationRequired": 30,
    "UserPurchasePinValueNoMatch": 62,
    "InvalidPaymentType": 100,
    "UserDoesNotHaveMandatorySubscription": 113,
    "InvalidReturnOrCancelURL": 130,
    "InsufficientBalance": 87,
    "ProductDoesNotExist": 109,
    "UserAlreadyHasProduct": 23,
    "InvalidPricingModelForThisProduct": 82,
    "PendingProductCanNotBePurchased": 150,
    "ProductNotAvailableYet": 122,
    "ProductExpired": 123,
    "UserCantAcquire": 96,
    "SubscriptionNotAvailableForPurchaseType": 153,
    "WebpayIsntAvailableForRecurringPayment": 146,
    "NoCreditsRegistered": 47,
    "InvalidProductForInstance": 55,
    "InvalidPricingModel": 86,
    # PROPOSAL: GenericError and every exception the wiki names without a code.
    "GenericError": 1,
    "InvalidTokenException": 1001,
    "InvalidSignatureException": 1002,
    "InvalidTimestampException": 1003,
    "NonceAlreadyUsedException": 1004,
    "InvalidConsumerKeyException": 1005,
    "InvalidUserException": 1010,
    "InvalidParameterException": 1011,
    "EndpointNotFoundException": 1012,
    "MethodNotAllowedException": 1013,
    "TooManyRequestsException": 1014,
    "InvalidPinTypeException": 1020,
    "InvalidCharPinException": 1021,
    "UserPinNotRegisteredException": 1022,
    "UserPinIsDisabledException": 1023,
    "UserPinIsAlreadyDisabledException": 1024,
    "UserParentalPinValueNoMatchException": 1025,
    "UserHasNoRightsToThisProductException": 1030,
    "PurchaseNotFoundException": 1031,
    "NonRenewableUserRightException": 1032,
    "PurchaseAlreadyCancelledException": 1033,
    "PurchaseAlreadyInCancellingException": 1034,
    "PurchaseAlreadyInPendingOBCancellationException": 1035,
    "InvalidPurchaseStatusException": 1036,
}

# PROPOSAL (reference §4): the optional REST-ish mapping used when http_status_mode = "mapped".
DEFAULT_HTTP_STATUS: dict[str, int] = {
    "AuthenticationRequired": 401,
    "InvalidTokenException": 401,
    "InvalidSignatureException": 401,
    "InvalidTimestampException": 401,
    "NonceAlreadyUsedException": 401,
    "InvalidConsumerKeyException": 401,
    "InvalidUserException": 401,
    "ProductDoesNotExist": 404,
    "NoCreditsRegistered": 404,
    "PurchaseNotFoundException": 404,
    "UserAlreadyHasProduct": 409,
    "PendingProductCanNotBePurchased": 409,
    "InvalidParameterException": 400,
    "GenericError": 500,
}


class GvpSettings(VendorSettings):  # `enabled` comes from VendorSettings

    # -- OAuth 1.0 two-legged request signing -------------------------------------------------
    oauth_mode: Literal["off", "lenient", "strict"] = Field(
        "lenient",
        description="off: ignore signatures; lenient: verify one when present; strict: require "
                    "a valid signature, a timestamp within oauth_max_skew_seconds of the sandbox "
                    "clock and a nonce never seen before.")
    consumers: dict[str, str] = Field(
        default_factory=lambda: {"gvp-demo-key": "gvp-demo-secret"},
        description="OAuth consumer key → consumer secret.")
    oauth_max_skew_seconds: int = Field(300, ge=0)

    # -- sessions ----------------------------------------------------------------------------
    token_ttl_seconds: int = Field(86_400, ge=1, description="Login token lifetime (24 h).")

    # -- wire codes ----------------------------------------------------------------------------
    codes: dict[str, int] = Field(default_factory=lambda: dict(DEFAULT_CODES),
                                  description="Exception name → StatusCode.")
    http_status_mode: Literal["always_200", "mapped"] = Field(
        "always_200",
        description="always_200: every domain exception is HTTP 200 with its StatusCode in the "
                    "body; mapped: use http_status (unlisted names stay 200).")
    http_status: dict[str, int] = Field(default_factory=lambda: dict(DEFAULT_HTTP_STATUS))
    payment_types: dict[str, int] = Field(
        default_factory=lambda: {"Unknown": 0, "Billing": 1, "PayPal": 2, "eWallet": 3,
                                 "WebPay": 4, "WorldPay": 5, "CreditCard": 6},
        description="PaymentType name → number (names from the wiki, numbers proposed).")
    product_types: dict[str, int] = Field(
        default_factory=lambda: {"Unknown": 0, "Bundle": 1, "Playlist": 2, "Channel": 3,
                                 "Subscription": 4, "Credit": 5, "Movie": 6, "Series": 7},
        description="ProductType name → number (4 and 6 evidenced, the rest proposed).")
    pin_types: dict[str, int] = Field(
        default_factory=lambda: {"Parental": 1, "Purchase": 2},
        description="UserPinType name → number (proposed).")

    # -- lists ---------------------------------------------------------------------------------
    default_limit: int = Field(100, ge=1)
    count_semantics: Literal["page", "total"] = Field(
        "page", description="List `Count`: items in this page, or items in total.")

    # -- catalogue and payments ------------------------------------------------------------------
    instance_id: int = Field(1, description="The OB instance the seeded users belong to.")
    catalog_anchor: datetime | None = Field(
        None,
        description="Commercialisation windows are placed relative to this instant; default: "
                    "the default sandbox clock at start-up, floored to UTC midnight.")
    rental_hours: int = Field(48, ge=1, description="How long a bought movie stays watchable.")
    payment_link_ttl_seconds: int = Field(
        3600, ge=1, description="Lifetime of the emulated PayPal/WebPay/WorldPay page link.")

    @field_validator("codes", "http_status", "payment_types", "product_types", "pin_types",
                     mode="before")
    @classmethod
    def _merge_with_defaults(cls, value: object, info) -> object:
        """Overriding one entry (EMULATOR_GVP__CODES='{"GenericError": 500}') keeps the rest."""
        if not isinstance(value, dict):
            return value
        default = cls.model_fields[info.field_name].default_factory()
        return {**default, **value}
