from django.db import models


class Flag(models.Model):
    """A one-time marker (e.g. demo data loaded), kept in the database, which is the truth."""

    name = models.CharField(max_length=80, unique=True)
    set_at = models.DateTimeField(auto_now_add=True)

    def __str__(self) -> str:
        return self.name
