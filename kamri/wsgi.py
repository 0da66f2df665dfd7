"""WSGI entry point (gunicorn kamri.wsgi)."""

import os

from django.core.wsgi import get_wsgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "kamri.settings")
application = get_wsgi_application()
