from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class DashboardConfig(AppConfig):
    name = "mediation.dashboard"
    label = "dashboard"
    verbose_name = _("Statistics")

    def ready(self):
        from mediation import extensions

        from . import rollup  # noqa: F401  (registers the dashboard.rollup_refresh job)
        from .demo import seed_statistics
        from .urls import DashboardApplication, menu_entries

        extensions.register_app(DashboardApplication())
        extensions.register_menu_source(menu_entries)
        extensions.register_demo_seeder(seed_statistics)
