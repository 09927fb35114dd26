"""AuthenticationService (LoginAnonymous, LoginUserPassword, Renew, GetTime) and the
UserService PIN methods (CheckPin, ChangePin, EnablePin, DisablePin)."""

from __future__ import annotations

import hmac
import re

from emulator.vendors.gvp.errors import GvpException
from emulator.vendors.gvp.models import GvpUserState
from emulator.vendors.gvp.service import (
    Call,
    issue_token,
    logged_user,
    login_content,
    resolve_token,
    user_state,
)

PIN_FORMAT = re.compile(r"^[0-9]{4}$")  # the wiki's regex for newPin


def login_anonymous(call: Call) -> dict:
    row = issue_token(call, None, call.params.int("deviceType"), call.params.int("instanceId"),
                      None)
    return login_content(row)


def login_user_password(call: Call) -> dict:
    name = call.params.str("userName") or ""
    password = call.params.str("password") or ""
    user = call.catalog.user(name)
    if user is None or not hmac.compare_digest(user.password.encode(), password.encode()):
        raise GvpException("InvalidUserException", "unknown user name or wrong password")
    instance_id = call.params.int("instanceId", user.instance_id) or user.instance_id
    if instance_id != user.instance_id:
        raise GvpException("InvalidUserException",
                           f"user '{name}' does not belong to instance {instance_id}")
    user_state(call, user)  # the user's mutable rows exist from the first login on
    row = issue_token(call, user, call.params.int("deviceType"), instance_id,
                      call.params.str("deviceId", 200))
    return login_content(row)


def renew(call: Call) -> dict:
    old = resolve_token(call)
    user = call.catalog.user(old.user_name) if old.user_name else None
    row = issue_token(call, user, old.device_type, old.instance_id, old.device_id)
    return login_content(row)


def get_time(call: Call) -> int:
    call.params.int("deviceType")  # validated like every other int parameter
    key = call.params.str("oauth_consumer_key")
    if key is not None and key not in call.settings.consumers:
        raise GvpException("InvalidConsumerKeyException", f"unknown oauth_consumer_key '{key}'")
    return int(call.now)


# -- PINs ---------------------------------------------------------------------------------------
def _pin_slot(call: Call) -> tuple[str, GvpUserState]:
    _, _, state = logged_user(call)
    pin_type = call.params.enum("pinType", call.settings.pin_types)
    if pin_type == "Unknown":
        raise GvpException("InvalidPinTypeException",
                           f"pinType must be one of {sorted(call.settings.pin_types)}")
    return pin_type, state


def _value(state: GvpUserState, pin_type: str) -> tuple[str | None, bool]:
    if pin_type == "Purchase":
        return state.purchase_pin, state.purchase_pin_enabled
    return state.parental_pin, state.parental_pin_enabled


def _store(call: Call, state: GvpUserState, pin_type: str, value: str | None, enabled: bool):
    if pin_type == "Purchase":
        state.purchase_pin, state.purchase_pin_enabled = value, enabled
    else:
        state.parental_pin, state.parental_pin_enabled = value, enabled
    call.session.add(state)


def _must_match(pin_type: str, stored: str, given: str | None) -> None:
    if not given or not hmac.compare_digest(stored.encode(), given.encode()):
        name = ("UserPurchasePinValueNoMatch" if pin_type == "Purchase"
                else "UserParentalPinValueNoMatchException")
        raise GvpException(name, f"the {pin_type.lower()} PIN does not match")


def check_pin(call: Call) -> bool:
    pin_type, state = _pin_slot(call)
    stored, enabled = _value(state, pin_type)
    if stored is None:
        raise GvpException("UserPinNotRegisteredException", f"no {pin_type.lower()} PIN is set")
    if not enabled:
        raise GvpException("UserPinIsDisabledException", f"the {pin_type.lower()} PIN is disabled")
    _must_match(pin_type, stored, call.params.str("pin"))
    return True


def change_pin(call: Call) -> bool:
    pin_type, state = _pin_slot(call)
    new_pin = call.params.str("newPin") or ""
    if not PIN_FORMAT.match(new_pin):
        raise GvpException("InvalidCharPinException", "newPin must be exactly four digits")
    stored, enabled = _value(state, pin_type)
    if stored is None:
        raise GvpException("UserPinNotRegisteredException", f"no {pin_type.lower()} PIN is set")
    if not enabled:
        raise GvpException("UserPinIsDisabledException", f"the {pin_type.lower()} PIN is disabled")
    _must_match(pin_type, stored, call.params.str("pin"))
    _store(call, state, pin_type, new_pin, True)
    return True


def enable_pin(call: Call) -> bool:
    pin_type, state = _pin_slot(call)
    pin = call.params.str("pin") or ""
    stored, _ = _value(state, pin_type)
    if stored is None:  # EnablePin creates a PIN that does not exist yet (wiki)
        if not PIN_FORMAT.match(pin):
            raise GvpException("InvalidCharPinException", "pin must be exactly four digits")
        _store(call, state, pin_type, pin, True)
        return True
    _must_match(pin_type, stored, pin)
    _store(call, state, pin_type, stored, True)
    return True


def disable_pin(call: Call) -> bool:
    pin_type, state = _pin_slot(call)
    stored, enabled = _value(state, pin_type)
    if stored is None:
        raise GvpException("UserPinNotRegisteredException", f"no {pin_type.lower()} PIN is set")
    if not enabled:
        raise GvpException("UserPinIsAlreadyDisabledException",
                           f"the {pin_type.lower()} PIN is already disabled")
    _must_match(pin_type, stored, call.params.str("pin"))
    _store(call, state, pin_type, stored, False)
    return True
