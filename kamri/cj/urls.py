from django.urls import path

from kamri.cj.views import connection, logs, products

app_name = "cj"

urlpatterns = [
    path("", connection.home, name="home"),
    path("statut/", connection.status_fragment, name="status"),
    path("configuration/", connection.settings_page, name="settings"),
    path("configuration/tester/", connection.test_connection, name="settings_test"),
    path("produits/", products.search, name="products"),
    path("produits/import-groupe/", products.import_bulk, name="import_bulk"),
    path("produits/<str:pid>/", products.detail, name="product_detail"),
    path("produits/<str:pid>/avis/", products.reviews, name="product_reviews"),
    path("produits/<str:pid>/livraison/", products.freight, name="product_freight"),
    path("produits/<str:pid>/apercu/", products.price_preview, name="price_preview"),
    path("produits/<str:pid>/importer/", products.import_one, name="import_product"),
    path("synchronisations/<int:pk>/", products.sync_run, name="sync_run"),
    path("logs/", logs.api_calls, name="api_calls"),
]
