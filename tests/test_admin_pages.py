"""The staff admin pages render, filter and paginate; only staff get in."""

from __future__ import annotations

import pytest
from django.urls import reverse

from kamri.catalog.models import Product
from kamri.orders.models import Order
from tests import factories

pytestmark = pytest.mark.django_db


def test_home_in_french_by_default(staff_client):
    response = staff_client.get(reverse("dashboard:home"))
    assert response.status_code == 200
    html = response.content.decode()
    assert "Tableau de bord" in html and "Catalogue" in html and "Commandes" in html
    assert '<html lang="fr">' in html


def test_home_figures_match_the_database(staff_client):
    factories.product(status=Product.Status.DRAFT)
    factories.order(status=Order.Status.CONFIRMED, paid=True)
    response = staff_client.get(reverse("dashboard:home"))
    overview = response.context["overview"]
    assert overview.products_total == Product.objects.count()
    assert overview.products_draft == Product.objects.filter(status="draft").count()
    assert overview.orders_by_status["CONFIRMED"] == 1


def test_product_list_search_filters_and_pagination(staff_client):
    factories.product(title="Lampe rouge", source=Product.Source.CJ)
    factories.product(title="Tasse bleue")
    for _ in range(30):
        factories.product()
    url = reverse("catalog:product_list")
    assert [p.title for p in staff_client.get(url, {"q": "lampe"}).context["page"]] == ["Lampe rouge"]
    cj_only = staff_client.get(url, {"source": "cj"})
    assert [p.title for p in cj_only.context["page"]] == ["Lampe rouge"]
    assert "badge cj" in cj_only.content.decode()
    first = staff_client.get(url)
    assert first.context["page"].paginator.num_pages == 2
    second = staff_client.get(url, {"page": 2})
    assert len(second.context["page"].object_list) == 32 - 25


def test_product_detail_shows_variants(staff_client):
    item = factories.product(variants=3)
    response = staff_client.get(reverse("catalog:product_detail", args=[item.pk]))
    for variant in item.variants.all():
        assert variant.sku in response.content.decode()


def test_order_list_filters(staff_client):
    factories.order(status=Order.Status.SHIPPED, country="DE", customer="Emma Weber")
    factories.order(status=Order.Status.PENDING, country="FR", customer="Jean Dupont")
    url = reverse("orders:order_list")
    assert [o.customer_name for o in staff_client.get(url, {"status": "SHIPPED"}).context["page"]] == [
        "Emma Weber"
    ]
    assert [o.customer_name for o in staff_client.get(url, {"country": "fr"}).context["page"]] == [
        "Jean Dupont"
    ]
    assert [o.customer_name for o in staff_client.get(url, {"q": "dupont"}).context["page"]] == [
        "Jean Dupont"
    ]
    assert staff_client.get(url, {"status": "nonsense", "page": "abc"}).status_code == 200


def test_order_detail_shows_lines_and_timeline(staff_client):
    created = factories.order(lines=2)
    created.events.create(type="note", message="Appel du client")
    html = staff_client.get(reverse("orders:order_detail", args=[created.number])).content.decode()
    assert "Appel du client" in html
    for line in created.lines.all():
        assert line.sku in html


def test_unknown_order_is_a_404_not_a_500(staff_client):
    assert staff_client.get(reverse("orders:order_detail", args=["KM-NOPE"])).status_code == 404


def test_non_staff_user_cannot_enter(client):
    user = factories.staff_user("customer", is_staff=False)
    client.force_login(user)
    response = client.get(reverse("dashboard:home"))
    assert response.status_code == 302 and response.url.startswith(reverse("core:login"))


def test_non_staff_login_is_refused_like_a_wrong_password(client):
    factories.staff_user("customer", is_staff=False)
    response = client.post(
        reverse("core:login"), {"username": "customer", "password": factories.STAFF_PASSWORD}
    )
    assert response.status_code == 200
    assert "Identifiant ou mot de passe incorrect" in response.content.decode()  # issue 13: no hint


def test_product_list_shows_cost_and_margin_in_store_currency(staff_client):
    from decimal import Decimal

    from kamri.cj.models import CJSettings

    CJSettings.objects.update_or_create(pk=1, defaults={"usd_rate": Decimal("0.50")})
    item = factories.product(title="Coque CJ", source=Product.Source.CJ, price="9.99")
    item.variants.update(cost=Decimal("4.00"), cost_currency="USD")
    row = next(
        p for p in staff_client.get(reverse("catalog:product_list")).context["page"] if p.pk == item.pk
    )
    assert row.cost_max == Decimal("2.00")
    assert row.margin_min == row.margin_max == Decimal("7.99")


@pytest.mark.parametrize(
    ("start", "end"), [("0001-01-01", "9999-12-31"), ("9999-12-31", "0001-01-01"), ("x", "")]
)
def test_date_filters_at_the_edges_of_the_calendar(staff_client, start, end):
    for name in ("cj:webhook_log", "cj:api_calls", "cj:profit", "cj:profit_csv", "cj:orders_csv"):
        assert staff_client.get(reverse(name), {"from": start, "to": end}).status_code == 200


def test_french_even_for_an_english_browser_until_the_switch_is_used(client):
    page = client.get(reverse("core:login"), HTTP_ACCEPT_LANGUAGE="en-US,en;q=0.9")
    assert '<html lang="fr">' in page.content.decode()
    client.cookies["django_language"] = "en"
    assert '<html lang="en">' in client.get(reverse("core:login")).content.decode()


def test_not_found_page_is_french(client, settings):
    settings.DEBUG = False
    response = client.get("/this-page-does-not-exist/")
    assert response.status_code == 404 and "Page introuvable" in response.content.decode()


def test_make_run_keeps_the_sandbox_state_and_follows_its_ports():
    from kamri.cj.connection.demo import sandbox_command_args

    args = sandbox_command_args(port=8865)
    assert args[args.index("--port") + 1] == "8865" and "--state-file" in args


def test_a_huge_category_id_is_no_filter_not_a_500(staff_client):
    response = staff_client.get(reverse("catalog:product_list"), {"category": "9" * 40})
    assert response.status_code == 200


@pytest.mark.parametrize(
    "path",
    [
        "/admin/catalogue/99999999999999999999999/",
        "/admin/cj/commandes/99999999999999999999999/",
        "/admin/cj/webhooks/journal/99999999999999999999999/",
    ],
)
def test_a_huge_id_in_the_path_is_a_404(staff_client, path):
    assert staff_client.get(path).status_code == 404


def test_a_missing_admin_page_stays_in_the_admin_and_the_shop_keeps_its_own_404(client, staff_client):
    admin_404 = staff_client.get("/admin/cj/webhooks/journal/999999/")
    assert admin_404.status_code == 404
    page = admin_404.content.decode()
    assert 'id="not-found"' in page and "Tableau de bord" in page and "Retour à la boutique" not in page
    shop_404 = client.get("/produit/nexiste-pas/")
    assert shop_404.status_code == 404 and "Retour à la boutique" in shop_404.content.decode()
