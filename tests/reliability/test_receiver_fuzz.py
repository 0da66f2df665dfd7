"""R3, small: hypothesis-generated bodies (oversized, non-UTF-8, any JSON, wrong signatures) against the
receiver served by gunicorn → never a 5xx, every answer matches what was stored, and every stored body
opens on the journal and raw-data pages."""

from __future__ import annotations

import pytest

from bench.harness import receiver_fuzz

pytestmark = pytest.mark.slow


def test_fuzzed_bodies_never_cause_a_5xx_and_are_stored_as_answered(make_stack):
    stack = make_stack("r3")
    stack.start_sandbox()
    stack.setup()
    stack.start_web(workers=2)

    result = receiver_fuzz(stack, cases=400)

    assert result["fuzz_cases"] == 400 and result["fuzz_5xx"] == 0, result["statuses"]
    assert set(result["statuses"]) <= {"200", "400", "401", "413"}, result["statuses"]
    assert result["oversized"] > 0 and result["non_utf8"] > 0 and result["statuses"].get("200", 0) > 0
    assert result["accepted_vs_stored_mismatch"] == 0 and result["refused_vs_rejected_mismatch"] == 0
    # Then staff open what was stored: the journal, each detail page, each raw-data page (finding 13.5).
    assert result["pages_opened"] > 400 and result["pages_5xx"] == 0, result["pages_5xx_examples"]
