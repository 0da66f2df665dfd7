"""Django permissions follow the Équipe's roles: an owner may use Données brutes (Django's own admin) as the
superuser `make run` creates does, without being made superuser. Operators and read-only members keep Django's own
permissions (none unless granted in the raw admin), and the role middleware keeps them out of it anyway."""

from __future__ import annotations

from django.contrib.auth.backends import BaseBackend

from kamri.core.roles import Role, role_of


class OwnersMayUseTheRawAdmin(BaseBackend):
    def has_perm(self, user_obj, perm, obj=None) -> bool:
        return role_of(user_obj) == Role.OWNER

    def has_module_perms(self, user_obj, app_label) -> bool:
        return role_of(user_obj) == Role.OWNER
