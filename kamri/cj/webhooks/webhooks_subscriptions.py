"""Product webhook subscriptions: CJ only pushes PRODUCT/VARIANT/STOCK for subscribed products."""

from __future__ import annotations

from kamri.cj.client import CJError
from kamri.cj.connection.account import client_for
from kamri.cj.models import CJProductLink


def subscribe(link_id: int) -> bool:
    """Subscribe one imported product; the outcome (or CJ's reason) is kept on its link."""
    link = CJProductLink.objects.filter(pk=link_id).first()
    if link is None or link.webhook_subscribed:
        return bool(link)
    try:
        result = client_for().subscribe_products([link.pid])
    except CJError as error:
        link.subscription_error = error.user_message[:300]
        link.save(update_fields=["subscription_error"])
        if error.retryable:
            raise
        return False
    ok = link.pid in result.success_ids
    link.webhook_subscribed = ok
    link.subscription_error = "" if ok else "CJ a refusé l'abonnement aux webhooks de ce produit."
    link.save(update_fields=["webhook_subscribed", "subscription_error"])
    return ok


def subscribe_pending() -> int:
    """Subscribe every imported product not subscribed yet (CJ pushes product/stock news only for those)."""
    pending = list(
        CJProductLink.objects.filter(webhook_subscribed=False).values_list("pid", flat=True)[:5000]
    )
    if not pending:
        return 0
    result = client_for().subscribe_products(pending)  # the client sends batches of 100
    ok = set(result.success_ids)
    CJProductLink.objects.filter(pid__in=ok).update(webhook_subscribed=True, subscription_error="")
    return len(ok)
