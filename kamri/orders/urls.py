from django.urls import path

from kamri.orders import views, views_shipping

app_name = "orders"

urlpatterns = [
    path("", views.order_list, name="order_list"),
    # before "<str:number>/": these words are never order numbers (KM-…)
    path("livraison/", views_shipping.shipping, name="shipping"),
    path("livraison/regles/ajouter/", views_shipping.shipping_rule_add, name="shipping_rule_add"),
    path(
        "livraison/regles/<int:pk>/supprimer/",
        views_shipping.shipping_rule_delete,
        name="shipping_rule_delete",
    ),
    path("livraison/tva/", views_shipping.vat_rates, name="vat_rates"),
    path("<str:number>/", views.order_detail, name="order_detail"),
    path("<str:number>/facture/<str:invoice>.pdf", views.order_invoice, name="order_invoice"),
    path("<str:number>/marquer-payee/", views.order_mark_paid, name="order_mark_paid"),
]
