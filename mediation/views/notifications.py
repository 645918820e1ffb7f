"""The logged-in user's notices: a list, and marking them read."""

from django.contrib.auth.mixins import LoginRequiredMixin
from django.http import HttpResponseRedirect
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext_lazy as _
from django.views import generic

from .. import selectors_notifications, services_notifications


class NotificationListView(LoginRequiredMixin, generic.ListView):
    template_name = "mediation/notifications.html"
    context_object_name = "notifications"
    paginate_by = 25
    title = _("Notifications")

    def get_queryset(self):
        return selectors_notifications.notifications_for(self.request.user)

    def get_context_data(self, **kwargs):
        return super().get_context_data(
            unread_count=selectors_notifications.notifications_unread_count(self.request.user),
            **kwargs,
        )


class NotificationReadView(LoginRequiredMixin, generic.View):
    """POST only: mark one notice (``pk``) or all of them read, then go back."""

    http_method_names = ["post"]

    def post(self, request, pk=None):
        if pk is None:
            services_notifications.notifications_mark_all_read(actor=request.user)
        else:
            notification = selectors_notifications.notification_get(user=request.user, pk=pk)
            services_notifications.notification_mark_read(
                notification=notification, actor=request.user
            )
        back = request.POST.get("next", "")
        if not url_has_allowed_host_and_scheme(
            back, allowed_hosts={request.get_host()}, require_https=request.is_secure()
        ):
            back = reverse("cases:notifications")
        return HttpResponseRedirect(back)
