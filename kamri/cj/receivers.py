"""Signal receivers: the CJ app reacts to store events without the store knowing about CJ."""

from django.db.models.signals import post_delete, post_save
from django.dispatch import receiver
from django.utils.translation import gettext as _

from kamri.cj.models import CJOrder, CJProductLink, CJSettings
from kamri.cj.orders import preflight
from kamri.cj.orders.placement import mapped_lines, queue_for_order, stop_for_order
from kamri.cj.reports.dashboard import figures_changed
from kamri.orders.models import Hold, Order, PaymentSettings
from kamri.orders.signals import hold_reasons, order_paid, stop_fulfilment


@receiver(order_paid, sender=Order, dispatch_uid="cj-queue-paid-order")
def queue_cj_order(sender, order_id: int, **kwargs) -> None:
    queue_for_order(order_id)


@receiver(stop_fulfilment, sender=Order, dispatch_uid="cj-stop-order")
def stop_cj_orders(sender, order_id: int, by: str = "", **kwargs) -> list[str]:
    return stop_for_order(order_id, by=by)


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
