"""The admin's navigation. An entry shows only when its URL name resolves and the person's role may open it
(kamri.core.roles): no link to a page that does not exist or would answer 403."""

from __future__ import annotations

from dataclasses import dataclass, field

from django.urls import NoReverseMatch, reverse
from django.utils.translation import gettext_lazy as _

from kamri.core import roles


@dataclass(frozen=True)
class NavEntry:
    label: str
    url_name: str
    icon: str
    children: tuple[NavEntry, ...] = field(default_factory=tuple)


NAVIGATION: tuple[NavEntry, ...] = (
    NavEntry(_("Tableau de bord"), "dashboard:home", "home"),
    NavEntry(_("Catalogue"), "catalog:product_list", "box"),
    NavEntry(_("Commandes"), "orders:order_list", "cart"),
    NavEntry(_("Livraison"), "shipping:home", "truck"),
    NavEntry(_("Paiements"), "payments:settings", "coins"),
    NavEntry(
        _("CJ Dropshipping"),
        "cj:home",
        "truck",
        children=(
            NavEntry(_("Accueil CJ"), "cj:home", "truck"),
            NavEntry(_("Configuration"), "cj:settings", "gear"),
            NavEntry(_("Paramètres"), "cj:automation", "gear"),
            NavEntry(_("Produits"), "cj:products", "search"),
            NavEntry(_("Commandes"), "cj:orders", "cart"),
            NavEntry(_("Suivi des colis"), "cj:tracking", "pin"),
            NavEntry(_("Retours et litiges"), "cj:aftersales", "undo"),
            NavEntry(_("Webhooks"), "cj:webhooks", "bell"),
            NavEntry(_("Synchronisations"), "cj:syncs", "sync"),
            NavEntry(_("Changements de prix"), "cj:price_changes", "tag"),
            NavEntry(_("Nouvelles variantes"), "cj:new_variants", "box"),
            NavEntry(_("Problèmes"), "cj:problems", "alert"),
            NavEntry(_("Logs et métriques"), "cj:api_calls", "chart"),
            NavEntry(_("Rapport de marge"), "cj:profit", "coins"),
        ),
    ),
    NavEntry(_("Équipe"), "core:team", "users"),
    NavEntry(_("Journal d'activité"), "core:activity", "list"),
    NavEntry(_("Données brutes"), "admin:index", "db"),
)


def _url(name: str, user=None) -> str | None:
    if user is not None and not roles.may(user, name):
        return None
    try:
        return reverse(name)
    except NoReverseMatch:
        return None


def build_navigation(current_path: str, user=None) -> list[dict]:
    """Entries whose page exists (and that `user` may open), each with its URL and whether it is current."""
    items = []
    for entry in NAVIGATION:
        url = _url(entry.url_name, user)
        if url is None:
            continue
        children = []
        for child in entry.children:
            child_url = _url(child.url_name, user)
            if child_url is not None:
                active = current_path == child_url or (
                    child_url != url and current_path.startswith(child_url)
                )
                children.append(
                    {"label": child.label, "url": child_url, "icon": child.icon, "active": active}
                )
        active = current_path == url if url == "/admin/" else current_path.startswith(url)
        items.append(
            {"label": entry.label, "url": url, "icon": entry.icon, "active": active, "children": children}
        )
    return items


def section_links(url_name: str, user=None) -> list[dict]:
    """The working sub-pages of one navigation section (that `user` may open), e.g. the CJ quick actions."""
    try:
        section_url = reverse(url_name)
    except NoReverseMatch:
        return []
    for item in build_navigation(section_url, user):
        if item["url"] == section_url:
            return [child for child in item["children"] if child["url"] != section_url]
    return []
