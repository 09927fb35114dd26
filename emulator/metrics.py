"""Prometheus metrics for /__admin/metrics.

prometheus_client (a well-kept library) renders the exposition format and histograms; each app
gets its own registry so tests and several apps in one process never share counters.
"""

from __future__ import annotations

from prometheus_client import CollectorRegistry, Counter, Histogram, generate_latest
from prometheus_client.core import GaugeMetricFamily

LATENCY_BUCKETS = (0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0, 10.0)


class Metrics:
    def __init__(self, runtime) -> None:
        self.registry = CollectorRegistry(auto_describe=True)
        self.requests = Counter(
            "emulator_requests", "Requests handled, by vendor, operation and status",
            ["vendor", "operation", "status"], registry=self.registry)
        self.latency = Histogram(
            "emulator_request_duration_seconds", "Time from request to response",
            ["vendor", "operation"], buckets=LATENCY_BUCKETS, registry=self.registry)
        self.faults = Counter(
            "emulator_injected_faults", "Responses affected by a scenario rule, by rule",
            ["rule"], registry=self.registry)
        self.registry.register(_StateCollector(runtime))
        # labels() validates and looks the child up under a lock on every call; the label
        # sets are few (operation × status), so the children are kept here after first use.
        self._children: dict[tuple, tuple] = {}

    def observe(self, vendor: str | None, operation: str | None, status: int,
                seconds: float, rules: list[str]) -> None:
        key = (vendor, operation, status)
        children = self._children.get(key)
        if children is None:
            v, o = vendor or "none", operation or "none"
            children = self._children[key] = (self.requests.labels(v, o, str(status)),
                                              self.latency.labels(v, o))
        children[0].inc()
        children[1].observe(seconds)
        for rule in rules:
            self.faults.labels(rule).inc()

    def render(self) -> bytes:
        return generate_latest(self.registry)


class _StateCollector:
    """Orders/purchases by state, read from each vendor at scrape time (default sandbox)."""

    def __init__(self, runtime) -> None:
        self.runtime = runtime

    def describe(self):
        return []

    def collect(self):
        family = GaugeMetricFamily("emulator_resources", "Orders and purchases by state",
                                   labels=["vendor", "kind", "state"])
        counts: dict[tuple[str, str, str], int] = {}
        with self.runtime.db.read_session() as session:
            for vendor in self.runtime.vendors.values():
                for item in vendor.admin_resources(session, "default"):
                    key = (vendor.name, str(item.get("kind", "")), str(item.get("status", "")))
                    counts[key] = counts.get(key, 0) + 1
        for labels, value in sorted(counts.items()):
            family.add_metric(list(labels), value)
        yield family
