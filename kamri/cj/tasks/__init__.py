"""Huey tasks of the CJ app, one module per sub-domain: thin wrappers over the services.

djhuey's worker imports `kamri.cj.tasks`, and so every module below; the app's `ready()` imports it too, so that
each process's `kamri.cj.queue` knows the jobs services ask for.
"""

from kamri.cj.tasks import catalog, disputes, health, orders, profit, sync, webhooks

__all__ = ["catalog", "disputes", "health", "orders", "profit", "sync", "webhooks"]
