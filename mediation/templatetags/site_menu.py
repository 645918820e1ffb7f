"""The menu on every page: the cases, the user's tasks of every flow, their notices."""

from django import template
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from .. import extensions, selectors_notifications

register = template.Library()


@register.inclusion_tag("mediation/site_menu.html", takes_context=True)
def site_menu(context):
    request = context.get("request")
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {"entries": []}
    entries = [
        extensions.MenuEntry(title=_("All cases"), url=reverse("cases:list"), icon="list"),
        *extensions.menu_entries(request),
        extensions.MenuEntry(
            title=_("Notifications"),
            url=reverse("cases:notifications"),
            icon="notifications",
            count=selectors_notifications.notifications_unread_count(user),
        ),
    ]
    return {"entries": entries, "current": request.path}
