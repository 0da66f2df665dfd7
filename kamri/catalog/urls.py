from django.urls import path

from kamri.catalog import views

app_name = "catalog"

urlpatterns = [
    path("", views.product_list, name="product_list"),
    path("<int:pk>/", views.product_detail, name="product_detail"),
    path("<int:pk>/modifier/", views.product_edit, name="product_edit"),
    path("actions-groupees/", views.product_bulk, name="product_bulk"),
]
