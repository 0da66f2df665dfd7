"""Issue 16 point 3: problems are listed by rank — critical, then warning, then info — wherever they are listed
(the model's default order, the admin, the Problèmes page, the Tableau de bord), never alphabetically (which put
"info" before "warning")."""

from __future__ import annotations

import pytest
from django.urls import reverse
from django.utils import timezone

from kamri.cj.models import Problem
from kamri.cj.reports import dashboard as figures

pytestmark = pytest.mark.django_db

# created in this order so that neither creation order nor the alphabet gives the expected one
SEVERITIES = ["info", "warning", "critical", "info", "warning"]
RANKED = ["critical", "warning", "warning", "info", "info"]


@pytest.fixture
def problems():
    return [
        Problem.objects.create(code=f"p{n}", severity=severity, title=f"Problème {n} ({severity})")
        for n, severity in enumerate(SEVERITIES)
    ]


def test_the_models_default_order_is_by_rank(problems):
    assert [p.severity for p in Problem.objects.all()] == RANKED
    assert [p.severity for p in Problem.objects.filter(active=True)] == RANKED


def test_open_and_dismissed_problems_are_listed_by_rank(problems):
    assert [p.severity for p in figures.open_problems()] == RANKED
    Problem.objects.update(dismissed_at=timezone.now())
    assert [p.severity for p in figures.dismissed_problems()] == RANKED


def test_the_problems_page_and_the_admin_list_them_by_rank(problems, staff_client, admin_client):
    page = staff_client.get(reverse("cj:problems"))
    assert [p.severity for p in page.context["open_problems"]] == RANKED
    html = page.content.decode()
    positions = [html.index(p.title) for p in problems]
    assert positions[2] < positions[1] < positions[0]  # critical, warning, info
    changelist = admin_client.get(reverse("admin:cj_problem_changelist"))
    assert changelist.status_code == 200
    assert [p.severity for p in changelist.context["cl"].result_list] == RANKED
