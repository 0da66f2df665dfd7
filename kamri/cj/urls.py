from django.urls import path

from kamri.cj.views import connection, logs

app_name = "cj"

urlpatterns = [
    path("", connection.home, name="home"),
    path("statut/", connection.status_fragment, name="status"),
    path("configuration/", connection.settings_page, name="settings"),
    path("configuration/tester/", connection.test_connection, name="settings_test"),
    path("logs/", logs.api_calls, name="api_calls"),
]
