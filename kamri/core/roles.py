"""Staff roles, and the one table that says which role may open (GET) or use (POST) each admin URL.

Enforced in one place, `kamri.core.middleware.StaffOnlyAdminMiddleware`, for every view under /admin/, including
pages added later: a URL name missing from `ACCESS` is owner-only (secure by default) until someone decides
otherwise here. `tests/security/test_roles.py` lists every admin URL that is deliberately owner-only, so a new page
fails that test until it is classified.
"""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _


class Role(models.TextChoices):
    OWNER = "owner", _("Propriétaire")
    OPERATOR = "operator", _("Opérateur")
    READ_ONLY = "read_only", _("Lecture seule")


#: Higher sees and does more. Every role includes what the roles below it may do.
RANK = {Role.READ_ONLY: 1, Role.OPERATOR: 2, Role.OWNER: 3}

R, O = Role.READ_ONLY, Role.OPERATOR

#: URL name → (minimum role to read with GET/HEAD, minimum role to POST). Absent: owner for both.
ACCESS: dict[str, tuple[Role, Role]] = {
    # Everyone: the frame around the work.
    "core:logout": (R, R),
    "dashboard:home": (R, O),
    # Products.
    "catalog:product_list": (R, O),
    "catalog:product_detail": (R, O),
    "cj:home": (R, O),
    "cj:status": (R, O),
    "cj:products": (R, O),
    "cj:product_detail": (R, O),
    "cj:product_reviews": (R, O),
    "cj:product_rating": (R, O),
    "cj:product_freight": (R, O),
    "cj:price_preview": (R, O),
    "cj:import_product": (R, O),
    "cj:import_bulk": (R, O),
    "cj:price_changes": (R, O),
    "cj:price_changes_bulk": (R, O),
    "cj:price_change_decide": (R, O),
    "cj:new_variants": (R, O),
    "cj:new_variants_bulk": (R, O),
    "cj:new_variant_decide": (R, O),
    "cj:sync_stock": (R, O),
    "cj:sync_prices": (R, O),
    "cj:syncs": (R, O),
    "cj:sync_run": (R, O),
    # Orders.
    "orders:order_list": (R, O),
    "orders:order_detail": (R, O),
    "orders:order_mark_paid": (R, O),
    "cj:orders": (R, O),
    "cj:order_detail": (R, O),
    "cj:order_address": (R, O),
    "cj:order_resubmit": (R, O),
    "cj:sync_orders": (R, O),
    "cj:tracking": (R, O),
    "cj:problems": (R, O),
    "cj:problem_dismiss": (R, O),
    # Webhooks (the secret address itself is the owner's: "cj:webhooks_rotate" stays owner-only).
    "cj:webhooks": (R, O),
    "cj:webhooks_enable": (R, O),
    "cj:webhooks_disable": (R, O),
    "cj:webhooks_check": (R, O),
    "cj:webhook_log": (R, O),
    "cj:webhook_detail": (R, O),
    "cj:webhook_retry": (R, O),
    "cj:webhook_retry_bulk": (R, O),
    # Figures: seen by all, changed by nobody but the owner (the automation settings are the shop's policy).
    "cj:api_calls": (R, O),
    "cj:profit": (R, O),
    "cj:automation": (R, Role.OWNER),
}


def at_least(role: str | None, minimum: Role) -> bool:
    return role is not None and RANK.get(role, 0) >= RANK[minimum]


def required_role(url_name: str, method: str) -> Role:
    """The least role that may send `method` to the admin URL `url_name`."""
    read, write = ACCESS.get(url_name, (Role.OWNER, Role.OWNER))
    return read if method in ("GET", "HEAD", "OPTIONS") else write


def role_of(user) -> str | None:
    """The role of an active staff account; None for anyone else. A staff account without a recorded role
    (made with `createsuperuser` or in the raw admin) is an owner if it is a superuser, else read-only."""
    if not (getattr(user, "is_authenticated", False) and user.is_active and user.is_staff):
        return None
    cached = getattr(user, "_kamri_role", None)
    if cached is None:
        from kamri.core.models import StaffMember

        member = StaffMember.objects.filter(user=user).only("role").first()
        if member is not None:
            cached = member.role
        else:
            cached = Role.OWNER if user.is_superuser else Role.READ_ONLY
        user._kamri_role = cached
    return cached


def may(user, url_name: str, method: str = "GET") -> bool:
    return at_least(role_of(user), required_role(url_name, method))


def label(role: str | None) -> str:
    return str(dict(Role.choices).get(role, role or ""))

