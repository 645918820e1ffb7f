from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class DocumentsConfig(AppConfig):
    name = "documents"
    verbose_name = _("Documents")

    def ready(self):
        from mediation import extensions

        from .portal.staff_views import case_section as portal_section

        extensions.register_urls("portal/", "documents.portal.urls")
        extensions.register_urls("verify/", "documents.verify_urls")
        extensions.register_case_section(portal_section)

        from . import jobs  # noqa: F401  (registers the lost-render job)
        from .demo import seed_documents
        from .section import documents_section
        from .staff_urls import DocumentsApplication

        extensions.register_app(DocumentsApplication())
        extensions.register_case_section(documents_section)
        extensions.register_demo_seeder(seed_documents)
        from mediation.dashboard import sources

        from . import checks  # noqa: F401  (registers documents.E001, the render check)
        from .statistics import agreed_amount

        sources.register_agreed_amount_source(agreed_amount)
