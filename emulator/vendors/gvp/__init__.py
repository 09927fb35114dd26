"""Telefónica GVP UNIAPI: WCF-style `/{Service}.svc/{Method}` purchase methods.

This class is the Vendor interface (routes, errors, tables, admin hooks); the methods live in
accounts.py / purchase.py / manage.py, their shared state rules in service.py.
"""

from __future__ import annotations

import re
from functools import cached_property
from http import HTTPStatus
from pathlib import Path
from typing import TYPE_CHECKING

import orjson
from starlette.responses import Response

from emulator.errors import DomainError, RateLimited
from emulator.operations import Operation
from emulator.vendors.base import DocumentedAnswer, Outcome, Redaction, Vendor
from emulator.vendors.gvp import (
    admin,
    catalogs,
    errors,
    fixtures,
    fragment,
    outcomes,
    payment,
    routes,
)
from emulator.vendors.gvp.catalog import Catalog
from emulator.vendors.gvp.errors import GvpException
from emulator.vendors.gvp.methods import METHODS, Method
from emulator.vendors.gvp.models import TABLES
from emulator.vendors.gvp.oauth import SignedRequest, verify
from emulator.vendors.gvp.params import Params
from emulator.vendors.gvp.service import Call
from emulator.vendors.gvp.settings import GvpSettings

if TYPE_CHECKING:
    from fastapi import APIRouter
    from fastapi.routing import APIRoute

_SVC_SPACE = re.compile(r"^/[^/]+\.svc(/.*)?$", re.IGNORECASE)
_ENVELOPE = b'{"StatusCode":'  # how errors.envelope begins every answer (orjson, compact)
_STATUS_CODE = re.compile(rb'"StatusCode":(-?[0-9]{1,10})[,}]')


class Gvp(Vendor):
    name = "gvp"
    title = "Telefónica GVP UNIAPI"
    summary = "/{Service}.svc/{Method}"
    settings_model = GvpSettings
    migrated = True
    openapi_fragment = Path(__file__).resolve().parent / "openapi.yaml"
    redaction = Redaction(fields=frozenset({
        "pin", "newpin", "oauth_signature", "paypaltoken",
        "sig",  # the payment link's signature
    }))

    def __init__(self, runtime) -> None:
        super().__init__(runtime)
        self.catalogs = catalogs.SandboxCatalogs()
        self._anchor: float | None = None

    @property
    def anchor(self) -> float:
        """The instant commercialisation windows are placed from (catalogs.anchor): read
        from settings and the database, so every process agrees on it."""
        if self._anchor is None:
            self._anchor = catalogs.anchor(self.runtime, self.settings.catalog_anchor)
        return self._anchor

    # -- wiring ---------------------------------------------------------------------------
    def routers(self) -> list[APIRouter]:
        return [routes.build_router(self), payment.build_router(self), admin.build_router(self)]

    @classmethod
    def tables(cls):
        return list(TABLES)

    @classmethod
    def load_fragment(cls) -> dict:
        return fragment.with_form_posts(super().load_fragment())

    def startup_lines(self, base_url: str) -> list[str]:
        key, secret = next(iter(self.settings.consumers.items()), ("-", "-"))
        return [
            f"GVP UNIAPI     {base_url}/AuthenticationService.svc/LoginUserPassword"
            f"?userName=rich&password=rich123&deviceType=1&instanceId={self.settings.instance_id}",
            f"  OAuth {self.settings.oauth_mode}: consumer key {key} / secret {secret}",
            f"  every CreatePurchase case: {base_url}/__admin/gvp/cases",
        ]

    def catalog(self, session, sandbox: str) -> Catalog:
        return self.catalogs.get(session, sandbox)

    # -- requests ----------------------------------------------------------------------------
    def operation(self, route: APIRoute) -> Operation:
        """GET and the form POST of a method are one UNIAPI operation (the method's name, the
        GET's id in the fragment); the payment page's routes are their own ids."""
        if _SVC_SPACE.match(route.path):
            return Operation(self.name, route.name)
        return Operation(self.name, route.operation_id or route.name)

    def owns(self, path: str) -> bool:
        return bool(_SVC_SPACE.match(path)) or path.startswith("/gvp/")

    def route_path(self, path: str) -> str:
        return routes.canonical_path(path)  # WCF method names match without regard to case

    # -- errors ----------------------------------------------------------------------------
    def render_error(self, exc: DomainError, path: str) -> Response:
        return errors.render(self.settings, exc)

    def documented_error(self, answer: DocumentedAnswer, message: str | None,
                         path: str) -> Response | None:
        # a method's form POST documents what its GET does (fragment.py copies it)
        try:
            phrase = HTTPStatus(answer.status).phrase
        except ValueError:
            phrase = "Error"
        if answer.media_type == "text/html":  # the payment page: a browser's page
            return payment.message_page(answer.status, phrase, message or phrase)
        if answer.schema == "GvpErrorEnvelope":
            return errors.injected(self.settings, answer.status, message or phrase)
        return None

    def region_blocked(self, operation: Operation, message: str, path: str) -> Response:
        return self.render_error(GvpException("UserCantAcquire", message), path)

    def succeeded(self, status: int, body: bytes) -> bool:
        """A GVP exception is HTTP 200 too: success is StatusCode 0 in the envelope."""
        if not 200 <= status < 300:
            return False
        try:
            return orjson.loads(body).get("StatusCode", 0) == 0
        except (orjson.JSONDecodeError, AttributeError):
            return True  # not an envelope (e.g. the payment page): the status decides

    def rate_limited(self, message: str, headers: dict[str, str], path: str) -> Response:
        return self.render_error(RateLimited(message, headers=headers), path)

    # -- documented answers (the response-coverage report) --------------------------------
    @cached_property
    def _outcomes(self) -> list[Outcome]:
        # the fragment's UNIAPI entries (GET and form POST) answer 200 with a StatusCode inside
        found = [o for o in super().documented_outcomes()
                 if o.operation.removesuffix(routes.FORM) not in self._method_names]
        for method, listed in outcomes.method_outcomes(self.settings).items():
            for name, recipe in listed:
                if name.startswith(outcomes.OK):
                    found.append(Outcome(method, 200, name, 0, recipe))
                else:
                    found.append(Outcome(method, errors.domain_status(self.settings, name), name,
                                         self.settings.codes[name], recipe))
        return found

    @cached_property
    def _method_names(self) -> frozenset[str]:
        return frozenset(m.name for m in METHODS.values())

    @cached_property
    def _exceptions(self) -> dict[int, str]:
        return {code: name for name, code in self.settings.codes.items()}

    def documented_outcomes(self) -> list[Outcome]:
        """The payment page by HTTP status; each UNIAPI method by StatusCode (outcomes.py)."""
        return self._outcomes

    def response_recipes(self):
        return outcomes.payment_page_recipes(self.settings)

    def answer_code(self, operation_id: str, status: int, body: bytes) -> int | None:
        """The envelope's StatusCode: its first member (errors.envelope), else found near the
        start (a scenario's override may order the members otherwise): under 0.5 µs a call."""
        if body.startswith(_ENVELOPE):
            end = body.find(b",", 14, 26)
            if end > 14 and body[14:end].isdigit():
                return int(body[14:end])
        if not body.startswith(b"{"):
            return None  # not an envelope (the payment page)
        found = _STATUS_CODE.search(body, 0, 64)
        return int(found.group(1)) if found else None

    def outcome_of(self, entry) -> str:
        if entry.operation not in self._method_names or entry.code is None:
            return super().outcome_of(entry)
        if entry.code != 0:
            return self._exceptions.get(entry.code, f"StatusCode {entry.code}")
        if entry.operation != "CreatePurchase":
            return outcomes.OK
        pairs = [(k, str(v)) for k, v in (entry.query or {}).items()]
        if isinstance(entry.body, dict):
            pairs += [(k, str(v)) for k, v in entry.body.items()]
        payment_type = Params(pairs).enum("paymentType", self.settings.payment_types)
        return f"{outcomes.OK} {payment_type}"

    # -- requests --------------------------------------------------------------------------
    def make_call(self, session, sandbox: str, now: float, base_url: str,
                  params: Params | None = None, fulfilment=None) -> Call:
        return Call(settings=self.settings, catalogs=self.catalogs, sandbox=sandbox,
                    now=now, base_url=base_url, params=params or Params([]), session=session,
                    secret_key=self.runtime.settings.secret_key, anchor=self.anchor,
                    fulfilment=fulfilment)

    def invoke(self, ctx, method: Method, params: Params, signed: SignedRequest):
        """Verify the OAuth signature, then run the method in one write transaction."""
        db, now = self.runtime.db, ctx.now()
        if method.signed:
            if self.settings.oauth_mode == "strict":  # the nonce is kept even if the call fails
                with db.write_session() as session:
                    verify(self.settings, session, ctx.sandbox, now, signed)
                    session.commit()
            else:
                verify(self.settings, None, ctx.sandbox, now, signed)
        with db.write_session() as session:
            call = self.make_call(session, ctx.sandbox, now, ctx.base_url, params,
                                  ctx.fulfilment)
            result = method.handler(call)
            if call.drafts:  # a new purchase was answered but never stored: fail loudly
                raise RuntimeError(f"{method.name}: a new purchase was never stored")
            session.commit()
        return result

    # -- the emulated payment page (payment.py) ---------------------------------------------------
    def payment_page(self, sandbox: str, purchase_id: int, exp: str, sig: str, path: str):
        return payment.show(self, sandbox, purchase_id, exp, sig, path)

    def payment_decision(self, sandbox: str, purchase_id: int, exp: str, sig: str,
                         decision: str):
        return payment.decide(self, sandbox, purchase_id, exp, sig, decision)

    # -- control plane (admin.py) -------------------------------------------------------------------
    def admin_resources(self, session, sandbox: str) -> list[dict]:
        return admin.resources(self, session, sandbox, self.runtime.clocks.get(sandbox).time())

    def admin_resource(self, session, sandbox: str, resource_id: str) -> dict | None:
        now = self.runtime.clocks.get(sandbox).time()
        return admin.resource(self, session, sandbox, resource_id, now)

    def admin_force(self, session, sandbox: str, resource_id: str, action: str,
                    message: str | None, now: float) -> dict:
        return admin.force(self, session, sandbox, resource_id, action, message, now)

    def next_event_at(self, session, sandbox: str, now: float) -> float | None:
        return admin.next_event(self, session, sandbox, now)

    def load_fixtures(self, sandbox: str, data: dict) -> None:
        fixtures.load(self.runtime.db, self.catalogs.base, sandbox, data,
                      self.settings.product_types, self.settings.payment_types)

