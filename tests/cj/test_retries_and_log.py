"""With 30 % injected 5xx, read calls still succeed; retries are bounded and every attempt is logged."""

from __future__ import annotations

import pytest
from django.conf import settings

from kamri.cj.connection import account as connection
from kamri.cj.models import CJApiCall
from tests.cj.helpers import control

pytestmark = pytest.mark.django_db


def test_reads_survive_thirty_percent_5xx_and_the_log_shows_every_attempt(cj_account, cj_sandbox):
    client = connection.client_for()
    pids = [item.pid for item in client.search_products(keyword="phone case", size=12).items]
    CJApiCall.objects.all().delete()
    control(cj_sandbox, "faults", {"seed": 3, "error_rate": 0.3, "paths": ["product/query"]})
    try:
        for pid in pids:
            assert client.get_product(pid=pid, with_inventory=False).pid == pid
    finally:
        control(cj_sandbox, "faults", {})
    attempts = CJApiCall.objects.filter(endpoint="product/query")
    failed = attempts.filter(ok=False)
    assert failed.exists(), "the sandbox injected server errors"
    assert all(call.http_status is None or call.http_status >= 500 for call in failed)
    assert attempts.filter(ok=True).count() == len(pids)  # each logical call succeeded exactly once
    assert max(attempts.values_list("attempt", flat=True)) <= settings.CJ_RETRY_ATTEMPTS
    assert attempts.count() == len(pids) + failed.count()
