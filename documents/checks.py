"""System checks of the documents app: what the renderer needs from the system."""

from django.core import checks


@checks.register()
def render_dependencies(app_configs=None, **kwargs) -> list[checks.CheckMessage]:
    """documents.E001: the CJK font or the HarfBuzz subsetting library is missing."""
    from .rendering import check_render_dependencies

    return [checks.Error(message, id="documents.E001") for message in check_render_dependencies()]
