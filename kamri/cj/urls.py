from django.urls import path

from kamri.cj.views import automation, connection, logs, new_variants, orders, prices, products, webhooks
from kamri.cj.views import dashboard as dashboard_views
from kamri.cj.views import problems as problem_views
from kamri.cj.views import profit as profit_views

app_name = "cj"

urlpatterns = [
    path("", dashboard_views.dashboard, name="home"),
    path("statut/", connection.status_fragment, name="status"),
    path("configuration/", connection.settings_page, name="settings"),
    path("configuration/tester/", connection.test_connection, name="settings_test"),
    path("parametres/", automation.automation_settings, name="automation"),
    path("produits/", products.search, name="products"),
    path("produits/import-groupe/", products.import_bulk, name="import_bulk"),
    path("produits/<str:pid>/", products.detail, name="product_detail"),
    path("produits/<str:pid>/avis/", products.reviews, name="product_reviews"),
    path("produits/<str:pid>/note/", products.rating, name="product_rating"),
    path("produits/<str:pid>/stock-pays/", products.country_stock, name="product_country_stock"),
    path("produits/<str:pid>/livraison/", products.freight, name="product_freight"),
    path("produits/<str:pid>/apercu/", products.price_preview, name="price_preview"),
    path("produits/<str:pid>/importer/", products.import_one, name="import_product"),
    path("commandes/", orders.order_list, name="orders"),
    path("commandes/synchroniser/", orders.sync_orders, name="sync_orders"),
    path("commandes/<int:pk>/", orders.order_detail, name="order_detail"),
    path("commandes/<int:pk>/adresse/", orders.update_address, name="order_address"),
    path("commandes/<int:pk>/renvoyer/", orders.resubmit, name="order_resubmit"),
    path("suivi/", orders.parcel_tracking, name="tracking"),
    path("synchronisations/", orders.sync_runs, name="syncs"),
    path("synchronisations/<int:pk>/", products.sync_run, name="sync_run"),
    path("logs/", logs.api_calls, name="api_calls"),
    path("webhooks/", webhooks.webhooks, name="webhooks"),
    path("webhooks/activer/", webhooks.enable, name="webhooks_enable"),
    path("webhooks/desactiver/", webhooks.disable, name="webhooks_disable"),
    path("webhooks/nouvelle-adresse/", webhooks.rotate, name="webhooks_rotate"),
    path("webhooks/verifier/", webhooks.check_at_cj, name="webhooks_check"),
    path("webhooks/journal/", webhooks.webhook_log, name="webhook_log"),
    path("webhooks/journal/retraiter/", webhooks.retry_bulk, name="webhook_retry_bulk"),
    path("webhooks/journal/<int:pk>/", webhooks.webhook_detail, name="webhook_detail"),
    path("webhooks/journal/<int:pk>/retraiter/", webhooks.retry_one, name="webhook_retry"),
    path("prix/", prices.price_changes, name="price_changes"),
    path("prix/decider/", prices.price_changes_bulk, name="price_changes_bulk"),
    path("prix/<int:pk>/decider/", prices.price_change_decide, name="price_change_decide"),
    path("stock/synchroniser/", prices.sync_stock, name="sync_stock"),
    path("prix/synchroniser/", prices.sync_prices, name="sync_prices"),
    path("nouvelles-variantes/", new_variants.new_variants, name="new_variants"),
    path("nouvelles-variantes/traiter/", new_variants.new_variants_bulk, name="new_variants_bulk"),
    path("nouvelles-variantes/<int:pk>/traiter/", new_variants.new_variant_decide, name="new_variant_decide"),
    path("problemes/", problem_views.problem_list, name="problems"),
    path("problemes/<int:pk>/ignorer/", problem_views.dismiss, name="problem_dismiss"),
    path("rapport/", profit_views.profit, name="profit"),
    path("rapport/export.csv", profit_views.profit_csv, name="profit_csv"),
    path("commandes/export.csv", profit_views.orders_csv, name="orders_csv"),
]
