from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class DocumentsConfig(AppConfig):
    name = "documents"
    verbose_name = _("Documents")

    def ready(self):
        from mediation import extensions

        from .portal.staff_views import case_section as portal_section

        extensions.register_urls("portal/", "documents.portal.urls")
        extensions.register_case_section(portal_section)
