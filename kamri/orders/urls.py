from django.urls import path

from kamri.orders import views

app_name = "orders"

urlpatterns = [
    path("", views.order_list, name="order_list"),
    path("<str:number>/", views.order_detail, name="order_detail"),
    path("<str:number>/facture/<str:invoice>.pdf", views.order_invoice, name="order_invoice"),
    path("<str:number>/marquer-payee/", views.order_mark_paid, name="order_mark_paid"),
]
