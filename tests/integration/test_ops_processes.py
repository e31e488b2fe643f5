"""`congress serve` with JSON logs and `congress worker` as real processes, in queue mode: the
server logs JSON lines with the request id, which follows a request into its job's lines in the
worker; /metrics, scraped after real requests and jobs, counts requests and their latency by
route template, the queue's depth, the jobs' times by function and the render times (measured
in the worker); SIGTERM stops both cleanly."""

from __future__ import annotations

import signal
import time
from pathlib import Path

import httpx
from prometheus_client.parser import text_string_to_metric_families

from congress.settings import Settings
from tests.processes import queue_settings, server, worker


def _samples(text: str) -> dict[tuple[str, tuple[tuple[str, str], ...]], float]:
    return {
        (sample.name, tuple(sorted(sample.labels.items()))): sample.value
        for family in text_string_to_metric_families(text)
        for sample in family.samples
    }


def _value(samples: dict, name: str, **labels: str) -> float:
    return samples.get((name, tuple(sorted(labels.items()))), 0.0)


def test_json_logs_request_ids_into_jobs_metrics_and_clean_stops(
    settings: Settings, demo_slug: str, tmp_path: Path
) -> None:
    queued = queue_settings(settings)
    json_logs = {"CONGRESS_LOG_FORMAT": "json"}
    with (
        worker(queued, tmp_path / "worker.log", **json_logs) as jobs,
        server(queued, tmp_path / "web.log", **json_logs) as (web, url),
    ):
        with httpx.Client(base_url=url, timeout=60) as http:
            for _ in range(2):
                assert http.get(f"/events/{demo_slug}").status_code == 200
            assert http.get("/api/v1/ping", headers={"X-Request-ID": "ping-7"}).status_code == 200
            started = http.get(
                f"/events/{demo_slug}/proceedings", headers={"X-Request-ID": "render-42"}
            )
            assert started.status_code == 200
            deadline = time.monotonic() + 180
            while http.get(f"/events/{demo_slug}/proceedings/status").json()["state"] == "running":
                assert time.monotonic() < deadline, jobs.text()
                time.sleep(0.2)
            # The scraper's address (127.0.0.1 by default) needs no token.
            scraped = http.get("/metrics")
            assert scraped.status_code == 200, scraped.text
        samples = _samples(scraped.text)

        # Requests by route template, never by path; their latency likewise.
        route = "/events/{slug}"
        assert (
            _value(samples, "congress_requests_total", method="GET", route=route, status="2xx") == 2
        )
        assert _value(samples, "congress_request_seconds_count", method="GET", route=route) == 2
        assert not [key for key in samples if demo_slug in str(key)]
        # The queue's depth, the job's time and the render's time (measured in the worker).
        assert ("congress_queue_jobs", (("state", "queued"),)) in samples
        assert (
            _value(samples, "congress_job_seconds_count", function="proceedings", outcome="done")
            == 1
        )
        assert _value(samples, "congress_render_seconds_count", document="proceedings") == 1
        assert _value(samples, "congress_render_seconds_sum", document="proceedings") > 0

        # JSON lines, with the request id; it follows the request into the worker's job.
        web_lines = web.json_lines()
        assert [line for line in web_lines if line["request_id"] == "ping-7"]
        jobs.wait_for(
            lambda: [
                line
                for line in jobs.json_lines()
                if line["request_id"] == "render-42"
                and line["message"].startswith("job proceedings")
            ],
            10,
            "the job's log line with the request id",
        )

        # uvicorn stops, then raises the signal again so that the process ends by it.
        assert web.terminate(90) in (0, -signal.SIGTERM)
        assert jobs.terminate(90) == 0
    for running in (web, jobs):
        lines = running.text().splitlines()
        # Every line a JSON object (no tracebacks, no plain lines), the last ones the stop.
        assert lines and all(line.startswith("{") for line in lines), running.text()
    messages = [line["message"] for line in web.json_lines()]
    assert "Application shutdown complete." in messages
    assert messages[-1].startswith("Finished server process")
