"""Signal receivers: the CJ app reacts to store events without the store knowing about CJ."""

from django.db import transaction
from django.db.models.signals import post_delete, post_save, pre_delete, pre_save
from django.dispatch import receiver
from django.utils.translation import gettext as _

from kamri.catalog.models import Product, Variant
from kamri.cj import queue
from kamri.cj.models import CJOrder, CJProductLink, CJSettings, ProfitLine
from kamri.cj.orders import preflight
from kamri.cj.orders.placement import mapped_lines, queue_for_order, stop_for_order, unstoppable_for_order
from kamri.cj.reports.dashboard import figures_changed
from kamri.orders.models import Hold, Order, OrderLine, Payment, PaymentSettings, Refund
from kamri.orders.signals import hold_reasons, order_paid, stop_fulfilment, unstoppable_fulfilment


@receiver(order_paid, sender=Order, dispatch_uid="cj-queue-paid-order")
def queue_cj_order(sender, order_id: int, **kwargs) -> None:
    queue_for_order(order_id)


@receiver(stop_fulfilment, sender=Order, dispatch_uid="cj-stop-order")
def stop_cj_orders(sender, order_id: int, by: str = "", **kwargs) -> list[str]:
    return stop_for_order(order_id, by=by)


@receiver(unstoppable_fulfilment, sender=Order, dispatch_uid="cj-unstoppable-orders")
def unstoppable_cj_orders(sender, order_id: int, **kwargs) -> list[str]:
    return unstoppable_for_order(order_id)


@receiver(hold_reasons, sender=Order, dispatch_uid="cj-hold-flagged-address")
def hold_flagged_address(sender, order_id: int, **kwargs) -> list[tuple[str, str]]:
    """A paid order whose address the pre-flight flags waits for the admin, before any CJ order exists.
    The detail is the pre-flight's sentences, one after the other (each ends with its full stop)."""
    if not PaymentSettings.load().hold_on_flagged_address:
        return []
    order = Order.objects.get(pk=order_id)
    if not mapped_lines(order)[2]:  # nothing of it goes to CJ: CJ's checks are not this order's
        return []
    checked = preflight.check_address(order, then=_("« Libérer »"))
    return [] if checked.ok else [(Hold.Reason.ADDRESS, " ".join(checked.problems))]


@receiver(post_save, sender=CJOrder, dispatch_uid="cj-dashboard-order-saved")
@receiver(post_delete, sender=CJOrder, dispatch_uid="cj-dashboard-order-deleted")
@receiver(post_delete, sender=CJProductLink, dispatch_uid="cj-dashboard-link-deleted")
@receiver(post_save, sender=CJSettings, dispatch_uid="cj-dashboard-settings-saved")
def dashboard_figures_changed(sender, **kwargs) -> None:
    """A CJ order, the Paramètres or a removed CJ product change the dashboard's cached figures: the next load
    recomputes them (a CJ product link is new once imported: see ``imported``)."""
    figures_changed()


@receiver(post_save, sender=CJProductLink, dispatch_uid="cj-dashboard-link-imported")
def imported(sender, created: bool = False, **kwargs) -> None:
    if created:  # each stock check saves the link too: those leave the figures to the minute's refresh
        figures_changed()


# --- The Rapport de marge's stored lines (ProfitLine): a change to what an order's figures depend on forgets
# its line, written again by the report for any line missing (and by the periodic job). Bulk update() calls of kamri.cj call ProfitLine.forget themselves (no signal). A new USD rate or fee rule
# changes the lines' basis instead.


def _recompute_profit(order_id: int) -> None:
    """Forget now: the next report (or the periodic job) writes the line again. Not on commit: a payment or a
    checkout must not pay for a report nobody may open, nor add work to the transaction's commit hooks."""
    ProfitLine.forget([order_id])


@receiver([post_save, pre_delete], sender=Order, dispatch_uid="cj-profit-order")  # pre: the line cascades
def forget_order_profit(sender, instance: Order, **kwargs) -> None:
    _recompute_profit(instance.pk)


@receiver([post_save, post_delete], sender=OrderLine, dispatch_uid="cj-profit-order-line")
@receiver([post_save, post_delete], sender=Refund, dispatch_uid="cj-profit-refund")
@receiver(
    [post_save, post_delete], sender=Payment, dispatch_uid="cj-profit-payment"
)  # Stripe's fee, once known
@receiver([post_save, post_delete], sender=CJOrder, dispatch_uid="cj-profit-cj-order")
def forget_related_profit(sender, instance, **kwargs) -> None:
    _recompute_profit(instance.order_id)


@receiver(pre_delete, sender=Variant, dispatch_uid="cj-profit-variant")
def forget_variant_profit(sender, instance: Variant, **kwargs) -> None:
    """Its order lines lose their variant (SET_NULL, a bulk update): they no longer count as CJ products."""
    ProfitLine.forget(OrderLine.objects.filter(variant=instance).values("order_id"))


@receiver(pre_save, sender=Product, dispatch_uid="cj-profit-product-source")
def forget_product_profit(sender, instance: Product, update_fields=None, **kwargs) -> None:
    """A product that becomes (or stops being) a CJ product changes which lines of its orders are CJ sales."""
    if instance.pk is None or (update_fields is not None and "source" not in update_fields):
        return
    before = Product.objects.filter(pk=instance.pk).values_list("source", flat=True).first()
    if before is not None and before != instance.source:
        ProfitLine.forget(OrderLine.objects.filter(variant__product=instance).values("order_id"))


@receiver(post_save, sender=CJSettings, dispatch_uid="cj-profit-settings")
def refresh_profit_after_settings(sender, **kwargs) -> None:
    """A new USD rate gives every line another basis: have the job write them again before the next report."""
    transaction.on_commit(queue.refresh_profit_lines)
