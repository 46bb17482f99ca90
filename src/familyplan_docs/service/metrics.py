"""The service's Prometheus metrics: requests, latency, renders, errors and the pool's state.

Labels are the route (its path template, never the URL a client sent), the method, the
status and the problem type: no personal data and no unbounded label values.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator

from prometheus_client import CollectorRegistry, Counter, Histogram
from prometheus_client.core import CounterMetricFamily, GaugeMetricFamily, Metric
from prometheus_client.registry import Collector

from .pool import PoolState

__all__ = ["Metrics"]

_LATENCY_BUCKETS = (0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0, 10.0, 30.0, 60.0, 120.0)


class _PoolCollector(Collector):
    def __init__(self, state: Callable[[], PoolState]) -> None:
        self._state = state

    def collect(self) -> Iterator[Metric]:
        state = self._state()
        for name, help_text, value in (
            ("familyplan_pool_workers", "render worker processes", state.workers),
            ("familyplan_pool_busy", "workers rendering now", state.busy),
            ("familyplan_pool_waiting", "requests waiting for a worker", state.waiting),
            (
                "familyplan_pool_capacity",
                "requests taken at once (workers + queue)",
                state.capacity,
            ),
            ("familyplan_ready", "1 when the workers are warm and taking requests", state.ready),
        ):
            yield GaugeMetricFamily(name, help_text, value=float(value))
        yield CounterMetricFamily(
            "familyplan_pool_rejected", "requests refused because the pool was full", state.rejected
        )
        yield CounterMetricFamily(
            "familyplan_pool_restarts",
            "times the workers were replaced after one died",
            state.restarts,
        )


class Metrics:
    """The metrics of one service process, in a registry of their own."""

    def __init__(self, pool_state: Callable[[], PoolState]) -> None:
        self.registry = CollectorRegistry(auto_describe=True)
        self.requests = Counter(
            "familyplan_http_requests",
            "HTTP requests answered",
            ["route", "method", "status"],
            registry=self.registry,
        )
        self.latency = Histogram(
            "familyplan_http_request_duration_seconds",
            "time from a request's arrival to the end of its answer",
            ["route", "method"],
            buckets=_LATENCY_BUCKETS,
            registry=self.registry,
        )
        self.documents = Counter(
            "familyplan_documents_rendered",
            "documents rendered (each .docx or .pdf in an answer)",
            ["route"],
            registry=self.registry,
        )
        self.jobs = Counter(
            "familyplan_render_jobs",
            "jobs the render workers finished, by outcome (made or a problem type)",
            ["route", "outcome"],
            registry=self.registry,
        )
        self.problems = Counter(
            "familyplan_problems",
            "problem answers (errors), by route, status and problem type",
            ["route", "status", "type"],
            registry=self.registry,
        )
        self.registry.register(_PoolCollector(pool_state))
