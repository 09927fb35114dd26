"""`after_commit`: let the call take effect, then answer with the rule's failure instead.

It changes what `status` and a connection `fault` do: they no longer replace the call but its
successful answer ("did my purchase go through?"). Success is the vendor's own notion
(`Vendor.succeeded`: GVP reports failures inside HTTP 200 envelopes), so a real error, such as
the 409 of a retried order, reaches the client unchanged.
"""

from __future__ import annotations

from typing import Any

from pydantic import Field

from emulator.http import CapturedResponse
from emulator.scenario_engine.effects import fault, status
from emulator.scenario_engine.effects.base import Effect, Finish, Firing


class AfterCommitEffect(Effect):
    key = "after_commit"
    model = bool
    doc = ("Let the call take effect (e.g. store the order), then answer with `status` or the "
           "connection fault instead of its success.")
    position = 30
    runs = 60

    def field(self) -> tuple[Any, Any]:
        return bool, Field(False, description=self.doc)

    def present(self, spec: Any) -> bool:
        return bool(spec)

    def check(self, effects: Any) -> None:
        if effects.after_commit and effects.status is None and (
                effects.fault is None or not effects.fault.connection):
            raise ValueError("after_commit needs a status or a connection_reset/empty_response "
                             "fault")

    def before(self, spec: bool, firing: Firing) -> bool:
        effects = firing.effects
        firing.later(self, effects.status if effects.status is not None else effects.fault)
        return True

    def after(self, response: CapturedResponse, steps: list[tuple[str, Any]],
              finish: Finish) -> CapturedResponse:
        if not finish.committed or not succeeded(finish, response):
            return response  # only a success becomes an ambiguous failure
        label, spec = steps[0]  # the first rule wins: there is one answer to replace
        if isinstance(spec, status.Status):
            finish.mark(label, f"after_commit {status.note(spec)}")
            return status.render(finish.runtime, finish.view, spec)
        finish.mark(label, f"after_commit fault {spec.kind}")
        return fault.connection_fault(spec.kind)


def succeeded(finish: Finish, response: CapturedResponse) -> bool:
    op = finish.view.ctx.operation
    vendor = finish.runtime.vendors.get(op.vendor) if op is not None else None
    if vendor is None:
        return 200 <= response.status < 300
    return vendor.succeeded(response.status, response.body)
