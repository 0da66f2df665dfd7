"""The Livraison page (/admin/livraison/): its own section of the admin."""

from django.urls import path

from kamri.orders import views_shipping

app_name = "shipping"

urlpatterns = [
    path("", views_shipping.shipping, name="home"),
    path("regles/ajouter/", views_shipping.shipping_rule_add, name="rule_add"),
    path("regles/<int:pk>/supprimer/", views_shipping.shipping_rule_delete, name="rule_delete"),
    path("tva/", views_shipping.vat_rates, name="vat_rates"),
]
