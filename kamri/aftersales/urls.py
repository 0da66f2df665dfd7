from django.urls import path

from kamri.aftersales import views

app_name = "aftersales"

urlpatterns = [
    path("commande/<str:access_key>/probleme/", views.report, name="report"),
    path("commande/<str:access_key>/probleme/photo/<str:token>/", views.customer_photo, name="photo"),
    path("sav/preuve/<str:signed>/", views.evidence, name="evidence"),
]
