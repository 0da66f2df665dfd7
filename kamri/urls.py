from django.contrib import admin
from django.urls import include, path

from kamri.cj.views import webhook_receiver
from kamri.core.views import SetPasswordView
from kamri.legal import views as legal_views
from kamri.orders.payment_views import stripe_webhook

admin.site.site_header = "KAMRI — données brutes"
admin.site.site_title = "KAMRI"
handler404 = "kamri.core.views.page_not_found"

urlpatterns = [
    path("admin/", include("kamri.core.urls")),
    path("admin/", include("kamri.dashboard.urls")),
    path("admin/catalogue/", include("kamri.catalog.urls")),
    path("admin/commandes/", include("kamri.orders.urls")),
    path("admin/livraison/", include("kamri.orders.urls_shipping")),
    path("admin/paiements/", include("kamri.orders.payment_urls")),
    path("admin/cj/", include("kamri.cj.urls")),
    path("admin/donnees/", admin.site.urls),
    # Outside /admin/: the invited member has no session yet; the one-time token is the authentication.
    path("compte/mot-de-passe/<uidb64>/<token>/", SetPasswordView.as_view(), name="set_password"),
    path("i18n/", include("django.conf.urls.i18n")),
    path("webhooks/cj/<str:secret>/", webhook_receiver.receive, name="cj_webhook"),
    path("webhooks/stripe/", stripe_webhook, name="stripe_webhook"),
    path("pages/<slug:kind>/", legal_views.page, name="legal_page"),
    path("", include("kamri.aftersales.urls")),
    path("", include("kamri.storefront.urls")),
]
