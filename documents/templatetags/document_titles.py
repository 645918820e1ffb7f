"""The PDF templates' titles: ``{% outlined_title title %}`` inside ``<h1 class="title">``."""

from django import template

from documents.titles import title_markup

register = template.Library()


@register.simple_tag
def outlined_title(text):
    """The title drawn in the heavy face's outlines, its text kept (``documents.titles``)."""
    return title_markup(str(text))
