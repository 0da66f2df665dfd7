from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class Role(models.TextChoices):
    """A staff account's role (kamri.core.roles says what each may open and use)."""

    OWNER = "owner", _("Propriétaire")
    OPERATOR = "operator", _("Opérateur")
    READ_ONLY = "read_only", _("Lecture seule")


class Flag(models.Model):
    """A one-time marker (e.g. demo data loaded), kept in the database, which is the truth."""

    name = models.CharField(max_length=80, unique=True)
    set_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("indicateur")
        verbose_name_plural = _("indicateurs")

    def __str__(self) -> str:
        return self.name


class AdminAction(models.Model):
    """One state-changing request an admin made (a button, a form): who, what, on what, with what result.

    Written by `kamri.core.audit` from the request itself, never from the form data: no secret lands here."""

    class Outcome(models.TextChoices):
        OK = "ok", _("Effectuée")
        WARNING = "warning", _("Avertissement")
        FAILED = "failed", _("Échec")
        REFUSED = "refused", _("Refusée")

    at = models.DateTimeField(_("date"), default=timezone.now, db_index=True)
    user = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")
    username = models.CharField(_("utilisateur"), max_length=150, db_index=True)
    action = models.CharField(_("action"), max_length=100, db_index=True)
    target = models.CharField(_("objet"), max_length=200, blank=True)
    outcome = models.CharField(_("résultat"), max_length=10, choices=Outcome.choices, default=Outcome.OK)
    status_code = models.PositiveSmallIntegerField(_("code HTTP"))
    message = models.CharField(_("message"), max_length=500, blank=True)
    ip = models.GenericIPAddressField(_("adresse IP"), null=True, blank=True)

    class Meta:
        ordering = ("-at", "-id")
        verbose_name = _("action d'administration")
        verbose_name_plural = _("journal d'activité")

    def __str__(self) -> str:
        return f"{self.at:%Y-%m-%d %H:%M} {self.username} {self.action}"


class StaffMember(models.Model):
    """A member of the Équipe: the role of one staff account (kamri.core.roles), and who invited them.

    A field on a row of its own, not Django groups: one role per person, read in one query, and Django's
    per-model permissions stay what they are (the raw admin's)."""

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="staff_member"
    )
    role = models.CharField(_("rôle"), max_length=20, choices=Role.choices, default=Role.READ_ONLY)
    invited_by = models.CharField(_("invité par"), max_length=150, blank=True)
    created_at = models.DateTimeField(_("ajouté le"), default=timezone.now)

    class Meta:
        ordering = ("user__username",)
        verbose_name = _("membre de l'équipe")
        verbose_name_plural = _("équipe")

    def __str__(self) -> str:
        return f"{self.user.get_username()} ({self.get_role_display()})"
