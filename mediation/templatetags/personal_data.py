"""``{{ person.phone|pd:personal_data }}``: a personal value, masked unless the page's
``PersonalDataDisplay`` says the user may see it in full. Every template that shows an
ID number or a phone number goes through this filter."""

from django import template

from ..personal_data import MASKED, PersonalDataDisplay

register = template.Library()


@register.filter
def pd(value, display=None) -> str:
    if not isinstance(display, PersonalDataDisplay):
        display = MASKED
    return display.show(str(value or ""))
