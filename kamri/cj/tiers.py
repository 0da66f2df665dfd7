"""CJ account tiers and the request rate each one allows: the one place for tier → QPS."""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _


class Tier(models.TextChoices):
    FREE = "free", _("Free — 1 requête/s")
    PLUS = "plus", _("Plus — 2 requêtes/s")
    PRIME = "prime", _("Prime — 4 requêtes/s")
    ADVANCED = "advanced", _("Advanced — 6 requêtes/s")


TIER_QPS: dict[str, int] = {Tier.FREE: 1, Tier.PLUS: 2, Tier.PRIME: 4, Tier.ADVANCED: 6}

#: Spacing calls slightly under the cap absorbs network jitter, so CJ's own window never sees a burst.
LIMITER_HEADROOM = 0.95


def allowed_qps(tier: str, qps_limit: int | None = None) -> int:
    """The tier's rate, or CJ's own `qpsLimit` from setting/get when it is lower."""
    rate = TIER_QPS.get(tier, 1)
    if qps_limit and qps_limit > 0:
        rate = min(rate, qps_limit)
    return rate


def limiter_rate(tier: str, qps_limit: int | None = None) -> float:
    return allowed_qps(tier, qps_limit) * LIMITER_HEADROOM
