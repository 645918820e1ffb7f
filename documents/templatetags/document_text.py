"""Filters of the PDF templates: a value, or the blank line a form leaves for it."""

from django import template
from django.utils.html import conditional_escape
from django.utils.safestring import mark_safe

register = template.Library()

_BLANK = '<span class="blank"></span>'
_BLANK_LINES = '<div class="blank-lines"></div>'


@register.filter
def or_blank(value):
    """The value, escaped; an underlined blank when there is none."""
    if value is None or str(value).strip() == "":
        return mark_safe(_BLANK)
    return conditional_escape(value)


@register.filter
def lines_or_blank(value):
    """Multi-line text, escaped, its line breaks kept; two ruled lines when there is none."""
    if value is None or str(value).strip() == "":
        return mark_safe(_BLANK_LINES)
    escaped = conditional_escape(str(value).replace("\r\n", "\n").replace("\r", "\n").strip())
    return mark_safe(escaped.replace("\n", "<br>"))
