"""Prometheus metrics of one process: requests by route, job durations, render times, cache
hits. /metrics (web/routes.py) shows them with the queue's depth; each process is scraped on
its own (the proxy's address list names them)."""

from __future__ import annotations

import json
import time
from collections.abc import Iterator
from typing import Any

from prometheus_client import CollectorRegistry, Counter, Gauge, Histogram, generate_latest
from prometheus_client.metrics_core import Metric

REGISTRY = CollectorRegistry(auto_describe=True)
REQUESTS = Counter(
    "congress_requests_total",
    "HTTP requests answered, by route and status class",
    ["method", "route", "status"],
    registry=REGISTRY,
)
LATENCY = Histogram(
    "congress_request_seconds",
    "Time to answer a request, by route",
    ["method", "route"],
    registry=REGISTRY,
    buckets=(0.002, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10),
)
JOBS = Histogram(
    "congress_job_seconds",
    "Time a job took, by function and outcome",
    ["function", "outcome"],
    registry=REGISTRY,
    buckets=(0.1, 0.5, 1, 2.5, 5, 10, 30, 60, 120, 300, 900),
)
RENDERS = Histogram(
    "congress_render_seconds",
    "Time to lay out a PDF, by document",
    ["document"],
    registry=REGISTRY,
    buckets=(0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60, 120, 300),
)
CACHE = Counter(
    "congress_cache_total",
    "Cached public answers: hits and misses",
    ["result"],
    registry=REGISTRY,
)
QUEUE = Gauge("congress_queue_jobs", "Jobs in the queue, by state", ["state"], registry=REGISTRY)


def observe_render(document: str, seconds: float) -> None:
    RENDERS.labels(document).observe(seconds)


def observe_job(function: str, outcome: str, seconds: float) -> None:
    JOBS.labels(function, outcome).observe(seconds)


def count_cache(hit: bool) -> None:
    CACHE.labels("hit" if hit else "miss").inc()


# Cached public answers without the database (publishing/views.py): where the event's data
# version came from, and where the answer came from.
VERSION_CHECKS = Counter(
    "congress_cache_version_checks_total",
    "Data versions of public events: known in memory, or read from the database",
    ["source"],
    registry=REGISTRY,
)
ANSWERS = Counter(
    "congress_cache_answers_total",
    "Cached public answers: from this process's memory, from the shared cache the warming job "
    "filled, or rendered by this process",
    ["source"],
    registry=REGISTRY,
)
STATEMENTS = Counter(
    "congress_database_statements_total",
    "SQL statements the web process's requests sent to the database",
    registry=REGISTRY,
)


def count_version_check(in_memory: bool) -> None:
    VERSION_CHECKS.labels("memory" if in_memory else "database").inc()


def count_answer(source: str) -> None:
    """``source``: memory, shared or rendered."""
    ANSWERS.labels(source).inc()
    count_cache(source != "rendered")


def count_statement(*_: Any) -> None:
    STATEMENTS.inc()


def observe_request(method: str, route: str, status: int, started: float) -> None:
    REQUESTS.labels(method, route, f"{status // 100}xx").inc()
    LATENCY.labels(method, route).observe(time.perf_counter() - started)


# Observed where jobs run: in queue mode, in the workers, which publish them (worker_figures)
# for the web processes' /metrics to add up.
WORKER_METRICS = (JOBS, RENDERS)


def worker_figures() -> str:
    """This process's job and render times as JSON (a worker keeps them in Redis)."""
    samples = [
        [family.name, sample.name, sample.labels, sample.value]
        for metric in WORKER_METRICS
        for family in metric.collect()
        for sample in family.samples
        if not sample.name.endswith("_created")  # a time, not a figure to add up
    ]
    return json.dumps(samples)


class _WithWorkers:
    """This process's metrics, with the job and render times of the workers added in."""

    def __init__(self, workers: list[str]) -> None:
        self.workers = workers

    def collect(self) -> Iterator[Metric]:
        families = {family.name: family for metric in WORKER_METRICS for family in metric.collect()}
        for family in REGISTRY.collect():
            if family.name not in families:
                yield family
        totals: dict[str, dict[tuple[str, str], float]] = {name: {} for name in families}
        for figures in [worker_figures(), *self.workers]:
            for family_name, sample_name, labels, value in json.loads(figures):
                if family_name in totals:
                    key = (sample_name, json.dumps(labels, sort_keys=True))
                    totals[family_name][key] = totals[family_name].get(key, 0.0) + value
        for name, family in families.items():
            combined = Metric(name, family.documentation, family.type)
            for (sample_name, labels), value in totals[name].items():
                combined.add_sample(sample_name, json.loads(labels), value)
            yield combined


def exposition(
    queue_depth: dict[str, int] | None = None, workers: list[str] | None = None
) -> bytes:
    """The metrics in Prometheus' text format; ``workers``: the figures the workers published."""
    for state, count in (queue_depth or {}).items():
        QUEUE.labels(state).set(count)
    if workers is None:
        return generate_latest(REGISTRY)
    return generate_latest(_WithWorkers(workers))


def route_of(scope: Any) -> str:
    """The route's template (/events/{slug}), never the path itself (unbounded labels)."""
    return str(scope.get("path_template") or "unmatched")
