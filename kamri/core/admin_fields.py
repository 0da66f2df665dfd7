"""Données brutes (Django's admin): a URL typed without its scheme is read as https — Django 6's default, chosen
now (Django 5 warns on every form with a URL field until it is chosen)."""

from django.db import models

HTTPS_URL_FIELDS = {models.URLField: {"assume_scheme": "https"}}
