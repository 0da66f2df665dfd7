"""The problems panel's rows: raised and cleared by the checks, dismissed by the admin."""

from __future__ import annotations

from django.utils import timezone

from kamri.cj.models import Problem


def raise_problem(
    code: str, *, title: str, detail: str = "", severity: str = Problem.Severity.WARNING, action_url: str = ""
) -> Problem:
    """Create or refresh an active problem. A dismissed one stays dismissed while it lasts."""
    problem, created = Problem.objects.get_or_create(
        code=code, defaults={"title": title, "detail": detail, "severity": severity, "action_url": action_url}
    )
    if not created:
        problem.title, problem.detail, problem.severity, problem.action_url = (
            title,
            detail,
            severity,
            action_url,
        )
        if not problem.active:
            problem.active, problem.dismissed_at, problem.dismissed_by = True, None, ""
        problem.save()
    return problem


def clear_problem(code: str) -> None:
    Problem.objects.filter(code=code, active=True).update(active=False, last_seen=timezone.now())


def dismiss(problem: Problem, *, by: str) -> None:
    Problem.objects.filter(pk=problem.pk).update(dismissed_at=timezone.now(), dismissed_by=by)
