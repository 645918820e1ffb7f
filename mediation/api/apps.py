from django.apps import AppConfig
from django.utils.module_loading import autodiscover_modules
from django.utils.translation import gettext_lazy as _


class ApiConfig(AppConfig):
    name = "mediation.api"
    label = "api"
    verbose_name = _("Open API")

    def ready(self):
        from mediation import extensions

        from .demo import seed_api_tokens

        extensions.register_urls("api/", "mediation.api.urls")
        # Other packages keep their endpoints in an ``open_api`` module, found as the
        # admin finds ``admin`` modules, so that mediation names none of them.
        autodiscover_modules("open_api")
        extensions.register_demo_seeder(seed_api_tokens)
