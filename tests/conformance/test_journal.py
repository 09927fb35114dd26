"""Secrets a vendor declares (`Vendor.redaction`) never reach the journal: not in the path,
not in the query, not in the body, not in the headers."""

from __future__ import annotations

import re

SECRET = "s3cret-value-7"


def _entries(client) -> str:
    return client.get("/__admin/requests").text


def test_declared_secret_fields_and_headers_are_redacted(vendor_cls, vendor_app):
    client, vendor = vendor_app()
    runtime = client.app.state.runtime
    path = re.sub(r"\{[^}]+\}", "x1", next(iter(vendor_cls.documented_operations().values()))
                  ["path"])
    fields = sorted(runtime.redactor.fields)
    headers = sorted(vendor_cls.redaction.headers | {"authorization"})
    client.post(path, params={f: SECRET for f in fields}, json={f: SECRET for f in fields},
                headers={h: SECRET for h in headers})
    client.post(path, params={f.upper(): SECRET for f in fields},
                data={f: SECRET for f in fields})
    journal = _entries(client)
    assert journal.count('"***"') >= len(fields)  # the entries are there, redacted
    assert SECRET not in journal


def test_declared_secret_paths_are_redacted(vendor_cls, vendor_app):
    client, _ = vendor_app()
    patterns = [re.compile(p) for p in vendor_cls.redaction.paths]
    documented = [op["path"] for op in vendor_cls.documented_operations().values()]
    for pattern in patterns:
        secret_paths = [p for p in (re.sub(r"\{[^}]+\}", SECRET, d) for d in documented)
                        if pattern.search(p)]
        assert secret_paths, f"{pattern.pattern} matches none of the documented paths"
        for path in secret_paths:
            client.get(path)
    assert SECRET not in _entries(client)
