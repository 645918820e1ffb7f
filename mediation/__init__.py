"""The district mediation centre: settings, urls and the dispute-resolution domain."""

from .celery import app as celery_app

__all__ = ("celery_app",)
