"""Signal receivers of after-sales: the order timeline tells when a delivery news e-mail is due."""

from __future__ import annotations

from django.db.models.signals import post_save
from django.dispatch import receiver

from kamri.aftersales import delivery_news
from kamri.orders.models import OrderEvent


@receiver(post_save, sender=OrderEvent, dispatch_uid="aftersales-delivery-news")
def delivery_news_on_timeline(sender, instance: OrderEvent, created: bool, **kwargs) -> None:
    if created and instance.type in ("parcel", "status"):
        delivery_news.on_timeline(instance)
