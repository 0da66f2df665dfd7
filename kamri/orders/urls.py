from django.urls import path

from kamri.orders import payment_views, views

app_name = "orders"

urlpatterns = [
    path("", views.order_list, name="order_list"),
    path("<str:number>/", views.order_detail, name="order_detail"),
    path("<str:number>/facture/<str:invoice>.pdf", views.order_invoice, name="order_invoice"),
    path("<str:number>/marquer-payee/", views.order_mark_paid, name="order_mark_paid"),
    path("<str:number>/annuler/", payment_views.order_cancel, name="order_cancel"),
    path("<str:number>/rembourser/", payment_views.order_refund, name="order_refund"),
    path("<str:number>/renvoyer-email/", payment_views.order_resend_email, name="order_resend_email"),
    path("<str:number>/note/", payment_views.order_note, name="order_note"),
    path("<str:number>/adresse/", payment_views.order_address, name="order_address"),
    path("<str:number>/retenues/<int:pk>/liberer/", payment_views.hold_release, name="hold_release"),
]
