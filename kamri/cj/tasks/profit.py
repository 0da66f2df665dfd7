"""The Rapport de marge's stored lines: thin, the rules are in kamri.cj.reports.dashboard."""

from __future__ import annotations

from huey import crontab
from huey.contrib.djhuey import db_periodic_task, db_task, lock_task

from kamri.cj import queue
from kamri.cj.reports import profit as profit_figures


@queue.provides
@db_task()
@lock_task("cj-profit-lines")
def refresh_profit_lines() -> None:
    """Asked for after a new USD rate: every line written again with the new basis."""
    profit_figures.refresh_profit_lines()


@db_periodic_task(crontab(minute="*/10"))
@lock_task("cj-profit-lines")
def refresh_profit_lines_periodically() -> None:
    """Every 10 minutes: the lines of orders paid or changed since are written (the report then only sums)."""
    profit_figures.refresh_profit_lines()
