"""A Redis that is down reads as an empty cache: the admin and the shop answer, one warning a minute says so."""

from __future__ import annotations

import logging

import pytest
from django.urls import reverse

from kamri.core.cache import ForgivingRedisCache
from tests import factories

DOWN = "redis://127.0.0.1:1/0"  # nothing listens on port 1: every call is refused at once


def test_every_operation_of_a_cache_that_is_down_answers_as_a_miss(caplog):
    cache = ForgivingRedisCache(DOWN, {})
    caplog.set_level(logging.WARNING, logger="kamri.core.cache")
    assert cache.get("k", "absent") == "absent"
    assert cache.get_many(["a", "b"]) == {}
    assert cache.has_key("k") is False
    assert cache.add("k", 1) is False  # a lock taken with add() is not taken: never two holders
    cache.set("k", 1)
    assert cache.set_many({"a": 1}) == ["a"]
    assert cache.incr("k", 3) == 3
    assert cache.touch("k") is False
    cache.delete("k")
    cache.delete_many(["a"])
    cache.clear()
    warnings = [r for r in caplog.records if r.name == "kamri.core.cache"]
    assert len(warnings) == 1 and "Cache Redis indisponible" in warnings[0].getMessage()


@pytest.mark.django_db
def test_admin_and_shop_pages_answer_while_the_cache_is_down(settings, cj_account):
    settings.CACHES = {"default": {"BACKEND": "kamri.core.cache.ForgivingRedisCache", "LOCATION": DOWN}}
    client = factories.logged_in_client()
    for name in ("cj:home", "dashboard:home", "cj:profit", "cj:orders", "cj:products"):
        assert client.get(reverse(name)).status_code == 200, name
    search = client.get(reverse("cj:products"), {"q": "phone case"})  # CJ's answer: cached once Redis is back
    assert search.status_code == 200 and search.content.decode().count('class="pcard') > 0
    assert client.get("/").status_code == 200
