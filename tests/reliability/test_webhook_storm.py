"""R1, small: signed webhooks with repeats into gunicorn while the Huey consumer is SIGKILLed mid-run."""

from __future__ import annotations

import pytest

from bench.harness import webhook_storm

pytestmark = pytest.mark.slow


def test_storm_with_a_killed_worker_processes_every_event_exactly_once(make_stack):
    stack = make_stack("r1")
    stack.start_sandbox()
    stack.setup()
    stack.start_web(workers=2)
    stack.start_consumers(1)

    result = webhook_storm(stack, events=300, duplicate_share=0.2, vids=40, orders=12, concurrency=8)

    assert result["consumer_killed"], "the consumer was killed once during the storm"
    assert result["http_5xx"] == 0 and result["http_200"] == result["events_sent"] == 300
    assert result["lost"] == 0 and result["events_stored"] == result["unique_events"] == 240
    assert result["duplicates_stored"] == result["duplicates_sent"] == 60
    assert result["events_processed"] == 240 and result["not_done"] == 0, result["errors"]
    assert result["processed_twice"] == 0
    # side effects once: stock per warehouse, forward-only order statuses, parcel steps, one tracking event
    assert result["stock_wrong"] == result["status_wrong"] == 0, result["examples"]
    assert result["tracking_events_wrong"] == 0, result["examples"]
    assert result["parcel_steps_wrong"] == 0, result["examples"]
