from django.urls import path

from kamri.storefront import views

app_name = "storefront"

urlpatterns = [
    path("", views.home, name="home"),
    path("produit/<slug:slug>/", views.product, name="product"),
    path("panier/", views.cart_detail, name="cart"),
    path("panier/ajouter/", views.cart_add, name="cart_add"),
    path("panier/modifier/", views.cart_update, name="cart_update"),
    path("panier/retirer/", views.cart_remove, name="cart_remove"),
    path("panier/pays/", views.cart_country, name="cart_country"),
    path("commander/", views.checkout_view, name="checkout"),
    path("commande/<str:access_key>/", views.order_detail, name="order"),
    path("commande/<str:access_key>/paiement/", views.order_pay, name="order_pay"),
    path("commande/<str:access_key>/merci/", views.order_thanks, name="order_thanks"),
    path("commande/<str:access_key>/facture/<str:number>.pdf", views.order_invoice, name="order_invoice"),
]
