"""Problèmes: the health checks' findings, "Vérifier maintenant" and "Ignorer"."""

from __future__ import annotations

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.http import require_http_methods, require_POST

from kamri.cj import problems
from kamri.cj.models import Problem
from kamri.cj.reports import dashboard as figures
from kamri.cj.reports import health
from kamri.core.security import local_redirect_target


@require_http_methods(["GET", "HEAD", "POST"])
def problem_list(request: HttpRequest) -> HttpResponse:
    if request.method == "POST":
        still_open = health.check_all()
        messages.success(
            request,
            ngettext(
                "Vérification terminée : %(n)s problème ouvert.",
                "Vérification terminée : %(n)s problèmes ouverts.",
                len(still_open),
            )
            % {"n": len(still_open)},
        )
        return redirect("cj:problems")
    return render(
        request,
        "cj/problems.html",
        {
            "open_problems": list(figures.open_problems()),
            "dismissed": list(figures.dismissed_problems()),
            "cleared": list(figures.recently_cleared()),
        },
    )


@require_POST
def dismiss(request: HttpRequest, pk: int) -> HttpResponse:
    problem = get_object_or_404(Problem, pk=pk)
    problems.dismiss(problem, by=request.user.get_username())
    messages.info(
        request,
        _("« %(title)s » est ignoré tant qu'il dure ; il réapparaîtra s'il revient après avoir été résolu.")
        % {"title": problem.title},
    )
    return redirect(local_redirect_target(request, request.POST.get("next"), reverse("cj:problems")))
