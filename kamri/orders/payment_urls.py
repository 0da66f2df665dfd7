from django.urls import path

from kamri.orders import payment_views

app_name = "payments"

urlpatterns = [
    path("", payment_views.payment_settings, name="settings"),
]
