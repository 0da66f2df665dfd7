from django.urls import path

from kamri.storefront import views

app_name = "storefront"

urlpatterns = [
    path("", views.home, name="home"),
    path("produit/<slug:slug>/", views.product, name="product"),
]
