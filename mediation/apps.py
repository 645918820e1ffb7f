from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class MediationConfig(AppConfig):
    name = "mediation"
    verbose_name = _("Dispute mediation")
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self):
        from . import (
            extensions,
            jobs_notifications,  # noqa: F401  (registers the notifications' jobs)
        )
        from .demo_notifications import seed_notifications

        extensions.register_demo_seeder(seed_notifications)
