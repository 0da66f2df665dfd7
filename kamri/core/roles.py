"""Staff roles, and the one table that says which role may open (GET) or use (POST) each admin URL.

Enforced in one place, `kamri.core.middleware.StaffOnlyAdminMiddleware`, for every view under /admin/, including
pages added later: a URL name missing from `ACCESS` is owner-only (secure by default) until someone decides
otherwise here. `tests/security/test_roles.py` lists every admin URL that is deliberately owner-only, so a new page
fails that test until it is classified.
"""

from __future__ import annotations

from kamri.core.models import Role, StaffMember

__all__ = ["ACCESS", "RANK", "Role", "at_least", "label", "may", "recorded_role", "required_role", "role_of"]


#: Higher sees and does more. Every role includes what the roles below it may do.
RANK = {Role.READ_ONLY: 1, Role.OPERATOR: 2, Role.OWNER: 3}

R, OP = Role.READ_ONLY, Role.OPERATOR

#: URL name → (minimum role to read with GET/HEAD, minimum role to POST). Absent: owner for both.
ACCESS: dict[str, tuple[Role, Role]] = {
    # Everyone: the frame around the work.
    "core:logout": (R, R),
    "dashboard:home": (R, OP),
    # Products.
    "catalog:product_list": (R, OP),
    "catalog:product_detail": (R, OP),
    "catalog:product_edit": (R, OP),  # KAMRI's product editor: read-only members see it without saving
    "catalog:product_bulk": (R, OP),  # status, category or pricing rule of the ticked products
    "cj:home": (R, OP),
    "cj:status": (R, OP),
    "cj:products": (R, OP),
    "cj:product_detail": (R, OP),
    "cj:product_reviews": (R, OP),
    "cj:product_rating": (R, OP),
    "cj:product_country_stock": (R, OP),
    "cj:product_freight": (R, OP),
    "cj:price_preview": (R, OP),
    "cj:import_product": (R, OP),
    "cj:import_bulk": (R, OP),
    "cj:price_changes": (R, OP),
    "cj:price_changes_bulk": (R, OP),
    "cj:price_change_decide": (R, OP),
    "cj:new_variants": (R, OP),
    "cj:new_variants_bulk": (R, OP),
    "cj:new_variant_decide": (R, OP),
    "cj:sync_stock": (R, OP),
    "cj:sync_prices": (R, OP),
    "cj:syncs": (R, OP),
    "cj:sync_run": (R, OP),
    # Orders.
    "orders:order_list": (R, OP),
    "orders:order_detail": (R, OP),
    "orders:order_invoice": (R, OP),
    "orders:order_mark_paid": (R, OP),
    # Customer service on an order; cancelling and refunding give money back: the owner's (deliberately absent).
    "orders:order_resend_email": (R, OP),
    "orders:order_note": (R, OP),
    "orders:hold_release": (R, OP),
    "orders:order_address": (R, OP),
    "cj:orders": (R, OP),
    "cj:order_detail": (R, OP),
    "cj:order_address": (R, OP),
    "cj:order_resubmit": (R, OP),
    "cj:sync_orders": (R, OP),
    "cj:tracking": (R, OP),
    # Retours et litiges: operators handle requests and CJ disputes; refunding the customer stays the owner's
    # ("cj:aftersales_refund" deliberately absent, as every refund).
    "cj:aftersales": (R, OP),
    "cj:aftersales_detail": (R, OP),
    "cj:aftersales_dispute": (R, OP),
    "cj:aftersales_dispute_cancel": (R, OP),
    "cj:aftersales_reply": (R, OP),
    "cj:aftersales_status": (R, OP),
    "cj:aftersales_sync": (R, OP),
    "cj:aftersales_photo": (R, OP),
    "cj:problems": (R, OP),
    "cj:problem_dismiss": (R, OP),
    # Webhooks (the secret address itself is the owner's: "cj:webhooks_rotate" stays owner-only).
    "cj:webhooks": (R, OP),
    "cj:webhooks_enable": (R, OP),
    "cj:webhooks_disable": (R, OP),
    "cj:webhooks_check": (R, OP),
    "cj:webhook_log": (R, OP),
    "cj:webhook_detail": (R, OP),
    "cj:webhook_retry": (R, OP),
    "cj:webhook_retry_bulk": (R, OP),
    # Figures: seen by all, changed by nobody but the owner (the automation settings are the shop's policy).
    "cj:api_calls": (R, OP),
    "cj:profit": (R, OP),
    "cj:automation": (R, Role.OWNER),
    "cj:golive": (R, Role.OWNER),
    "cj:points_forecast": (R, Role.OWNER),  # Paramètres' live forecast of the values being typed
    # Livraison: shipping prices and VAT rates are the owner's policy; everyone may read them.
    "shipping:home": (R, Role.OWNER),
}


def at_least(role: str | None, minimum: Role) -> bool:
    return role is not None and RANK.get(role, 0) >= RANK[minimum]


def required_role(url_name: str, method: str) -> Role:
    """The least role that may send `method` to the admin URL `url_name`."""
    read, write = ACCESS.get(url_name, (Role.OWNER, Role.OWNER))
    return read if method in ("GET", "HEAD", "OPTIONS") else write


def recorded_role(user) -> str:
    """The role kept for a staff account, active or not. Without a row (made with `createsuperuser` or in the
    raw admin): owner if superuser, else read-only."""
    member = StaffMember.objects.filter(user=user).only("role").first()
    if member is not None:
        return member.role
    return Role.OWNER if user.is_superuser else Role.READ_ONLY


def role_of(user) -> str | None:
    """The role of an active staff account, once per request; None for anyone else."""
    if not (getattr(user, "is_authenticated", False) and user.is_active and user.is_staff):
        return None
    if getattr(user, "_kamri_role", None) is None:
        user._kamri_role = recorded_role(user)
    return user._kamri_role


def may(user, url_name: str, method: str = "GET") -> bool:
    return at_least(role_of(user), required_role(url_name, method))


def label(role: str | None) -> str:
    return str(dict(Role.choices).get(role, role or ""))
