"""One long-lived CJ client per account per process: connections reused, replaced when the account changes."""

from __future__ import annotations

from kamri.cj.connection import account as connection


def test_the_same_client_serves_every_call_and_keeps_its_connection(cj_account):
    first = connection.client_for(cj_account)
    first.get_settings()
    second = connection.client_for()
    second.get_settings()
    assert second is first
    pool = first._http._transport._pool
    assert len(pool.connections) == 1  # the second call reused the first call's connection


def test_a_new_tier_or_key_gets_a_new_client(cj_account, settings):
    before = connection.client_for(cj_account)
    cj_account.tier = "free"
    cj_account.save()
    on_free = connection.client_for(cj_account)
    assert on_free is not before
    settings.CJ_RETRY_ATTEMPTS = 1  # a retry policy is part of the client
    assert connection.client_for(cj_account) is not on_free


def test_options_get_a_client_of_their_own(cj_account):
    own = connection.client_for(cj_account, user_agent="kamri-test")
    assert own is not connection.client_for(cj_account)
    own.close()
