"""What is kept and for how long: processed webhooks (setting, 30 days), the API-call log (setting, 14 days),
the admin's Journal d'activité (365 days)."""

from __future__ import annotations

from datetime import timedelta

from django.conf import settings
from django.utils import timezone

from kamri.cj.models import CJApiCall
from kamri.cj.webhooks import webhook_processing
from kamri.core import audit


def prune_api_calls(days: int | None = None) -> int:
    cutoff = timezone.now() - timedelta(days=days if days is not None else settings.CJ_API_LOG_RETENTION_DAYS)
    deleted, _detail = CJApiCall.objects.filter(started_at__lt=cutoff).delete()
    return deleted


def prune_all() -> dict[str, int]:
    return {
        "webhooks": webhook_processing.prune(),
        "api_calls": prune_api_calls(),
        "admin_actions": audit.prune(),
    }
